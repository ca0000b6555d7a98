"""The bundled 云溪县 samples: small, fictional, and carrying the realistic hazards on purpose."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kg.extraction import extract_file

SAMPLES = {
    "office": "101_yunxi_government_office.txt",
    "finance": "102_yunxi_finance_bureau.txt",
    "education": "103_yunxi_education_bureau.txt",
}


@pytest.fixture(scope="module")
def samples(samples_dir):
    return {key: extract_file(samples_dir / name) for key, name in SAMPLES.items()}


def test_every_sample_is_small_and_utf8(samples_dir):
    for name in SAMPLES.values():
        data = (samples_dir / name).read_bytes()
        assert data.decode("utf-8").count("\n") <= 300


def test_office_sample(samples):
    doc = samples["office"]
    assert (doc.issuer, doc.year) == ("云溪县人民政府办公室", 2024)
    assert [t.kind for t in doc.tables] == ["organisation", "procurement", "fixed_assets"]
    assert doc.stated_totals[0].amount == Decimal("150.00")
    orphan_parent = doc.activities[0]
    assert (
        orphan_parent.synthetic and orphan_parent.sub_activities[0].name == "组织协调机关日常政务"
    )
    ladder = orphan_parent.sub_activities[0].indicators[0].grades
    assert list(ladder.values()) == ["≥80%", "≤60%", ">60%", "≤50%"]
    coordination = doc.activities[1]
    assert coordination.budget == Decimal("60.00")
    assert sum(sub.budget for sub in coordination.sub_activities) == Decimal("45.00")
    unfunded = doc.activities[-1]
    assert (unfunded.name, unfunded.budget, unfunded.sub_activities) == (
        "信息化建设",
        Decimal("20.00"),
        [],
    )
    flagged = [i for _, i in doc.iter_indicators() if "column_shift" in i.flags]
    assert [i.name for i in flagged] == ["产出指标", ""]


def test_finance_sample_has_unnumbered_activities_and_hostile_text(samples):
    doc = samples["finance"]
    assert [(a.number, a.name) for a in doc.activities] == [
        (None, "预算管理"),
        (None, "国库管理"),
        ("十二", "绩效管理"),
    ]
    names = [i.name for _, i in doc.iter_indicators()]
    assert "<script>alert(1)</script>" in names
    assert not [d for d in doc.diagnostics if d.severity != "info"]


def test_copied_indicator_across_departments(samples):
    def ladder(doc, name):
        return [tuple(i.grades.values()) for _, i in doc.iter_indicators() if i.name == name]

    office, finance = samples["office"], samples["finance"]
    assert (
        ladder(office, "群众满意度")
        == ladder(finance, "群众满意度")
        == [("≥95%", "≥90%", "≥85%", "＜85%")]
    )


def test_education_sample_projects(samples):
    doc = samples["education"]
    assert [(p.code, p.budget, len(p.indicators)) for p in doc.projects] == [
        ("403-2050-XJY-0001", Decimal("50.00"), 4),
        ("403-2050-XJY-0002", Decimal("30.00"), 3),
    ]
    carried = doc.projects[0].indicators[1]
    assert (carried.level1, carried.level2, carried.name) == ("产出指标", "质量指标", "培训合格率")
    assert doc.stated_totals[0].amount == Decimal("80.00")


def test_published_style_samples_read_with_their_planted_defects(samples_dir):
    """104 is a portal page (HTML, rowspans, furniture); 105 a Markdown self-evaluation. The
    rows and defects below are the ones written into those files."""
    from kg.audit import RULES
    from kg.nlp import analyze_document
    from kg.records.from_model import context_from_documents

    page = extract_file(samples_dir / "104_yunxi_transport_project_targets.html")
    assert page.source.format == "html" and page.issuer == "云溪县交通运输局"
    assert [(i.level1, i.name, i.value) for _, i in page.iter_project_indicators()][:2] == [
        ("产出指标", "日常养护里程", "≥310公里"),
        ("产出指标", "路况优良率", "≥85%"),
    ]
    table = extract_file(samples_dir / "105_yunxi_education_self_evaluation.md")
    assert table.projects[0].kind == "self_evaluation"
    context = context_from_documents([analyze_document(page), analyze_document(table)])
    fired = {
        rule_id: [f.evidence[0].line for f in RULES[rule_id].run(context)]
        for rule_id in RULES
        if rule_id.startswith("template.")
    }
    assert fired["template.low_satisfaction"] == [26]  # 沿线群众满意度 ≥70%
    assert fired["template.qualitative_target"] == [24]  # 养护成本控制 有所降低
    assert fired["template.score_over_weight"] == [15]  # 25 of 20 points
    assert fired["template.full_score_on_miss"] == [14]  # 98% of 100%, full 20 points
    assert fired["template.shortfall_without_reason"] == [14]
    assert len(fired["template.execution_rate"]) == 1  # 96 / 120 = 80%, printed 95%
