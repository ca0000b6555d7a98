"""Indicator records: the plain input of the detector, and their JSON Lines / CSV formats.

A record is one indicator occurrence as printed, with where it sits (department, duty
activity, sub-activity instance, position) and, when known, where it came from (file:line).
Analysts export such lists from spreadsheets and budget systems, so the reader names the file
and line of any bad record.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from kg.errors import KgError
from kg.model import GRADES, Document
from kg.records.context import AuditContext, AuditDocument
from kg.records.from_model import context_from_documents

FIELDS: tuple[str, ...] = (
    "id",
    "department",
    "activity",
    "sub_activity",
    "sub_id",
    "pos",
    "content",
    "text",
    "grades",
)
"""The record fields of the ``--input`` format (CSV has four grade columns 优/良/中/差)."""

CSV_FIELDS: tuple[str, ...] = (*FIELDS[:-1], *GRADES)


@dataclass(frozen=True, slots=True)
class IndicatorRecord:
    """One indicator occurrence. ``text`` and ``grades`` are exactly as printed.

    Slotted: a million records take a quarter of the memory of plain dataclass instances."""

    id: str
    text: str
    grades: tuple[str, str, str, str]
    department: str = ""
    activity: str = ""
    sub_activity: str = ""
    sub_id: str = ""
    pos: int = 0
    content: str = ""
    source: str = ""  # file the record came from, when known
    line: int = 0  # 1-based line of the name cell, when known
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def where(self) -> str:
        """``file:line`` when the provenance is known, else the record id."""
        return f"{Path(self.source).name}:{self.line}" if self.source else self.id


def _record_from_mapping(row: Mapping[str, Any], path: str, line: int) -> IndicatorRecord:
    def text_field(name: str, required: bool = False) -> str:
        value = row.get(name)
        if value is None:
            if required:
                raise KgError(f"missing field {name!r}", path, line)
            return ""
        if isinstance(value, (dict, list)):
            raise KgError(
                f"field {name!r} must be a string, got {type(value).__name__}", path, line
            )
        return str(value)

    record_id = text_field("id", required=True)
    if not record_id:
        raise KgError("empty field 'id'", path, line)
    grades = row.get("grades")
    if grades is None and all(g in row for g in GRADES):
        grades = [row[g] for g in GRADES]
    if isinstance(grades, Mapping):
        grades = [grades.get(g, "") for g in GRADES]
    if not isinstance(grades, list) or len(grades) != 4:
        raise KgError("field 'grades' must be the four strings 优/良/中/差", path, line)
    pos_raw = row.get("pos", 0)
    try:
        pos = int(pos_raw) if pos_raw not in (None, "") else 0
    except (TypeError, ValueError):
        raise KgError(f"field 'pos' must be an integer, got {pos_raw!r}", path, line) from None
    line_raw = row.get("line", 0)
    try:
        src_line = int(line_raw) if line_raw not in (None, "") else 0
    except (TypeError, ValueError):
        raise KgError(f"field 'line' must be an integer, got {line_raw!r}", path, line) from None
    return IndicatorRecord(
        id=record_id,
        text=text_field("text", required=True),
        grades=tuple("" if g is None else str(g) for g in grades),  # type: ignore[arg-type]
        department=text_field("department"),
        activity=text_field("activity"),
        sub_activity=text_field("sub_activity"),
        sub_id=text_field("sub_id"),
        pos=pos,
        content=text_field("content"),
        source=text_field("source"),
        line=src_line,
    )


def _json_objects(handle: TextIO, path: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(line number, object)`` for every non-blank JSON Lines line; errors name the line."""
    for number, line in enumerate(handle, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise KgError(f"not valid JSON: {exc.msg}", path, number) from None
        except RecursionError:
            raise KgError("not valid JSON here: nested too deeply", path, number) from None
        except ValueError as exc:  # e.g. an integer of thousands of digits
            raise KgError(f"not valid JSON here: {exc}", path, number) from None
        if not isinstance(row, dict):
            raise KgError("each line must be a JSON object", path, number)
        yield number, row


def _read_jsonl(handle: TextIO, path: str) -> Iterator[IndicatorRecord]:
    for number, row in _json_objects(handle, path):
        yield _record_from_mapping(row, path, number)


def _read_csv(handle: TextIO, path: str) -> Iterator[IndicatorRecord]:
    reader = csv.DictReader(handle)
    header = reader.fieldnames or []
    missing = [name for name in ("id", "text", *GRADES) if name not in header]
    if missing:
        raise KgError(f"CSV header lacks the column(s) {', '.join(missing)}", path, 1)
    try:
        for row in reader:
            if None in row:
                raise KgError("more cells than header columns", path, reader.line_num)
            yield _record_from_mapping(row, path, reader.line_num)
    except csv.Error as exc:  # a cell over the field limit, a NUL byte …
        raise KgError(f"not valid CSV: {exc}", path, reader.line_num) from None


def read_records(path: str | Path) -> list[IndicatorRecord]:
    """Read indicator records from JSON Lines (``.jsonl``/``.json``) or CSV (``.csv``).

    Raises :class:`KgError` naming the file and line of the first bad record, and on
    duplicate ids (assignments are keyed by id).
    """
    path = Path(path)
    fmt = "csv" if path.suffix.lower() in (".csv", ".tsv") else "jsonl"
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = _read_csv if fmt == "csv" else _read_jsonl
            records = list(reader(handle, str(path)))
    except OSError as exc:
        raise KgError(f"cannot read: {exc.strerror}", str(path)) from exc
    except UnicodeDecodeError:
        raise KgError("not UTF-8 text", str(path)) from None
    seen: set[str] = set()
    for index, record in enumerate(records):
        if record.id in seen:
            raise KgError(f"duplicate id {record.id!r}", str(path), _line_of(path, fmt, index))
        seen.add(record.id)
    return records


def _line_of(path: Path, fmt: str, index: int) -> int | None:
    """Best-effort line of the index-th record (for error messages only)."""
    if fmt == "csv":
        return None
    count = -1
    with path.open(encoding="utf-8-sig") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                count += 1
                if count == index:
                    return number
    return None


def record_to_json(record: IndicatorRecord) -> dict[str, Any]:
    """The JSON Lines form of a record (the ``--input`` format)."""
    row: dict[str, Any] = {name: getattr(record, name) for name in FIELDS}
    row["grades"] = list(record.grades)
    if record.source:
        row["source"], row["line"] = record.source, record.line
    return row


def write_records(records: Iterable[IndicatorRecord], path: str | Path) -> None:
    """Write records as JSON Lines (or CSV when the name ends in ``.csv``)."""
    path = Path(path)
    with path.open("w", encoding="utf-8", newline="") as handle:
        if path.suffix.lower() == ".csv":
            writer = csv.writer(handle)
            writer.writerow(CSV_FIELDS)
            for record in records:
                row = record_to_json(record)
                writer.writerow([row[name] for name in FIELDS[:-1]] + list(record.grades))
        else:
            for record in records:
                handle.write(json.dumps(record_to_json(record), ensure_ascii=False) + "\n")


def write_assignments(assignments: Mapping[str, Any], path: str | Path, *, key: str = "id") -> None:
    """Write ``{"<key>": …, "cluster": …}`` lines in the order of ``assignments``; a full disk or
    a missing folder is one :class:`KgError` naming the file."""
    try:
        with Path(path).open("w", encoding="utf-8") as handle:
            for item, cluster in assignments.items():
                handle.write(json.dumps({key: item, "cluster": cluster}, ensure_ascii=False) + "\n")
    except OSError as exc:
        raise KgError(f"cannot write: {exc.strerror or exc}", str(path)) from None


def read_assignments(path: str | Path, *, key: str = "id") -> dict[str, Any]:
    """Read a prediction or label file of ``{"<key>": …, "cluster": …}`` lines."""
    path = Path(path)
    result: dict[str, Any] = {}
    try:
        with path.open(encoding="utf-8") as handle:
            for number, row in _json_objects(handle, str(path)):
                if key not in row or "cluster" not in row:
                    raise KgError(f"expected {{{key!r}: …, 'cluster': …}}", str(path), number)
                result[str(row[key])] = row["cluster"]
    except OSError as exc:
        raise KgError(f"cannot read: {exc.strerror}", str(path)) from exc
    return result


def records_from_context(
    context: AuditContext, *, name: Callable[[AuditDocument, int], str] | None = None
) -> list[IndicatorRecord]:
    """Every indicator of ``context`` as a detector record, in the context's order.

    The one place both paths make records (:func:`records_from_document`,
    :func:`kg.records.from_store.records_from_store`), so the audit and ``kg duplicates`` feed
    the detector the same thing. ``text`` and ``grades`` are as printed; the department is
    the header a row is printed under; ``activity`` is the top-level activity (or project),
    ``sub_activity`` the sub-activity's name ("" on an activity's own rows); ``pos`` counts
    from 0 in the node holding the list, which is the "sub-activity" instance ``sub_id``. A
    project indicator's ladder is its one target value. ``extra["ladder_issues"]`` holds
    each analysed ladder's issues (the detector's ``invalid_ladder`` flag). Ids are the
    context's, or ``name(document, line)`` of the row (records of files name ``stem:line``).
    """
    records: list[IndicatorRecord] = []
    position: dict[str, int] = defaultdict(int)
    for ind in context.indicators:
        node = context.node_of(ind)
        if node is None:
            continue
        doc = context.document_of(ind)
        top = node
        while top.parent_id and top.parent_id in context.node_by_id:
            top = context.node_by_id[top.parent_id]
        grades = (
            (ind.value, "", "", "")
            if ind.kind == "project"
            else tuple(ind.grades.get(grade, "") for grade in GRADES)
        )
        records.append(
            IndicatorRecord(
                id=name(doc, ind.line) if name else ind.id,
                text=ind.raw_name or ind.name,
                grades=grades,  # type: ignore[arg-type]
                department=node.department,
                activity=top.name,
                sub_activity=node.name if node.kind == "sub_activity" else "",
                sub_id=name(doc, node.line) if name else node.id,
                pos=position[node.id],
                content=node.content,
                source=doc.file,
                line=ind.line,
                extra=(
                    {"ladder_issues": sorted(ind.scheme.issues)} if ind.scheme is not None else {}
                ),
            )
        )
        position[node.id] += 1
    return records


def records_from_document(document: Document) -> list[IndicatorRecord]:
    """Indicator records of an extracted document (:func:`records_from_context` over its
    context), named ``<file stem>:<line>``; ``extra["ladder_issues"]`` is filled once the NLP
    stage has run (:func:`kg.nlp.analyze_document`)."""
    stem = Path(document.source.path).stem
    return records_from_context(
        context_from_documents([document]), name=lambda _doc, line: f"{stem}:{line}"
    )
