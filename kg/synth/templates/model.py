"""The document model of the national templates, and the answer key it implies.

A :class:`TemplateDocument` holds exactly the strings that will be printed. Writers lay it out
(through :mod:`kg.synth.templates.layout`) and the answer key is read off the same model, so the
two cannot disagree: a value in the key is a value in the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass, replace
from typing import Any, TypeVar

KINDS = ("project", "department", "self_evaluation")

# Answer-key names of a self-evaluation money block's columns, in printed order.
MONEY_KEYS = ("年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分")

# Answer-key names of the indicator columns (layouts.md §2 meanings).
CELL_KEYS = (
    "target",
    "long_term",
    "actual",
    "weight",
    "score",
    "unit",
    "comparator",
    "direction",
    "scoring_rule",
    "explanation",
    "deviation",
)


@dataclass
class Column:
    """One indicator-grid column: its meaning (``level1``, ``name``, ``target`` …) and header.

    ``group`` is the upper cell of a two-row header over this and its neighbours (年度 over
    指标值 and 实际完成值); columns without one span both header rows.
    """

    kind: str
    label: str
    group: str = ""


@dataclass
class IndicatorRow:
    """A grid row. ``slot`` marks an empty template slot (指标1：), which is not an indicator;
    ``met`` says whether a self-evaluated actual value reaches its target (it sets the score)."""

    level1: str
    level2: str
    name: str
    cells: dict[str, str] = field(default_factory=dict)
    slot: bool = False
    met: bool = True


@dataclass
class Field:
    """A header-block entry: the label as printed, the answer-key name, and the value."""

    label: str
    key: str
    value: str


@dataclass
class Task:
    """A 年度主要任务 row of a whole-department table."""

    name: str
    content: str
    budget: str


@dataclass
class MoneyRow:
    """A row of a self-evaluation money block (年度资金总额, 财政拨款, 其他资金)."""

    label: str
    values: list[str]


@dataclass
class Table:
    """One template table: header block, tasks or money block, indicator grid, total."""

    kind: str
    caption: str
    name: str
    name_label: str
    fields: list[Field] = field(default_factory=list)
    funds_label: str = ""
    funds: list[Field] = field(default_factory=list)
    funds_across: bool = False
    goals_label: str = ""
    goals: list[Field] = field(default_factory=list)
    task_labels: list[str] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    money_labels: list[str] = field(default_factory=list)
    money: list[MoneyRow] = field(default_factory=list)
    columns: list[Column] = field(default_factory=list)
    group_label: str = ""
    rows: list[IndicatorRow] = field(default_factory=list)
    total_label: str = ""
    total_weight: str = ""
    total_score: str = ""
    split_at: int = 0
    faults: list[dict[str, str]] = field(default_factory=list)
    continued_caption: str = ""

    @property
    def two_level(self) -> bool:
        """An only-一级/二级 grid: the indicator is printed under 二级."""
        return not any(c.kind == "name" for c in self.columns)

    def answer(self) -> dict[str, Any]:
        """The answer-key entry of this table (keys the table does not print are left out)."""
        header = {f.key: f.value for f in [*self.fields, *self.funds, *self.goals] if f.value}
        out: dict[str, Any] = {"kind": self.kind, "name": self.name, "header": header}
        if self.tasks:
            out["tasks"] = [
                {"name": t.name, "content": t.content, "budget": t.budget} for t in self.tasks
            ]
        if self.money:
            out["money"] = dict(zip(MONEY_KEYS, self.money[0].values, strict=True))
        if self.total_score:
            out["total_score"] = self.total_score
        indicators = []
        for row in self.rows:
            if row.slot:
                continue
            entry = {"level1": row.level1}
            if not self.two_level:
                entry["level2"] = row.level2
            entry["name"] = row.name
            entry.update({k: v for k, v in row.cells.items() if v})
            indicators.append(entry)
        out["indicators"] = indicators
        if self.faults:
            out["faults"] = [dict(f) for f in self.faults]
        return out


@dataclass
class TemplateDocument:
    """One synthetic disclosure: furniture, title, issuing unit, year and its tables."""

    seed: int
    index: int
    format: str
    hazards: list[str]
    title: str
    unit: str
    year: int
    furniture: list[str] = field(default_factory=list)
    navigation: list[str] = field(default_factory=list)
    site: str = ""
    intro: str = ""
    outro: str = ""
    money_unit: str = "单位：万元"
    tables: list[Table] = field(default_factory=list)

    @property
    def suffix(self) -> str:
        """The file name extension: an HTML page saved as ``.xls`` keeps that name."""
        return "xls" if "xls_name" in self.hazards else self.format

    @property
    def file_name(self) -> str:
        return f"{self.index:04d}.{self.suffix}"

    def answer(self) -> dict[str, Any]:
        """The answer key of the whole document (schema in docs/synth.md)."""
        return {
            "file": self.file_name,
            "format": self.format,
            "seed": self.seed,
            "index": self.index,
            "hazards": list(self.hazards),
            "title": self.title,
            "unit": self.unit,
            "year": self.year,
            "tables": [t.answer() for t in self.tables],
        }


T = TypeVar("T")

# Fields that name things for the answer key or the writers; they are never printed as is.
_CANONICAL = frozenset({"hazards", "format", "kind", "key"})


def map_text(obj: T, convert: Any) -> T:
    """Apply ``convert`` to every string of a model object (used for traditional glyphs)."""
    if isinstance(obj, str):
        return convert(obj)
    if isinstance(obj, list):
        return [map_text(x, convert) for x in obj]  # type: ignore[return-value]
    if isinstance(obj, dict):
        return {k: map_text(v, convert) for k, v in obj.items()}  # type: ignore[return-value]
    if is_dataclass(obj) and not isinstance(obj, type):
        changes = {
            f.name: map_text(getattr(obj, f.name), convert)
            for f in fields(obj)
            if f.name not in _CANONICAL
        }
        return replace(obj, **changes)
    return obj
