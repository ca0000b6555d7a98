"""Map one analysed :class:`~kg.model.Document` to RDF (N-Quads text in its own named graph).

The hot path writes N-Quads lines directly (no rdflib objects per triple), so a worker process
can map a document and hand bytes to the parent, which bulk-loads them with pyoxigraph.

IRIs come from content and position keys only (document hash, parent IRI, normalised name,
occurrence index among equal siblings), never from run time or file path, so an unchanged
document maps to byte-identical N-Quads. What the graph materialises so auditors need no joins
over four bands: ``pi:ofDepartment`` on every activity, project and indicator; the shared
``pi:NormalizedName``, ``pi:SurfaceLadder`` and ``pi:ThresholdTemplate`` hubs; the scheme kind,
polarity and ladder issues on the indicator; budgets as ``xsd:decimal``.

>>> from kg.model import Document, SourceRef
>>> mapped = map_document(Document(SourceRef("a.txt", "0" * 64), title="t"), file_path="a.txt")
>>> mapped.graph == doc_graph("0" * 64)
True
>>> mapped.triples > 5
True
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import PurePath

import pyoxigraph as ox

from kg.graph.namespace import (
    CAT,
    CMP,
    DCTERMS,
    GRADE,
    ISSUE,
    KIND,
    MK,
    OA,
    PARSE,
    PI,
    POL,
    PROV,
    RDF,
    RFC5147,
    SEV,
    UNIT,
    XSD,
    Vocabulary,
    doc_graph,
    doc_id,
    doc_node,
    mint,
)
from kg.model import (
    GRADES,
    Activity,
    Band,
    Department,
    Document,
    Indicator,
    NameAnalysis,
    Project,
    ProjectIndicator,
)
from kg.textnorm import compact_fold

_TABLE_CLASSES = {"department": "DepartmentTarget", "self_evaluation": "SelfEvaluation"}
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})


def ladder_key(grades: dict[str, str]) -> str:
    """The surface ladder: the four grade cells after glyph folding only, in grade order."""
    cells = [compact_fold(grades.get(g)).rstrip("。.") for g in GRADES]
    return " | ".join(cells) if any(cells) else ""


@cache
def _by_notation(vocab: Vocabulary, code: str | None) -> ox.NamedNode | None:
    return vocab.by_notation(code)


def _lit(text: str, lang: str | None = None) -> str:
    body = '"' + str(text).translate(_ESCAPES) + '"'
    return f"{body}@{lang}" if lang else body


_XSD_DECIMAL = str(XSD.decimal)
_XSD_INTEGER = str(XSD.integer)
_XSD_BOOLEAN = str(XSD.boolean)
_XSD_GYEAR = str(XSD.gYear)


def _dec(value: Decimal | float | int) -> str:
    number = value if isinstance(value, Decimal) else Decimal(repr(value))
    text = format(number, "f")
    if "." not in text:
        text += ".0"
    return f'"{text}"^^{_XSD_DECIMAL}'


def _int(value: int) -> str:
    return f'"{int(value)}"^^{_XSD_INTEGER}'


def _bool(value: bool) -> str:
    return f'"{"true" if value else "false"}"^^{_XSD_BOOLEAN}'


class _Terms:
    """Pre-rendered ``<iri>`` strings of the ontology terms the mapping writes."""

    def __getattr__(self, name: str) -> str:
        if name.startswith("_"):
            raise AttributeError(name)
        rendered = str(getattr(PI, name))
        setattr(self, name, rendered)
        return rendered


T = _Terms()
A = str(RDF.type)
LABEL = "<http://www.w3.org/2004/02/skos/core#prefLabel>"
DERIVED = str(PROV.wasDerivedFrom)
TITLE = str(DCTERMS.title)


@dataclass
class MappedDocument:
    """The RDF of one document: its graph IRI, N-Quads bytes and what went in."""

    graph: ox.NamedNode
    nquads: bytes
    triples: int
    counts: dict[str, int] = field(default_factory=dict)


class _Writer:
    def __init__(self, graph: ox.NamedNode):
        self.g = str(graph)
        self.lines: list[str] = []
        self.seen: set[str] = set()

    def add(self, s: str, p: str, o: str) -> None:
        self.lines.append(f"{s} {p} {o} {self.g} .\n")

    def once(self, node: str) -> bool:
        """True the first time ``node`` is described in this graph (shared hubs, spans)."""
        if node in self.seen:
            return False
        self.seen.add(node)
        return True


class _Mapper:
    def __init__(self, doc: Document, file_path: str, pipeline_version: str):
        self.doc = doc
        self.sha = doc.source.sha256
        self.docid = doc_id(self.sha)
        self.doc_iri = str(doc_node(self.sha))
        self.w = _Writer(doc_graph(self.sha))
        self.file_path = file_path
        self.pipeline_version = pipeline_version
        self.year = (
            f'"{doc.year:04d}"^^{_XSD_GYEAR}'
            if isinstance(doc.year, int) and doc.year > 0
            else None
        )
        self.counts: Counter[str] = Counter()
        self.departments: list[tuple[int, str]] = []  # (header line, dept IRI)
        self.dept_by_code: dict[str, str] = {}
        self.ordinal = 0

    # --- shared pieces ------------------------------------------------------------------------

    def span(self, line: int, end_line: int = 0, place: str = "") -> str:
        start = max(int(line or 1), 1)
        end = max(int(end_line or 0), start)
        node = f"{self.doc_iri[:-1]}/lines/{start}-{end}>"
        if place and self.w.once(f"{node} place"):
            self.w.add(node, T.sourcePlace, _lit(place))
        if self.w.once(node):
            add = self.w.add
            selector = f"{node[:-1]}/selector>"
            add(node, A, T.SourceSpan)
            add(node, str(OA.hasSource), self.doc_iri)
            add(node, T.startLine, _int(start))
            add(node, T.endLine, _int(end))
            add(node, str(OA.hasSelector), selector)
            add(selector, A, str(OA.FragmentSelector))
            add(selector, str(DCTERMS.conformsTo), str(RFC5147))
            add(selector, str(RDF.value), _lit(f"line={start - 1},{end}"))
        return node

    @staticmethod
    def concept(node: ox.NamedNode | None) -> str | None:
        return str(node) if node is not None else None

    def flags(self, subject: str, flags: list[str]) -> None:
        for flag in sorted(set(flags)):
            self.w.add(subject, T.flag, _lit(flag))

    def name_hub(self, subject: str, name: str, analysis: NameAnalysis | None) -> None:
        key = analysis.key if analysis is not None and analysis.key else compact_fold(name)
        if not key:
            return
        hub = str(mint("name", key))
        if self.w.once(hub):
            self.w.add(hub, A, T.NormalizedName)
            self.w.add(hub, T.normalizedText, _lit(key))
        self.w.add(subject, T.hasNormalizedName, hub)

    def name_analysis(self, subject: str, analysis: NameAnalysis | None) -> None:
        if analysis is None:
            return
        add = self.w.add
        if (kind := self.concept(_by_notation(MK, analysis.metric_kind))) is not None:
            add(subject, T.metricKind, kind)
        if analysis.measure_head:
            add(subject, T.measureHead, _lit(analysis.measure_head))
        if (unit := self.concept(_by_notation(UNIT, analysis.declared_unit))) is not None:
            add(subject, T.declaredUnit, unit)
        if (hint := self.concept(_by_notation(POL, analysis.direction_hint))) is not None:
            add(subject, T.directionHint, hint)
        if analysis.is_category_label:
            add(subject, T.isCategoryLabel, _bool(True))
        if analysis.is_task_phrase:
            add(subject, T.isTaskPhrase, _bool(True))

    def value_constraint(self, node: str, band: Band) -> None:
        """Comparator, bounds, unit and reading of one band or target, as parsed."""
        add = self.w.add
        if (status := self.concept(_by_notation(PARSE, band.status))) is not None:
            add(node, T.parseStatus, status)
        if (cmp := self.concept(_by_notation(CMP, band.comparator))) is not None:
            add(node, T.comparator, cmp)
        for prop, value, literal in (
            (T.lowerBound, band.lower, _dec),
            (T.lowerInclusive, band.lower_inclusive, _bool),
            (T.upperBound, band.upper, _dec),
            (T.upperInclusive, band.upper_inclusive, _bool),
            (T.pointValue, band.point, _dec),
        ):
            if value is not None:
                add(node, prop, literal(value))
        if band.unit:
            add(node, T.unitCode, _lit(band.unit))
            if (unit := self.concept(_by_notation(UNIT, band.unit))) is not None:
                add(node, T.unit, unit)
        self.texts(node, (T.unitKind, band.unit_kind), (T.form, band.form))
        self.texts(node, (T.reference, band.reference))
        if band.deadline:
            add(
                node,
                T.deadline,
                _lit(json.dumps(band.deadline, ensure_ascii=False, sort_keys=True)),
            )
        self.texts(node, (T.qualitativeScale, band.qual_scale))
        if band.qual_rank is not None:
            add(node, T.qualitativeRank, _int(band.qual_rank))
        self.texts(node, (T.administrativeLevel, band.level), (T.parseNote, band.reason))
        self.flags(node, band.flags)

    def texts(self, node: str, *pairs: tuple[str, str | None], lang: str | None = None) -> None:
        """A literal for each ``(property, text)`` pair whose text is not empty, in order."""
        for prop, text in pairs:
            if text:
                self.w.add(node, prop, _lit(text, lang))

    # --- document -----------------------------------------------------------------------------

    def run(self) -> MappedDocument:
        doc, add, d = self.doc, self.w.add, self.doc_iri
        add(d, A, T.SourceDocument)
        add(d, T.sha256, _lit(self.sha))
        add(d, T.filePath, _lit(self.file_path))
        add(d, T.fileName, _lit(PurePath(self.file_path).name))
        add(d, T.sourceFormat, _lit(doc.source.format))
        if doc.title:
            add(d, TITLE, _lit(doc.title, "zh"))
        if doc.issuer:
            add(d, T.issuer, _lit(doc.issuer, "zh"))
        if self.year:
            add(d, T.fiscalYear, self.year)
        if self.pipeline_version:
            add(d, T.pipelineVersion, _lit(self.pipeline_version))
        self.map_departments()
        for key, activity in self._numbered(doc.activities):
            self.map_activity(key, activity, parent=None, parent_key=None)
        for key, project in self._numbered(doc.projects, key=lambda p: p.code or p.name):
            self.map_project(key, project)
        self.map_extras()
        self.counts["triples"] = len(self.w.lines)
        return MappedDocument(
            graph=doc_graph(self.sha),
            nquads="".join(self.w.lines).encode("utf-8"),
            triples=len(self.w.lines),
            counts=dict(self.counts),
        )

    @staticmethod
    def _numbered(items, key=lambda a: a.name):
        """``(occurrence key, item)``: name plus ``#k`` among equal siblings (ontology.md §2.8)."""
        seen: Counter[str] = Counter()
        for item in items:
            base = compact_fold(key(item))
            seen[base] += 1
            yield f"{base}#{seen[base]}", item

    def map_departments(self) -> None:
        doc, add = self.doc, self.w.add
        heads = list(doc.departments)
        if not heads:
            # Only a unit name makes a department (extraction checks the issuer), never a
            # title: a document without one keeps its department unknown.
            if not doc.issuer:
                return
            heads = [Department(code=None, name=doc.issuer, line=1)]
        for head in heads:
            iri = str(mint("dept", compact_fold(head.name), head.code or ""))
            self.departments.append((head.line, iri))
            if head.code:
                self.dept_by_code.setdefault(head.code, iri)
            if self.w.once(iri):
                add(iri, A, T.Department)
                add(iri, LABEL, _lit(head.name, "zh"))
                if head.code:
                    add(iri, T.budgetCode, _lit(head.code))
                add(self.doc_iri, T.describesDepartment, iri)
                self.counts["departments"] += 1
            add(iri, DERIVED, self.span(head.line))
        self.departments.sort()

    def department_at(self, line: int) -> str | None:
        """The department whose header is the last one printed before ``line``."""
        chosen = self.departments[0][1] if self.departments else None
        for head_line, iri in self.departments:
            if head_line <= line:
                chosen = iri
        return chosen

    def map_activity(
        self, key: str, activity: Activity, parent: str | None, parent_key: str | None
    ) -> None:
        add = self.w.add
        sub = parent is not None
        iri = str(mint("activity", self.docid, parent_key or "", key))
        dept = self.department_at(activity.line)
        add(iri, A, T.Activity)
        add(iri, A, T.SubActivity if sub else T.DutyActivity)
        self.counts["sub_activities" if sub else "activities"] += 1
        if activity.name:
            add(iri, LABEL, _lit(activity.name, "zh"))
        if activity.raw_name and activity.raw_name != activity.name:
            add(iri, T.rawText, _lit(activity.raw_name))
        self.texts(iri, (T.number, activity.number))
        if activity.budget is not None:
            add(iri, T.budget, _dec(activity.budget))
        self.texts(iri, (T.rawBudget, activity.raw_budget))
        self.texts(iri, (T.contentText, activity.content), (T.goalText, activity.goal), lang="zh")
        if activity.synthetic:
            add(iri, T.synthetic, _bool(True))
        self.flags(iri, activity.flags)
        self.ordinal += 1
        add(iri, T.ordinal, _int(self.ordinal))
        if self.year:
            add(iri, T.fiscalYear, self.year)
        if dept:
            add(iri, T.ofDepartment, dept)
        if sub:
            add(parent, T.hasSubActivity, iri)
        elif dept:
            add(dept, T.hasDutyActivity, iri)
        add(iri, DERIVED, self.span(activity.line, activity.end_line))
        for ind_key, indicator in self._numbered(activity.indicators):
            self.map_indicator(ind_key, indicator, iri, dept)
        for sub_key, child in self._numbered(activity.sub_activities):
            self.map_activity(sub_key, child, parent=iri, parent_key=iri)

    def indicator_node(
        self, parent: str, key: str, kind: str, dept: str | None, name: str, raw_name: str
    ) -> str:
        """An indicator of ``parent`` (class ``pi:{kind}`` beside ``pi:Indicator``, counted
        under ``counts``): its IRI, department, name and raw text when it differs."""
        add = self.w.add
        iri = str(mint("indicator", parent, key))
        add(iri, A, T.Indicator)
        add(iri, A, getattr(T, kind))
        self.counts["indicators" if kind == "ActivityIndicator" else "project_indicators"] += 1
        add(parent, T.hasIndicator, iri)
        if dept:
            add(iri, T.ofDepartment, dept)
        add(iri, T.indicatorName, _lit(name, "zh"))
        if raw_name and raw_name != name:
            add(iri, T.rawText, _lit(raw_name))
        return iri

    def map_indicator(self, key: str, ind: Indicator, parent: str, dept: str | None) -> None:
        add = self.w.add
        iri = self.indicator_node(parent, key, "ActivityIndicator", dept, ind.name, ind.raw_name)
        if self.year:
            add(iri, T.fiscalYear, self.year)
        self.ordinal += 1
        add(iri, T.ordinal, _int(self.ordinal))
        self.flags(iri, ind.flags)
        add(iri, DERIVED, self.span(ind.line, ind.end_line))
        self.name_hub(iri, ind.name, ind.analysis)
        self.name_analysis(iri, ind.analysis)
        ladder = ladder_key(ind.grades)
        if ladder:
            hub = str(mint("ladder", ladder))
            if self.w.once(hub):
                add(hub, A, T.SurfaceLadder)
                add(hub, T.ladderText, _lit(ladder))
            add(iri, T.hasSurfaceLadder, hub)
        if ind.scheme is not None:
            self.map_scheme(iri, ind)
        bands = ind.bands or [
            Band(grade=g, rank=r, raw=ind.raw_grades.get(g, ind.grades.get(g, "")), status="")
            for r, g in enumerate(GRADES, 1)
        ]
        for band in bands:
            cleaned = ind.grades.get(band.grade, "")
            if not cleaned.strip():
                continue  # an empty grade cell gives no band (ontology.md §2.12 item 9)
            node = f"{iri[:-1]}/band/{band.rank}>"
            add(iri, T.hasGradeBand, node)
            add(node, A, T.GradeBand)
            add(node, T.grade, str(_by_notation(GRADE, band.grade)))
            add(node, T.gradeRank, _int(band.rank))
            add(node, T.rawText, _lit(ind.raw_grades.get(band.grade) or cleaned))
            self.value_constraint(node, band)
            self.counts["bands"] += 1

    def map_scheme(self, iri: str, ind: Indicator) -> None:
        add, scheme = self.w.add, ind.scheme
        assert scheme is not None
        node = f"{iri[:-1]}/scheme>"
        add(iri, T.hasGradingScheme, node)
        add(node, A, T.GradingScheme)
        add(node, T.signature, _lit(scheme.signature))
        for target in (iri, node):
            if (kind := self.concept(_by_notation(KIND, scheme.kind))) is not None:
                add(target, T.schemeKind, kind)
            if (pol := self.concept(_by_notation(POL, scheme.direction))) is not None:
                add(target, T.polarity, pol)
        unknown = []
        for code in sorted(set(scheme.issues)):
            concept = self.concept(_by_notation(ISSUE, code))
            if concept is None:
                unknown.append(f"ladder_issue:{code}")
            else:
                add(iri, T.ladderIssue, concept)
        self.flags(iri, unknown)
        if scheme.unit and (unit := self.concept(_by_notation(UNIT, scheme.unit))) is not None:
            add(iri, T.unit, unit)
        if scheme.qual_scale:
            add(node, T.qualitativeScale, _lit(scheme.qual_scale))
        if scheme.kind != "empty" and scheme.signature.strip("|"):
            tpl = str(mint("threshold-template", scheme.signature))
            if self.w.once(tpl):
                add(tpl, A, T.ThresholdTemplate)
                add(tpl, T.signature, _lit(scheme.signature))
            add(node, T.usesThresholdTemplate, tpl)
            add(iri, T.usesThresholdTemplate, tpl)

    def map_project(self, key: str, project: Project) -> None:
        add = self.w.add
        iri = str(mint("project", self.docid, key))
        dept = self.dept_by_code.get(project.department_code or "") or self.department_at(
            project.line
        )
        add(iri, A, T.Project)
        if project.kind in _TABLE_CLASSES:
            add(iri, A, getattr(T, _TABLE_CLASSES[project.kind]))
        self.counts["projects"] += 1
        add(iri, LABEL, _lit(project.name, "zh"))
        if project.code:
            add(iri, T.projectCode, _lit(project.code))
        self.map_table_header(iri, project)
        for prop, amount in (
            (T.budget, project.budget),
            (T.fiscalFunds, project.fiscal_funds),
            (T.otherFunds, project.other_funds),
        ):
            if amount is not None:
                add(iri, prop, _dec(amount))
        self.texts(iri, (T.contentText, project.purpose), (T.goalText, project.goal), lang="zh")
        for period, value in project.spending_plan.items():
            add(iri, T.spendingPlan, _lit(f"{period}: {value}"))
        if self.year:
            add(iri, T.fiscalYear, self.year)
        if dept:
            add(iri, T.ofDepartment, dept)
            add(dept, T.hasProject, iri)
        add(iri, DERIVED, self.span(project.line, project.end_line, project.place))
        numbered = self._numbered(
            project.indicators, key=lambda i: f"{i.level1}|{i.level2}|{i.name}"
        )
        for ind_key, ind in numbered:
            self.map_project_indicator(iri, dept, ind_key, ind)

    def map_project_indicator(
        self, iri: str, dept: str | None, ind_key: str, ind: ProjectIndicator
    ) -> None:
        """One indicator of a project table: categories, name analysis, target value."""
        add = self.w.add
        node = self.indicator_node(iri, ind_key, "ProjectIndicator", dept, ind.name, ind.raw_name)
        for prop_text, prop_cat, label in (
            (T.level1Text, T.level1Category, ind.level1),
            (T.level2Text, T.level2Category, ind.level2),
        ):
            if label:
                add(node, prop_text, _lit(label))
                if (cat := self.concept(CAT.by_label(compact_fold(label)))) is not None:
                    add(node, prop_cat, cat)
        self.texts(node, (T.indicatorDescription, ind.description), lang="zh")
        if self.year:
            add(node, T.fiscalYear, self.year)
        self.ordinal += 1
        add(node, T.ordinal, _int(self.ordinal))
        self.flags(node, ind.flags)
        add(node, DERIVED, self.span(ind.line, ind.end_line, ind.place))
        self.map_indicator_columns(node, ind)
        self.name_hub(node, ind.name, ind.analysis)
        self.name_analysis(node, ind.analysis)
        if ind.value or ind.target is not None:
            target = f"{node[:-1]}/target>"
            add(node, T.hasTargetValue, target)
            add(target, A, T.TargetValue)
            add(target, T.rawText, _lit(ind.raw_value or ind.value))
            self.texts(target, (T.valueBasis, ind.basis), lang="zh")
            if ind.target is not None:
                self.value_constraint(target, ind.target)
            self.counts["targets"] += 1

    def map_table_header(self, iri: str, project: Project) -> None:
        """What the national templates print around the grid (layouts.md §1)."""
        add = self.w.add
        if project.title:
            add(iri, TITLE, _lit(project.title, "zh"))
        for prop, text in (
            (T.competentDepartment, project.competent_department),
            (T.implementingUnit, project.implementing_unit),
            (T.longTermGoal, project.long_term_goal),
            (T.achievedText, project.achieved),
        ):
            if text:
                add(iri, prop, _lit(text, "zh"))
        for label, value in project.header.items():
            add(iri, T.headerField, _lit(f"{label}: {value}"))
        for label, value in project.execution.items():
            add(iri, T.executionField, _lit(f"{label}: {value}"))
        if project.total_score:
            add(iri, T.totalScore, _lit(project.total_score))
        for key, task in self._numbered(project.tasks):
            node = str(mint("task", iri, key))
            add(iri, T.hasAnnualTask, node)
            add(node, A, T.AnnualTask)
            add(node, LABEL, _lit(task.name, "zh"))
            if task.content:
                add(node, T.contentText, _lit(task.content, "zh"))
            if task.budget is not None:
                add(node, T.budget, _dec(task.budget))
            if task.raw_budget:
                add(node, T.rawBudget, _lit(task.raw_budget))
            add(node, DERIVED, self.span(task.line, task.line, task.place))

    def map_indicator_columns(self, node: str, ind: ProjectIndicator) -> None:
        """The optional columns of a national indicator grid, as printed, and the actual value."""
        add = self.w.add
        for prop, text, lang in (
            (T.number, ind.number, None),
            (T.longTermValue, ind.long_term, None),
            (T.weightText, ind.weight, None),
            (T.scoreText, ind.score, None),
            (T.unitText, ind.unit, None),
            (T.comparatorText, ind.comparator, None),
            (T.directionText, ind.direction, None),
            (T.scoringRule, ind.scoring_rule, "zh"),
            (T.explanation, ind.explanation, "zh"),
            (T.deviationReason, ind.deviation, "zh"),
        ):
            if text:
                add(node, prop, _lit(text, lang) if lang else _lit(text))
        if ind.actual:
            actual = f"{node[:-1]}/actual>"
            add(node, T.hasActualValue, actual)
            add(actual, A, T.ActualValue)
            add(actual, T.rawText, _lit(ind.actual))
            if ind.actual_band is not None:
                self.value_constraint(actual, ind.actual_band)

    def map_extras(self) -> None:
        doc, add, d = self.doc, self.w.add, self.doc_iri
        seen: Counter[str] = Counter()
        for diag in doc.diagnostics:
            key = f"{diag.line}|{diag.severity}|{diag.code}|{diag.message}"
            seen[key] += 1
            node = str(mint("diagnostic", self.docid, key, str(seen[key])))
            add(d, T.hasDiagnostic, node)
            add(node, A, T.Diagnostic)
            if (sev := self.concept(_by_notation(SEV, diag.severity))) is not None:
                add(node, T.severity, sev)
            if diag.code:
                add(node, T.code, _lit(diag.code))
            add(node, T.message, _lit(diag.message))
            if diag.raw:
                add(node, T.rawText, _lit(diag.raw))
            add(node, DERIVED, self.span(diag.line, place=diag.place))
            self.counts["diagnostics"] += 1
        for total in doc.stated_totals:
            node = str(mint("stated-total", self.docid, total.label, str(total.line)))
            add(d, T.hasStatedTotal, node)
            add(node, A, T.StatedTotal)
            add(node, T.label, _lit(total.label))
            add(node, T.amount, _dec(total.amount))
            if total.raw:
                add(node, T.rawText, _lit(total.raw))
            add(node, DERIVED, self.span(total.line))
        for table in doc.tables:
            node = str(mint("table", self.docid, table.kind, str(table.line)))
            add(d, T.hasTable, node)
            add(node, A, T.OtherTable)
            add(node, T.tableKind, _lit(table.kind))
            if table.title:
                add(node, TITLE, _lit(table.title, "zh"))
            add(node, T.rowCount, _int(len(table.rows)))
            add(node, T.rowsJson, _lit(json.dumps(table.rows, ensure_ascii=False)))
            add(node, DERIVED, self.span(table.line, table.end_line))


def map_document(
    doc: Document, *, file_path: str | None = None, pipeline_version: str = ""
) -> MappedDocument:
    """The RDF of one document as N-Quads in ``pig:doc/{sha[:16]}``.

    ``file_path`` is recorded as ``pi:filePath`` (default: the path the document was read
    from); ``pipeline_version`` is recorded so the store can skip unchanged documents.
    Run :func:`kg.nlp.analyze_document` first to get parsed bands, schemes and name analysis;
    without it the bands keep their raw text only.
    """
    path = file_path if file_path is not None else doc.source.path
    return _Mapper(doc, path, pipeline_version).run()


def document_quads(doc: Document, **kwargs) -> list[ox.Quad]:
    """:func:`map_document` as pyoxigraph quads (for tests and small tools)."""
    mapped = map_document(doc, **kwargs)
    return list(ox.parse(mapped.nquads, format=ox.RdfFormat.N_QUADS))


__all__ = ["MappedDocument", "document_quads", "ladder_key", "map_document"]
