"""Run the registered rules over audit records and summarise what they found."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import kg.audit.rules  # noqa: F401  (registers the built-in rules)
from kg.audit.config import AuditConfig
from kg.audit.registry import RULES, SEVERITY_RANK, Finding, Rule
from kg.errors import KgError
from kg.records.context import AuditContext, AuditDocument


@dataclass
class DocumentSummary:
    """The numbers an auditor reads first, for one document (one issuing department)."""

    doc_id: str
    file: str
    department: str
    year: int | None
    indicators: int
    budget: Decimal
    findings: Counter = field(default_factory=Counter)  # severity -> count
    defective_indicators: int = 0
    template_indicators: int = 0
    defective_budget: Decimal = Decimal(0)
    template_budget: Decimal = Decimal(0)

    @property
    def defective_share(self) -> float:
        return self.defective_indicators / self.indicators if self.indicators else 0.0

    @property
    def template_share(self) -> float:
        return self.template_indicators / self.indicators if self.indicators else 0.0

    def money_share(self, amount: Decimal) -> float:
        return float(amount / self.budget) if self.budget else 0.0


@dataclass
class AuditResult:
    findings: list[Finding]
    rules: list[Rule]
    documents: list[DocumentSummary]
    config: AuditConfig = field(default_factory=AuditConfig)
    dismissed: int = 0  # findings a reviewer dismissed, left out (kg audit --show-dismissed)

    def by_rule(self) -> Counter:
        return Counter(finding.rule for finding in self.findings)

    def by_severity(self) -> Counter:
        return Counter(finding.severity for finding in self.findings)

    def count(self, rule_id: str, doc_id: str | None = None) -> int:
        return sum(
            1
            for finding in self.findings
            if finding.rule == rule_id and (doc_id is None or finding.doc_id == doc_id)
        )

    def at_or_above(self, severity: str) -> list[Finding]:
        floor = SEVERITY_RANK[severity]
        return [f for f in self.findings if SEVERITY_RANK[f.severity] >= floor]

    def top_by_budget(self, limit: int = 10) -> list[list[Finding]]:
        """The rows with the most money at stake, each with all its findings (worst first).

        Findings on the same first node (one indicator with a broken ladder *and* a copied
        template) are grouped, so the list names distinct places rather than one row ten times.
        """
        groups: dict[tuple[str, str], list[Finding]] = defaultdict(list)
        for finding in self.findings:
            if finding.budget:
                key = (finding.doc_id, finding.nodes[0] if finding.nodes else finding.id)
                groups[key].append(finding)
        ranked = sorted(
            groups.values(),
            key=lambda group: (
                -max(f.budget for f in group),
                -max(SEVERITY_RANK[f.severity] for f in group),
            ),
        )
        return [
            sorted(group, key=lambda f: (-SEVERITY_RANK[f.severity], f.rule))
            for group in ranked[:limit]
        ]


DEFECTIVE_GROUPS = ("ladder",)
"""Findings of these rule groups (at warning or error) make a ladder "defective"."""


def _sort_key(finding: Finding) -> tuple[Any, ...]:
    return (finding.file, finding.line, -SEVERITY_RANK[finding.severity], finding.rule)


def _summaries(context: AuditContext, findings: list[Finding]) -> list[DocumentSummary]:
    defective: dict[str, set[str]] = defaultdict(set)
    templated: dict[str, set[str]] = defaultdict(set)
    for finding in findings:
        group = finding.rule.split(".", 1)[0]
        if group in DEFECTIVE_GROUPS and finding.severity in ("error", "warning"):
            defective[finding.doc_id].update(finding.nodes)
        if finding.finding_type == "threshold-reuse":
            templated[finding.doc_id].update(finding.nodes)
    summaries = []
    for doc in context.documents:
        summaries.append(_summary(context, doc, findings, defective[doc.id], templated[doc.id]))
    return summaries


def _summary(
    context: AuditContext,
    doc: AuditDocument,
    findings: list[Finding],
    defective: set[str],
    templated: set[str],
) -> DocumentSummary:
    top = [n for n in context.nodes if n.doc_id == doc.id and n.parent_id is None]
    indicators = [i for i in context.indicators if i.doc_id == doc.id]
    defective &= {i.id for i in indicators}
    templated &= {i.id for i in indicators}
    return DocumentSummary(
        doc_id=doc.id,
        file=doc.file,
        department=doc.department,
        year=doc.year,
        indicators=len(indicators),
        budget=sum((n.budget for n in top if n.budget is not None), Decimal(0)),
        findings=Counter(f.severity for f in findings if f.doc_id == doc.id),
        defective_indicators=len(defective),
        template_indicators=len(templated),
        defective_budget=context.graded_money(context.indicator_by_id[i] for i in defective)
        or Decimal(0),
        template_budget=context.graded_money(context.indicator_by_id[i] for i in templated)
        or Decimal(0),
    )


def audit_context(
    context: AuditContext,
    config: AuditConfig | None = None,
    extra_rules: list[Rule] | None = None,
) -> AuditResult:
    """Run every enabled rule (built-in and ``extra_rules``) and summarise per document."""
    config = config or AuditConfig()
    rules = [r for r in RULES.values() if r.id not in config.disabled] + list(extra_rules or [])
    findings: list[Finding] = []
    for current in rules:
        found = current.run(
            context,
            config.params.get(current.id),
            config.severities.get(current.id),
        )
        for finding in found:
            if finding.budget is not None and not finding.budget.is_finite():
                # Reports are strict JSON: refuse here, where the rule can still be named.
                raise KgError(f"rule {current.id} gave a non-finite budget {finding.budget}")
        findings.extend(found)
    findings.sort(key=_sort_key)
    return AuditResult(findings, rules, _summaries(context, findings), config)
