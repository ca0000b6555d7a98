"""The store side of the audit: records in (a handful of SPARQL queries), findings out (RDF in
``pig:audit/{finding-type}`` named graphs, replaced on every run).

Queries read the ontology's terms through the SKOS notations (``skos:notation``) the model
uses, so records from the store equal records built from extracted documents.
"""

from __future__ import annotations

import json
import secrets
from collections import defaultdict
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pyoxigraph as ox

from kg.audit.context import AuditContext, AuditDocument, AuditIndicator, AuditNode
from kg.audit.engine import AuditResult
from kg.audit.registry import RULES
from kg.duplicates import DuplicateResult
from kg.duplicates.graph_io import COPY_GRAPHS
from kg.duplicates.graph_io import write_findings as write_copy_findings
from kg.graph.namespace import FTYPE, ID, PI, PROV, RDF, SEV, XSD, audit_graph, finding_iri
from kg.model import GRADES, Band, NameAnalysis, Scheme

Q_DOCUMENTS = """
SELECT ?doc ?file ?issuer ?title ?year WHERE {
  ?doc a pi:SourceDocument .
  OPTIONAL { ?doc pi:filePath ?file } OPTIONAL { ?doc pi:issuer ?issuer }
  OPTIONAL { ?doc dcterms:title ?title } OPTIONAL { ?doc pi:fiscalYear ?year }
}"""

Q_TOTALS = """
SELECT ?doc ?label ?amount ?line WHERE {
  ?doc pi:hasStatedTotal ?total . ?total pi:label ?label ; pi:amount ?amount .
  OPTIONAL { ?total prov:wasDerivedFrom/pi:startLine ?line }
} ORDER BY ?doc ?line"""

Q_NODES = """
SELECT ?node ?kind ?name ?raw ?number ?code ?budget ?rawBudget ?content ?goal ?parent
       ?doc ?line ?end ?synthetic WHERE {
  { ?node a pi:DutyActivity . BIND("activity" AS ?kind) }
  UNION { ?node a pi:SubActivity . BIND("sub_activity" AS ?kind) }
  UNION { ?node a pi:Project . BIND("project" AS ?kind) }
  ?node prov:wasDerivedFrom ?span . ?span oa:hasSource ?doc ; pi:startLine ?line .
  OPTIONAL { ?span pi:endLine ?end }
  OPTIONAL { ?node skos:prefLabel ?name } OPTIONAL { ?node pi:rawText ?raw }
  OPTIONAL { ?node pi:number ?number } OPTIONAL { ?node pi:projectCode ?code }
  OPTIONAL { ?node pi:budget ?budget } OPTIONAL { ?node pi:rawBudget ?rawBudget }
  OPTIONAL { ?node pi:contentText ?content } OPTIONAL { ?node pi:goalText ?goal }
  OPTIONAL { ?parent pi:hasSubActivity ?node }
  OPTIONAL { ?node pi:synthetic ?synthetic }
} ORDER BY ?doc ?line"""

Q_INDICATORS = """
SELECT ?ind ?node ?kind ?name ?raw ?doc ?line ?end ?schemeKind ?direction ?signature ?metric
       ?head ?hint ?category ?task ?level1 ?level2 ?description WHERE {
  ?node pi:hasIndicator ?ind .
  { ?ind a pi:ActivityIndicator . BIND("graded" AS ?kind) }
  UNION { ?ind a pi:ProjectIndicator . BIND("project" AS ?kind) }
  ?ind prov:wasDerivedFrom ?span . ?span oa:hasSource ?doc ; pi:startLine ?line .
  OPTIONAL { ?span pi:endLine ?end }
  OPTIONAL { ?ind pi:indicatorName ?name } OPTIONAL { ?ind pi:rawText ?raw }
  OPTIONAL { ?ind pi:hasGradingScheme ?scheme . ?scheme pi:signature ?signature .
             OPTIONAL { ?scheme pi:schemeKind/skos:notation ?schemeKind }
             OPTIONAL { ?scheme pi:polarity/skos:notation ?direction } }
  OPTIONAL { ?ind pi:metricKind/skos:notation ?metric } OPTIONAL { ?ind pi:measureHead ?head }
  OPTIONAL { ?ind pi:directionHint/skos:notation ?hint }
  OPTIONAL { ?ind pi:isCategoryLabel ?category } OPTIONAL { ?ind pi:isTaskPhrase ?task }
  OPTIONAL { ?ind pi:level1Text ?level1 } OPTIONAL { ?ind pi:level2Text ?level2 }
  OPTIONAL { ?ind pi:indicatorDescription ?description }
} ORDER BY ?doc ?line"""

Q_BANDS = """
SELECT ?ind ?rank ?raw ?form ?status ?comparator ?lower ?lowerInc ?upper ?upperInc ?point
       ?unit ?unitKind ?scale ?qualRank ?note WHERE {
  { ?ind pi:hasGradeBand ?band . ?band pi:gradeRank ?rank }
  UNION { ?ind pi:hasTargetValue ?band . BIND(0 AS ?rank) }
  UNION { ?ind pi:hasActualValue ?band . BIND(-1 AS ?rank) }
  OPTIONAL { ?band pi:rawText ?raw } OPTIONAL { ?band pi:form ?form }
  OPTIONAL { ?band pi:parseStatus/skos:notation ?status }
  OPTIONAL { ?band pi:comparator/skos:notation ?comparator }
  OPTIONAL { ?band pi:lowerBound ?lower } OPTIONAL { ?band pi:lowerInclusive ?lowerInc }
  OPTIONAL { ?band pi:upperBound ?upper } OPTIONAL { ?band pi:upperInclusive ?upperInc }
  OPTIONAL { ?band pi:pointValue ?point } OPTIONAL { ?band pi:unitCode ?unit }
  OPTIONAL { ?band pi:unitKind ?unitKind } OPTIONAL { ?band pi:qualitativeScale ?scale }
  OPTIONAL { ?band pi:qualitativeRank ?qualRank } OPTIONAL { ?band pi:parseNote ?note }
  BIND(?band AS ?b)
}"""

Q_BAND_FLAGS = """
SELECT ?ind ?rank ?flag WHERE {
  { ?ind pi:hasGradeBand ?band . ?band pi:gradeRank ?rank }
  UNION { ?ind pi:hasTargetValue ?band . BIND(0 AS ?rank) }
  ?band pi:flag ?flag .
}"""

Q_UNREAD = """
SELECT ?doc ?line ?message WHERE {
  ?doc pi:hasDiagnostic ?d . ?d pi:code "unread" ; pi:message ?message .
  OPTIONAL { ?d prov:wasDerivedFrom/pi:startLine ?line }
} ORDER BY ?doc ?line"""

Q_TABLES = """
SELECT ?node ?kind ?field ?total WHERE {
  ?node a pi:Project .
  OPTIONAL { ?node a pi:DepartmentTarget . BIND("department" AS ?d) }
  OPTIONAL { ?node a pi:SelfEvaluation . BIND("self_evaluation" AS ?e) }
  BIND(COALESCE(?e, ?d, "project") AS ?kind)
  OPTIONAL { ?node pi:executionField ?field }
  OPTIONAL { ?node pi:totalScore ?total }
}"""

Q_COLUMNS = """
SELECT ?ind ?actual ?weight ?score ?deviation ?comparator WHERE {
  ?ind a pi:ProjectIndicator .
  OPTIONAL { ?ind pi:hasActualValue/pi:rawText ?actual }
  OPTIONAL { ?ind pi:weightText ?weight } OPTIONAL { ?ind pi:scoreText ?score }
  OPTIONAL { ?ind pi:deviationReason ?deviation }
  OPTIONAL { ?ind pi:comparatorText ?comparator }
}"""

Q_ISSUES = "SELECT ?ind ?issue WHERE { ?ind pi:ladderIssue/skos:notation ?issue }"
Q_FLAGS = "SELECT ?x ?flag WHERE { ?x a ?type ; pi:flag ?flag . VALUES ?type { pi:Indicator pi:Activity } }"


_COLUMN_KEYS = ("actual", "weight", "score", "deviation", "comparator")


def _str(row: dict[str, Any], key: str) -> str:
    value = row.get(key)
    return "" if value is None else str(value)


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _first_rows(rows: list[dict[str, Any]], key: str) -> dict[str, dict[str, Any]]:
    """One row per subject (OPTIONAL joins can repeat a subject)."""
    first: dict[str, dict[str, Any]] = {}
    for row in rows:
        first.setdefault(row[key], row)
    return first


def load_context(store) -> AuditContext:
    """Fetch the audit records of every document in ``store`` (:class:`kg.graph.store.Store`)."""
    context = AuditContext()
    totals = defaultdict(list)
    for row in store.select(Q_TOTALS):
        totals[row["doc"]].append((row["label"], Decimal(row["amount"]), int(row.get("line") or 0)))
    unread = defaultdict(list)
    for row in store.select(Q_UNREAD):
        unread[row["doc"]].append((int(row.get("line") or 0), str(row["message"])))
    for doc, row in _first_rows(store.select(Q_DOCUMENTS), "doc").items():
        year = row.get("year")
        context.documents.append(
            AuditDocument(
                id=doc,
                file=_str(row, "file") or doc,
                issuer=_str(row, "issuer"),
                title=_str(row, "title"),
                year=int(str(year)[:4]) if year else None,
                stated_totals=totals.get(doc, []),
                unread=unread.get(doc, []),
            )
        )
    flags = defaultdict(list)
    for row in store.select(Q_FLAGS):
        flags[row["x"]].append(str(row["flag"]))
    nodes = _first_rows(store.select(Q_NODES), "node")
    for node_id, row in nodes.items():
        budget = row.get("budget")
        context.nodes.append(
            AuditNode(
                id=node_id,
                doc_id=row["doc"],
                kind=row["kind"],
                name=_str(row, "name"),
                line=int(row["line"]),
                budget=Decimal(str(budget)) if budget is not None else None,
                raw_budget=_str(row, "rawBudget") or ("" if budget is None else str(budget)),
                content=_str(row, "content"),
                goal=_str(row, "goal"),
                number=row.get("number") or row.get("code"),
                parent_id=row.get("parent"),
                synthetic=bool(row.get("synthetic")),
                end_line=int(row.get("end") or 0),
                flags=flags.get(node_id, []),
            )
        )
    for row in store.select(Q_TABLES):
        node = context.node_by_id.get(row["node"])
        if node is None:
            continue
        node.table_kind = row["kind"]
        node.total_score = _str(row, "total")
        if row.get("field") is not None:
            label, _, value = str(row["field"]).partition(": ")
            node.execution[label] = value
    for node in context.nodes:
        if node.parent_id in context.node_by_id:
            context.node_by_id[node.parent_id].children.append(node.id)
    _load_indicators(store, context, flags)
    return context


def _load_indicators(store, context: AuditContext, flags: dict[str, list[str]]) -> None:
    issues = defaultdict(list)
    for row in store.select(Q_ISSUES):
        issues[row["ind"]].append(str(row["issue"]))
    band_flags = defaultdict(list)
    for row in store.select(Q_BAND_FLAGS):
        band_flags[(row["ind"], int(row["rank"]))].append(str(row["flag"]))
    bands = defaultdict(list)
    actual_bands: dict[str, Band] = {}
    for row in store.select(Q_BANDS):
        rank = int(row["rank"])
        band = Band(
            grade=GRADES[rank - 1] if rank > 0 else "",
            rank=max(rank, 0),
            raw=_str(row, "raw"),
            text=_str(row, "raw"),
            form=_str(row, "form"),
            status=_str(row, "status") or "parsed",
            comparator=row.get("comparator"),
            lower=_float(row.get("lower")),
            lower_inclusive=row.get("lowerInc"),
            upper=_float(row.get("upper")),
            upper_inclusive=row.get("upperInc"),
            point=_float(row.get("point")),
            unit=row.get("unit"),
            unit_kind=row.get("unitKind"),
            qual_scale=row.get("scale"),
            qual_rank=row.get("qualRank"),
            flags=band_flags.get((row["ind"], rank), []),
            reason=_str(row, "note"),
        )
        if rank < 0:
            actual_bands[row["ind"]] = band
        else:
            bands[row["ind"]].append(band)
    columns = {
        ind: {key: _str(row, key) for key in _COLUMN_KEYS}
        for ind, row in _first_rows(store.select(Q_COLUMNS), "ind").items()
    }
    for ind_id, row in _first_rows(store.select(Q_INDICATORS), "ind").items():
        own = sorted(bands.get(ind_id, []), key=lambda band: band.rank)
        scheme = None
        if row.get("signature") is not None:
            scheme = Scheme(
                kind=_str(row, "schemeKind"),
                direction=_str(row, "direction") or "unknown",
                signature=_str(row, "signature"),
                issues=issues.get(ind_id, []),
            )
        record = AuditIndicator(
            id=ind_id,
            doc_id=row["doc"],
            node_id=row["node"],
            name=_str(row, "name"),
            line=int(row["line"]),
            kind=row["kind"],
            grades={band.grade: band.raw for band in own if band.grade},
            raw_name=_str(row, "raw"),
            bands=own,
            scheme=scheme,
            analysis=NameAnalysis(
                key="",
                measure_head=row.get("head"),
                metric_kind=_str(row, "metric") or "unknown",
                direction_hint=_str(row, "hint") or "unknown",
                is_category_label=bool(row.get("category")),
                is_task_phrase=bool(row.get("task")),
            ),
            flags=flags.get(ind_id, []),
            value=next((band.raw for band in own if band.rank == 0), ""),
            level1=_str(row, "level1"),
            level2=_str(row, "level2"),
            end_line=int(row.get("end") or 0),
            actual_band=actual_bands.get(ind_id),
            **columns.get(ind_id, {}),
        )
        context.indicators.append(record)
        if record.node_id in context.node_by_id:
            context.node_by_id[record.node_id].indicators.append(record.id)


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
