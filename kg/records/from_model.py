"""Context records from extracted documents (:class:`kg.model.Document`), without a store.

The CLI reads them from the store (:mod:`kg.records.from_store`); this path serves ``kg duplicates
FILE…``, Spark ingest, the Python API and tests on freshly extracted documents. Both give what
the store holds (cells as printed, a blank cell as "", each row's department header), so the
audit and the copy detector never know where their input came from.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from kg.model import GRADES, Activity, Document, Indicator, Project, ProjectIndicator
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


def _add_node(
    context: AuditContext, key: str, path: str, item: Activity | Project, **fields: Any
) -> AuditNode:
    """Record an activity or project as ``{key}/{path}/L{line}``: what both have, plus
    ``fields``."""
    node = AuditNode(
        id=f"{key}/{path}/L{item.line}",
        doc_id=key,
        line=item.line,
        budget=item.budget,
        goal=item.goal,
        end_line=item.end_line,
        **fields,
    )
    context.nodes.append(node)
    return node


def _add_indicator(
    context: AuditContext,
    key: str,
    node: AuditNode,
    indicator: Indicator | ProjectIndicator,
    **fields: Any,
) -> None:
    """Record ``indicator`` of ``node``: what every indicator has, plus its kind's ``fields``."""
    record = AuditIndicator(
        id=f"{key}/indicator/L{indicator.line}",
        doc_id=key,
        node_id=node.id,
        name=indicator.name,
        line=indicator.line,
        raw_name=indicator.raw_name,
        analysis=indicator.analysis,
        flags=list(indicator.flags),
        end_line=indicator.end_line,
        **fields,
    )
    context.indicators.append(record)
    node.indicators.append(record.id)


def _add_activity(
    context: AuditContext,
    key: str,
    activity: Activity,
    parent: AuditNode | None,
    department_at: Callable[[int], str],
) -> None:
    node = _add_node(
        context,
        key,
        "synthetic" if activity.synthetic else activity.level,
        activity,
        kind=activity.level,
        name=activity.name or "",
        raw_budget=activity.raw_budget,
        content=activity.content,
        number=activity.number,
        parent_id=parent.id if parent else None,
        synthetic=activity.synthetic,
        flags=list(activity.flags),
        department=department_at(activity.line),
    )
    if parent is not None:
        parent.children.append(node.id)
    for indicator in activity.indicators:
        _add_indicator(
            context,
            key,
            node,
            indicator,
            grades=_grades(indicator),
            bands=list(indicator.bands or []),
            scheme=indicator.scheme,
        )
    for sub in activity.sub_activities:
        _add_activity(context, key, sub, node, department_at)


def _add_project(context: AuditContext, key: str, project: Project, department: str) -> None:
    node = _add_node(
        context,
        key,
        "project",
        project,
        kind="project",
        name=project.name,
        raw_budget=str(project.budget) if project.budget is not None else "",
        content=project.purpose,
        number=project.code,
        table_kind=project.kind,
        execution=dict(project.execution),
        total_score=project.total_score,
        department=department,
    )
    for indicator in project.indicators:
        _add_indicator(
            context,
            key,
            node,
            indicator,
            kind="project",
            bands=[indicator.target] if indicator.target is not None else [],
            value=(indicator.raw_value or indicator.value) if indicator.value else "",
            basis=indicator.basis,
            level1=indicator.level1,
            level2=indicator.level2,
            actual=indicator.actual,
            weight=indicator.weight,
            score=indicator.score,
            deviation=indicator.deviation,
            comparator=indicator.comparator,
            actual_band=indicator.actual_band,
        )


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
