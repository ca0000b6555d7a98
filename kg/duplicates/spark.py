"""Copy detection on Apache Spark: the layers of :mod:`kg.duplicates.detect` as Spark jobs.

Every evidence link the local detector draws joins two records that share a key, so each
layer is a ``groupBy`` on that key. The work that grows with the data runs as DataFrame
column expressions in the JVM; Python (the detector's own functions, on Arrow batches with
``mapInArrow``, no per-record pickling) only sees distinct values and the groups that need
its rules:

* **normalise**: N1–N4 on every distinct name (:func:`~kg.duplicates.rules.surface_and_name_keys`)
  and canonical ladders on every distinct row of grades
  (:func:`~kg.duplicates.rules.canonical_ladders`), joined back to the records;
* **exact**: name groups = ``groupBy (name key, ladder)``; a group's id is its first record;
* **near**: ``groupBy`` on the blocks of :func:`~kg.duplicates.detect.near_block_keys`; each
  block is the whole corpus's block, so the MinHash switch (``max_bucket``) sees the same
  size as locally, and pairs are verified by :func:`~kg.duplicates.detect.near_kind`;
* **probable**: ``groupBy`` name key, verified by the detector's ``_probable_edges``;
* **block**: the exact set-similarity join of the local prefix filter (items ordered by
  frequency, then name, then first record in the sub-activity, as locally), verified on the
  item sets by a join and a count — all column expressions; empty-ladder rows of copied
  blocks are a join on (sub-activity, position, name key);
* **components** of the group graph (near/probable links, empty-row links) by the iterative
  large-star/small-star algorithm on DataFrames (joins; no GraphFrames, no collect);
* **finishing** in the executors: the records of whole components are hash-partitioned on
  the component, and :func:`~kg.duplicates.detect.detect` runs once per partition on them
  with the corpus-wide block pairs between their sub-activities given (``block_edges``):
  components never link, so one call over many components gives each component's clusters,
  with the bridge check, evidence, template, score and confidence of the local code;
* **corpus-wide findings** as joins: a cluster's ``related`` left-overs (left-over records on
  its distinctive ladders), reused ladders (distinctive ladders with ≥ 2 unrelated users) and
  copied-block clusters (components of the block pairs); all ranked and numbered as locally.

From ``spark-submit``, which takes a file, not ``-m`` (``python -m kg.duplicates.spark`` is the
same program)::

    MAIN=$(python -c 'import kg.duplicates.spark as m; print(m.__file__)')
    spark-submit --master yarn ... "$MAIN" hdfs:///pikg/records --out hdfs:///dups
"""

from __future__ import annotations

import argparse
import math
import pickle
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from kg.duplicates.detect import (
    MAX_EXTRA_EVIDENCE,
    BlockCluster,
    Cluster,
    DuplicateResult,
    ReusedLadder,
    _masked_keys,
    _pairs_in_bucket,
    _probable_edges,
    detect,
    near_block_keys,
    near_kind,
)
from kg.duplicates.rules import (
    INVALID_ISSUES,
    StandardLadders,
    canonical_ladders,
    is_placeholder_ladder,
    load_standard_ladders,
    low_rate_floor,
    surface_and_name_keys,
)
from kg.records.indicators import IndicatorRecord, _record_from_mapping
from kg.spark import get_spark

if TYPE_CHECKING:
    import pyarrow as pa
    from pyspark.sql import Column, DataFrame, SparkSession

SEP = "\x1f"
"""Joins the four canonical grades of a ladder into one string column (its group key)."""

RECORDS_PER_TASK = 50_000
"""Clustered records per finishing task (at least one task per core)."""


@dataclass
class SparkDuplicates:
    """Ranked clusters (ids 1, 2, … as locally), reused ladders, copied-block clusters and
    what each layer found."""

    clusters: list[Cluster]
    stats: dict[str, Any] = field(default_factory=dict)
    reused_ladders: list[ReusedLadder] = field(default_factory=list)
    block_clusters: list[BlockCluster] = field(default_factory=list)
    block_edges: list[tuple[str, str, int, float]] = field(default_factory=list, repr=False)

    def assignments(self) -> dict[str, int]:
        """``{record id: cluster id}`` for the clustered records."""
        return {member: c.id for c in self.clusters for member in c.members}


# --- records ------------------------------------------------------------------------------------


def _record(row: dict[str, Any]) -> IndicatorRecord:
    """A Parquet row (``kg duplicates --input`` fields) as a record; the NLP stage's ladder
    issues (Spark ingest writes them) go where the detector reads them."""
    record = _record_from_mapping(row, "<parquet>", 0)
    issues = row.get("ladder_issues")
    return replace(record, extra={"ladder_issues": list(issues)}) if issues else record


def _text(name: str) -> Column:
    from pyspark.sql import functions as F

    return F.coalesce(F.col(name).cast("string"), F.lit(""))


def _indexed(records: DataFrame) -> DataFrame:
    """The records with ``idx`` (increasing in read order: the local detector's order) and
    the columns every layer reads, nulls read as the local reader reads them."""
    from pyspark.sql import functions as F

    issues = (
        F.col("ladder_issues")
        if "ladder_issues" in records.columns
        else F.lit(None).cast("array<string>")
    )
    return records.select(
        F.monotonically_increasing_id().alias("idx"),
        "*",
        F.concat_ws(SEP, F.transform("grades", lambda g: F.coalesce(g, F.lit("")))).alias("gkey"),
        _text("sub_id").alias("sub"),
        F.coalesce(F.col("pos").cast("int"), F.lit(0)).alias("at"),
        _text("department").alias("dept"),
        _text("source").alias("src"),
        F.coalesce(F.col("text").cast("string"), F.lit("")).alias("name"),
        F.array_intersect(
            F.coalesce(issues, F.array().cast("array<string>")),
            F.array(*[F.lit(issue) for issue in sorted(INVALID_ISSUES)]),
        ).alias("invalid"),
    )


# --- Python on Arrow batches --------------------------------------------------------------------


_ARROW_TYPES = {
    "string": "string", "long": "int64", "int": "int32", "double": "float64",
    "boolean": "bool_", "binary": "binary",
}  # fmt: skip


@lru_cache(maxsize=16)
def _arrow_schema(ddl: str) -> pa.Schema:
    """The Arrow schema of a flat Spark DDL (the types above and arrays of them): parsed
    here because an executor's Python has no Spark session to parse DDL with."""
    import pyarrow as pa

    def arrow(kind: str) -> pa.DataType:
        if kind.startswith("array<"):
            return pa.list_(arrow(kind[6:-1]))
        return getattr(pa, _ARROW_TYPES[kind])()

    return pa.schema([(name, arrow(kind)) for name, kind in (f.split() for f in ddl.split(", "))])


def _batches(schema: str, rows: dict[str, list]) -> pa.RecordBatch:
    """One Arrow batch of the columns ``rows`` with the Spark schema ``schema`` (DDL)."""
    import pyarrow as pa

    arrow = _arrow_schema(schema)
    return pa.RecordBatch.from_arrays(
        [pa.array(rows[f.name], type=f.type) for f in arrow], schema=arrow
    )


NORMAL_DDL = "key string, lkey string, eligible boolean, standard boolean"


def _normaliser(std: StandardLadders, passed: list[str]):
    """N1–N4 and canonical ladders of a partition's records, each distinct name and row of
    grades of a batch once (column-wise, line-local: batches change nothing); the record
    columns ``passed`` go through as they are (Arrow, no copy)."""

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        import pyarrow as pa

        key_of: dict[str, str] = {}
        ladder_of: dict[str, tuple[str, bool, bool]] = {}
        for batch in batches:
            names = batch.column("name").to_pylist()
            new = list({n: None for n in names if n not in key_of})
            key_of.update(zip(new, surface_and_name_keys(new)[1], strict=True))
            gkeys = batch.column("gkey").to_pylist()
            new = list({g: None for g in gkeys if g not in ladder_of})
            for gkey, lad in zip(
                new, canonical_ladders([tuple(g.split(SEP)) for g in new]), strict=True
            ):
                # a single value is no ladder: weak evidence like a standard ladder
                standard = lad in std or sum(1 for band in lad if band) <= 1
                ladder_of[gkey] = (SEP.join(lad), not is_placeholder_ladder(lad), standard)
            keys = [key_of[n] for n in names]
            ladders = [ladder_of[g] for g in gkeys]
            computed = _batches(
                NORMAL_DDL,
                {
                    "key": keys,
                    "lkey": [lad[0] for lad in ladders],
                    "eligible": [bool(k) and lad[1] for k, lad in zip(keys, ladders, strict=True)],
                    "standard": [lad[2] for lad in ladders],
                },
            )
            yield pa.RecordBatch.from_arrays(
                [batch.column(name) for name in passed] + computed.columns,
                names=passed + computed.schema.names,
            )
            if len(key_of) > 1_000_000:
                key_of.clear()
            if len(ladder_of) > 1_000_000:
                ladder_of.clear()

    return run


BLOCKS_DDL = "block string, gid long, key string"


def _near_blocks(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """``(block, gid, key)`` for name groups of 4+ characters (the local near blocks)."""
    for batch in batches:
        gids, keys = batch.column("gid").to_pylist(), batch.column("key").to_pylist()
        lkeys = batch.column("lkey").to_pylist()
        out: dict[str, list] = {"block": [], "gid": [], "key": []}
        for gid, key, lkey, mask in zip(gids, keys, lkeys, _masked_keys(keys), strict=True):
            for block in near_block_keys(key, mask, lkey):
                out["block"].append(repr(block))
                out["gid"].append(gid)
                out["key"].append(key)
        yield _batches(BLOCKS_DDL, out)


LINKS_DDL = "a long, b long, kind string"


def _near_links(max_bucket: int):
    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        """Verified ``(a, b, kind)`` pairs of each near block, as ``_near_edges`` finds them."""
        for batch in batches:
            out: dict[str, list] = {"a": [], "b": [], "kind": []}
            for members in batch.column("members").to_pylist():
                ordered = sorted((m["gid"], m["key"]) for m in members)  # group order
                keys = [key for _gid, key in ordered]
                for i, j in _pairs_in_bucket(keys, max_bucket, {"minhash_blocks": 0}):
                    kind = near_kind(keys[i], keys[j])
                    if kind:
                        out["a"].append(ordered[i][0])
                        out["b"].append(ordered[j][0])
                        out["kind"].append(kind)
            yield _batches(LINKS_DDL, out)

    return run


def _probable_links(max_bucket: int):
    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        """``(a, b, "probable")`` among the name groups of one name key (``_probable_edges``)."""
        for batch in batches:
            out: dict[str, list] = {"a": [], "b": [], "kind": []}
            for key, groups in zip(
                batch.column("key").to_pylist(), batch.column("groups").to_pylist(), strict=True
            ):
                ordered = sorted(groups, key=lambda g: g["gid"])  # group order
                ladders = [tuple(g["lkey"].split(SEP)) for g in ordered]
                edges = _probable_edges(
                    [key] * len(ordered),
                    np.arange(len(ordered)),
                    ladders,
                    [g["standard"] for g in ordered],
                    lambda i, ordered=ordered: set(ordered[i]["subs"]),
                    max_bucket,
                )
                for a, b in edges:
                    out["a"].append(ordered[a]["gid"])
                    out["b"].append(ordered[b]["gid"])
                    out["kind"].append("probable")
            yield _batches(LINKS_DDL, out)

    return run


FINISHED_DDL = (
    "first long, confidence_rank int, score double, size int, first_id string, "
    "blob binary, members array<string>, member_idx array<long>, kind string, "
    "confidence string, template string, departments array<string>, "
    "documents array<string>, flags array<string>, related_ladders array<string>"
)

RECORD_COLUMNS = (
    "id", "department", "activity", "sub_activity", "sub_id", "pos", "content", "text",
    "grades", "source", "line", "ladder_issues",
)  # fmt: skip


def _finish(std: StandardLadders, options: dict[str, Any]):
    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        """The clusters of the whole components in this partition: :func:`detect` on their
        records (in input order) with the corpus-wide block pairs between them given."""
        rows: list[dict[str, Any]] = []
        edges: dict[tuple, tuple[str, str, int, float]] = {}
        for batch in batches:
            for row in batch.to_pylist():
                if row["edge_sub"] is None:
                    rows.append(row)
                else:
                    order = (row["edge_first"], row["edge_other"])
                    shared, total = row["edge_shared"], row["edge_total"]
                    edges[order] = (
                        row["edge_sub"], row["edge_other"], shared, round(shared / total, 3)
                    )  # fmt: skip
        if not rows:
            return
        rows.sort(key=lambda r: r["idx"])
        recs = [_record({name: row.get(name) for name in RECORD_COLUMNS}) for row in rows]
        index_of = {row["id"]: row["idx"] for row in rows}
        ineligible = {row["id"] for row in rows if row["gid"] is None}
        ladder_first = {row["lkey"]: row["lfirst"] for row in rows}
        block_edges = [edges[order] for order in sorted(edges)]
        result = detect(recs, standard_ladders=std, block_edges=block_edges, **options)
        for cluster in result.clusters:  # in the corpus's order of ladders, as locally
            cluster.ladders.sort(key=lambda ladder: ladder_first[SEP.join(ladder)])
        out: dict[str, list] = {name: [] for name in FINISHED_DDL_NAMES}
        for cluster in result.clusters:
            empty_family = cluster.members[0] in ineligible
            out["first"].append(index_of[cluster.members[0]])
            out["confidence_rank"].append(cluster.confidence_rank)
            out["score"].append(cluster.score)
            out["size"].append(len(cluster.members))
            out["first_id"].append(cluster.members[0])
            out["blob"].append(pickle.dumps(cluster, protocol=pickle.HIGHEST_PROTOCOL))
            out["members"].append(cluster.members)
            out["member_idx"].append([index_of[m] for m in cluster.members])
            for name in ("kind", "confidence", "template", "departments", "documents", "flags"):
                out[name].append(getattr(cluster, name))
            out["related_ladders"].append(
                []
                if empty_family
                else [
                    SEP.join(lad)
                    for lad in cluster.ladders
                    if not (lad in std or sum(1 for b in lad if b) <= 1)
                ]
            )
        yield _batches(FINISHED_DDL, out)

    return run


FINISHED_DDL_NAMES = [part.split()[0] for part in FINISHED_DDL.split(", ")]

REUSED_DDL = "lkey string, issues array<string>"


def _reused_issues(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """The invalid-ladder issues of a reused ladder: its users' recorded issues, and
    :func:`low_rate_floor` on each (name key, ladder)."""
    for batch in batches:
        lkeys = batch.column("lkey").to_pylist()
        out: dict[str, list] = {"lkey": lkeys, "issues": []}
        for lkey, keys, issues in zip(
            lkeys, batch.column("keys").to_pylist(), batch.column("invalid").to_pylist(),
            strict=True,
        ):  # fmt: skip
            found = set(issues)
            ladder = tuple(lkey.split(SEP))
            if any(low_rate_floor(key, ladder) for key in keys):
                found.add("low_rate_floor")
            out["issues"].append(sorted(found))
        yield _batches(REUSED_DDL, out)


# --- components ----------------------------------------------------------------------------------


def connected_components(edges: DataFrame) -> tuple[DataFrame, int]:
    """``(node, comp)`` for every node on an edge (columns ``a``, ``b``: longs), ``comp``
    the least node of its component, by alternating large-star and small-star rounds
    (Kiveris et al. 2014, O(log² n) rounds) on DataFrames until every component is a star
    on its least node; and the number of rounds. Every round is a few joins and
    aggregations, no collect."""
    from pyspark.sql import functions as F

    current = (
        edges.select(F.greatest("a", "b").alias("u"), F.least("a", "b").alias("v"))
        .where("u != v")
        .distinct()
        .localCheckpoint()
    )
    loops = edges.where("a = b").select(F.col("a").alias("node"), F.col("a").alias("comp"))
    rounds = 0
    while True:
        rounds += 1
        both = current.select(F.col("u").alias("n"), F.col("v").alias("m")).unionByName(
            current.select(F.col("v").alias("n"), F.col("u").alias("m"))
        )
        least = both.groupBy("n").agg(F.least(F.min("m"), F.first("n")).alias("low"))
        large = (
            both.where("m > n")
            .join(least, "n")
            .select(F.col("m").alias("u"), F.col("low").alias("v"))
        )  # every neighbour above a node hangs on the least of its neighbourhood
        low = large.groupBy("u").agg(F.min("v").alias("low"))
        small = (
            large.join(low, "u")
            .select(F.col("v").alias("u"), "low")
            .unionByName(low)
            .where("u != low")
            .select("u", F.col("low").alias("v"))
            .distinct()
            .localCheckpoint()
        )  # a node and every smaller neighbour hang on the least of them
        current = small
        # done when the edges are stars on their least node: no leaf with two centres and
        # no centre that is a leaf (then another round changes nothing)
        split = current.groupBy("u").agg(F.count(F.lit(1)).alias("k")).where("k > 1")
        chained = current.select(F.col("v").alias("u")).join(current.select("u"), "u", "left_semi")
        if not split.select("u").unionByName(chained).limit(1).count():
            break
    labels = current.select(F.col("u").alias("node"), F.col("v").alias("comp")).unionByName(
        current.select(F.col("v").alias("node"), F.col("v").alias("comp"))
    )
    return labels.unionByName(loops).groupBy("node").agg(F.min("comp").alias("comp")), rounds


# --- the layers -----------------------------------------------------------------------------------


def rank_key(cluster: Cluster) -> tuple:
    """The local ranking: confidence first, then score, size and first member."""
    return (-cluster.confidence_rank, -cluster.score, -len(cluster.members), cluster.members[0])


@dataclass
class _Frames:
    """The Spark result: DataFrames of the findings, ranked and numbered as locally."""

    clusters: DataFrame  # cluster, blob, related … (one row per cluster)
    assignments: DataFrame  # id, cluster
    reused: DataFrame  # reused, lkey, members, units, departments, documents, …
    blocks: DataFrame  # block, sub_ids, departments, shared_items, min_jaccard
    block_edges: DataFrame  # sub, other, shared, total, first (local order: first, other)
    stats: dict[str, Any]


def cluster_frames(
    records: DataFrame,
    *,
    standard_ladders: Any = None,
    block_min_shared: int = 2,
    block_min_jaccard: float = 0.5,
    max_bucket: int = 3000,
    split_bridges: bool = True,
    max_extra_evidence: int = MAX_EXTRA_EVIDENCE,
    partitions: int | None = None,
) -> _Frames:
    """The findings of :func:`detect` on ``records`` (rows with the ``--input`` fields, in
    input order) as DataFrames, and the per-layer counts (each one Spark action).
    ``partitions``: finishing tasks (default: one per 50,000 clustered records, at least one
    per core)."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F
    from pyspark.sql.types import StructType

    spark = records.sparkSession
    cores = spark.sparkContext.defaultParallelism
    std = load_standard_ladders(standard_ladders)
    stats: dict[str, Any] = {}
    t_min, t = block_min_shared, block_min_jaccard

    laps: dict[str, float] = {}
    clock = [time.perf_counter()]

    def lap(layer: str) -> None:
        now = time.perf_counter()
        laps[layer] = round(now - clock[0], 2)
        clock[0] = now

    # normalise in Python, a partition at a time (Arrow batches); records keep their columns
    raw = _indexed(records)
    if raw.rdd.getNumPartitions() < cores:  # one Parquet file: spread the Python work
        raw = raw.repartition(cores)
    schema = StructType(raw.schema.fields + StructType.fromDDL(NORMAL_DDL).fields)
    norm = raw.mapInArrow(_normaliser(std, raw.columns), schema).localCheckpoint()
    raw = norm
    stats["records"] = norm.count()
    # exact: name groups; the id of a group is the index of its first record
    window = Window.partitionBy("key", "lkey")
    grouped = (
        norm.where("eligible")
        .withColumn("gid", F.min("idx").over(window))
        .withColumn("gsize", F.count(F.lit(1)).over(window))
        .localCheckpoint()
    )
    groups = grouped.where("idx = gid").select("gid", "key", "lkey", "standard", "gsize")
    stats["name_groups"] = groups.count()
    lap("normalise")

    # near: edit and slot pairs inside the corpus-wide blocks
    blocks = (
        groups.where(F.length("key") >= 4)
        .select("gid", "key", "lkey")
        .mapInArrow(_near_blocks, BLOCKS_DDL)
        .groupBy("block")
        .agg(F.count(F.lit(1)).alias("n"), F.collect_list(F.struct("gid", "key")).alias("members"))
        .where("n > 1")
        .localCheckpoint()
    )
    stats["minhash_blocks"] = blocks.where(F.col("n") > max_bucket).count()
    near = blocks.select("members").mapInArrow(_near_links(max_bucket), LINKS_DDL)

    # probable: same name key, one band edited
    multi = groups.groupBy("key").agg(F.count(F.lit(1)).alias("n")).where("n > 1").select("key")
    candidates = groups.join(multi, "key")  # only name keys of two or more name groups
    subs = (
        grouped.join(candidates.select("gid"), "gid")
        .groupBy("gid")
        .agg(F.collect_set("sub").alias("subs"))
    )
    probable = (
        candidates.join(subs, "gid")
        .groupBy("key")
        .agg(F.collect_list(F.struct("gid", "lkey", "standard", "subs")).alias("groups"))
        .mapInArrow(_probable_links(max_bucket), LINKS_DDL)
    )
    links = (
        near.unionByName(probable)
        .groupBy("a", "b")
        .agg(
            F.max(F.when(F.col("kind") != "probable", 1).otherwise(0)).alias("near"),
            F.max(F.when(F.col("kind") == "probable", 1).otherwise(0)).alias("probable"),
        )
        .localCheckpoint()
    )
    counts = links.agg(F.sum("near"), F.sum("probable")).first()
    stats["near_edges"], stats["probable_edges"] = counts[0] or 0, counts[1] or 0
    lap("near")

    # block: the local prefix filter as a join, verified by counting shared items
    items = (
        grouped.where("sub != ''")
        .groupBy("sub", "gid")
        .agg(F.min("idx").alias("first"), F.first("key").alias("key"))
    )
    frequency = items.groupBy("gid").agg(F.count(F.lit(1)).alias("freq"))
    sizes = items.groupBy("sub").agg(
        F.count(F.lit(1)).alias("size"), F.min("first").alias("sub_first")
    )
    items = items.join(frequency, "gid").join(sizes, "sub").localCheckpoint()
    rarest = Window.partitionBy("sub").orderBy("freq", "key", "first")
    prefix = (
        items.where(F.col("size") >= t_min)
        .withColumn("rank", F.row_number().over(rarest))
        .where(F.col("rank") <= F.col("size") - F.ceil(F.lit(t) * F.col("size")) + 1)
        .select("sub", "gid")
    )
    pairs = (
        prefix.alias("x")
        .join(prefix.alias("y"), "gid")
        .where("x.sub < y.sub")
        .select(F.col("x.sub").alias("s1"), F.col("y.sub").alias("s2"))
        .distinct()
    )
    mine = items.select(F.col("sub").alias("s1"), "gid")
    theirs = items.select(F.col("sub").alias("s2"), "gid")
    size_of = sizes.select("sub", "size", "sub_first")
    verified = (
        pairs.join(mine, "s1")
        .join(theirs, ["s2", "gid"])
        .groupBy("s1", "s2")
        .agg(F.count(F.lit(1)).alias("shared"))
        .join(size_of.toDF("s1", "n1", "f1"), "s1")
        .join(size_of.toDF("s2", "n2", "f2"), "s2")
        .withColumn("total", F.col("n1") + F.col("n2") - F.col("shared"))
        .where((F.col("shared") >= t_min) & (F.col("shared") / F.col("total") >= F.lit(t)))
    )
    later = F.col("f1") > F.col("f2")  # locally the later sub-activity finds the earlier one
    block_edges = verified.select(
        F.when(later, F.col("s1")).otherwise(F.col("s2")).alias("sub"),
        F.when(later, F.col("s2")).otherwise(F.col("s1")).alias("other"),
        "shared",
        "total",
        F.greatest("f1", "f2").alias("first"),
        F.least("f1", "f2").alias("other_first"),
    ).localCheckpoint()
    stats["block_edges"] = block_edges.count()
    lap("block")

    # empty-ladder rows at one position of two copied blocks
    empty = (
        norm.where("NOT eligible AND key != '' AND sub != ''")
        .groupBy("sub", "at", "key")
        .agg(F.min("idx").alias("i"))
    )
    empty_links = (
        block_edges.select("sub", "other")
        .join(empty, "sub")
        .join(
            empty.select(F.col("sub").alias("other"), "at", "key", F.col("i").alias("j")),
            ["other", "at", "key"],
        )
        .select(F.col("i").alias("a"), F.col("j").alias("b"))
    )

    # components of the group graph (groups are nodes; their records hang on them)
    labels, rounds = connected_components(links.select("a", "b").unionByName(empty_links))
    labels = labels.localCheckpoint()
    stats["component_rounds"] = rounds
    member_comp = (
        grouped.select("idx", "gid", "gsize")
        .join(labels.withColumnRenamed("node", "gid"), "gid", "left")
        .where("comp IS NOT NULL OR gsize > 1")
        .select("idx", "gid", F.coalesce("comp", "gid").alias("comp"))
        .unionByName(
            labels.join(
                norm.where("NOT eligible").select(F.col("idx").alias("node")), "node"
            ).select(F.col("node").alias("idx"), F.lit(None).cast("long").alias("gid"), "comp")
        )
        .localCheckpoint()
    )
    sizes_of = member_comp.groupBy("comp").agg(F.count(F.lit(1)).alias("n"))
    summary = sizes_of.agg(F.count(F.lit(1)), F.max("n"), F.sum("n")).first()
    stats["components"] = summary[0]
    stats["largest_component"] = summary[1] or 0
    lap("components")
    clustered = summary[2] or 0
    parts = partitions or max(cores, math.ceil(clustered / RECORDS_PER_TASK))

    # finishing: whole components per partition, with the block pairs between them
    part = F.pmod(F.hash("comp"), F.lit(parts))
    ladder_first = raw.groupBy("lkey").agg(F.min("idx").alias("lfirst"))
    members = member_comp.join(raw, "idx").join(ladder_first, "lkey").withColumn("part", part)
    sub_part = (
        members.where("sub != ''").groupBy("sub", "part").agg(F.min("comp").alias("comp"))
    )  # any component of the partition routes the edge there
    edge_rows = (
        block_edges.join(sub_part, "sub")
        .join(sub_part.select(F.col("sub").alias("other"), "part"), ["other", "part"])
        .select(
            "comp",
            F.col("sub").alias("edge_sub"),
            F.col("other").alias("edge_other"),
            F.col("shared").alias("edge_shared"),
            F.col("total").alias("edge_total"),
            F.col("first").alias("edge_first"),
        )
    )
    columns = [c for c in RECORD_COLUMNS if c in records.columns]
    finished = (
        members.select("idx", "gid", "comp", "lkey", "lfirst", *columns)
        .unionByName(edge_rows, allowMissingColumns=True)
        .repartition(parts, "comp")
        .mapInArrow(
            _finish(
                std,
                {
                    "block_min_shared": block_min_shared,
                    "block_min_jaccard": block_min_jaccard,
                    "max_bucket": max_bucket,
                    "split_bridges": split_bridges,
                    "max_extra_evidence": max_extra_evidence,
                },
            ),
            FINISHED_DDL,
        )
        .localCheckpoint()
    )
    stats["clusters"] = finished.count()
    lap("finish")
    ranking = Window.orderBy(
        F.desc("confidence_rank"), F.desc("score"), F.desc("size"), F.asc("first_id")
    )
    numbers = finished.select("first", F.row_number().over(ranking).cast("long").alias("cluster"))
    assigned = (
        finished.select("first", F.explode(F.arrays_zip("members", "member_idx")).alias("m"))
        .join(numbers, "first")
        .select(F.col("m.members").alias("id"), F.col("m.member_idx").alias("idx"), "cluster")
        .localCheckpoint()
    )
    lap("rank")

    # related: left-over records (a group of one, no link) on a cluster's distinctive ladders
    linked = labels.select(F.col("node").alias("gid"))
    leftovers = (
        groups.where("gsize = 1 AND NOT standard")
        .join(linked, "gid", "left_anti")
        .join(raw.select(F.col("idx").alias("gid"), "id"), "gid")
        .select("lkey", "id")
    )
    related = (
        finished.select("first", F.explode("related_ladders").alias("lkey"))
        .distinct()
        .join(leftovers, "lkey")
        .groupBy("first")
        .agg(F.array_sort(F.collect_set("id")).alias("related"))
    )
    clusters = (
        finished.join(numbers, "first")
        .join(related, "first", "left")
        .withColumn("related", F.coalesce("related", F.array().cast("array<string>")))
        .drop("related_ladders")
    )

    # reused ladders: distinctive ladders of two or more unrelated indicators
    users = (
        grouped.where("NOT standard")
        .join(assigned.select("idx", "cluster"), "idx", "left")
        .groupBy("lkey")
        .agg(
            F.count(F.lit(1)).alias("n"),
            (
                F.countDistinct("cluster")
                + F.sum(F.when(F.col("cluster").isNull(), 1).otherwise(0))
            ).alias("units"),
            F.array_sort(F.collect_list(F.struct("idx", "id"))).alias("users"),
            F.array_sort(F.collect_set("dept")).alias("departments"),
            F.array_sort(F.collect_set(F.when(F.col("src") != "", F.col("src")))).alias(
                "documents"
            ),
            F.array_sort(F.collect_set("cluster")).alias("clusters"),
            F.collect_set("key").alias("keys"),
            F.array_distinct(F.flatten(F.collect_list("invalid"))).alias("invalid"),
        )
        .where("n > 1 AND units > 1")
    )
    reused = users.join(
        users.select("lkey", "keys", "invalid").mapInArrow(_reused_issues, REUSED_DDL), "lkey"
    ).select(
        "lkey",
        F.transform("users", lambda u: u["id"]).alias("members"),
        "units",
        "departments",
        "documents",
        (F.size("issues") > 0).alias("defective"),
        F.col("issues").alias("ladder_issues"),
        "clusters",
    )
    reused = reused.withColumn(
        "reused",
        F.row_number().over(
            Window.orderBy(
                F.desc("defective"),
                F.desc("units"),
                F.desc(F.size("departments")),
                F.desc(F.size("members")),
                F.col("members")[0],
            )
        ),
    )

    # copied-block clusters: components of the block pairs, on each sub-activity's first record
    sub_labels, _rounds = connected_components(
        block_edges.select(F.col("first").alias("a"), F.col("other_first").alias("b"))
    )
    department = (
        raw.where("sub != ''").groupBy("sub").agg(F.max_by("dept", "idx").alias("dept"))
    )  # the last record's department, as locally
    sub_nodes = (
        sizes.select("sub", F.col("sub_first").alias("node"))
        .join(sub_labels, "node")
        .join(department, "sub")
    )
    edge_comp = block_edges.join(sub_labels.withColumnRenamed("node", "first"), "first")
    blocks_found = (
        sub_nodes.groupBy("comp")
        .agg(
            F.array_sort(F.collect_list("sub")).alias("sub_ids"),
            F.array_sort(F.collect_set("dept")).alias("departments"),
        )
        .join(
            edge_comp.groupBy("comp").agg(
                F.max("shared").alias("shared_items"),
                F.min(F.col("shared") / F.col("total")).alias("min_jaccard"),
            ),
            "comp",
        )
    )
    blocks_found = blocks_found.withColumn(
        "block",
        F.row_number().over(
            Window.orderBy(
                F.desc(F.size("departments")), F.desc(F.size("sub_ids")), F.col("sub_ids")[0]
            )
        ),
    ).drop("comp")
    stats["layer_seconds"] = laps
    return _Frames(
        clusters=clusters,
        assignments=assigned.select("id", "cluster"),
        reused=reused,
        blocks=blocks_found,
        block_edges=block_edges.select("sub", "other", "shared", "total", "first"),
        stats=stats,
    )


def spark_detect(
    records: DataFrame | str, spark: SparkSession | None = None, **options: Any
) -> SparkDuplicates:
    """Every finding of :func:`detect` on ``records`` (a DataFrame or a Parquet path),
    collected on the driver, for reports and tests; ``options`` as :func:`cluster_frames`."""
    started = time.perf_counter()
    if isinstance(records, str):
        records = (spark or get_spark()).read.parquet(records)
    frames = cluster_frames(records, **options)
    clusters = []
    for row in frames.clusters.select("cluster", "blob", "related").orderBy("cluster").collect():
        cluster = pickle.loads(row.blob)
        cluster.id, cluster.related = row.cluster, list(row.related)
        clusters.append(cluster)
    reused = [
        ReusedLadder(
            id=row.reused,
            ladder=tuple(row.lkey.split(SEP)),
            members=list(row.members),
            units=row.units,
            departments=list(row.departments),
            documents=list(row.documents),
            defective=row.defective,
            ladder_issues=list(row.ladder_issues),
            clusters=list(row.clusters),
        )
        for row in frames.reused.orderBy("reused").collect()
    ]
    blocks = [
        BlockCluster(
            id=row.block,
            sub_ids=list(row.sub_ids),
            departments=list(row.departments),
            shared_items=row.shared_items,
            min_jaccard=round(row.min_jaccard, 3),
        )
        for row in frames.blocks.orderBy("block").collect()
    ]
    edges = [
        (row.sub, row.other, row.shared, round(row.shared / row.total, 3))
        for row in frames.block_edges.orderBy("first", "other").collect()
    ]
    stats = frames.stats
    stats["clusters"] = len(clusters)
    stats["clustered_records"] = sum(len(c.members) for c in clusters)
    stats["reused_ladders"] = len(reused)
    stats["block_clusters"] = len(blocks)
    stats["seconds"] = round(time.perf_counter() - started, 3)
    return SparkDuplicates(clusters, stats, reused, blocks, edges)


def spark_result(path: str, spark: SparkSession | None = None, **options: Any) -> DuplicateResult:
    """``kg duplicates --engine spark --input PARQUET``: the findings made on Spark, with the
    records collected on the driver for the report (for corpora too large for that, run
    :func:`main` under ``spark-submit``, which writes Parquet)."""
    records = (spark or get_spark()).read.parquet(path)
    found = spark_detect(records, **options)
    rows = records.toArrow().to_pylist() if hasattr(records, "toArrow") else None
    if rows is None:
        rows = [row.asDict() for row in records.collect()]
    recs = [_record(row) for row in rows]
    return DuplicateResult(
        recs, found.clusters, found.block_clusters, found.stats, found.block_edges,
        found.reused_ladders,
    )  # fmt: skip


def write_clusters(records: DataFrame, out: str, **options: Any) -> dict[str, Any]:
    """Write, as Parquet and without collecting the findings: ``out/clusters`` (one row per
    cluster), ``out/assignments`` (id, cluster), ``out/reused_ladders`` and
    ``out/blocks`` (sub_id, block); the per-layer counts."""
    from pyspark.sql import functions as F

    frames = cluster_frames(records, **options)
    clusters = frames.clusters.select(
        "cluster", "kind", "confidence", "score", "template", "members", "departments",
        "documents", "flags", "related",
    )  # fmt: skip
    clusters.write.mode("overwrite").parquet(f"{out}/clusters")
    frames.assignments.write.mode("overwrite").parquet(f"{out}/assignments")
    frames.reused.select(
        F.col("reused").alias("id"),
        F.split("lkey", SEP).alias("ladder"),
        "members", "units", "departments", "documents", "defective", "ladder_issues", "clusters",
    ).write.mode("overwrite").parquet(f"{out}/reused_ladders")  # fmt: skip
    frames.blocks.select(F.explode("sub_ids").alias("sub_id"), "block").write.mode(
        "overwrite"
    ).parquet(f"{out}/blocks")
    stats = frames.stats
    return stats


def main(argv: list[str] | None = None) -> None:
    """``spark-submit …/kg/duplicates/spark.py RECORDS --out DIR``: the findings as Parquet."""
    parser = argparse.ArgumentParser(description="pikg copy detection on Spark")
    parser.add_argument("records", help="indicator records Parquet (kg ingest --engine spark)")
    parser.add_argument("--out", required=True, help="output folder (any Spark URI)")
    parser.add_argument("--master", help="Spark master when not run by spark-submit")
    args = parser.parse_args(argv)
    spark = get_spark(args.master, app_name="pikg-duplicates")
    stats = write_clusters(spark.read.parquet(args.records), args.out)
    print(" ".join(f"{key}={value}" for key, value in stats.items()))


if __name__ == "__main__":
    # Run as a file (spark-submit …/kg/duplicates/spark.py) or with -m: call the imported
    # module, so what executors receive refers to kg.duplicates.spark by name, not to __main__.
    from kg.duplicates.spark import main as imported_main

    imported_main()
