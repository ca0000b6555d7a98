"""Indicator rules: names that cannot measure anything, values that cannot be read, cells
that should never have been published (domain.md §3.6–§3.8, §3.11)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from typing import Any

from kg.audit.registry import Finding, new_finding, rule
from kg.audit.rules.ladder import ladder_text
from kg.model import GRADES
from kg.records.context import AuditContext, AuditIndicator
from kg.textnorm import fold

_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)


def squash(text: str) -> str:
    """Folded text without spaces or punctuation, for "is the same words" comparisons."""
    return _PUNCT.sub("", fold(text or ""))


def indicator_finding(context: AuditContext, ind: AuditIndicator, zh: str, en: str, **data: Any):
    """A finding on one indicator row, with its evidence and the money it grades."""
    return new_finding(
        zh,
        en,
        doc_id=ind.doc_id,
        nodes=[ind.id],
        evidence=[context.evidence(ind)],
        budget=context.budget_at_stake(ind),
        data=data,
    )


def _label(ind: AuditIndicator) -> str:
    return ind.name or "（无名称）"


@rule(
    "indicator.count_in_percent",
    severity="warning",
    title_zh="数量类指标按百分比评分",
    title_en="Count or amount graded in percent",
    finding_type="unit-mismatch",
    params={"metric_kinds": ["count", "amount"], "min_percent_cells": 2},
)
def count_in_percent(context: AuditContext, params: dict[str, Any]) -> Iterator[Finding]:
    """A name that measures a count, amount or area (次数, 人数, 面积 …) while at least
    ``min_percent_cells`` of its grades are percentages: the grades cannot be applied."""
    kinds = set(params["metric_kinds"])
    for ind in context.indicators:
        if ind.kind != "graded" or ind.analysis is None or ind.analysis.metric_kind not in kinds:
            continue
        percent = sum(1 for band in ind.bands if band.unit_kind == "percent")
        if percent >= params["min_percent_cells"]:
            yield indicator_finding(
                context,
                ind,
                f"「{_label(ind)}」是{ind.analysis.metric_kind}类指标，却按百分比评分「{ladder_text(ind.grades)}」",
                f"'{_label(ind)}' measures a {ind.analysis.metric_kind} but is graded in percent "
                f"'{ladder_text(ind.grades)}'",
                metric_kind=ind.analysis.metric_kind,
            )


@rule(
    "indicator.restates_text",
    severity="warning",
    title_zh="指标照抄目标、内容或活动名称",
    title_en="Indicator restates the goal, content or activity name",
    finding_type="restates-goal",
    params={"min_substring": 8, "goal_similarity": 0.6, "ignore": ["涉密", "无"]},
)
def restates_text(context: AuditContext, params: dict[str, Any]) -> Iterator[Finding]:
    """The indicator equals the goal, content or name of its node, is a substring of one of
    them (at least ``min_substring`` characters), or is more than ``goal_similarity`` similar
    to the goal (difflib ratio): it repeats the task instead of measuring it. Placeholders
    (``ignore``: 涉密 in every cell) are left to ``indicator.classified``."""
    ignored = set(params["ignore"])
    for ind in context.indicators:
        node = context.node_of(ind)
        name = squash(ind.name)
        if node is None or not name or name in ignored:
            continue
        for field_zh, field_en, text in (
            ("绩效目标", "goal", node.goal),
            ("内容描述", "content", node.content),
            ("活动名称", "activity name", node.name),
        ):
            other = squash(text)
            if not other:
                continue
            same = name == other
            inside = len(name) >= params["min_substring"] and name in other
            similar = (
                field_en == "goal"
                and difflib.SequenceMatcher(None, name, other).ratio() > params["goal_similarity"]
            )
            if same or inside or similar:
                how_zh = "相同" if same else ("摘自" if inside else "近似于")
                how_en = "equals" if same else ("is taken from" if inside else "paraphrases")
                yield indicator_finding(
                    context,
                    ind,
                    f"指标「{ind.name}」{how_zh}{field_zh}「{text}」",
                    f"indicator '{ind.name}' {how_en} the {field_en} '{text}'",
                    field=field_en,
                )
                break


@rule(
    "indicator.category_label",
    severity="warning",
    title_zh="用分类标签作指标名称",
    title_en="Category label used as indicator name",
    finding_type="category-label-as-indicator",
)
def category_label(context: AuditContext, params: dict[str, Any]) -> Iterator[Finding]:
    """The name is an indicator category (数量指标, 完成质量, 时效指标 …), not an indicator."""
    for ind in context.indicators:
        if ind.analysis is not None and ind.analysis.is_category_label:
            yield indicator_finding(
                context,
                ind,
                f"「{ind.name}」是指标分类，不是可考核的指标",
                f"'{ind.name}' is a category label, not an indicator",
            )


@rule(
    "indicator.task_phrase",
    severity="warning",
    title_zh="指标没有可计量的对象",
    title_en="No measurable noun (a task phrase)",
    finding_type="task-phrase",
)
def task_phrase(context: AuditContext, params: dict[str, Any]) -> Iterator[Finding]:
    """The name is a task (开展…, 做好…) with no metric head (率, 数, 量, 度 …)."""
    for ind in context.indicators:
        analysis = ind.analysis
        if analysis is not None and analysis.is_task_phrase and not analysis.is_category_label:
            yield indicator_finding(
                context,
                ind,
                f"「{ind.name}」是工作任务表述，没有可计量的指标",
                f"'{ind.name}' is a task phrase with nothing to measure",
            )


@rule(
    "indicator.no_grades",
    severity="warning",
    title_zh="有指标无评价标准",
    title_en="Indicator without grades",
    finding_type="parse-anomaly",
)
def no_grades(context: AuditContext, params: dict[str, Any]) -> Iterator[Finding]:
    """A graded-table indicator with a name and all four grade cells empty."""
    for ind in context.indicators:
        if ind.kind == "graded" and ind.name and not ind.has_grades:
            yield indicator_finding(
                context,
                ind,
                f"指标「{ind.name}」没有任何评价标准",
                f"indicator '{ind.name}' has no grades at all",
            )


@rule(
    "indicator.no_name",
    severity="warning",
    title_zh="有评价标准无指标名称",
    title_en="Grades without an indicator name",
    finding_type="parse-anomaly",
)
def no_name(context: AuditContext, params: dict[str, Any]) -> Iterator[Finding]:
    """Grades are printed but the indicator name cell is empty: nobody knows what is graded."""
    for ind in context.indicators:
        if ind.kind == "graded" and not ind.name.strip() and ind.has_grades:
            yield indicator_finding(
                context,
                ind,
                f"评价标准「{ladder_text(ind.grades)}」没有指标名称",
                f"grades '{ladder_text(ind.grades)}' have no indicator name",
            )


_EMBEDDED_TARGET = re.compile(r"(?:达到|不低于|不少于|≥|>=|保持|实现)?\s*(\d+(?:\.\d+)?)\s*%")


def _band_contains(band, value: float) -> bool | None:
    """Whether ``value`` satisfies the band as written; ``None`` if the band has no bounds."""
    if band.lower is None and band.upper is None:
        if band.point is None:
            return None
        return value >= band.point
    if band.lower is not None and (
        value < band.lower or (value == band.lower and band.lower_inclusive is False)
    ):
        return False
    return not (
        band.upper is not None
        and (value > band.upper or (value == band.upper and band.upper_inclusive is False))
    )


@rule(
    "indicator.embedded_target",
    severity="warning",
    title_zh="名称中的目标值与评价标准矛盾",
    title_en="Target in the name contradicted by the grades",
    finding_type="unit-mismatch",
)
def embedded_target(context: AuditContext, params: dict[str, Any]) -> Iterator[Finding]:
    """The name embeds its own target (档案数字化率达到85%) but reaching it does not earn 优."""
    for ind in context.indicators:
        if ind.kind != "graded" or not ind.bands:
            continue
        match = _EMBEDDED_TARGET.search(fold(ind.name))
        best = ind.bands[0]
        if match is None or best.unit_kind != "percent":
            continue
        target = float(match.group(1))
        if _band_contains(best, target) is False:
            yield indicator_finding(
                context,
                ind,
                f"名称给出目标{match.group(1)}%，但达到它得不到「优」（优为「{best.raw}」）",
                f"the name sets a target of {match.group(1)}%, but reaching it does not earn 优 "
                f"(优 is '{best.raw}')",
                target=target,
            )


@rule(
    "indicator.malformed_value",
    severity="error",
    title_zh="数值书写错误",
    title_en="Malformed value",
    finding_type="parse-anomaly",
)
def malformed_value(context: AuditContext, params: dict[str, Any]) -> Iterator[Finding]:
    """A grade or target that the NLP stage marked malformed (``≥9595%以上``: digits doubled,
    two forms merged)."""
    for ind in context.indicators:
        bad = [
            band
            for band in ind.bands
            if band.status == "malformed" or "duplicated_digits" in band.flags
        ]
        if bad:
            cells = "、".join(f"「{band.raw}」" for band in bad)
            yield indicator_finding(
                context,
                ind,
                f"「{_label(ind)}」的数值{cells}书写错误，无法考核",
                f"'{_label(ind)}' has malformed value(s) {cells} that cannot be assessed",
                reasons=[band.reason for band in bad if band.reason],
            )


@rule(
    "indicator.reviewer_comment",
    severity="warning",
    title_zh="审核意见留在公开表格中",
    title_en="Reviewer comment published in a cell",
    finding_type="reviewer-comment",
    params={
        "cues": ["建议取消", "建议去掉", "建议仅", "不适合作为", "不便统计", "取消本项", "去掉本项"]
    },
)
def reviewer_comment(context: AuditContext, params: dict[str, Any]) -> Iterator[Finding]:
    """A grade cell holds a reviewer's remark (建议取消本项 …) instead of a grade."""
    cues = params["cues"]
    for ind in context.indicators:
        cells = [ind.grades.get(grade, "") for grade in GRADES]
        flagged = any("review_comment" in band.flags for band in ind.bands)
        hits = [cell for cell in cells if any(cue in cell for cue in cues)]
        if hits or flagged:
            text = hits[0] if hits else ladder_text(ind.grades)
            yield indicator_finding(
                context,
                ind,
                f"评价标准栏是审核意见：「{text}」",
                f"a grade cell holds a reviewer's comment: '{text}'",
            )


@rule(
    "indicator.classified",
    severity="info",
    title_zh="涉密占位，未公开评价标准",
    title_en="Grading withheld as classified (涉密)",
    finding_type="placeholder",
    params={"placeholders": ["涉密"]},
)
def classified(context: AuditContext, params: dict[str, Any]) -> Iterator[Finding]:
    """Name or grades replaced by 涉密: the money is graded by something nobody can check."""
    marks = params["placeholders"]
    for ind in context.indicators:
        cells = [squash(cell) for cell in ind.cells()]
        if any(cell in marks for cell in cells):
            yield indicator_finding(
                context,
                ind,
                "指标或评价标准以「涉密」代替，无法核查",
                "the indicator or its grades are withheld as 涉密 (classified)",
            )
