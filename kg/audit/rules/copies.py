"""Copy rules: clusters of copied indicators and threshold templates reused across many
indicators, with the money they grade (domain.md §3.1–§3.3, duplicates.md)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from kg.audit.registry import Finding, new_finding, rule
from kg.audit.rules.ladder import ladder_text
from kg.duplicates.detect import CONFIDENCE_LEVELS
from kg.duplicates.graph_io import REUSED_LADDER
from kg.duplicates.rules import INVALID_ISSUES
from kg.errors import KgError
from kg.records.context import AuditContext, AuditIndicator


@rule(
    "copies.cluster",
    severity="warning",
    title_zh="复制粘贴的指标",
    title_en="Copy-pasted indicators",
    finding_type="verbatim-copy",
    params={"min_confidence": "low"},
)
def copy_cluster(context: AuditContext, params: dict[str, Any]) -> Iterator[Finding]:
    """A cluster of indicators the duplicates module found copied (same normalised name and
    ladder, edited names, one-slot variants, copied blocks, probable copies), with the rows,
    the money they grade and the cluster's confidence; clusters below ``min_confidence``
    (low, medium, high) are left out."""
    if params["min_confidence"] not in CONFIDENCE_LEVELS:
        raise KgError("copies.cluster: min_confidence must be low, medium or high")
    floor = CONFIDENCE_LEVELS.index(params["min_confidence"])
    for cluster in context.clusters:
        if cluster.kind == REUSED_LADDER:
            continue  # templated thresholds, not a copy: copies.reused_ladder
        if CONFIDENCE_LEVELS.index(cluster.confidence) < floor:
            continue
        members = [
            context.indicator_by_id[m] for m in cluster.members if m in context.indicator_by_id
        ]
        if len(members) < 2:
            continue
        docs = sorted({ind.doc_id for ind in members})
        names = sorted({ind.name for ind in members if ind.name})
        label = cluster.label or (names[0] if names else "")
        finding = new_finding(
            f"{len(members)}个指标为复制（{cluster.kind}，置信度{cluster.confidence}）："
            f"「{label}」，涉及{len(docs)}份文件",
            f"{len(members)} indicators are copies ({cluster.kind}, {cluster.confidence} "
            f"confidence) of '{label}' across {len(docs)} document(s)",
            doc_id=docs[0] if len(docs) == 1 else "",
            nodes=[ind.id for ind in members],
            evidence=[context.evidence(ind) for ind in members],
            budget=context.graded_money(members),
            data={
                "cluster": cluster.id,
                "kind": cluster.kind,
                "score": cluster.score,
                "confidence": cluster.confidence,
                "documents": docs,
            },
        )
        finding.finding_type = cluster.kind
        yield finding


@rule(
    "copies.reused_ladder",
    severity="info",
    title_zh="评价标准模板被无关指标复用",
    title_en="Distinctive ladder reused by unrelated indicators",
    finding_type=REUSED_LADDER,
)
def reused_ladder(context: AuditContext, params: dict[str, Any]) -> Iterator[Finding]:
    """A distinctive (non-standard) ladder graded unrelated indicators: the thresholds were
    filled in from a template, not designed per indicator (duplicates.md §3, revised note).
    Not a copy: the indicators stay apart. A warning when the ladder is defective, since the
    defect then grades every one of them."""
    copy_of = {
        member: cluster.id
        for cluster in context.clusters
        if cluster.kind != REUSED_LADDER
        for member in cluster.members
    }
    for cluster in context.clusters:
        if cluster.kind != REUSED_LADDER:
            continue
        members = [
            context.indicator_by_id[m] for m in cluster.members if m in context.indicator_by_id
        ]
        units = len({copy_of.get(ind.id, ind.id) for ind in members})
        if units < 2:
            continue
        issues = sorted(
            {i for ind in members if ind.scheme is not None for i in ind.scheme.issues}
            & INVALID_ISSUES
        )
        docs = sorted({ind.doc_id for ind in members})
        departments = sorted({context.doc_by_id[d].department for d in docs})
        defect_zh = f"（标准本身有缺陷：{', '.join(issues)}）" if issues else ""
        defect_en = f" (the ladder is defective: {', '.join(issues)})" if issues else ""
        yield new_finding(
            f"{units}个无关指标套用同一评价标准「{cluster.label}」{defect_zh}",
            f"{units} unrelated indicators share the ladder '{cluster.label}'{defect_en}",
            doc_id=docs[0] if len(docs) == 1 else "",
            nodes=[ind.id for ind in members],
            evidence=[context.evidence(ind) for ind in members],
            budget=context.graded_money(members),
            severity="warning" if issues else "",
            data={
                "cluster": cluster.id,
                "ladder": cluster.label,
                "unrelated_indicators": units,
                "departments": departments,
                "documents": docs,
                "ladder_issues": issues,
                "score": cluster.score,
            },
        )


@rule(
    "copies.template_ladder",
    severity="info",
    title_zh="评价标准模板被大量套用",
    title_en="Threshold template reused across many indicators",
    finding_type="threshold-reuse",
    params={"min_indicators": 10, "kinds": ["numeric", "count_scale"]},
)
def template_ladder(context: AuditContext, params: dict[str, Any]) -> Iterator[Finding]:
    """One canonical ladder signature grading at least ``min_indicators`` indicators of one
    document: the grades were not designed per indicator. Reports the money graded."""
    groups: dict[tuple[str, str], list[AuditIndicator]] = defaultdict(list)
    kinds = set(params["kinds"])
    for ind in context.indicators:
        if ind.scheme is not None and ind.scheme.kind in kinds and ind.signature:
            groups[(ind.doc_id, ind.signature)].append(ind)
    for (doc_id, signature), members in sorted(groups.items()):
        if len(members) < params["min_indicators"]:
            continue
        total = sum(1 for ind in context.indicators if ind.doc_id == doc_id)
        share = len(members) / total
        yield new_finding(
            f"{len(members)}个指标（占{share:.0%}）套用同一评价标准「{ladder_text(members[0].grades)}」",
            f"{len(members)} indicators ({share:.0%}) are graded by the same ladder '{signature}'",
            doc_id=doc_id,
            nodes=[ind.id for ind in members],
            evidence=[context.evidence(ind) for ind in members],
            budget=context.graded_money(members),
            data={"signature": signature, "share": round(share, 4), "count": len(members)},
        )
