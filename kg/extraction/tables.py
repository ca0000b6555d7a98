"""Blocks → tables: find where each table starts and ends, what kind it is, and its rows.

Tables are recognised by their header text, never by column counts (domain.md §1.2). The
duty-activity table is special: its rows have exactly 9 columns, and in a text dump a row
can span blank lines, so cells are gathered into rows of 9 and a paragraph that arrives
while a row is unfinished continues the previous cell (domain.md §7 rule 1).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.model import Department, Diagnostic
from kg.readers import Cell, Paragraph, ReadResult, Row
from kg.textnorm import clean_cell

DUTY_COLUMNS = 9

GRADE_HEADER = ("优", "良", "中", "差")

_DEPARTMENT = re.compile(r"^(?P<code>\d{3,})?\s*(?P<name>\S.*)$", re.S)
_UNIT_CELL = re.compile(r"^单位[:：]")

# Header cells that start a table of that kind (compared without spaces).
_HEADER_CELLS: dict[str, tuple[str, ...]] = {
    "duty": ("职责活动",),
    "project": ("项目编码",),
    "organisation": ("单位名称",),
    "procurement": ("政府采购项目来源", "采购物品名称"),
    "fixed_assets": ("资产总额", "价值(金额单位:万元)", "价值（金额单位：万元）"),
    "three_public": ("因公出国(境)费", "因公出国（境）费", "公务接待费"),
}
# Words in a title (paragraph or one-cell row) that name the kind of the table that follows.
_TITLE_WORDS: tuple[tuple[str, str], ...] = (
    ("职责", "duty"),
    ("绩效目标表", "project"),
    ("机构设置", "organisation"),
    ("基本情况表", "organisation"),
    ("采购", "procurement"),
    ("资产", "fixed_assets"),
    ("三公", "three_public"),
)


def compact(text: str) -> str:
    """Text without any whitespace, for comparing header cells."""
    return re.sub(r"\s+", "", text)


def header_kind(texts: list[str]) -> str | None:
    """The table kind a header row announces, or None."""
    cells = {compact(text) for text in texts if text}
    for kind, names in _HEADER_CELLS.items():
        if cells.intersection(names):
            return kind
    return None


def title_kind(text: str) -> str | None:
    for word, kind in _TITLE_WORDS:
        if word in text:
            return kind
    return None


def parse_department(cells: list[Cell], texts: list[str]) -> Department | None:
    """A department header row: ``201秦皇岛…办公室 | 单位：万元``."""
    non_empty = [(cell, text) for cell, text in zip(cells, texts, strict=True) if text]
    if len(non_empty) != 2 or not _UNIT_CELL.match(compact(non_empty[1][1])):
        return None
    cell, text = non_empty[0]
    match = _DEPARTMENT.match(text)
    if match is None:
        return None
    return Department(code=match["code"], name=match["name"].strip(), line=cell.line, raw=cell.raw)


@dataclass
class Table:
    """One table of the document with its rows of cells (duty rows always have 9 cells)."""

    kind: str | None
    line: int
    end_line: int
    title: str = ""
    department: Department | None = None
    rows: list[list[Cell]] = field(default_factory=list)
    exact_rows: bool = False  # True for .docx: a Word row is a row, nothing to regroup


@dataclass
class Segmented:
    """Paragraphs and tables in document order, plus what segmentation had to report."""

    items: list[Paragraph | Table] = field(default_factory=list)
    departments: list[Department] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)


class _DutyGatherer:
    """Gathers cells into 9-column rows; TAB-less paragraphs continue the previous cell."""

    def __init__(self, table: Table, diagnostics: list[Diagnostic]):
        self.table = table
        self.diagnostics = diagnostics
        self.pending: list[Cell] = []
        self.header_done = False

    def add_row(self, row: Row) -> None:
        texts = [clean_cell(cell.raw) for cell in row.cells]
        if not self.pending and _is_duty_header(texts):
            return
        if self.table.exact_rows:
            self._emit_exact(row)
            return
        cells = list(row.cells)
        if self.pending and len(self.pending) + len(cells) > DUTY_COLUMNS:
            if len(cells) == DUTY_COLUMNS:
                self.flush()
            else:
                self.diagnostics.append(
                    Diagnostic(
                        line=row.line,
                        severity="warning",
                        message=(
                            f"row boundary inside a blank-line block: {len(self.pending)} "
                            f"pending cells + {len(cells)} new cells"
                        ),
                        code="row_boundary",
                    )
                )
        for cell in cells:
            self.pending.append(Cell(cell.raw, cell.line, cell.end_line))
            if len(self.pending) == DUTY_COLUMNS:
                self.table.rows.append(self.pending)
                self.pending = []
        self.table.end_line = max(self.table.end_line, row.end_line)

    def _emit_exact(self, row: Row) -> None:
        cells = [Cell(c.raw, c.line, c.end_line) for c in row.cells]
        if len(cells) != DUTY_COLUMNS:
            self.diagnostics.append(
                Diagnostic(
                    line=row.line,
                    severity="warning",
                    message=f"duty-table row has {len(cells)} cells, expected {DUTY_COLUMNS}",
                    code="column_count",
                    raw=" | ".join(c.raw for c in cells),
                )
            )
        self.table.rows.append(fit_row(cells, row.end_line))
        self.table.end_line = max(self.table.end_line, row.end_line)

    def continue_cell(self, paragraph: Paragraph) -> bool:
        """Append a TAB-less paragraph to the last pending cell; False if no row is open."""
        if not self.pending:
            return False
        cell = self.pending[-1]
        gap = max(1, paragraph.line - cell.end_line)
        cell.raw += "\n" * gap + paragraph.raw
        cell.end_line = paragraph.end_line
        self.table.end_line = max(self.table.end_line, paragraph.end_line)
        return True

    def flush(self) -> None:
        """Close an unfinished row: keep it (padded) and say so."""
        if not self.pending:
            return
        cells = self.pending
        self.pending = []
        if all(not clean_cell(cell.raw) for cell in cells):
            return
        self.diagnostics.append(
            Diagnostic(
                line=cells[0].line,
                severity="warning",
                message=(
                    f"truncated duty-table row: {len(cells)} of {DUTY_COLUMNS} cells "
                    "(kept, missing cells empty)"
                ),
                code="truncated_row",
                raw=" | ".join(cell.raw for cell in cells),
            )
        )
        self.table.rows.append(fit_row(cells, cells[-1].end_line))


def fit_row(cells: list[Cell], end_line: int) -> list[Cell]:
    """Pad a short row to 9 cells; extra cells are joined into the last column (none lost)."""
    if len(cells) > DUTY_COLUMNS:
        extra = cells[DUTY_COLUMNS - 1 :]
        merged = Cell("\n".join(c.raw for c in extra), extra[0].line, extra[-1].end_line)
        cells = [*cells[: DUTY_COLUMNS - 1], merged]
    return cells + [Cell("", end_line, end_line) for _ in range(DUTY_COLUMNS - len(cells))]


DUTY_HEADER_LABELS = frozenset(
    {"职责活动", "年度预算数", "内容描述", "绩效目标", "绩效指标", "评价标准", *GRADE_HEADER}
)


def _is_duty_header(texts: list[str]) -> bool:
    """A header row of the duty table: only header labels, with 职责活动 or 优 良 中 差."""
    cells = [compact(text) for text in texts if text]
    if not cells or not set(cells) <= DUTY_HEADER_LABELS:
        return False
    return "职责活动" in cells or tuple(cells[-4:]) == GRADE_HEADER


def segment(result: ReadResult) -> Segmented:
    """Split a document's blocks into paragraphs and typed tables."""
    segmenter = _Segmenter()
    for block in result.blocks:
        if isinstance(block, Paragraph):
            segmenter.paragraph(block)
        else:
            segmenter.row(block)
    segmenter.close()
    return segmenter.out


class _Segmenter:
    """The open table (and the duty-table gatherer) while :func:`segment` walks the blocks."""

    def __init__(self) -> None:
        self.out = Segmented()
        self.current: Table | None = None
        self.gatherer: _DutyGatherer | None = None
        self.last_title = ""

    def close(self) -> None:
        if self.gatherer is not None:
            self.gatherer.flush()
        current = self.current
        if current is not None and current.kind is None:
            current.kind = title_kind(current.title) or "unknown"
        self.current = None
        self.gatherer = None

    def start(self, kind: str | None, row: Row, department: Department | None = None) -> Table:
        self.close()
        current = self.current = Table(
            kind=kind,
            line=row.line,
            end_line=row.end_line,
            title=self.last_title,
            department=department,
            exact_rows=row.table != 0,
        )
        self.out.items.append(current)
        if kind == "duty":
            self.gatherer = _DutyGatherer(current, self.out.diagnostics)
        return current

    def paragraph(self, block: Paragraph) -> None:
        if self.gatherer is not None and self.gatherer.continue_cell(block):
            return
        self.close()
        self.out.items.append(block)
        self.last_title = clean_cell(block.raw)

    def row(self, block: Row) -> None:
        texts = [clean_cell(cell.raw) for cell in block.cells]
        department = parse_department(block.cells, texts)
        gatherer = self.gatherer
        if department is not None and (gatherer is None or not gatherer.pending):
            self.out.departments.append(department)
            self.start(None, block, department)
            return
        kind = header_kind(texts)
        if gatherer is not None:
            if kind is not None and kind != "duty" and not gatherer.pending:
                self.start(kind, block).rows.append(block.cells)
            else:
                gatherer.add_row(block)
            return
        current = self.current
        if _starts_new_table(current, kind):
            current = self.start(kind, block)
        elif kind is not None and current.kind is None:
            current.kind = kind
        if current.kind is None and len([t for t in texts if t]) == 1:
            current.kind = title_kind(texts[0] or "")
            if current.kind is not None:
                current.title = current.title or texts[0]
        if current.kind == "duty":
            self.gatherer = _DutyGatherer(current, self.out.diagnostics)
            self.gatherer.add_row(block)
        else:
            current.rows.append(block.cells)
            current.end_line = block.end_line


def _starts_new_table(current: Table | None, kind: str | None) -> bool:
    """A header row of another kind ends the open table (a repeated header does not)."""
    return current is None or (kind is not None and current.kind not in (None, kind))
