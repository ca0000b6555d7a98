"""`kg ingest --engine spark` in ``local[2]``: the same quads as local ingest, byte for byte per
document; re-runs skip or replace like local ingest; a corrupt file is a diagnostic, not a
failed job; `kg load` of the output answers `kg query` like a local store."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.spark import spark_missing

REASON = spark_missing()
pytestmark = pytest.mark.skipif(REASON is not None, reason=f"Spark tests need it: {REASON}")

runner = CliRunner()


@pytest.fixture(scope="module")
def spark():
    from kg.spark import get_spark

    session = get_spark("local[2]")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """40 seed-layout documents, 4 national ones (xlsx, docx, html, pdf) and a corrupt xlsx."""
    root = tmp_path_factory.mktemp("spark") / "corpus"
    for args in (
        ["-n", "40", "-o", str(root / "seed")],
        ["-n", "4", "--layout", "national", "--format", "all", "-o", str(root / "national")],
    ):
        result = runner.invoke(app, ["synth", *args])
        assert result.exit_code == 0, result.output
    (root / "broken.xlsx").write_bytes(b"PK\x03\x04 not a zip archive")
    return root


@pytest.fixture(scope="module")
def first(spark, corpus, tmp_path_factory):
    """The first run, and a copy of its output taken before any later run changes it."""
    from kg.ingest.spark import spark_ingest

    out = tmp_path_factory.mktemp("spark") / "out"
    summary = spark_ingest([corpus], out, spark=spark)
    snapshot = out.parent / "snapshot"
    shutil.copytree(out, snapshot)
    return summary, out, snapshot


def _documents(out: Path) -> dict[str, bytes]:
    from kg.ingest.spark_output import iter_documents, nquads_files, read_manifest

    documents: dict[str, bytes] = {}
    for run in sorted({row["run"] for row in read_manifest(out) if row["status"] == "ok"}):
        documents.update(iter_documents(nquads_files(out, run)))
    return documents


def test_each_document_maps_to_the_bytes_local_ingest_maps(first, corpus):
    from kg.graph.namespace import doc_graph
    from kg.ingest import discover, pipeline_version, process_file

    summary, _out, snapshot = first
    assert (summary.files, summary.ingested, len(summary.failed)) == (45, 44, 1)
    spark_docs = _documents(snapshot)
    local: dict[str, bytes] = {}
    for file, recorded in discover([corpus]):
        if file.name != "broken.xlsx":
            sha, nquads, _counts = process_file(str(file), recorded, pipeline_version())
            local[doc_graph(sha).value] = nquads
    assert spark_docs == local  # per document, byte for byte
    lines = sorted(b"".join(spark_docs.values()).splitlines())
    assert lines == sorted(b"".join(local.values()).splitlines())
    assert summary.triples == len(lines)


def test_a_corrupt_file_is_a_diagnostic_with_its_path(spark, first):
    from kg.ingest.spark_output import read_manifest

    summary, _out, snapshot = first
    assert [path for path, _ in summary.failed] == ["corpus/broken.xlsx"]
    failed = [row for row in read_manifest(snapshot) if row["status"] == "failed"]
    assert [row["path"] for row in failed] == ["corpus/broken.xlsx"]
    assert "not a readable .xlsx file" in failed[0]["error"]
    diagnostics = spark.read.parquet(str(snapshot / "runs" / summary.run / "diagnostics"))
    rows = diagnostics.where("code = 'failed'").collect()
    assert [(r.path, r.severity) for r in rows] == [("corpus/broken.xlsx", "error")]
    assert diagnostics.count() == summary.counts["diagnostics"] + 1


def test_indicator_records_carry_the_duplicates_input_fields(spark, first):
    from kg.records.indicators import FIELDS

    summary, _out, snapshot = first
    records = spark.read.parquet(str(snapshot / "runs" / summary.run / "records"))
    assert set(FIELDS) <= set(records.columns)
    assert records.count() >= summary.counts["indicators"] > 0
    row = records.where("size(grades) = 4").first()
    assert row.source.startswith("corpus/") and row.line > 0 and row.graph


def test_a_second_run_skips_every_document(spark, first, corpus):
    from kg.ingest.spark import spark_ingest

    _summary, out, _snapshot = first
    again = spark_ingest([corpus], out, spark=spark)
    assert (again.skipped, again.ingested, again.replaced) == (44, 0, 0)
    assert [path for path, _ in again.failed] == ["corpus/broken.xlsx"]  # retried, still bad


def test_a_changed_document_is_replaced_in_the_output_and_the_store(spark, first, corpus, tmp_path):
    from kg.graph.store import Store
    from kg.ingest.load import load_output
    from kg.ingest.spark import spark_ingest
    from kg.ingest.spark_output import read_manifest

    summary, _out, snapshot = first
    out = tmp_path / "out"
    shutil.copytree(snapshot, out)
    store = Store(tmp_path / "store")
    assert load_output(out, store).loaded == 44
    document = sorted((corpus / "seed").glob("*.txt"))[0]
    changed = spark_ingest([document], out, spark=spark, version="next-pipeline")
    assert (changed.replaced, changed.ingested, changed.skipped) == (1, 0, 0)
    rows = {row["path"]: row for row in read_manifest(out)}
    assert len(rows) == 45
    assert (rows[document.name]["version"], rows[document.name]["run"]) == (
        "next-pipeline",
        changed.run,
    )
    assert {row["run"] for path, row in rows.items() if path != document.name} == {summary.run}
    loaded = load_output(out, store)
    assert (loaded.replaced, loaded.loaded, loaded.skipped) == (1, 0, 43)
    assert store.committed()[rows[document.name]["graph"]] == "next-pipeline"
    store.close()


def test_kg_load_then_query_gives_the_rows_of_a_local_ingest(first, corpus, tmp_path):
    _summary, _out, snapshot = first
    spark_store, local_store = str(tmp_path / "spark-store"), str(tmp_path / "local-store")
    loaded = runner.invoke(app, ["load", str(snapshot), "--store", spark_store])
    assert loaded.exit_code == 1  # the corrupt file is reported again, by path
    assert "44 loaded" in loaded.output and "corpus/broken.xlsx" in loaded.output
    local = runner.invoke(app, ["ingest", str(corpus), "--store", local_store, "-q"])
    assert local.exit_code == 1 and "44 ingested" in local.output
    rows = [
        runner.invoke(app, ["query", "documents", "--store", store])
        for store in (spark_store, local_store)
    ]
    assert rows[0].exit_code == 0 and rows[0].output.count("corpus/") == 44
    assert rows[0].output == rows[1].output


def test_kg_ingest_engine_spark_writes_the_output_folder(spark, corpus, tmp_path):
    out = tmp_path / "out"
    args = ["ingest", "--engine", "spark", str(corpus / "national"), "--out", str(out)]
    result = runner.invoke(app, [*args, "--master", "local[2]"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("4 file(s): 4 ingested, 0 replaced, 0 unchanged, 0 failed;")
    assert len(list(out.glob("runs/*/nquads/part-*.nq.gz"))) >= 1
    again = runner.invoke(app, [*args, "--master", "local[2]"])
    assert again.output.startswith("4 file(s): 0 ingested, 0 replaced, 4 unchanged, 0 failed;")


def test_a_listed_file_spark_did_not_read_is_named(spark, corpus, tmp_path, monkeypatch):
    import kg.ingest.spark as spark_ingest_module

    read_files = spark_ingest_module._read_files

    def drop_the_pdf(session, locations):  # as if Spark named a path differently
        return read_files(session, locations).where("path NOT LIKE '%.pdf'")

    monkeypatch.setattr(spark_ingest_module, "_read_files", drop_the_pdf)
    folder = tmp_path / "national"
    shutil.copytree(corpus / "national", folder)
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
