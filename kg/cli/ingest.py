"""``kg ingest PATH… [--store DIR]``: files and folders into the graph store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from kg.cli import app
from kg.ingest import ingest
from kg.store import Store, default_store_path

StoreOption = Annotated[
    Path | None,
    typer.Option(
        "--store",
        help="Graph store directory (default: $KG_STORE or ./kg-store).",
        show_default=False,
    ),
]


def store_path(store: Path | None) -> Path:
    return store if store is not None else default_store_path()


@app.command(
    "ingest",
    epilog="Example: kg ingest ../shared/seeds   ·   kg ingest disclosures/ --store /data/kg-store --jobs 2",
)
def ingest_cmd(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (searched recursively).")],
    store: StoreOption = None,
    jobs: Annotated[
        int | None, typer.Option("--jobs", "-j", help="Worker processes (default: all cores).")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Re-map and replace documents even if unchanged.")
    ] = False,
    batch_mb: Annotated[
        int, typer.Option("--batch-mb", help="Load into the store every N MB of N-Quads.")
    ] = 32,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    fail_on_unread: Annotated[
        bool,
        typer.Option(
            "--fail-on-unread",
            help="Exit 1 when a document holds performance tables but no indicator was read.",
        ),
    ] = False,
) -> None:
    """Read, extract, analyse and map documents into the graph store (one graph per file)."""
    console = Console(stderr=True)
    graph_store = Store(store_path(store))
    progress = Progress(
        TextColumn("[bold]ingest"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        console=console,
        disable=quiet,
        transient=True,
    )
    with progress:
        task = progress.add_task("", total=None)

        def on_progress(done: int, total: int, path: str) -> None:
            progress.update(task, completed=done, total=total, description=path)

        summary = ingest(
            paths,
            graph_store,
            jobs=jobs,
            force=force,
            batch_bytes=batch_mb * 1024 * 1024,
            on_progress=on_progress,
        )
    graph_store.close()
    c = summary.counts
    typer.echo(
        f"{summary.files} file(s): {summary.ingested} ingested, {summary.replaced} replaced, "
        f"{summary.skipped} unchanged, {len(summary.failed)} failed; "
        f"{summary.triples} triples; {c['activities']} activities, "
        f"{c['sub_activities']} sub-activities, {c['indicators']} indicators, "
        f"{c['bands']} bands, {c['projects']} projects, "
        f"{c['project_indicators']} project indicators; {c['diagnostics']} diagnostics; "
        f"{len(summary.unread)} unread"
    )
    for path in summary.unread:
        typer.echo(
            f"kg: warning: {path}: performance tables found but no indicator read (unread; "
            "see `kg extract` diagnostics)",
            err=True,
        )
    for note in summary.notes:
        typer.echo(f"kg: warning: {note}", err=True)
    if summary.recovered:
        typer.echo(f"removed {len(summary.recovered)} incomplete graph(s) of an interrupted run")
    for _path, message in summary.failed:
        typer.echo(f"kg: error: {message}", err=True)
    if summary.failed or (fail_on_unread and summary.unread):
        raise typer.Exit(1)
