"""``kg query QUERY|FILE|NAME``: SPARQL over the store; ``kg query --list`` shows named queries."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import pyoxigraph as ox
import typer
from rich.console import Console
from rich.table import Table

from kg import queries
from kg.cli import app
from kg.cli.ingest import StoreOption, store_path
from kg.errors import KgError
from kg.store import Store, to_python


class ResultFormat(StrEnum):
    table = "table"
    csv = "csv"
    tsv = "tsv"
    json = "json"


_RESULT_FORMATS = {
    ResultFormat.csv: ox.QueryResultsFormat.CSV,
    ResultFormat.tsv: ox.QueryResultsFormat.TSV,
    ResultFormat.json: ox.QueryResultsFormat.JSON,
}


def resolve_query(query: str, params: dict[str, str]) -> str:
    """A named query (bound with ``params``), a ``.rq`` file, or SPARQL text as given."""
    path = Path(query)
    if query.endswith((".rq", ".sparql")) and path.is_file():
        if params:
            return queries.parse_query_file(path).render(params)
        return path.read_text(encoding="utf-8")
    if (queries.QUERY_DIR / f"{query}.rq").is_file():
        return queries.get(query).render(params)
    if params:
        raise KgError("--param works with named queries and .rq files only")
    if not any(word in query.upper() for word in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")):
        raise KgError(f"{query!r} is neither a named query, a .rq file nor SPARQL (see --list)")
    return query


def _parse_params(values: list[str]) -> dict[str, str]:
    params = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise KgError(f"--param needs NAME=VALUE, got {item!r}")
        params[name.strip()] = value
    return params


def list_queries() -> None:
    console = Console()
    table = Table("name", "answers", "parameters (default)", show_lines=False)
    for q in queries.all_queries():
        params = ", ".join(f"{p.name}={p.default}" for p in q.params)
        table.add_row(q.name, q.answers, params)
    console.print(table)


@app.command(
    "query",
    epilog="Example: kg query --list   ·   kg query shared-indicator-names --param min_departments=3 --format csv   ·   kg query 'SELECT (COUNT(*) AS ?n) WHERE { ?i a pi:Indicator }'",
)
def query_cmd(
    query: Annotated[
        str | None, typer.Argument(help="A named query, a .rq file, or SPARQL text.")
    ] = None,
    param: Annotated[
        list[str] | None,
        typer.Option("--param", "-p", help="NAME=VALUE for a named query (repeatable)."),
    ] = None,
    output: Annotated[
        ResultFormat, typer.Option("--format", "-f", help="Output format.")
    ] = ResultFormat.table,
    list_: Annotated[bool, typer.Option("--list", help="List the named queries.")] = False,
    store: StoreOption = None,
) -> None:
    """Run a SPARQL query over all graphs (prefixes pi:, skos:, grade: … are predeclared)."""
    if list_:
        list_queries()
        return
    if not query:
        raise KgError("give a query (a named query, a .rq file or SPARQL) or --list")
    sparql = resolve_query(query, _parse_params(param or []))
    graph_store = Store(store_path(store))
    result = graph_store.query(sparql)
    if isinstance(result, ox.QueryBoolean):
        typer.echo("true" if bool(result) else "false")
        return
    if isinstance(result, ox.QueryTriples):
        sys.stdout.buffer.write(result.serialize(format=ox.RdfFormat.TURTLE) or b"")
        return
    if output is not ResultFormat.table:
        sys.stdout.buffer.write(result.serialize(format=_RESULT_FORMATS[output]) or b"")
        return
    names = [v.value for v in result.variables]
    table = Table(*names)
    count = 0
    for solution in result:
        cells = []
        for name in names:
            value = to_python(solution[name])
            cells.append("" if value is None else str(value))
        table.add_row(*cells)
        count += 1
    console = Console()
    console.print(table)
    console.print(f"{count} row(s)", style="dim")
