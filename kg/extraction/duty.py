"""The duty-activity table (部门职责–工作活动绩效目标) → activities, sub-activities, indicators.

Hierarchy is carried by numbering, not indentation (domain.md §1.3 item 2): ``一、`` starts an
activity, ``1、`` a sub-activity; in a document without Chinese numbering an unnumbered,
unindented first cell is an activity. Rows that look damaged are kept as printed and flagged.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from kg.extraction.tables import DUTY_COLUMNS, Table, fit_row
from kg.model import GRADES, Activity, Diagnostic, Indicator
from kg.readers import Cell
from kg.textnorm import clean_cell, fold

_ACTIVITY_NUMBER = re.compile(
    r"^(?P<number>[一二三四五六七八九十百零〇两]+)\s*[、.．，,]\s*(?P<name>.*)$", re.S
)
_SUB_NUMBER = re.compile(r"^(?P<number>\d{1,3})\s*[、.．，,]\s*(?P<name>.*)$", re.S)
_INDENT = (" ", "\u3000", "\t")
_GRADE_LIKE = re.compile(r"^\s*(?:[≥≤<>=]\s*\d|\d+(?:\.\d+)?\s*[%‰]?\s*$)")
_CATEGORY_LABELS = frozenset({"产出指标", "效果指标", "效益指标", "满意度指标", "成本指标"})
_INDICATOR_LIKE_GOAL = re.compile(r"^[^，。；,;：:]{2,15}[率度]$")
_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")


def parse_budget(text: str) -> Decimal | None:
    """A budget cell in 万元 as Decimal, or None when the cell is empty or not a number.

    >>> parse_budget("1,200.00"), parse_budget(""), parse_budget("待定")
    (Decimal('1200.00'), None, None)
    """
    value = fold(text).replace(",", "").replace(" ", "")
    if not _NUMBER.match(value):
        return None
    try:
        return Decimal(value)
    except InvalidOperation:
        return None


def classify_first_cell(raw: str, text: str) -> tuple[str, str | None, str]:
    """``(level, number, name)`` for a non-empty 职责活动 cell.

    >>> classify_first_cell("三十九、贸促会", "三十九、贸促会")
    ('activity', '三十九', '贸促会')
    >>> classify_first_cell("　　1、公文运转", "1、公文运转")
    ('sub_activity', '1', '公文运转')
    >>> classify_first_cell("档案管理", "档案管理")
    ('activity', None, '档案管理')
    """
    match = _ACTIVITY_NUMBER.match(text)
    if match:
        return "activity", match["number"], match["name"].strip()
    match = _SUB_NUMBER.match(text)
    if match:
        return "sub_activity", fold(match["number"]), match["name"].strip()
    level = "sub_activity" if raw.startswith(_INDENT) else "activity"
    return level, None, text


def looks_shifted(name: str, grades: list[str]) -> bool:
    """True when an indicator row looks moved by a column (domain.md §1.3 item 4).

    The name cell holds a category label (产出指标) or a grade (≥95%), or the name is empty
    and 优 holds text without a number while the other grades have numbers.

    >>> looks_shifted("产出指标", ["植树比率", "100%", "≥90%", "≥80%"])
    True
    >>> looks_shifted("≥95%", ["≥90%", "≥85%", "<85%", "<85%"])
    True
    >>> looks_shifted("", ["根据上报数据统计", "≥30株", "≥20株", "≥10株"])
    True
    >>> looks_shifted("", ["≥90%", "80%-89%", "70%-79%", "<69%"])
    False
    """
    if name in _CATEGORY_LABELS or (name and _GRADE_LIKE.match(fold(name))):
        return True

    def has_digit(text: str) -> bool:
        return any(ch.isdigit() for ch in text)

    return (
        not name
        and bool(grades[0])
        and not has_digit(grades[0])
        and any(has_digit(grade) for grade in grades[1:])
    )


class DutyBuilder:
    """Turns the 9-cell rows of one duty table into activities (appending to ``activities``)."""

    def __init__(self, activities: list[Activity], diagnostics: list[Diagnostic]):
        self.activities = activities
        self.diagnostics = diagnostics
        self.activity: Activity | None = None
        self.node: Activity | None = None

    def warn(self, line: int, message: str, code: str, raw: str = "", severity="warning"):
        self.diagnostics.append(Diagnostic(line, severity, message, code, raw))

    def add_table(self, table: Table) -> None:
        for cells in table.rows:
            self.add_row(cells)

    def add_row(self, cells: list[Cell]) -> None:
        if len(cells) != DUTY_COLUMNS:
            self.warn(
                cells[0].line,
                f"duty-table row has {len(cells)} cells, expected {DUTY_COLUMNS} (kept)",
                "column_count",
                " | ".join(cell.raw for cell in cells),
            )
            cells = fit_row(cells, cells[-1].end_line)
        raw = [cell.raw for cell in cells]
        text = [clean_cell(value) for value in raw]
        if not any(text):
            return
        if text[0]:
            self._start_node(cells, raw, text)
        elif any(text[1:4]):
            self.warn(
                cells[1].line,
                "budget/content/goal cells in a row without an activity name (kept in raw)",
                "orphan_cells",
                " | ".join(raw[1:4]),
            )
        if any(text[4:]):
            self._add_indicator(cells, raw, text)

    def _parent_for_orphan(self, line: int, what: str) -> Activity:
        parent = Activity(name=None, line=line, synthetic=True, end_line=line)
        self.activities.append(parent)
        self.activity = parent
        self.warn(
            line,
            f"{what} before any activity: kept under a synthetic activity without a name",
            "orphan_sub_activity",
        )
        return parent

    def _start_node(self, cells: list[Cell], raw: list[str], text: list[str]) -> None:
        level, number, name = classify_first_cell(raw[0], text[0])
        budget = parse_budget(text[1])
        node = Activity(
            name=name,
            line=cells[0].line,
            number=number,
            raw_name=raw[0],
            budget=budget,
            raw_budget=raw[1],
            content=text[2],
            goal=text[3],
            raw_content=raw[2],
            raw_goal=raw[3],
            end_line=cells[-1].end_line,
            level=level,
        )
        if text[1] and budget is None:
            self.warn(cells[1].line, f"budget is not a number: {text[1]!r}", "budget", raw[1])
            node.flags.append("budget_not_number")
        if number is None:
            node.flags.append("unnumbered")
        if _INDICATOR_LIKE_GOAL.match(text[3]) and len(text[2]) <= 15:
            node.flags.append("column_shift")
            self.warn(
                cells[3].line,
                "内容描述 column looks shifted: the goal cell reads like an indicator name "
                "(kept as printed)",
                "column_shift",
                " | ".join(raw[2:5]),
            )
        if level == "activity":
            self.activities.append(node)
            self.activity = node
        else:
            parent = self.activity or self._parent_for_orphan(node.line, "sub-activity")
            self._check_numbering(parent, node)
            parent.sub_activities.append(node)
        self.node = node

    def _check_numbering(self, parent: Activity, node: Activity) -> None:
        numbered = [sub for sub in parent.sub_activities if sub.number and sub.number.isdigit()]
        if not numbered or not (node.number and node.number.isdigit()):
            return
        previous, current = int(numbered[-1].number), int(node.number)
        if current == 1:
            self.warn(
                node.line,
                "sub-activity numbering restarts at 1",
                "numbering_restart",
                severity="info",
            )
        elif current > previous + 1:
            self.warn(
                node.line,
                f"sub-activity numbering jumps from {previous} to {current} (deleted rows?)",
                "numbering_gap",
            )
        elif current <= previous:
            self.warn(
                node.line,
                f"sub-activity number {current} repeats or goes back",
                "numbering_repeat",
                severity="info",
            )

    def _add_indicator(self, cells: list[Cell], raw: list[str], text: list[str]) -> None:
        node = self.node or self._parent_for_orphan(cells[4].line, "indicator row")
        if self.node is None:
            self.node = node
        indicator = Indicator(
            name=text[4],
            line=cells[4].line,
            grades=dict(zip(GRADES, text[5:9], strict=True)),
            raw_name=raw[4],
            raw_grades=dict(zip(GRADES, raw[5:9], strict=True)),
            end_line=cells[-1].end_line,
        )
        name = text[4]
        if not name:
            indicator.flags.append("name_missing")
            self.warn(
                cells[4].line,
                "indicator without a name (grades kept)",
                "name_missing",
                " | ".join(raw[4:9]),
            )
        if looks_shifted(name, text[5:9]):
            indicator.flags.append("column_shift")
        if "column_shift" in indicator.flags:
            self.warn(
                cells[4].line,
                "indicator row looks column-shifted (kept as printed): " + " | ".join(text[4:9]),
                "column_shift",
                " | ".join(raw[4:9]),
            )
        node.indicators.append(indicator)
