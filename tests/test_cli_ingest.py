"""`kg ingest` as the docs show it, including idempotence and recovery from a killed run."""

from __future__ import annotations

import gc
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import KgError
from kg.graph.store import Store
from kg.ingest import ingest

runner = CliRunner()


def _link_seeds(seeds_dir: Path, target: Path) -> Path:
    target.mkdir()
    for seed in sorted(seeds_dir.glob("*.txt")):
        (target / seed.name).write_bytes(seed.read_bytes())
    return target


def _snapshot(path: Path) -> set[str]:
    store = Store(path, read_only=True)
    lines = set(store.dump("nquads").decode().splitlines())
    return lines


def test_ingest_twice_is_idempotent_and_summarises(seeds_dir, tmp_path):
    folder = _link_seeds(seeds_dir, tmp_path / "docs")
    store = tmp_path / "kg-store"
    first = runner.invoke(app, ["ingest", str(folder), "--store", str(store), "-j", "1", "-q"])
    assert first.exit_code == 0, first.output
    assert "4 ingested" in first.output and "724 indicators" in first.output
    before = _snapshot(store)
    second = runner.invoke(app, ["ingest", str(folder), "--store", str(store), "-q"])
    assert second.exit_code == 0, second.output
    # nothing new: it says the files were unchanged, not "0 indicators"
    assert second.output == (
        "4 file(s) unchanged since they were ingested; nothing to do (--force re-reads them)\n"
    )
    assert _snapshot(store) == before


def test_an_empty_folder_warns(tmp_path):
    (tmp_path / "empty").mkdir()
    result = runner.invoke(app, ["ingest", str(tmp_path / "empty"), "--store", str(tmp_path / "s")])
    assert result.exit_code == 0
    assert result.output == f"kg: warning: no documents in {tmp_path / 'empty'}; nothing ingested\n"


def test_bad_path_is_one_line_error(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "kg",
            "ingest",
            str(tmp_path / "missing"),
            "--store",
            str(tmp_path / "s"),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "no such file or folder" in result.stderr


def test_killed_ingest_rerun_equals_uninterrupted_run(seeds_dir, tmp_path):
    """Killed inside the run, after the first document is committed and while the second is
    loaded but not committed (the PIKG_FAULT hook of kg.graph.store): the partial state is checked
    to exist, then a re-run recovers it and equals an uninterrupted run."""
    folder = _link_seeds(seeds_dir, tmp_path / "docs")
    reference = tmp_path / "reference"
    command = [
        sys.executable,
        "-m",
        "kg",
        "ingest",
        str(folder),
        "-j",
        "1",
        "-q",
        "--batch-mb",
        "0",
    ]
    subprocess.run([*command, "--store", str(reference)], check=True, capture_output=True)

    store = tmp_path / "killed"
    killed = subprocess.run(
        [*command, "--store", str(store)],
        capture_output=True,
        env={**os.environ, "PIKG_FAULT": "before-commit:2"},
    )
    assert killed.returncode == -signal.SIGKILL
    partial = Store(store, read_only=True)  # read-only: no recovery yet
    committed = set(partial.committed())
    loaded = set(partial.document_graphs())
    partial.close()
    assert len(committed) == 1  # the first document made it
    assert loaded - committed  # the second is in the store without its commit record
    rerun = runner.invoke(app, ["ingest", str(folder), "--store", str(store), "-j", "1", "-q"])
    assert rerun.exit_code == 0, rerun.output
    assert _snapshot(store) == _snapshot(reference)


def test_parallel_ingest_from_an_unguarded_script(seeds_dir, tmp_path):
    """A script calling ingest() at top level (no ``if __name__ == "__main__"``) with the
    default jobs used to break the worker pool: spawned workers re-ran the script."""
    script = tmp_path / "ingest_seeds.py"
    script.write_text(
        "from kg.ingest import ingest\n"
        "from kg.graph.store import Store\n"
        f"summary = ingest([{str(seeds_dir)!r}], Store(), jobs=2)\n"
        "print(summary.ingested, len(summary.failed), summary.counts['indicators'])\n",
        encoding="utf-8",
    )
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["4", "0", "724"]


def test_jobs_2_gives_the_same_store_as_jobs_1(seeds_dir, tmp_path):
    serial, parallel = Store(), Store()
    ingest([seeds_dir], serial, jobs=1)
    summary = ingest([seeds_dir], parallel, jobs=2)
    assert summary.ingested == 4 and summary.ok
    assert set(parallel.dump("nquads").splitlines()) == set(serial.dump("nquads").splitlines())


def test_batches_loaded_in_the_background_give_the_same_store(seeds_dir, tmp_path):
    """One batch per document: every load overlaps the collection of the next batch."""
    one_batch, many = Store(), Store()
    ingest([seeds_dir], one_batch, jobs=1)
    summary = ingest([seeds_dir], many, jobs=2, batch_bytes=1)
    assert summary.ingested == 4 and summary.ok
    assert set(many.dump("nquads").splitlines()) == set(one_batch.dump("nquads").splitlines())


def test_a_failed_background_load_is_one_error_and_a_rerun_completes(seeds_dir, tmp_path):
    """A write error in the loader thread (disk full) reaches the caller as a KgError naming
    the store, no later load starts, and the next run completes the store."""
    reference = Store()
    ingest([seeds_dir], reference, jobs=1)
    path = tmp_path / "kg-store"
    store = Store(path)
    store._ox = _FailingOxigraph(store.oxigraph, fail_at=2)
    with pytest.raises(KgError, match="cannot write to the graph store: disk full") as caught:
        ingest([seeds_dir], store, jobs=1, batch_bytes=1)
    assert str(path) in str(caught.value)
    assert store._ox.loads == 2  # no load starts after a failed one
    del caught  # its traceback holds the store, whose last reference releases the lock
    store.close()
    gc.collect()
    summary = ingest([seeds_dir], Store(path), jobs=1)
    assert summary.ok and summary.ingested == 3 and summary.skipped == 1
    assert _snapshot(path) == set(reference.dump("nquads").decode().splitlines())


def test_a_failed_load_into_a_memory_store_names_no_path(seeds_dir):
    store = Store()
    store._ox = _FailingOxigraph(store.oxigraph, fail_at=1)
    with pytest.raises(KgError) as caught:
        ingest([seeds_dir], store, jobs=1)
    assert str(caught.value) == "cannot write to the graph store: disk full (simulated)"


class _FailingOxigraph:
    """A pyoxigraph store whose ``fail_at``-th bulk load fails like a full disk."""

    def __init__(self, inner, fail_at: int):
        self.inner, self.fail_at, self.loads = inner, fail_at, 0

    def bulk_load(self, *args, **kwargs):
        self.loads += 1
        if self.loads == self.fail_at:
            raise OSError("disk full (simulated)")
        return self.inner.bulk_load(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.inner, name)


def test_an_unforeseen_failure_is_one_line_and_its_traceback_is_logged(
    seeds_dir, monkeypatch, caplog
):
    def broken(path, recorded_path, version):
        raise RuntimeError("boom")

    monkeypatch.setattr("kg.ingest.local.process_file", broken)
    with caplog.at_level("DEBUG", logger="kg.ingest"):
        summary = ingest([seeds_dir / "003_2709046b083e087d.txt"], Store(), jobs=1)
    assert [message for _, message in summary.failed] == [
        "003_2709046b083e087d.txt: RuntimeError: boom"
    ]
    assert "Traceback" in caplog.text and 'raise RuntimeError("boom")' in caplog.text


def test_without_the_nlp_stage_a_file_fails_instead_of_ingesting_half(seeds_dir, monkeypatch):
    """No document may reach the store without its NLP fields under the same pipeline version."""
    monkeypatch.setitem(sys.modules, "kg.nlp", None)  # `from kg.nlp import …` raises ImportError
    summary = ingest([seeds_dir / "003_2709046b083e087d.txt"], Store(), jobs=1)
    assert summary.ingested == 0
    assert [message.split(": ")[1] for _, message in summary.failed] == ["ModuleNotFoundError"]


def test_an_unreadable_file_in_a_folder_is_one_line_and_the_rest_is_ingested(samples_dir, tmp_path):
    """A link to /proc/self/mem (reading it fails with EIO) and a link to a file that is gone:
    each one line naming it; the sample beside them is ingested."""
    folder = tmp_path / "docs"
    folder.mkdir()
    sample = sorted(samples_dir.glob("*.txt"))[0]
    (folder / sample.name).write_bytes(sample.read_bytes())
    (folder / "mem.txt").symlink_to("/proc/self/mem")
    gone = tmp_path / "gone.txt"
    gone.write_text("x", encoding="utf-8")
    (folder / "gone.txt").symlink_to(gone)
    gone.unlink()
    result = runner.invoke(app, ["ingest", str(folder), "--store", str(tmp_path / "s"), "-q"])
    assert result.exit_code == 1
    assert "1 ingested" in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("kg: error:")]
    assert [line.split("docs/")[1] for line in errors] == [
        "mem.txt: cannot read (Input/output error)"
    ]
    assert "gone.txt: symbolic link to nothing" in result.output


def test_a_failed_file_is_named_as_ingest_records_it(samples_dir, tmp_path):
    """A white-space-only text and a corrupt workbook: each error line names the file as ingest
    records it (the folder's name, then the path inside it; a bare file argument by its name),
    never by its absolute path; the sample beside them is ingested."""
    folder = tmp_path / "docs"
    (folder / "sub").mkdir(parents=True)
    sample = sorted(samples_dir.glob("*.txt"))[0]
    (folder / sample.name).write_bytes(sample.read_bytes())
    (folder / "sub" / "blank.txt").write_text(" \n\u3000\n  \n", encoding="utf-8")
    (folder / "broken.xlsx").write_bytes(b"PK\x03\x04 not a zip archive")
    lone = tmp_path / "lone.txt"
    lone.write_text("   \n", encoding="utf-8")
    args = [str(folder), str(lone), "--store", str(tmp_path / "s"), "-j", "1", "-q"]
    result = runner.invoke(app, ["ingest", *args])
    assert result.exit_code == 1
    assert "1 ingested" in result.output
    errors = sorted(line for line in result.output.splitlines() if line.startswith("kg: error:"))
    assert [line.split(": ")[2] for line in errors] == [
        "docs/broken.xlsx",
        "docs/sub/blank.txt",
        "lone.txt",
    ]
    assert not any(str(tmp_path) in line for line in errors)
