"""``kg synth``: write a synthetic corpus in the seed layout, with a manifest of its contents."""

from __future__ import annotations

import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from kg.cli import app
from kg.synth import MANIFEST_NAME, generate_corpus


class Format(StrEnum):
    txt = "txt"
    docx = "docx"


@app.command(
    "synth",
    epilog="Example: kg synth --documents 1000 --out corpus/   ·   kg synth -n 20 --out word/ --format docx --seed 7",
)
def synth(
    documents: Annotated[
        int, typer.Option("--documents", "-n", help="How many documents to write.")
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write them into (created).")],
    seed: Annotated[int, typer.Option(help="Same seed, same corpus, byte for byte.")] = 0,
    fmt: Annotated[Format, typer.Option("--format", help="txt (text dump) or docx.")] = Format.txt,
    vocabulary: Annotated[
        Path | None,
        typer.Option(
            help="Folder of text dumps to mine words from (e.g. the seeds); "
            "default: built-in words plus the bundled samples."
        ),
    ] = None,
    jobs: Annotated[
        int, typer.Option("--jobs", "-j", help="Worker processes (0 = one per core).")
    ] = 0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Generate N budget disclosures with planted hazards and copies (deterministic per seed)."""
    console = Console(stderr=True)
    started = time.perf_counter()
    with Progress(
        TextColumn("synth"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=quiet,
        transient=True,
    ) as bar:
        task = bar.add_task("synth", total=documents)
        manifest = generate_corpus(
            out,
            documents,
            seed=seed,
            fmt=fmt.value,
            vocabulary=vocabulary,
            jobs=jobs,
            progress=lambda done, _total: bar.update(task, completed=done),
        )
    seconds = time.perf_counter() - started
    totals = manifest.totals()
    typer.echo(
        f"wrote {totals['documents']} {fmt.value} documents to {out} in {seconds:.1f} s "
        f"({totals['documents'] / max(seconds, 1e-9):.0f} docs/s): "
        f"{totals['activities']} activities, {totals['sub_activities']} sub-activities, "
        f"{totals['indicators']} indicators, {totals['projects']} projects, "
        f"{totals['families']} planted families ({totals['planted_copies']} copies); "
        f"manifest {out / MANIFEST_NAME}"
    )
