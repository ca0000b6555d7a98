"""Copy clusters and reused ladders for the audit, from the duplicates module's detector.

The audit hands its indicator records to :func:`kg.duplicates.detect` and keeps the clusters
as :class:`~kg.audit.context.CopyCluster` records, so the ``copies.cluster`` rule reports them
with the money they grade, like every other rule. Reused ladders (a distinctive ladder on
unrelated indicators: templated thresholds, not copies) ride along as records of kind
:data:`REUSED_LADDER`, reported by ``copies.reused_ladder`` and never by ``copies.cluster``.
"""

from __future__ import annotations

from kg.audit.context import AuditContext, AuditNode, CopyCluster
from kg.duplicates import DuplicateResult, IndicatorRecord, detect
from kg.duplicates.graph_io import FINDING_TYPE, REUSED_LADDER
from kg.model import GRADES


def _top(context: AuditContext, node: AuditNode) -> AuditNode:
    while node.parent_id and node.parent_id in context.node_by_id:
        node = context.node_by_id[node.parent_id]
    return node


def detector_records(context: AuditContext) -> list[IndicatorRecord]:
    """Every indicator in the detector's input format (with file:line provenance).

    A project-table indicator has one target instead of four grades: it is compared on its
    name and target (a single value, which the detector weighs like a standard ladder), and
    its table is its sub-activity, so a project's indicator list copied into another is a
    block copy."""
    records = []
    position: dict[str, int] = {}
    for ind in context.indicators:
        node = context.node_of(ind)
        if node is None:
            continue
        position[node.id] = position.get(node.id, 0) + 1
        doc = context.document_of(ind)
        grades = (
            (ind.value, "", "", "")
            if ind.kind == "project"
            else tuple(ind.grades.get(grade, "") for grade in GRADES)
        )
        records.append(
            IndicatorRecord(
                id=ind.id,
                text=ind.name,
                grades=grades,
                department=doc.department,
                activity=_top(context, node).name,
                sub_activity=node.name,
                sub_id=node.id,
                pos=position[node.id],
                content=node.content,
                source=doc.file,
                line=ind.line,
                extra=(
                    {"ladder_issues": sorted(ind.scheme.issues)} if ind.scheme is not None else {}
                ),
            )
        )
    return records


def detect_copies(context: AuditContext) -> DuplicateResult | None:
    """Run the copy detector on the context's indicators, keep its clusters in the context
    and return the detector's result (``None`` when there is nothing to compare)."""
    records = detector_records(context)
    if not records:
        return None
    result = detect(records)
    context.clusters = [
        CopyCluster(
            id=str(cluster.id),
            kind=FINDING_TYPE.get(cluster.kind, cluster.kind),
            members=list(cluster.members),
            score=cluster.score,
            label=cluster.template,
            confidence=cluster.confidence,
        )
        for cluster in result.clusters
    ] + [
        CopyCluster(
            id=f"L{reused.id}",
            kind=REUSED_LADDER,
            members=list(reused.members),
            score=reused.score,
            label=" / ".join(reused.ladder),
        )
        for reused in result.reused_ladders
    ]
    return result


def attach_copy_clusters(context: AuditContext) -> AuditContext:
    """:func:`detect_copies`, returning the context (for chaining)."""
    detect_copies(context)
    return context
