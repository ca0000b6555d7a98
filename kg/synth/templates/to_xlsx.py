"""Write a document as an Excel workbook with real merged ranges (openpyxl).

With the ``numeric_cells`` hazard, plain amounts, scores and rates are stored as numbers with the
number format that prints them as the answer key says (35.00 as 35 with ``0.00``, 94.50% as
0.945 with ``0.00%``), as finance bureaus' sheets do. Tables go one per sheet or stacked in one sheet; a table continued on the next page is stacked
with its header repeated, as a sheet made from a printed form shows it.
"""

from __future__ import annotations

import io
import re
from datetime import datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from kg.synth.templates.common import grids, stable_zip
from kg.synth.templates.layout import Grid
from kg.synth.templates.model import TemplateDocument

_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="center")
_BOLD = Font(bold=True)
_FIXED = datetime(2020, 1, 1)


_NUMBER = re.compile(r"^([0-9]+)(?:\.([0-9]+))?(%?)$")  # ASCII only: full-width stays text


def _number(text: str) -> tuple[float | int, str] | None:
    """A plain amount, score or rate as Excel stores it: the number and the format that prints it."""
    match = _NUMBER.match(text)
    if not match:
        return None
    whole, decimals, percent = match.groups()
    places = "." + "0" * len(decimals) if decimals else ""
    if percent:
        return float(text[:-1]) / 100, f"0{places}%"
    return (float(text) if decimals else int(whole)), f"0{places}"


def _put_grid(ws: Worksheet, grid: Grid, top: int, numeric: bool) -> int:
    """Write ``grid`` with its first row at ``top``; return the next free row."""
    for r, row in enumerate(grid.rows):
        for c, cell in row:
            target = ws.cell(row=top + r, column=c + 1, value=cell.text or None)
            stored = _number(cell.text) if numeric and not cell.head else None
            if stored:
                target.value, target.number_format = stored
            target.alignment = _WRAP
            if cell.head:
                target.font = _BOLD
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    ws.cell(row=top + r + dr, column=c + 1 + dc).border = _BORDER
            if cell.rowspan > 1 or cell.colspan > 1:
                ws.merge_cells(
                    start_row=top + r,
                    start_column=c + 1,
                    end_row=top + r + cell.rowspan - 1,
                    end_column=c + cell.colspan,
                )
    return top + len(grid.rows)


def _title(ws: Worksheet, row: int, text: str, width: int) -> None:
    ws.cell(row=row, column=1, value=text).font = _BOLD
    if width > 1:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)


def render_xlsx(doc: TemplateDocument) -> bytes:
    """The workbook as bytes, identical for identical documents."""
    wb = Workbook()
    wb.properties.creator = doc.unit
    wb.properties.title = doc.title
    wb.properties.created = _FIXED
    ws = wb.active
    ws.title = "Sheet1"
    one_sheet = len(doc.tables) == 1 or doc.index % 2 == 0
    top = 1
    for n, table in enumerate(doc.tables):
        parts = grids(doc, table)
        width = parts[0].width
        if n and not one_sheet:
            ws = wb.create_sheet(f"Sheet{n + 1}")
            top = 1
        elif n:
            top += 1  # a blank row between stacked tables
        if n == 0:
            _title(ws, top, doc.title, width)
            top += 1
        if len(doc.tables) > 1:
            _title(ws, top, table.caption, width)
            top += 1
        ws.cell(row=top, column=width, value=doc.money_unit)
        top += 1
        for part in parts:
            if part.continued and part.caption:
                ws.cell(row=top, column=1, value=part.caption)
                top += 1
            top = _put_grid(ws, part, top, "numeric_cells" in doc.hazards)
        for c in range(width):
            ws.column_dimensions[get_column_letter(c + 1)].width = 12 if c < 2 else 18
    buffer = io.BytesIO()
    wb.save(buffer)
    return stable_zip(buffer.getvalue())
