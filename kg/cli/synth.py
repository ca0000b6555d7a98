"""``kg synth``: write a synthetic corpus (seed layout or national templates) with its manifest."""

from __future__ import annotations

import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from kg.cli import app
from kg.cli._util import progress_bar
from kg.errors import KgError


class Format(StrEnum):
    txt = "txt"
    docx = "docx"
    xlsx = "xlsx"
    xls = "xls"
    ods = "ods"
    html = "html"
    pdf = "pdf"
    md = "md"
    all = "all"


class Layout(StrEnum):
    seed = "seed"
    national = "national"


_SEED_FORMATS = (Format.txt, Format.docx)


@app.command(
    "synth",
    epilog="Example: kg synth --documents 1000 --out corpus/   ·   kg synth -n 20 --out word/ "
    "--format docx --seed 7   ·   kg synth --layout national --format all -n 60 --out national/",
)
def synth(
    documents: Annotated[
        int, typer.Option("--documents", "-n", help="How many documents to write.")
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write them into (created).")],
    seed: Annotated[int, typer.Option(help="Same seed, same corpus, byte for byte.")] = 0,
    layout: Annotated[
        Layout,
        typer.Option(
            help="seed: the Hebei text-dump layout of the seeds; national: the Ministry of "
            "Finance performance-table templates, with an answer key per document."
        ),
    ] = Layout.seed,
    fmt: Annotated[
        Format,
        typer.Option(
            "--format",
            help="seed layout: txt or docx. national: xlsx, xls, ods, docx, html, pdf, md, "
            "txt, or all (cycled over the documents).",
        ),
    ] = Format.txt,
    hazard: Annotated[
        list[str] | None,
        typer.Option(
            "--hazard",
            help="national: give every document exactly these hazards (repeat the option); "
            "default: drawn per document.",
        ),
    ] = None,
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
    """Generate N budget disclosures with planted hazards (deterministic per seed)."""
    if layout is Layout.seed and fmt not in _SEED_FORMATS:
        raise KgError(f"the seed layout is written as txt or docx, not {fmt.value}")
    if layout is Layout.seed and hazard:
        raise KgError("--hazard applies to --layout national only")
    from kg.synth import MANIFEST_NAME, generate_corpus
    from kg.synth.templates import ANSWERS_NAME, generate_template_corpus

    started = time.perf_counter()
    with progress_bar("synth", quiet=quiet) as bar:
        task = bar.add_task("synth", total=documents)
        report = lambda done, _total: bar.update(task, completed=done)  # noqa: E731
        if layout is Layout.national:
            national = generate_template_corpus(
                out, documents, seed=seed, formats=[fmt.value], hazards=hazard, progress=report
            )
        else:
            manifest = generate_corpus(
                out,
                documents,
                seed=seed,
                fmt=fmt.value,
                vocabulary=vocabulary,
                jobs=jobs,
                progress=report,
            )
    seconds = time.perf_counter() - started
    if layout is Layout.national:
        totals = national["totals"]
        typer.echo(
            f"wrote {totals['documents']} national-template documents "
            f"({', '.join(national['formats'])}) to {out} in {seconds:.1f} s: "
            f"{totals['tables']} tables, {totals['indicators']} indicators; "
            f"answer keys next to each file and in {out / ANSWERS_NAME}"
        )
        return
    totals = manifest.totals()
    typer.echo(
        f"wrote {totals['documents']} {fmt.value} documents to {out} in {seconds:.1f} s "
        f"({totals['documents'] / max(seconds, 1e-9):.0f} docs/s): "
        f"{totals['activities']} activities, {totals['sub_activities']} sub-activities, "
        f"{totals['indicators']} indicators, {totals['projects']} projects, "
        f"{totals['families']} planted families ({totals['planted_copies']} copies); "
        f"manifest {out / MANIFEST_NAME}"
    )
