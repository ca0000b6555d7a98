"""Markdown files: pipe tables as rows, every other non-blank line as a paragraph.

A table is a line holding a ``|`` followed by a ``|---|`` delimiter line (GitHub's rule); its
body runs until a blank line or a line without a ``|``. The delimiter line is skipped. Cells
are split at unescaped pipes (``\\|`` is a literal pipe), the outer pipes are optional, ``<br>``
in a cell is a line break. A heading's ``#`` marks and ``**bold**`` markers are dropped (markup,
not content); everything else is kept as written. Every row keeps its real file line; ``place`` says
``table N, row M`` (the header row is row 1). A body row with more cells than the header keeps
them all (with a warning): nothing is dropped.
"""

from __future__ import annotations

import re

from kg.readers.base import Cell, Paragraph, ReadResult, Row
from kg.readers.grid import read_result
from kg.readers.text_reader import decode_bytes

_DELIMITER = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]+|$)(.*?)(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(```+|~~~+)")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")


def plain(text: str) -> str:
    """Text without Markdown markup that is not content: a heading's ``#`` and ``**bold**``.

    >>> plain("## 乡村振兴项目 ##"), plain("**合计**：100万元"), plain("填报单位：____")
    ('乡村振兴项目', '合计：100万元', '填报单位：____')
    """
    heading = _HEADING.match(text)
    if heading:
        text = heading.group(1)
    return _BOLD.sub(r"\1", text)


def split_row(line: str) -> list[str]:
    """Cells of one pipe-table line, with escaped pipes kept and outer pipes dropped.

    >>> split_row("| 甲 | a \\\\| b | 丙 |")
    ['甲', 'a | b', '丙']
    >>> split_row("x | y")
    ['x', 'y']
    """
    cells, current, index = [], [], 0
    while index < len(line):
        char = line[index]
        if char == "\\" and index + 1 < len(line) and line[index + 1] == "|":
            current.append("|")
            index += 2
            continue
        if char == "|":
            cells.append("".join(current))
            current = []
        else:
            current.append(char)
        index += 1
    cells.append("".join(current))
    stripped = line.strip()
    if stripped.startswith("|"):
        cells = cells[1:]
    if stripped.endswith("|") and not stripped.endswith("\\|"):
        cells = cells[:-1]
    return [plain(_BR.sub("\n", cell).strip()) for cell in cells]


def _has_pipe(line: str) -> bool:
    return "|" in line.replace("\\|", "")


def read_md_bytes(data: bytes, path: str) -> ReadResult:
    """Read a Markdown file given as bytes (``path`` only names it in messages)."""
    text, encoding, warnings = decode_bytes(data, path)
    lines = text.split("\n")
    blocks: list[Row | Paragraph] = []
    tables = 0
    index = 0
    fence = ""
    while index < len(lines):
        line = lines[index]
        number = index + 1
        opening = _FENCE.match(line)
        if fence or opening:  # code blocks are text, never tables
            if fence and line.strip().startswith(fence):
                fence = ""
            elif not fence:
                fence = opening.group(1)
            if line.strip():
                blocks.append(Paragraph(raw=line, line=number, end_line=number))
            index += 1
            continue
        is_header = (
            _has_pipe(line)
            and index + 1 < len(lines)
            and "|" in lines[index + 1]
            and _DELIMITER.match(lines[index + 1])
        )
        if not is_header:
            if line.strip(" \t\u3000"):
                blocks.append(Paragraph(raw=plain(line), line=number, end_line=number))
            index += 1
            continue
        tables += 1
        width = len(split_row(line))
        end = index + 2
        while end < len(lines) and lines[end].strip() and _has_pipe(lines[end]):
            end += 1
        for row_number, position in enumerate([index, *range(index + 2, end)], start=1):
            values = split_row(lines[position])
            if len(values) > width:
                warnings.append((position + 1, f"row has {len(values)} cells, header {width}"))
            values += [""] * (width - len(values))
            place = f"table {tables}, row {row_number}"
            cells = [
                Cell(value, position + 1, position + 1, col, place=f"{place}, column {col + 1}")
                for col, value in enumerate(values)
            ]
            blocks.append(Row(cells, position + 1, position + 1, table=tables, place=place))
        index = end
    return read_result(data, path, "md", encoding, blocks, warnings)
