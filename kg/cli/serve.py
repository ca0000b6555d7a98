"""``kg serve [--store DIR] [--host H] [--port P] [--timeout S]``: read-only SPARQL endpoint."""

from __future__ import annotations

import signal
from typing import Annotated

import typer

from kg.cli import app
from kg.cli._util import StoreOption, store_location
from kg.errors import KgError

# kg.graph.server's defaults, written out so that --help need not load the HTTP client
# (tests/test_cli_startup.py checks that they agree)
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7878
DEFAULT_TIMEOUT_S = 30


@app.command(
    "serve",
    epilog="Example: kg serve --port 7878   (then: curl 'http://127.0.0.1:7878/query?query=ASK%7B%7D')",
)
def serve_cmd(
    store: StoreOption = None,
    host: Annotated[
        str, typer.Option("--host", help="Interface to bind (loopback by default).")
    ] = DEFAULT_HOST,
    port: Annotated[int, typer.Option("--port", "-p", help="TCP port.")] = DEFAULT_PORT,
    timeout: Annotated[
        int, typer.Option("--timeout", help="Time limit per query, in seconds.")
    ] = DEFAULT_TIMEOUT_S,
    allow_service: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-service",
            help="Let SERVICE clauses reach this host (repeatable; refused with 403 by default).",
        ),
    ] = None,
    cors: Annotated[
        list[str] | None,
        typer.Option(
            "--cors",
            metavar="ORIGIN",
            help="Let web pages from this origin query (e.g. http://localhost:8888; * for any; repeatable).",
        ),
    ] = None,
) -> None:
    """Serve a snapshot of the store as a read-only SPARQL 1.1 endpoint (oxigraph server).

    Queries go to http://HOST:PORT/query (GET ?query=… or POST), see the union of all graphs
    by default, and stop after --timeout seconds (HTTP 503); updates are refused, and so are SERVICE
    clauses (federated queries) unless --allow-service names the host. The snapshot is taken
    at start, so `kg ingest` can keep writing the store; restart to serve the new state.
    """
    from kg.graph.server import serve

    location = store_location(store)
    signal.signal(signal.SIGTERM, _interrupt)  # stop like Ctrl-C: the snapshot is removed
    try:
        server = serve(
            location,
            host=host,
            port=port,
            timeout_s=timeout,
            allow_service=allow_service or (),
            cors=cors or (),
        )
    except KeyboardInterrupt:
        return
    typer.echo(f"SPARQL endpoint (read-only): {server.query_url}  (Ctrl-C stops)", err=True)
    try:
        code = server.wait()
    except KeyboardInterrupt:
        code = 0
    finally:
        server.stop()
    if code not in (0, -signal.SIGTERM):
        raise KgError(f"the oxigraph server exited with code {code}")


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
