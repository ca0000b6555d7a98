"""Indicator records: the plain input of the detector, and their JSON Lines / CSV formats.

A record is one indicator occurrence as printed, with where it sits (department, duty
activity, sub-activity instance, position) and, when known, where it came from (file:line).
Analysts export such lists from spreadsheets and budget systems, so the reader names the file
and line of any bad record.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from kg.errors import KgError
from kg.model import GRADES, Document

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


def records_from_document(document: Document) -> list[IndicatorRecord]:
    """Indicator records of an extracted document, with file:line provenance.

    The department of an activity is the last department header printed before it (the
    issuer when there is none); the sub-activity instance id is ``<file stem>:<line>`` of the
    node that holds the indicator list. When the NLP stage has run
    (:func:`kg.nlp.analyze_document`), ``extra["ladder_issues"]`` holds each ladder's issues,
    which the detector turns into the ``invalid_ladder`` cluster flag. A project-table indicator
    is a record whose "ladder" is its one target value, its table standing for the
    sub-activity.
    """
    source = document.source.path
    stem = Path(source).stem
    headers = sorted(document.departments, key=lambda d: d.line)

    def department_at(line: int) -> str:
        name = document.issuer or document.title
        for header in headers:
            if header.line <= line:
                name = header.name
        return name

    records: list[IndicatorRecord] = []
    for activity in document.activities:
        for node in (activity, *activity.sub_activities):
            is_sub = node is not activity
            for pos, indicator in enumerate(node.indicators):
                records.append(
                    IndicatorRecord(
                        id=f"{stem}:{indicator.line}",
                        text=indicator.raw_name or indicator.name,
                        grades=tuple(  # type: ignore[arg-type]
                            indicator.raw_grades.get(g, indicator.grades.get(g, "")) for g in GRADES
                        ),
                        department=department_at(node.line),
                        activity=activity.name or "",
                        sub_activity=(node.name or "") if is_sub else "",
                        sub_id=f"{stem}:{node.line}",
                        pos=pos,
                        content=node.content,
                        source=source,
                        line=indicator.line,
                        extra=(
                            {"ladder_issues": sorted(indicator.scheme.issues)}
                            if indicator.scheme is not None
                            else {}
                        ),
                    )
                )
    for project in document.projects:
        for pos, target in enumerate(project.indicators):
            records.append(
                IndicatorRecord(
                    id=f"{stem}:{target.line}",
                    text=target.raw_name or target.name,
                    grades=(target.raw_value or target.value, "", "", ""),
                    department=department_at(project.line),
                    activity=project.name,
                    sub_id=f"{stem}:{project.line}",
                    pos=pos,
                    content=project.goal,
                    source=source,
                    line=target.line,
                )
            )
    return records
