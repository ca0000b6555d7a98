"""Reader output: the blocks of a document (paragraphs and table rows) with their places.

Readers know nothing about budgets; they only turn a file into an ordered list of blocks so
that extraction can be the same for every file format. A ``line`` is 1-based and orders the
blocks: in a text dump, a Markdown file or an HTML page it is the physical line of the source;
in a ``.docx``, spreadsheet or PDF it is the ordinal of the paragraph or table row in the
document. ``place`` says where a person finds the cell in the source when the line alone does
not: ``Sheet1!B7`` in a spreadsheet, ``p. 3`` in a PDF, ``table 2, row 5`` in Word.

The grid: every cell of a table row knows its grid column (``col``, 0-based) and how far it
spans (``row_span``, ``col_span``), as the format states them (Excel merged ranges, HTML
rowspan/colspan, Word gridSpan/vMerge, ruled PDF cells). A position covered by a merged cell
*from above* is emitted as an empty cell with ``covered=True`` (its text is in the origin
cell); a position covered *from the left* is not emitted (the origin's ``col_span`` covers
it). Text dumps do not know their grid: ``col`` is -1 there.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Cell:
    """One table cell as printed: ``raw`` keeps every character, ``line``/``end_line`` its span."""

    raw: str
    line: int
    end_line: int
    col: int = -1  # grid column where the cell starts (0-based); -1 when the format does not say
    row_span: int = 1
    col_span: int = 1
    covered: bool = False  # continuation of a cell merged from above; its text is in the origin
    place: str = ""  # where a person finds it when ``line`` is not enough: Sheet1!B7, p. 3


@dataclass
class Row:
    """Consecutive cells up to a row break (a blank line in a text dump, a ``w:tr`` in .docx)."""

    cells: list[Cell]
    line: int
    end_line: int
    table: int = 0  # ordinal of the table in the document (0 in text dumps, which do not say)
    place: str = ""  # the row's place in the source: "Sheet1 row 7", "p. 3", "table 2, row 5"


@dataclass
class Paragraph:
    """Running text outside any cell (or a cell paragraph that lost its TAB)."""

    raw: str
    line: int
    end_line: int
    place: str = ""


Block = Row | Paragraph


@dataclass
class ReadResult:
    """What a reader found in one file."""

    path: str
    sha256: str
    format: str  # text | docx | doc | rtf | xlsx | xls | ods | spreadsheetml | pdf | html | mhtml | md | csv
    encoding: str  # the character encoding, or the format's name for binary formats
    text: str  # decoded text (for other formats: a text dump of the document in the seed layout)
    blocks: list[Block] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)  # (line, message)

    @property
    def rows(self) -> list[Row]:
        return [block for block in self.blocks if isinstance(block, Row)]

    @property
    def paragraphs(self) -> list[Paragraph]:
        return [block for block in self.blocks if isinstance(block, Paragraph)]
