"""Issue 19.2: SPARQL ``SERVICE`` never reaches another host unless the user allows it.

A TCP listener on loopback stands for an intranet host; every refused path must leave it
without a single connection. The control test shows that pyoxigraph itself *does* connect,
so the listener would notice a request that got through.
"""

from __future__ import annotations

import socket
import threading
import time

import httpx
import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from kg.audit import run_audit
from kg.audit.sparql_rules import sparql_rule
from kg.cli import app
from kg.errors import KgError
from kg.graph.server import serve
from kg.graph.sparql_guard import check_service, service_targets
from kg.graph.store import Store

runner = CliRunner()


class Listener:
    """Counts connections to a loopback port (and answers none of them)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            conn.close()

    def settle(self) -> int:
        time.sleep(0.3)  # let a request in flight arrive before counting
        return self.connections

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()


@pytest.fixture
def listener():
    lst = Listener()
    yield lst
    lst.close()


@pytest.fixture
def store_dir(tmp_path):
    path = tmp_path / "store"
    with Store(path) as store:
        store.ensure_ontology()
    return path


def _service(port: int) -> str:
    return f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"


def test_control_pyoxigraph_does_send_the_request(listener):
    with pytest.raises(OSError):
        list(ox.Store().query(_service(listener.port)))
    assert listener.settle() == 1


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * {{ SERVICE <http://127.0.0.1:{port}/x> {{ ?s ?p ?o }} }}",
        "select * {{ service silent <http://127.0.0.1:{port}/x> {{ ?s ?p ?o }} }}",
        r"SELECT * {{ \u0053ERVICE <http://127.0.0.1:{port}/x> {{ ?s ?p ?o }} }}",
        "PREFIX h: <http://127.0.0.1:{port}/> SELECT * {{ SERVICE h:x {{ ?s ?p ?o }} }}",
        "SELECT * {{ BIND(<http://127.0.0.1:{port}/x> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
        "SELECT * {{ ?s ?p ?o .SERVICE<http://127.0.0.1:{port}/x>{{}} }}",
    ],
)
def test_kg_query_refuses_every_spelling(store_dir, listener, query):
    result = runner.invoke(
        app, ["query", query.format(port=listener.port), "--store", str(store_dir)]
    )
    assert isinstance(result.exception, KgError)
    assert "SERVICE" in str(result.exception) and "refused" in str(result.exception)
    assert "--allow-service" in str(result.exception)
    assert listener.settle() == 0


def test_words_in_strings_comments_and_names_are_not_service():
    text = (
        "PREFIX ex: <http://example.org/SERVICE/> # SERVICE <http://x/>\n"
        "SELECT ?service WHERE { ?service ex:SERVICE 'SERVICE <http://x/>' }"
    )
    assert service_targets(text) == []
    check_service(text)


def test_allow_service_opts_in_for_the_named_host_only(store_dir, listener):
    query = _service(listener.port)
    other = runner.invoke(
        app, ["query", query, "--allow-service", "example.org", "--store", str(store_dir)]
    )
    assert "not one of --allow-service example.org" in str(other.exception)
    assert listener.settle() == 0
    allowed = runner.invoke(
        app, ["query", query, "--allow-service", "127.0.0.1", "--store", str(store_dir)]
    )
    assert "SERVICE" not in str(allowed.exception)  # it got through, and failed on the wire
    assert listener.settle() == 1


def test_custom_audit_rule_with_service_is_refused_naming_the_file(store_dir, tmp_path, listener):
    rule = tmp_path / "federated.rq"
    rule.write_text(
        f"# title: federated\nSELECT ?node ?message WHERE {{ SERVICE <http://127.0.0.1:"
        f"{listener.port}/q> {{ ?node ?p ?message }} }}\n",
        encoding="utf-8",
    )
    with Store(store_dir) as store:
        with pytest.raises(KgError, match=r"federated\.rq: SERVICE .* refused"):
            run_audit(store, rule_files=[rule], write=False)
        assert sparql_rule(rule, store, allow_service=["127.0.0.1"]).id == "custom.federated"
    result = runner.invoke(
        app, ["audit", "--store", str(store_dir), "--rules", str(rule), "--no-write"]
    )
    assert result.exit_code != 0
    assert listener.settle() == 0


def test_kg_serve_answers_403_and_the_listener_hears_nothing(store_dir, listener):
    with serve(store_dir, timeout_s=5) as server:
        query = _service(listener.port)
        for response in (
            httpx.get(server.query_url, params={"query": query}),
            httpx.post(
                server.query_url,
                content=query.encode(),
                headers={"Content-Type": "application/sparql-query"},
            ),
            httpx.post(server.query_url, data={"query": query}),
            httpx.post(
                f"{server.url}/update",
                content=f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <http://127.0.0.1:"
                f"{listener.port}/> {{ ?s ?p ?o }} }}".encode(),
                headers={"Content-Type": "application/sparql-update"},
            ),
        ):
            assert response.status_code == 403
            assert "SERVICE" in response.text and "refused" in response.text
        ok = httpx.get(
            server.query_url,
            params={"query": "ASK { ?s ?p ?o }"},
            headers={"Accept": "application/sparql-results+json"},
        )
        assert ok.status_code == 200 and ok.json()["boolean"] is True
    assert listener.settle() == 0


def test_kg_serve_allow_service_forwards_the_query(store_dir, listener):
    with serve(store_dir, timeout_s=5, allow_service=["127.0.0.1"]) as server:
        response = httpx.get(server.query_url, params={"query": _service(listener.port)})
        assert response.status_code != 403
    assert listener.settle() == 1


def test_kg_serve_reads_chunked_bodies_and_checks_them(store_dir, listener):
    def chunks(text: str):
        data = text.encode()
        for start in range(0, len(data), 7):
            yield data[start : start + 7]

    with serve(store_dir, timeout_s=5) as server:
        headers = {"Content-Type": "application/sparql-query"}
        refused = httpx.post(
            server.query_url, content=chunks(_service(listener.port)), headers=headers
        )
        assert refused.status_code == 403 and "SERVICE" in refused.text
        ok = httpx.post(
            server.query_url,
            content=chunks("ASK { ?s ?p ?o }"),
            headers={**headers, "Accept": "application/sparql-results+json"},
        )
        assert ok.status_code == 200 and ok.json()["boolean"] is True
    assert listener.settle() == 0
