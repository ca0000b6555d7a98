"""Structure and money rules: funded rows without indicators, budgets that do not add up,
copied goal texts, wording that belongs to another government (domain.md §3.8–§3.11)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from kg.audit.registry import Finding, new_finding, rule
from kg.audit.rules.indicator import squash
from kg.records.context import AuditContext, AuditNode, Evidence


def _node_finding(context: AuditContext, node: AuditNode, zh: str, en: str, **data: Any):
    return new_finding(
        zh,
        en,
        doc_id=node.doc_id,
        nodes=[node.id],
        evidence=[context.evidence(node)],
        budget=node.budget,
        data=data,
    )


def _label(node: AuditNode) -> str:
    number = f"{node.number}、" if node.number else ""
    return f"{number}{node.name or '（无名称）'}"


def _has_indicators(context: AuditContext, node: AuditNode) -> bool:
    if context.indicators_by_node.get(node.id):
        return True
    return any(
        _has_indicators(context, context.node_by_id[child])
        for child in node.children
        if child in context.node_by_id
    )


@rule(
    "structure.funded_without_indicators",
    severity="error",
    title_zh="有预算无指标",
    title_en="Funded activity without indicators",
    finding_type="funded-without-indicators",
)
def funded_without_indicators(context: AuditContext, params: dict[str, Any]) -> Iterator[Finding]:
    """An activity, sub-activity or project with a budget above zero and no indicator
    anywhere below it: money that nothing grades."""
    for node in context.nodes:
        if node.budget and node.budget > 0 and not _has_indicators(context, node):
            yield _node_finding(
                context,
                node,
                f"「{_label(node)}」有预算{node.budget}万元，但没有任何绩效指标",
                f"'{_label(node)}' is funded with {node.budget} 万元 but has no indicator",
            )


@rule(
    "structure.budget_rollup",
    severity="error",
    title_zh="活动预算与子活动合计不符",
    title_en="Activity budget differs from the sum of its sub-activities",
    finding_type="budget-rollup-mismatch",
    params={"tolerance": 0.005},
)
def budget_rollup(context: AuditContext, params: dict[str, Any]) -> Iterator[Finding]:
    """An activity whose budget differs from the sum of its funded sub-activities by more
    than ``tolerance`` 万元 (activities without funded children are not compared)."""
    tolerance = Decimal(str(params["tolerance"]))
    for node in context.nodes:
        children = [context.node_by_id[c] for c in node.children if c in context.node_by_id]
        funded = [child for child in children if child.budget is not None]
        if node.budget is None or not funded:
            continue
        total = sum((child.budget for child in funded), Decimal(0))
        if abs(total - node.budget) > tolerance:
            yield new_finding(
                f"「{_label(node)}」预算{node.budget}万元，子活动合计{total}万元，相差{node.budget - total}万元",
                f"'{_label(node)}' budgets {node.budget} 万元 but its sub-activities add up to "
                f"{total} 万元 (difference {node.budget - total})",
                doc_id=node.doc_id,
                nodes=[node.id, *(child.id for child in funded)],
                evidence=[context.evidence(node), *(context.evidence(c) for c in funded)],
                budget=abs(node.budget - total),
                data={"stated": float(node.budget), "sum": float(total)},
            )


@rule(
    "structure.total_vs_stated",
    severity="error",
    title_zh="活动预算合计与文中项目支出不符",
    title_en="Sum of activity budgets differs from the stated 项目支出",
    finding_type="budget-rollup-mismatch",
    params={"labels": ["项目支出"], "tolerance": 0.005},
)
def total_vs_stated(context: AuditContext, params: dict[str, Any]) -> Iterator[Finding]:
    """The activity budgets of the duty table should add up to the 项目支出 the running text
    states; a difference means a mistyped figure or an unlisted activity."""
    tolerance = Decimal(str(params["tolerance"]))
    top_level: dict[str, list[AuditNode]] = defaultdict(list)
    for node in context.nodes:
        if node.kind in ("activity", "project") and node.parent_id is None:
            top_level[node.doc_id].append(node)
    for doc in context.documents:
        nodes = [node for node in top_level.get(doc.id, []) if node.budget is not None]
        stated = [total for total in doc.stated_totals if total[0] in params["labels"]]
        if not nodes or not stated:
            continue
        total = sum((node.budget for node in nodes), Decimal(0))
        label, amount, line = stated[0]
        if abs(total - amount) > tolerance:
            yield new_finding(
                f"活动预算合计{total}万元，文中{label}为{amount}万元，相差{total - amount}万元",
                f"activity budgets add up to {total} 万元 but the text states {label} "
                f"{amount} 万元 (difference {total - amount})",
                doc_id=doc.id,
                nodes=[node.id for node in nodes],
                evidence=[Evidence(doc.file, line, f"{label} {amount}万元")],
                budget=abs(total - amount),
                data={"stated": float(amount), "sum": float(total)},
            )


@rule(
    "structure.content_equals_goal",
    severity="warning",
    title_zh="绩效目标照抄内容描述",
    title_en="Goal identical to the content",
    finding_type="content-equals-goal",
)
def content_equals_goal(context: AuditContext, params: dict[str, Any]) -> Iterator[Finding]:
    """Content and goal are the same words (punctuation aside): the goal says what will be
    done, not what it should achieve."""
    for node in context.nodes:
        content, goal = squash(node.content), squash(node.goal)
        if content and content == goal:
            yield _node_finding(
                context,
                node,
                f"「{_label(node)}」的绩效目标与内容描述相同：「{node.goal}」",
                f"the goal of '{_label(node)}' repeats its content: '{node.goal}'",
            )


def _related(context: AuditContext, a: AuditNode, b: AuditNode) -> bool:
    return a.parent_id == b.id or b.parent_id == a.id


@rule(
    "structure.goal_reused",
    severity="warning",
    title_zh="同一目标用于不相关的活动",
    title_en="Same goal on unrelated activities",
    finding_type="goal-reused",
    params={"min_chars": 8},
)
def goal_reused(context: AuditContext, params: dict[str, Any]) -> Iterator[Finding]:
    """The same goal text (at least ``min_chars`` characters) on two or more nodes of one
    document that are not parent and child: a pasted goal says nothing about either."""
    groups: dict[tuple[str, str], list[AuditNode]] = defaultdict(list)
    for node in context.nodes:
        goal = squash(node.goal)
        if len(goal) >= params["min_chars"]:
            groups[(node.doc_id, goal)].append(node)
    for (doc_id, _), nodes in groups.items():
        unrelated = [
            node
            for node in nodes
            if any(other is not node and not _related(context, node, other) for other in nodes)
        ]
        names = {squash(node.name) for node in unrelated}
        if len(unrelated) < 2 or len(names) < 2:
            continue
        listing = "、".join(f"「{_label(node)}」" for node in unrelated)
        budgets = [node.budget for node in unrelated if node.budget is not None]
        yield new_finding(
            f"{len(unrelated)}个活动使用同一目标「{unrelated[0].goal}」：{listing}",
            f"{len(unrelated)} activities share the goal '{unrelated[0].goal}'",
            doc_id=doc_id,
            nodes=[node.id for node in unrelated],
            evidence=[context.evidence(node) for node in unrelated],
            budget=sum(budgets, Decimal(0)) if budgets else None,
        )


_LEVEL_MARKERS = ("新区", "开发区", "自治县", "县", "区", "市", "省")
"""Issuer levels, most specific first: the first one found in the issuer name wins."""


def issuer_level(issuer: str) -> str | None:
    """The administrative level an issuer's name declares (``…北戴河新区管理委员会…`` → 新区)."""
    for marker in _LEVEL_MARKERS:
        if marker in issuer:
            return "县" if marker == "自治县" else marker
    return None


@rule(
    "structure.jurisdiction_misfit",
    severity="warning",
    title_zh="辖区用语与发布单位不符",
    title_en="Jurisdiction word that does not fit the issuer",
    finding_type="jurisdiction-misfit",
    params={
        "misfits": {
            "新区": ["全县", "我县", "县监察局", "县市区", "我市"],
            "开发区": ["全县", "我县", "县监察局", "我市"],
            "区": ["全县", "我县", "县监察局"],
            "县": ["全区", "我区", "本区"],
        }
    },
)
def jurisdiction_misfit(context: AuditContext, params: dict[str, Any]) -> Iterator[Finding]:
    """Content, goal or name text uses a jurisdiction word of another level of government
    (全县 in a 新区 document): template residue copied from another issuer."""
    for doc in context.documents:
        words = params["misfits"].get(issuer_level(doc.issuer) or "", [])
        if not words:
            continue
        pattern = re.compile("|".join(map(re.escape, words)))
        for record in [n for n in context.nodes if n.doc_id == doc.id] + [
            i for i in context.indicators if i.doc_id == doc.id
        ]:
            match = pattern.search(record.row_text())
            if match:
                yield new_finding(
                    f"「{match.group(0)}」不符合发布单位「{doc.issuer}」的辖区",
                    f"'{match.group(0)}' does not fit the issuer '{doc.issuer}'",
                    doc_id=doc.id,
                    nodes=[record.id],
                    evidence=[context.evidence(record)],
                    budget=getattr(record, "budget", None),
                    data={"word": match.group(0)},
                )


@rule(
    "structure.find_replace_trace",
    severity="warning",
    title_zh="批量替换痕迹",
    title_en="Find-and-replace trace",
    finding_type="jurisdiction-misfit",
    params={
        "replaced_word": "政府",
        "phrases": ["省政府", "区政府", "市政府", "县政府", "中央政府", "非政府组织", "行政区政府"],
    },
)
def find_replace_trace(context: AuditContext, params: dict[str, Any]) -> Iterator[Finding]:
    """A known phrase with ``replaced_word`` swapped for the issuer's own level word
    (省政府 → 省新区, 非政府组织 → 非新区组织): a global find-and-replace went wrong."""
    word = params["replaced_word"]
    for doc in context.documents:
        level = issuer_level(doc.issuer)
        if not level or len(level) < 2:
            continue
        traces = [phrase.replace(word, level) for phrase in params["phrases"] if word in phrase]
        pattern = re.compile("|".join(map(re.escape, traces)))
        for record in [n for n in context.nodes if n.doc_id == doc.id] + [
            i for i in context.indicators if i.doc_id == doc.id
        ]:
            hits = sorted(set(pattern.findall(record.row_text())))
            if hits:
                yield new_finding(
                    f"疑似将「{word}」批量替换为「{level}」：{'、'.join(hits)}",
                    f"'{word}' seems replaced by '{level}' throughout: {', '.join(hits)}",
                    doc_id=doc.id,
                    nodes=[record.id],
                    evidence=[context.evidence(record)],
                    budget=getattr(record, "budget", None),
                    data={"traces": hits},
                )


@rule(
    "structure.void_row",
    severity="warning",
    title_zh="已作废的内容仍在公开",
    title_en="Row marked 作废 still published",
    finding_type="reviewer-comment",
    params={"marks": ["作废"]},
)
def void_row(context: AuditContext, params: dict[str, Any]) -> Iterator[Finding]:
    """A row whose own text says it is abolished (（2018年已作废）) is still in the table."""
    for node in context.nodes:
        if any(mark in node.name for mark in params["marks"]):
            yield _node_finding(
                context,
                node,
                f"「{_label(node)}」已标明作废，仍在公开表中",
                f"'{_label(node)}' is marked as abolished but still published",
            )


def _number(node: AuditNode) -> int | None:
    return int(node.number) if node.number and node.number.isdigit() else None


@rule(
    "structure.orphan_block",
    severity="info",
    title_zh="子活动编号重新开始（无上级活动）",
    title_en="Sub-activity numbering restarts without a new activity",
    finding_type="orphan-sub-activity",
)
def orphan_block(context: AuditContext, params: dict[str, Any]) -> Iterator[Finding]:
    """Sub-activity numbering falls back (…, 4、 then 1、) with no new activity row, or
    sub-activities precede the first activity: a block pasted from another unit's table
    that hangs under an activity it does not belong to (domain.md §3.8)."""
    for parent in context.nodes:
        children = [context.node_by_id[c] for c in parent.children if c in context.node_by_id]
        blocks: list[list[AuditNode]] = []
        previous = None
        for child in children:
            number = _number(child)
            restart = number is not None and previous is not None and number <= previous
            if (parent.synthetic and not blocks) or restart:
                blocks.append([child])
            elif blocks:
                blocks[-1].append(child)
            previous = number if number is not None else previous
        for block in blocks:
            indicators = [i for node in block for i in context.indicators_by_node.get(node.id, [])]
            where = "第一个活动之前" if parent.synthetic else f"「{_label(parent)}」之下"
            where_en = (
                "before the first activity" if parent.synthetic else f"under '{_label(parent)}'"
            )
            yield new_finding(
                f"{where}的子活动编号从「{_label(block[0])}」重新开始：{len(block)}个子活动、"
                f"{len(indicators)}个指标没有自己的上级活动",
                f"sub-activity numbering restarts at '{_label(block[0])}' {where_en}: "
                f"{len(block)} sub-activities and {len(indicators)} indicators have no activity row",
                doc_id=parent.doc_id,
                nodes=[node.id for node in block],
                evidence=[context.evidence(node) for node in block],
                budget=sum((n.budget for n in block if n.budget is not None), Decimal(0)) or None,
                data={"sub_activities": len(block), "indicators": len(indicators)},
            )


@rule(
    "structure.template_instruction",
    severity="warning",
    title_zh="模板填写说明留在公开表格中",
    title_en="Template instruction left in a cell",
    finding_type="template-instruction",
    params={"phrases": ["请根据实际情况", "请填写", "此处填写", "根据实际填写", "示例："]},
)
def template_instruction(context: AuditContext, params: dict[str, Any]) -> Iterator[Finding]:
    """A cell still holds the template's fill-in instruction (请根据实际情况…) instead of
    content: the form was published without being completed."""
    pattern = re.compile("|".join(map(re.escape, params["phrases"])))
    for record in [*context.nodes, *context.indicators]:
        match = pattern.search(record.row_text())
        if match:
            yield new_finding(
                f"表格中留有模板说明「{match.group(0)}」",
                f"a cell still holds the template instruction '{match.group(0)}'",
                doc_id=record.doc_id,
                nodes=[record.id],
                evidence=[context.evidence(record)],
                budget=getattr(record, "budget", None),
            )
