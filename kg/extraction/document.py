"""Rows → :class:`kg.model.Document`: title, issuer, year, stated totals, and every table."""

from __future__ import annotations

import re
from dataclasses import fields, is_dataclass
from decimal import Decimal
from functools import cache

from kg.extraction.duty import DutyBuilder
from kg.extraction.projects import ProjectBuilder
from kg.extraction.tables import DUTY_HEADER_LABELS, Table, compact, segment
from kg.extraction.templates import (
    TemplateReader,
    grid_words,
    is_furniture,
    is_layout_word,
    is_unit_name,
    layout_labels,
)
from kg.model import Diagnostic, Document, OtherTable, SourceRef, StatedTotal
from kg.readers import Cell, Paragraph, ReadResult, Row
from kg.textnorm import clean_cell, fold, hidden_characters

_YEAR = re.compile(r"(?P<year>(?:19|20)\d\d)\s*年")
_ISSUER_TAIL = re.compile(r"(?:部门|单位)$")
_STATED = re.compile(
    r"(?P<label>项目支出)(?:预算)?(?:为|共|合计)?\s*(?P<amount>\d+(?:\.\d+)?)\s*万元"
)
_TITLE_SCAN = 6  # the title block sits in the first few paragraphs


def read_title(paragraphs: list[Paragraph]) -> tuple[str, str, int | None]:
    """``(title, issuer, year)`` from the opening paragraphs.

    The title may be split over lines (``青龙满族自治县`` / ``人民政府办公室2018年…``); the
    issuer is what precedes the year.
    """
    parts: list[str] = []
    for paragraph in [p for p in paragraphs if not is_furniture(clean_cell(p.raw))][:_TITLE_SCAN]:
        text = clean_cell(paragraph.raw)
        if not text:
            continue
        parts.append(text)
        match = _YEAR.search(fold(text))
        if match:
            title = "".join(parts)
            folded = fold(title)
            year_match = _YEAR.search(folded)
            issuer = title[: year_match.start()].strip() if year_match else ""
            issuer = _ISSUER_TAIL.sub("", issuer).strip()
            return title, issuer if is_unit_name(issuer) else "", int(match["year"])
        if len(text) > 60:
            break
    return (parts[0] if parts else ""), "", None


def stated_totals(paragraphs: list[Paragraph]) -> list[StatedTotal]:
    """The first 项目支出 figure stated in the running text (the audit's additivity check)."""
    for paragraph in paragraphs:
        match = _STATED.search(fold(paragraph.raw))
        if match:
            return [
                StatedTotal(
                    label=match["label"],
                    amount=Decimal(match["amount"]),
                    line=paragraph.line,
                    raw=paragraph.raw,
                )
            ]
    return []


STRUCTURAL_LABELS = frozenset(
    {
        *DUTY_HEADER_LABELS,
        "项目编码",
        "项目名称",
        "预算规模及资金用途",
        "预算数",
        "其中:财政资金",
        "其中：财政资金",
        "财政资金",
        "其他资金",
        "资金支出计划(%)",
        "资金支出计划（%）",
        "一级指标",
        "二级指标",
        "三级指标",
        "绩效指标描述",
        "指标值",
        "指标值确定依据",
        *layout_labels(),
    }
)
"""Header and label cells whose content is the structure itself, not data."""


def _model_strings(value, out: set[str]) -> set[str]:
    """Every string (and Decimal as printed) held anywhere in the model, lines split too."""
    if isinstance(value, str):
        if value:
            out.add(value)
            out.add(clean_cell(value))
            out.update(value.split("\n"))
    elif isinstance(value, Decimal):
        out.add(str(value))
    elif isinstance(value, dict):
        for key, item in value.items():
            _model_strings(key, out)
            _model_strings(item, out)
    elif isinstance(value, list | tuple):
        for item in value:
            _model_strings(item, out)
    else:
        for name in _field_names(type(value)):
            _model_strings(getattr(value, name), out)
    return out


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    """The field names of a model dataclass (none for other types), looked up once per type."""
    return tuple(f.name for f in fields(cls)) if is_dataclass(cls) else ()


def _unplaced_cells(tables: list[Table], document: Document) -> list[Diagnostic]:
    """Cells that ended up nowhere in the model: report them instead of losing them."""
    covered = _model_strings(document, set())
    found: list[Diagnostic] = []
    for table in tables:
        for row in table.rows:
            for cell in row:
                text = clean_cell(cell.raw)
                if not text or text in covered or compact(text) in STRUCTURAL_LABELS:
                    continue
                if is_layout_word(text):
                    continue
                if all(piece in covered for piece in text.split("\n") if piece):
                    continue
                found.append(
                    Diagnostic(
                        cell.line,
                        "warning",
                        "cell not placed in the model (kept in raw)",
                        "unplaced_cell",
                        cell.raw,
                        cell.place,
                    )
                )
    return found


def _other_table(table: Table) -> OtherTable:
    return OtherTable(
        kind=table.kind or "unknown",
        line=table.line,
        end_line=table.end_line,
        title=table.title,
        rows=[[clean_cell(cell.raw) for cell in row] for row in table.rows],
    )


def _is_hebei_project(table: Table) -> bool:
    """The seeds' project form (项目编码 row, six-column grid with 绩效指标描述/确定依据)."""
    for row in table.rows:
        keys = {compact(clean_cell(cell.raw)) for cell in row}
        if "一级指标" in keys and keys & {"绩效指标描述", "指标值确定依据"}:
            return True
    return False


def _unread(result: ReadResult, document: Document, templates: TemplateReader) -> list[Diagnostic]:
    """Error diagnostics for performance tables that yielded no indicator (layouts.md §4).

    A table found without an indicator row, or a document whose rows carry indicator-grid
    column names although nothing was read, must never look like a clean document.
    """
    found: list[Diagnostic] = []
    for project in templates.projects:
        if not project.indicators and not project.tasks:
            found.append(
                Diagnostic(
                    project.line,
                    "error",
                    f"performance table {project.title or project.name or ''} yielded no "
                    "indicator (unread: check its header row against the layout words)".replace(
                        "  ", " "
                    ),
                    "unread",
                    place=project.place,
                )
            )
    has_indicators = any(True for _ in document.iter_indicators()) or any(
        p.indicators for p in document.projects
    )
    if not has_indicators and not found:
        # a grid in rows, or a header line of a table the reader could not see (an unruled PDF)
        hits = [row for row in result.rows if grid_words(row.cells) >= 2] or [
            Row([Cell(p.raw, p.line, p.end_line, place=p.place)], p.line, p.end_line, place=p.place)
            for p in result.paragraphs
            if grid_words([Cell(word, p.line, p.line) for word in p.raw.split()]) >= 3
        ]
        if hits:
            first = hits[0]
            found.append(
                Diagnostic(
                    first.line,
                    "error",
                    "the document holds performance-table words in a grid but no indicator "
                    "was read (unread document)",
                    "unread",
                    " | ".join(clean_cell(c.raw) for c in first.cells),
                    first.place,
                )
            )
    return found


def _hidden_characters(result: ReadResult) -> list[Diagnostic]:
    """A warning on every cell holding invisible or bidi-control characters (issue 19.7).

    Matching ignores them (:func:`kg.textnorm.fold`), but in a published indicator they are
    suspicious: a zero-width space hides a copy, a right-to-left override reverses the text.
    """
    found = []
    for block in result.blocks:
        for cell in getattr(block, "cells", [block]):
            if hidden := hidden_characters(cell.raw):
                message = f"hidden characters {', '.join(hidden)} in the text"
                found.append(
                    Diagnostic(
                        cell.line, "warning", message, "hidden_characters", cell.raw, cell.place
                    )
                )
    return found


def _take_templates(document: Document, templates: TemplateReader) -> None:
    """The national-template tables' projects and departments into the document, with the
    issuer, title and year they print when the text around them gave none."""
    document.projects.extend(templates.projects)
    for department in templates.departments:
        if not any(d.name == department.name for d in document.departments):
            document.departments.append(department)
    if templates.projects and not document.issuer:
        document.issuer = next((d.name for d in templates.departments), "")
    if not document.title and templates.projects:
        document.title = templates.projects[0].title
        year = _YEAR.search(fold(document.title))
        document.year = document.year or (int(year["year"]) if year else None)


def build_document(result: ReadResult) -> Document:
    """Extract the typed model from a reader result."""
    segmented = segment(result)
    paragraphs = [item for item in segmented.items if isinstance(item, Paragraph)]
    title, issuer, year = read_title(paragraphs)
    document = Document(
        source=SourceRef(path=result.path, sha256=result.sha256, format=result.format),
        title=title,
        issuer=issuer,
        year=year,
        departments=segmented.departments,
        stated_totals=stated_totals(paragraphs),
    )
    diagnostics: list[Diagnostic] = [
        Diagnostic(line, "warning", message, "reader") for line, message in result.warnings
    ]
    diagnostics.extend(segmented.diagnostics)
    diagnostics.extend(_hidden_characters(result))
    duty = DutyBuilder(document.activities, diagnostics)
    projects = ProjectBuilder(document.projects, diagnostics)
    templates = TemplateReader(diagnostics)
    others: list[Table] = []
    for item in segmented.items:
        if isinstance(item, Paragraph):
            templates.paragraph(item)
        elif item.kind == "duty":
            duty.add_table(item)
        elif item.kind == "project" and _is_hebei_project(item):
            projects.add_table(item)
        else:
            for cells in item.rows:
                templates.row(cells)
            others.append(item)
    templates.finish()
    _take_templates(document, templates)
    for item in others:
        if any(c.line in templates.claimed_lines for row in item.rows for c in row):
            continue
        document.tables.append(_other_table(item))
        if item.kind == "unknown" and any(any(c.raw.strip() for c in r) for r in item.rows):
            diagnostics.append(
                Diagnostic(item.line, "info", "table of unknown kind kept as rows", "table")
            )
    tables = [item for item in segmented.items if isinstance(item, Table)]
    diagnostics.extend(_unplaced_cells(tables, document))
    diagnostics.extend(_unread(result, document, templates))
    if not result.blocks:
        diagnostics.append(Diagnostic(1, "error", "no text found in the document", "empty"))
    elif not (document.activities or document.projects or document.tables):
        diagnostics.append(Diagnostic(1, "warning", "no table found in the document", "no_tables"))
    document.diagnostics = sorted(diagnostics, key=lambda d: d.line)
    return document
