"""Render an :class:`~kg.audit.engine.AuditResult` as an offline HTML report, JSON, CSV or
Markdown. All document text is untrusted: HTML goes through jinja2 autoescaping."""

from __future__ import annotations

import io
import json
from collections import defaultdict
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path, PurePath
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from kg.audit.charts import SEVERITY_COLOURS, share_bar, stacked_bars
from kg.audit.config import ANCHOR
from kg.audit.engine import AuditResult
from kg.audit.registry import GROUPS, SEVERITY_RANK, Finding
from kg.errors import KgError
from kg.output import SafeCsvWriter, md_text, open_output, visible, write_all

FORMATS = ("html", "json", "csv", "md")
FILENAMES = {fmt: f"audit.{fmt}" for fmt in FORMATS}


def _number(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def finding_to_dict(finding: Finding) -> dict[str, Any]:
    """The JSON shape of one finding (documented in docs/audit.md)."""
    return {
        "id": finding.id,
        "rule": finding.rule,
        "severity": finding.severity,
        "message": finding.message,
        "message_zh": finding.message_zh,
        "message_en": finding.message_en,
        "budget": _number(finding.budget),
        "department": finding.department,
        "file": finding.file,
        "finding_type": finding.finding_type,
        "nodes": list(finding.nodes),
        "evidence": [{"file": e.file, "line": e.line, "text": e.text} for e in finding.evidence],
        "data": finding.data,
    }


def result_to_dict(result: AuditResult) -> dict[str, Any]:
    return {
        "findings": [finding_to_dict(f) for f in result.findings],
        "summary": {
            "dismissed_hidden": result.dismissed,
            "unread_documents": sorted(
                {f.source_file for f in result.findings if f.rule == "template.unread_document"}
            ),
            "by_severity": dict(result.by_severity()),
            "by_rule": dict(result.by_rule()),
            "documents": [
                {
                    "doc_id": s.doc_id,
                    "file": s.file,
                    "department": s.department,
                    "year": s.year,
                    "indicators": s.indicators,
                    "budget": float(s.budget),
                    "findings": dict(s.findings),
                    "defective_indicators": s.defective_indicators,
                    "template_indicators": s.template_indicators,
                    "defective_budget": float(s.defective_budget),
                    "template_budget": float(s.template_budget),
                }
                for s in result.documents
            ],
        },
        "rules": [
            {
                "id": r.id,
                "severity": result.config.severities.get(r.id, r.severity),
                "title_zh": r.title_zh,
                "title_en": r.title_en,
                "description": r.description,
                "finding_type": r.finding_type,
                "params": {**r.params, **result.config.params.get(r.id, {})},
            }
            for r in result.rules
        ],
    }


def to_json(result: AuditResult) -> str:
    """Strict JSON (RFC 8259): a NaN or infinity is an error, never ``NaN`` in the file."""
    try:
        return json.dumps(
            result_to_dict(result), ensure_ascii=False, indent=2, default=str, allow_nan=False
        )
    except ValueError as exc:
        raise KgError(f"cannot write the JSON report: {exc}") from None


CSV_COLUMNS = (
    "finding_id",
    "rule",
    "severity",
    "department",
    "budget_wan_yuan",
    "message_zh",
    "message_en",
    "file",
    "line",
    "text",
)


def to_csv(result: AuditResult) -> str:
    """One row per evidence entry (a finding with three affected rows gives three lines)."""
    buffer = io.StringIO()
    writer = SafeCsvWriter(buffer, lineterminator="\n")  # no cell runs as a spreadsheet formula
    writer.writerow(CSV_COLUMNS)
    for f in result.findings:
        for e in f.evidence or [None]:
            writer.writerow(
                [
                    f.id,
                    f.rule,
                    f.severity,
                    f.department,
                    "" if f.budget is None else str(f.budget),
                    f.message_zh,
                    f.message_en,
                    e.file if e else f.file,
                    e.line if e else "",
                    e.text if e else "",
                ]
            )
    return buffer.getvalue()


def to_markdown(result: AuditResult) -> str:
    """The report as Markdown; document text is escaped (:func:`kg.output.md_text`): no HTML,
    no links, no code spans, nothing that leaves its table cell or list item."""
    lines = ["# 审计报告 / Audit report", ""]
    lines += ["| department | indicators | budget (万元) | error | warning | info |"]
    lines += ["|---|---:|---:|---:|---:|---:|"]
    for s in result.documents:
        lines.append(
            f"| {md_text(s.department)} | {s.indicators} | {s.budget} | "
            f"{s.findings['error']} | {s.findings['warning']} | {s.findings['info']} |"
        )
    lines += ["", "| rule | findings |", "|---|---:|"]
    lines += [f"| {md_text(rule)} | {count} |" for rule, count in sorted(result.by_rule().items())]
    for s in result.documents:
        lines += ["", f"## {md_text(s.department)} ({md_text(s.file)})", ""]
        for f in (f for f in result.findings if f.doc_id == s.doc_id):
            budget = f" — {f.budget} 万元" if f.budget else ""
            lines.append(f"- **{f.severity}** {md_text(f.rule)} {md_text(f.message)}{budget}")
            for e in f.evidence[:5]:
                lines.append(f"  - {md_text(e.file)}:{e.line} {md_text(e.text)}")
            if len(f.evidence) > 5:
                lines.append(f"  - … {len(f.evidence) - 5} more")
    shared = [f for f in result.findings if f.doc_id not in {s.doc_id for s in result.documents}]
    if shared:
        lines += ["", "## 跨文件 / Across documents", ""]
        for f in shared:
            lines.append(f"- **{f.severity}** {md_text(f.rule)} {md_text(f.message)}")
    return "\n".join(lines) + "\n"


def _visible(value: Any) -> Any:
    """Every printed string shows its hidden characters as ``<U+202E>`` marks (then escaped);
    markup the template builds itself (charts) passes unchanged."""
    return visible(value) if isinstance(value, str) and not isinstance(value, Markup) else value


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("kg.audit", "templates"),
        autoescape=select_autoescape(["html", "j2"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_visible,
    )
    env.filters["money"] = lambda v: "" if v is None else f"{v:,.2f}"
    env.filters["pct"] = lambda v: f"{v:.0%}"
    env.filters["basename"] = lambda path: PurePath(str(path)).name
    return env


def view_href(template: str, node_id: str) -> str:
    """Link to a node in the graph views; ``template`` has an ``{anchor}`` slot.

    The slot is replaced as plain text, never by ``str.format``: a configuration file is not
    allowed to read Python objects (``{anchor.__class__}``) into the report.
    """
    return template.replace(ANCHOR, quote(node_id, safe=""))


def _by_rule(findings: list[Finding]) -> list[tuple[str, list[Finding]]]:
    """Findings of one family, one block per rule (worst severity first), lines in order."""
    rules: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        rules[finding.rule].append(finding)
    return sorted(
        rules.items(),
        key=lambda item: (-max(SEVERITY_RANK[f.severity] for f in item[1]), item[0]),
    )


def to_html(result: AuditResult, title: str = "pikg 审计报告 / Audit report") -> str:
    rules = {r.id: r for r in result.rules}
    by_rule_severity: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for f in result.findings:
        by_rule_severity[f.rule][f.severity] += 1
    rule_rows = sorted(
        by_rule_severity.items(),
        key=lambda item: (-max(SEVERITY_RANK[s] for s in item[1]), -sum(item[1].values())),
    )
    chart = stacked_bars(
        [(rules[r].title_zh if r in rules else r, dict(p)) for r, p in rule_rows],
        title="findings by rule",
    )
    known = {s.doc_id for s in result.documents}
    sections = []
    for s in result.documents:
        groups: dict[str, list[Finding]] = defaultdict(list)
        for f in result.findings:
            if f.doc_id == s.doc_id:
                groups[f.rule.split(".", 1)[0]].append(f)
        sections.append(
            (s, [(g, GROUPS.get(g, (g, g)), _by_rule(groups[g])) for g in GROUPS if g in groups])
        )
    shared = [f for f in result.findings if f.doc_id not in known]
    # Cross-document findings are listed once, and each department section links to its own.
    shared_of = {
        s.doc_id: [f for f in shared if s.doc_id in f.data.get("documents", [])]
        for s in result.documents
    }
    # Back-links from the views (``audit.html#node=<IRI>``): anchor each node at its first finding.
    anchors: dict[str, list[str]] = defaultdict(list)
    seen: set[str] = set()
    for f in result.findings:
        for node in f.nodes:
            if node not in seen:
                seen.add(node)
                anchors[f.id].append(f"node={node}")
    return (
        _environment()
        .get_template("report.html.j2")
        .render(
            title=title,
            generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            result=result,
            rules=rules,
            severities=result.by_severity(),
            colours=SEVERITY_COLOURS,
            chart=chart,
            share_bar=share_bar,
            top=result.top_by_budget(10),
            unread=[f for f in result.findings if f.rule == "template.unread_document"],
            sections=sections,
            shared=shared,
            shared_of=shared_of,
            anchors=anchors,
            view_href=lambda node: view_href(result.config.view_link, node),
            total_indicators=sum(s.indicators for s in result.documents),
            total_budget=sum((s.budget for s in result.documents), Decimal(0)),
        )
    )


def render(result: AuditResult, fmt: str, out: str | Path) -> Path:
    """Write the report in ``fmt`` (html, json, csv, md) into directory ``out``; return the file."""
    if fmt not in FORMATS:
        raise KgError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    out = Path(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise KgError(f"cannot create the output directory: {exc.strerror}", str(out)) from None
    text = {"html": to_html, "json": to_json, "csv": to_csv, "md": to_markdown}[fmt](result)
    path = out / FILENAMES[fmt]
    # CSV gets a BOM so that spreadsheet programs read the Chinese text as UTF-8.
    data = text.encode("utf-8-sig" if fmt == "csv" else "utf-8")
    with open_output(path) as (stream, name):
        write_all(stream, data, name)
    return path
