"""The store adapter of the duplicate detector: records from the graph, findings back into it.

The detector itself (:func:`kg.duplicates.detect`) works on plain records and never touches
the store. This module is the only bridge:

* :func:`detect_in_store` compares every indicator of the store (the union of all document
  graphs), read as :class:`~kg.records.indicators.IndicatorRecord` objects by
  :func:`kg.records.from_store.records_from_store`, with the indicator IRI as id and file:line
  provenance;
* :func:`write_findings` writes one ``pi:Finding`` per cluster, with its members, kind,
  confidence, scores, method, template and pairwise ``pi:SimilarityEvidence``, into the
  ``pig:audit/<finding type>`` graphs of the copy kinds, and one ``ftype:reused-ladder``
  finding per reused ladder into ``pig:audit/reused-ladder``, replacing the previous
  findings of those graphs in one transaction.

Finding IRIs are deterministic (:func:`kg.graph.namespace.finding_iri` over type, method,
parameters and the sorted member IRIs), so a re-run on unchanged data writes the same
findings and review decisions in ``pig:curation`` stay attached.

>>> from kg.graph.store import Store
>>> store = Store()
>>> detect_in_store(store).clusters
[]
>>> write_findings(store, detect([]))
0
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import pyoxigraph as ox

from kg.duplicates.detect import Cluster, DuplicateResult, ReusedLadder, detect
from kg.errors import KgError
from kg.graph.namespace import (
    FTYPE,
    PI,
    RDF,
    SEV,
    SIMM,
    SKOS,
    XSD,
    audit_graph,
    finding_iri,
    mint,
)
from kg.graph.store import Store
from kg.records.from_store import records_from_store

FINDING_TYPE: dict[str, str] = {
    "verbatim": "verbatim-copy",
    "surface": "surface-copy",
    "jurisdiction": "jurisdiction-copy",
    "edit": "edited-copy",
    "slot": "slot-copy",
    "block": "block-copy",
    "probable": "probable-copy",
}
"""Cluster kind (and evidence edge kind) → finding-type notation (``ontology/vocab/findings.ttl``)."""

EDGE_FINDING_TYPE: dict[str, str] = {**FINDING_TYPE, "exact": "verbatim-copy"}

METHOD: dict[str, str] = {
    "verbatim": "exact-normalized",
    "exact": "exact-normalized",
    "surface": "exact-normalized",
    "jurisdiction": "exact-normalized",
    "edit": "name-edit",
    "slot": "slot-frame",
    "block": "block-alignment",
    "probable": "one-band-edit",
}
"""Cluster or edge kind → similarity-method notation: how the evidence was established."""

REUSED_LADDER = "reused-ladder"
"""Finding type of a distinctive ladder shared by unrelated indicators (not a copy)."""

COPY_GRAPHS: tuple[str, ...] = (
    *dict.fromkeys(FINDING_TYPE.values()),
    REUSED_LADDER,
    "threshold-reuse",
)
"""The audit graphs this module owns and replaces on every write. ``threshold-reuse`` held
the threshold-only families of earlier versions (no longer copies): it stays owned, so a
write empties it and the audit never writes its summary there."""


def _decimal(value: float) -> ox.Literal:
    return ox.Literal(format(Decimal(str(round(value, 4))), "f"), datatype=XSD.decimal)


def _integer(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=XSD.integer)


def _parameters(result: DuplicateResult) -> str:
    """The detector settings that define the findings (part of their IRIs)."""
    return json.dumps(result.stats.get("parameters", {}), sort_keys=True, ensure_ascii=False)


def finding_triples(
    cluster: Cluster, params: str, member_iri: dict[str, ox.NamedNode]
) -> tuple[str, list[ox.Triple]]:
    """``(finding type, triples)`` of one cluster."""
    ftype = FINDING_TYPE[cluster.kind]
    members = [member_iri[m] for m in cluster.members]
    method = METHOD[cluster.kind]
    node = finding_iri(ftype, method, params, [m.value for m in members])
    strength = sum(e[3] for e in cluster.edges) / len(cluster.edges) if cluster.edges else 0.0
    cross = len(cluster.departments) > 1 or "invalid_ladder" in cluster.flags
    triples = [
        ox.Triple(node, RDF.type, PI.Finding),
        ox.Triple(node, PI.findingType, FTYPE.by_notation(ftype)),
        ox.Triple(node, PI.method, SIMM.by_notation(method)),
        ox.Triple(node, PI.template, ox.Literal(cluster.template)),
        ox.Triple(node, SKOS.prefLabel, ox.Literal(cluster.template)),
        ox.Triple(node, PI.similarityScore, _decimal(strength)),
        ox.Triple(node, PI.rankScore, _decimal(cluster.score)),
        ox.Triple(node, PI.memberCount, _integer(len(members))),
        ox.Triple(node, PI.departmentCount, _integer(len(cluster.departments))),
        ox.Triple(node, PI.severity, SEV.by_notation("warning" if cross else "info")),
        ox.Triple(node, PI.parameters, ox.Literal(params)),
    ]
    triples.extend(ox.Triple(node, PI.member, m) for m in members)
    triples.extend(ox.Triple(node, PI.flag, ox.Literal(flag)) for flag in cluster.flags)
    triples.append(ox.Triple(node, PI.flag, ox.Literal(f"confidence:{cluster.confidence}")))
    if cluster.standard_ladder:
        triples.append(ox.Triple(node, PI.flag, ox.Literal("standard_ladder")))
    for u, v, kind, weight in cluster.edges:
        a, b = sorted((member_iri[u].value, member_iri[v].value))
        evidence = mint("evidence", node.value, a, b)
        triples += [
            ox.Triple(node, PI.evidence, evidence),
            ox.Triple(evidence, RDF.type, PI.SimilarityEvidence),
            ox.Triple(evidence, PI.subject, ox.NamedNode(a)),
            ox.Triple(evidence, PI.object, ox.NamedNode(b)),
            ox.Triple(evidence, PI.evidenceType, FTYPE.by_notation(EDGE_FINDING_TYPE[kind])),
            ox.Triple(evidence, PI.method, SIMM.by_notation(METHOD[kind])),
            ox.Triple(evidence, PI.similarityScore, _decimal(weight)),
        ]
    return ftype, triples


def reused_ladder_triples(
    reused: ReusedLadder, params: str, member_iri: dict[str, ox.NamedNode]
) -> list[ox.Triple]:
    """The triples of one reused-ladder finding: the ladder as template, every occurrence as a
    member (``pi:memberCount`` counts occurrences), the number of unrelated indicators in the
    flag ``unrelated_indicators:N``, ``sev:warning`` and ``invalid_ladder`` when defective."""
    members = [member_iri[m] for m in reused.members]
    method = "ladder-equality"  # finding_iris computes the same IRI
    node = finding_iri(REUSED_LADDER, method, params, [m.value for m in members])
    label = "<X> @ " + " / ".join(reused.ladder)
    triples = [
        ox.Triple(node, RDF.type, PI.Finding),
        ox.Triple(node, PI.findingType, FTYPE.by_notation(REUSED_LADDER)),
        ox.Triple(node, PI.method, SIMM.by_notation(method)),
        ox.Triple(node, PI.template, ox.Literal(label)),
        ox.Triple(node, SKOS.prefLabel, ox.Literal(label)),
        ox.Triple(node, PI.rankScore, _decimal(reused.score)),
        ox.Triple(node, PI.memberCount, _integer(len(members))),
        ox.Triple(node, PI.departmentCount, _integer(len(reused.departments))),
        ox.Triple(node, PI.severity, SEV.by_notation("warning" if reused.defective else "info")),
        ox.Triple(node, PI.parameters, ox.Literal(params)),
        ox.Triple(node, PI.flag, ox.Literal(f"unrelated_indicators:{reused.units}")),
    ]
    triples.extend(ox.Triple(node, PI.member, m) for m in members)
    if reused.defective:
        triples.append(ox.Triple(node, PI.flag, ox.Literal("invalid_ladder")))
    triples.extend(
        ox.Triple(node, PI.flag, ox.Literal(f"ladder_issue:{issue}"))
        for issue in reused.ladder_issues
    )
    return triples


def finding_iris(result: DuplicateResult) -> tuple[dict[int, str], dict[int, str]]:
    """The finding IRIs :func:`write_findings` gives the clusters and the reused ladders (each
    by id): what ``kg review confirm|dismiss`` takes."""
    params = _parameters(result)
    member_iri = _member_iris(
        [m for c in result.clusters for m in c.members]
        + [m for r in result.reused_ladders for m in r.members]
    )

    def iri(ftype: str, method: str, members: list[str]) -> str:
        return finding_iri(ftype, method, params, [member_iri[m].value for m in members]).value

    clusters = {c.id: iri(FINDING_TYPE[c.kind], METHOD[c.kind], c.members) for c in result.clusters}
    reused = {r.id: iri(REUSED_LADDER, "ladder-equality", r.members) for r in result.reused_ladders}
    return clusters, reused


def _member_iris(ids: Iterable[str]) -> dict[str, ox.NamedNode]:
    """Record ids as IRIs: store ids are IRIs already; other ids get a ``pid:record/…`` IRI."""
    out = {}
    for record_id in ids:
        if record_id.startswith(("http://", "https://", "urn:")):
            out[record_id] = ox.NamedNode(record_id)
        else:
            out[record_id] = mint("record", record_id)
    return out


def write_findings(store: Store, result: DuplicateResult) -> int:
    """Write one ``pi:Finding`` per cluster and per reused ladder of ``result``.

    The ``pig:audit/<type>`` graphs of the copy kinds (verbatim-copy, surface-copy,
    jurisdiction-copy, edited-copy, slot-copy, block-copy, probable-copy) and of
    reused-ladder are replaced together in a single store transaction: readers see the old
    findings or the new ones, never a mixture, and a re-run replaces rather than adds.
    Returns the number of findings written (clusters plus reused ladders).
    """
    if store.read_only:
        raise KgError("the store is open read-only: cannot write findings", str(store.path))
    params = _parameters(result)
    member_iri = _member_iris(
        [m for c in result.clusters for m in c.members]
        + [m for r in result.reused_ladders for m in r.members]
    )
    by_graph: dict[str, list[ox.Triple]] = {code: [] for code in COPY_GRAPHS}
    for cluster in result.clusters:
        ftype, triples = finding_triples(cluster, params, member_iri)
        by_graph[ftype].extend(triples)
    for reused in result.reused_ladders:
        by_graph[REUSED_LADDER].extend(reused_ladder_triples(reused, params, member_iri))
    drops = "".join(f"DROP SILENT GRAPH {audit_graph(code)} ;\n" for code in COPY_GRAPHS)
    inserts = []
    for code, triples in by_graph.items():
        if triples:
            body = (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")
            inserts.append(f"GRAPH {audit_graph(code)} {{\n{body}}}")
    update = drops + (f"INSERT DATA {{\n{chr(10).join(inserts)}\n}}" if inserts else "")
    store.oxigraph.update(update.rstrip().rstrip(";"))
    return len(result.clusters) + len(result.reused_ladders)


_REUSED = """
SELECT ?f ?template ?score ?severity ?flag ?member WHERE {
  ?f pi:findingType ftype:reused-ladder ; pi:template ?template ; pi:rankScore ?score ;
     pi:severity/skos:notation ?severity ; pi:member ?member .
  OPTIONAL { ?f pi:flag ?flag }
}"""


def reused_ladders_from_store(store: Store) -> list[dict[str, Any]]:
    """The reused-ladder findings last written to ``store``, for views and reports.

    Each is ``{"finding", "template", "score", "severity", "unrelated_indicators",
    "ladder_issues", "members"}`` (member IRIs sorted), highest rank score first.
    """
    found: dict[str, dict[str, Any]] = {}
    for row in store.select(_REUSED):
        item = found.setdefault(
            row["f"],
            {
                "finding": row["f"],
                "template": row["template"],
                "score": float(row["score"]),
                "severity": row["severity"],
                "unrelated_indicators": 0,
                "ladder_issues": set(),
                "members": set(),
            },
        )
        item["members"].add(row["member"])
        flag = row.get("flag", "")
        if flag.startswith("unrelated_indicators:"):
            item["unrelated_indicators"] = int(flag.split(":", 1)[1])
        elif flag.startswith("ladder_issue:"):
            item["ladder_issues"].add(flag.split(":", 1)[1])
    out = []
    for item in found.values():
        item["members"] = sorted(item["members"])
        item["ladder_issues"] = sorted(item["ladder_issues"])
        out.append(item)
    out.sort(key=lambda item: (-item["score"], item["template"]))
    return out


def detect_in_store(store: Store, **options: Any) -> DuplicateResult:
    """:func:`detect` over every indicator of ``store`` (options as for :func:`detect`)."""
    return detect(records_from_store(store), **options)


__all__ = [
    "COPY_GRAPHS",
    "FINDING_TYPE",
    "detect_in_store",
    "finding_iris",
    "finding_triples",
    "reused_ladder_triples",
    "reused_ladders_from_store",
    "write_findings",
]
