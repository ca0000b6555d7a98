"""`kg serve` as the docs show it: a subprocess serving the store on a loopback port."""

from __future__ import annotations

import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx

from kg.graph.mapping import map_document
from kg.graph.server import free_port
from kg.graph.store import Store
from kg.model import Document, SourceRef


def test_kg_serve_subprocess(tmp_path):
    path = tmp_path / "kg-store"
    store = Store(path)
    mapped = map_document(Document(SourceRef("a.txt", "5" * 64), title="某局2021年预算"))
    store.bulk_add_documents([(mapped.graph, "v", mapped.nquads)])
    store.close()
    port = free_port()
    snapshots_before = set(Path(tempfile.gettempdir()).glob("kg-serve-*"))
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kg",
            "serve",
            "--store",
            str(path),
            "--port",
            str(port),
            "--timeout",
            "5",
        ],
        stderr=subprocess.PIPE,
    )
    try:
        ready = proc.stderr.readline().decode()  # printed once the endpoint answers
        assert f"http://127.0.0.1:{port}/query" in ready and "read-only" in ready
        url = f"http://127.0.0.1:{port}/query"
        response = httpx.get(
            url,
            params={"query": "ASK { ?d <http://purl.org/dc/terms/title> ?t }"},
            headers={"Accept": "application/sparql-results+json"},
        )
        assert response.json()["boolean"] is True
        refused = httpx.post(
            url.replace("/query", "/update"),
            content=b"DROP ALL",
            headers={"Content-Type": "application/sparql-update"},
        )
        assert refused.status_code >= 400
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)
    # the snapshot it served is removed on SIGTERM
    assert set(Path(tempfile.gettempdir()).glob("kg-serve-*")) <= snapshots_before


def test_kg_serve_without_store_is_one_line_error(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "kg", "serve", "--store", str(tmp_path / "none")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2 and "no graph store here" in result.stderr
    assert result.stderr.strip().count("\n") == 0
