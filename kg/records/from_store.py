"""Context records from the store: a handful of SPARQL queries joined in Python.

Queries read the ontology's terms through the SKOS notations (``skos:notation``) the model
uses, so records from the store equal records built from extracted documents
(:mod:`kg.records.from_model`). Documents come in file-path order and rows in the order they
were mapped (``pi:ordinal``), the order ``kg ingest`` read them, so the audit and the copy
detector list evidence the same way from either source.

>>> from kg.graph.store import Store
>>> records_from_store(Store())
[]
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from kg.graph.store import Store
from kg.model import GRADES, Band, NameAnalysis, Scheme
from kg.records.context import AuditContext, AuditDocument, AuditIndicator, AuditNode
from kg.records.indicators import IndicatorRecord, records_from_context

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
       ?doc ?line ?end ?synthetic ?dept WHERE {
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
  OPTIONAL { ?node pi:ofDepartment/skos:prefLabel ?dept }
} ORDER BY ?doc ?line"""

Q_INDICATORS = """
SELECT ?ind ?node ?kind ?name ?raw ?doc ?line ?end ?ordinal ?signature WHERE {
  ?node pi:hasIndicator ?ind .
  { ?ind a pi:ActivityIndicator . BIND("graded" AS ?kind) }
  UNION { ?ind a pi:ProjectIndicator . BIND("project" AS ?kind) }
  ?ind prov:wasDerivedFrom ?span . ?span oa:hasSource ?doc ; pi:startLine ?line .
  OPTIONAL { ?span pi:endLine ?end } OPTIONAL { ?ind pi:ordinal ?ordinal }
  OPTIONAL { ?ind pi:indicatorName ?name } OPTIONAL { ?ind pi:rawText ?raw }
  OPTIONAL { ?ind pi:hasGradingScheme/pi:signature ?signature }
}"""

Q_ANALYSIS = """
SELECT ?ind ?schemeKind ?direction ?metric ?head ?hint ?category ?task ?level1 ?level2
       ?description WHERE {
  ?node pi:hasIndicator ?ind .
  OPTIONAL { SELECT ?ind ?schemeKind ?direction WHERE {
    ?ind pi:hasGradingScheme ?scheme .
    OPTIONAL { SELECT ?scheme ?schemeKind WHERE { ?scheme pi:schemeKind/skos:notation ?schemeKind } }
    OPTIONAL { SELECT ?scheme ?direction WHERE { ?scheme pi:polarity/skos:notation ?direction } }
  } }
  OPTIONAL { SELECT ?ind ?metric WHERE { ?ind pi:metricKind/skos:notation ?metric } }
  OPTIONAL { SELECT ?ind ?head WHERE { ?ind pi:measureHead ?head } }
  OPTIONAL { SELECT ?ind ?hint WHERE { ?ind pi:directionHint/skos:notation ?hint } }
  OPTIONAL { SELECT ?ind ?category WHERE { ?ind pi:isCategoryLabel ?category } }
  OPTIONAL { SELECT ?ind ?task WHERE { ?ind pi:isTaskPhrase ?task } }
  OPTIONAL { SELECT ?ind ?level1 WHERE { ?ind pi:level1Text ?level1 } }
  OPTIONAL { SELECT ?ind ?level2 WHERE { ?ind pi:level2Text ?level2 } }
  OPTIONAL { SELECT ?ind ?description WHERE { ?ind pi:indicatorDescription ?description } }
}"""
"""The name analysis and scheme of every indicator; sub-SELECT OPTIONALs as in :data:`Q_BANDS`
(2.2 s -> 0.7 s on a 300-document store)."""

Q_BANDS = """
SELECT ?ind ?rank ?raw ?form ?status ?comparator ?lower ?lowerInc ?upper ?upperInc ?point
       ?unit ?unitKind ?scale ?qualRank ?note WHERE {
  { ?ind pi:hasGradeBand ?band . ?band pi:gradeRank ?rank }
  UNION { ?ind pi:hasTargetValue ?band . BIND(0 AS ?rank) }
  UNION { ?ind pi:hasActualValue ?band . BIND(-1 AS ?rank) }
  OPTIONAL { SELECT ?band ?raw WHERE { ?band pi:rawText ?raw } }
  OPTIONAL { SELECT ?band ?form WHERE { ?band pi:form ?form } }
  OPTIONAL { SELECT ?band ?status WHERE { ?band pi:parseStatus/skos:notation ?status } }
  OPTIONAL { SELECT ?band ?comparator WHERE { ?band pi:comparator/skos:notation ?comparator } }
  OPTIONAL { SELECT ?band ?lower WHERE { ?band pi:lowerBound ?lower } }
  OPTIONAL { SELECT ?band ?lowerInc WHERE { ?band pi:lowerInclusive ?lowerInc } }
  OPTIONAL { SELECT ?band ?upper WHERE { ?band pi:upperBound ?upper } }
  OPTIONAL { SELECT ?band ?upperInc WHERE { ?band pi:upperInclusive ?upperInc } }
  OPTIONAL { SELECT ?band ?point WHERE { ?band pi:pointValue ?point } }
  OPTIONAL { SELECT ?band ?unit WHERE { ?band pi:unitCode ?unit } }
  OPTIONAL { SELECT ?band ?unitKind WHERE { ?band pi:unitKind ?unitKind } }
  OPTIONAL { SELECT ?band ?scale WHERE { ?band pi:qualitativeScale ?scale } }
  OPTIONAL { SELECT ?band ?qualRank WHERE { ?band pi:qualitativeRank ?qualRank } }
  OPTIONAL { SELECT ?band ?note WHERE { ?band pi:parseNote ?note } }
}"""
"""Every band an indicator holds (grade bands by rank, the target 0, the actual value -1)
with its parse. Each OPTIONAL is a sub-SELECT on purpose: oxigraph then reads each property
once and hash-joins it, where a plain ``OPTIONAL { ?band pi:form ?form }`` is a store lookup
per band and property (about 570,000 on a 300-document store, three to five times as long)."""

Q_GRADES = """
SELECT ?ind ?rank ?raw WHERE {
  { ?ind pi:hasGradeBand ?band . ?band pi:gradeRank ?rank ; pi:rawText ?raw }
  UNION { ?ind pi:hasTargetValue ?band . ?band pi:rawText ?raw . BIND(0 AS ?rank) }
}"""
"""The cells as printed, without their parse (:data:`Q_BANDS`): all copy detection needs."""

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


def load_context(store: Store, *, full: bool = True) -> AuditContext:
    """The context records of every document in ``store``, documents in file-path order.

    ``full=False`` reads only what indicator records need (:func:`records_from_store`): no
    parsed bands, name analysis, flags, stated totals or money blocks, which would make copy
    detection on a large store several times slower. Such a context is not for the audit."""
    context = AuditContext()
    totals = defaultdict(list)
    unread = defaultdict(list)
    flags = defaultdict(list)
    if full:
        for row in store.select(Q_TOTALS):
            amount = Decimal(row["amount"])
            totals[row["doc"]].append((row["label"], amount, int(row.get("line") or 0)))
        for row in store.select(Q_UNREAD):
            unread[row["doc"]].append((int(row.get("line") or 0), str(row["message"])))
        for row in store.select(Q_FLAGS):
            flags[row["x"]].append(str(row["flag"]))
    documents = _first_rows(store.select(Q_DOCUMENTS), "doc")
    for doc, row in sorted(documents.items(), key=lambda item: (_str(item[1], "file"), item[0])):
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
    order = {doc.id: position for position, doc in enumerate(context.documents)}
    nodes = _first_rows(store.select(Q_NODES), "node")
    for node_id, row in sorted(nodes.items(), key=lambda item: order.get(item[1]["doc"], -1)):
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
                department=_str(row, "dept"),
            )
        )
    for row in store.select(Q_TABLES) if full else ():
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
    _load_indicators(store, context, flags, full)
    return context


def _load_indicators(
    store: Store, context: AuditContext, flags: dict[str, list[str]], full: bool
) -> None:
    issues = defaultdict(list)
    for row in store.select(Q_ISSUES):
        issues[row["ind"]].append(str(row["issue"]))
    band_flags = defaultdict(list)
    for row in store.select(Q_BAND_FLAGS) if full else ():
        band_flags[(row["ind"], int(row["rank"]))].append(str(row["flag"]))
    bands = defaultdict(list)
    actual_bands: dict[str, Band] = {}
    for row in store.select(Q_BANDS if full else Q_GRADES):
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
        for ind, row in _first_rows(store.select(Q_COLUMNS) if full else [], "ind").items()
    }
    analysis = _first_rows(store.select(Q_ANALYSIS) if full else [], "ind")
    order = {doc.id: position for position, doc in enumerate(context.documents)}
    rows = store.select(Q_INDICATORS)
    rows.sort(
        key=lambda row: (
            order.get(row["doc"], -1),
            row.get("ordinal", 0),
            int(row["line"]),
            row["ind"],
        )
    )
    for ind_id, row in _first_rows(rows, "ind").items():  # an indicator's first span
        row = {**analysis.get(ind_id, {}), **row}
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


def records_from_store(store: Store) -> list[IndicatorRecord]:
    """Every indicator of ``store`` as a detector record (:func:`records_from_context`): ids
    are the indicator IRIs and ``sub_id`` the IRI of the node holding the list."""
    return records_from_context(load_context(store, full=False))
