"""Write a document as a PDF with ruled tables and a text layer in a CJK font (reportlab).

Tables are drawn with a GRID rule and SPAN merges, in the built-in STSong-Light CID font so the
Chinese text is extractable. Long tables flow over pages with the indicator header repeated; a
table continued on purpose (the page-break hazard) starts again on a new page with its header.
"""

from __future__ import annotations

import io
from functools import cache

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, TableStyle
from reportlab.platypus import Table as PdfTable

from kg.synth.templates.common import grids, page_marker, preamble
from kg.synth.templates.layout import Grid
from kg.synth.templates.model import TemplateDocument

FONT = "STSong-Light"


@cache
def _styles() -> dict[str, ParagraphStyle]:
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    base = ParagraphStyle("base", fontName=FONT, fontSize=10, leading=14, wordWrap="CJK")
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=11),
        "title": ParagraphStyle("title", parent=base, fontSize=16, leading=22, alignment=1),
        "caption": ParagraphStyle("caption", parent=base, fontSize=12, leading=17, alignment=1),
        "right": ParagraphStyle("right", parent=base, alignment=2),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=10),
    }


def _paragraph(text: str, style: str) -> Paragraph:
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return Paragraph(escaped.replace("\n", "<br/>"), _styles()[style])


def _table(grid: Grid, width: float) -> PdfTable:
    data: list[list[object]] = [[""] * grid.width for _ in grid.rows]
    commands: list[tuple] = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("FONT", (0, 0), (-1, -1), FONT, 8),
    ]
    for r, row in enumerate(grid.rows):
        for c, cell in row:
            data[r][c] = _paragraph(cell.text, "cell") if cell.text else ""
            if cell.rowspan > 1 or cell.colspan > 1:
                end = (c + cell.colspan - 1, r + cell.rowspan - 1)
                commands.append(("SPAN", (c, r), end))
            if cell.head:
                commands.append(("BACKGROUND", (c, r), (c, r), colors.whitesmoke))
    narrow = 0.12 * width
    rest = (width - 2 * narrow) / max(1, grid.width - 2)
    col_widths = [narrow, narrow, *[rest] * (grid.width - 2)]
    return PdfTable(
        data,
        colWidths=col_widths,
        repeatRows=tuple(grid.head_rows),
        style=TableStyle(commands),
    )


def render_pdf(doc: TemplateDocument) -> bytes:
    """The PDF as bytes; ``invariant`` keeps dates and ids fixed, so a seed gives the same bytes.

    A table that flows over a page by itself (its header repeated) shows the page-break hazard
    too, so ``page_break`` is then added to ``doc.hazards`` and the answer key says so.
    """
    wide = max(len(t.columns) for t in doc.tables) >= 7
    size = landscape(A4) if wide else A4
    buffer = io.BytesIO()
    template = _CountingTemplate(
        buffer,
        pagesize=size,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=doc.title,
        author=doc.unit,
        creator="pikg synth",
        invariant=1,
    )
    story: list[object] = []
    *before, title, intro = preamble(doc)
    story += [_paragraph(line, "small") for line in before if line != page_marker(1)]
    story += [_paragraph(title, "title"), Spacer(1, 4 * mm), _paragraph(intro, "body")]
    for table in doc.tables:
        story += [Spacer(1, 4 * mm), _paragraph(table.caption, "caption")]
        story.append(_paragraph(doc.money_unit, "right"))
        for part in grids(doc, table):
            if part.continued:
                story.append(PageBreak())
                if part.caption:
                    story.append(_paragraph(part.caption, "body"))
            story.append(_table(part, template.width))
    story += [Spacer(1, 4 * mm), *[_paragraph(line, "right") for line in doc.outro.splitlines()]]

    def footer(canvas, _doc) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 9)
        canvas.drawCentredString(size[0] / 2, 8 * mm, page_marker(canvas.getPageNumber()))
        canvas.restoreState()

    planned = sum(isinstance(item, PdfTable) for item in story)  # build() empties the story
    template.build(story, onFirstPage=footer, onLaterPages=footer)
    if template.tables_drawn > planned and "page_break" not in doc.hazards:
        doc.hazards = sorted([*doc.hazards, "page_break"])
    return buffer.getvalue()


class _CountingTemplate(SimpleDocTemplate):
    """Counts the table pieces drawn: more pieces than tables means one split over a page."""

    tables_drawn = 0

    def afterFlowable(self, flowable: object) -> None:
        if isinstance(flowable, PdfTable):
            self.tables_drawn += 1
