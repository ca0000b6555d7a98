"""Ladder rules: defects of the four grade bands read together, first-match from 优 to 差.

The NLP stage runs the first-match grid check once (``Scheme.issues``, domain.md §3.4–§3.5);
these rules turn each issue code into a finding with the row as evidence and the money the
ladder grades. One rule per issue code, so each can be switched off or re-graded on its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kg.audit.registry import Finding, new_finding, rule
from kg.model import GRADES
from kg.records.context import AuditContext

_LADDER_RULES = [
    # rule id, issue code, severity, finding type, zh title, en title, zh explanation, en explanation
    (
        "ladder.non_monotonic",
        "non_monotonic",
        "error",
        "non-monotonic",
        "等级顺序颠倒",
        "Non-monotonic ladder",
        "数值变差时等级反而变好",
        "a worse value earns a better grade",
    ),
    (
        "ladder.unreachable",
        "unreachable_band",
        "error",
        "unreachable-band",
        "等级无法达到",
        "Unreachable band",
        "按先匹配规则，至少一个等级永远取不到",
        "under first-match evaluation at least one grade can never be reached",
    ),
    (
        "ladder.overlap",
        "overlap",
        "warning",
        "overlap",
        "等级区间重叠",
        "Overlapping bands",
        "同一数值落入两个等级",
        "one value falls into two grades",
    ),
    (
        "ladder.gap",
        "gap",
        "warning",
        "gap",
        "等级之间有空档",
        "Gap between bands",
        "部分数值得不到任何等级",
        "some values get no grade at all",
    ),
    (
        "ladder.shared_endpoint",
        "shared_endpoint",
        "info",
        "shared-endpoint",
        "区间端点重复",
        "Shared end point",
        "区间端点同时属于两个等级（按先匹配处理）",
        "an end point belongs to two ranges (resolved first-match)",
    ),
    (
        "ladder.mixed_units",
        "mixed_units",
        "warning",
        "mixed-units",
        "同一标准混用单位",
        "Mixed units in one ladder",
        "四个等级使用了不同的单位",
        "the four grades use different units",
    ),
    (
        "ladder.unit_missing",
        "unit_missing",
        "info",
        "mixed-units",
        "等级缺少单位",
        "Unit missing in a band",
        "百分比标准中有数值没写%",
        "a number without % inside a percentage ladder",
    ),
    (
        "ladder.polarity",
        "polarity_mismatch",
        "error",
        "polarity-mismatch",
        "方向与指标相反",
        "Direction contradicts the measure",
        "越低越好的指标按越高越好评分（或反之）",
        "a lower-is-better measure is graded as higher-is-better (or the reverse)",
    ),
    (
        "ladder.ordinal_inversion",
        "ordinal_inversion",
        "error",
        "ordinal-inversion",
        "定性等级顺序颠倒",
        "Qualitative scale out of order",
        "定性用语的高低顺序与优良中差不符",
        "the qualitative words are not in 优→差 order",
    ),
    (
        "ladder.point_scale",
        "point_scale",
        "info",
        "gap",
        "只给点值的标准",
        "Point scale",
        "各等级只写一个点值，中间数值无等级",
        "each grade is a single point, values in between are ungraded",
    ),
    (
        "ladder.rate_over_100",
        "rate_over_100",
        "warning",
        "unit-mismatch",
        "比率超过100%",
        "Rate above 100%",
        "比率类指标的标准要求超过100%",
        "a rate is required to exceed 100%",
    ),
]


def ladder_text(grades: dict[str, str]) -> str:
    """``≥90% | ≥80% | ≥70% | <70%`` (empty cells shown as ``∅``)."""
    return " | ".join(grades.get(grade, "") or "∅" for grade in GRADES)


def _issue_rule(issue: str, why_zh: str, why_en: str):
    def check(context: AuditContext, params: dict[str, Any]) -> Iterator[Finding]:
        for ind in context.indicators:
            if issue not in ind.issues:
                continue
            ladder = ladder_text(ind.grades) if ind.kind == "graded" else ind.value
            yield new_finding(
                f"「{ind.name or '（无名称）'}」的评价标准「{ladder}」：{why_zh}",
                f"'{ind.name or '(no name)'}' graded '{ladder}': {why_en}",
                doc_id=ind.doc_id,
                nodes=[ind.id],
                evidence=[context.evidence(ind)],
                budget=context.budget_at_stake(ind),
                data={"issue": issue, "signature": ind.signature},
            )

    return check


def _register_all() -> None:
    for rule_id, issue, severity, ftype, title_zh, title_en, why_zh, why_en in _LADDER_RULES:
        func = _issue_rule(issue, why_zh, why_en)
        func.__doc__ = (
            f"Indicators whose ladder has the issue ``{issue}`` in the NLP first-match grid "
            f"check: {why_en}."
        )
        rule(
            rule_id,
            severity=severity,
            title_zh=title_zh,
            title_en=title_en,
            finding_type=ftype,
        )(func)


_register_all()
