"""Write a document as Word (python-docx) with real merges: gridSpan across, vMerge down.

The indicator header rows are marked to repeat on each page (w:tblHeader); a table continued on
the next page is a second table after a page break, its header printed again.
"""

from __future__ import annotations

import io
from datetime import datetime

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.table import Table as DocxTable

from kg.synth.templates.common import grids, preamble, stable_zip
from kg.synth.templates.layout import Grid
from kg.synth.templates.model import TemplateDocument

_FIXED = datetime(2020, 1, 1)


def _put_grid(document: docx.document.Document, grid: Grid) -> DocxTable:
    table = document.add_table(rows=len(grid.rows), cols=grid.width)
    table.style = "Table Grid"
    # Every position's cell, taken once before merging: table.cell() rescans the whole table.
    # Spans are disjoint, so merging one never removes a cell another span still needs.
    cells = table._cells
    w = grid.width
    for r, row in enumerate(grid.rows):
        for c, cell in row:
            target = cells[r * w + c]
            if cell.rowspan > 1 or cell.colspan > 1:
                end = cells[(r + cell.rowspan - 1) * w + c + cell.colspan - 1]
                target = target.merge(end)
            target.text = cell.text
            if cell.head:
                for run in target.paragraphs[0].runs:
                    run.bold = True
    for r in grid.head_rows:
        header = OxmlElement("w:tblHeader")
        table.rows[r]._tr.get_or_add_trPr().append(header)
    return table


def render_docx(doc: TemplateDocument) -> bytes:
    """The Word file as bytes, identical for identical documents."""
    document = docx.Document()
    props = document.core_properties
    props.author = doc.unit
    props.title = doc.title
    props.created = props.modified = props.last_printed = _FIXED
    props.revision = 1
    *before, title, intro = preamble(doc)
    for line in before:
        document.add_paragraph(line)
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading.add_run(title).bold = True
    document.add_paragraph(intro)
    for table in doc.tables:
        caption = document.add_paragraph()
        caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
        caption.add_run(table.caption).bold = True
        document.add_paragraph(doc.money_unit).alignment = WD_ALIGN_PARAGRAPH.RIGHT
        for part in grids(doc, table):
            if part.continued:
                document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
                if part.caption:
                    document.add_paragraph(part.caption)
            _put_grid(document, part)
        document.add_paragraph()
    for line in doc.outro.splitlines():
        document.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _east_asian_font(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return stable_zip(buffer.getvalue())


def _east_asian_font(document: docx.document.Document) -> None:
    """Name a Chinese font for the default style, as Word files from Chinese offices do."""
    rpr = document.styles["Normal"].element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), "宋体")
