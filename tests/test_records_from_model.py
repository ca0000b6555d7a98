"""The model → records adapter on documents made by the shared builders (tests/builders.py):
tree, lines, money and evidence as the builders wrote them."""

from __future__ import annotations

from decimal import Decimal

from builders import activity, context_of, document, indicator


def test_records_keep_tree_lines_and_money():
    sub = activity(
        "公文运转",
        20,
        number="1",
        level="sub_activity",
        budget="12.50",
        indicators=[indicator("公文办结率", 22)],
    )
    top = activity("参谋协调运转", 10, budget="12.50", subs=[sub])
    context = context_of(document([top], stated="12.50"))
    parent, child = context.nodes
    assert child.parent_id == parent.id and parent.children == [child.id]
    (record,) = context.indicators
    assert record.node_id == child.id and record.line == 22
    assert context.budget_at_stake(record) == Decimal("12.50")
    assert context.evidence(record).text == "公文办结率 | ≥90% | ≥80% | ≥70% | <70%"
    assert context.documents[0].stated_totals[0][1] == Decimal("12.50")


def test_finding_across_documents_names_its_first_evidence_file():
    from kg.audit.registry import Finding
    from kg.records.context import Evidence

    shared = Finding(
        "copies.cluster",
        "warning",
        "复制",
        "copied",
        evidence=[Evidence("a.txt", 90, "x"), Evidence("b.txt", 12, "x")],
    )
    assert (shared.source_file, shared.line) == ("a.txt", 90)
    own = Finding("x", "info", "z", "e", file="c.txt", evidence=[Evidence("a.txt", 1, "y")])
    assert own.source_file == "c.txt"
