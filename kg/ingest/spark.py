"""Ingest on Apache Spark: the local pipeline (read → extract → NLP → map) inside executors.

The driver only lists the files; executors read them through Spark's filesystem layer
(``binaryFile``: local paths, ``hdfs://``, ``s3a://`` …), hash them, run
:func:`kg.ingest.analyse_file` (the stages of local ingest) with jieba loaded once per Python
worker, and write N-Quads,
indicator records, diagnostics and a manifest to an output folder (layout:
:mod:`kg.ingest.spark_output`). A document whose content and pipeline version are in the manifest is
skipped; one whose version changed (or every one, with ``force``) is re-mapped and replaces
the old one, as in local ingest. A file that cannot be read is a diagnostic and a ``failed``
manifest row naming its path; the job goes on.

From ``spark-submit``, which takes a file, not ``-m`` (``python -m kg.ingest.spark`` is the same
program)::

    MAIN=$(python -c 'import kg.ingest.spark as m; print(m.__file__)')
    spark-submit --master yarn ... "$MAIN" hdfs:///disclosures --out hdfs:///pikg
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import sys
import tempfile
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from kg.errors import KgError
from kg.graph.namespace import doc_graph
from kg.ingest import IngestSummary, analyse_file, discover, pipeline_version
from kg.ingest.spark_output import DIAGNOSTICS, MANIFEST, NQUADS, RECORDS, RUNS, SUCCESS
from kg.readers import SUFFIXES
from kg.spark import get_spark

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_GLOB = re.compile(r"([\\\[\]{}*?])")
DOCS_PER_PARTITION = 50
"""Target documents per partition: enough to amortise the warm-up, small enough to spread."""

MANIFEST_DDL = (
    "graph string, sha256 string, path string, version string, run string, status string, "
    "error string, triples bigint, counts map<string,bigint>"
)
RECORDS_DDL = (
    "graph string, run string, id string, department string, activity string, "
    "sub_activity string, sub_id string, pos int, content string, text string, "
    "grades array<string>, source string, line int, ladder_issues array<string>"
)
DIAGNOSTICS_DDL = (
    "graph string, run string, path string, line int, severity string, code string, "
    "message string, place string, raw string"
)


@dataclass
class SparkIngestSummary(IngestSummary):
    """What one Spark ingest did: the local summary plus the run it wrote (``recovered``
    stays empty: the output folder has no half-loaded store to recover)."""

    run: str = ""


# --- driver: listing ----------------------------------------------------------------------------


def list_inputs(
    spark: SparkSession, paths: Iterable[str | os.PathLike[str]], notes: list[str]
) -> list[tuple[str, str]]:
    """``(location as Spark names it, recorded path)`` for every document under ``paths``.

    Local paths go through :func:`kg.ingest.discover`, so they record exactly the paths local
    ingest records; URIs are listed recursively through Hadoop's FileSystem, recorded the same
    way (the folder's name, then the path inside it)."""
    local: list[str] = []
    found: dict[str, str] = {}
    for raw in map(str, paths):
        if raw.startswith("file://"):
            local.append(raw[len("file://") :])
        elif _URI.match(raw):
            found.update((loc, rec) for loc, rec in _list_uri(spark, raw) if loc not in found)
        else:
            local.append(raw)
    for file, recorded in discover(local, notes):
        found.setdefault(f"file:{file}", recorded)
    return sorted(found.items(), key=lambda item: (item[1], item[0]))


def _list_uri(spark: SparkSession, uri: str) -> list[tuple[str, str]]:
    jvm = spark.sparkContext._jvm
    root = jvm.org.apache.hadoop.fs.Path(uri)
    fs = root.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
    if not fs.exists(root):
        raise KgError("no such file or folder", uri)
    qualified = fs.makeQualified(root)
    if fs.getFileStatus(root).isFile():
        return [(qualified.toString(), root.getName())]
    prefix = qualified.toString().rstrip("/") + "/"
    listing: list[tuple[str, str]] = []
    files = fs.listFiles(root, True)
    while files.hasNext():
        location = files.next().getPath().toString()
        if PurePosixPath(location).suffix.lower() in SUFFIXES and location.startswith(prefix):
            listing.append((location, f"{qualified.getName()}/{location[len(prefix) :]}"))
    return listing


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _read_manifest(spark: SparkSession, out: str) -> DataFrame | None:
    """The current manifest as a DataFrame (any filesystem), or ``None`` for a new folder."""
    jvm = spark.sparkContext._jvm
    folder = jvm.org.apache.hadoop.fs.Path(f"{out}/{MANIFEST}")
    fs = folder.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
    if not fs.exists(folder):
        return None
    done = sorted(
        status.getPath().getName()
        for status in fs.listStatus(folder)
        if fs.exists(jvm.org.apache.hadoop.fs.Path(status.getPath(), SUCCESS))
    )
    if not done:
        return None
    return spark.read.schema(MANIFEST_DDL).json(f"{out}/{MANIFEST}/{done[-1]}")


def _read_files(spark: SparkSession, locations: list[str]) -> DataFrame:
    """The listed files as a ``binaryFile`` DataFrame (path, content), read by executors.

    Spark stats explicitly named files in one task per file by default; with the listing
    spread over the cluster's cores instead, 2,000 files cost two tasks on ``local[2]``, not
    2,000. Glob characters in names are escaped (a file may be called ``表[1].xlsx``)."""
    key = "spark.sql.sources.parallelPartitionDiscovery.parallelism"
    before = spark.conf.get(key)
    spark.conf.set(key, str(spark.sparkContext.defaultParallelism))
    try:
        return spark.read.format("binaryFile").load(
            [_GLOB.sub(r"\\\1", location) for location in locations]
        )
    finally:
        spark.conf.set(key, before)


def _rename_parts(spark: SparkSession, folder: str, suffix: str) -> None:
    """``part-00000.gz`` → ``part-00000.nq.gz``: bulk loaders pick the format by extension."""
    jvm = spark.sparkContext._jvm
    path = jvm.org.apache.hadoop.fs.Path(folder)
    fs = path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
    for status in fs.listStatus(path):
        name = status.getPath().getName()
        if name.startswith("part-") and name.endswith(".gz") and not name.endswith(suffix):
            target = jvm.org.apache.hadoop.fs.Path(path, name[: -len(".gz")] + suffix)
            fs.rename(status.getPath(), target)


# --- executors: one document, one partition ---------------------------------------------------


def process_content(recorded: str, content: bytes, version: str, tmp: Path) -> dict[str, Any]:
    """One document's bytes → its manifest row, N-Quads text, records and diagnostics.

    The readers take a file, so the bytes are written under the document's own name (its
    suffix picks the reader) into ``tmp``; errors are reported against the recorded path."""
    from kg.records.indicators import records_from_document

    file = tmp / (PurePosixPath(recorded).name or "document")
    file.write_bytes(content)
    try:
        doc, mapped, counts = analyse_file(file, recorded, version)
    except KgError as exc:
        error = str(exc) if exc.path else f"{recorded}: {exc}"
        return _failed(recorded, content, error.replace(str(file), recorded))
    except Exception as exc:  # a reader or extraction bug must not stop the other documents
        message = f"{recorded}: {type(exc).__name__}: {exc}".replace(str(file), recorded)
        return _failed(recorded, content, message)
    finally:
        file.unlink(missing_ok=True)
    graph = doc_graph(doc.source.sha256).value
    doc.source.path = recorded  # records name the recorded path, not the executor's copy
    text = mapped.nquads.decode("utf-8")
    return {
        "manifest": (graph, doc.source.sha256, recorded, version, "ok", "", mapped.triples, counts),
        "nquads": text[:-1] if text.endswith("\n") else text,  # saveAsTextFile adds it back
        "records": [
            (
                graph,
                r.id,
                r.department,
                r.activity,
                r.sub_activity,
                r.sub_id,
                r.pos,
                r.content,
                r.text,
                list(r.grades),
                r.source,
                r.line,
                list(r.extra.get("ladder_issues", [])),
            )
            for r in records_from_document(doc)
        ],
        "diagnostics": [
            (graph, recorded, d.line, d.severity, d.code, d.message, d.place, d.raw)
            for d in doc.diagnostics
        ],
    }


def _failed(recorded: str, content: bytes, message: str) -> dict[str, Any]:
    sha = hashlib.sha256(content).hexdigest()
    graph = doc_graph(sha).value
    return {
        "manifest": (graph, sha, recorded, "", "failed", message, 0, {}),
        "nquads": None,
        "records": [],
        "diagnostics": [(graph, recorded, 0, "error", "failed", message, "", "")],
    }


def process_partition(version: str, rows: Iterator[Any]) -> Iterator[dict[str, Any]]:
    """``mapPartitions`` body: load jieba and the domain words once (as local ingest's workers
    do; cached per Python worker, which Spark reuses across tasks), then map each document."""
    from kg.nlp.segment import load_user_dictionary

    load_user_dictionary()
    with tempfile.TemporaryDirectory(prefix="kg-spark-") as tmp:
        for row in rows:
            yield process_content(row.recorded, bytes(row.content), version, Path(tmp))


# --- driver: the job ----------------------------------------------------------------------------


def new_run_id() -> str:
    """A run name that sorts by time: ``20261203T051500Z-1a2b3c``."""
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()) + "-" + uuid.uuid4().hex[:6]


def spark_ingest(
    paths: Iterable[str | os.PathLike[str]],
    out: str | os.PathLike[str],
    *,
    spark: SparkSession | None = None,
    master: str | None = None,
    partitions: int | None = None,
    force: bool = False,
    version: str | None = None,
) -> SparkIngestSummary:
    """Ingest files and folders on Spark into the output folder ``out`` (any Spark URI).

    ``partitions`` defaults to one per :data:`DOCS_PER_PARTITION` documents (at least the
    default parallelism); ``version`` defaults to :func:`kg.ingest.pipeline_version`.
    """
    spark = spark or get_spark(master)  # first: no pyspark or Java is one line, not a traceback
    from pyspark import StorageLevel
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    version = version or pipeline_version()
    out = str(out).rstrip("/")
    if not _URI.match(out):
        out = str(Path(out).resolve())
    summary = SparkIngestSummary(run=new_run_id())
    run_dir = f"{out}/{RUNS}/{summary.run}"
    files = list_inputs(spark, paths, summary.notes)
    summary.files = len(files)
    # a name that is not UTF-8 cannot cross into the JVM (local ingest reads it under U+FFFD)
    summary.failed = [
        (rec, f"{rec}: file name is not valid UTF-8, which Spark cannot address; rename it")
        for loc, rec in files
        if not _is_utf8(loc)
    ]
    files = [(loc, rec) for loc, rec in files if _is_utf8(loc)]
    previous = _read_manifest(spark, out)
    if not files:
        return summary

    listing = spark.createDataFrame(files, "location string, recorded string")
    content = _read_files(spark, [location for location, _ in files]).select(
        F.col("path").alias("location"), "content"
    )
    # nothing listed may vanish silently (only the path column is read for this check)
    lost = listing.join(content.select("location"), "location", "left_anti").collect()
    summary.failed += [(r.recorded, f"{r.recorded}: listed but not read by Spark") for r in lost]
    docs = listing.join(content, "location").withColumn("sha256", F.sha2("content", 256))
    # one path per content, the first in recorded order (local ingest keeps the first too)
    first = Window.partitionBy("sha256").orderBy("recorded", "location")
    docs = docs.withColumn("n", F.row_number().over(first)).where("n = 1").drop("n")
    if previous is not None and not force:
        done = previous.where((F.col("status") == "ok") & (F.col("version") == version))
        docs = docs.join(done.select("sha256"), "sha256", "left_anti")
    todo = docs.select("recorded", "content").persist(StorageLevel.MEMORY_AND_DISK)
    count = todo.count()
    summary.skipped = summary.files - count - len(summary.failed)
    if count == 0:
        todo.unpersist()
        return summary

    parallelism = spark.sparkContext.defaultParallelism
    slices = partitions or max(parallelism, -(-count // DOCS_PER_PARTITION))
    results = (
        todo.repartition(slices)
        .rdd.mapPartitions(lambda rows: process_partition(version, rows))
        .persist(StorageLevel.MEMORY_AND_DISK)
    )
    run = summary.run
    results.map(lambda r: r["nquads"]).filter(lambda t: t is not None).saveAsTextFile(
        f"{run_dir}/{NQUADS}", compressionCodecClass="org.apache.hadoop.io.compress.GzipCodec"
    )
    _rename_parts(spark, f"{run_dir}/{NQUADS}", ".nq.gz")
    spark.createDataFrame(
        results.flatMap(lambda r: [(rec[0], run, *rec[1:]) for rec in r["records"]]),
        RECORDS_DDL,
    ).write.parquet(f"{run_dir}/{RECORDS}")
    spark.createDataFrame(
        results.flatMap(lambda r: [(d[0], run, *d[1:]) for d in r["diagnostics"]]),
        DIAGNOSTICS_DDL,
    ).write.parquet(f"{run_dir}/{DIAGNOSTICS}")
    rows = spark.createDataFrame(
        results.map(lambda r: (*r["manifest"][:4], run, *r["manifest"][4:])), MANIFEST_DDL
    ).persist(StorageLevel.MEMORY_AND_DISK)
    manifest = rows
    if previous is not None:
        # a document re-mapped now replaces its row; a file that failed before stays
        # reported until it is read again (it is never skipped, so any run listing it does)
        kept = previous.join(rows.select("sha256"), "sha256", "left_anti")
        failed = kept.where(F.col("status") == "failed").join(
            rows.select("path"), "path", "left_anti"
        )
        manifest = rows.unionByName(kept.where(F.col("status") == "ok")).unionByName(failed)
    manifest.write.option("compression", "gzip").json(f"{out}/{MANIFEST}/{run}")
    _summarise(summary, rows, previous)
    rows.unpersist()
    results.unpersist()
    todo.unpersist()
    return summary


def _summarise(summary: SparkIngestSummary, rows: DataFrame, previous: DataFrame | None) -> None:
    """Fill the summary from this run's manifest rows (aggregated in Spark, failures listed)."""
    from pyspark.sql import functions as F

    old = (
        previous.where(F.col("status") == "ok").select("sha256").distinct()
        if previous is not None
        else None
    )
    ok = rows.where(F.col("status") == "ok")
    replaced = ok.join(old, "sha256", "left_semi").count() if old is not None else 0
    summary.replaced = replaced
    summary.ingested = ok.count() - replaced
    totals = (
        ok.select(F.explode("counts").alias("key", "value"))
        .groupBy("key")
        .agg(F.sum("value").alias("value"))
        .collect()
    )
    summary.counts.update({row["key"]: int(row["value"]) for row in totals})
    summary.triples = summary.counts.get("triples", 0)
    summary.unread = [
        row["path"] for row in ok.where(F.col("counts")["unread"] > 0).select("path").collect()
    ]
    summary.failed.extend(
        (row["path"], row["error"])
        for row in rows.where(F.col("status") == "failed").orderBy("path").collect()
    )


def describe(summary: SparkIngestSummary) -> str:
    """The one-line summary ``kg ingest`` prints, for a Spark run."""
    c = summary.counts
    return (
        f"{summary.files} file(s): {summary.ingested} ingested, {summary.replaced} replaced, "
        f"{summary.skipped} unchanged, {len(summary.failed)} failed; "
        f"{summary.triples} triples; {c['activities']} activities, "
        f"{c['sub_activities']} sub-activities, {c['indicators']} indicators, "
        f"{c['bands']} bands, {c['projects']} projects, "
        f"{c['project_indicators']} project indicators; {c['diagnostics']} diagnostics; "
        f"{len(summary.unread)} unread (run {summary.run})"
    )


def main(argv: list[str] | None = None) -> int:
    """``python -m kg.ingest.spark PATH… --out DIR`` (and ``spark-submit``): exit 1 when a
    file failed, 2 on a usage error."""
    parser = argparse.ArgumentParser(prog="kg.ingest.spark", description=__doc__.split("\n")[0])
    parser.add_argument("paths", nargs="+", help="files, folders or URIs")
    parser.add_argument("--out", required=True, help="output folder (any Spark URI)")
    parser.add_argument("--master", default=None, help="Spark master (default: spark-submit's)")
    parser.add_argument("--partitions", type=int, default=None)
    parser.add_argument("--force", action="store_true", help="re-map unchanged documents too")
    args = parser.parse_args(argv)
    try:
        summary = spark_ingest(
            args.paths, args.out, master=args.master, partitions=args.partitions, force=args.force
        )
    except KgError as exc:
        print(f"kg: error: {exc}", file=sys.stderr)
        return 2
    return report(summary)


def report(summary: SparkIngestSummary, *, fail_on_unread: bool = False) -> int:
    """Print what a run did as ``kg ingest`` does (summary, warnings, one line per failed
    file) and return the exit code: 1 when a file failed (or was unread, if asked)."""
    print(describe(summary))
    for path in summary.unread:
        print(
            f"kg: warning: {path}: performance tables found but no indicator read", file=sys.stderr
        )
    for note in summary.notes:
        print(f"kg: warning: {note}", file=sys.stderr)
    for _path, message in summary.failed:
        print(f"kg: error: {message}", file=sys.stderr)
    return 1 if summary.failed or (fail_on_unread and summary.unread) else 0


if __name__ == "__main__":
    # Run as a file (spark-submit …/kg/ingest/spark.py) or with -m: call the imported module,
    # so what executors receive refers to kg.ingest.spark by name, not to this __main__.
    from kg.ingest.spark import main as imported_main

    sys.exit(imported_main())
