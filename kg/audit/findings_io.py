"""The audit's findings into the store: RDF in ``pig:audit/{finding-type}`` named graphs,
replaced on every run. (The records the audit reads come from :mod:`kg.records`.)"""

from __future__ import annotations

import json
import secrets
from collections import defaultdict
from datetime import UTC, datetime

import pyoxigraph as ox

from kg.audit.engine import AuditResult
from kg.audit.registry import RULES
from kg.duplicates import DuplicateResult
from kg.duplicates.graph_io import COPY_GRAPHS
from kg.duplicates.graph_io import write_findings as write_copy_findings
from kg.graph.namespace import FTYPE, ID, PI, PROV, RDF, SEV, XSD, audit_graph, finding_iri


def findings_nquads(result: AuditResult, run_iri: ox.NamedNode) -> dict[str, list[str]]:
    """N-Quads lines per finding type, ready for :meth:`kg.graph.store.Store.replace_graph`."""
    by_type: dict[str, list[str]] = defaultdict(list)
    for finding in result.findings:
        if not finding.finding_type or finding.finding_type in COPY_GRAPHS:
            continue  # report only: no declared type (custom rule), or a duplicates-owned graph
        graph = audit_graph(finding.finding_type)
        members = [node for node in finding.nodes if node.startswith(ID)]
        iri = finding_iri(finding.finding_type, finding.rule, finding.message_en, members)
        subject = str(iri)

        def quad(
            predicate: ox.NamedNode, obj: ox.NamedNode | ox.Literal, s=subject, g=graph
        ) -> str:
            return f"{s} {predicate} {obj} {g} ."

        lines = by_type[finding.finding_type]
        lines += [
            quad(RDF.type, PI.Finding),
            quad(RDF.type, PROV.Entity),
            quad(PI.findingType, FTYPE.by_notation(finding.finding_type)),
            quad(PI.severity, SEV.by_notation(finding.severity)),
            quad(PI.code, ox.Literal(finding.rule)),
            *(quad(PI.message, message) for message in _messages(finding)),
            quad(PI.memberCount, ox.Literal(str(len(members)), datatype=XSD.integer)),
            quad(PROV.wasGeneratedBy, run_iri),
        ]
        lines += [quad(PI.member, ox.NamedNode(member)) for member in members]
        if finding.budget is not None:
            lines.append(
                quad(PI.budgetAtStake, ox.Literal(str(finding.budget), datatype=XSD.decimal))
            )
    return by_type


def _messages(finding) -> list[ox.Literal]:
    """The message once per language, or once untagged when a custom rule gave one text."""
    if finding.message_zh == finding.message_en:
        return [ox.Literal(finding.message_en)]
    return [
        ox.Literal(finding.message_zh, language="zh"),
        ox.Literal(finding.message_en, language="en"),
    ]


def write_findings(
    store, result: AuditResult, copies: DuplicateResult | None = None
) -> ox.NamedNode:
    """Replace ``pig:audit/{type}`` for every finding type the run's rules produce.

    Types whose rules ran but found nothing are emptied, so a fixed defect disappears from
    the store; types of rules that did not run are left alone. The copy graphs
    (``COPY_GRAPHS``: verbatim-copy … threshold-reuse) belong to the duplicates module, whose
    writer keeps the pairwise similarity evidence: they are written from ``copies`` (the
    detector result of this run) by :func:`kg.duplicates.graph_io.write_findings`, never
    overwritten with the audit's summary. Returns the audit-run IRI.
    """
    now = datetime.now(UTC)
    run_iri = ox.NamedNode(f"{ID}run/audit/{now:%Y-%m-%dT%H-%M-%SZ}-{secrets.token_hex(2)}")
    by_type = findings_nquads(result, run_iri)
    types = {r.finding_type for r in result.rules if r.finding_type} | set(by_type)
    types -= set(COPY_GRAPHS)
    if copies is not None:
        write_copy_findings(store, copies)
    params = {r.id: {**r.params, **result.config.params.get(r.id, {})} for r in result.rules}
    for ftype in sorted(types):
        graph = audit_graph(ftype)
        run = [
            f"{run_iri} {RDF.type} {PI.AuditRun} {graph} .",
            f"{run_iri} {RDF.type} {PROV.Activity} {graph} .",
            f"{run_iri} {PROV.startedAtTime} "
            f"{ox.Literal(now.isoformat(), datatype=XSD.dateTime)} {graph} .",
            f"{run_iri} {PI.parameters} "
            f"{ox.Literal(json.dumps(params, ensure_ascii=False, sort_keys=True))} {graph} .",
        ]
        store.replace_graph(graph, "\n".join(run + by_type.get(ftype, [])) + "\n", fmt="nquads")
    return run_iri


def registered_types() -> set[str]:
    """Finding types of the built-in rules (all must exist in the ontology's scheme)."""
    return {r.finding_type for r in RULES.values()}
