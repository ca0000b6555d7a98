"""The audit pipeline: store → records → rules → findings → store (+ report via render)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from kg.audit.clusters import detect_copies
from kg.audit.config import AuditConfig
from kg.audit.engine import AuditResult, audit_context
from kg.audit.findings_io import write_findings
from kg.audit.review import apply_reviews
from kg.audit.sparql_rules import sparql_rule
from kg.records.from_store import load_context


def run_audit(
    store,
    config: AuditConfig | None = None,
    *,
    rule_files: Iterable[str | Path] = (),
    write: bool = True,
    show_dismissed: bool = False,
) -> AuditResult:
    """Audit everything in ``store`` (:class:`kg.graph.store.Store`).

    Runs the built-in rules (minus those the config disables), the SPARQL rules named in the
    config and in ``rule_files``, and, unless ``write=False``, replaces the findings graphs
    ``pig:audit/{type}`` in the store. Review decisions (``kg review``) mark their findings;
    dismissed ones are left out unless ``show_dismissed``.

    >>> from kg.graph.store import Store
    >>> run_audit(Store(), write=False).findings
    []
    """
    config = config or AuditConfig()
    context = load_context(store)
    copies = detect_copies(context) if "copies.cluster" not in config.disabled else None
    extra = [
        sparql_rule(path, store, config.allow_service, config.rule_timeout or None)
        for path in [*config.sparql_rules, *rule_files]
    ]
    result = audit_context(context, config, extra)
    if write:
        write_findings(store, result, copies)
    return apply_reviews(result, store, copies, show_dismissed=show_dismissed)
