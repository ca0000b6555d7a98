"""Audit: registered rules over indicator, ladder, structure and money records; findings
with evidence, written to the store and rendered as an offline report."""

from kg.audit.config import AuditConfig, load_config
from kg.audit.context import (
    AuditContext,
    AuditDocument,
    AuditIndicator,
    AuditNode,
    CopyCluster,
    Evidence,
)
from kg.audit.engine import AuditResult, audit_context
from kg.audit.from_model import context_from_documents
from kg.audit.from_store import load_context, write_findings
from kg.audit.registry import RULES, Finding, Rule, rule
from kg.audit.report import render
from kg.audit.run import run_audit

__all__ = [
    "RULES",
    "AuditConfig",
    "AuditContext",
    "AuditDocument",
    "AuditIndicator",
    "AuditNode",
    "AuditResult",
    "CopyCluster",
    "Evidence",
    "Finding",
    "Rule",
    "audit_context",
    "context_from_documents",
    "load_config",
    "load_context",
    "render",
    "rule",
    "run_audit",
    "write_findings",
]
