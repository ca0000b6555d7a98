"""``kg validate [--store DIR] [--document SHA|PATH]``: SHACL shapes over the store."""

from __future__ import annotations

from typing import Annotated

import typer

from kg.cli import app
from kg.cli._util import StoreOption, open_store


@app.command(
    "validate",
    epilog="Example: kg validate   ·   kg validate --document 000_96d939c67dd7b28c.txt --warnings",
)
def validate_cmd(
    document: Annotated[
        str | None,
        typer.Option(
            "--document",
            "-d",
            help="One document: sha256 prefix, file name, recorded path or graph IRI "
            "(default: every document and the vocabularies).",
        ),
    ] = None,
    warnings: Annotated[
        bool, typer.Option("--warnings", "-w", help="List warnings too, not only their count.")
    ] = False,
    store: StoreOption = None,
) -> None:
    """Check the graph against the SHACL shapes (ontology/shapes); exit 1 on violations.

    Each problem is one line: source file:line, focus node, property path, message.
    Warnings (fewer than four grades, ladder defects, mixed units) are audit signals and
    never change the exit code.
    """
    from kg.graph.namespace import curie
    from kg.graph.validate import validate_store

    graph_store = open_store(store)
    report = validate_store(graph_store, document)
    shown = report.issues if warnings else report.violations
    for issue in shown:
        typer.echo(f"{issue.severity.lower()}: {issue.line(curie)}  [{issue.shape}]")
    counts = report.counts()
    typer.echo(
        f"{len(report.graphs)} graph(s) checked: {counts['Violation']} violation(s), "
        f"{counts['Warning'] + counts['Info']} warning(s)"
        + ("" if warnings or not report.warnings else " (list them with --warnings)")
    )
    if not report.conforms:
        raise typer.Exit(1)
