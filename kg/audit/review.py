"""Auditors' review decisions (``kg review``, :mod:`kg.duplicates.review`) in the audit.

A decision lives on a finding IRI in ``pig:curation`` and survives re-ingest and re-audit.
After an audit has written its findings, :func:`apply_reviews` finds each finding's IRI (the
copy detector's IRI for copy clusters and reused ladders, the audit's own for the others),
resolves the decisions against the store as it is now, marks confirmed and dismissed
findings in ``finding.data["review"]`` and leaves dismissed ones out of the result unless
asked to show them, counting what it hid in :attr:`AuditResult.dismissed`.
"""

from __future__ import annotations

from kg.audit.engine import AuditResult
from kg.audit.registry import Finding
from kg.duplicates import DuplicateResult
from kg.duplicates.graph_io import finding_iris
from kg.duplicates.review import review_states
from kg.graph.namespace import ID, finding_iri


def finding_iri_of(
    finding: Finding, copies: tuple[dict[int, str], dict[int, str]] | None
) -> str | None:
    """The IRI a finding has in the store (what ``kg review confirm|dismiss`` takes)."""
    cluster = finding.data.get("cluster")
    if copies is not None and cluster is not None:
        clusters, reused = copies
        if isinstance(cluster, str) and cluster.startswith("L"):
            return reused.get(int(cluster[1:]))
        return clusters.get(int(cluster))
    if not finding.finding_type:
        return None  # a custom rule without a type is report-only: never stored
    members = [node for node in finding.nodes if node.startswith(ID)]
    return finding_iri(finding.finding_type, finding.rule, finding.message_en, members).value


def apply_reviews(
    result: AuditResult, store, copies: DuplicateResult | None, *, show_dismissed: bool = False
) -> AuditResult:
    """Mark reviewed findings and hide dismissed ones (see the module docstring)."""
    states = [s for s in review_states(store) if s.finding]
    if not states:
        return result
    decided = {s.finding: s for s in states}
    iris = finding_iris(copies) if copies is not None else None
    kept = []
    for finding in result.findings:
        state = decided.get(finding_iri_of(finding, iris) or "")
        if state is not None:
            decision = state.decision
            finding.data["review"] = {
                "status": decision.status,
                "note": decision.note,
                "by": decision.by,
                "at": decision.at,
                "state": state.state,
            }
            if decision.status == "dismissed" and not show_dismissed:
                result.dismissed += 1
                continue
        kept.append(finding)
    result.findings = kept
    return result
