"""A .docx rebuilt from each seed dump extracts to the same model as the dump."""

from __future__ import annotations

import pytest

from kg.extraction import extract_file
from kg.synth.dump2docx import text_dump_to_docx


def summary(doc):
    """Everything but line numbers (a .docx line is a paragraph/row ordinal)."""
    return {
        "title": (doc.title, doc.issuer, doc.year),
        "departments": [(d.code, d.name) for d in doc.departments],
        "activities": [
            (
                node.level,
                node.number,
                node.name,
                node.budget,
                node.content,
                node.goal,
                [(i.name, i.grades, i.flags) for i in node.indicators],
            )
            for node in doc.iter_activities()
        ],
        "projects": [
            (
                p.code,
                p.name,
                p.budget,
                p.fiscal_funds,
                p.purpose,
                p.spending_plan,
                p.goal,
                [
                    (i.level1, i.level2, i.name, i.description, i.value, i.basis)
                    for i in p.indicators
                ],
            )
            for p in doc.projects
        ],
        "tables": [(t.kind, t.rows) for t in doc.tables],
        "totals": [(t.label, t.amount) for t in doc.stated_totals],
    }


@pytest.mark.parametrize("prefix", ["000", "002", "003", "004"])
def test_docx_of_a_seed_extracts_to_the_same_model(prefix, seed_path, tmp_path):
    path = seed_path(prefix)
    docx_path = text_dump_to_docx(path.read_text(encoding="utf-8"), tmp_path / "seed.docx")
    from_text = extract_file(path)
    from_docx = extract_file(docx_path)
    assert from_docx.source.format == "docx"
    assert summary(from_docx) == summary(from_text)
    assert sorted(d.code for d in from_docx.diagnostics) == sorted(
        d.code for d in from_text.diagnostics
    )
