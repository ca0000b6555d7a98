"""The typed model of one budget-disclosure document.

Everything downstream (NLP, mapping, store, audits, views) reads these classes, so they are
plain data: no parsing logic lives here. Every record keeps its 1-based ``line`` and the raw
text beside the cleaned text, so a finding can always be traced back to the exact cell.

The NLP stage (:mod:`kg.nlp`) fills the analysis fields (``Indicator.bands``,
``Indicator.scheme``, ``Indicator.analysis``, ``ProjectIndicator.target``); they are defined
here so that the model stays the single description of the data and imports stay one-way.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, is_dataclass
from decimal import Decimal
from typing import Any

GRADES: tuple[str, str, str, str] = ("优", "良", "中", "差")
"""The four grades in first-match order, best first."""

SEVERITIES: tuple[str, str, str] = ("error", "warning", "info")


@dataclass
class Diagnostic:
    """Something the extractor could not place or had to flag; never silently dropped."""

    line: int
    severity: str
    message: str
    code: str = ""
    raw: str = ""
    place: str = ""  # Sheet1!B7, p. 3 … where the line alone does not find the cell


@dataclass
class SourceRef:
    path: str
    sha256: str
    format: str = "text"


@dataclass
class Department:
    """A department header cell such as ``201秦皇岛北戴河新区管理委员会办公室``."""

    code: str | None
    name: str
    line: int
    raw: str = ""


# --- NLP analysis records (filled by kg.nlp) -------------------------------------------------


@dataclass
class Band:
    """One parsed grade cell (or project target value)."""

    grade: str  # 优/良/中/差, or "" for a project target value
    rank: int  # 1..4 (1 = best); 0 for a target value
    raw: str
    text: str = ""  # after glyph folding
    form: str = ""  # taxonomy letter A..L, "" for an empty cell
    status: str = "empty"  # parsed | placeholder | malformed | unparsed | empty
    comparator: str | None = None  # ge gt le lt eq range approx unspecified qualitative
    lower: float | None = None
    lower_inclusive: bool | None = None
    upper: float | None = None
    upper_inclusive: bool | None = None
    point: float | None = None
    unit: str | None = None  # canonical unit code, e.g. percent, count:次, money:万元
    unit_kind: str | None = None  # percent permille count money area duration ratio score date
    reference: str | None = None  # yoy plan exam_score share_of
    deadline: dict[str, Any] | None = None
    qual_scale: str | None = None
    qual_rank: int | None = None
    level: str | None = None  # national provincial municipal below_municipal
    flags: list[str] = field(default_factory=list)
    reason: str = ""  # why a cell is unparsed/malformed
    # Effective first-match interval (domain.md §2.3): what the band really grades once the
    # better bands have taken their share; filled by kg.nlp.analyze_scheme, never by parse_cell.
    effective_lower: float | None = None
    effective_lower_inclusive: bool | None = None
    effective_upper: float | None = None
    effective_upper_inclusive: bool | None = None
    reachable: bool | None = None  # False when better bands leave nothing for this band


@dataclass
class Scheme:
    """The four bands read together, first-match from 优 to 差."""

    kind: (
        str  # numeric count_scale deadline qualitative rank_level free_text placeholder mixed empty
    )
    direction: str  # higher_better | lower_better | unknown
    signature: str  # canonical, e.g. ge90%|ge80%|ge70%|lt70%
    issues: list[str] = field(
        default_factory=list
    )  # gap overlap unreachable_band non_monotonic ...
    unit: str | None = None
    signature_full: str = ""  # ontology.md §2.6 form rank:cmp:lower:incl:upper:incl:point:unit|…
    qual_scale: str | None = None  # lexical scale shared by the bands, e.g. HIGH4


@dataclass
class NameAnalysis:
    """What an indicator name says about itself."""

    key: str  # normalised key for template detection (domain.md §4.3)
    declared_unit: str | None = None  # from a bracket: (%)/（次）
    measure_head: str | None = None  # 完成率, 满意度, 次数 ...
    metric_kind: str = "unknown"  # rate count amount duration satisfaction qualitative unknown
    direction_hint: str = "unknown"  # higher_better | lower_better | ambiguous | unknown
    is_category_label: bool = False
    is_task_phrase: bool = False
    tokens: list[str] = field(default_factory=list)


# --- Extracted records ------------------------------------------------------------------------


@dataclass
class Indicator:
    """One row of the duty-activity table with a non-empty indicator or grade cell."""

    name: str
    line: int
    grades: dict[str, str]  # 优/良/中/差 -> cleaned cell text ("" when empty)
    raw_name: str = ""
    raw_grades: dict[str, str] = field(default_factory=dict)
    end_line: int = 0
    flags: list[str] = field(default_factory=list)  # column_shift, name_missing, ...
    bands: list[Band] | None = None
    scheme: Scheme | None = None
    analysis: NameAnalysis | None = None


@dataclass
class Activity:
    """A duty activity (职责活动) or one of its sub-activities."""

    name: str | None
    line: int
    number: str | None = None  # 一 / 三十九 / 1 ...
    raw_name: str = ""
    budget: Decimal | None = None
    raw_budget: str = ""
    content: str = ""
    goal: str = ""
    raw_content: str = ""
    raw_goal: str = ""
    end_line: int = 0
    level: str = "activity"  # activity | sub_activity
    synthetic: bool = False  # a parent made up for a sub-activity printed before any activity
    flags: list[str] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    sub_activities: list[Activity] = field(default_factory=list)


TEMPLATE_COLUMNS: tuple[str, ...] = (
    "long_term",
    "actual",
    "unit",
    "comparator",
    "weight",
    "score",
    "direction",
    "scoring_rule",
    "explanation",
    "deviation",
)
"""The optional columns of the national indicator grids (layouts.md §2), as
:class:`ProjectIndicator` fields; empty for the seed layout."""


@dataclass
class ProjectIndicator:
    """A 三级指标 row of a target or self-evaluation table, with its carried-down categories.

    ``value`` is the (annual) target as printed (指标值 / 年度指标值); the other columns of the
    national templates (layouts.md §1–2) are kept as printed, "" when the table has no such
    column. ``place`` is the name cell's place in the source (``Sheet1!C9``, ``p. 2``).
    """

    level1: str
    level2: str
    name: str
    line: int
    description: str = ""
    value: str = ""
    basis: str = ""
    raw_name: str = ""
    raw_value: str = ""
    end_line: int = 0
    flags: list[str] = field(default_factory=list)
    target: Band | None = None
    analysis: NameAnalysis | None = None
    long_term: str = ""  # 长期指标值
    actual: str = ""  # 实际完成值 (self-evaluation)
    weight: str = ""  # 权重 / 分值
    score: str = ""  # 得分
    unit: str = ""  # 计量单位
    comparator: str = ""  # 指标性质 / 指标值类型 (≥, ≤, =, 定性)
    direction: str = ""  # 指标方向 (正向 / 反向)
    scoring_rule: str = ""  # 评分标准
    explanation: str = ""  # 指标解释 / 备注
    deviation: str = ""  # 偏差原因分析及改进措施
    number: str = ""  # 序号 as printed
    place: str = ""
    actual_band: Band | None = None  # the actual value read by the threshold NLP


@dataclass
class AnnualTask:
    """A 年度主要任务 row of a whole-department target table: task, content and money."""

    name: str
    line: int
    content: str = ""
    budget: Decimal | None = None
    raw_budget: str = ""
    place: str = ""


TABLE_KINDS: tuple[str, ...] = ("project", "department", "self_evaluation")
"""The national templates (layouts.md §1): 项目支出绩效目标表, 部门整体支出绩效目标表, 自评表."""


@dataclass
class Project:
    """One performance table: a 项目绩效目标表, a 部门整体支出绩效目标表 or a 绩效自评表.

    ``kind`` says which (:data:`TABLE_KINDS`); the whole-department table's ``name`` is the
    department's, and its ``tasks`` are the 年度主要任务. ``header`` keeps every label/value pair
    of the header block as printed (主管部门, 实施单位, 项目期 …); ``execution`` the
    self-evaluation money block (年初预算数, 全年预算数, 全年执行数, 分值, 执行率, 得分).
    """

    code: str
    name: str
    line: int
    budget: Decimal | None = None
    fiscal_funds: Decimal | None = None
    other_funds: Decimal | None = None
    purpose: str = ""
    spending_plan: dict[str, str] = field(default_factory=dict)  # 3月底 -> 25.00
    goal: str = ""
    department_code: str | None = None
    end_line: int = 0
    indicators: list[ProjectIndicator] = field(default_factory=list)
    kind: str = "project"
    title: str = ""
    competent_department: str = ""  # 主管部门
    implementing_unit: str = ""  # 实施单位
    header: dict[str, str] = field(default_factory=dict)
    long_term_goal: str = ""
    achieved: str = ""  # 全年实际完成情况 (self-evaluation)
    tasks: list[AnnualTask] = field(default_factory=list)
    execution: dict[str, str] = field(default_factory=dict)
    total_score: str = ""
    place: str = ""


@dataclass
class OtherTable:
    """A table kept with its numbers but not modelled further (机构设置, 政府采购, ...)."""

    kind: str  # organisation | three_public | procurement | fixed_assets | unknown
    line: int
    end_line: int
    title: str = ""
    rows: list[list[str]] = field(default_factory=list)


@dataclass
class StatedTotal:
    """A money figure stated in the running text, e.g. 项目支出 100196.1 万元."""

    label: str
    amount: Decimal
    line: int
    raw: str = ""


@dataclass
class Document:
    source: SourceRef
    title: str = ""
    issuer: str = ""
    year: int | None = None
    departments: list[Department] = field(default_factory=list)
    activities: list[Activity] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    tables: list[OtherTable] = field(default_factory=list)
    stated_totals: list[StatedTotal] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def iter_activities(self):
        """Yield every activity and sub-activity, parents first, in document order."""
        for activity in self.activities:
            yield activity
            yield from activity.sub_activities

    def iter_indicators(self):
        """Yield ``(activity_or_sub_activity, indicator)`` pairs in document order."""
        for node in self.iter_activities():
            for indicator in node.indicators:
                yield node, indicator

    def iter_project_indicators(self):
        for project in self.projects:
            for indicator in project.indicators:
                yield project, indicator


def to_jsonable(value: Any) -> Any:
    """Turn model objects into JSON-ready values (Decimal → float, dataclass → dict)."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {k: to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    return value


__all__ = [
    "GRADES",
    "TABLE_KINDS",
    "TEMPLATE_COLUMNS",
    "Activity",
    "AnnualTask",
    "Band",
    "Department",
    "Diagnostic",
    "Document",
    "Indicator",
    "NameAnalysis",
    "OtherTable",
    "Project",
    "ProjectIndicator",
    "Scheme",
    "SourceRef",
    "StatedTotal",
    "asdict",
    "to_jsonable",
]
