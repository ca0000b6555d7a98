"""Write a document as an OpenDocument spreadsheet (``.ods``) with spanned and covered cells.

Written directly as XML (no ODS library is a dependency): every grid position is a
``table:table-cell`` (spans in ``number-columns-spanned``/``number-rows-spanned``) or a
``table:covered-table-cell``. Numbers (``numeric_cells``) carry ``office:value`` and the printed
text, as LibreOffice saves them.
"""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape, quoteattr

from kg.synth.templates.common import FIXED_DATE
from kg.synth.templates.layout import Grid
from kg.synth.templates.model import TemplateDocument
from kg.synth.templates.sheets import number, sheet_grids

MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
)
_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
    'manifest:version="1.2">'
    f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{MIMETYPE}"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


def _cell(text: str, rowspan: int, colspan: int, numeric: bool) -> str:
    attrs = ""
    if colspan > 1:
        attrs += f' table:number-columns-spanned="{colspan}"'
    if rowspan > 1:
        attrs += f' table:number-rows-spanned="{rowspan}"'
    stored = number(text) if numeric else None
    if stored:
        kind = "percentage" if stored[1].endswith("%") else "float"
        attrs += f' office:value-type="{kind}" office:value={quoteattr(repr(stored[0]))}'
    elif text:
        attrs += ' office:value-type="string"'
    paragraphs = "".join(f"<text:p>{escape(line)}</text:p>" for line in text.split("\n") if text)
    return f"<table:table-cell{attrs}>{paragraphs}</table:table-cell>"


def _table(name: str, grid: Grid, numeric: bool) -> str:
    covered = grid.covered()
    out = [f"<table:table table:name={quoteattr(name)}>"]
    out.append(f'<table:table-column table:number-columns-repeated="{grid.width}"/>')
    for r, row in enumerate(grid.rows):
        anchors = dict(row)
        cells = []
        for c in range(grid.width):
            if c in anchors:
                cell = anchors[c]
                cells.append(
                    _cell(cell.text, cell.rowspan, cell.colspan, numeric and not cell.head)
                )
            elif (r, c) in covered:
                cells.append("<table:covered-table-cell/>")
            else:
                cells.append("<table:table-cell/>")
        out.append("<table:table-row>" + "".join(cells) + "</table:table-row>")
    out.append("</table:table>")
    return "".join(out)


def render_ods(doc: TemplateDocument) -> bytes:
    """The spreadsheet as bytes, with fixed zip dates."""
    numeric = "numeric_cells" in doc.hazards
    tables = "".join(_table(name, grid, numeric) for name, grid in sheet_grids(doc))
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<office:document-content {_NS} office:version="1.2">'
        f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype", FIXED_DATE), MIMETYPE, zipfile.ZIP_STORED)
        for name, body in (("META-INF/manifest.xml", _MANIFEST), ("content.xml", content)):
            archive.writestr(zipfile.ZipInfo(name, FIXED_DATE), body, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()
