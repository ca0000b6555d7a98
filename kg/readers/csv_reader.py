"""Comma- or tab-separated exports (``.csv``, ``.tsv``, and the ``.xls`` files portals fill with them).

"Export to Excel" buttons often write CSV, and Excel's "Unicode text" is UTF-16 with tabs. The
text is decoded like a text dump (UTF-8, GB18030, UTF-16 with BOM); the delimiter is the one the
first lines use most (tab or comma); quoted cells may hold delimiters and line breaks. Every
record is a Row with its physical first and last line; a run of non-empty records is one table
and an empty record ends it, as in a spreadsheet. ``place`` is ``row 7`` for a row and ``B7``
for a cell (the record number, as a spreadsheet program opening the file would number it).
"""

from __future__ import annotations

import csv
import io

from kg.errors import KgError
from kg.readers.base import Cell, Paragraph, ReadResult, Row
from kg.readers.grid import column_letters, read_result
from kg.readers.limits import MAX_CELLS, check_cells, describe
from kg.readers.text_reader import decode_bytes


def delimiter(text: str) -> str:
    """Tab when the first lines hold more tabs than commas, else comma.

    >>> delimiter("一级指标\\t指标值\\n产出\\t≥95%"), delimiter('a,b\\n"1,5",2')
    ('\\t', ',')
    """
    head = text[:4096]
    return "\t" if head.count("\t") > head.count(",") else ","


def read_csv_bytes(data: bytes, path: str) -> ReadResult:
    """Read a CSV/TSV export given as bytes (``path`` only names it in messages)."""
    text, encoding, warnings = decode_bytes(data, path)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter(text), strict=False)
    blocks: list[Row | Paragraph] = []
    tables = cells = 0
    previous_empty = True
    first_line = 1
    try:
        for number, record in enumerate(reader, start=1):
            last_line = reader.line_num
            start, first_line = first_line, last_line + 1
            if not any(value.strip() for value in record):
                previous_empty = True
                continue
            if previous_empty:
                tables += 1
                previous_empty = False
            cells += len(record)
            if cells > MAX_CELLS:
                check_cells(cells, path, "the file")
            row_cells = [
                Cell(
                    value.replace("\r\n", "\n").replace("\r", "\n"),
                    start,
                    last_line,
                    col,
                    place=f"{column_letters(col)}{number}",
                )
                for col, value in enumerate(record)
            ]
            blocks.append(Row(row_cells, start, last_line, table=tables, place=f"row {number}"))
    except csv.Error as exc:
        raise KgError(
            f"not a readable CSV file ({describe(exc)})", path=path, line=first_line
        ) from exc
    return read_result(data, path, "csv", encoding, blocks, warnings)
