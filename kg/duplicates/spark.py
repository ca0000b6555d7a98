"""Copy detection on Apache Spark: the layers of :mod:`kg.duplicates.detect` as Spark jobs.

Every evidence link the local detector draws joins two records that share a key, so each
layer is a ``groupBy`` on that key with the detector's own functions inside the group:

* **normalise** (N1–N4 names, canonical ladders) per partition, with
  :func:`~kg.duplicates.rules.surface_and_name_keys` and
  :func:`~kg.duplicates.rules.canonical_ladders` (both work value by value);
* **exact**: name groups = ``groupBy (name key, ladder)``; a group's id is its first record;
* **near**: ``groupBy`` on the blocks of :func:`~kg.duplicates.detect.near_block_keys`; each
  block is the whole corpus's block, so the MinHash switch (``max_bucket``) sees the same
  size as locally, and pairs are verified by :func:`~kg.duplicates.detect.near_kind`;
* **probable**: ``groupBy`` name key, verified by the detector's ``_probable_edges``;
* **block**: exact set-similarity join by prefix filtering (item frequencies from an
  aggregation), verified on the full item sets; empty-ladder rows of copied blocks are a
  join on (sub-activity, position, name key);
* **components** of the record graph (group stars, near/probable links, empty-row links) by
  the iterative large-star/small-star algorithm on RDDs (no GraphFrames, no collect);
* **finishing** per component in the executors: :func:`~kg.duplicates.detect.detect` on the
  component's records with the corpus-wide block pairs given (``block_edges``), which does
  the bridge check, evidence, template, score and confidence exactly as locally; clusters are
  then ranked with a distributed sort.

Not done on Spark: reused ladders (``ReusedLadder``) and a cluster's ``related`` left-overs,
which need a join of every cluster with every record on its ladder (empty in the result).

From ``spark-submit``::

    spark-submit --master yarn ... -m kg.duplicates.spark hdfs:///pikg/records --out hdfs:///dups
"""

from __future__ import annotations

import argparse
import math
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from itertools import combinations
from typing import TYPE_CHECKING, Any

import numpy as np

from kg.duplicates.detect import (
    MAX_EXTRA_EVIDENCE,
    Cluster,
    DuplicateResult,
    _masked_keys,
    _pairs_in_bucket,
    _probable_edges,
    detect,
    near_block_keys,
    near_kind,
)
from kg.duplicates.rules import (
    StandardLadders,
    canonical_ladders,
    is_placeholder_ladder,
    load_standard_ladders,
    surface_and_name_keys,
)
from kg.records.indicators import IndicatorRecord, _record_from_mapping
from kg.spark import get_spark

if TYPE_CHECKING:
    from pyspark import RDD
    from pyspark.sql import DataFrame, SparkSession

BlockEdge = tuple[str, str, int, float]


@dataclass
class SparkDuplicates:
    """Ranked clusters (ids 1, 2, … as locally) and what each layer found."""

    clusters: list[Cluster]
    stats: dict[str, Any] = field(default_factory=dict)

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


def _normalise(rows: Iterable[tuple[IndicatorRecord, int]], std: StandardLadders) -> Iterator:
    """``(idx, record, name key, ladder, eligible, standard)`` for a partition of records."""
    batch = list(rows)
    if not batch:
        return
    _surface, keys = surface_and_name_keys([r.text for r, _ in batch])
    ladders = canonical_ladders([tuple(r.grades) for r, _ in batch])
    for (record, idx), key, ladder in zip(batch, keys, ladders, strict=True):
        eligible = bool(key) and not is_placeholder_ladder(ladder)
        standard = ladder in std or sum(1 for band in ladder if band) <= 1
        yield idx, record, key, ladder, eligible, standard


# --- components ----------------------------------------------------------------------------------


def _large_star(item: tuple[int, Iterable[int]]) -> Iterator[tuple[int, int]]:
    node, neighbours = item
    around = set(neighbours)
    least = min(min(around), node)
    return ((v, least) for v in around if v > node)


def _small_star(item: tuple[int, Iterable[int]]) -> Iterator[tuple[int, int]]:
    node, smaller = item
    around = set(smaller) | {node}
    least = min(around)
    return ((v, least) for v in around if v != least)


def connected_components(edges: RDD, parts: int) -> tuple[RDD, int]:
    """``(node, least node of its component)`` for every node on an edge, by alternating
    large-star and small-star rounds (Kiveris et al. 2014) until the edge set stops changing
    (O(log² n) rounds); and the number of rounds. Every round is two shuffles, no collect;
    every shuffle has ``parts`` partitions."""
    current = edges.filter(lambda e: e[0] != e[1]).map(lambda e: (max(e), min(e))).distinct(parts)
    current = current.persist()
    loops = edges.filter(lambda e: e[0] == e[1]).distinct(parts)  # a node with only a self-loop
    rounds = 0
    while True:
        rounds += 1
        large = (
            current.flatMap(lambda e: (e, (e[1], e[0])))
            .groupByKey(parts)
            .flatMap(_large_star)
            .distinct(parts)
        )
        small = large.groupByKey(parts).flatMap(_small_star).distinct(parts).persist()
        small.localCheckpoint()
        changed = not (
            small.subtract(current, parts).isEmpty() and current.subtract(small, parts).isEmpty()
        )
        current.unpersist()
        current = small
        if not changed:
            break
    labels = current.flatMap(lambda e: (e, (e[1], e[1]))).union(loops)
    return labels.reduceByKey(min, parts), rounds


# --- the layers -----------------------------------------------------------------------------------


def _near_in_block(members: Iterable[tuple[int, str]], max_bucket: int) -> Iterator:
    """Verified ``((a, b), kind)`` pairs of one near block, as ``_near_edges`` finds them."""
    ordered = sorted(members)  # group order, as the local bucket holds them
    keys = [key for _gid, key in ordered]
    counts = {"minhash_blocks": 0}
    for i, j in _pairs_in_bucket(keys, max_bucket, counts):
        kind = near_kind(keys[i], keys[j])
        if kind:
            yield (ordered[i][0], ordered[j][0]), kind


def _probable_in_key(item: tuple[str, Iterable], max_bucket: int) -> Iterator:
    """``((a, b), "probable")`` among the name groups of one name key."""
    key, groups = item
    ordered = sorted(groups)  # (gid, ladder, standard, subs) in group order
    if len(ordered) < 2:
        return
    edges = _probable_edges(
        [key] * len(ordered),
        np.arange(len(ordered)),
        [g[1] for g in ordered],
        [g[2] for g in ordered],
        lambda i: ordered[i][3],
        max_bucket,
    )
    for a, b in edges:
        yield (ordered[a][0], ordered[b][0]), "probable"


def _masked_blocks(groups: Iterable[tuple[int, str, tuple]]) -> Iterator:
    """``(block, (gid, key))`` for a partition of name groups of 4+ characters."""
    batch = list(groups)
    masks = _masked_keys([key for _gid, key, _ladder in batch])
    for (gid, key, ladder), mask in zip(batch, masks, strict=True):
        for block in near_block_keys(key, mask, ladder):
            yield block, (gid, key)


def _prefix(item: tuple[str, Iterable[tuple[int, int]]], min_shared: int, t: float) -> Iterator:
    """``(item, sub)`` for the prefix of a sub-activity's items, rarest first: two sets with
    Jaccard ≥ t share an item in both prefixes (the local prefix filter)."""
    sub, items = item
    order = sorted(items)  # (frequency, gid)
    if len(order) < min_shared:
        return
    for _freq, gid in order[: len(order) - math.ceil(t * len(order)) + 1]:
        yield gid, sub


def _verify_block(pair, min_shared: int, t: float) -> Iterator[BlockEdge]:
    """The block pair, oriented as locally (later sub first), if it passes the rule."""
    (_s, _o), ((sub, first, mine), (other, other_first, theirs)) = pair
    shared = len(mine & theirs)
    jaccard = shared / (len(mine) + len(theirs) - shared)
    if shared >= min_shared and jaccard >= t:
        if (first, sub) < (other_first, other):
            sub, other = other, sub
        yield sub, other, shared, round(jaccard, 3)


def _finish(item, std: StandardLadders, options: dict[str, Any]) -> Iterator[Cluster]:
    """The clusters of one component: the local detector on its records, block pairs given."""
    _component, (records, edges) = item
    recs = [record for _idx, record in sorted(records, key=lambda r: r[0])]
    block_edges = [edge for _order, edge in sorted(edges)]
    result = detect(recs, standard_ladders=std, block_edges=block_edges, **options)
    yield from result.clusters


def rank_key(cluster: Cluster) -> tuple:
    """The local ranking: confidence first, then score, size and first member."""
    return (-cluster.confidence_rank, -cluster.score, -len(cluster.members), cluster.members[0])


def cluster_rdd(
    records: DataFrame,
    *,
    standard_ladders: Any = None,
    block_min_shared: int = 2,
    block_min_jaccard: float = 0.5,
    max_bucket: int = 3000,
    split_bridges: bool = True,
    max_extra_evidence: int = MAX_EXTRA_EVIDENCE,
    partitions: int | None = None,
) -> tuple[RDD, dict[str, Any]]:
    """The clusters of ``records`` (rows with the ``--input`` fields, in input order) as an
    RDD of :class:`Cluster` ranked and numbered as :func:`detect` numbers them, and the
    per-layer counts (computed on the way: each is one Spark action). Every shuffle has
    ``partitions`` partitions (default: the cluster's cores): PySpark's default would add up
    the partitions of both sides at every join."""
    sc = records.sparkSession.sparkContext
    parts = partitions or sc.defaultParallelism
    std = sc.broadcast(load_standard_ladders(standard_ladders))
    stats: dict[str, Any] = {}
    t_min, t = block_min_shared, block_min_jaccard

    rows = records.rdd.map(lambda row: _record(row.asDict())).zipWithIndex()
    normal = rows.mapPartitions(lambda part: _normalise(part, std.value)).persist()
    stats["records"] = normal.count()

    # exact: name groups; the id of a group is the index of its first record
    eligible = normal.filter(lambda r: r[4])
    groups = (
        eligible.map(lambda r: ((r[2], r[3]), (r[0], 1, r[5])))
        .reduceByKey(lambda a, b: (min(a[0], b[0]), a[1] + b[1], a[2]), parts)
        .persist()
    )  # ((key, ladder), (gid, size, standard))
    stats["name_groups"] = groups.count()
    record_group = (
        eligible.map(lambda r: ((r[2], r[3]), (r[0], r[1].sub_id)))
        .join(groups, parts)
        .map(lambda kv: (kv[1][0][0], (kv[1][1][0], kv[1][0][1])))
        .persist()
    )  # (idx, (gid, sub_id))

    # near: edit and slot pairs inside the corpus-wide blocks
    long_groups = groups.filter(lambda g: len(g[0][0]) >= 4).map(
        lambda g: (g[1][0], g[0][0], g[0][1])
    )
    blocks = long_groups.mapPartitions(_masked_blocks).groupByKey(parts)
    stats["minhash_blocks"] = blocks.filter(lambda b: len(b[1]) > max_bucket).count()
    near = blocks.flatMap(lambda b: _near_in_block(b[1], max_bucket)).distinct(parts)

    # probable: same name key, one band edited
    subs = record_group.map(lambda kv: (kv[1][0], kv[1][1])).groupByKey(parts).mapValues(set)
    by_key = (
        groups.map(lambda g: (g[1][0], (g[0][0], g[0][1], g[1][2])))
        .join(subs, parts)
        .map(lambda kv: (kv[1][0][0], (kv[0], kv[1][0][1], kv[1][0][2], kv[1][1])))
        .groupByKey(parts)
    )
    probable = by_key.flatMap(lambda item: _probable_in_key(item, max_bucket))
    name_links = (
        near.union(probable).reduceByKey(lambda a, b: a if a != "probable" else b, parts).persist()
    )
    stats["near_edges"] = name_links.filter(lambda e: e[1] != "probable").count()
    stats["probable_edges"] = name_links.count() - stats["near_edges"]

    # block: prefix-filtered candidates, verified on the whole item sets
    sub_items = (
        record_group.filter(lambda kv: bool(kv[1][1]))
        .map(lambda kv: ((kv[1][1], kv[1][0]), kv[0]))
        .reduceByKey(min, parts)
        .persist()
    )  # ((sub, gid), first idx)
    frequency = sub_items.map(lambda kv: (kv[0][1], 1)).reduceByKey(lambda a, b: a + b, parts)
    candidates = (
        sub_items.map(lambda kv: (kv[0][1], kv[0][0]))
        .join(frequency, parts)
        .map(lambda kv: (kv[1][0], (kv[1][1], kv[0])))
        .groupByKey(parts)
        .flatMap(lambda item: _prefix(item, t_min, t))
        .groupByKey(parts)
        .flatMap(lambda kv: combinations(sorted(set(kv[1])), 2))
        .distinct(parts)
    )
    sets = (
        sub_items.map(lambda kv: (kv[0][0], (kv[0][1], kv[1])))
        .groupByKey(parts)
        .map(lambda kv: (kv[0], (kv[0], min(i for _g, i in kv[1]), {g for g, _i in kv[1]})))
    )
    block_edges = (
        candidates.join(sets, parts)
        .map(lambda kv: (kv[1][0], (kv[0], kv[1][1])))
        .join(sets, parts)
        .map(lambda kv: ((kv[1][0][0], kv[0]), (kv[1][0][1], kv[1][1])))
        .flatMap(lambda pair: _verify_block(pair, t_min, t))
        .persist()
    )
    stats["block_edges"] = block_edges.count()

    # empty-ladder rows at one position of two copied blocks
    empty = (
        normal.filter(lambda r: not r[4] and r[2] and r[1].sub_id)
        .map(lambda r: ((r[1].sub_id, r[1].pos, r[2]), r[0]))
        .reduceByKey(min, parts)
    )
    empty_links = (
        block_edges.map(lambda e: (e[0], e[1]))
        .join(empty.map(lambda kv: (kv[0][0], (kv[0][1], kv[0][2], kv[1]))), parts)
        .map(lambda kv: ((kv[1][0], kv[1][1][0], kv[1][1][1]), kv[1][1][2]))
        .join(empty, parts)
        .map(lambda kv: kv[1])
    )

    # components of the record graph
    stars = record_group.map(lambda kv: (kv[0], kv[1][0])).filter(lambda e: e[0] != e[1])
    graph = stars.union(name_links.keys()).union(empty_links)
    labels, rounds = connected_components(graph, parts)
    labels = labels.persist()
    stats["components"] = labels.values().distinct(parts).count()
    stats["component_rounds"] = rounds
    sizes = labels.map(lambda kv: (kv[1], 1)).reduceByKey(lambda a, b: a + b, parts).values()
    stats["largest_component"] = sizes.max() if stats["components"] else 0

    # finishing per component, with the corpus-wide block pairs between its sub-activities
    members = labels.join(normal.map(lambda r: (r[0], r[1])), parts).map(
        lambda kv: (kv[1][0], (kv[0], kv[1][1]))
    )  # (component, (idx, record))
    sub_first = sets.map(lambda kv: (kv[0], kv[1][1]))
    sub_component = (
        members.filter(lambda m: bool(m[1][1].sub_id)).map(lambda m: (m[1][1].sub_id, m[0]))
    ).distinct(parts)
    component_edges = (
        block_edges.map(lambda e: (e[0], e))
        .join(sub_first, parts)
        .map(lambda kv: (kv[0], ((kv[1][1], kv[1][0][1]), kv[1][0])))  # local order
        .join(sub_component, parts)
        .map(lambda kv: ((kv[1][0][1][1], kv[1][1]), kv[1][0]))
        .join(sub_component.map(lambda sc: (sc, None)), parts)
        .map(lambda kv: (kv[0][1], kv[1][0]))
    )  # (component, (order, edge)) for the pairs with both sub-activities in the component
    options = {
        "block_min_shared": block_min_shared,
        "block_min_jaccard": block_min_jaccard,
        "max_bucket": max_bucket,
        "split_bridges": split_bridges,
        "max_extra_evidence": max_extra_evidence,
    }
    clusters = members.cogroup(component_edges, parts).flatMap(
        lambda item: _finish(item, std.value, options)
    )
    ranked = (
        clusters.sortBy(rank_key, numPartitions=parts).zipWithIndex().map(lambda ci: _numbered(*ci))
    )
    return ranked, stats


def _numbered(cluster: Cluster, index: int) -> Cluster:
    cluster.id = index + 1
    return cluster


def spark_detect(
    records: DataFrame | str, spark: SparkSession | None = None, **options: Any
) -> SparkDuplicates:
    """Clusters of ``records`` (a DataFrame or a Parquet path) collected on the driver, for
    reports and tests; ``options`` as :func:`cluster_rdd` (and :func:`detect`)."""
    started = time.perf_counter()
    if isinstance(records, str):
        records = (spark or get_spark()).read.parquet(records)
    ranked, stats = cluster_rdd(records, **options)
    clusters = ranked.collect()
    stats["clusters"] = len(clusters)
    stats["clustered_records"] = sum(len(c.members) for c in clusters)
    stats["seconds"] = round(time.perf_counter() - started, 3)
    return SparkDuplicates(clusters, stats)


def spark_result(path: str, spark: SparkSession | None = None, **options: Any) -> DuplicateResult:
    """``kg duplicates --engine spark --input PARQUET``: the clusters found on Spark, with the
    records collected on the driver for the report (for corpora too large for that, run
    :func:`main` under ``spark-submit``, which writes Parquet). Reused ladders and copied
    blocks are not computed on Spark: both lists are empty."""
    records = (spark or get_spark()).read.parquet(path)
    found = spark_detect(records, **options)
    recs = records.rdd.map(lambda row: _record(row.asDict())).collect()
    return DuplicateResult(recs, found.clusters, [], found.stats)


def write_clusters(records: DataFrame, out: str, **options: Any) -> dict[str, Any]:
    """Write ``out/assignments`` (id, cluster) and ``out/clusters`` (one row per cluster) as
    Parquet without collecting the clusters; the per-layer counts."""
    spark = records.sparkSession
    ranked, stats = cluster_rdd(records, **options)
    ranked = ranked.persist()
    rows = ranked.map(
        lambda c: (c.id, c.kind, c.confidence, c.score, c.template, c.members, c.departments,
                   c.documents, c.flags)
    )  # fmt: skip
    spark.createDataFrame(rows, CLUSTERS_DDL).write.mode("overwrite").parquet(f"{out}/clusters")
    assignments = ranked.flatMap(lambda c: ((member, c.id) for member in c.members))
    spark.createDataFrame(assignments, "id string, cluster long").write.mode("overwrite").parquet(
        f"{out}/assignments"
    )
    stats["clusters"] = ranked.count()
    return stats


CLUSTERS_DDL = (
    "cluster long, kind string, confidence string, score double, template string, "
    "members array<string>, departments array<string>, documents array<string>, "
    "flags array<string>"
)


def main(argv: list[str] | None = None) -> None:
    """``spark-submit -m kg.duplicates.spark RECORDS --out DIR``: clusters as Parquet."""
    parser = argparse.ArgumentParser(description="pikg copy detection on Spark")
    parser.add_argument("records", help="indicator records Parquet (kg ingest --engine spark)")
    parser.add_argument("--out", required=True, help="output folder (any Spark URI)")
    parser.add_argument("--master", help="Spark master when not run by spark-submit")
    args = parser.parse_args(argv)
    spark = get_spark(args.master, app_name="pikg-duplicates")
    stats = write_clusters(spark.read.parquet(args.records), args.out)
    print(" ".join(f"{key}={value}" for key, value in stats.items()))


if __name__ == "__main__":
    main()
