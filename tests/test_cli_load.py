"""`kg load DIR`: a Spark ingest's output folder into the store, committed like `kg ingest`.

The folder is written here the way :mod:`kg.ingest.spark_output` documents it (no Spark needed: the
loader never starts it); tests/test_spark_ingest.py loads real Spark output."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import KgError
from kg.graph.namespace import doc_graph
from kg.graph.store import Store
from kg.ingest import discover, pipeline_version, process_file

runner = CliRunner()
RUN = "20261203T000000Z-abcdef"


@pytest.fixture
def output(tmp_path) -> Path:
    """Two synthetic documents mapped locally and laid out as one Spark run."""
    made = runner.invoke(app, ["synth", "-n", "2", "-o", str(tmp_path / "docs")])
    assert made.exit_code == 0, made.output
    out = tmp_path / "out"
    (out / "manifest" / RUN).mkdir(parents=True)
    (out / "runs" / RUN / "nquads").mkdir(parents=True)
    rows, parts = [], []
    for file, recorded in discover([tmp_path / "docs"]):
        sha, nquads, counts = process_file(str(file), recorded, pipeline_version())
        graph = doc_graph(sha).value
        rows.append(
            {"graph": graph, "sha256": sha, "path": recorded, "version": pipeline_version()}
            | {"run": RUN, "status": "ok", "error": "", "triples": counts["triples"]}
            | {"counts": counts}
        )
        parts.append(nquads)
    rows.append(
        {"graph": doc_graph("0" * 64).value, "sha256": "0" * 64, "path": "docs/bad.xlsx"}
        | {"version": "", "run": RUN, "status": "failed", "triples": 0, "counts": {}}
        | {"error": "docs/bad.xlsx: not a readable .xlsx file"}
    )
    with gzip.open(out / "manifest" / RUN / "part-00000.json.gz", "wt", encoding="utf-8") as fh:
        fh.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    (out / "manifest" / RUN / "_SUCCESS").touch()
    for index, nquads in enumerate(parts):
        with gzip.open(out / "runs" / RUN / "nquads" / f"part-{index:05d}.nq.gz", "wb") as fh:
            fh.write(nquads)
    return out


def test_load_commits_like_ingest_and_a_second_load_changes_nothing(output, tmp_path):
    store = tmp_path / "store"
    first = runner.invoke(app, ["load", str(output), "--store", str(store)])
    assert first.exit_code == 1  # the failed file is named, the good ones are loaded
    assert f"3 document(s) of run {RUN}: 2 loaded, 0 replaced, 0 unchanged, 1 failed" in (
        first.output
    )
    assert "kg: error: docs/bad.xlsx: not a readable .xlsx file" in first.output
    with Store(store, read_only=True) as graph_store:
        assert len(graph_store.committed()) == 2
        assert [d.file_path for d in graph_store.documents()] == sorted(
            rec for _, rec in discover([tmp_path / "docs"])
        )
    second = runner.invoke(app, ["load", str(output), "--store", str(store)])
    assert "0 loaded, 0 replaced, 2 unchanged" in second.output
    forced = runner.invoke(app, ["load", str(output), "--store", str(store), "--force"])
    assert "0 loaded, 2 replaced" in forced.output


def test_a_document_missing_from_the_nquads_is_reported(output, tmp_path):
    (output / "runs" / RUN / "nquads" / "part-00001.nq.gz").unlink()
    result = runner.invoke(app, ["load", str(output), "--store", str(tmp_path / "store")])
    assert result.exit_code == 1
    assert "1 loaded" in result.output and f"N-Quads missing from the output of run {RUN}" in (
        result.output
    )


def test_a_folder_without_a_manifest_is_one_line(tmp_path):
    result = runner.invoke(app, ["load", str(tmp_path), "--store", str(tmp_path / "store")])
    assert isinstance(result.exception, KgError)  # kg's entry point prints it as one line
    assert (
        str(result.exception) == f"{tmp_path}: no Spark ingest output here (no complete manifest)"
    )


@pytest.mark.parametrize("chunk", [7, 100, 4096, 1 << 24])
def test_part_files_split_into_the_documents_of_a_line_by_line_reading(
    tmp_path, monkeypatch, chunk
):
    """The splitter gallops over a document's bytes; what it yields is what reading the part
    line by line gives, whatever the chunk size: long documents, one-line documents, a graph
    seen again later, default-graph lines, odd spacing and a last line without a newline."""
    import kg.ingest.spark_output as output

    def quad(graph: int | None, n: int, end: str = " .\n") -> bytes:
        where = f" <urn:g:{graph}>" if graph is not None else ""
        return f'<urn:s:{n}> <urn:p> "a <urn:g:9> .{n}"{where}{end}'.encode()

    lines = [quad(1, n) for n in range(500)] + [quad(2, 0)] + [quad(3, n) for n in range(40)]
    lines += [quad(None, 1), quad(None, 2), quad(4, 1, "  .\n"), quad(4, 2)]
    lines += [quad(1, n) for n in range(500, 800)]  # graph 1 again: galloping lands in it
    lines += [quad(5, n) for n in range(30)] + [quad(5, 30, " .")]
    part = tmp_path / "part-00000.nq.gz"
    part.write_bytes(gzip.compress(b"".join(lines)))
    expected: list[tuple[str, bytes]] = []
    for line in lines:
        graph = output.graph_of(line).decode()
        if expected and expected[-1][0] == graph:
            expected[-1] = (graph, expected[-1][1] + line)
        else:
            expected.append((graph, line))
    monkeypatch.setattr(output, "CHUNK_BYTES", chunk)
    assert list(output.iter_documents([part])) == expected


def test_a_killed_load_is_completed_by_loading_again(output, tmp_path):
    """Killed (PIKG_FAULT of kg.graph.store) after the first batch is committed, while the
    second is loaded on the background thread but not committed: the next `kg load` removes
    the half-loaded graph and loads it again, giving the store an uninterrupted load gives."""
    import os
    import signal
    import subprocess
    import sys

    command = [sys.executable, "-m", "kg", "load", str(output), "--batch-mb", "0", "--store"]
    reference, store = tmp_path / "reference", tmp_path / "killed"
    assert subprocess.run([*command, str(reference)], capture_output=True).returncode == 1
    killed = subprocess.run(
        [*command, str(store)],
        capture_output=True,
        env={**os.environ, "PIKG_FAULT": "before-commit:2"},
    )
    assert killed.returncode == -signal.SIGKILL
    with Store(store, read_only=True) as partial:  # read-only: not recovered yet
        committed, loaded = set(partial.committed()), set(partial.document_graphs())
    assert len(committed) == 1 and loaded - committed
    again = runner.invoke(app, ["load", str(output), "--store", str(store)])
    assert "1 loaded, 0 replaced, 1 unchanged, 1 failed" in again.output
    dumps = []
    for path in (store, reference):
        with Store(path, read_only=True) as done:
            dumps.append(set(done.dump("nquads").decode().splitlines()))
    assert dumps[0] == dumps[1]
