"""`kg duplicates --engine spark` in ``local[2]``: the same clusters as the local detector.

The Spark path computes every evidence link inside a group of records that share a key
(name group, near block, name key, sub-activity item) and finishes each connected component
with the local detector. These tests prove the premise on the data (every link of the local
evidence graph joins two records that share a grouping key) and the result: the same member
sets, kinds, confidences and ranking as :func:`kg.duplicates.detect` on a synthetic set and on
the records of the four seeds.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.duplicates import detect
from kg.duplicates.detect import _masked_keys, near_block_keys
from kg.duplicates.rules import canonical_ladders, surface_and_name_keys
from kg.records.indicators import IndicatorRecord, records_from_document
from kg.spark import spark_missing
from kg.synth.copies import generate

REASON = spark_missing()
pytestmark = pytest.mark.skipif(REASON is not None, reason=f"Spark tests need it: {REASON}")

SIZE = 20_000
"""Synthetic records compared. Issue 18 asks for 100,000: equal too, but 57 s on Spark
local[2] here, too long for the suite; ``scripts/bench_spark.py --records 100000`` checks it."""

DDL = (
    "id string, department string, activity string, sub_activity string, sub_id string, "
    "pos int, content string, text string, grades array<string>, source string, line int, "
    "ladder_issues array<string>"
)


@pytest.fixture(scope="module")
def spark():
    from kg.spark import get_spark

    session = get_spark("local[2]")
    yield session
    session.stop()


def _parquet(spark, records: list[IndicatorRecord], path: Path) -> list[IndicatorRecord]:
    """Write ``records`` as Spark ingest's records Parquet; return them in the order Spark
    reads them back (the local detector gets the same order)."""
    rows = [
        (r.id, r.department, r.activity, r.sub_activity, r.sub_id, r.pos, r.content, r.text,
         list(r.grades), r.source, r.line, list(r.extra.get("ladder_issues", ())) or None)
        for r in records
    ]  # fmt: skip
    spark.createDataFrame(rows, DDL).repartition(4).write.parquet(str(path))
    by_id = {r.id: r for r in records}
    return [by_id[row.id] for row in spark.read.parquet(str(path)).select("id").collect()]


def _summary(clusters) -> list[tuple[frozenset[str], str, str]]:
    return [(frozenset(c.members), c.kind, c.confidence) for c in clusters]


def _same_clusters(spark, records: list[IndicatorRecord], path: Path):
    from kg.duplicates.spark import spark_detect

    ordered = _parquet(spark, records, path)
    local = detect(ordered)
    distributed = spark_detect(str(path), spark)
    assert _summary(distributed.clusters) == _summary(local.clusters)  # ranked alike
    assert [c.score for c in distributed.clusters] == [c.score for c in local.clusters]
    assert [c.template for c in distributed.clusters] == [c.template for c in local.clusters]
    return local, distributed


def _every_link_shares_a_key(local) -> None:
    """The premise of the Spark path, on the data: every evidence link of the local result
    joins two records with a common ``groupBy`` key — one name group (exact, surface,
    jurisdiction, block links), one name key (probable; empty-ladder rows at one position), or
    one near block (edit, slot)."""
    records = local.by_id()
    ids = [member for c in local.clusters for member in c.members]
    _surface, keys = surface_and_name_keys([records[i].text for i in ids])
    ladders = canonical_ladders([records[i].grades for i in ids])
    key_of = dict(zip(ids, zip(keys, ladders, _masked_keys(keys), strict=True), strict=True))
    for cluster in local.clusters:
        for (u, v, _kind, _weight), kinds in zip(cluster.edges, cluster.edge_kinds, strict=True):
            (key_u, ladder_u, mask_u), (key_v, ladder_v, mask_v) = key_of[u], key_of[v]
            if key_u == key_v and (
                ladder_u == ladder_v
                or "probable" in kinds
                or ("block" in kinds and records[u].pos == records[v].pos)
            ):
                continue
            blocks = set(near_block_keys(key_u, mask_u, ladder_u))
            assert blocks & set(near_block_keys(key_v, mask_v, ladder_v)), (u, v, kinds)


@pytest.fixture(scope="module")
def synthetic(spark, tmp_path_factory):
    records, _labels = generate(7, SIZE)
    return _same_clusters(spark, records, tmp_path_factory.mktemp("dups") / "synthetic")


def test_synthetic_clusters_equal_the_local_detector(synthetic):
    local, distributed = synthetic
    _every_link_shares_a_key(local)
    kinds = {c.kind for c in local.clusters}
    assert {"verbatim", "slot", "edit", "block", "probable"} <= kinds, kinds
    assert distributed.stats["block_edges"] == local.stats["block_edges"]
    assert distributed.stats["probable_edges"] == local.stats["probable_edges"]
    assert distributed.stats["near_edges"] == local.stats["slot_edges"] + local.stats["edit_edges"]


def test_seed_clusters_equal_the_local_detector(spark, seed_path, tmp_path):
    from kg.extraction import extract_file
    from kg.nlp import analyze_document

    records = [
        r
        for prefix in ("000", "002", "003", "004")
        for r in records_from_document(analyze_document(extract_file(seed_path(prefix))))
    ]
    local, distributed = _same_clusters(spark, records, tmp_path / "seeds")
    _every_link_shares_a_key(local)
    assert any(c.kind == "block" for c in local.clusters)
    assert any("invalid_ladder" in c.flags for c in distributed.clusters)


def test_cli_engine_spark(spark, tmp_path):
    """``--engine spark --input PARQUET --output`` writes the local assignments."""
    from kg.records.indicators import read_assignments

    records, _labels = generate(11, 2000)
    ordered = _parquet(spark, records, tmp_path / "records")
    out = tmp_path / "clusters.jsonl"
    result = CliRunner().invoke(
        app,
        ["duplicates", "--engine", "spark", "--input", str(tmp_path / "records"), "-o", str(out)],
    )
    assert result.exit_code == 0, result.output
    assert read_assignments(out) == detect(ordered).assignments()


def test_detect_with_given_block_edges_is_unchanged():
    """The hook the Spark path finishes components with: the block pairs given instead of
    found give the same result (same clusters, evidence and block pairs)."""
    records, _labels = generate(3, 3000)
    found = detect(records)
    given = detect(records, block_edges=found.block_edges)
    assert found.block_edges and given.block_edges == found.block_edges
    assert [(c.members, c.kind, c.edges) for c in given.clusters] == [
        (c.members, c.kind, c.edges) for c in found.clusters
    ]
