"""Write a document as a legacy Excel ``.xls`` (BIFF8, xlwt) with merged ranges.

Many county finance bureaus still publish ``.xls``.
"""

from __future__ import annotations

import io
from functools import cache

import xlwt

from kg.synth.templates.model import TemplateDocument
from kg.synth.templates.sheets import number, sheet_grids

_BOX = "borders: left thin, right thin, top thin, bottom thin; align: wrap on, vert centre"


@cache
def _style(head: bool, number_format: str = "") -> xlwt.XFStyle:
    font = "font: bold on; " if head else ""
    return xlwt.easyxf(font + _BOX, num_format_str=number_format or "General")


def render_xls(doc: TemplateDocument) -> bytes:
    """The workbook as bytes (xlwt writes no timestamps, so a seed gives the same bytes)."""
    book = xlwt.Workbook(encoding="utf-8")
    numeric = "numeric_cells" in doc.hazards
    for name, grid in sheet_grids(doc):
        ws = book.add_sheet(name)
        for r, row in enumerate(grid.rows):
            for c, cell in row:
                stored = number(cell.text) if numeric and not cell.head else None
                value, style = cell.text, _style(cell.head)
                if stored:
                    value, style = stored[0], _style(cell.head, stored[1])
                if cell.rowspan > 1 or cell.colspan > 1:
                    ws.write_merge(r, r + cell.rowspan - 1, c, c + cell.colspan - 1, value, style)
                else:
                    ws.write(r, c, value, style)
        for c in range(grid.width):
            ws.col(c).width = 256 * (12 if c < 2 else 18)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
