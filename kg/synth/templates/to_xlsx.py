"""Write a document as an Excel workbook with real merged ranges (openpyxl).

With the ``numeric_cells`` hazard, plain amounts, scores and rates are stored as numbers with the
number format that prints them as the answer key says, as finance bureaus' sheets do.
"""

from __future__ import annotations

import io
from datetime import datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from kg.synth.templates.common import stable_zip
from kg.synth.templates.layout import Grid
from kg.synth.templates.model import TemplateDocument
from kg.synth.templates.sheets import number, sheet_grids

_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="center")
_BOLD = Font(bold=True)
_FIXED = datetime(2020, 1, 1)


def _put_grid(ws: Worksheet, grid: Grid, numeric: bool) -> None:
    for r, row in enumerate(grid.rows, start=1):
        for c, cell in row:
            target = ws.cell(row=r, column=c + 1, value=cell.text or None)
            stored = number(cell.text) if numeric and not cell.head else None
            if stored:
                target.value, target.number_format = stored
            target.alignment = _WRAP
            if cell.head:
                target.font = _BOLD
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    ws.cell(row=r + dr, column=c + 1 + dc).border = _BORDER
            if cell.rowspan > 1 or cell.colspan > 1:
                ws.merge_cells(
                    start_row=r,
                    start_column=c + 1,
                    end_row=r + cell.rowspan - 1,
                    end_column=c + cell.colspan,
                )
    for c in range(grid.width):
        ws.column_dimensions[get_column_letter(c + 1)].width = 12 if c < 2 else 18


def render_xlsx(doc: TemplateDocument) -> bytes:
    """The workbook as bytes, identical for identical documents."""
    wb = Workbook()
    wb.properties.creator = doc.unit
    wb.properties.title = doc.title
    wb.properties.created = _FIXED
    wb.remove(wb.active)
    for name, grid in sheet_grids(doc):
        _put_grid(wb.create_sheet(name), grid, "numeric_cells" in doc.hazards)
    buffer = io.BytesIO()
    wb.save(buffer)
    return stable_zip(buffer.getvalue())
