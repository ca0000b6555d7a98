"""Word ``.docx`` files, read through python-docx.

Body paragraphs and table rows are numbered together in document order, starting at 1; that
ordinal is the ``line`` of every record extracted from a .docx (all cells of a table row
share the row's line). Merged cells are rebuilt once, as Word stores them: a horizontally
merged cell (``gridSpan``) is one cell, and the continuation of a vertically merged cell
(``vMerge``) is an empty cell, exactly as in the seed text dumps. Carrying labels down is
left to extraction, which knows which columns are categories.
"""

from __future__ import annotations

import hashlib
import io
import zipfile

import docx
from docx.oxml.ns import qn

from kg.errors import KgError
from kg.readers.base import Cell, Paragraph, ReadResult, Row


def _paragraph_text(element) -> str:
    """Text of a ``w:p``: runs, tabs and line breaks, without field instructions."""
    parts: list[str] = []
    for node in element.iter(qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")):
        if node.tag == qn("w:t"):
            parts.append(node.text or "")
        elif node.tag == qn("w:tab"):
            parts.append("\t")
        else:
            parts.append("\n")
    return "".join(parts)


def _cell_text(tc) -> str:
    if _is_vmerge_continuation(tc):
        return ""
    return "\n".join(_paragraph_text(p) for p in tc.iter(qn("w:p")))


def _is_vmerge_continuation(tc) -> bool:
    tc_pr = tc.find(qn("w:tcPr"))
    if tc_pr is None:
        return False
    vmerge = tc_pr.find(qn("w:vMerge"))
    return vmerge is not None and vmerge.get(qn("w:val"), "continue") == "continue"


def read_docx_bytes(data: bytes, path: str) -> ReadResult:
    """Read a .docx given as bytes; raise :class:`KgError` if it is not a valid Word file."""
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise KgError(f"not a readable .docx file ({exc})", path=path) from exc
    blocks: list[Row | Paragraph] = []
    dump: list[str] = []
    ordinal = 0
    table_number = 0
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            ordinal += 1
            text = _paragraph_text(child)
            dump.append(text)
            if text.strip(" \t\u3000\n"):
                blocks.append(Paragraph(raw=text, line=ordinal, end_line=ordinal))
        elif child.tag == qn("w:tbl"):
            table_number += 1
            for tr in child.iter(qn("w:tr")):
                if tr.getparent() is not None and tr.getparent().tag != qn("w:tbl"):
                    continue
                ordinal += 1
                cells = [
                    Cell(raw=_cell_text(tc), line=ordinal, end_line=ordinal)
                    for tc in tr.iterchildren(qn("w:tc"))
                ]
                if cells:
                    blocks.append(Row(cells, ordinal, ordinal, table=table_number))
                    dump.extend("\t" + cell.raw for cell in cells)
                dump.append("")
    return ReadResult(
        path=path,
        sha256=hashlib.sha256(data).hexdigest(),
        format="docx",
        encoding="docx",
        text="\n".join(dump),
        blocks=blocks,
    )
