"""``kg ingest PATH… [--store DIR]``: files and folders into the graph store."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from kg.cli import app
from kg.cli._util import StoreOption, open_store, progress_bar

if TYPE_CHECKING:
    from kg.ingest import IngestSummary


class Engine(StrEnum):
    """Where ingest runs."""

    local = "local"
    spark = "spark"


@app.command(
    "ingest",
    epilog="Example: kg ingest ../shared/seeds   ·   kg ingest disclosures/ --store /data/kg-store --jobs 2",
)
def ingest_cmd(
    paths: Annotated[
        list[str], typer.Argument(help="Files or folders (searched recursively); URIs on Spark.")
    ],
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
    engine: Annotated[
        Engine,
        typer.Option(
            "--engine", help="local: processes on this machine; spark: Spark executors (--out)."
        ),
    ] = Engine.local,
    out: Annotated[
        str, typer.Option("--out", help="Spark: output folder or URI (then `kg load` it).")
    ] = "kg-spark-out",
    master: Annotated[
        str | None, typer.Option("--master", help="Spark master (default: local[*]).")
    ] = None,
) -> None:
    """Read, extract, analyse and map documents into the graph store (one graph per file)."""
    if engine is Engine.spark:
        from kg.ingest.spark import report, spark_ingest

        summary = spark_ingest(paths, out, master=master, force=force)
        raise typer.Exit(report(summary, fail_on_unread=fail_on_unread))
    from kg.ingest import ingest

    graph_store = open_store(store, write=True, create=True)
    progress = progress_bar("[bold]ingest", quiet=quiet, described=True)
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
    if not summary.files:
        typer.echo(
            f"kg: warning: no documents in {', '.join(map(str, paths))}; nothing ingested", err=True
        )
    elif summary.skipped == summary.files:
        typer.echo(
            f"{summary.files} file(s) unchanged since they were ingested; nothing to do "
            "(--force re-reads them)"
        )
    else:
        _print_summary(summary)
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


def _print_summary(summary: IngestSummary) -> None:
    """One line: what happened to the files and what the new graphs hold."""
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
