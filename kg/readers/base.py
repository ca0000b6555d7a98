"""Reader output: the blocks of a document (paragraphs and table rows) with their line spans.

Readers know nothing about budgets; they only turn a file into an ordered list of blocks so
that extraction can be the same for every file format. A ``line`` is 1-based: in a text dump
it is the physical line, in a ``.docx`` it is the ordinal of the paragraph or table row in
the document body (see :mod:`kg.readers.docx_reader`).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Cell:
    """One table cell as printed: ``raw`` keeps every character, ``line``/``end_line`` its span."""

    raw: str
    line: int
    end_line: int


@dataclass
class Row:
    """Consecutive cells up to a row break (a blank line in a text dump, a ``w:tr`` in .docx)."""

    cells: list[Cell]
    line: int
    end_line: int
    table: int = 0  # ordinal of the Word table (0 in text dumps, which do not say)


@dataclass
class Paragraph:
    """Running text outside any cell (or a cell paragraph that lost its TAB)."""

    raw: str
    line: int
    end_line: int


Block = Row | Paragraph


@dataclass
class ReadResult:
    """What a reader found in one file."""

    path: str
    sha256: str
    format: str  # text | docx
    encoding: str
    text: str  # decoded text (for .docx: a text dump of the document in the seed layout)
    blocks: list[Block] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)  # (line, message)

    @property
    def rows(self) -> list[Row]:
        return [block for block in self.blocks if isinstance(block, Row)]

    @property
    def paragraphs(self) -> list[Paragraph]:
        return [block for block in self.blocks if isinstance(block, Paragraph)]
