"""``kg push`` against real servers: a second ``oxigraph serve`` on loopback, and Debian's
Virtuoso 7 when it is installed (``scripts/install-system-deps.sh``).

A small proxy in front of the target fails the push on purpose (an HTTP 500, a dropped
connection, a request cut in half), refuses big requests the way Virtuoso does ("memory
exhausted"), or asks for Basic or Digest authentication. Whatever fails, the target graph
must hold exactly what it held before.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pyoxigraph as ox
import pytest

from kg.errors import KgError
from kg.graph.server import PUSH_TMP_PREFIX, free_port, push, start_oxigraph
from kg.graph.store import Store
from kg.ingest import ingest

GRAPH = "https://w3id.org/pikg/graph/doc/00000000000000aa"
JSON = {"Accept": "application/sparql-results+json"}
USER, PASSWORD, REALM, NONCE = "dba", "s3cret", "pikg-test", "8a6c9f"


def _triples(version: str, n: int) -> list[ox.Triple]:
    return [
        ox.Triple(ox.NamedNode(f"urn:s{i}"), ox.NamedNode("urn:v"), ox.Literal(f"{version} {i}"))
        for i in range(n)
    ]


def _source(version: str, n: int = 2500) -> Store:
    store = Store()
    store.replace_graph(GRAPH, _triples(version, n))
    return store


def _rows(query_url: str, query: str, auth: httpx.Auth | None = None) -> list[dict]:
    response = httpx.get(query_url, params={"query": query}, headers=JSON, auth=auth, timeout=30)
    response.raise_for_status()
    return response.json()["results"]["bindings"]


def _content(query_url: str) -> set[tuple[str, str]]:
    rows = _rows(query_url, f"SELECT ?s ?o WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}")
    return {(r["s"]["value"], r["o"]["value"]) for r in rows}


def _graph_names(query_url: str) -> set[str]:
    rows = _rows(query_url, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    return {r["g"]["value"] for r in rows}


class Proxy:
    """Forwards to ``upstream``; ``rule(number, body, headers)`` may return "fail", "cut",
    "truncate", "refuse" (Virtuoso's size refusal) or None; ``challenge`` makes the proxy ask
    for Basic or Digest authentication itself (else credentials pass through)."""

    def __init__(
        self,
        upstream: str,
        rule: Callable[[int, bytes, dict], str | None] | None = None,
        challenge: str | None = None,
    ):
        self.upstream, self.rule, self.challenge = upstream, rule, challenge
        self.requests: list[bytes] = []
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def authorised(self, method: str, path: str, header: str) -> bool:
        if self.challenge == "basic":
            import base64

            return header == "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        fields = dict(re.findall(r'(\w+)="?([^",]*)"?', header.removeprefix("Digest ")))
        if not header.startswith("Digest ") or fields.get("username") != USER:
            return False

        def md5(text: str) -> str:
            return hashlib.md5(text.encode()).hexdigest()

        ha1, ha2 = md5(f"{USER}:{REALM}:{PASSWORD}"), md5(f"{method}:{fields.get('uri')}")
        expected = md5(
            f"{ha1}:{NONCE}:{fields.get('nc')}:{fields.get('cnonce')}:{fields.get('qop')}:{ha2}"
        )
        return fields.get("response") == expected and fields.get("uri") == path

    def _handler(self):
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status: int, body: bytes, headers: dict | None = None) -> None:
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _any(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if proxy.challenge and not proxy.authorised(
                    self.command, self.path, self.headers.get("Authorization", "")
                ):
                    scheme = (
                        f'Digest realm="{REALM}", nonce="{NONCE}", qop="auth", algorithm=MD5'
                        if proxy.challenge == "digest"
                        else f'Basic realm="{REALM}"'
                    )
                    return self._send(401, b"", {"WWW-Authenticate": scheme})
                proxy.requests.append(body)
                headers = {
                    k: v
                    for k, v in self.headers.items()
                    if k.lower() not in ("host", "content-length")
                    and not (proxy.challenge and k.lower() == "authorization")
                }
                number = len(proxy.requests)
                action = proxy.rule(number, body, headers) if proxy.rule else None
                if action == "fail":
                    return self._send(500, b"forced failure")
                if action == "refuse":
                    return self._send(500, b"Virtuoso 42000 Error SR483: memory exhausted")
                if action == "cut":
                    self.close_connection = True
                    return
                if action == "truncate":
                    body = body[: len(body) // 2]
                answer = httpx.request(
                    self.command,
                    proxy.upstream + self.path,
                    content=body,
                    headers=headers,
                    timeout=60,
                )
                passed = {
                    k: v
                    for k, v in answer.headers.items()
                    if k.lower()
                    not in ("content-length", "transfer-encoding", "connection", "content-encoding")
                }
                self._send(answer.status_code, answer.content, passed)

            do_GET = do_POST = do_PUT = do_DELETE = _any

        return Handler


@pytest.fixture
def target(tmp_path):
    with start_oxigraph(tmp_path / "target", read_only=False) as server:
        push(_source("old", 2000), endpoint=f"{server.url}/update", graphs=[GRAPH])
        yield server


def _old() -> set[tuple[str, str]]:
    return {(t.subject.value, t.object.value) for t in _triples("old", 2000)}


@pytest.mark.parametrize("method", ["swap", "single"])
@pytest.mark.parametrize("failure", ["fail", "cut", "truncate"])
def test_a_push_that_fails_midway_leaves_the_target_graph_as_it_was(target, method, failure):
    assert _content(target.query_url) == _old()
    # swap: the third request (the third chunk of 1000); single: its only request
    nth = 3 if method == "swap" else 1
    proxy = Proxy(target.url, lambda number, _body, _headers: failure if number == nth else None)
    try:
        with pytest.raises(KgError, match=r"failed|HTTP"):
            push(_source("new"), endpoint=f"{proxy.url}/update", graphs=[GRAPH], method=method)
        assert len(proxy.requests) >= nth
    finally:
        proxy.close()
    assert _content(target.query_url) == _old()
    assert not any(g.startswith(PUSH_TMP_PREFIX) for g in _graph_names(target.query_url))
    push(_source("new"), endpoint=f"{target.url}/update", graphs=[GRAPH], method=method)
    assert _content(target.query_url) == {
        (t.subject.value, t.object.value) for t in _triples("new", 2500)
    }


def test_a_graph_store_put_that_fails_leaves_the_target_graph_as_it_was(target):
    proxy = Proxy(target.url, lambda _number, _body, _headers: "truncate")
    try:
        with pytest.raises(KgError, match="PUT"):
            push(_source("new"), graph_store=f"{proxy.url}/store", graphs=[GRAPH])
    finally:
        proxy.close()
    assert _content(target.query_url) == _old()


def test_chunks_shrink_when_the_server_refuses_them_for_their_size(target):
    def refuse_big(_number: int, body: bytes, _headers: dict) -> str | None:
        return "refuse" if body.count(b"\n") > 300 else None

    proxy = Proxy(target.url, refuse_big)
    try:
        summary = push(_source("new"), endpoint=f"{proxy.url}/update", graphs=[GRAPH])
    finally:
        proxy.close()
    assert summary.chunk_triples == 250 and summary.triples == 2500  # 1000 → 500 → 250
    assert len(_content(target.query_url)) == 2500


def test_a_refusal_below_the_smallest_chunk_is_one_line(target):
    proxy = Proxy(target.url, lambda _number, _body, _headers: "refuse")
    try:
        with pytest.raises(KgError, match="memory exhausted"):
            push(_source("new"), endpoint=f"{proxy.url}/update", graphs=[GRAPH])
    finally:
        proxy.close()
    assert _content(target.query_url) == _old()


@pytest.mark.parametrize("scheme", ["basic", "digest"])
def test_authentication_follows_the_servers_challenge(target, scheme):
    proxy = Proxy(target.url, challenge=scheme)
    try:
        with pytest.raises(KgError, match="HTTP 401"):
            push(_source("new"), endpoint=f"{proxy.url}/update", graphs=[GRAPH])
        wrong = "digest" if scheme == "basic" else "basic"
        with pytest.raises(KgError, match="HTTP 401"):
            push(
                _source("new"),
                endpoint=f"{proxy.url}/update",
                graphs=[GRAPH],
                auth=(USER, PASSWORD),
                auth_scheme=wrong,
            )
        summary = push(
            _source("new"), endpoint=f"{proxy.url}/update", graphs=[GRAPH], auth=(USER, PASSWORD)
        )
    finally:
        proxy.close()
    assert summary.triples == 2500 and len(_content(target.query_url)) == 2500


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"endpoint": "localhost:3030/ds/update"}, "--endpoint needs an http"),
        ({"endpoint": "ftp://127.0.0.1/update"}, "--endpoint needs an http"),
        ({"graph_store": "not a url"}, "--graph-store needs an http"),
        ({"endpoint": "http://127.0.0.1:1/update"}, "push to http://127.0.0.1:1/update failed"),
        ({"endpoint": "http://127.0.0.1:1/update", "method": "both"}, "unknown push method"),
        ({"endpoint": "http://127.0.0.1:1/update", "chunk_triples": 0}, "--chunk must be"),
    ],
)
def test_bad_targets_are_one_line(kwargs, message):
    with pytest.raises(KgError, match=re.escape(message)) as caught:
        push(_source("new", 10), graphs=[GRAPH], **kwargs)
    assert "\n" not in str(caught.value)


VIRTUOSO_INI = """[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = .

[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = /var/lib/virtuoso-opensource-7/vsp
MaxClientConnections = 4
ServerThreads = 4

[SPARQL]
ResultSetMaxRows = 10000
MaxQueryExecutionTime = 60
"""


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    """Debian's Virtuoso 7 on loopback ports, a fresh database (user dba, password dba)."""
    binary = shutil.which("virtuoso-t")
    if binary is None:
        pytest.skip("virtuoso-t not installed (scripts/install-system-deps.sh installs it)")
    folder = tmp_path_factory.mktemp("virtuoso")
    http = free_port()
    (folder / "virtuoso.ini").write_text(
        VIRTUOSO_INI.format(d=folder, sql=free_port(), http=http), encoding="utf-8"
    )
    process = subprocess.Popen(
        [binary, "+configfile", str(folder / "virtuoso.ini"), "+foreground"],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{http}"
    try:
        for _ in range(240):  # at most ~60 s; a fresh database takes ~1.5 s
            try:
                if httpx.get(f"{url}/sparql", params={"query": "ASK {}"}, timeout=2).is_success:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, (folder / "virtuoso.log").read_text()[-2000:]
            time.sleep(0.25)
        else:
            pytest.fail("Virtuoso did not answer within 60 s")
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _virtuoso_content(url: str) -> set[tuple[str, str]]:
    return _content(f"{url}/sparql")


@pytest.mark.parametrize("method", ["swap", "single"])
def test_push_to_virtuoso_with_digest_and_a_midway_failure(virtuoso, method):
    """Virtuoso's ``/sparql-auth`` wants Digest; its compiler refuses big INSERT DATA
    requests ("memory exhausted"): the default push gets through, a failure changes nothing."""
    update = f"{virtuoso}/sparql-auth"
    dba = ("dba", "dba")
    push(_source("old", 2000), update, graphs=[GRAPH], auth=dba)
    assert _virtuoso_content(virtuoso) == _old()

    def fail_midway(_number: int, body: bytes, headers: dict) -> str | None:
        # with credentials, and past the first chunk when there are chunks
        marker = b"<urn:s1500>" if method == "swap" else b"INSERT DATA"
        return "truncate" if "Authorization" in headers and marker in body else None

    proxy = Proxy(virtuoso, fail_midway)
    try:
        with pytest.raises(KgError, match="HTTP 400"):
            push(
                _source("new"), f"{proxy.url}/sparql-auth", graphs=[GRAPH], auth=dba, method=method
            )
    finally:
        proxy.close()
    assert _virtuoso_content(virtuoso) == _old()
    assert not any(g.startswith(PUSH_TMP_PREFIX) for g in _graph_names(f"{virtuoso}/sparql"))
    summary = push(_source("new"), update, graphs=[GRAPH], auth=dba, method=method)
    assert summary.triples == 2500
    assert len(_virtuoso_content(virtuoso)) == 2500


def test_virtuoso_refusals_shrink_the_chunks(virtuoso, seed_path):
    """A real seed graph (34,652 triples) in chunks of 5,000: Virtuoso refuses them (memory
    exhausted), the push halves them until they pass, and every triple arrives."""
    store = Store()
    assert ingest([seed_path("000")], store, jobs=1).ok
    graph = store.document_graphs()[0]
    summary = push(
        store, f"{virtuoso}/sparql-auth", graphs=[graph], auth=("dba", "dba"), chunk_triples=5000
    )
    assert summary.chunk_triples < 5000 and summary.triples == store.triple_count(graph)
    count = _rows(
        f"{virtuoso}/sparql", f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    )
    assert int(count[0]["n"]["value"]) == store.triple_count(graph)


def test_named_queries_give_the_same_rows_on_virtuoso(virtuoso, seeds_dir, samples_dir):
    """Push the seeds and samples, then run every named query on Virtuoso (whose default
    graph is not pikg's): the same rows as on the local store. Only what SPARQL leaves open
    may differ: the order of rows that tie on ORDER BY, and of GROUP_CONCAT parts."""
    from kg.graph import queries
    from kg.graph.namespace import sparql_prolog

    store = Store()
    assert ingest([seeds_dir, samples_dir], store, jobs=2).ok
    push(store, f"{virtuoso}/sparql-auth", auth=("dba", "dba"))

    def normal(row: tuple) -> tuple:
        return tuple(" | ".join(sorted(v.split(" | "))) if v else v for v in row)

    for query in queries.all_queries():
        params = {"file": "000_96d939c67dd7b28c.txt", "line": "40"}
        text = query.render(params if query.name == "trace-line" else None)
        result = store.query(text)
        names = [v.value for v in result.variables]
        local = [tuple(s[n].value if s[n] is not None else None for n in names) for s in result]
        response = httpx.post(
            f"{virtuoso}/sparql", data={"query": sparql_prolog() + text}, headers=JSON, timeout=60
        )
        assert response.status_code == 200, (query.name, response.text[:300])
        remote = [
            tuple(b.get(n, {}).get("value") for n in names)
            for b in response.json()["results"]["bindings"]
        ]
        assert local, query.name
        assert sorted(map(normal, remote), key=str) == sorted(map(normal, local), key=str), (
            query.name
        )
