"""Mapping the seeds: SPARQL counts equal the extraction counts; IRIs are deterministic."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kg.extraction import extract_file
from kg.graph.mapping import ladder_key, map_document
from kg.graph.namespace import doc_graph
from kg.graph.store import Store
from kg.model import Activity, Document, Indicator, SourceRef
from kg.nlp import analyze_document

SEEDS = ("000", "002", "003", "004")


@pytest.fixture(scope="module")
def analysed(seed_path):
    return {k: analyze_document(extract_file(seed_path(k))) for k in SEEDS}


@pytest.fixture(scope="module")
def store(analysed):
    store = Store()
    store.bulk_add_documents(
        [
            (doc_graph(d.source.sha256), "test", map_document(d, pipeline_version="test").nquads)
            for d in analysed.values()
        ]
    )
    return store


@pytest.mark.parametrize("key", SEEDS)
def test_sparql_counts_equal_extraction_counts(store, analysed, key):
    doc = analysed[key]
    graph = doc_graph(doc.source.sha256)

    def count(type_name: str) -> int:
        q = f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ GRAPH {graph} {{ ?x a pi:{type_name} }} }}"
        return store.select(q)[0]["n"]

    activities = len(doc.activities)
    subs = sum(len(a.sub_activities) for a in doc.activities)
    indicators = sum(1 for _ in doc.iter_indicators())
    bands = sum(1 for _, i in doc.iter_indicators() for g in i.grades.values() if g.strip())
    assert count("DutyActivity") == activities
    assert count("SubActivity") == subs
    assert count("ActivityIndicator") == indicators
    assert count("GradeBand") == bands
    assert count("Project") == len(doc.projects)
    assert count("ProjectIndicator") == sum(1 for _ in doc.iter_project_indicators())
    assert count("Diagnostic") == len(doc.diagnostics)


def test_reference_counts_of_domain_md(store, analysed):
    # domain.md §7: 000 has 37 activities + 1 synthetic parent, 156 sub-activities, 370
    # indicators and 1393 non-empty grade cells.
    doc = analysed["000"]
    graph = doc_graph(doc.source.sha256)
    rows = store.select(
        f"""SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {{ GRAPH {graph} {{
              ?a a pi:DutyActivity FILTER NOT EXISTS {{ ?a pi:synthetic true }} }} }}"""
    )
    assert rows[0]["n"] == 37
    assert (
        store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {graph} {{ ?b a pi:GradeBand }} }}")[
            0
        ]["n"]
        == 1393
    )


def test_mapping_is_deterministic_and_ignores_run_state(analysed, seed_path):
    doc = analysed["004"]
    first = map_document(doc, file_path="x/004.txt", pipeline_version="v")
    again = map_document(
        analyze_document(extract_file(seed_path("004"))),
        file_path="x/004.txt",
        pipeline_version="v",
    )
    assert first.nquads == again.nquads
    assert b"/lines/" in first.nquads


def test_budgets_are_decimals_and_provenance_points_to_lines(store, analysed):
    doc = analysed["000"]
    activity = next(a for a in doc.activities if a.budget is not None)
    rows = store.select(
        f"""SELECT ?budget ?line WHERE {{ ?a a pi:DutyActivity ; pi:budget ?budget ;
             prov:wasDerivedFrom/pi:startLine ?line . FILTER(?line = {activity.line}) }}"""
    )
    assert rows == [{"budget": activity.budget, "line": activity.line}]
    assert isinstance(rows[0]["budget"], Decimal)


def test_hand_built_document_without_nlp_keeps_raw_text():
    ind = Indicator(
        name="办结率", line=5, grades={"优": "≥90%", "良": "≥80%", "中": "", "差": "<80%"}
    )
    act = Activity(name="信访", line=3, number="一", budget=Decimal("10.5"), indicators=[ind])
    doc = Document(
        SourceRef("h.txt", "1" * 64), title="t", issuer="某局", year=2020, activities=[act]
    )
    store = Store()
    mapped = map_document(doc)
    store.bulk_add_documents([(mapped.graph, "v", mapped.nquads)])
    rows = store.select(
        "SELECT ?raw ?rank WHERE { ?b a pi:GradeBand ; pi:rawText ?raw ; pi:gradeRank ?rank } ORDER BY ?rank"
    )
    assert rows == [
        {"raw": "≥90%", "rank": 1},
        {"raw": "≥80%", "rank": 2},
        {"raw": "<80%", "rank": 4},
    ]
    assert ladder_key(ind.grades) == "≥90% | ≥80% |  | <80%"
