"""Issue 19.8: the cases that used to pass in silence now say what happened."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import KgError
from kg.graph.namespace import doc_graph
from kg.graph.queries import get
from kg.graph.store import Store
from kg.ingest import ingest

SAMPLES = Path(__file__).resolve().parents[1] / "kg" / "data" / "samples"
KG = [sys.executable, "-c", "from kg.cli import main; main()"]
runner = CliRunner()


@pytest.fixture
def folder(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(SAMPLES / "101_yunxi_government_office.txt", docs)
    return docs


def test_symlinked_folder_is_reported_not_silently_skipped(folder, tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(SAMPLES / "102_yunxi_finance_bureau.txt", other)
    (folder / "linked").symlink_to(other, target_is_directory=True)
    result = runner.invoke(app, ["ingest", str(folder), "--store", str(tmp_path / "s"), "-q"])
    assert result.exit_code == 0, result.output
    assert "kg: warning: docs/linked: symbolic link to a folder, not followed" in result.stderr
    assert "1 file(s): 1 ingested" in result.stdout


def test_white_space_file_is_an_error_and_not_stored(folder, tmp_path):
    (folder / "blank.txt").write_text("   \n\u3000\u3000\n\t \n\n", encoding="utf-8")
    with Store(tmp_path / "s") as store:
        summary = ingest([folder], store, jobs=1)
        assert summary.failed == [
            ("docs/blank.txt", "docs/blank.txt: no text in the document (only white space)")
        ]
        assert [d.file_path for d in store.documents()] == ["docs/101_yunxi_government_office.txt"]
    result = runner.invoke(app, ["extract", str(folder / "blank.txt")])
    assert result.exit_code == 2
    assert "blank.txt: no text in the document (only white space)" in result.stderr


@pytest.mark.parametrize("value", ["NaN", "inf", "-Infinity", "1e200000000", "1e-2000"])
def test_non_finite_or_extreme_decimal_parameter_is_refused(value):
    with pytest.raises(KgError, match="parameter tolerance needs a finite decimal"):
        get("budget-rollup-mismatch").render({"tolerance": value})


def test_ordinary_decimal_parameter_still_binds():
    text = get("budget-rollup-mismatch").render({"tolerance": "1e-3"})
    assert '"0.001"^^<http://www.w3.org/2001/XMLSchema#decimal>' in text


def test_ctrl_c_says_interrupted_and_exits_130(tmp_path):
    files = [str(SAMPLES / name) for name in sorted(os.listdir(SAMPLES))] * 200
    process = subprocess.Popen(
        [*KG, "extract", *files], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.readline()  # running: the first document is out
    process.send_signal(signal.SIGINT)
    process.stdout.close()
    assert process.wait(timeout=30) == 130
    assert process.stderr.read().decode().strip().splitlines()[-1] == "kg: interrupted"


def test_recovery_on_opening_the_store_is_reported(folder, tmp_path):
    path = tmp_path / "s"
    with Store(path) as store:  # a document graph without its commit record: a killed ingest
        graph = doc_graph("ab" * 32)
        store.oxigraph.add(
            ox.Quad(ox.NamedNode("urn:x"), ox.NamedNode("urn:p"), ox.Literal("o"), graph)
        )
        store.flush()
    result = runner.invoke(app, ["ingest", str(folder), "--store", str(path), "-q"])
    assert result.exit_code == 0, result.output
    assert "removed 1 incomplete graph(s) of an interrupted run" in result.stdout


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS refuses non-UTF-8 file names")
def test_non_utf8_file_name_is_ingested_with_a_warning(folder, tmp_path):
    name = os.fsdecode(b"bad\xffname.txt")
    shutil.copy(SAMPLES / "103_yunxi_education_bureau.txt", folder / name)
    result = runner.invoke(app, ["ingest", str(folder), "--store", str(tmp_path / "s"), "-q"])
    assert result.exit_code == 0, result.output
    assert "docs/bad\ufffdname.txt: file name is not valid UTF-8" in result.stderr
    with Store(tmp_path / "s", read_only=True) as store:
        assert "docs/bad\ufffdname.txt" in {d.file_path for d in store.documents()}
