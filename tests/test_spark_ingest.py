"""`kg ingest --engine spark` in ``local[2]`` on the issue's 200-document synthetic corpus: the
same quads as local ingest, byte for byte per document; re-runs skip or replace like local
ingest; a corrupt file is a diagnostic naming its path, not a failed job, and nothing else is
lost; `kg load` of the output answers `kg query` like a local store.

One Spark session, one corpus, one local mapping of it and one first Spark run serve the whole
module (module-scoped fixtures), so the corpus is mapped three times in all: by Spark, by the
local workers (for the bytes) and by `kg ingest` (for the query)."""

from __future__ import annotations

import multiprocessing
import os
import shutil
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.spark import spark_missing

REASON = spark_missing()
pytestmark = pytest.mark.skipif(REASON is not None, reason=f"Spark tests need it: {REASON}")

runner = CliRunner()

CORPUS = (  # 200 documents: the seed layout (txt, docx) and the national templates (8 formats)
    ["-n", "150", "-o", "seed"],
    ["-n", "10", "--format", "docx", "--seed", "1", "-o", "word"],
    ["-n", "40", "--layout", "national", "--format", "all", "-o", "national"],
)
DOCUMENTS = 200
FORMATS = {".txt", ".docx", ".xlsx", ".xls", ".ods", ".html", ".pdf", ".md"}
BROKEN = "corpus/broken.xlsx"
FOUR = ("0000.xlsx", "0001.docx", "0002.html", "0003.pdf")
"""National documents the small tests copy: a spreadsheet, a word file, a web page, a PDF."""


@pytest.fixture(scope="module")
def spark():
    from kg.spark import get_spark

    session = get_spark("local[2]")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """The 200 synthetic documents of :data:`CORPUS` and a corrupt xlsx among them."""
    root = tmp_path_factory.mktemp("spark") / "corpus"
    for args in CORPUS:
        *options, folder = args
        result = runner.invoke(app, ["synth", "-q", *options, str(root / folder)])
        assert result.exit_code == 0, result.output
    (root / "broken.xlsx").write_bytes(b"PK\x03\x04 not a zip archive")
    return root


def _map_locally(item: tuple[Path, str]) -> tuple[str, str, bytes, dict]:
    from kg.graph.namespace import doc_graph
    from kg.ingest import pipeline_version, process_file

    file, recorded = item
    sha, nquads, counts = process_file(str(file), recorded, pipeline_version())
    return doc_graph(sha).value, recorded, nquads, counts


@pytest.fixture(scope="module")
def local(corpus) -> dict[str, tuple[str, bytes, dict]]:
    """``graph → (recorded path, N-Quads, counts)`` of every good document, mapped by the
    function local ingest's workers run (two worker processes, as `kg ingest -j 2`)."""
    from kg.ingest import discover

    files = [(file, recorded) for file, recorded in discover([corpus]) if recorded != BROKEN]
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(2, mp_context=context) as pool:
        mapped = list(pool.map(_map_locally, files, chunksize=10))
    return {graph: (recorded, nquads, counts) for graph, recorded, nquads, counts in mapped}


@pytest.fixture(scope="module")
def first(spark, corpus, tmp_path_factory):
    """The first run, and a copy of its output taken before any later run changes it."""
    from kg.ingest.spark import spark_ingest

    out = tmp_path_factory.mktemp("spark") / "out"
    summary = spark_ingest([corpus], out, spark=spark)
    snapshot = out.parent / "snapshot"
    shutil.copytree(out, snapshot)
    return summary, out, snapshot


@pytest.fixture(scope="module")
def loaded(first, tmp_path_factory):
    """`kg load` of the first run's output into a new store: (CLI result, store folder)."""
    _summary, _out, snapshot = first
    store = tmp_path_factory.mktemp("spark") / "spark-store"
    return runner.invoke(app, ["load", str(snapshot), "--store", str(store)]), store


def _documents(out: Path) -> dict[str, bytes]:
    from kg.ingest.spark_output import iter_documents, nquads_files, read_manifest

    documents: dict[str, bytes] = {}
    for run in sorted({row["run"] for row in read_manifest(out) if row["status"] == "ok"}):
        documents.update(iter_documents(nquads_files(out, run)))
    return documents


def _four(corpus: Path, folder: Path) -> Path:
    folder.mkdir()
    for name in FOUR:
        shutil.copy(corpus / "national" / name, folder / name)
    return folder


def test_each_document_maps_to_the_bytes_local_ingest_maps(first, local):
    from kg.ingest.spark_output import read_manifest

    summary, _out, snapshot = first
    assert (summary.files, summary.ingested, len(summary.failed)) == (DOCUMENTS + 1, DOCUMENTS, 1)
    ok = [row["path"] for row in read_manifest(snapshot) if row["status"] == "ok"]
    assert {Path(path).suffix for path in ok} == FORMATS and len(ok) == DOCUMENTS
    spark_docs = _documents(snapshot)
    assert spark_docs == {graph: nquads for graph, (_, nquads, _) in local.items()}  # per document
    lines = sorted(b"".join(spark_docs.values()).splitlines())
    assert lines == sorted(b"".join(nquads for _, nquads, _ in local.values()).splitlines())
    assert summary.triples == len(lines)


def test_a_corrupt_file_is_a_diagnostic_with_its_path_and_nothing_is_lost(spark, first, local):
    from kg.ingest.spark_output import read_manifest

    summary, _out, snapshot = first
    assert [path for path, _ in summary.failed] == [BROKEN]
    manifest = read_manifest(snapshot)
    failed = [row for row in manifest if row["status"] == "failed"]
    assert [row["path"] for row in failed] == [BROKEN]
    assert "not a readable .xlsx file" in failed[0]["error"]
    # every good document is in the manifest with the path and triples local ingest records
    assert {
        row["graph"]: (row["path"], row["triples"]) for row in manifest if row["status"] == "ok"
    } == {graph: (recorded, counts["triples"]) for graph, (recorded, _, counts) in local.items()}
    diagnostics = spark.read.parquet(str(snapshot / "runs" / summary.run / "diagnostics"))
    rows = diagnostics.where("code = 'failed'").collect()
    assert [(r.graph, r.path, r.severity, r.message) for r in rows] == [
        (failed[0]["graph"], BROKEN, "error", failed[0]["error"])
    ]
    # and every good document's diagnostics are there, under its graph and path
    per_document = {
        (r.graph, r.path): r["count"]
        for r in diagnostics.where("code != 'failed'").groupBy("graph", "path").count().collect()
    }
    assert per_document == {
        (graph, recorded): counts["diagnostics"]
        for graph, (recorded, _, counts) in local.items()
        if counts["diagnostics"]
    }
    assert diagnostics.count() == summary.counts["diagnostics"] + 1


def test_indicator_records_carry_the_duplicates_input_fields(spark, first, local):
    from kg.records.indicators import FIELDS

    summary, _out, snapshot = first
    records = spark.read.parquet(str(snapshot / "runs" / summary.run / "records"))
    assert set(FIELDS) <= set(records.columns)
    assert records.count() >= summary.counts["indicators"] > 0
    per_document = {r.graph: r["count"] for r in records.groupBy("graph").count().collect()}
    for graph, (_recorded, _nquads, counts) in local.items():  # no document's records lost
        assert per_document.get(graph, 0) >= counts.get("indicators", 0), graph
    row = records.where("size(grades) = 4").first()
    assert row.source.startswith("corpus/") and row.line > 0 and row.graph


def test_a_second_run_skips_every_document(spark, first, corpus):
    from kg.ingest.spark import spark_ingest
    from kg.ingest.spark_output import iter_documents, nquads_files

    _summary, out, _snapshot = first
    again = spark_ingest([corpus], out, spark=spark)
    assert (again.skipped, again.ingested, again.replaced) == (DOCUMENTS, 0, 0)
    assert [path for path, _ in again.failed] == [BROKEN]  # retried, still bad
    assert not list(iter_documents(nquads_files(out, again.run)))  # nothing mapped again


def test_a_changed_document_is_replaced_in_the_output_and_the_store(
    spark, first, loaded, corpus, tmp_path
):
    from kg.graph.store import Store
    from kg.ingest.load import load_output
    from kg.ingest.spark import spark_ingest
    from kg.ingest.spark_output import read_manifest

    summary, _out, snapshot = first
    out = tmp_path / "out"
    shutil.copytree(snapshot, out)
    shutil.copytree(loaded[1], tmp_path / "store")  # the first run, loaded by `kg load`
    document = sorted((corpus / "seed").glob("*.txt"))[0]
    changed = spark_ingest([document], out, spark=spark, version="next-pipeline")
    assert (changed.replaced, changed.ingested, changed.skipped) == (1, 0, 0)
    rows = {row["path"]: row for row in read_manifest(out)}
    assert len(rows) == DOCUMENTS + 1
    assert (rows[document.name]["version"], rows[document.name]["run"]) == (
        "next-pipeline",
        changed.run,
    )
    assert {row["run"] for path, row in rows.items() if path != document.name} == {summary.run}
    with Store(tmp_path / "store") as store:
        loaded_again = load_output(out, store)
        assert (loaded_again.replaced, loaded_again.loaded, loaded_again.skipped) == (
            1,
            0,
            DOCUMENTS - 1,
        )
        assert store.committed()[rows[document.name]["graph"]] == "next-pipeline"
        assert len(store.committed()) == DOCUMENTS


def test_kg_load_then_query_gives_the_rows_of_a_local_ingest(loaded, corpus, tmp_path):
    result, spark_store = loaded
    assert result.exit_code == 1  # the corrupt file is reported again, by path
    assert f"{DOCUMENTS} loaded" in result.output and BROKEN in result.output
    local_store = str(tmp_path / "local-store")
    local = runner.invoke(app, ["ingest", str(corpus), "--store", local_store, "-q", "-j", "2"])
    assert local.exit_code == 1 and f"{DOCUMENTS} ingested" in local.output
    rows = [
        runner.invoke(app, ["query", "documents", "--store", str(store)])
        for store in (spark_store, local_store)
    ]
    assert rows[0].exit_code == 0 and rows[0].output.count("corpus/") == DOCUMENTS
    assert rows[0].output == rows[1].output


def test_kg_ingest_engine_spark_writes_the_output_folder(spark, corpus, tmp_path):
    out = tmp_path / "out"
    folder = _four(corpus, tmp_path / "national")
    args = ["ingest", "--engine", "spark", str(folder), "--out", str(out), "--master", "local[2]"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("4 file(s): 4 ingested, 0 replaced, 0 unchanged, 0 failed;")
    assert len(list(out.glob("runs/*/nquads/part-*.nq.gz"))) >= 1
    again = runner.invoke(app, args)
    assert again.output.startswith("4 file(s): 0 ingested, 0 replaced, 4 unchanged, 0 failed;")


def test_a_listed_file_spark_did_not_read_is_named(spark, corpus, tmp_path, monkeypatch):
    import kg.ingest.spark as spark_ingest_module

    read_files = spark_ingest_module._read_files

    def drop_the_pdf(session, locations):  # as if Spark named a path differently
        return read_files(session, locations).where("path NOT LIKE '%.pdf'")

    monkeypatch.setattr(spark_ingest_module, "_read_files", drop_the_pdf)
    folder = _four(corpus, tmp_path / "national")
    (folder / "0001.docx").rename(os.fsdecode(bytes(folder) + b"/\xff\xfe.docx"))
    summary = spark_ingest_module.spark_ingest([folder], tmp_path / "out", spark=spark)
    assert (summary.files, summary.ingested, summary.skipped) == (4, 2, 0)
    assert summary.failed == [
        (
            "national/\ufffd\ufffd.docx",
            "national/\ufffd\ufffd.docx: file name is not valid UTF-8, which Spark cannot "
            "address; rename it",
        ),
        ("national/0003.pdf", "national/0003.pdf: listed but not read by Spark"),
    ]
    assert summary.notes == [
        "national/\ufffd\ufffd.docx: file name is not valid UTF-8 (recorded so)"
    ]
