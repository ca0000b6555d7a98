"""Rules of the national templates (layouts.md §1): target tables and self-evaluations.

Sources: 中央部门预算绩效目标管理办法 (财预〔2015〕88号) for the target tables and their three
level-1 categories; 项目支出绩效评价管理办法 (财预〔2020〕10号) for the self-evaluation scoring
convention (预算执行率 10 points, the other 90 over the indicators, a score never above its
weight, a stated reason for every shortfall); 中央部门项目支出核心绩效目标和指标设置及取值指引
(财预〔2021〕101号) for quantified targets and satisfaction values.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

from kg.audit.registry import Finding, new_finding, rule
from kg.audit.rules.indicator import indicator_finding
from kg.model import Band
from kg.records.context import AuditContext, AuditIndicator, AuditNode, Evidence
from kg.textnorm import fold, simplify

CATEGORIES = ("产出", "效益", "满意度")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_QUANTITATIVE_LEVEL2 = ("数量", "成本", "时效")


def _number(text: str) -> Decimal | None:
    """The first number printed in a cell (``20分`` → 20), or None."""
    match = _NUMBER.search(fold(text or "").replace(",", ""))
    if match is None:
        return None
    try:
        return Decimal(match[0])
    except InvalidOperation:  # pragma: no cover - the pattern only matches decimals
        return None


def _tables(context: AuditContext, *kinds: str) -> Iterator[AuditNode]:
    for node in context.nodes:
        if node.kind == "project" and node.table_kind in kinds:
            yield node


def _indicators(context: AuditContext, node: AuditNode) -> list[AuditIndicator]:
    return context.indicators_by_node.get(node.id, [])


def _table_finding(context: AuditContext, node: AuditNode, zh: str, en: str, **data: Any):
    document = context.doc_by_id.get(node.doc_id)
    return new_finding(
        zh,
        en,
        doc_id=node.doc_id,
        nodes=[node.id],
        evidence=[Evidence(document.file if document else "", node.line, node.name)],
        budget=node.budget,
        data=data,
    )


def misses_target(
    target: Band | None, actual: Band | None, direction: str = "unknown"
) -> bool | None:
    """Whether an actual value falls short of its target; None when they cannot be compared.

    A bare number as target (``100%``) is read through the indicator's direction: a rate
    that should be high misses below it, one that should be low misses above it.

    >>> from kg.model import Band
    >>> goal = Band("", 0, "≥95%", comparator="ge", lower=95, lower_inclusive=True, unit="percent")
    >>> misses_target(goal, Band("", 0, "92%", point=92, unit="percent"))
    True
    >>> misses_target(goal, Band("", 0, "96%", point=96, unit="percent"))
    False
    >>> bare = Band("", 0, "100%", comparator="unspecified", point=100, unit="percent")
    >>> misses_target(bare, Band("", 0, "98%", point=98, unit="percent"), "higher_better")
    True
    """
    if target is None or actual is None:
        return None
    value = actual.point if actual.point is not None else actual.lower
    if value is None or (target.unit and actual.unit and target.unit != actual.unit):
        return None
    if target.comparator in ("ge", "gt") and target.lower is not None:
        return value < target.lower or (target.comparator == "gt" and value == target.lower)
    if target.comparator in ("le", "lt") and target.upper is not None:
        return value > target.upper or (target.comparator == "lt" and value == target.upper)
    if target.comparator == "eq" and target.point is not None:
        return value != target.point
    if target.comparator in (None, "unspecified") and target.point is not None:
        if direction == "higher_better":
            return value < target.point
        if direction == "lower_better":
            return value > target.point
    return None


def _misses(ind: AuditIndicator) -> bool | None:
    direction = ind.analysis.direction_hint if ind.analysis is not None else "unknown"
    return misses_target(ind.target, ind.actual_band, direction)


@rule(
    "template.unread_document",
    severity="error",
    title_zh="文档未读出",
    title_en="Unread document",
    finding_type="unread-document",
)
def unread_document(context: AuditContext, params: dict[str, Any]) -> Iterator[Finding]:
    """A document whose text holds performance tables but from which no indicator could be
    read. Nothing in it was audited, so it must never count as clean (layouts.md §4)."""
    for document in context.documents:
        for line, message in document.unread:
            yield new_finding(
                f"文档含绩效表格但未读出任何指标，未经审计：{message}",
                f"performance tables found but no indicator read; not audited: {message}",
                doc_id=document.id,
                nodes=[document.id],
                evidence=[Evidence(document.file, line, message)],
            )


@rule(
    "template.missing_category",
    severity="warning",
    title_zh="缺少一级指标类别",
    title_en="Target table without 产出/效益/满意度",
    finding_type="missing-category",
    params={"categories": list(CATEGORIES)},
)
def missing_category(context: AuditContext, params: dict[str, Any]) -> Iterator[Finding]:
    """A target table (project or whole department) without indicators under one of the three
    level-1 categories 产出, 效益 and 满意度 that 财预〔2015〕88号 asks every table to set."""
    for node in _tables(context, "project", "department"):
        indicators = _indicators(context, node)
        if not indicators:
            continue
        printed = {simplify(ind.level1) for ind in indicators}
        missing = [c for c in params["categories"] if not any(c in label for label in printed)]
        if missing:
            names = "、".join(missing)
            yield _table_finding(
                context,
                node,
                f"「{node.name}」的绩效指标缺少一级指标：{names}",
                f"'{node.name}' sets no indicator under {', '.join(missing)}",
                missing=missing,
            )


@rule(
    "template.low_satisfaction",
    severity="warning",
    title_zh="满意度目标偏低",
    title_en="Satisfaction target below the usual floor",
    finding_type="low-satisfaction-target",
    params={"floor_percent": 80},
)
def low_satisfaction(context: AuditContext, params: dict[str, Any]) -> Iterator[Finding]:
    """A satisfaction indicator (满意度) whose target, in percent, is below the floor
    (default 80 %, the lowest value 财预〔2021〕101号's examples use)."""
    floor = float(params["floor_percent"])
    for ind in context.indicators:
        if ind.kind != "project" or "满意" not in simplify(f"{ind.level1}{ind.level2}{ind.name}"):
            continue
        target = ind.target
        if target is None or target.unit != "percent":
            continue
        value = target.lower if target.lower is not None else target.point
        if value is not None and value < floor:
            yield indicator_finding(
                context,
                ind,
                f"满意度指标「{ind.name}」目标值{ind.value}低于{floor:g}%",
                f"satisfaction target {ind.value} of '{ind.name}' is below {floor:g}%",
                target=value,
            )


@rule(
    "template.qualitative_target",
    severity="warning",
    title_zh="应量化指标仅定性表述",
    title_en="Qualitative target where a number is expected",
    finding_type="qualitative-target",
)
def qualitative_target(context: AuditContext, params: dict[str, Any]) -> Iterator[Finding]:
    """A quantity, cost or time indicator (数量/成本/时效指标) whose target is only a qualitative
    word such as 提高, 有所改善 or 达标: 财预〔2021〕101号 asks for quantified targets there."""
    for ind in context.indicators:
        if ind.kind != "project" or not any(
            word in simplify(ind.level2) for word in _QUANTITATIVE_LEVEL2
        ):
            continue
        target = ind.target
        if target is None or not ind.value:
            continue
        # 定性 words carry no number; deadlines (2024年12月底前) and levels are not qualitative
        if target.deadline is None and target.level is None and not _NUMBER.search(fold(ind.value)):
            yield indicator_finding(
                context,
                ind,
                f"{ind.level2}「{ind.name}」的目标值「{ind.value}」未量化",
                f"{ind.level2} indicator '{ind.name}' has only a qualitative target '{ind.value}'",
            )


def _self_evaluated(context: AuditContext) -> Iterator[tuple[AuditNode, list[AuditIndicator]]]:
    for node in _tables(context, "self_evaluation"):
        yield node, _indicators(context, node)


@rule(
    "template.score_over_weight",
    severity="error",
    title_zh="得分超过分值",
    title_en="Score above its weight",
    finding_type="score-over-weight",
)
def score_over_weight(context: AuditContext, params: dict[str, Any]) -> Iterator[Finding]:
    """A self-evaluated indicator whose score (得分) is above its weight (分值): a score may
    not exceed its weight (财预〔2020〕10号)."""
    for _, indicators in _self_evaluated(context):
        for ind in indicators:
            weight, score = _number(ind.weight), _number(ind.score)
            if weight is not None and score is not None and score > weight:
                yield indicator_finding(
                    context,
                    ind,
                    f"「{ind.name}」得分{ind.score}超过分值{ind.weight}",
                    f"'{ind.name}' scored {ind.score} above its weight {ind.weight}",
                )


@rule(
    "template.weights_not_100",
    severity="warning",
    title_zh="分值合计不为100",
    title_en="Weights do not add up to 100",
    finding_type="weights-not-100",
    params={"indicator_points": 90, "execution_points": 10},
)
def weights_not_100(context: AuditContext, params: dict[str, Any]) -> Iterator[Finding]:
    """The indicator weights of a self-evaluation do not add up to 90 (with 10 for 预算执行率,
    100 in all), the convention of 财预〔2020〕10号."""
    expected = Decimal(str(params["indicator_points"]))
    for node, indicators in _self_evaluated(context):
        weights = [_number(ind.weight) for ind in indicators]
        if not indicators or any(w is None for w in weights):
            continue
        total = sum(weights, Decimal(0))
        execution = _number(node.execution.get("分值", ""))
        full = total + (execution if execution is not None else Decimal(params["execution_points"]))
        if total != expected and full != expected + Decimal(str(params["execution_points"])):
            yield _table_finding(
                context,
                node,
                f"「{node.name}」指标分值合计{total}（加预算执行率共{full}），应为{expected}+"
                f"{params['execution_points']}",
                f"'{node.name}': indicator weights add up to {total} ({full} with budget "
                f"execution), expected {expected} + {params['execution_points']}",
                total=float(total),
            )


@rule(
    "template.full_score_on_miss",
    severity="error",
    title_zh="未达目标却得满分",
    title_en="Full score although the target was missed",
    finding_type="full-score-on-miss",
)
def full_score_on_miss(context: AuditContext, params: dict[str, Any]) -> Iterator[Finding]:
    """An indicator given its whole weight although its actual value (实际完成值) falls short
    of its target (年度指标值)."""
    for _, indicators in _self_evaluated(context):
        for ind in indicators:
            weight, score = _number(ind.weight), _number(ind.score)
            if weight is None or score is None or score < weight:
                continue
            if _misses(ind):
                yield indicator_finding(
                    context,
                    ind,
                    f"「{ind.name}」实际完成值{ind.actual}未达目标{ind.value}，却得满分{ind.score}",
                    f"'{ind.name}' missed its target {ind.value} (actual {ind.actual}) yet "
                    f"scored the full {ind.score}",
                )


@rule(
    "template.shortfall_without_reason",
    severity="warning",
    title_zh="偏差未说明原因",
    title_en="Shortfall without a stated reason",
    finding_type="shortfall-without-reason",
)
def shortfall_without_reason(context: AuditContext, params: dict[str, Any]) -> Iterator[Finding]:
    """An actual value that falls short of its target with no 偏差原因分析及改进措施: every
    shortfall needs a reason (财预〔2020〕10号)."""
    for _, indicators in _self_evaluated(context):
        for ind in indicators:
            if not ind.deviation.strip() and _misses(ind):
                yield indicator_finding(
                    context,
                    ind,
                    f"「{ind.name}」实际完成值{ind.actual}未达目标{ind.value}，未说明偏差原因",
                    f"'{ind.name}' missed its target {ind.value} (actual {ind.actual}) and "
                    "states no reason",
                )


@rule(
    "template.execution_rate",
    severity="warning",
    title_zh="预算执行率不符",
    title_en="Budget execution rate does not add up",
    finding_type="execution-rate-mismatch",
    params={"tolerance_points": 0.5},
)
def execution_rate(context: AuditContext, params: dict[str, Any]) -> Iterator[Finding]:
    """The stated 执行率 differs from 全年执行数 / 全年预算数 by more than the tolerance (in
    percentage points), or the execution score is above 分值 × 执行率."""
    tolerance = Decimal(str(params["tolerance_points"]))
    for node, _ in _self_evaluated(context):
        money = node.execution
        budget, spent = _number(money.get("全年预算数", "")), _number(money.get("全年执行数", ""))
        stated, points = _number(money.get("执行率", "")), _number(money.get("分值", ""))
        score = _number(money.get("得分", ""))
        if budget and spent is not None and stated is not None:
            rate = (spent / budget * 100).quantize(Decimal("0.01"))
            if abs(rate - stated) > tolerance:
                yield _table_finding(
                    context,
                    node,
                    f"「{node.name}」执行率写作{stated}%，按全年执行数{spent}/全年预算数{budget}"
                    f"应为{rate}%",
                    f"'{node.name}' states an execution rate of {stated}%, but {spent} / "
                    f"{budget} is {rate}%",
                    computed=float(rate),
                )
            elif points is not None and score is not None:
                earned = min(rate, Decimal(100)) / 100 * points
                if score > earned + tolerance / 10:
                    yield _table_finding(
                        context,
                        node,
                        f"「{node.name}」预算执行率得分{score}高于{points}×{rate}%={earned:.2f}",
                        f"'{node.name}' scores {score} for budget execution, above "
                        f"{points} × {rate}% = {earned:.2f}",
                        computed=float(earned),
                    )
