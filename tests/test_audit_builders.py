"""Hand-written audit fixtures: tiny documents built from the typed model (no seeds needed)."""

from __future__ import annotations

from decimal import Decimal

from kg.model import (
    GRADES,
    Activity,
    Band,
    Document,
    Indicator,
    NameAnalysis,
    Scheme,
    SourceRef,
    StatedTotal,
)
from kg.records.context import AuditContext
from kg.records.from_model import context_from_documents

PERCENT_LADDER = ("≥90%", "≥80%", "≥70%", "<70%")


def band(grade: str, raw: str, **fields) -> Band:
    rank = GRADES.index(grade) + 1
    if raw.endswith("%") and "unit_kind" not in fields:
        fields["unit_kind"] = "percent"
        fields.setdefault("unit", "percent")
    return Band(grade=grade, rank=rank, raw=raw, text=raw, status="parsed", **fields)


def indicator(
    name: str,
    line: int,
    ladder: tuple[str, str, str, str] = PERCENT_LADDER,
    *,
    issues: tuple[str, ...] = (),
    signature: str = "ge90%|ge80%|ge70%|lt70%",
    kind: str = "numeric",
    analysis: NameAnalysis | None = None,
    bands: list[Band] | None = None,
) -> Indicator:
    grades = dict(zip(GRADES, ladder, strict=True))
    if bands is None:
        bands = [band(g, raw) for g, raw in grades.items() if raw]
    return Indicator(
        name=name,
        line=line,
        grades=grades,
        raw_name=name,
        bands=bands,
        scheme=Scheme(
            kind=kind, direction="higher_better", signature=signature, issues=list(issues)
        ),
        analysis=analysis or NameAnalysis(key=name, metric_kind="rate", measure_head="完成率"),
    )


def activity(
    name: str,
    line: int,
    *,
    number: str = "一",
    budget: str | None = None,
    content: str = "",
    goal: str = "",
    level: str = "activity",
    indicators: list[Indicator] | None = None,
    subs: list[Activity] | None = None,
) -> Activity:
    return Activity(
        name=name,
        line=line,
        number=number,
        raw_name=f"{number}、{name}",
        budget=Decimal(budget) if budget is not None else None,
        raw_budget=budget or "",
        content=content,
        goal=goal,
        level=level,
        indicators=indicators or [],
        sub_activities=subs or [],
    )


def document(
    activities: list[Activity],
    *,
    issuer: str = "某某新区管理委员会办公室",
    path: str = "invented.txt",
    stated: str | None = None,
) -> Document:
    totals = (
        [StatedTotal("项目支出", Decimal(stated), 5, f"项目支出{stated}万元")] if stated else []
    )
    return Document(
        source=SourceRef(path=path, sha256=(path.encode().hex() * 8)[:64]),
        title=issuer,
        issuer=issuer,
        year=2019,
        activities=activities,
        stated_totals=totals,
    )


def context_of(*documents: Document) -> AuditContext:
    return context_from_documents(documents)


# --- the builders double as the fixture of the model → records adapter ------------------------


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
