"""``kg audit``: run the audit rules over the store, write the findings back and a report.

Exit codes: 0 = no finding at or above ``--fail-on``, 1 = such findings exist, 2 = usage error.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from kg.cli import app
from kg.cli._util import StoreOption, open_store
from kg.errors import KgError


class ReportFormat(StrEnum):
    html = "html"
    json = "json"
    csv = "csv"
    md = "md"


class Severity(StrEnum):
    error = "error"
    warning = "warning"
    info = "info"


@app.command(
    "audit",
    epilog="Example: kg ingest ../shared/seeds && kg audit --out report/   ·   kg audit --format json --fail-on error --out ci/",
)
def audit_command(
    store: StoreOption = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Directory for the report.")] = Path(
        "audit-report"
    ),
    fmt: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="Report format.")
    ] = ReportFormat.html,
    config: Annotated[
        Path | None,
        typer.Option("--config", help="TOML file: disable rules, change severities/parameters."),
    ] = None,
    rules: Annotated[
        list[Path] | None,
        typer.Option(
            "--rules", help="Extra rule as a SPARQL SELECT file (?node ?message); repeatable."
        ),
    ] = None,
    fail_on: Annotated[
        Severity,
        typer.Option("--fail-on", help="Exit 1 if findings at or above this severity exist."),
    ] = Severity.error,
    no_write: Annotated[
        bool, typer.Option("--no-write", help="Do not write the findings back into the store.")
    ] = False,
    allow_service: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-service",
            help="Let SERVICE clauses in rule files reach this host (repeatable; off by default).",
        ),
    ] = None,
    show_dismissed: Annotated[
        bool,
        typer.Option("--show-dismissed", help="Include findings a reviewer dismissed (kg review)."),
    ] = False,
) -> None:
    """Audit every ingested document: defective ladders and indicators, structure and money,
    copies. Writes the findings to the store (pig:audit/…) and a report; prints where it is."""
    from kg.audit import AuditConfig, load_config, render, run_audit

    settings = load_config(config) if config else AuditConfig()
    settings.allow_service = tuple(allow_service or ())
    with open_store(store, write=not no_write) as opened:
        if not opened.documents():
            raise KgError(
                "the store holds no documents; run `kg ingest DIR` first", str(opened.path)
            )
        result = run_audit(
            opened,
            settings,
            rule_files=rules or [],
            write=not no_write,
            show_dismissed=show_dismissed,
        )
    report = render(result, fmt.value, out)
    counts = result.by_severity()
    typer.echo(
        f"{len(result.findings)} finding(s): {counts['error']} error, {counts['warning']} warning, "
        f"{counts['info']} info in {len(result.documents)} document(s)"
        + (f"; {result.dismissed} dismissed by reviewers, not shown" if result.dismissed else "")
    )
    typer.echo(f"report: {report}")
    if fmt is ReportFormat.html:  # its graph links must reach a file: write the view there
        from kg.views.links import write_linked_views

        with open_store(store) as reader:
            for view in write_linked_views(reader, report, result.config.view_link):
                typer.echo(f"view: {view}")
    if result.at_or_above(fail_on.value):
        raise typer.Exit(1)
