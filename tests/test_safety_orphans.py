"""Issue 19.3: no child of pikg outlives a ``kill -9`` of its parent (Linux).

Each test starts the real command in a subprocess, waits until its children run, records
them (PID and kernel start time, so a reused PID is not mistaken for a survivor), kills the
parent with SIGKILL (no clean-up code runs) and expects every child gone within 5 s.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kg.graph.server import remove_orphan_snapshots, serve
from kg.graph.store import Store

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux only"
)
SAMPLES = Path(__file__).resolve().parents[1] / "kg" / "data" / "samples"
KG = [sys.executable, "-c", "from kg.cli import main; main()"]


def _stat(pid: int) -> tuple[int, str] | None:
    """(parent PID, start time) of a live process, None once it is gone (or a zombie)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (None if fields[0] == "Z" else (int(fields[1]), fields[19])) if fields else None


def _children(parent: int) -> dict[int, str]:
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            stat = _stat(int(entry.name))
            if stat is not None and stat[0] == parent:
                found[int(entry.name)] = stat[1]
    return found


def _wait_for_children(parent: int, count: int, timeout: float = 60) -> dict[int, str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        children = _children(parent)
        if len(children) >= count:
            return children
        time.sleep(0.05)
    raise AssertionError(f"process {parent} did not start {count} children in {timeout} s")


def _survivors(children: dict[int, str], within: float = 5.0) -> list[int]:
    deadline = time.monotonic() + within
    while True:
        alive = [pid for pid, started in children.items() if (_stat(pid) or (0, ""))[1] == started]
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.05)


def test_kill_9_of_ingest_leaves_no_worker(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    text = (SAMPLES / "103_yunxi_education_bureau.txt").read_text(encoding="utf-8")
    for number in range(40):  # distinct contents: none is skipped as already ingested
        (folder / f"{number:03d}.txt").write_text(f"{text}\n{number}\n", encoding="utf-8")
    ingest = subprocess.Popen(
        [*KG, "ingest", str(folder), "--store", str(tmp_path / "store"), "-j", "2", "-q"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        workers = _wait_for_children(ingest.pid, 2)
    finally:
        ingest.send_signal(signal.SIGKILL)
        ingest.wait()
    assert _survivors(workers) == []


def test_kill_9_of_serve_leaves_no_oxigraph_and_the_next_serve_removes_the_snapshot(tmp_path):
    with Store(tmp_path / "store") as store:
        store.ensure_ontology()
    snapshots = tmp_path / "tmp"
    snapshots.mkdir()
    server = subprocess.Popen(
        [*KG, "serve", "--store", str(tmp_path / "store"), "--port", "0"],
        env={**os.environ, "TMPDIR": str(snapshots)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        assert server.stderr is not None
        assert "SPARQL endpoint" in server.stderr.readline().decode()
        oxigraph = _wait_for_children(server.pid, 1)
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait()
    assert _survivors(oxigraph) == []
    left = list(snapshots.glob("kg-serve-*"))
    assert len(left) == 1  # nobody cleaned up after the killed server ...
    # ... until the next one starts: it removes folders whose owner is gone, not live ones.
    live = snapshots / "kg-serve-live"
    shutil.copytree(left[0], live, ignore=shutil.ignore_patterns("store"))
    (live / "owner").write_text(f"{os.getpid()} {_stat(os.getpid())[1]}")
    assert remove_orphan_snapshots(snapshots) == left
    assert live.exists()
    with serve(tmp_path / "store", timeout_s=5) as fresh:
        assert fresh.process.poll() is None


CROSS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
"""A three-way cross product: ~10^10 rows on the ontology alone, i.e. it never ends."""


@pytest.fixture
def ontology_store(tmp_path):
    with Store(tmp_path / "store") as store:
        store.ensure_ontology()
    return tmp_path / "store"


def test_kg_query_time_limit_stops_a_runaway_query(ontology_store):
    started = time.monotonic()
    done = subprocess.run(
        [*KG, "query", CROSS, "--timeout", "1", "--store", str(ontology_store)],
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.decode().strip().splitlines() == [
        "kg: error: query stopped after the time limit of 1 s (raise it with --timeout)"
    ]
    assert time.monotonic() - started < 15  # start-up plus the 1 s limit, not the query


def test_ctrl_c_stops_kg_query_and_its_child(ontology_store):
    query = subprocess.Popen(
        [*KG, "query", CROSS, "--timeout", "0", "--store", str(ontology_store)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    children = _wait_for_children(query.pid, 1)
    time.sleep(0.5)  # the child is deep in the query engine now
    query.send_signal(signal.SIGINT)
    assert query.wait(timeout=10) == 130
    assert query.stderr is not None
    assert query.stderr.read().decode().strip().splitlines()[-1] == "kg: interrupted"
    assert _survivors(children) == []
