"""``kg extract FILE… [--format json|csv]``: the typed model of each document as JSON or CSV."""

from __future__ import annotations

import json
import sys
from dataclasses import fields
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kg.cli import app
from kg.errors import KgError

if TYPE_CHECKING:
    from kg.model import Document
    from kg.output import TextSink


class OutputFormat(StrEnum):
    json = "json"
    csv = "csv"


_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False)


def document_json(doc: Document, indent: int | None = None) -> str:
    """One document as a JSON object (Decimal → number, Chinese kept readable; strict JSON)."""
    from kg.model import to_jsonable

    try:
        return json.dumps(to_jsonable(doc), ensure_ascii=False, indent=indent, allow_nan=False)
    except ValueError as exc:
        raise KgError(f"cannot write JSON: {exc}", doc.source.path) from None


def write_document_json(doc: Document, out: TextSink) -> None:
    """``document_json(doc)`` and a newline, written piece by piece: field by field and list
    item by list item, so the JSON of a whole document (ten times its text) is never held."""
    from kg.model import to_jsonable

    try:
        out.write("{")
        for index, field in enumerate(fields(doc)):
            out.write(f"{', ' if index else ''}{_ENCODER.encode(field.name)}: ")
            value = getattr(doc, field.name)
            if not isinstance(value, list):
                out.write(_ENCODER.encode(to_jsonable(value)))
                continue
            out.write("[")
            for position, item in enumerate(value):
                out.write(f"{', ' if position else ''}{_ENCODER.encode(to_jsonable(item))}")
            out.write("]")
        out.write("}\n")
    except ValueError as exc:
        raise KgError(f"cannot write JSON: {exc}", doc.source.path) from None


def extract_command(paths: list[Path], output: OutputFormat, pretty: bool = False) -> int:
    """Extract every file, stream the result to stdout; return the number of failed files.

    One JSON object for one file, JSON Lines for several (one file at a time), or one CSV
    with a row per indicator (UTF-8 with BOM so Excel opens it correctly).
    """
    from kg.extraction import CSV_COLUMNS, iter_indicator_rows
    from kg.ingest import extract_document
    from kg.nlp import analyze_document
    from kg.output import SafeCsvWriter, TextSink

    failed = 0
    header_written = False
    out = TextSink(sys.stdout.buffer)
    writer = SafeCsvWriter(out, lineterminator="\n")  # no cell runs as a spreadsheet formula
    if output is OutputFormat.csv:
        out.write("\ufeff")
    for path in paths:
        try:
            doc = analyze_document(extract_document(path))  # bands, scheme and name analysis
        except KgError as exc:
            print(f"kg: error: {exc}", file=sys.stderr)
            failed += 1
            continue
        if output is OutputFormat.csv:
            if not header_written:
                writer.writerow(CSV_COLUMNS)
                header_written = True
            for row in iter_indicator_rows(doc):
                writer.writerow(row.get(column, "") for column in CSV_COLUMNS)
        elif pretty and len(paths) == 1:
            out.write(document_json(doc, indent=2) + "\n")
        else:
            write_document_json(doc, out)
        out.flush()
        problems = [d for d in doc.diagnostics if d.severity != "info"]
        if problems:
            print(f'kg: {path}: {len(problems)} diagnostic(s) (see "diagnostics")', file=sys.stderr)
    return failed


@app.command(
    "extract",
    epilog="Example: kg extract kg/data/samples/101_yunxi_government_office.txt --pretty   ·   kg extract --format csv 目标表.xlsx 自评表.pdf > indicators.csv",
)
def extract(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="Documents: text dumps, Excel, Word, PDF, web pages, Markdown (docs/formats.md)."
        ),
    ],
    output: Annotated[
        OutputFormat,
        typer.Option("--format", "-f", help="json (JSON Lines for several files) or csv."),
    ] = OutputFormat.json,
    pretty: Annotated[bool, typer.Option(help="Indent the JSON (one file only).")] = False,
) -> None:
    """Extract departments, activities, indicators, projects and tables, traceable to lines."""
    failed = extract_command(files, output, pretty)
    if failed:
        # Each failure is already one line on stderr; 2 = nothing readable, 1 = some files.
        raise typer.Exit(code=2 if failed == len(files) else 1)
