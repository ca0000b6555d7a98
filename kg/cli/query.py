"""``kg query QUERY|FILE|NAME``: SPARQL over the store; ``kg query --list`` shows named queries."""

from __future__ import annotations

import math
import re
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, BinaryIO

import typer

from kg.cli import app
from kg.cli._util import StoreOption, open_store, store_location
from kg.errors import KgError

if TYPE_CHECKING:
    import pyoxigraph as ox
    from rich.console import Console

DEFAULT_TIMEOUT_S = 30
"""kg.graph.server.DEFAULT_TIMEOUT_S, written out so that --help need not load the HTTP client
(tests/test_cli_startup.py checks that the two agree)."""


class ResultFormat(StrEnum):
    table = "table"
    csv = "csv"
    tsv = "tsv"
    json = "json"


AllowServiceOption = Annotated[
    list[str] | None,
    typer.Option(
        "--allow-service",
        help="Let SERVICE clauses reach this host (repeatable; refused by default).",
    ),
]


@cache
def _bare() -> dict[str, re.Pattern[str]]:
    """Literals that SPARQL TSV writes without quotes (Turtle's short forms)."""
    from kg.graph.namespace import XSD

    return {
        XSD.integer.value: re.compile(r"[+-]?\d+"),
        XSD.decimal.value: re.compile(r"[+-]?\d*\.\d+"),
        XSD.double.value: re.compile(r"[+-]?(\d+\.?\d*|\.\d+)[eE][+-]?\d+"),
        XSD.boolean.value: re.compile(r"true|false"),
    }


def _csv_term(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> str:
    """A term as a SPARQL CSV cell: the IRI, ``_:id`` or the literal's lexical form."""
    import pyoxigraph as ox

    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def _tsv_term(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> str:
    """A term as a SPARQL TSV cell (Turtle syntax); a formula-like string gets a leading '."""
    import pyoxigraph as ox

    from kg.output import csv_cell

    if not isinstance(term, ox.Literal):
        return "" if term is None else str(term)
    pattern = _bare().get(term.datatype.value)
    if pattern is not None and pattern.fullmatch(term.value):
        return term.value
    safe = csv_cell(term.value)
    if safe != term.value:
        if term.language:
            term = ox.Literal(safe, language=term.language)
        else:
            term = ox.Literal(safe, datatype=term.datatype)
    return str(term)


def write_solutions(result: ox.QuerySolutions, output: ResultFormat, stream: BinaryIO) -> None:
    """SPARQL CSV/TSV/JSON results, written in full or a :class:`KgError` (never truncated).

    CSV and TSV are made for spreadsheets too, so string cells that a spreadsheet would run
    as a formula get a leading ``'`` (OWASP); JSON is left exact.
    """
    import pyoxigraph as ox

    from kg.output import SafeCsvWriter, TextSink, write_all

    if output is ResultFormat.json:
        write_all(stream, result.serialize(format=ox.QueryResultsFormat.JSON) or b"")
        return
    sink = TextSink(stream)
    names = [v.value for v in result.variables]
    if output is ResultFormat.csv:
        writer = SafeCsvWriter(sink, lineterminator="\r\n")
        writer.writerow(names)
        for solution in result:
            writer.writerow([_csv_term(solution[name]) for name in names])
        return
    sink.write("\t".join(f"?{name}" for name in names) + "\n")
    for solution in result:
        sink.write("\t".join(_tsv_term(solution[name]) for name in names) + "\n")


def resolve_query(query: str, params: dict[str, str]) -> str:
    """A named query (bound with ``params``), a ``.rq`` file, or SPARQL text as given."""
    from kg.graph import queries

    path = Path(query)
    # SPARQL text is no file name: a long or multi-line query never reaches the file system
    # (a 100 KB query made is_file() fail with "file name too long")
    looks_like_path = len(query) < 1024 and "\n" not in query
    if looks_like_path and query.endswith((".rq", ".sparql")) and path.is_file():
        if params:
            return queries.parse_query_file(path).render(params)
        return path.read_text(encoding="utf-8")
    if re.fullmatch(r"[\w-]{1,200}", query) and (queries.QUERY_DIR / f"{query}.rq").is_file():
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
    from rich.console import Console
    from rich.table import Table

    from kg.graph import queries

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
    allow_service: AllowServiceOption = None,
    timeout: Annotated[
        float,
        typer.Option("--timeout", help="Time limit in seconds (0: none), as for kg serve."),
    ] = DEFAULT_TIMEOUT_S,
    store: StoreOption = None,
) -> None:
    """Run a SPARQL query over all graphs (prefixes pi:, skos:, grade: … are predeclared).

    SERVICE clauses (federated queries) are refused unless --allow-service names their host.
    CSV and TSV cells that a spreadsheet would run as a formula get a leading '. The query
    runs in a child process, so --timeout and Ctrl-C stop it even deep in the query engine.
    """
    import pyoxigraph as ox
    from rich.console import Console

    from kg.children import run_in_child
    from kg.graph.namespace import PREFIXES
    from kg.graph.sparql_guard import check_depth, check_service
    from kg.output import TextSink, open_output, write_all

    if list_:
        list_queries()
        return
    if not query:
        raise KgError("give a query (a named query, a .rq file or SPARQL) or --list")
    if timeout < 0 or not math.isfinite(timeout):
        raise KgError(f"--timeout must be 0 (no limit) or a number of seconds, not {timeout}")
    sparql = resolve_query(query, _parse_params(param or []))
    check_service(sparql, allow_service or [])
    check_depth(sparql)
    location = store_location(store)  # a mistyped --store is an error here, not a new store
    terminal = Console()  # the child writes into a pipe: tell it what the terminal is like

    def run(stream: BinaryIO) -> None:
        result = open_store(location).query(sparql)
        if isinstance(result, ox.QueryBoolean):
            write_all(stream, b"true\n" if bool(result) else b"false\n")
        elif isinstance(result, ox.QueryTriples):
            turtle = ox.serialize(result, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
            write_all(stream, turtle or b"")
        elif output is not ResultFormat.table:
            write_solutions(result, output, stream)
        else:
            console = Console(
                file=TextSink(stream),
                width=terminal.width,
                force_terminal=terminal.is_terminal,
                color_system=terminal.color_system,  # type: ignore[arg-type]
            )
            print_table(result, console)

    with open_output(None) as (stream, _):
        try:
            run_in_child(run, stream, timeout or None)
        except TimeoutError:
            raise KgError(
                f"query stopped after the time limit of {timeout:g} s (raise it with --timeout)"
            ) from None


def print_table(result: ox.QuerySolutions, console: Console) -> None:
    """Solutions as a terminal table; values are plain text (no Rich markup, no escapes)."""
    from rich.table import Table
    from rich.text import Text

    from kg.graph.store import to_python
    from kg.output import visible

    names = [v.value for v in result.variables]
    table = Table(*names)
    count = 0
    for solution in result:
        cells = []
        for name in names:
            value = to_python(solution[name])
            cells.append(Text(visible("" if value is None else str(value))))
        table.add_row(*cells)
        count += 1
    console.print(table)
    console.print(f"{count} row(s)", style="dim")
