"""The audit from the store (``run_audit``, what ``kg audit`` runs) equals the audit from the
extracted documents (``context_from_documents``), finding by finding, on the four seeds.

Both read the same records (:mod:`kg.records`): cells as printed, documents in file order.
Ids differ by construction (IRIs in the store, ``<sha>/…`` keys in the model), so a finding
is compared by what a reader sees: rule, severity, message, money, the rows it is about
(file name and line) and its evidence (file name, line, text).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.audit import audit_context, run_audit
from kg.audit.clusters import attach_copy_clusters
from kg.audit.registry import Finding
from kg.extraction import extract_file
from kg.graph.store import Store
from kg.ingest import ingest
from kg.nlp import analyze_document
from kg.records.context import AuditContext
from kg.records.from_model import context_from_documents
from kg.records.from_store import load_context

DOCS = ("000", "002", "003", "004")


def _seen(finding: Finding, context: AuditContext) -> tuple:
    def where(node_id: str) -> tuple[str, int]:
        row = context.indicator_by_id.get(node_id) or context.node_by_id[node_id]
        return Path(context.document_of(row).file).name, row.line

    return (
        finding.rule,
        finding.severity,
        finding.message_en,
        finding.budget,  # Decimal: 11.00 (model) == 11 (store literal)
        [where(node) for node in finding.nodes],
        [(Path(e.file).name, e.line, e.text) for e in finding.evidence],
    )


@pytest.fixture(scope="module")
def from_model(seed_path) -> list[tuple]:
    documents = [analyze_document(extract_file(seed_path(prefix))) for prefix in DOCS]
    context = attach_copy_clusters(context_from_documents(documents))
    return [_seen(f, context) for f in audit_context(context).findings]


@pytest.fixture(scope="module")
def from_store(seeds_dir) -> list[tuple]:
    store = Store()
    assert ingest([seeds_dir], store, jobs=1).ingested == len(DOCS)
    context = load_context(store)
    return [_seen(f, context) for f in run_audit(store, write=False).findings]


def test_store_and_model_give_the_same_findings(from_model, from_store):
    assert len(from_store) == len(from_model) > 900
    for mine, theirs in zip(from_store, from_model, strict=True):
        assert mine == theirs


def _evidence(findings: list[tuple], rule: str, name: str) -> list[tuple]:
    return next(f[5] for f in findings if f[0] == rule and name in f[2])


@pytest.mark.parametrize("path", ["from_model", "from_store"])
def test_copy_evidence_in_file_order(path, request):
    """Seed text: 000:954 ``内容、编校、设计、印刷差错率 ＜0.1‰ …`` and 004:457 ``…差错率(%) ≤0.1‰ …``
    (a probable copy); 004:257, 000:1810, 000:3080 share ``≥95% ≥85% ≥80% ＜80%``. Evidence
    lists them in file order whatever the store's document IRIs."""
    findings = request.getfixturevalue(path)
    typo = _evidence(findings, "copies.cluster", "内容编校设计印刷差错")
    assert [(f, line) for f, line, _ in typo] == [
        ("000_96d939c67dd7b28c.txt", 954),
        ("004_eef93c3b92583fa5.txt", 457),
    ]
    ladder = _evidence(findings, "copies.reused_ladder", "'≥95% / ≥85% / ≥80% / <80%'")
    assert [(f, line) for f, line, _ in ladder] == [
        ("000_96d939c67dd7b28c.txt", 1810),
        ("000_96d939c67dd7b28c.txt", 3080),
        ("004_eef93c3b92583fa5.txt", 257),
    ]


@pytest.mark.parametrize("path", ["from_model", "from_store"])
def test_evidence_is_the_row_as_printed(path, request):
    """Seed text, 000:2618–2622: ``外事、港澳出访批（人）次`` then the cells ``≥5   `` (three
    trailing spaces), ``≥3``, ``≥2``, ``＜1``."""
    findings = request.getfixturevalue(path)
    rows = {(f, line): text for finding in findings for f, line, text in finding[5]}
    assert (
        rows[("000_96d939c67dd7b28c.txt", 2618)]
        == "外事、港澳出访批（人）次 | ≥5    | ≥3 | ≥2 | ＜1"
    )
