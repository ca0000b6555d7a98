"""The rule registry: every audit rule is registered here once, with its metadata.

A rule is a small pure function ``(context, params) -> iterable of Finding``. The decorator
records its id, default severity, bilingual title, description, default parameters and the
finding type (a notation in the ontology's ``ftype:`` scheme), spaCy-registry style:

>>> from kg.audit.registry import RULES
>>> RULES["ladder.non_monotonic"].severity
'error'
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from kg.model import SEVERITIES
from kg.records.context import AuditContext, Evidence

SEVERITY_RANK = {name: rank for rank, name in enumerate(reversed(SEVERITIES))}
"""info < warning < error, for ``--fail-on`` and sorting."""

GROUPS = {
    "ladder": ("评价标准缺陷", "Defective grading ladders"),
    "indicator": ("指标缺陷", "Defective indicators"),
    "structure": ("结构与资金", "Structure and money"),
    "copies": ("复制与模板", "Copies and templates"),
    "template": ("国家模板表格", "National templates"),
    "custom": ("自定义规则", "Custom rules"),
}


@dataclass
class Finding:
    """One audit result: what is wrong, how bad, where, and the money it touches."""

    rule: str
    severity: str
    message_zh: str
    message_en: str
    doc_id: str = ""
    file: str = ""
    department: str = ""
    nodes: list[str] = field(default_factory=list)  # affected indicator / activity ids (IRIs)
    budget: Decimal | None = None  # 万元 at stake
    evidence: list[Evidence] = field(default_factory=list)
    finding_type: str = ""
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        """Deterministic id: the same finding on the same rows keeps its id across runs."""
        key = "|".join([self.rule, self.doc_id, *sorted(self.nodes), self.message_en])
        return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]

    @property
    def message(self) -> str:
        return f"{self.message_zh} / {self.message_en}"

    @property
    def line(self) -> int:
        return self.evidence[0].line if self.evidence else 0

    @property
    def source_file(self) -> str:
        """The finding's own file, or its first evidence's file for a finding across documents."""
        return self.file or (self.evidence[0].file if self.evidence else "")


RuleFunc = Callable[[AuditContext, dict[str, Any]], Iterable[Finding]]


@dataclass
class Rule:
    id: str
    func: RuleFunc
    severity: str
    group: str
    title_zh: str
    title_en: str
    description: str
    finding_type: str
    params: dict[str, Any] = field(default_factory=dict)

    def run(
        self,
        context: AuditContext,
        params: dict[str, Any] | None = None,
        severity: str | None = None,
    ) -> list[Finding]:
        """Run the rule; fill in what every finding shares (rule id, severity, type, file)."""
        merged = {**self.params, **(params or {})}
        findings = []
        for finding in self.func(context, merged):
            finding.rule = self.id
            finding.severity = severity or finding.severity or self.severity
            finding.finding_type = finding.finding_type or self.finding_type
            if finding.doc_id and finding.doc_id in context.doc_by_id:
                document = context.doc_by_id[finding.doc_id]
                finding.file = finding.file or document.file
                finding.department = finding.department or document.department
            findings.append(finding)
        return findings


RULES: dict[str, Rule] = {}


def rule(
    rule_id: str,
    *,
    severity: str,
    title_zh: str,
    title_en: str,
    finding_type: str,
    params: dict[str, Any] | None = None,
) -> Callable[[RuleFunc], RuleFunc]:
    """Register a rule function under ``rule_id`` (``<group>.<name>``); its docstring describes it."""
    if severity not in SEVERITIES:
        raise ValueError(f"unknown severity {severity!r} for rule {rule_id}")

    def register(func: RuleFunc) -> RuleFunc:
        if rule_id in RULES:
            raise ValueError(f"rule {rule_id} is registered twice")
        group = rule_id.split(".", 1)[0]
        RULES[rule_id] = Rule(
            id=rule_id,
            func=func,
            severity=severity,
            group=group,
            title_zh=title_zh,
            title_en=title_en,
            description=" ".join((func.__doc__ or "").split()),
            finding_type=finding_type,
            params=dict(params or {}),
        )
        return func

    return register


def new_finding(
    message_zh: str,
    message_en: str,
    *,
    doc_id: str,
    nodes: list[str],
    evidence: list[Evidence],
    budget: Decimal | None = None,
    severity: str = "",
    data: dict[str, Any] | None = None,
) -> Finding:
    """Build a finding inside a rule; :meth:`Rule.run` fills rule id, severity and type."""
    return Finding(
        rule="",
        severity=severity,
        message_zh=message_zh,
        message_en=message_en,
        doc_id=doc_id,
        nodes=nodes,
        budget=budget,
        evidence=evidence,
        data=dict(data or {}),
    )
