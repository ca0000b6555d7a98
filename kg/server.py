"""The graph over HTTP: a read-only SPARQL endpoint (``kg serve``) and ``kg push``.

**Serve.** The ``oxigraph`` server binary (from the ``oxigraph`` PyPI package) answers SPARQL
1.1 Protocol queries. RocksDB locks a store directory for one writer and a read-only opener
next to a writer is undefined behaviour, so :func:`serve` never serves the live directory: it
takes a consistent snapshot with :meth:`pyoxigraph.Store.backup` (hard links where possible,
so it is cheap) into a temporary directory and runs ``oxigraph serve-read-only`` on it, bound
to 127.0.0.1, with the union default graph (like ``kg query``) and a query time limit.
Updates are refused by the read-only server; ``kg ingest`` can keep writing the live store,
and a restarted ``kg serve`` shows the new state.

The oxigraph server listens on a private loopback port; clients talk to a small gateway in
this process (:class:`Gateway`) that refuses every query or update with a ``SERVICE`` clause
(HTTP 403, see :mod:`kg.sparql_guard`) unless ``allow_service`` names its host, so the
endpoint cannot be used to reach other hosts. The oxigraph child gets ``SIGKILL`` when its
parent dies (Linux ``PR_SET_PDEATHSIG``), and a snapshot folder left by a killed ``kg serve``
is removed by the next one.

**Push.** :func:`push` copies named graphs into any SPARQL 1.1 store: by the Graph Store
Protocol (one ``PUT ?graph=…`` per graph, N-Triples body) when a graph-store URL is given,
else by SPARQL Update (``DROP SILENT GRAPH`` then ``INSERT DATA`` in chunks of N triples) —
Fuseki, GraphDB, Virtuoso and Oxigraph speak both. Terms are serialised by pyoxigraph, never
pasted from document text.
"""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pyoxigraph as ox

from kg.children import die_with_parent
from kg.errors import KgError
from kg.sparql_guard import check_service
from kg.store import CATALOG_GRAPH, Store

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7878
DEFAULT_TIMEOUT_S = 30
DEFAULT_CHUNK = 5000


def oxigraph_binary() -> str:
    """The ``oxigraph`` server executable: next to this Python, else on ``PATH``."""
    local = Path(sys.executable).parent / "oxigraph"
    if local.is_file():
        return str(local)
    found = shutil.which("oxigraph")
    if not found:
        raise KgError("the oxigraph server is not installed (pip install oxigraph)")
    return found


def free_port(host: str = DEFAULT_HOST) -> int:
    """A TCP port that is free on ``host`` right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    """A running ``oxigraph`` server process and the snapshot it serves."""

    process: subprocess.Popen
    host: str
    port: int
    location: Path
    cleanup: Path | None = None
    gateway: Gateway | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def query_url(self) -> str:
        return f"{self.url}/query"

    def stop(self) -> None:
        """Stop the server (and its gateway) and delete the snapshot it served."""
        if self.gateway is not None:
            self.gateway.stop()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.cleanup is not None:
            shutil.rmtree(self.cleanup, ignore_errors=True)

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def snapshot(store_path: str | Path, target: str | Path) -> Path:
    """A consistent copy of an on-disk store (RocksDB checkpoint; hard links when possible)."""
    source = Path(store_path)
    if not source.is_dir():
        raise KgError("no graph store here (run `kg ingest` first)", str(source))
    try:
        ox.Store.read_only(str(source)).backup(str(target))
    except OSError as exc:
        raise KgError(f"cannot snapshot the graph store: {exc}", str(source)) from None
    return Path(target)


def drain_stderr(
    process: subprocess.Popen, keep: int = 50
) -> tuple[deque[bytes], threading.Thread]:
    """Read a child's stderr pipe in a thread until it closes, keeping the last ``keep`` lines.

    Nobody else reads the pipe after start-up; once its 64 KiB fill, a chatty server would
    block on its next log line. The tail explains why a server stopped.
    """
    tail: deque[bytes] = deque(maxlen=keep)
    thread = threading.Thread(target=tail.extend, args=(process.stderr or (),), daemon=True)
    thread.start()
    return tail, thread


def start_oxigraph(
    location: str | Path,
    *,
    host: str = DEFAULT_HOST,
    port: int | None = None,
    read_only: bool = True,
    timeout_s: int = DEFAULT_TIMEOUT_S,
    cleanup: Path | None = None,
    wait_s: float = 30.0,
) -> Server:
    """Start ``oxigraph serve-read-only`` (or writable ``serve``) and wait until it answers."""
    port = port or free_port(host)
    command = [
        oxigraph_binary(),
        "serve-read-only" if read_only else "serve",
        "--location",
        str(location),
        "--bind",
        f"{host}:{port}",
        "--union-default-graph",
        "--timeout-s",
        str(int(timeout_s)),
    ]
    parent = os.getpid()
    process = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        preexec_fn=lambda: die_with_parent(parent),
    )
    stderr_tail, stderr_reader = drain_stderr(process)
    server = Server(process, host, port, Path(location), cleanup)
    deadline = time.monotonic() + wait_s
    try:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                stderr_reader.join(timeout=2.0)
                message = b"".join(stderr_tail).decode("utf-8", "replace")
                raise KgError(f"the oxigraph server stopped: {' '.join(message.split())[:300]}")
            try:
                httpx.get(server.query_url, params={"query": "ASK {}"}, timeout=2.0)
                return server
            except httpx.TransportError:
                time.sleep(0.1)
        raise KgError(f"the oxigraph server did not answer on {server.url} within {wait_s:.0f} s")
    except BaseException:
        server.stop()
        raise


SNAPSHOT_PREFIX = "kg-serve-"
OWNER_FILE = "owner"
MAX_REQUEST_BYTES = 16 * 1024 * 1024
"""A query or update body larger than this is refused (HTTP 413) before it is read."""
_HOP_HEADERS = frozenset(
    ("host", "connection", "keep-alive", "content-length", "transfer-encoding")
)
"""Request headers the gateway does not pass on (its own connection sets them)."""


def _start_time(pid: int) -> str | None:
    """The kernel's start time of ``pid`` (tells a live owner from a reused PID), or None."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


def _owner_record() -> str:
    return f"{os.getpid()} {_start_time(os.getpid()) or ''}"


def remove_orphan_snapshots(tmp: str | Path | None = None) -> list[Path]:
    """Delete ``kg-serve-*`` snapshot folders whose owning process no longer runs."""
    removed = []
    for folder in Path(tmp or tempfile.gettempdir()).glob(f"{SNAPSHOT_PREFIX}*"):
        try:
            pid_text, _, started = (folder / OWNER_FILE).read_text().partition(" ")
            pid = int(pid_text)
        except (OSError, ValueError):
            continue  # not ours, or its owner is still writing the record
        current = _start_time(pid)
        if current is None or (started.strip() and current != started.strip()):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


class Gateway:
    """The public side of ``kg serve``: forwards SPARQL requests to the private oxigraph port.

    Each request's query or update text (URL ``query=``/``update=``, form body, or a
    ``application/sparql-query``/``sparql-update`` body) goes through
    :func:`kg.sparql_guard.check_service` first; a refused one gets HTTP 403 and one line.
    """

    def __init__(
        self, host: str, port: int, upstream: tuple[str, int], allow_service: Iterable[str] = ()
    ):
        handler = _handler(upstream, tuple(allow_service))
        try:
            self.httpd = ThreadingHTTPServer((host, port), handler)
        except OSError as exc:
            raise KgError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
        self.httpd.daemon_threads = True
        self.host, self.port = host, self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _sparql_texts(handler: BaseHTTPRequestHandler, body: bytes) -> list[str]:
    """Every query/update text a request carries, wherever the protocol allows it."""
    texts = []
    for values in parse_qs(urlsplit(handler.path).query).values():
        texts.extend(values)
    kind = (handler.headers.get("Content-Type") or "").split(";")[0].strip().lower()
    decoded = body.decode("utf-8", "replace")
    if kind == "application/x-www-form-urlencoded":
        for values in parse_qs(decoded).values():
            texts.extend(values)
    elif body:
        texts.append(decoded)
    return texts


def _handler(
    upstream: tuple[str, int], allow_service: tuple[str, ...]
) -> Callable[..., BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "pikg"

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: oxigraph's own server logs nothing either."""

        def _reply(self, status: int, message: str) -> None:
            data = (message + "\n").encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _body(self) -> bytes:
            """The request body (Content-Length or chunked); ValueError if malformed or huge."""
            if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
                parts, size = [], 0
                while chunk := int(self.rfile.readline(100).split(b";")[0].strip(), 16):
                    size += chunk
                    if size > MAX_REQUEST_BYTES:
                        raise OverflowError
                    parts.append(self.rfile.read(chunk))
                    self.rfile.readline(10)
                while self.rfile.readline(1000).strip():  # trailers
                    pass
                return b"".join(parts)
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_REQUEST_BYTES or length < 0:
                raise OverflowError
            return self.rfile.read(length) if length else b""

        def _forward(self) -> None:
            try:
                body = self._body()
            except OverflowError:
                return self._reply(413, f"request body over {MAX_REQUEST_BYTES} bytes")
            except ValueError:
                return self._reply(400, "bad Content-Length or chunked body")
            try:
                for text in _sparql_texts(self, body):
                    check_service(text, allow_service)
            except KgError as exc:
                return self._reply(403, str(exc))
            headers = {
                name: value
                for name, value in self.headers.items()
                if name.lower() not in _HOP_HEADERS
            }
            connection = http.client.HTTPConnection(*upstream)
            try:
                connection.request(self.command, self.path, body=body or None, headers=headers)
                response = connection.getresponse()
                self.send_response(response.status, response.reason)
                for name, value in response.getheaders():
                    if name.lower() not in ("connection", "transfer-encoding", "keep-alive"):
                        self.send_header(name, value)
                self.send_header("Connection", "close")
                self.end_headers()
                while chunk := response.read(65536):
                    self.wfile.write(chunk)
            except OSError:
                self.close_connection = True  # client or server went away: drop the request
            finally:
                connection.close()

        do_GET = do_POST = do_HEAD = do_PUT = do_DELETE = do_OPTIONS = _forward

    return Handler


def serve(
    store_path: str | Path,
    *,
    host: str = DEFAULT_HOST,
    port: int | None = None,
    timeout_s: int = DEFAULT_TIMEOUT_S,
    allow_service: Iterable[str] = (),
) -> Server:
    """Serve a snapshot of the store read-only over SPARQL 1.1 (``{url}/query``).

    ``SERVICE`` clauses are refused unless their host is in ``allow_service``. Call
    :meth:`Server.stop` (or use it as a context manager) to stop it and remove the snapshot.
    """
    remove_orphan_snapshots()
    workdir = Path(tempfile.mkdtemp(prefix=SNAPSHOT_PREFIX))
    try:
        (workdir / OWNER_FILE).write_text(_owner_record())
        location = snapshot(store_path, workdir / "store")
        server = start_oxigraph(location, timeout_s=timeout_s, cleanup=workdir)
        try:
            server.gateway = Gateway(
                host, port or 0, (server.host, server.port), allow_service=allow_service
            )
        except BaseException:
            server.stop()
            raise
        server.host, server.port = server.gateway.host, server.gateway.port
        return server
    except BaseException:
        shutil.rmtree(workdir, ignore_errors=True)
        raise


# --- push ------------------------------------------------------------------------------------


@dataclass
class PushSummary:
    """What :func:`push` sent."""

    graphs: list[str] = field(default_factory=list)
    triples: int = 0
    requests: int = 0


def _chunks(triples: Iterable[ox.Triple], size: int) -> Iterator[list[ox.Triple]]:
    chunk: list[ox.Triple] = []
    for triple in triples:
        chunk.append(triple)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _check(response: httpx.Response, what: str) -> None:
    if response.status_code >= 300:
        body = " ".join(response.text.split())[:200]
        raise KgError(f"{what} failed: HTTP {response.status_code} {body}")


def push(
    store: Store,
    endpoint: str | None = None,
    *,
    graph_store: str | None = None,
    graphs: Iterable[str] | None = None,
    auth: tuple[str, str] | None = None,
    chunk_triples: int = DEFAULT_CHUNK,
    timeout_s: float = 300.0,
) -> PushSummary:
    """Copy named graphs (default: all but the commit catalog) to a SPARQL 1.1 store.

    ``graph_store`` (a Graph Store Protocol URL such as Fuseki's ``…/data`` or Oxigraph's
    ``…/store``) is used when given, one ``PUT`` per graph; otherwise ``endpoint`` must be a
    SPARQL Update URL and each graph is replaced by ``DROP SILENT GRAPH`` plus ``INSERT DATA``
    requests of ``chunk_triples`` triples.
    """
    if not endpoint and not graph_store:
        raise KgError("give --endpoint (SPARQL Update URL) or --graph-store (Graph Store URL)")
    names = list(graphs) if graphs is not None else store.graphs()
    names = [g for g in names if g != CATALOG_GRAPH.value]
    summary = PushSummary()
    with httpx.Client(auth=auth, timeout=timeout_s) as client:
        for name in names:
            node = ox.NamedNode(name)
            triples = (q.triple for q in store.quads(node))
            if graph_store:
                body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
                response = client.put(
                    graph_store,
                    params={"graph": name},
                    content=body,
                    headers={"Content-Type": "application/n-triples"},
                )
                _check(response, f"PUT {name}")
                summary.requests += 1
                summary.triples += body.count(b"\n")
            else:
                assert endpoint is not None
                _update(client, endpoint, f"DROP SILENT GRAPH {node}")
                summary.requests += 1
                for chunk in _chunks(triples, chunk_triples):
                    data = (ox.serialize(chunk, format=ox.RdfFormat.N_TRIPLES) or b"").decode()
                    _update(client, endpoint, f"INSERT DATA {{ GRAPH {node} {{\n{data}}} }}")
                    summary.requests += 1
                    summary.triples += len(chunk)
            summary.graphs.append(name)
    return summary


def _update(client: httpx.Client, endpoint: str, update: str) -> None:
    response = client.post(
        endpoint,
        content=update.encode("utf-8"),
        headers={"Content-Type": "application/sparql-update; charset=utf-8"},
    )
    _check(response, "SPARQL update")


__all__ = [
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "Gateway",
    "PushSummary",
    "Server",
    "free_port",
    "oxigraph_binary",
    "push",
    "remove_orphan_snapshots",
    "serve",
    "snapshot",
    "start_oxigraph",
]
