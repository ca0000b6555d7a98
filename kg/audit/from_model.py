"""Audit records from extracted documents (:class:`kg.model.Document`), without a store.

The CLI path reads records from the store (:mod:`kg.audit.from_store`); this path serves the Python
API and tests on freshly extracted and analysed documents. Both produce the same records, so
rules never know where their input came from.
"""

from __future__ import annotations

from collections.abc import Iterable

from kg.audit.context import AuditContext, AuditDocument, AuditIndicator, AuditNode
from kg.model import Activity, Document, Project


def _doc_key(document: Document) -> str:
    return document.source.sha256[:16] if document.source.sha256 else document.source.path


def _add_activity(
    context: AuditContext, key: str, activity: Activity, parent: AuditNode | None
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
            grades=dict(indicator.grades),
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
        _add_activity(context, key, sub, node)


def _add_project(context: AuditContext, key: str, project: Project) -> None:
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
            value=indicator.value,
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
    """Build the audit records of extracted (and ideally NLP-analysed) documents."""
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
        for activity in document.activities:
            _add_activity(context, key, activity, None)
        for project in document.projects:
            _add_project(context, key, project)
    return context
