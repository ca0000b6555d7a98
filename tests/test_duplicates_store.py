"""Store mode: records read from an ingested store, findings written back and queried."""

from __future__ import annotations

import pytest
from pyoxigraph import NamedNode

from kg.duplicates import detect
from kg.duplicates.graph_io import (
    COPY_GRAPHS,
    reused_ladders_from_store,
    write_findings,
)
from kg.errors import KgError
from kg.extraction import extract_file
from kg.graph.namespace import audit_graph
from kg.graph.store import Store
from kg.ingest import ingest
from kg.records.from_store import records_from_store
from kg.records.indicators import records_from_document


@pytest.fixture(scope="module")
def store(seeds_dir):
    graph_store = Store()
    summary = ingest([seeds_dir], graph_store, jobs=1)
    assert summary.ok and summary.ingested == 4
    return graph_store


@pytest.fixture(scope="module")
def records(store):
    return records_from_store(store)


def _at(records, stem, line):
    return next(r for r in records if r.source.endswith(stem) and r.line == line)


def test_store_records_match_the_extracted_documents(records, seed_path):
    """The store path and the document path give the same records (up to whitespace)."""
    from kg.duplicates.rules import canonical_ladder

    direct = [
        r
        for p in ("000", "002", "003", "004")
        for r in records_from_document(extract_file(seed_path(p)))
    ]
    key = lambda r: (r.source.rsplit("/", 1)[-1], r.line)  # noqa: E731
    mine = {key(r): r for r in records}
    assert set(mine) == {key(r) for r in direct}
    for record in direct:
        other = mine[key(record)]
        assert other.id.startswith("https://") and other.sub_id.startswith("https://")
        assert (other.text, other.department, other.activity, other.sub_activity, other.pos) == (
            record.text,
            record.department,
            record.activity,
            record.sub_activity,
            record.pos,
        )
        assert canonical_ladder(other.grades) == canonical_ladder(record.grades)
    meeting = _at(records, "000_96d939c67dd7b28c.txt", 284)
    assert meeting.text == "大型会议控制率" and meeting.grades[3] == "＜0.3%"
    assert "non_monotonic" in _at(records, "000_96d939c67dd7b28c.txt", 162).extra["ladder_issues"]


def test_cross_government_cluster_is_found_with_provenance(records):
    result = detect(records)
    first, second = (
        _at(records, "000_96d939c67dd7b28c.txt", 284),
        _at(records, "004_eef93c3b92583fa5.txt", 537),
    )
    assignments = result.assignments()
    assert assignments[first.id] is not None
    assert assignments[first.id] == assignments[second.id]
    cluster = next(c for c in result.clusters if c.id == assignments[first.id])
    assert cluster.kind == "surface" and len(cluster.documents) == 2
    assert {result.by_id()[m].where for m in cluster.members} == {
        "000_96d939c67dd7b28c.txt:284",
        "004_eef93c3b92583fa5.txt:537",
    }


FINDINGS = """
SELECT ?finding ?type ?template ?members ?depts ?score WHERE {
  ?finding a pi:Finding ; pi:findingType/skos:notation ?type ; pi:template ?template ;
           pi:memberCount ?members ; pi:departmentCount ?depts ; pi:rankScore ?score ;
           pi:member ?m .
}"""

MEMBER_LINES = """
SELECT ?finding ?line ?path WHERE {
  ?finding pi:findingType ftype:surface-copy ; pi:member ?m .
  ?m pi:indicatorName "大型会议控制率"@zh ; prov:wasDerivedFrom ?span .
  ?span pi:startLine ?line ; oa:hasSource/pi:filePath ?path .
}"""


def test_findings_are_written_queried_and_replaced(records, store):
    result = detect(records)
    total = len(result.clusters) + len(result.reused_ladders)
    assert write_findings(store, result) == total
    rows = store.select(FINDINGS)
    findings = {row["finding"] for row in rows}
    assert len(findings) == total
    types = {row["type"] for row in rows}
    assert types <= {
        "verbatim-copy", "surface-copy", "jurisdiction-copy", "edited-copy", "slot-copy",
        "block-copy", "probable-copy", "reused-ladder",
    }  # fmt: skip
    assert "reused-ladder" in types
    # the defective ≥80%/≤60%/>60%/≤50% ladder (000:162 …) is a reused-ladder warning
    (defective,) = store.select(
        "SELECT ?f WHERE { ?f pi:findingType ftype:reused-ladder ; pi:severity sev:warning ;"
        ' pi:template "<X> @ ≥80% / ≤60% / >60% / ≤50%" }'
    )
    assert defective
    confidences = store.select(
        "SELECT ?c WHERE { ?f pi:findingType ftype:probable-copy ; pi:flag ?c ."
        ' FILTER(STRSTARTS(?c, "confidence:")) }'
    )
    assert {row["c"] for row in confidences} == {"confidence:low"}
    reused = reused_ladders_from_store(store)
    assert len(reused) == len(result.reused_ladders)
    top = reused[0]  # highest rank score: the defective template of 000
    assert top["template"] == "<X> @ ≥80% / ≤60% / >60% / ≤50%" and top["severity"] == "warning"
    assert top["unrelated_indicators"] == result.reused_ladders[0].units
    assert "non_monotonic" in top["ladder_issues"]
    assert len(top["members"]) == len(result.reused_ladders[0].members)
    hits = store.select(MEMBER_LINES)
    assert {(row["path"].rsplit("/", 1)[-1], row["line"]) for row in hits} >= {
        ("000_96d939c67dd7b28c.txt", 284),
    }
    (finding,) = {row["finding"] for row in hits}
    evidence = store.select(
        "SELECT ?f ?kind ?method ?w WHERE { ?f pi:evidence ?e . ?e pi:subject ?s ; pi:object ?o ;"
        " pi:evidenceType/skos:notation ?kind ; pi:method/skos:notation ?method ;"
        " pi:similarityScore ?w }",
        {"f": NamedNode(finding)},
    )
    assert [(e["kind"], e["method"]) for e in evidence] == [("surface-copy", "exact-normalized")]
    quads = sum(store.triple_count(audit_graph(code)) for code in COPY_GRAPHS)

    # re-running replaces: same findings, same IRIs, no duplicates
    assert write_findings(store, detect(records)) == total
    assert {row["finding"] for row in store.select(FINDINGS)} == findings
    assert sum(store.triple_count(audit_graph(code)) for code in COPY_GRAPHS) == quads

    # fewer clusters replace more: stale findings disappear
    fewer = detect([r for r in records if "000_" not in r.source])
    write_findings(store, fewer)
    fewer_total = len(fewer.clusters) + len(fewer.reused_ladders)
    assert len({row["finding"] for row in store.select(FINDINGS)}) == fewer_total
    assert fewer_total < total


def test_read_only_store_refuses_to_write(tmp_path, records):
    Store(tmp_path / "s").close()
    with pytest.raises(KgError, match="read-only"):
        write_findings(Store(tmp_path / "s", read_only=True), detect(records[:50]))
