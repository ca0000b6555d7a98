"""Context records from extracted documents (:class:`kg.model.Document`), without a store.

The CLI reads them from the store (:mod:`kg.records.from_store`); this path serves ``kg duplicates
FILE…``, Spark ingest, the Python API and tests on freshly extracted documents. Both give what
the store holds (cells as printed, a blank cell as "", each row's department header), so the
audit and the copy detector never know where their input came from.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from kg.model import GRADES, Activity, Document, Indicator, Project
from kg.records.context import AuditContext, AuditDocument, AuditIndicator, AuditNode


def _doc_key(document: Document) -> str:
    return document.source.sha256[:16] if document.source.sha256 else document.source.path


def _department_at(document: Document) -> Callable[[int], str]:
    """The department a row at ``line`` is printed under: the last header before it, else the
    issuer (or title) of the document."""
    headers = sorted(document.departments, key=lambda d: d.line)

    def department_at(line: int) -> str:
        name = document.issuer or document.title
        for header in headers:
            if header.line <= line:
                name = header.name
        return name

    return department_at


def _grades(indicator: Indicator) -> dict[str, str]:
    """The four cells as printed, a cell blank once cleaned as "" (as the store keeps them)."""
    grades = {}
    for grade in GRADES:
        cleaned = indicator.grades.get(grade, "")
        grades[grade] = (indicator.raw_grades.get(grade) or cleaned) if cleaned.strip() else ""
    return grades


def _add_activity(
    context: AuditContext,
    key: str,
    activity: Activity,
    parent: AuditNode | None,
    department_at: Callable[[int], str],
) -> None:
    node = AuditNode(
        id=f"{key}/{'synthetic' if activity.synthetic else activity.level}/L{activity.line}",
        doc_id=key,
        kind=activity.level,
        name=activity.name or "",
        line=activity.line,
        budget=activity.budget,
        raw_budget=activity.raw_budget,
        content=activity.content,
        goal=activity.goal,
        number=activity.number,
        parent_id=parent.id if parent else None,
        synthetic=activity.synthetic,
        end_line=activity.end_line,
        flags=list(activity.flags),
        department=department_at(activity.line),
    )
    context.nodes.append(node)
    if parent is not None:
        parent.children.append(node.id)
    for indicator in activity.indicators:
        record = AuditIndicator(
            id=f"{key}/indicator/L{indicator.line}",
            doc_id=key,
            node_id=node.id,
            name=indicator.name,
            line=indicator.line,
            grades=_grades(indicator),
            raw_name=indicator.raw_name,
            bands=list(indicator.bands or []),
            scheme=indicator.scheme,
            analysis=indicator.analysis,
            flags=list(indicator.flags),
            end_line=indicator.end_line,
        )
        context.indicators.append(record)
        node.indicators.append(record.id)
    for sub in activity.sub_activities:
        _add_activity(context, key, sub, node, department_at)


def _add_project(context: AuditContext, key: str, project: Project, department: str) -> None:
    node = AuditNode(
        id=f"{key}/project/L{project.line}",
        doc_id=key,
        kind="project",
        name=project.name,
        line=project.line,
        budget=project.budget,
        raw_budget=str(project.budget) if project.budget is not None else "",
        content=project.purpose,
        goal=project.goal,
        number=project.code,
        end_line=project.end_line,
        table_kind=project.kind,
        execution=dict(project.execution),
        total_score=project.total_score,
        department=department,
    )
    context.nodes.append(node)
    for indicator in project.indicators:
        record = AuditIndicator(
            id=f"{key}/indicator/L{indicator.line}",
            doc_id=key,
            node_id=node.id,
            name=indicator.name,
            line=indicator.line,
            kind="project",
            raw_name=indicator.raw_name,
            bands=[indicator.target] if indicator.target is not None else [],
            analysis=indicator.analysis,
            flags=list(indicator.flags),
            value=(indicator.raw_value or indicator.value) if indicator.value else "",
            basis=indicator.basis,
            level1=indicator.level1,
            level2=indicator.level2,
            end_line=indicator.end_line,
            actual=indicator.actual,
            weight=indicator.weight,
            score=indicator.score,
            deviation=indicator.deviation,
            comparator=indicator.comparator,
            actual_band=indicator.actual_band,
        )
        context.indicators.append(record)
        node.indicators.append(record.id)


def context_from_documents(documents: Iterable[Document]) -> AuditContext:
    """The context records of extracted (and ideally NLP-analysed) documents, in their order."""
    context = AuditContext()
    for document in documents:
        key = _doc_key(document)
        context.documents.append(
            AuditDocument(
                id=key,
                file=document.source.path,
                issuer=document.issuer,
                title=document.title,
                year=document.year,
                stated_totals=[(t.label, t.amount, t.line) for t in document.stated_totals],
                unread=[(d.line, d.message) for d in document.diagnostics if d.code == "unread"],
            )
        )
        department_at = _department_at(document)
        for activity in document.activities:
            _add_activity(context, key, activity, None, department_at)
        for project in document.projects:
            _add_project(context, key, project, department_at(project.line))
    return context
