"""Plain, typed records of documents, activities and indicators: what the audit rules and
the copy detector read.

Neither touches RDF or the extractor directly: they read these records, which come either
from the store (:func:`kg.records.from_store.load_context`) or from extracted documents
(:func:`kg.records.from_model.context_from_documents`), and the detector's flat records are
made from them (:func:`kg.records.indicators.records_from_context`). Keeping this boundary
small means a rule is a pure function that can be tested with a handful of hand-written
records.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from kg.model import GRADES, Band, NameAnalysis, Scheme


@dataclass
class Evidence:
    """One affected cell or row: where to look in the source and what it says there."""

    file: str
    line: int
    text: str


@dataclass
class AuditDocument:
    """One source document with what its running text states."""

    id: str
    file: str
    issuer: str = ""
    title: str = ""
    year: int | None = None
    stated_totals: list[tuple[str, Decimal, int]] = field(default_factory=list)  # label, 万元, line
    unread: list[tuple[int, str]] = field(default_factory=list)  # (line, message) of unread tables

    @property
    def department(self) -> str:
        return self.issuer or self.title or self.file


@dataclass
class AuditNode:
    """A duty activity, a sub-activity or a project: something that carries money and goals."""

    id: str
    doc_id: str
    kind: str  # activity | sub_activity | project
    name: str
    line: int
    budget: Decimal | None = None
    raw_budget: str = ""
    content: str = ""
    goal: str = ""
    number: str | None = None
    parent_id: str | None = None
    children: list[str] = field(default_factory=list)
    indicators: list[str] = field(default_factory=list)
    synthetic: bool = False
    end_line: int = 0
    flags: list[str] = field(default_factory=list)
    table_kind: str = ""  # project | department | self_evaluation for the national tables
    execution: dict[str, str] = field(default_factory=dict)  # self-evaluation money block
    total_score: str = ""
    department: str = ""  # the department header it is printed under (pi:ofDepartment)

    def row_text(self) -> str:
        cells = [self.name, self.raw_budget, self.content, self.goal]
        return " | ".join(cell for cell in cells if cell)


@dataclass
class AuditIndicator:
    """One indicator row (graded, with four bands) or one project indicator (one target)."""

    id: str
    doc_id: str
    node_id: str
    name: str
    line: int
    kind: str = "graded"  # graded | project
    grades: dict[str, str] = field(default_factory=dict)  # as printed; "" for a blank cell
    raw_name: str = ""
    bands: list[Band] = field(default_factory=list)
    scheme: Scheme | None = None
    analysis: NameAnalysis | None = None
    flags: list[str] = field(default_factory=list)
    value: str = ""  # project target value as printed
    basis: str = ""  # 指标值确定依据
    level1: str = ""
    level2: str = ""
    end_line: int = 0
    actual: str = ""  # self-evaluation: 实际完成值, 分值/权重, 得分, 偏差原因 as printed
    weight: str = ""
    score: str = ""
    deviation: str = ""
    comparator: str = ""  # the 指标性质 column as printed
    actual_band: Band | None = None

    def cells(self) -> list[str]:
        """The row as printed: name then the four grades (or the target value)."""
        if self.kind == "project":
            cells = [self.level1, self.level2, self.name, self.value]
            extra = [self.actual, self.weight, self.score, self.deviation]
            return cells + extra if any(extra) else cells
        return [self.name, *(self.grades.get(grade, "") for grade in GRADES)]

    def row_text(self) -> str:
        return " | ".join(self.cells())

    @property
    def has_grades(self) -> bool:
        return any(self.grades.get(grade, "").strip() for grade in GRADES)

    @property
    def target(self) -> Band | None:
        """The parsed target value of a project indicator."""
        return next((band for band in self.bands if band.rank == 0), None)

    @property
    def signature(self) -> str:
        return self.scheme.signature if self.scheme else ""

    @property
    def issues(self) -> list[str]:
        return self.scheme.issues if self.scheme else []


@dataclass
class CopyCluster:
    """A group of copied indicators found by :mod:`kg.duplicates` (or read from the store)."""

    id: str
    kind: str  # the duplicates module's copy kind, e.g. verbatim-copy
    members: list[str]  # indicator ids
    score: float | None = None
    label: str = ""
    confidence: str = "high"  # high | medium | low (kg.duplicates: the weakest needed link)


@dataclass
class AuditContext:
    """Everything the rules see, with the lookups they need."""

    documents: list[AuditDocument] = field(default_factory=list)
    nodes: list[AuditNode] = field(default_factory=list)
    indicators: list[AuditIndicator] = field(default_factory=list)
    clusters: list[CopyCluster] = field(default_factory=list)

    @cached_property
    def doc_by_id(self) -> dict[str, AuditDocument]:
        return {doc.id: doc for doc in self.documents}

    @cached_property
    def node_by_id(self) -> dict[str, AuditNode]:
        return {node.id: node for node in self.nodes}

    @cached_property
    def indicator_by_id(self) -> dict[str, AuditIndicator]:
        return {ind.id: ind for ind in self.indicators}

    @cached_property
    def indicators_by_node(self) -> dict[str, list[AuditIndicator]]:
        grouped: dict[str, list[AuditIndicator]] = defaultdict(list)
        for ind in self.indicators:
            grouped[ind.node_id].append(ind)
        return grouped

    def document_of(self, record: AuditNode | AuditIndicator) -> AuditDocument:
        return self.doc_by_id[record.doc_id]

    def node_of(self, indicator: AuditIndicator) -> AuditNode | None:
        return self.node_by_id.get(indicator.node_id)

    def evidence(self, record: AuditNode | AuditIndicator) -> Evidence:
        """Evidence for one row: file, line and the raw cells joined with `` | ``."""
        return Evidence(self.document_of(record).file, record.line, record.row_text())

    def funding_node(self, indicator: AuditIndicator) -> AuditNode | None:
        """The row whose money an indicator grades.

        That is the indicator's own row when it has a budget. An unfunded sub-activity shares
        its parent's budget only when no sibling has a budget of its own (the parent is then
        funded as a whole); otherwise it is an orphan block and grades no money, because
        charging it the whole activity budget would count that money many times over.
        """
        node = self.node_of(indicator)
        if node is None or node.budget is not None:
            return node if node is not None and node.budget is not None else None
        parent = self.node_by_id.get(node.parent_id) if node.parent_id else None
        if parent is None or parent.budget is None:
            return None
        siblings = (self.node_by_id.get(child) for child in parent.children)
        if any(sibling is not None and sibling.budget is not None for sibling in siblings):
            return None
        return parent

    def budget_at_stake(self, indicator: AuditIndicator) -> Decimal | None:
        """The money an indicator grades (万元), see :meth:`funding_node`."""
        node = self.funding_node(indicator)
        return node.budget if node is not None else None

    def graded_money(self, indicators: Iterable[AuditIndicator]) -> Decimal | None:
        """The money graded by these indicators, each funded row counted once."""
        budgets = {}
        for indicator in indicators:
            node = self.funding_node(indicator)
            if node is not None and node.budget is not None:
                budgets[node.id] = node.budget
        return sum(budgets.values(), Decimal(0)) if budgets else None
