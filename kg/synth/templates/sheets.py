"""The sheets of a spreadsheet document, shared by the xlsx, xls and ods writers.

A sheet is one :class:`Grid`: the title row spanning the table, the money unit in the last
column, the table's parts stacked (a continued part with its header repeated), a blank row
between stacked tables. Documents with several tables put them on one sheet or one per sheet.
A cell's number form (``numeric_cells``) is decided here too, so every writer stores the same.
"""

from __future__ import annotations

import re

from kg.synth.templates.common import grids
from kg.synth.templates.layout import Cell, Grid
from kg.synth.templates.model import TemplateDocument

_NUMBER = re.compile(r"^([0-9]+)(?:\.([0-9]+))?(%?)$")  # ASCII only: full-width stays text


def number(text: str) -> tuple[float | int, str] | None:
    """A plain amount, score or rate as a sheet stores it: the number and the format that prints
    it (``35.00`` → 35 with ``0.00``; ``94.50%`` → 0.945 with ``0.00%``); ``None`` for text."""
    match = _NUMBER.match(text)
    if not match:
        return None
    whole, decimals, percent = match.groups()
    places = "." + "0" * len(decimals) if decimals else ""
    if percent:
        return float(text[:-1]) / 100, f"0{places}%"
    return (float(text) if decimals else int(whole)), f"0{places}"


def sheet_grids(doc: TemplateDocument) -> list[tuple[str, Grid]]:
    """``(sheet name, grid)`` for every sheet of the workbook."""
    one_sheet = len(doc.tables) == 1 or doc.index % 2 == 0
    sheets: list[tuple[str, Grid]] = []
    for n, table in enumerate(doc.tables):
        parts = grids(doc, table)
        width = parts[0].width
        if n == 0 or not one_sheet:
            sheet = Grid(width)
            sheets.append((f"Sheet{len(sheets) + 1}", sheet))
        else:
            sheet.width = max(sheet.width, width)
            sheet.add()  # a blank row between stacked tables
        if n == 0:
            sheet.add((0, Cell(doc.title, colspan=width, head=True)))
        if len(doc.tables) > 1:
            sheet.add((0, Cell(table.caption, colspan=width, head=True)))
        sheet.add((width - 1, Cell(doc.money_unit)))
        for part in parts:
            if part.continued and part.caption:
                sheet.add((0, Cell(part.caption)))
            sheet.rows += part.rows
    return sheets
