"""The grid rule shared by every tabular reader, and the text dump of what was read.

A reader that knows merged ranges (Excel, ODS, HTML, PDF) lists its *origin* cells with their
spans; :func:`grid_rows` turns them into rows where a position covered from above is an empty
covered cell at its column (with the origin's column span) and a position covered from the
left is absent, which is how Word's vMerge continuation already looks.

>>> rows = grid_rows(2, [Origin(0, 0, 2, 1, "甲"), Origin(0, 1, 1, 2, "乙"), Origin(1, 1, 1, 1, "丙")])
>>> [[(g.col, g.covered, g.origin.text if g.origin else None) for g in row] for row in rows]
[[(0, False, '甲'), (1, False, '乙')], [(0, True, None), (1, False, '丙')]]
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kg.readers.base import Block, Cell, Paragraph, ReadResult, Row


@dataclass
class Origin:
    """A cell where its text is: top-left grid position and spans (0-based row and column)."""

    row: int
    col: int
    row_span: int
    col_span: int
    text: str
    data: Any = None  # whatever the reader needs back (a source line, a cell reference)


@dataclass
class GridCell:
    """One emitted position: an origin (``origin`` set) or a covered continuation."""

    col: int
    col_span: int
    covered: bool
    origin: Origin | None


def grid_rows(n_rows: int, origins: list[Origin]) -> list[list[GridCell]]:
    """Emit ``n_rows`` rows of origins and covered-from-above continuations, by column."""
    rows: list[list[GridCell]] = [[] for _ in range(n_rows)]
    for origin in origins:
        if origin.row >= n_rows:
            continue
        rows[origin.row].append(GridCell(origin.col, origin.col_span, False, origin))
        for below in range(origin.row + 1, min(origin.row + origin.row_span, n_rows)):
            rows[below].append(GridCell(origin.col, origin.col_span, True, None))
    for row in rows:
        row.sort(key=lambda cell: cell.col)
    return rows


def grid_cell(
    g: GridCell, line: int, place: str, lines: Callable[[Origin], tuple[int, int]] | None = None
) -> Cell:
    """The reader cell of one grid position on ``line``: a covered position is an empty covered
    cell; an origin carries its text and spans, over the ``(first, last)`` source lines
    ``lines`` gives for it when the reader knows them (else ``line``)."""
    if g.covered or g.origin is None:
        return Cell("", line, line, g.col, 1, g.col_span, True, place)
    o = g.origin
    first, last = lines(o) if lines is not None else (line, line)
    return Cell(o.text, first, last, o.col, o.row_span, o.col_span, False, place)


def dump_blocks(blocks: list[Block]) -> str:
    """The seed-layout text of ``blocks``: paragraphs as lines, cells TAB-prefixed, rows blank-ended."""
    lines: list[str] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            lines.append(block.raw)
        elif isinstance(block, Row):
            lines.extend("\t" + cell.raw for cell in block.cells)
            lines.append("")
    return "\n".join(lines) + ("\n" if lines else "")


def column_letters(col: int) -> str:
    """Excel column letters of a 0-based column: 0 → A, 27 → AB.

    >>> column_letters(0), column_letters(25), column_letters(27), column_letters(16383)
    ('A', 'Z', 'AB', 'XFD')
    """
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def read_result(
    data: bytes,
    path: str,
    fmt: str,
    encoding: str,
    blocks: list[Block],
    warnings: list[tuple[int, str]] | None = None,
) -> ReadResult:
    """What a reader of a tabular format found: the file's hash, its blocks and their dump."""
    return ReadResult(
        path=path,
        sha256=hashlib.sha256(data).hexdigest(),
        format=fmt,
        encoding=encoding,
        text=dump_blocks(blocks),
        blocks=blocks,
        warnings=list(warnings or []),
    )
