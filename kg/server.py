"""The graph over HTTP: a read-only SPARQL endpoint (``kg serve``) and ``kg push``.

**Serve.** The ``oxigraph`` server binary (from the ``oxigraph`` PyPI package) answers SPARQL
1.1 Protocol queries. RocksDB locks a store directory for one writer and a read-only opener
next to a writer is undefined behaviour, so :func:`serve` never serves the live directory: it
takes a consistent snapshot with :meth:`pyoxigraph.Store.backup` (hard links where possible,
so it is cheap) into a temporary directory and runs ``oxigraph serve-read-only`` on it, bound
to 127.0.0.1, with the union default graph (like ``kg query``) and a query time limit.
Updates are refused by the read-only server; ``kg ingest`` can keep writing the live store,
and a restarted ``kg serve`` shows the new state.

**Push.** :func:`push` copies named graphs into any SPARQL 1.1 store: by the Graph Store
Protocol (one ``PUT ?graph=…`` per graph, N-Triples body) when a graph-store URL is given,
else by SPARQL Update (``DROP SILENT GRAPH`` then ``INSERT DATA`` in chunks of N triples) —
Fuseki, GraphDB, Virtuoso and Oxigraph speak both. Terms are serialised by pyoxigraph, never
pasted from document text.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pyoxigraph as ox

from kg.errors import KgError
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

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def query_url(self) -> str:
        return f"{self.url}/query"

    def stop(self) -> None:
        """Stop the server and delete the snapshot it served."""
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
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    server = Server(process, host, port, Path(location), cleanup)
    deadline = time.monotonic() + wait_s
    try:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                message = (process.stderr.read() if process.stderr else b"").decode(
                    "utf-8", "replace"
                )
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


def serve(
    store_path: str | Path,
    *,
    host: str = DEFAULT_HOST,
    port: int | None = None,
    timeout_s: int = DEFAULT_TIMEOUT_S,
) -> Server:
    """Serve a snapshot of the store read-only over SPARQL 1.1 (``{url}/query``).

    Call :meth:`Server.stop` (or use it as a context manager) to stop it and remove the
    snapshot.
    """
    workdir = Path(tempfile.mkdtemp(prefix="kg-serve-"))
    try:
        location = snapshot(store_path, workdir / "store")
        return start_oxigraph(location, host=host, port=port, timeout_s=timeout_s, cleanup=workdir)
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
    "PushSummary",
    "Server",
    "free_port",
    "oxigraph_binary",
    "push",
    "serve",
    "snapshot",
    "start_oxigraph",
]
