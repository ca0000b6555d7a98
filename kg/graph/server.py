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
(HTTP 403, see :mod:`kg.graph.sparql_guard`) unless ``allow_service`` names its host, so the
endpoint cannot be used to reach other hosts. The oxigraph child gets ``SIGKILL`` when its
parent dies (Linux ``PR_SET_PDEATHSIG``), and a snapshot folder left by a killed ``kg serve``
is removed by the next one.

The gateway also holds the time limit: oxigraph's own ``--timeout-s`` is only checked at some
points of an evaluation (a cross-product ``COUNT`` ran on for minutes) and, when it fires
while results stream, ends an HTTP 200 body mid-JSON. So the gateway reads the whole answer
before sending anything: past the limit it answers 503 with one line, never a truncated 200,
starts a fresh oxigraph child on the same snapshot for the next requests and kills the old one
once the requests still running there have finished. ``cors`` origins get CORS headers and
their preflight ``OPTIONS`` answered, so a page or notebook on another local port can query.

**Push.** :func:`push` copies named graphs into any SPARQL 1.1 store: by the Graph Store
Protocol (one ``PUT ?graph=…`` per graph, N-Triples body) when a graph-store URL is given,
else by SPARQL Update: ``INSERT DATA`` chunks into a temporary graph and one ``MOVE`` in place
(or one ``DROP`` + ``INSERT DATA`` request), so a push that fails mid-way leaves the target
graph as it was. Chunks shrink when the server refuses them for their size (Virtuoso), and
authentication follows the server's challenge (Digest for Virtuoso, Basic for Fuseki and
GraphDB). Terms are serialised by pyoxigraph, never pasted from document text.
"""

from __future__ import annotations

import contextlib
import http.client
import itertools
import os
import queue
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
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
from kg.graph.namespace import GRAPH as PIG_GRAPH_BASE
from kg.graph.sparql_guard import check_depth, check_service
from kg.graph.store import CATALOG_GRAPH, PENDING_GRAPH, Store

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7878
DEFAULT_TIMEOUT_S = 30
DEFAULT_CHUNK = 1000
"""Triples per INSERT DATA: Virtuoso 7 refuses 2,000 and 5,000 (memory, SQL text size)."""


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

    def wait(self) -> int:
        """Block until the oxigraph child stops by itself (not replaced by the gateway after
        a query ran past the limit); its exit code."""
        while True:
            process = self.gateway.backend.process if self.gateway else self.process
            code = process.wait()
            for _ in range(100):  # the gateway replaces a child that died: give it 10 s
                if self.gateway is None or process is not self.gateway.backend.process:
                    break
                time.sleep(0.1)
            else:
                return code
            if self.gateway is None:
                return code

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
MAX_ANSWER_BYTES = 512 * 1024 * 1024
"""The gateway holds an answer in memory until it is complete; a larger one is an error
(HTTP 500 with one line: add a LIMIT, or use ``kg export``)."""
ENGINE_GRACE_S = 5
"""oxigraph's own time limit is the gateway's plus this: the gateway answers first, oxigraph's
cancellation only frees the CPU of queries it can stop."""
CORS_MAX_AGE_S = 600
_HOP_HEADERS = frozenset(
    ("host", "connection", "keep-alive", "content-length", "transfer-encoding")
)
"""Request headers the gateway does not pass on (its own connection sets them)."""
_ANSWER_HOP_HEADERS = _HOP_HEADERS | {"access-control-allow-origin", "vary"}
"""Answer headers the gateway sets itself (length of the whole answer, its own CORS)."""


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
    :func:`kg.graph.sparql_guard.check_service` first; a refused one gets HTTP 403 and one line.
    An answer not complete within ``timeout_s`` gets HTTP 503 and the oxigraph child is
    replaced (see the module docstring); ``cors`` lists the origins a browser may query from
    (``*`` for any).
    """

    def __init__(
        self,
        host: str,
        port: int,
        backend: Server,
        allow_service: Iterable[str] = (),
        *,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        cors: Iterable[str] = (),
    ):
        self.backend = backend
        self.timeout_s = timeout_s
        self.cors = tuple(cors_origin(origin) for origin in cors)
        self._lock = threading.Lock()
        self._active: dict[subprocess.Popen, int] = {}  # requests waiting on each child
        self._retired: list[subprocess.Popen] = []  # replaced children, killed when idle
        self._replacing = False
        # Children are started by one long-lived thread: PR_SET_PDEATHSIG fires when the
        # *thread* that forked a child ends, so a child started by a request thread would be
        # killed with that thread.
        self._requests: queue.SimpleQueue[bool] = queue.SimpleQueue()
        self._starter = threading.Thread(target=self._start_children, daemon=True)
        self._starter.start()
        handler = _handler(self, tuple(allow_service))
        try:
            self.httpd = ThreadingHTTPServer((host, port), handler)
        except (OSError, OverflowError) as exc:  # OverflowError: a port past 65535
            self._requests.put(False)
            raise KgError(
                f"cannot listen on {host}:{port}: {getattr(exc, 'strerror', None) or exc}"
            ) from None
        self.httpd.daemon_threads = True
        self.host, self.port = host, self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def acquire(self) -> tuple[subprocess.Popen, tuple[str, int]]:
        """The current oxigraph child and its address, counted as busy with one request."""
        with self._lock:
            process = self.backend.process
            self._active[process] = self._active.get(process, 0) + 1
            return process, (self.backend.host, self.backend.port)

    def release(self, process: subprocess.Popen, *, expired: bool = False) -> None:
        """One request on ``process`` is answered; ``expired``: it ran past the limit, and
        may still be running in oxigraph, so that child is replaced and killed when idle."""
        with self._lock:
            self._active[process] -= 1
        if expired:
            self._replace_soon(process)
        self._kill_idle()

    def _replace_soon(self, process: subprocess.Popen) -> None:
        with self._lock:
            replace = process is self.backend.process and not self._replacing
            self._replacing |= replace
        if replace:
            self._requests.put(True)

    def _start_children(self) -> None:
        """Start replacement children on request, and one for a child that died (a crash
        must not take the endpoint down for every client)."""
        while True:
            try:
                if not self._requests.get(timeout=1.0):
                    return
            except queue.Empty:
                if self.backend.process.poll() is None:
                    continue
                self._replace_soon(self.backend.process)
                continue
            self._replace()

    def _replace(self) -> None:
        try:
            fresh = start_oxigraph(self.backend.location, timeout_s=self.timeout_s + ENGINE_GRACE_S)
        except KgError:
            with self._lock:  # the old child keeps serving; the next expiry tries again
                self._replacing = False
            return
        with self._lock:
            self._retired.append(self.backend.process)
            self.backend.process, self.backend.port = fresh.process, fresh.port
            self._replacing = False
        self._kill_idle()

    def _kill_idle(self) -> None:
        with self._lock:
            idle = [p for p in self._retired if self._active.get(p, 0) == 0]
            self._retired = [p for p in self._retired if p not in idle]
        for process in idle:
            _kill(process)

    def stop(self) -> None:
        """Stop listening, then every oxigraph child this gateway used."""
        self.httpd.shutdown()
        self.httpd.server_close()
        self._requests.put(False)
        self._starter.join(timeout=60)
        with self._lock:
            retired, self._retired = self._retired, []
        for process in retired:
            _kill(process)
        self.backend.stop()


def _kill(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.kill()
    process.wait()


def cors_origin(origin: str) -> str:
    """``*`` or a web origin ``scheme://host[:port]`` as browsers send it; else a KgError."""
    if origin == "*":
        return origin
    parts = urlsplit(origin.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/"):
        raise KgError(f"--cors needs an origin such as http://localhost:8888 or *, got {origin!r}")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise KgError(f"--cors needs an origin such as http://localhost:8888 or *, got {origin!r}")
    return f"{parts.scheme}://{parts.netloc.lower()}"


def _fetch(
    upstream: tuple[str, int], method: str, path: str, body: bytes, headers: dict, deadline: float
) -> tuple[int, str, list[tuple[str, str]], bytes]:
    """One complete upstream answer (status, reason, headers, body); TimeoutError past the
    deadline, OverflowError over :data:`MAX_ANSWER_BYTES`, OSError if the child went away."""
    remaining = deadline - time.monotonic()
    connection = http.client.HTTPConnection(*upstream, timeout=max(remaining, 0.01))
    try:
        connection.request(method, path, body=body or None, headers=headers)
        response = connection.getresponse()
        parts, size = [], 0
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            if connection.sock is not None:
                connection.sock.settimeout(remaining)
            chunk = response.read1(65536)
            if not chunk:
                break
            size += len(chunk)
            if size > MAX_ANSWER_BYTES:
                raise OverflowError
            parts.append(chunk)
        return response.status, response.reason, response.getheaders(), b"".join(parts)
    finally:
        connection.close()


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


def _refusal(texts: list[str], allow_service: tuple[str, ...]) -> tuple[int, str] | None:
    """Why the gateway refuses a request's query or update texts (status, one line), or None:
    nested too deep for the engine's parser (400), a ``SERVICE`` clause not allowed (403)."""
    try:
        for text in texts:
            check_depth(text)
    except KgError as exc:
        return 400, str(exc)
    try:
        for text in texts:
            check_service(text, allow_service)
    except KgError as exc:
        return 403, str(exc)
    return None


class _GatewayHandler(BaseHTTPRequestHandler):
    """Answers one request of the gateway: CORS preflights here, refusals here, everything else
    forwarded to a SPARQL engine child. :func:`_handler` binds it to a gateway."""

    server_version = "pikg"
    gateway: Gateway
    allow_service: tuple[str, ...]

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: oxigraph's own server logs nothing either."""

    def _cors_headers(self) -> None:
        cors = self.gateway.cors
        origin = (self.headers.get("Origin") or "").rstrip("/").lower()
        if not origin or not cors:
            return
        if "*" in cors:
            self.send_header("Access-Control-Allow-Origin", "*")
        elif origin in cors:
            self.send_header("Access-Control-Allow-Origin", origin)
            self.send_header("Vary", "Origin")

    def _reply(self, status: int, message: str) -> None:
        data = (message + "\n").encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self._cors_headers()
        self.end_headers()
        self.wfile.write(data)

    def _preflight(self) -> None:
        """A browser's CORS preflight, answered here (oxigraph would allow any origin)."""
        cors = self.gateway.cors
        origin = (self.headers.get("Origin") or "").rstrip("/").lower()
        if "*" not in cors and origin not in cors:
            return self._reply(403, f"origin {origin or '(none)'} may not query this endpoint")
        self.send_response(204)
        self._cors_headers()
        self.send_header("Access-Control-Allow-Methods", "GET, HEAD, POST, OPTIONS")
        requested = self.headers.get("Access-Control-Request-Headers")
        self.send_header("Access-Control-Allow-Headers", requested or "Accept, Content-Type")
        self.send_header("Access-Control-Max-Age", str(CORS_MAX_AGE_S))
        self.send_header("Content-Length", "0")
        self.end_headers()

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
        gateway = self.gateway
        if self.command == "OPTIONS" and gateway.cors:
            return self._preflight()
        try:
            body = self._body()
        except OverflowError:
            return self._reply(413, f"request body over {MAX_REQUEST_BYTES} bytes")
        except ValueError:
            return self._reply(400, "bad Content-Length or chunked body")
        refusal = _refusal(_sparql_texts(self, body), self.allow_service)
        if refusal is not None:
            return self._reply(*refusal)
        answer = self._ask_engine(body)
        if answer is not None:
            self._send_answer(*answer)

    def _ask_engine(self, body: bytes) -> tuple[int, str, list[tuple[str, str]], bytes] | None:
        """The engine's complete answer to this request, or None once an error is replied."""
        gateway = self.gateway
        headers = {
            name: value for name, value in self.headers.items() if name.lower() not in _HOP_HEADERS
        }
        deadline = time.monotonic() + gateway.timeout_s
        process, upstream = gateway.acquire()
        expired = False
        try:
            return _fetch(upstream, self.command, self.path, body, headers, deadline)
        except TimeoutError:
            expired = True
            self._reply(
                503,
                f"query stopped: no complete answer within the time limit of "
                f"{gateway.timeout_s:g} s (kg serve --timeout)",
            )
        except OverflowError:
            self._reply(
                500, f"answer over {MAX_ANSWER_BYTES // 2**20} MB: add a LIMIT or use kg export"
            )
        except OSError:
            if process.poll() is not None:  # the engine died: the gateway starts another
                gateway._replace_soon(process)
            self._reply(502, "the SPARQL engine did not answer; try again")
        finally:
            gateway.release(process, expired=expired)
        return None

    def _send_answer(
        self, status: int, reason: str, answer_headers: list[tuple[str, str]], answer: bytes
    ) -> None:
        try:
            self.send_response(status, reason)
            for name, value in answer_headers:
                if name.lower() not in _ANSWER_HOP_HEADERS:
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(answer)))
            self._cors_headers()
            self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(answer)
        except OSError:
            self.close_connection = True  # the client went away: drop the answer

    do_GET = do_POST = do_HEAD = do_PUT = do_DELETE = do_OPTIONS = _forward


def _handler(
    gateway: Gateway, allow_service: tuple[str, ...]
) -> Callable[..., BaseHTTPRequestHandler]:
    """A request handler class bound to ``gateway`` and its allowed ``SERVICE`` hosts."""
    return type("Handler", (_GatewayHandler,), {"gateway": gateway, "allow_service": allow_service})


def serve(
    store_path: str | Path,
    *,
    host: str = DEFAULT_HOST,
    port: int | None = None,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    allow_service: Iterable[str] = (),
    cors: Iterable[str] = (),
) -> Server:
    """Serve a snapshot of the store read-only over SPARQL 1.1 (``{url}/query``).

    ``SERVICE`` clauses are refused unless their host is in ``allow_service``; an answer not
    complete within ``timeout_s`` is HTTP 503; browsers on the ``cors`` origins may query. Call
    :meth:`Server.stop` (or use it as a context manager) to stop it and remove the snapshot.
    """
    if not 0 < timeout_s <= 86400:
        raise KgError(f"the time limit must be between 0 and 86400 s, got {timeout_s}")
    cors = [cors_origin(origin) for origin in cors]
    remove_orphan_snapshots()
    workdir = Path(tempfile.mkdtemp(prefix=SNAPSHOT_PREFIX))
    try:
        (workdir / OWNER_FILE).write_text(_owner_record())
        location = snapshot(store_path, workdir / "store")
        backend = start_oxigraph(location, timeout_s=timeout_s + ENGINE_GRACE_S)
        try:
            gateway = Gateway(
                host,
                port or 0,
                backend,
                allow_service=allow_service,
                timeout_s=timeout_s,
                cors=cors,
            )
        except BaseException:
            backend.stop()
            raise
        return Server(backend.process, gateway.host, gateway.port, location, workdir, gateway)
    except BaseException:
        shutil.rmtree(workdir, ignore_errors=True)
        raise


# --- push ------------------------------------------------------------------------------------

PUSH_METHODS = ("swap", "single")
AUTH_SCHEMES = ("auto", "basic", "digest")
MIN_CHUNK = 16
"""Chunks are halved after a refusal down to this many triples; a refusal below is final."""
PUSH_TMP_PREFIX = PIG_GRAPH_BASE + "push-tmp/"
"""Temporary graphs of ``method="swap"``: one fresh graph per pushed graph, moved in place."""
_REFUSALS = ("memory", "too large", "too long", "exceeded")
"""Words of a server refusing a request for its size (Virtuoso 7 answers HTTP 400 "SP030:
SPARQL compiler … memory exhausted" or "generated SQL text exceeded 10000 lines"); with
HTTP 413, or 400/5xx and one of these words, the chunk is halved."""


@dataclass
class PushSummary:
    """What :func:`push` sent."""

    graphs: list[str] = field(default_factory=list)
    triples: int = 0
    requests: int = 0
    chunk_triples: int = 0
    """The chunk size in the end (smaller than asked after the server refused some)."""


class ChallengeAuth(httpx.Auth):
    """HTTP authentication that answers the server's challenge: Digest when it asks for
    Digest (Virtuoso's ``/sparql-auth``), else Basic (Fuseki, GraphDB). The first request goes
    without credentials; once the scheme is known every request uses it."""

    requires_request_body = True

    def __init__(self, user: str, password: str):
        self._basic = httpx.BasicAuth(user, password)
        self._digest = httpx.DigestAuth(user, password)
        self._chosen: httpx.Auth | None = None

    def auth_flow(self, request: httpx.Request) -> Iterator[httpx.Request]:
        if self._chosen is None:
            response = yield request
            if response.status_code != 401:
                return
            challenge = response.headers.get("WWW-Authenticate", "").strip().lower()
            self._chosen = self._digest if challenge.startswith("digest") else self._basic
        yield from self._chosen.auth_flow(request)


def _auth(credentials: tuple[str, str] | None, scheme: str) -> httpx.Auth | None:
    if credentials is None:
        return None
    if scheme not in AUTH_SCHEMES:
        raise KgError(f"unknown authentication {scheme!r} (choose from {', '.join(AUTH_SCHEMES)})")
    if scheme == "basic":
        return httpx.BasicAuth(*credentials)
    if scheme == "digest":
        return httpx.DigestAuth(*credentials)
    return ChallengeAuth(*credentials)


def _check_url(url: str, option: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise KgError(f"{option} needs an http:// or https:// URL, got {url[:200]!r}")
    return url


def _check(response: httpx.Response, what: str) -> None:
    if response.status_code >= 300:
        body = " ".join(response.text.split())[:200]
        raise KgError(f"{what} failed: HTTP {response.status_code} {body}")


def _refused_for_size(response: httpx.Response) -> bool:
    if response.status_code == 413:
        return True
    text = response.text.lower()
    return (response.status_code == 400 or response.status_code >= 500) and any(
        word in text for word in _REFUSALS
    )


def _update(client: httpx.Client, endpoint: str, update: str) -> httpx.Response:
    return client.post(
        endpoint,
        content=update.encode("utf-8"),
        headers={"Content-Type": "application/sparql-update; charset=utf-8"},
    )


def _ntriples(triples: Iterable[ox.Triple]) -> str:
    return (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")


def push(
    store: Store,
    endpoint: str | None = None,
    *,
    graph_store: str | None = None,
    graphs: Iterable[str] | None = None,
    auth: tuple[str, str] | None = None,
    auth_scheme: str = "auto",
    chunk_triples: int = DEFAULT_CHUNK,
    method: str = "swap",
    timeout_s: float = 300.0,
) -> PushSummary:
    """Copy named graphs (default: all but the store's catalog) to a SPARQL 1.1 store.

    Each graph on the target is replaced, and a push that fails leaves it as it was:

    * ``graph_store`` (a Graph Store Protocol URL such as Fuseki's ``…/data``, Oxigraph's
      ``…/store``): one ``PUT ?graph=…`` per graph, which the server applies as a whole;
    * else ``endpoint`` (a SPARQL Update URL), ``method="swap"``: the triples go in
      ``INSERT DATA`` chunks into a fresh temporary graph, then one ``MOVE`` request puts it in
      place of the graph (a failure drops the temporary graph instead). A chunk the server
      refuses for its size (HTTP 413, or 400/5xx saying "memory", "too large", "exceeded" …)
      is halved and sent again, down to :data:`MIN_CHUNK` triples;
    * ``method="single"``: one request ``DROP SILENT GRAPH`` + ``INSERT DATA`` per graph.

    ``auth`` is ``(user, password)``; ``auth_scheme`` ``auto`` answers the server's challenge
    (Digest for Virtuoso, Basic for Fuseki and GraphDB).
    """
    if not endpoint and not graph_store:
        raise KgError("give --endpoint (SPARQL Update URL) or --graph-store (Graph Store URL)")
    if method not in PUSH_METHODS:
        raise KgError(f"unknown push method {method!r} (choose from {', '.join(PUSH_METHODS)})")
    if not MIN_CHUNK <= chunk_triples <= 10_000_000:
        raise KgError(f"--chunk must be between {MIN_CHUNK} and 10000000 triples")
    target = _check_url(graph_store, "--graph-store") if graph_store else None
    update_url = _check_url(endpoint, "--endpoint") if endpoint else None
    internal = {CATALOG_GRAPH.value, PENDING_GRAPH.value}
    names = list(graphs) if graphs is not None else store.graphs()
    if graphs is None:
        names = [g for g in names if g not in internal]
    summary = PushSummary(chunk_triples=chunk_triples)
    url = target or update_url
    try:
        with httpx.Client(auth=_auth(auth, auth_scheme), timeout=timeout_s) as client:
            for name in names:
                node = ox.NamedNode(name)
                triples = (q.triple for q in store.quads(node))
                if target:
                    _put_graph(client, target, node, triples, summary)
                elif method == "single":
                    _replace_single(client, update_url or "", node, triples, summary)
                else:
                    _replace_swap(client, update_url or "", node, triples, summary)
                summary.graphs.append(name)
    except httpx.HTTPError as exc:
        raise KgError(
            f"push to {url} failed: {' '.join(str(exc).split())[:200] or type(exc).__name__}"
        ) from None
    return summary


def _put_graph(
    client: httpx.Client,
    url: str,
    node: ox.NamedNode,
    triples: Iterable[ox.Triple],
    summary: PushSummary,
) -> None:
    body = _ntriples(triples).encode("utf-8")
    response = client.put(
        url,
        params={"graph": node.value},
        content=body,
        headers={"Content-Type": "application/n-triples"},
    )
    summary.requests += 1
    if _refused_for_size(response):
        raise KgError(
            f"PUT {node.value} refused for its size (HTTP {response.status_code}): push with "
            "--endpoint (chunks into a temporary graph) instead"
        )
    _check(response, f"PUT {node.value}")
    summary.triples += body.count(b"\n")


def _replace_single(
    client: httpx.Client,
    endpoint: str,
    node: ox.NamedNode,
    triples: Iterable[ox.Triple],
    summary: PushSummary,
) -> None:
    data = list(triples)
    update = f"DROP SILENT GRAPH {node}"
    if data:
        update += f" ;\nINSERT DATA {{ GRAPH {node} {{\n{_ntriples(data)}}} }}"
    response = _update(client, endpoint, update)
    summary.requests += 1
    if _refused_for_size(response):
        raise KgError(
            f"the server refused {node.value} in one request of {len(data)} triples "
            f"(HTTP {response.status_code}): push with --method swap (chunks, then MOVE)"
        )
    _check(response, f"replacing {node.value}")
    summary.triples += len(data)


def _replace_swap(
    client: httpx.Client,
    endpoint: str,
    node: ox.NamedNode,
    triples: Iterable[ox.Triple],
    summary: PushSummary,
) -> None:
    temporary = ox.NamedNode(PUSH_TMP_PREFIX + uuid.uuid4().hex)
    sent = 0
    try:
        pending: list[ox.Triple] = []
        source = iter(triples)
        while True:
            pending.extend(itertools.islice(source, max(summary.chunk_triples - len(pending), 0)))
            if not pending:
                break
            part = pending[: summary.chunk_triples]
            response = _update(
                client, endpoint, f"INSERT DATA {{ GRAPH {temporary} {{\n{_ntriples(part)}}} }}"
            )
            summary.requests += 1
            if _refused_for_size(response) and summary.chunk_triples > MIN_CHUNK:
                summary.chunk_triples = max(MIN_CHUNK, summary.chunk_triples // 2)
                continue
            _check(response, f"INSERT DATA of {len(part)} triples for {node.value}")
            del pending[: len(part)]
            sent += len(part)
        if sent:
            response = _update(client, endpoint, f"MOVE SILENT GRAPH {temporary} TO GRAPH {node}")
        else:
            response = _update(client, endpoint, f"DROP SILENT GRAPH {node}")
        summary.requests += 1
        _check(response, f"moving the new {node.value} in place")
    except BaseException:
        with contextlib.suppress(httpx.HTTPError):  # the target graph was never touched
            _update(client, endpoint, f"DROP SILENT GRAPH {temporary}")
        raise
    summary.triples += sent


__all__ = [
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "ChallengeAuth",
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
