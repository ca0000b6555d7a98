"""Audit: registered rules over indicator, ladder, structure and money records; findings
with evidence, written to the store and rendered as an offline report. The records come from
:mod:`kg.records` (``context_from_documents``, ``load_context``)."""

from kg.audit.config import AuditConfig, load_config
from kg.audit.engine import AuditResult, audit_context
from kg.audit.findings_io import write_findings
from kg.audit.registry import RULES, Finding, Rule, rule
from kg.audit.report import render
from kg.audit.run import run_audit

__all__ = [
    "RULES",
    "AuditConfig",
    "AuditResult",
    "Finding",
    "Rule",
    "audit_context",
    "load_config",
    "render",
    "rule",
    "run_audit",
    "write_findings",
]
