"""``kg docs [--out DIR]``: write the ontology reference pages and class diagram."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kg.cli import app


@app.command("docs")
def docs(
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder to write the pages into (created).")
    ] = Path("docs/ontology"),
) -> None:
    """Write the ontology reference (pyLODE pages per ontology and concept scheme) and an SVG
    class diagram, generated from ontology/*.ttl; open index.html in a browser, offline.

    Example: kg docs --out /tmp/pikg-ontology && xdg-open /tmp/pikg-ontology/index.html
    """
    from kg.graph.docs import build_ontology_docs

    result = build_ontology_docs(out)
    typer.echo(f"wrote {len(result.files)} files; open {result.index}")
