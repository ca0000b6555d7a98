"""``kg export [--format turtle|trig|nquads|jsonld] [--graph G] [--out FILE]``: the graph out."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from kg.cli import app
from kg.cli._util import StoreOption, open_store


class ExportFormat(StrEnum):
    turtle = "turtle"
    trig = "trig"
    nquads = "nquads"
    jsonld = "jsonld"


@app.command(
    "export",
    epilog="Example: kg export --format turtle --out graph.ttl   ·   kg export --graph 000_96d939c67dd7b28c.txt --format nquads",
)
def export_cmd(
    output_format: Annotated[
        ExportFormat, typer.Option("--format", "-f", help="RDF serialisation.")
    ] = ExportFormat.trig,
    graph: Annotated[
        str | None,
        typer.Option(
            "--graph",
            "-g",
            help="One graph: a file name, sha256 prefix, pig:… name or IRI (default: all).",
        ),
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="File (default: stdout).")] = None,
    store: StoreOption = None,
) -> None:
    """Serialise one document graph or the whole store (Turtle gets the union of all graphs)."""
    from kg.output import open_output, write_all

    graph_store = open_store(store)
    node = graph_store.resolve_graph(graph) if graph else None
    data = graph_store.dump(output_format.value, node)
    with open_output(out) as (stream, name):
        write_all(stream, data, name)
    if out is not None:
        typer.echo(f"wrote {len(data)} bytes to {out}", err=True)
