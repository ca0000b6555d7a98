"""``kg demo [--out DIR] [PATH…]``: the main job end to end, and where its outputs are."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kg.cli import app


@app.command("demo")
def demo_cmd(
    sources: Annotated[
        list[Path] | None,
        typer.Argument(help="Documents or folders (default: the bundled sample documents)."),
    ] = None,
    out: Annotated[Path, typer.Option("--out", help="Output directory.")] = Path("demo-out"),
    jobs: Annotated[
        int | None, typer.Option("--jobs", "-j", help="Worker processes (default: all cores).")
    ] = None,
) -> None:
    """Ingest documents into a store, find copied indicators, audit, and write the views.

    Example: [bold]kg demo --out demo-out[/bold]  (or [bold]kg demo ../shared/seeds --out seeds-out[/bold])
    """
    from rich.console import Console

    from kg.demo import run_demo

    console = Console(stderr=True)
    result = run_demo(out, sources, jobs=jobs, on_step=lambda m: console.print(f"[dim]•[/dim] {m}"))
    s = result.ingest
    severity = ", ".join(f"{n} {sev}" for sev, n in sorted(result.by_severity.items())) or "none"
    lines = [
        f"Ingested {s.ingested + s.replaced + s.skipped} document(s): {s.counts['indicators']} "
        f"indicators, {s.counts['project_indicators']} project indicators, {s.triples} triples.",
        f"Found {result.clusters} copy cluster(s) and {result.findings} audit finding(s) ({severity}).",
        "",
        "Outputs (open the HTML files in any browser; they work offline):",
        f"  store           {result.store_dir}   (kg query --store {result.store_dir} --list)",
        f"  audit report    {result.report}",
        f"  audit JSON      {result.report_json}",
    ]
    lines += [f"  view {name:<11}{path}" for name, path in result.views.items()]
    typer.echo("\n".join(lines))
