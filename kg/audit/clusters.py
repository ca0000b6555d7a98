"""Copy clusters and reused ladders for the audit, from the duplicates module's detector.

The audit hands its indicator records (:func:`kg.records.indicators.records_from_context`, what
``kg duplicates`` compares too) to :func:`kg.duplicates.detect` and keeps the clusters as
:class:`~kg.records.context.CopyCluster` records, so the ``copies.cluster`` rule reports them
with the money they grade, like every other rule. Reused ladders (a distinctive ladder on
unrelated indicators: templated thresholds, not copies) ride along as records of kind
:data:`REUSED_LADDER`, reported by ``copies.reused_ladder`` and never by ``copies.cluster``.
"""

from __future__ import annotations

from kg.duplicates import DuplicateResult, detect
from kg.duplicates.graph_io import FINDING_TYPE, REUSED_LADDER
from kg.records.context import AuditContext, CopyCluster
from kg.records.indicators import records_from_context


def detect_copies(context: AuditContext) -> DuplicateResult | None:
    """Run the copy detector on the context's indicators, keep its clusters in the context
    and return the detector's result (``None`` when there is nothing to compare)."""
    records = records_from_context(context)
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
