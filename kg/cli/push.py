"""``kg push --endpoint URL | --graph-store URL [--user U --password P]``: graphs out over HTTP."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from kg.cli import app
from kg.cli._util import StoreOption, open_store
from kg.errors import KgError

DEFAULT_CHUNK = 1000
"""kg.graph.server.DEFAULT_CHUNK, written out so that --help need not load the HTTP client
(tests/test_cli_startup.py checks that the two agree)."""


@app.command(
    "push",
    epilog="Example: kg push --endpoint http://localhost:3030/ds/update   ·   kg push --graph-store http://localhost:7878/store",
)
def push_cmd(
    endpoint: Annotated[
        str | None,
        typer.Option("--endpoint", "-e", help="SPARQL 1.1 Update URL (e.g. …/update)."),
    ] = None,
    graph_store: Annotated[
        str | None,
        typer.Option(
            "--graph-store", help="Graph Store Protocol URL (e.g. …/data, …/store): PUT per graph."
        ),
    ] = None,
    graph: Annotated[
        list[str] | None,
        typer.Option(
            "--graph", "-g", help="Only this graph (file name, sha prefix, pig:… or IRI)."
        ),
    ] = None,
    user: Annotated[str | None, typer.Option("--user", help="HTTP user (Basic or Digest).")] = None,
    password: Annotated[
        str | None,
        typer.Option("--password", help="HTTP password (or $KG_PUSH_PASSWORD)."),
    ] = None,
    auth: Annotated[
        str,
        typer.Option(
            "--auth", help="auto (the server's challenge: Digest for Virtuoso), basic or digest."
        ),
    ] = "auto",
    chunk: Annotated[
        int,
        typer.Option("--chunk", help="Triples per INSERT DATA request (halved when refused)."),
    ] = DEFAULT_CHUNK,
    method: Annotated[
        str,
        typer.Option(
            "--method",
            help="swap: chunks into a temporary graph, then MOVE; single: one DROP + INSERT request.",
        ),
    ] = "swap",
    store: StoreOption = None,
) -> None:
    """Copy the graphs into another SPARQL 1.1 store (Fuseki, GraphDB, Virtuoso, Oxigraph).

    Each named graph is replaced on the target: by Graph Store Protocol PUT when --graph-store
    is given, else through --endpoint by INSERT DATA chunks into a temporary graph and one MOVE
    (--method swap) or one DROP + INSERT DATA request (--method single). A push that fails
    leaves the target graph as it was.
    """
    password = password or os.environ.get("KG_PUSH_PASSWORD")
    if password and not user:
        raise KgError("--password needs --user")
    from kg.graph.server import push

    graph_store_obj = open_store(store)
    names = [graph_store_obj.resolve_graph(g).value for g in graph] if graph else None
    summary = push(
        graph_store_obj,
        endpoint,
        graph_store=graph_store,
        graphs=names,
        auth=(user, password or "") if user else None,
        auth_scheme=auth,
        chunk_triples=chunk,
        method=method,
    )
    typer.echo(
        f"pushed {len(summary.graphs)} graph(s), {summary.triples} triples "
        f"in {summary.requests} request(s)"
        + (
            f" (chunks cut to {summary.chunk_triples} triples)"
            if summary.chunk_triples < chunk
            else ""
        )
    )
