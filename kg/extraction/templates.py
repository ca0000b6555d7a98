"""The national performance tables (layouts.md §1): project target tables (项目支出绩效目标表),
whole-department target tables (部门整体支出绩效目标表) and self-evaluation tables (绩效自评表).

These tables are read by what their cells say, never by position or title words: a header
row is recognised because its cells are column names of the synonym table
(``data/layouts.json``, a bureau with its own spelling adds a line there), its columns are
mapped field by field, and every following row is placed through that mapping. The same code
reads every format, because readers deliver one grid model (:mod:`kg.readers.base`):

* merged cells: a covered position takes its origin's text (Excel, Word, HTML, ruled PDF);
  in a text dump the merged cell is simply missing, so a short row is placed by its content
  (a 一级 category word starts at the 一级 column, a 二级 word at the 二级 column, anything
  else at the name column) and the categories are carried down;
* two-row headers (a merged 绩效指标 over 一级/二级/三级) are read as one header;
* a header repeated on the next page continues the same table; a new header block
  (项目名称, 部门名称 …) starts the next table;
* template slots such as ``指标1：`` with nothing else are not indicators;
* traditional glyphs are folded to simplified (OpenCC) for every match, raw text kept.

>>> from kg.readers import read_bytes
>>> from kg.extraction import extract_result
>>> text = "2024年度项目支出绩效目标表\\n\\t项目名称\\n\\t道路养护\\n\\n"
>>> text += "\\t一级指标\\n\\t二级指标\\n\\t三级指标\\n\\t指标值\\n\\n"
>>> text += "\\t产出指标\\n\\t数量指标\\n\\t养护里程\\n\\t≥20公里\\n\\n"
>>> text += "\\t质量指标\\n\\t验收合格率\\n\\t100%\\n\\n"
>>> doc = extract_result(read_bytes(text.encode(), "a.txt"))
>>> [(i.level1, i.level2, i.name, i.value) for i in doc.projects[0].indicators]
[('产出指标', '数量指标', '养护里程', '≥20公里'), ('产出指标', '质量指标', '验收合格率', '100%')]
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files

from kg.extraction.duty import parse_budget
from kg.model import (
    TEMPLATE_COLUMNS,
    AnnualTask,
    Department,
    Diagnostic,
    Project,
    ProjectIndicator,
)
from kg.readers import Cell, Paragraph
from kg.textnorm import clean_cell, fold, simplify

_PARENS = re.compile(r"\([^()]*\)")
_SPACE = re.compile(r"[\s*※]+")
_SLOT = re.compile(r"^(?:指标|三级指标|二级指标)?\s*\d+\s*[:：]?$")
_SLOT_PREFIX = re.compile(r"^指标\s*\d+\s*[:：]\s*$")
_LABEL_VALUE = re.compile(r"^(?P<label>[^:：]{2,14})[:：]\s*(?P<value>\S.*)$", re.S)
_YEAR = re.compile(r"(?P<year>(?:19|20)\d\d)\s*年")
_UNIT_NAME = re.compile(
    r"(?:局|委员会|委|办公室|办|院|中心|所|站|队|馆|部|厅|处|科|政府|党委|人大|政协|法院|检察院|"
    r"学校|小学|中学|大学|医院|协会|联合会|总工会|工会|团委|妇联|公司|街道|镇|乡|社区|集团|"
    r"管理处|管委会|研究室|办事处|服务中心|事务中心|监狱|会|署|台|社|园)$"
)
_CODE_SUFFIX = re.compile(r"\s*[\(（]?\s*\d{3,}\s*[\)）]?\s*$")

FIELDS: tuple[str, ...] = (
    "ordinal",
    "project",
    "level1",
    "level2",
    "name",
    "description",
    "target",
    *TEMPLATE_COLUMNS,
)
"""Indicator-grid fields, in the order a field claims a column when two could."""


def label_key(text: str) -> str:
    """The form layout words are compared in: folded, simplified, no spaces, no colon.

    >>> label_key(" 指標值（%）： ")
    '指标值(%)'
    """
    key = _SPACE.sub("", simplify(fold(clean_cell(text))))
    return key.rstrip(":：")


@dataclass(frozen=True)
class Words:
    """The synonym table, indexed for lookups (built once from ``data/layouts.json``)."""

    column: dict[str, str]
    header_only: frozenset[str]
    label: dict[str, str]
    money: dict[str, str]
    task: dict[str, str]
    level1: frozenset[str]
    level2: frozenset[str]
    totals: frozenset[str]
    titles: tuple[tuple[str, tuple[str, ...]], ...]
    furniture: tuple[str, ...]

    def lookup(self, table: dict[str, str], text: str) -> str | None:
        """The entry for ``text``, trying it as printed and without bracketed notes."""
        key = label_key(text)
        if not key:
            return None
        found = table.get(key)
        if found is None and "(" in key:
            found = table.get(_PARENS.sub("", key))
        return found


def _index(groups: dict[str, list[str]]) -> dict[str, str]:
    return {label_key(word): name for name, words in groups.items() for word in words}


@cache
def words() -> Words:
    """The layout words of ``kg/extraction/data/layouts.json``."""
    data = json.loads(files("kg.extraction").joinpath("data/layouts.json").read_text("utf-8"))
    return Words(
        column=_index(data["columns"]),
        header_only=frozenset(label_key(w) for w in data["header_only"]),
        label=_index(data["header_labels"]),
        money=_index(data["money_columns"]),
        task=_index(data["task_columns"]),
        level1=frozenset(label_key(w) for w in data["level1"]),
        level2=frozenset(label_key(w) for w in data["level2"]),
        totals=frozenset(label_key(w) for w in data["total_rows"]),
        titles=tuple((kind, tuple(ws)) for kind, ws in data["template_titles"].items()),
        furniture=tuple(data["furniture"]),
    )


def is_template_slot(text: str) -> bool:
    """An empty slot of a template (``指标1：``), which is no indicator."""
    return bool(_SLOT.match(label_key(text)))


def is_furniture(text: str) -> bool:
    """Page furniture of portals and document sites (索引号, 发布日期, 第1页 …), never a title."""
    folded = label_key(text)
    if not folded or folded.startswith(("<", "http", "www.")) or "<meta" in text:
        return True
    if re.fullmatch(r"第?\d+页(?:/?共\d+页)?|共\d+页|-?\d+-?", folded):
        return True
    if len(folded) <= 30 and folded.endswith(("网站", "门户网", "政府网", "信息网", "公开网")):
        return True  # the site's name in <title> or a banner
    return any(folded.startswith(word) for word in words().furniture)


def is_unit_name(text: str) -> bool:
    """Whether ``text`` reads as the name of a government unit (never a sentence or a title)."""
    text = _CODE_SUFFIX.sub("", text.strip())
    return (
        2 <= len(text) <= 40 and bool(_UNIT_NAME.search(text)) and not re.search(r"[，。；;]", text)
    )


# --- rows on the grid -------------------------------------------------------------------------


@dataclass
class Slot:
    """One grid position of a row: the cell that covers it and how it got there."""

    cell: Cell
    text: str  # cleaned, simplified for matching is done by callers through label_key
    origin: bool  # the cell starts here (not a merge continuation or a later spanned column)
    carried: bool = False  # a vertical-merge continuation showing its origin's text


def _text_label(project: Project, kind: str, value: str) -> None:
    """A header label that sets one text field of the project (name, code, goals …)."""
    if kind == "name" and not project.name:
        project.name = value
    elif kind == "implementing":
        project.implementing_unit = value
    elif kind == "code" and not project.code:
        project.code = value
    elif kind == "goal":
        project.goal = "\n".join(x for x in (project.goal, value) if x)
    elif kind == "long_goal":
        project.long_term_goal = value
    elif kind == "achieved":
        project.achieved = value


class Grid:
    """Turns reader rows into dense rows of :class:`Slot`, honouring merges both ways."""

    def __init__(self) -> None:
        self.above: dict[int, tuple[Cell, int]] = {}  # col -> (origin cell, rows still covered)

    def dense(self, cells: list[Cell]) -> list[Slot | None]:
        if not cells or all(cell.col < 0 for cell in cells):
            return [Slot(c, clean_cell(c.raw), True) for c in cells]
        width = max(c.col + max(c.col_span, 1) for c in cells)
        width = max([width, *(col + 1 for col in self.above)])
        row: list[Slot | None] = [None] * width
        for cell in cells:
            if cell.covered:
                self._carry(row, cell)
                continue
            for offset in range(max(cell.col_span, 1)):
                row[cell.col + offset] = Slot(cell, clean_cell(cell.raw), offset == 0)
            if cell.row_span > 1:
                self.above[cell.col] = (cell, cell.row_span - 1)
        self._fill_omitted(row)
        self._step_down(row)
        return row

    def _carry(self, row: list[Slot | None], cell: Cell) -> None:
        """A covered cell the reader emitted: its origin's text, across the origin's span."""
        origin = self.above.get(cell.col)
        if origin is None:
            return
        source = origin[0]
        for offset in range(max(source.col_span, 1)):
            if cell.col + offset < len(row):
                row[cell.col + offset] = Slot(source, clean_cell(source.raw), False, carried=True)

    def _fill_omitted(self, row: list[Slot | None]) -> None:
        """Covered positions the reader did not emit (HTML omits them)."""
        width = len(row)
        for col, (source, _) in list(self.above.items()):
            if col < width and row[col] is None:
                for offset in range(max(source.col_span, 1)):
                    if col + offset < width and row[col + offset] is None:
                        row[col + offset] = Slot(source, clean_cell(source.raw), False, True)

    def _step_down(self, row: list[Slot | None]) -> None:
        """One row fewer for every vertical merge this row continued; done ones are dropped."""
        for col, (source, left) in list(self.above.items()):
            if row[col] is not None and row[col].cell is source and not row[col].origin:
                if left <= 1:
                    del self.above[col]
                else:
                    self.above[col] = (source, left - 1)


def _texts(row: list[Slot | None]) -> list[str]:
    return [slot.text if slot is not None else "" for slot in row]


# --- header recognition -----------------------------------------------------------------------


@dataclass
class Columns:
    """Which grid column holds which indicator field (from a header row)."""

    index: dict[str, int]
    width: int
    positional: bool  # text-dump rows: positions are cell ordinals, not grid columns

    @property
    def name_col(self) -> int:
        return self.index["name"]


def read_header(rows: list[list[Slot | None]]) -> Columns | None:
    """Columns of an indicator header given as one row or two stacked rows (merged 绩效指标).

    A header must name a column that holds the indicator (三级指标, 指标名称 …, or 二级 when
    the grid has no third level) and at least one other field.
    """
    w = words()
    positional = all(slot is None or slot.cell.col < 0 for row in rows for slot in row)
    if positional and len(rows) == 2:
        rows = [_spread(*rows)]
    width = max(len(row) for row in rows)
    index: dict[str, int] = {}
    names: list[int] = []  # columns with a name-like header, strong words first
    for col in range(width):
        for row in reversed(rows):  # the lower header row is the more specific one
            slot = row[col] if col < len(row) else None
            if slot is None or not slot.text:
                continue
            name = w.lookup(w.column, slot.text)
            if name == "name":
                # 绩效指标 merged down the left edge over 一级|二级|三级 labels the block, it
                # does not hold the names: a weak word yields to 三级指标/指标名称 if present
                weak = _PARENS.sub("", label_key(slot.text)) in w.header_only
                names.insert(len(names) if weak else _strong_count(names, rows, col), col)
                break
            if name is not None and name not in index:
                index[name] = col
                break
    if names:
        index["name"] = names[0]
        if len(names) > 1 and label_key(_header_text(rows, names[1])) not in w.header_only:
            index.setdefault("description", names[1])  # 三级指标 | 指标内容
    if "name" not in index:
        if "level2" in index and "level1" in index:
            index["name"] = index.pop("level2")  # a grid with only 一级/二级: names under 二级
        else:
            return None
    if len(index) < 2 or not ({"level1", "level2", "target", "actual", "long_term"} & index.keys()):
        return None
    return Columns(index=index, width=width, positional=positional)


def _header_text(rows: list[list[Slot | None]], col: int) -> str:
    """The lowest non-empty header text of a column."""
    for row in reversed(rows):
        slot = row[col] if col < len(row) else None
        if slot is not None and slot.text:
            return slot.text
    return ""


def _strong_count(names: list[int], rows: list[list[Slot | None]], col: int) -> int:
    """Where a strong name column goes in ``names``: after the strong ones already there."""
    w = words()
    return sum(
        1 for c in names if _PARENS.sub("", label_key(_header_text(rows, c))) not in w.header_only
    )


def _spread(upper: list[Slot | None], lower: list[Slot | None]) -> list[Slot | None]:
    """One header row from two, in a text dump where the merged cell is a single cell.

    ``绩效指标 | 年度指标值 | 得分`` over ``一级指标 | 二级指标 | 三级指标``: the lower row takes
    the place of the merged cell it stood under, the other upper cells keep their order.
    """
    w = words()
    while lower and not (lower[-1] and lower[-1].text):
        lower = lower[:-1]  # under a cell merged down from the upper row (指标值)
    merged = [
        i
        for i, slot in enumerate(upper)
        if slot is not None and slot.text and label_key(slot.text) in w.header_only
    ]
    if not merged:
        return [*lower, *upper[len(lower) :]] if len(upper) > len(lower) else lower
    # Each merged upper cell stands over a run of lower cells: the first over the categories
    # and names (绩效指标 over 一级|二级|三级), a second one over the values (年度 over
    # 指标值|实际完成值). Empty cells right of a merged cell stand for its span.
    groups: list[list[Slot | None]] = [list(lower)]
    if len(merged) > 1:
        naming = {"level1", "level2", "name", "description", "ordinal"}
        cut = next(
            (
                i
                for i, slot in enumerate(lower)
                if slot and w.lookup(w.column, slot.text) not in naming
            ),
            len(lower),
        )
        groups = [list(lower[:cut]), list(lower[cut:])]
    out: list[Slot | None] = []
    position = 0
    for number, start in enumerate(merged):
        out.extend(upper[position:start])
        span = 1
        while (
            start + span < len(upper)
            and start + span not in merged
            and not (upper[start + span] and upper[start + span].text)
        ):
            span += 1
        out.extend(groups[number] if number < len(groups) else [upper[start]])
        position = start + span
    out.extend(upper[position:])
    return out


def header_score(row: list[Slot | None]) -> int:
    """How many cells of ``row`` are indicator-grid column names (or header-only words)."""
    w = words()
    return sum(
        1
        for slot in row
        if slot is not None
        and slot.origin
        and slot.text
        and (w.lookup(w.column, slot.text) is not None or label_key(slot.text) in w.header_only)
    )


def is_header_row(row: list[Slot | None]) -> bool:
    """At least two cells are column names and nearly all the others are header words too.

    A bureau's own extra column (序号 is a known one, 责任科室 an unknown one) does not stop a
    header from being read: one unknown cell in three known ones is allowed.
    """
    w = words()
    texts = [slot.text for slot in row if slot is not None and slot.origin and slot.text]
    known = [t for t in texts if w.lookup(w.column, t) is not None]
    if len(texts) < 2 or not known:
        return False
    unknown = [
        t for t in texts if w.lookup(w.column, t) is None and label_key(t) not in w.header_only
    ]
    return not unknown or (len(known) >= 3 and len(unknown) <= len(known) // 3)


# --- the table machine ------------------------------------------------------------------------


@dataclass
class _Open:
    """The table being read."""

    project: Project
    columns: Columns | None = None
    level1: str = ""
    level2: str = ""
    pending_labels: dict[int, str] = field(default_factory=dict)  # column-label row above
    money_cols: dict[int, str] | None = None
    task_cols: dict[str, int] | None = None
    block_width: int = 0  # width of the money or task header row
    indicators_since_header: int = 0
    structured: bool = False  # an indicator, money or task header was seen: a real table
    lines: set[int] = field(default_factory=set)
    departments: list[Department] = field(default_factory=list)


class TemplateReader:
    """Reads national performance tables from a stream of paragraphs and rows.

    Call :meth:`paragraph` and :meth:`row` in document order, then :meth:`finish`; the
    tables found are in :attr:`projects`, unit names in :attr:`departments`, and the lines
    of the rows they took in :attr:`claimed_lines`. A header block alone (单位名称 | …) opens
    a table only provisionally: it is kept when an indicator, money or task header follows,
    so an organisation table is never mistaken for a performance table.
    """

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = diagnostics
        self.projects: list[Project] = []
        self.departments: list[Department] = []
        self.claimed_lines: set[int] = set()
        self.grid = Grid()
        self.open: _Open | None = None
        self.title = ""
        self.header_candidates: list[list[Slot | None]] = []
        self.tables: list[_Open] = []
        self.pending_diagnostics: list[tuple[_Open, Diagnostic]] = []

    # -- input ---------------------------------------------------------------------------------

    def paragraph(self, paragraph: Paragraph) -> None:
        text = clean_cell(paragraph.raw)
        if not text or is_furniture(text):
            return
        if self._title_kind(text) is not None and len(text) <= 80:
            self._new_title(text)
            return
        match = _LABEL_VALUE.match(text)
        if match and self.open is not None:
            self._label(match["label"], match["value"], paragraph.line)

    def row(self, cells: list[Cell]) -> None:
        row = self.grid.dense(cells)
        texts = _texts(row)
        if not any(texts):
            return
        non_empty = [t for t in texts if t]
        if len(set(non_empty)) == 1 and len(non_empty[0]) <= 80 and self._title_kind(non_empty[0]):
            self._new_title(non_empty[0])
            return
        if self._header(row):
            return
        self.header_candidates.clear()
        current = self.open
        if current is not None and current.money_cols and self._money_row(row):
            return
        if (
            current is not None
            and current.task_cols
            and current.columns is None
            and self._task(row)
        ):
            return
        if self._total(row) or self._header_block(row):
            return
        current = self.open
        if current is not None and current.columns is not None:
            self._indicator(row)

    def _new_title(self, text: str) -> None:
        """A template title (…绩效目标表, …自评表): the table before it, if it has rows, is done."""
        self.title = text
        if self.open is not None and (self.open.project.indicators or self.open.project.tasks):
            self.open = None

    def finish(self) -> None:
        """Keep the real tables, settle each one's kind from what it holds."""
        self.open = None
        kept = [table for table in self.tables if table.structured]
        for table in kept:
            project = table.project
            has_actual = any(i.actual or i.score for i in project.indicators)
            if project.execution or has_actual:
                project.kind = "self_evaluation"
            if not project.name:
                project.name = project.competent_department or project.title
            self.projects.append(project)
            self.claimed_lines |= table.lines
            for department in table.departments:
                if not any(d.name == department.name for d in self.departments):
                    self.departments.append(department)
        self.diagnostics.extend(d for table, d in self.pending_diagnostics if table.structured)

    # -- header rows ---------------------------------------------------------------------------

    def _header(self, row: list[Slot | None]) -> bool:
        """An indicator header (alone, or completing the row above it), a money or task header."""
        w = words()
        if self.header_candidates and header_score(row) >= 1:
            columns = read_header([*self.header_candidates, row])
            if columns is not None and is_header_row(row):
                self._start_grid(columns, row)
                self.header_candidates.clear()
                return True
        if is_header_row(row):
            columns = read_header([row])
            if columns is None or not ({"level1", "level2"} & columns.index.keys()):
                # 绩效指标 | 指标值 … over a second row with 一级 | 二级 | 三级
                self.header_candidates = [row]
                if columns is None:
                    return True
            self._start_grid(columns, row)
            return True
        labels = [w.lookup(w.money, t) for t in _texts(row) if t]
        if sum(1 for label in labels if label) >= 3:
            self._ensure_open(row, "self_evaluation")
            self.open.structured = True
            self.open.block_width = len(row)
            self.open.money_cols = {
                col: w.lookup(w.money, slot.text)
                for col, slot in enumerate(row)
                if slot is not None and slot.origin and w.lookup(w.money, slot.text)
            }
            self._claim(row)
            return True
        tasks = {
            w.lookup(w.task, slot.text): col
            for col, slot in enumerate(row)
            if slot is not None and slot.origin and slot.text and w.lookup(w.task, slot.text)
        }
        if "name" in tasks and ({"content", "budget"} & tasks.keys()):
            self._ensure_open(row, "department")
            self.open.structured = True
            self.open.block_width = len(row)
            self.open.task_cols = tasks
            self.open.columns = None
            self._claim(row)
            return True
        return False

    def _start_grid(self, columns: Columns, row: list[Slot | None]) -> None:
        # A header after indicators continues the same table (a page break repeats it); a
        # new table starts only at a new header block, so the carried categories survive.
        current = self.open or self._ensure_open(row, None)
        current.columns = columns
        current.task_cols = None
        current.money_cols = None
        current.indicators_since_header = 0
        current.structured = True
        self._claim(row)

    # -- header block (label/value pairs) ------------------------------------------------------

    def _money_row(self, row: list[Slot | None]) -> bool:
        """A row of the self-evaluation money block: 年度资金总额 | 年初 | 全年 | 执行 | …"""
        w = words()
        current = self.open
        assert current is not None and current.money_cols is not None
        first = next(s for s in row if s is not None and s.text)
        kind = w.lookup(w.label, first.text)
        if kind not in ("total", "fiscal", "other", "funding"):
            current.money_cols = None
            return False
        row = _right_aligned(row, current.block_width)
        values = {
            name: row[col].text
            for col, name in current.money_cols.items()
            if col < len(row) and row[col] is not None and row[col].text and row[col] is not first
        }
        if kind in ("total", "funding") or not current.project.execution:
            for name, value in values.items():
                current.project.execution.setdefault(name, value)
        current.project.header[first.text.rstrip(":：")] = "\n".join(values.values())
        total = values.get("全年预算数") or values.get("年初预算数")
        if total:
            self._label(first.text, total, first.cell.line, first.cell.place)
        self._claim(row)
        return True

    def _header_block(self, row: list[Slot | None]) -> bool:
        w = words()
        current = self.open
        labelled = [
            (col, slot, _label_kind(slot.text))
            for col, slot in enumerate(row)
            if slot is not None and slot.origin and slot.text
        ]
        kinds = [kind for _, _, kind in labelled if kind]
        inline = [
            (col, slot, m)
            for col, slot, kind in labelled
            if not kind and (m := _LABEL_VALUE.match(slot.text)) and _label_kind(m["label"])
        ]
        if not kinds and not inline:
            if current is not None and current.pending_labels and current.columns is None:
                return self._pending_values(row)
            return False
        if (
            current is not None
            and current.columns is not None
            and not (
                {"name", "department", "code", "competent", "implementing"} & set(kinds)
                or any(
                    w.lookup(w.label, m["label"]) in ("name", "department") for _, _, m in inline
                )
            )
        ):
            return False  # a goal word inside the grid is an indicator, not a header block
        starts = {"name", "department", "code"}
        opener = next(
            (kind for kind in kinds if kind in starts),
            next(
                (
                    w.lookup(w.label, m["label"])
                    for _, _, m in inline
                    if w.lookup(w.label, m["label"]) in starts
                ),
                None,
            ),
        )
        if opener is not None and self._starts_new(opener):
            self.open = None
        current = self._ensure_open(row, "department" if opener == "department" else None)
        # a row of labels only (总体目标 | 长期目标 | 年度目标): values come in the next row
        values = [slot for _, slot, kind in labelled if not kind]
        if len(kinds) >= 2 and not values:
            current.pending_labels = {
                col: slot.text for col, slot, kind in labelled if kind and slot.origin
            }
            self._claim(row)
            return True
        for _, slot, m in inline:
            self._label(m["label"], m["value"], slot.cell.line, slot.cell.place)
        i = 0
        while i < len(labelled):
            _, slot, kind = labelled[i]
            if kind:
                value_slots = []
                j = i + 1
                while j < len(labelled) and not labelled[j][2]:
                    value_slots.append(labelled[j][1])
                    j += 1
                value = "\n".join(dict.fromkeys(s.text for s in value_slots))
                self._label(slot.text, value, slot.cell.line, slot.cell.place)
                i = j
            else:
                i += 1
        self._claim(row)
        return True

    def _pending_values(self, row: list[Slot | None]) -> bool:
        current = self.open
        assert current is not None
        used = False
        for col, label in current.pending_labels.items():
            slot = row[col] if col < len(row) else None
            if slot is not None and slot.text:
                self._label(label, slot.text, slot.cell.line, slot.cell.place)
                used = True
        current.pending_labels = {}
        if used:
            self._claim(row)
        return used

    def _label(self, label: str, value: str, line: int, place: str = "") -> None:
        kind = _label_kind(label)
        current = self.open
        if current is None or kind is None:
            return
        project = current.project
        value = value.strip()
        if not value:
            return
        project.header.setdefault(clean_cell(label).rstrip(":："), value)
        if kind.startswith("money:"):  # 年初预算数 | 200 written as pairs, not as a block
            project.execution.setdefault(kind[len("money:") :], value)
        elif kind == "department":
            project.competent_department = project.competent_department or value
            if project.kind == "project" and not project.indicators:
                project.kind = "department" if not project.name else project.kind
            if not project.name and project.kind == "department":
                project.name = value
            self._department(value, line, place)
        elif kind == "competent":
            project.competent_department = value
            self._department(value, line, place)
        elif kind in ("total", "fiscal", "other"):
            amount = parse_budget(_money_text(value))
            attr = {"total": "budget", "fiscal": "fiscal_funds", "other": "other_funds"}[kind]
            if amount is not None and getattr(project, attr) is None:
                setattr(project, attr, amount)
        else:
            _text_label(project, kind, value)

    def _department(self, value: str, line: int, place: str) -> None:
        name = _CODE_SUFFIX.sub("", value).strip()
        code_match = re.search(r"(\d{3,})", value)
        if not is_unit_name(name):
            return
        if self.open is None or any(d.name == name for d in self.open.departments):
            return
        self.open.departments.append(
            Department(code=code_match[1] if code_match else None, name=name, line=line, raw=value)
        )

    # -- tasks, totals, indicators -------------------------------------------------------------

    def _task(self, row: list[Slot | None]) -> bool:
        current = self.open
        assert current is not None and current.task_cols is not None
        cols = current.task_cols
        w = words()
        if any(s is not None and s.text and w.lookup(w.label, s.text) for s in row):
            current.task_cols = None  # 年度总体目标 … after the tasks: the header block goes on
            return False
        row = _right_aligned(row, current.block_width)

        def get(name: str) -> Slot | None:
            col = cols.get(name)
            slot = row[col] if col is not None and col < len(row) else None
            return slot if slot is not None and slot.text else None

        name = get("name")
        if name is None and get("content") is None:
            return False
        if name is not None and label_key(name.text) in w.totals:
            values = [s.text for s in row if s is not None and s.text and s is not name]
            current.project.header[name.text] = "\n".join(dict.fromkeys(values))
            self._claim(row)
            return True
        raw_budget = get("budget").text if get("budget") else ""
        anchor = name or get("content")
        current.project.tasks.append(
            AnnualTask(
                name=simplify(name.text) if name else "",
                line=anchor.cell.line,
                content=get("content").text if get("content") else "",
                budget=parse_budget(_money_text(raw_budget)) if raw_budget else None,
                raw_budget=raw_budget,
                place=anchor.cell.place,
            )
        )
        self._claim(row)
        return True

    def _total(self, row: list[Slot | None]) -> bool:
        current = self.open
        if current is None or current.columns is None:
            return False
        texts = [t for t in _texts(row) if t]
        if not texts or label_key(texts[0]) not in words().totals:
            return False
        score_col = current.columns.index.get("score")
        values = list(dict.fromkeys(t for t in texts[1:] if label_key(t) not in words().totals))
        row = _right_aligned(row, current.columns.width)
        slot = row[score_col] if score_col is not None and score_col < len(row) else None
        current.project.total_score = (
            slot.text if slot is not None and slot.text else (values[-1] if values else "")
        )
        current.project.header[texts[0]] = "\n".join(values)

        self._claim(row)
        return True

    def _indicator(self, row: list[Slot | None]) -> None:
        current = self.open
        assert current is not None and current.columns is not None
        columns = current.columns
        placed = self._place(row, columns)
        w = words()

        def text(name: str) -> str:
            slot = placed.get(name)
            return slot.text if slot is not None else ""

        project_slot = placed.get("project")
        if project_slot is not None and project_slot.text and project_slot.origin:
            current = self._project_row(project_slot, columns)
        level1_slot, level2_slot = placed.get("level1"), placed.get("level2")
        if level1_slot is not None and level1_slot.text:
            if level1_slot.text != current.level1:
                current.level2 = ""
            current.level1 = level1_slot.text
        if level2_slot is not None and level2_slot.text:
            current.level2 = level2_slot.text
        name_slot = placed.get("name")
        name = text("name")
        others = {
            f: text(f)
            for f in FIELDS
            if f not in ("ordinal", "project", "level1", "level2", "name") and text(f)
        }
        if name and is_template_slot(name) and not others:
            self._claim(row)
            return  # an empty template slot: 指标1：
        if not name and not others:
            self._claim(row)
            return  # categories only: carried to the rows below
        if name and label_key(name) in w.level1 | w.level2 and not others:
            self._claim(row)
            return
        anchor = name_slot or next(s for s in row if s is not None and s.text)
        indicator = ProjectIndicator(
            level1=simplify(current.level1),
            level2=simplify(current.level2),
            name=simplify(name),
            line=anchor.cell.line,
            description=others.get("description", ""),
            value=others.get("target", ""),
            raw_name=name_slot.cell.raw if name_slot is not None else "",
            raw_value=placed["target"].cell.raw if placed.get("target") is not None else "",
            end_line=max(s.cell.end_line for s in row if s is not None),
            place=anchor.cell.place,
            number=text("ordinal"),
            **{column: others.get(column, "") for column in TEMPLATE_COLUMNS},
        )
        if level1_slot is None or not level1_slot.text or level1_slot.carried:
            indicator.flags.append("level1_carried")
        if level2_slot is None or not level2_slot.text or level2_slot.carried:
            indicator.flags.append("level2_carried")
        if not name:
            indicator.flags.append("name_missing")
            self.pending_diagnostics.append(
                (
                    current,
                    Diagnostic(
                        indicator.line,
                        "warning",
                        "indicator row without a name (kept)",
                        "name_missing",
                        " | ".join(_texts(row)),
                        indicator.place,
                    ),
                )
            )
        current.project.indicators.append(indicator)
        current.indicators_since_header += 1
        self._claim(row)

    def _project_row(self, slot: Slot, columns: Columns) -> _Open:
        """A summary grid with a 项目名称 column: each new name starts that project's table."""
        current = self.open
        assert current is not None
        if current.project.name == slot.text:
            return current
        if current.project.indicators or current.project.name:
            self.open = None
            current = self._ensure_open([slot], None)
            current.columns = columns
            current.structured = True
        current.project.name = slot.text
        current.project.line = slot.cell.line
        current.project.place = slot.cell.place
        return current

    def _place(self, row: list[Slot | None], columns: Columns) -> dict[str, Slot]:
        """Field → slot for one grid row; a short text-dump row is placed by its content."""
        slots = row
        if columns.positional and len([s for s in row]) < columns.width:
            slots = _shift(row, columns)
        placed: dict[str, Slot] = {}
        claimed: set[int] = set()
        for name in FIELDS:
            col = columns.index.get(name)
            if col is None or col >= len(slots):
                continue
            slot = slots[col]
            if slot is None:
                continue
            if not slot.origin and not slot.carried:
                continue  # a later column of a horizontally merged cell
            if id(slot.cell) in claimed and name not in ("level1", "level2"):
                continue
            claimed.add(id(slot.cell))
            placed[name] = slot
        return placed

    # -- helpers -------------------------------------------------------------------------------

    def _starts_new(self, opener: str) -> bool:
        current = self.open
        if current is None:
            return False
        project = current.project
        if project.indicators or project.tasks:
            return True
        attr = {"name": project.name, "code": project.code}.get(opener, "")
        return bool(attr)

    def _ensure_open(self, row: list[Slot | None], kind: str | None) -> _Open:
        if self.open is None:
            first = _first(row)
            project = Project(
                code="",
                name="",
                line=first.line,
                end_line=first.end_line,
                title=self.title,
                place=first.place,
            )
            title_kind = self._title_kind(self.title) if self.title else None
            project.kind = kind or title_kind or "project"
            self.open = _Open(project)
            self.tables.append(self.open)
        elif kind == "self_evaluation":
            self.open.project.kind = "self_evaluation"
        elif (
            kind == "department"
            and self.open.project.kind == "project"
            and not (self.open.project.name and self.open.project.header.get("项目名称"))
        ):
            self.open.project.kind = "department"
        return self.open

    def _claim(self, row: list[Slot | None]) -> None:
        current = self.open
        if current is None:
            return
        for slot in row:
            if slot is not None:
                current.lines.add(slot.cell.line)
                current.project.end_line = max(current.project.end_line, slot.cell.end_line)

    @staticmethod
    def _title_kind(text: str) -> str | None:
        key = label_key(text)
        for kind, keys in words().titles:
            if any(k in key for k in keys):
                return kind
        return None


def _shift(row: list[Slot | None], columns: Columns) -> list[Slot | None]:
    """Place a text-dump row that lost its merged leading cells (layouts.md §3).

    Dumps keep empty cells, so a row short by k cells lost its first k: it starts k columns
    in. Its content overrides the count only when it is unmistakable: a category printed in
    full (产出指标, 质量指标) starts at its own column even when trailing cells were dropped,
    while a short word that is also a common indicator name (服务对象满意度) is placed by count.
    """
    w = words()
    cells = [slot for slot in row if slot is not None]
    index = columns.index
    by_count = min(max(columns.width - len(cells), 0), index["name"])
    first = _PARENS.sub("", label_key(cells[0].text)) if cells else ""  # 产出指标（50分）
    start = by_count
    if first.endswith("指标"):
        level1 = index.get("level1")
        level2 = index.get("level2")
        if (
            level1 is not None
            and first in w.level1
            and (first not in w.level2 or by_count <= level1)
        ):
            start = level1
        elif level2 is not None and first in w.level2:
            start = level2
    out: list[Slot | None] = [None] * columns.width
    for offset, slot in enumerate(cells):
        if start + offset < columns.width:
            out[start + offset] = slot
    return out


def _label_kind(text: str) -> str | None:
    """What a header-block label names: a header field (``name``, ``competent`` …) or, for the
    self-evaluation money words written as label/value pairs, ``money:<column>``."""
    w = words()
    kind = w.lookup(w.label, text)
    if kind is None and (money := w.lookup(w.money, text)) is not None:
        return f"money:{money}"
    return kind


def _right_aligned(row: list[Slot | None], width: int) -> list[Slot | None]:
    """A text-dump row of a money or task block that lost its merged label cell(s) on the left.

    Grid rows (known columns) are returned as they are.
    """
    if len(row) >= width or any(s is not None and s.cell.col >= 0 for s in row):
        return row
    return [None] * (width - len(row)) + row


def _first(row: list[Slot | None]) -> Cell:
    return next(slot.cell for slot in row if slot is not None)


def _money_text(value: str) -> str:
    """A money cell without its unit words: ``120.5万元`` → ``120.5``."""
    text = fold(value).replace("万元", "").replace("元", "").replace(",", "").strip()
    match = re.search(r"-?\d+(?:\.\d+)?", text)
    return match[0] if match and match.end() == len(text) else text


_GRID_FIELDS = frozenset({"level1", "level2", "name", "target", "actual", "long_term"})
"""Columns only a performance grid has: 序号, 项目名称, 备注 or 单位 head money tables too."""


def grid_words(cells: list[Cell]) -> int:
    """How many cells of a row name a column only an indicator grid has (一级指标, 指标值 …),
    0 unless one of them is a category or value column (a money table never counts)."""
    w = words()
    fields = {w.lookup(w.column, cell.raw) for cell in cells} & _GRID_FIELDS
    return len(fields) if fields - {"name"} else 0


def is_layout_word(text: str) -> bool:
    """A header label or column name of the templates (structure, not data), or an empty slot."""
    key = label_key(text)
    return (
        key in layout_labels()
        or _PARENS.sub("", key) in layout_labels()
        or (is_template_slot(text))
    )


@cache
def layout_labels() -> frozenset[str]:
    """Every layout word (column names, header labels, categories), as structure, not data."""
    data = json.loads(files("kg.extraction").joinpath("data/layouts.json").read_text("utf-8"))
    out: set[str] = set(data["header_only"]) | set(data["total_rows"])
    for group in ("columns", "header_labels", "money_columns", "task_columns"):
        for synonyms in data[group].values():
            out.update(synonyms)
    out |= {label_key(word) for word in out}
    return frozenset(out)
