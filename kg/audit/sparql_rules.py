"""Users' own rules as SPARQL files.

A ``.rq`` file holds one SELECT query over the store (pikg prefixes pre-declared). Each result
row becomes a finding: ``?node`` (the affected indicator or activity) and ``?message`` are
required; ``?severity``, ``?file``, ``?line``, ``?text`` and ``?budget`` are optional. Comment
lines at the top set the rule's metadata::

    # title: 指标值确定依据为空 / Target value without a stated basis
    # severity: warning
    # finding-type: parse-anomaly
    SELECT ?node ?message WHERE { ... }

Without a ``finding-type`` line the findings are of type ``custom`` (``pig:audit/custom``).
"""

from __future__ import annotations

import io
import pickle
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from kg.audit.registry import Finding, Rule, new_finding
from kg.errors import KgError
from kg.graph.namespace import FTYPE
from kg.graph.queries import read_rq, rq_header
from kg.graph.sparql_guard import check_depth, check_service
from kg.model import SEVERITIES
from kg.records.context import AuditContext, Evidence

CUSTOM_FINDING_TYPE = "custom"
DEFAULT_RULE_TIMEOUT = 60.0
"""Seconds one custom rule may run (``[audit] rule_timeout`` in the config; 0 = no limit)."""
"""The finding type of a rule that declares none: its findings are stored like the others."""

_RULE_KEYS = ("title", "severity", "finding-type")


def _header(path: Path, text: str) -> dict[str, str]:
    """The rule's metadata from its header (:func:`kg.graph.queries.rq_header`), checked."""
    meta = {}
    for number, key, value in rq_header(text):
        if key not in _RULE_KEYS or not value:
            continue
        meta[key] = value
        if key == "severity" and value not in SEVERITIES:
            raise KgError(f"severity must be one of {', '.join(SEVERITIES)}", str(path), number)
        if key == "finding-type" and FTYPE.by_notation(value) is None:
            raise KgError(
                f"unknown finding type {value!r} (see ontology/vocab/findings.ttl)",
                str(path),
                number,
            )
    return meta


def _select_with_limit(store, text: str, timeout_s: float | None) -> list[dict[str, Any]]:
    """``store.select(text)`` in a child process that is killed past ``timeout_s``: a slow
    rule must not hang the audit (pyoxigraph cannot be interrupted in-process)."""
    from kg.children import run_in_child

    def work(stream) -> None:
        pickle.dump(store.select(text), stream)

    out = io.BytesIO()
    run_in_child(work, out, timeout_s)
    return pickle.loads(out.getvalue())  # our own child's output, never outside data


def _row_evidence(row: dict[str, Any], record, context: AuditContext, path: Path) -> list[Evidence]:
    """The row's own ``?file ?line ?text``, else the evidence of the record it names."""
    if row.get("file") is not None:
        try:
            line = int(row.get("line") or 0)
        except (TypeError, ValueError):
            raise KgError(f"?line must be an integer, got {row['line']!r}", str(path)) from None
        return [Evidence(str(row["file"]), line, str(row.get("text") or ""))]
    return [context.evidence(record)] if record is not None else []


def _row_budget(row: dict[str, Any], path: Path) -> Decimal | None:
    try:
        budget = Decimal(str(row["budget"])) if row.get("budget") is not None else None
    except InvalidOperation:
        budget = Decimal("NaN")
    if budget is not None and not budget.is_finite():
        raise KgError(f"?budget must be a finite number, got {row['budget']!r}", str(path))
    return budget


def _row_finding(row: dict[str, Any], context: AuditContext, path: Path) -> Finding:
    """One result row of a user rule as a finding; a malformed row is one line naming the file."""
    if row.get("node") is None or row.get("message") is None:
        raise KgError("every result row needs ?node and ?message", str(path))
    node = str(row["node"])
    record = context.indicator_by_id.get(node) or context.node_by_id.get(node)
    evidence = _row_evidence(row, record, context, path)
    budget = _row_budget(row, path)
    severity = str(row.get("severity") or "")
    if severity and severity not in SEVERITIES:
        raise KgError(f"?severity must be one of {', '.join(SEVERITIES)}", str(path))
    message = str(row["message"])
    return new_finding(
        message,
        message,
        doc_id=record.doc_id if record is not None else "",
        nodes=[node],
        evidence=evidence,
        budget=budget,
        severity=severity,
    )


def sparql_rule(
    path: str | Path,
    store,
    allow_service: Iterable[str] = (),
    timeout_s: float | None = DEFAULT_RULE_TIMEOUT,
) -> Rule:
    """Load one ``.rq`` file as a rule that runs against ``store`` (:class:`kg.graph.store.Store`).

    A ``SERVICE`` clause is refused unless its host is in ``allow_service``: a shared rule
    file must not make the audit send requests to other hosts. A rule that runs longer than
    ``timeout_s`` seconds is stopped with one line naming its file.
    """
    path = Path(path)
    text = read_rq(path, "SPARQL rule file")
    meta = _header(path, text)
    try:
        check_service(text, allow_service)
        check_depth(text)
    except KgError as exc:
        raise KgError(exc.message, str(path)) from None
    if not re.search(r"\bSELECT\b", text, re.IGNORECASE):
        raise KgError("a SPARQL rule must be a SELECT query returning ?node ?message", str(path))
    title = meta.get("title", path.stem)

    def check(context: AuditContext, params: dict[str, Any]) -> Iterator[Finding]:
        try:
            rows = _select_with_limit(store, text, timeout_s)
        except TimeoutError:
            raise KgError(
                f"rule stopped after the time limit of {timeout_s:g} s", str(path)
            ) from None
        except KgError as exc:
            raise KgError(exc.message, str(path)) from None
        for row in rows:
            yield _row_finding(row, context, path)

    return Rule(
        id=f"custom.{path.stem}",
        func=check,
        severity=meta.get("severity", "warning"),
        group="custom",
        title_zh=title,
        title_en=title,
        description=f"SPARQL rule from {path.name}",
        finding_type=meta.get("finding-type", CUSTOM_FINDING_TYPE),
    )
