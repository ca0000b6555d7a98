"""`kg duplicates --engine spark` in ``local[2]``: the same findings as the local detector.

The Spark path computes every evidence link inside a group of records that share a key
(name group, near block, name key, sub-activity item) and finishes whole connected
components with the local detector. These tests prove the premise on the data (every link of
the local evidence graph joins two records that share a grouping key) and the result: the
same clusters (members, evidence, kinds, confidences, scores, templates, flags, ``related``)
in the same order, the same reused ladders, copied-block clusters and block pairs as
:func:`kg.duplicates.detect` on a synthetic set and on the records of the four seeds.
"""

from __future__ import annotations

import random
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

SIZE = 100_000
"""Synthetic records compared (issue 18: "Spark copy detection on 100,000 records equals the
local detector's clusters"): equal field by field — clusters, reused ladders, block clusters,
block pairs. This test took 53 s here (2-core VM, load average under 3; Spark start-up, the
local detector and Spark ``local[2]``), 2–3× that while the machine is shared by a load of
6–9: the time is the fixed cost of ~150 Spark stages more than the records."""


@pytest.fixture(scope="module")
def spark():
    from kg.spark import get_spark

    session = get_spark("local[2]")
    yield session
    session.stop()


def _parquet(spark, records: list[IndicatorRecord], path: Path) -> list[IndicatorRecord]:
    """Write ``records`` as Spark ingest's records Parquet (four files, shuffled: Spark reads
    them in its own order); return them in the order Spark reads them back (the local
    detector gets the same order)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path.mkdir(parents=True)
    shuffled = random.Random(5).sample(records, len(records))
    for part in range(4):
        chunk = shuffled[part::4]
        columns = {
            name: [getattr(r, name) for r in chunk]
            for name in ("id", "department", "activity", "sub_activity", "sub_id", "content",
                         "text", "source")
        }  # fmt: skip
        table = pa.table(
            {
                **columns,
                "pos": pa.array([r.pos for r in chunk], pa.int32()),
                "grades": [list(r.grades) for r in chunk],
                "line": pa.array([r.line for r in chunk], pa.int32()),
                "ladder_issues": pa.array(
                    [list(r.extra.get("ladder_issues", ())) or None for r in chunk],
                    pa.list_(pa.string()),
                ),
            }
        )
        pq.write_table(table, path / f"part-{part}.parquet")
    by_id = {r.id: r for r in records}
    return [by_id[row.id] for row in spark.read.parquet(str(path)).select("id").collect()]


def _same_findings(spark, records: list[IndicatorRecord], path: Path):
    from kg.duplicates.spark import spark_detect

    ordered = _parquet(spark, records, path)
    local = detect(ordered)
    distributed = spark_detect(str(path), spark)
    assert len(distributed.clusters) == len(local.clusters)
    for mine, theirs in zip(distributed.clusters, local.clusters, strict=True):
        assert mine == theirs  # every field: members, evidence, scores, related, ids
    assert distributed.reused_ladders == local.reused_ladders
    assert distributed.block_clusters == local.block_clusters
    assert distributed.block_edges == local.block_edges
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
    ladder = ("≥1%", "≥0.5%", "≥0.3%", "<0.3%")  # a cluster with a left-over on its ladder
    records += [
        IndicatorRecord(id="related-a", text="大型会议控制率", grades=ladder),
        IndicatorRecord(id="related-b", text="大型会议控制率（%）", grades=ladder),
        IndicatorRecord(id="related-c", text="会议控制率", grades=ladder),
    ]
    return _same_findings(spark, records, tmp_path_factory.mktemp("dups") / "synthetic")


def test_synthetic_clusters_equal_the_local_detector(synthetic):
    local, distributed = synthetic
    _every_link_shares_a_key(local)
    kinds = {c.kind for c in local.clusters}
    assert {"verbatim", "slot", "edit", "block", "probable"} <= kinds, kinds
    assert local.reused_ladders and local.block_clusters
    assert any(c.related for c in local.clusters)
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
    local, distributed = _same_findings(spark, records, tmp_path / "seeds")
    _every_link_shares_a_key(local)
    assert any(c.kind == "block" for c in local.clusters)
    assert any("invalid_ladder" in c.flags for c in distributed.clusters)


def test_cli_engine_spark(spark, tmp_path):
    """``--engine spark --input PARQUET --output --blocks`` writes the local assignments and
    block assignments."""
    from kg.records.indicators import read_assignments

    records, _labels = generate(11, 2000)
    ordered = _parquet(spark, records, tmp_path / "records")
    out, blocks = tmp_path / "clusters.jsonl", tmp_path / "blocks.jsonl"
    result = CliRunner().invoke(
        app,
        ["duplicates", "--engine", "spark", "--input", str(tmp_path / "records"), "-o", str(out),
         "--blocks", str(blocks)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    local = detect(ordered)
    assert read_assignments(out) == local.assignments()
    assert read_assignments(blocks, key="sub_id") == local.block_assignments()
    assert any(local.block_assignments().values())


def test_spark_submit_entry_point_run_as_a_file(spark, tmp_path):
    """``spark-submit`` takes a file, not ``-m`` (docs/scale.md): the module run as a file in
    its own process writes the Parquet findings, and its assignments are the local ones."""
    import subprocess
    import sys

    import kg.duplicates.spark as module

    records, _labels = generate(12, 600)
    ordered = _parquet(spark, records, tmp_path / "records")
    run = subprocess.run(
        [sys.executable, module.__file__, str(tmp_path / "records"), "--out",
         str(tmp_path / "dups"), "--master", "local[2]"],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    assigned = {
        row.id: row.cluster
        for row in spark.read.parquet(str(tmp_path / "dups" / "assignments")).collect()
    }
    expected = {k: v for k, v in detect(ordered).assignments().items() if v is not None}
    assert expected and assigned == expected


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
