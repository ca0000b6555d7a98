"""Plain-text dumps of Word documents (the seed layout).

In a dump, a line that starts with a TAB is a table cell, a blank line ends a table row and
any other line is a paragraph. A line without a TAB right after a cell (no blank line
between) continues that cell: Word wrote a multi-paragraph cell. Whether a paragraph after a
blank line still belongs to an unfinished row is a question for extraction, which knows how
many columns the table has.
"""

from __future__ import annotations

import hashlib

from kg.errors import KgError
from kg.readers.base import Cell, Paragraph, ReadResult, Row

ENCODINGS: tuple[str, ...] = ("utf-8-sig", "utf-8", "gb18030")
"""Tried in this order; the GBK family is what Chinese Windows tools still write."""

_MAX_NUL_SHARE = 0.01

MAX_TEXT_BYTES = 3 * 1024 * 1024
"""Largest text dump read as one document. Published disclosures are 20-120 KB; a dump this
large is several documents in one file (or not a disclosure). Ingesting takes memory in
proportion to the document (about 0.4 GB per MB of text, mostly mapping): at this cap
``kg ingest`` peaks at 1.44 GB and ``kg extract`` at 0.41 GB (scripts/bench_memory.py)."""
MAX_CELL_CHARS = 65_536
"""Longest cell or paragraph kept whole; the rest is cut with a warning (real cells: < 1 KB)."""
_CONTROL = {chr(c) for c in range(32) if chr(c) not in "\t\n\r"}


def decode_bytes(data: bytes, path: str) -> tuple[str, str, list[tuple[int, str]]]:
    """Decode ``data``; return ``(text, encoding, warnings)``.

    UTF-16 with a byte-order mark is converted first; otherwise :data:`ENCODINGS` are tried.

    Raises :class:`KgError` for an empty, binary or undecodable file.

    >>> decode_bytes("部门".encode("gb18030"), "x.txt")[1]
    'gb18030'
    """
    if not data.strip():
        raise KgError("empty file: nothing to read", path=path)
    nul_count = data.count(b"\x00")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Notepad's "Unicode": UTF-16 with a byte-order mark is unambiguous, so accept it.
        try:
            text, encoding = data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise KgError("broken UTF-16 text (byte-order mark present)", path=path) from exc
    else:
        text, encoding = _decode_8bit(data, nul_count, path)
    warnings: list[tuple[int, str]] = []
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    nul_count = text.count("\x00")
    if nul_count:
        first = text[: text.index("\x00")].count("\n") + 1
        warnings.append((first, f"removed {nul_count} stray NUL character(s)"))
        text = text.replace("\x00", "")
    controls = sum(text.count(ch) for ch in _CONTROL)
    if controls > max(8, len(text) * _MAX_NUL_SHARE):
        raise KgError(f"binary file ({controls} control characters)", path=path)
    return text, encoding, warnings


def _decode_8bit(data: bytes, nul_count: int, path: str) -> tuple[str, str]:
    if nul_count > max(8, len(data) * _MAX_NUL_SHARE):
        raise KgError(f"binary file ({nul_count} NUL bytes): not a text dump or .docx", path=path)
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise KgError(
        "cannot decode the file as UTF-8 or GB18030 (is it a text dump or a .docx?)", path=path
    )


def parse_dump(text: str, warnings: list[tuple[int, str]] | None = None) -> list[Row | Paragraph]:
    """Split a text dump into rows and paragraphs, keeping 1-based line spans.

    A cell or paragraph longer than :data:`MAX_CELL_CHARS` is cut there, and a warning
    ``(line, message)`` is added to ``warnings``.

    >>> blocks = parse_dump("标题\\n\\tA\\n\\tB\\n续\\n\\n正文")
    >>> [type(b).__name__ for b in blocks]
    ['Paragraph', 'Row', 'Paragraph']
    >>> [(c.line, c.end_line) for c in blocks[1].cells]
    [(2, 2), (3, 4)]
    >>> blocks[1].cells[1].raw == "B\\n续"
    True
    """
    blocks: list[Row | Paragraph] = []
    row: Row | None = None
    cut: dict[int, tuple[Cell | Paragraph, int]] = {}  # id → (cut block, characters left out)

    def capped(block: Cell | Paragraph) -> Cell | Paragraph:
        if len(block.raw) > MAX_CELL_CHARS:
            cut[id(block)] = (block, len(block.raw) - MAX_CELL_CHARS)
            block.raw = block.raw[:MAX_CELL_CHARS]
        return block

    for number, line in enumerate(text.split("\n"), start=1):
        if line.startswith("\t"):
            cell = capped(Cell(raw=line[1:], line=number, end_line=number))
            if row is None:
                row = Row(cells=[], line=number, end_line=number)
                blocks.append(row)
            row.cells.append(cell)
            row.end_line = number
        elif not line.strip(" \t\u3000"):
            row = None
        elif row is not None:
            cell = row.cells[-1]
            room = max(MAX_CELL_CHARS - len(cell.raw) - 1, 0)
            if room < len(line):  # never grow a cell past the cap (nor quadratically)
                left_out = len(line) - room if room else len(line) + 1  # with its newline
                dropped = cut.get(id(cell), (cell, 0))[1] + left_out
                cut[id(cell)] = (cell, dropped)
                line = line[:room]
            if line:
                cell.raw += "\n" + line
            cell.end_line = row.end_line = number
        else:
            blocks.append(capped(Paragraph(raw=line, line=number, end_line=number)))
    if warnings is not None:
        for block, dropped in sorted(cut.values(), key=lambda entry: entry[0].line):
            warnings.append(
                (
                    block.line,
                    f"cell or paragraph cut to {MAX_CELL_CHARS:,} characters "
                    f"({dropped:,} more left out; cap for one cell)",
                )
            )
    return blocks


def read_text_bytes(data: bytes, path: str) -> ReadResult:
    """Read a text dump given as bytes (``path`` only names it in messages).

    A dump over :data:`MAX_TEXT_BYTES` is refused with one :class:`KgError`.
    """
    if len(data) > MAX_TEXT_BYTES:
        raise KgError(
            f"text dump of {len(data):,} bytes is over the cap of {MAX_TEXT_BYTES:,} for one "
            "document (disclosures are well under 1 MB); split it into its documents",
            path=path,
        )
    text, encoding, warnings = decode_bytes(data, path)
    blocks = parse_dump(text, warnings)
    return ReadResult(
        path=path,
        sha256=hashlib.sha256(data).hexdigest(),
        format="text",
        encoding=encoding,
        text=text,
        blocks=blocks,
        warnings=warnings,
    )
