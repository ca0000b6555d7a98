"""`kg ingest` as the docs show it, including idempotence and recovery from a killed run."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from typer.testing import CliRunner

from kg.cli import app
from kg.store import Store

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
    assert "4 unchanged" in second.output
    assert _snapshot(store) == before


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
    started = time.time()
    subprocess.run([*command, "--store", str(reference)], check=True, capture_output=True)
    halfway = (time.time() - started) / 2

    store = tmp_path / "killed"
    proc = subprocess.Popen(
        [*command, "--store", str(store)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    time.sleep(halfway)  # one document at a time is loaded and committed: kill halfway
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    rerun = runner.invoke(app, ["ingest", str(folder), "--store", str(store), "-j", "1", "-q"])
    assert rerun.exit_code == 0, rerun.output
    assert _snapshot(store) == _snapshot(reference)
