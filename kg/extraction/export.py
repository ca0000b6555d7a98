"""Flat views of a document: one row per indicator, for CSV and spreadsheets."""

from __future__ import annotations

import bisect
import csv
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import TextIO

from kg.model import (
    GRADES,
    TEMPLATE_COLUMNS,
    Activity,
    Department,
    Document,
    Indicator,
    ProjectIndicator,
)

CSV_COLUMNS: tuple[str, ...] = (
    "file",
    "line",
    "end_line",
    "kind",
    "department",
    "activity",
    "sub_activity",
    "name",
    *GRADES,
    "budget",
    "level1",
    "level2",
    "description",
    "value",
    "basis",
    "flags",
    "place",
    *TEMPLATE_COLUMNS,
)


def _department_at(departments: list[Department], line: int) -> Department | None:
    """The department header printed last before ``line`` (tables start with their header)."""
    lines = [department.line for department in departments]
    index = bisect.bisect_right(lines, line) - 1
    if index >= 0:
        return departments[index]
    return departments[0] if departments else None


def _department_label(department: Department | None) -> str:
    if department is None:
        return ""
    return f"{department.code or ''}{department.name}"


def iter_indicator_rows(doc: Document) -> Iterator[dict[str, str | int]]:
    """Yield one flat dict per indicator (duty table) and per project indicator.

    Keys are :data:`CSV_COLUMNS`; ``budget`` is the budget of the node carrying the indicator.
    """
    departments = sorted(doc.departments, key=lambda d: d.line)
    for activity in doc.activities:
        nodes: list[tuple[Activity, Activity | None]] = [(activity, None)]
        nodes += [(activity, sub) for sub in activity.sub_activities]
        for parent, sub in nodes:
            node = sub or parent
            department = _department_at(departments, node.line)
            for indicator in node.indicators:
                yield _row(
                    doc,
                    indicator,
                    "duty",
                    department,
                    node.budget,
                    activity=parent.name or "",
                    sub_activity=sub.name or "" if sub else "",
                    **{grade: indicator.grades.get(grade, "") for grade in GRADES},
                )
    for project in doc.projects:
        department = _department_at(departments, project.line)
        for indicator in project.indicators:
            yield _row(
                doc,
                indicator,
                project.kind,
                department,
                project.budget,
                activity=project.name,
                level1=indicator.level1,
                level2=indicator.level2,
                description=indicator.description,
                value=indicator.value,
                basis=indicator.basis,
                place=indicator.place,
                **{column: getattr(indicator, column) for column in TEMPLATE_COLUMNS},
            )


def _row(
    doc: Document,
    indicator: Indicator | ProjectIndicator,
    kind: str,
    department: Department | None,
    budget: Decimal | None,
    **fields: str,
) -> dict[str, str | int]:
    """One row of :data:`CSV_COLUMNS`: what every indicator has, then ``fields``; "" elsewhere."""
    row: dict[str, str | int] = dict.fromkeys(CSV_COLUMNS, "")
    row.update(
        file=doc.source.path,
        line=indicator.line,
        end_line=indicator.end_line,
        kind=kind,
        department=_department_label(department),
        name=indicator.name,
        budget="" if budget is None else str(budget),
        flags=";".join(indicator.flags),
        **fields,
    )
    return row


def write_csv(docs: Iterable[Document], stream: TextIO, header: bool = True) -> int:
    """Write indicator rows of ``docs`` as CSV to ``stream``; return the number of rows.

    Open the stream with ``encoding="utf-8-sig"`` (or write ``"\\ufeff"`` first) so Excel
    reads the Chinese text correctly.
    """
    writer = csv.DictWriter(stream, fieldnames=CSV_COLUMNS, lineterminator="\n")
    if header:
        writer.writeheader()
    count = 0
    for doc in docs:
        for row in iter_indicator_rows(doc):
            writer.writerow(row)
            count += 1
    return count
