"""Word ``.docx`` files: ``word/document.xml`` read with a safe lxml parser.

Body paragraphs and table rows are numbered together in document order, starting at 1; that
ordinal is the ``line`` of every record extracted from a .docx (all cells of a table row
share the row's line). Merged cells are kept as Word stores them: a horizontally merged cell
(``gridSpan``, or a legacy ``hMerge`` run) is one cell whose ``col_span`` covers the merged
columns, and the continuation of a vertically merged cell (``vMerge``) is an empty cell with
``covered=True``, exactly as in the seed text dumps; the origin's ``row_span`` counts the
continuations below it. ``col`` is the grid column (``gridBefore`` and the spans of the cells
to the left). Content controls (``w:sdt``) are read through. A table that holds a table is a
layout table: its cells are read like the body, and only tables without tables inside emit rows
(the rule of the HTML reader). python-docx is not needed for reading: parsing the one XML
part directly is faster and accepts files python-docx refuses (macro-enabled or odd content
types). Carrying labels down is left to extraction, which knows which columns are categories.
"""

from __future__ import annotations

from kg.errors import KgError
from kg.readers.base import Cell, Paragraph, ReadResult, Row
from kg.readers.grid import read_result
from kg.readers.limits import check_cells, open_zip, parse_xml, read_member

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def qn(name: str) -> str:
    """Clark name of a ``w:`` element or attribute."""
    return f"{{{_W}}}{name.partition(':')[2]}"


_P, _TBL, _TR, _TC = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc")
_T, _TAB, _BR, _CR = qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")
_VAL = qn("w:val")
_WRAPPERS = {qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml"), qn("w:smartTag")}


def _paragraph_text(element) -> str:
    """Text of a ``w:p``: runs, tabs and line breaks, without field instructions."""
    parts: list[str] = []
    for node in element.iter(_T, _TAB, _BR, _CR):
        if node.tag == _T:
            parts.append(node.text or "")
        elif node.tag == _TAB:
            parts.append("\t")
        else:
            parts.append("\n")
    return "".join(parts)


def _is_vmerge_continuation(tc) -> bool:
    tc_pr = tc.find(qn("w:tcPr"))
    if tc_pr is None:
        return False
    vmerge = tc_pr.find(qn("w:vMerge"))
    return vmerge is not None and vmerge.get(_VAL, "continue") == "continue"


def _cell_text(tc) -> str:
    if _is_vmerge_continuation(tc):
        return ""
    return "\n".join(_paragraph_text(p) for p in tc.iter(_P))


def _int_property(parent, path: str) -> int:
    node = parent.find(path) if parent is not None else None
    try:
        return max(1, int(node.get(_VAL, "1"))) if node is not None else 1
    except ValueError:
        return 1


def _own(element, tag: str):
    """Children with ``tag`` of ``element``, looking through content controls and custom XML."""
    for child in element:
        if child.tag == tag:
            yield child
        elif child.tag in _WRAPPERS:
            yield from _own(child, tag)


def _body_items(element):
    """Paragraphs and data tables of the body in order, looking through content controls.

    A table holding another table is a layout table (as on portal pages saved as Word): its
    cells are read like the body, so their paragraphs are paragraphs and the innermost tables
    are the data tables whose rows are emitted.
    """
    for child in element:
        if child.tag == _P:
            yield child
        elif child.tag == _TBL:
            if child.find(f".//{_TBL}") is None:
                yield child
            else:
                for tr in _own(child, _TR):
                    for tc in _own(tr, _TC):
                        yield from _body_items(tc)
        elif child.tag in _WRAPPERS:
            yield from _body_items(child)


def _table_grid(tbl) -> list[list[tuple[object, int, int, bool]]]:
    """Per row: (tc, grid column, gridSpan, vMerge continuation) for each cell."""
    rows = []
    for tr in _own(tbl, _TR):
        tr_pr = tr.find(qn("w:trPr"))
        before = tr_pr.find(qn("w:gridBefore")) if tr_pr is not None else None
        col = _int_property(tr_pr, qn("w:gridBefore")) if before is not None else 0
        cells = []
        for tc in _own(tr, _TC):
            tc_pr = tc.find(qn("w:tcPr"))
            span = _int_property(tc_pr, qn("w:gridSpan"))
            hmerge = tc_pr.find(qn("w:hMerge")) if tc_pr is not None else None
            if hmerge is not None and hmerge.get(_VAL, "continue") == "continue" and cells:
                # legacy horizontal merge (older Word, WPS): the origin spans this cell too
                origin, origin_col, origin_span, continuation = cells[-1]
                cells[-1] = (origin, origin_col, origin_span + span, continuation)
            else:
                cells.append((tc, col, span, _is_vmerge_continuation(tc)))
            col += span
        rows.append(cells)
    return rows


def read_docx_bytes(data: bytes, path: str) -> ReadResult:
    """Read a .docx given as bytes; raise :class:`KgError` if it is not a valid Word file."""
    archive = open_zip(data, path, ".docx")
    xml = read_member(archive, "word/document.xml", path, ".docx")
    root = parse_xml(xml, path, ".docx", "word/document.xml")
    body = root.find(qn("w:body"))
    if body is None:
        raise KgError("not a readable .docx file (word/document.xml has no body)", path=path)
    blocks: list[Row | Paragraph] = []
    ordinal = 0
    table_number = 0
    n_cells = 0
    for child in _body_items(body):
        if child.tag == _P:
            ordinal += 1
            text = _paragraph_text(child)
            if text.strip(" \t\u3000\n"):
                blocks.append(Paragraph(raw=text, line=ordinal, end_line=ordinal))
            continue
        table_number += 1
        grid = _table_grid(child)
        n_cells += sum(len(row) for row in grid)
        check_cells(n_cells, path, f"table {table_number}")
        for index, row in enumerate(grid):
            ordinal += 1
            if not row:
                continue
            place = f"table {table_number}, row {index + 1}"
            cells = []
            for tc, col, span, continuation in row:
                row_span = 1
                if not continuation:
                    for below in grid[index + 1 :]:
                        if not any(c == col and cont for _tc, c, _s, cont in below):
                            break
                        row_span += 1
                cells.append(
                    Cell(
                        raw=_cell_text(tc),
                        line=ordinal,
                        end_line=ordinal,
                        col=col,
                        row_span=row_span,
                        col_span=span,
                        covered=continuation,
                        place=f"{place}, column {col + 1}",
                    )
                )
            blocks.append(Row(cells, ordinal, ordinal, table=table_number, place=place))
    return read_result(data, path, "docx", "docx", blocks)
