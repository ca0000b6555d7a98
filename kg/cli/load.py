"""``kg load DIR [--store DIR]``: the output of ``kg ingest --engine spark`` into the store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kg.cli import app
from kg.cli._util import StoreOption, open_store


@app.command(
    "load",
    epilog="Example: kg ingest --engine spark disclosures/ --out spark-out   ·   kg load spark-out",
)
def load_cmd(
    folder: Annotated[Path, typer.Argument(help="Output folder of `kg ingest --engine spark`.")],
    store: StoreOption = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace documents even if the store has them.")
    ] = False,
    batch_mb: Annotated[
        int, typer.Option("--batch-mb", help="Load into the store every N MB of N-Quads.")
    ] = 32,
) -> None:
    """Bulk-load a Spark ingest's N-Quads into the graph store, committed like `kg ingest`."""
    from kg.ingest.load import load_output

    graph_store = open_store(store, write=True, create=True)
    try:
        summary = load_output(folder, graph_store, force=force, batch_bytes=batch_mb * 1024 * 1024)
    finally:
        graph_store.close()
    typer.echo(
        f"{summary.documents} document(s) of run {summary.run}: {summary.loaded} loaded, "
        f"{summary.replaced} replaced, {summary.skipped} unchanged, "
        f"{len(summary.failed)} failed; {summary.triples} triples"
    )
    for _path, message in summary.failed:
        typer.echo(f"kg: error: {message}", err=True)
    if summary.failed:
        raise typer.Exit(1)
