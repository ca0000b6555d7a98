"""The national-template rules (kg.audit.rules.template): each fires on a table with the
defect and stays silent on the same table without it. The tables are in ``layout_docs.py``;
each test says which row it changes and why that is the defect."""

from __future__ import annotations

import pytest
from layout_docs import DEPARTMENT_TABLE, PROJECT_TABLE, SELF_EVALUATION, read, replace_row

from kg.audit import RULES
from kg.records.from_model import context_from_documents


def run(rule_id: str, rows, **params):
    context = context_from_documents([read(rows)])
    return RULES[rule_id].run(context, params)


CLEAN = {
    "template.missing_category": PROJECT_TABLE,
    "template.low_satisfaction": PROJECT_TABLE,
    "template.qualitative_target": PROJECT_TABLE,
    "template.score_over_weight": SELF_EVALUATION,
    "template.weights_not_100": SELF_EVALUATION,
    "template.full_score_on_miss": SELF_EVALUATION,
    "template.shortfall_without_reason": SELF_EVALUATION,
    "template.execution_rate": SELF_EVALUATION,
    "template.unread_document": DEPARTMENT_TABLE,
}


@pytest.mark.parametrize("rule_id", sorted(CLEAN))
def test_silent_on_clean_tables(rule_id):
    assert run(rule_id, CLEAN[rule_id]) == []


def test_every_template_rule_is_tested():
    assert {r for r in RULES if r.startswith("template.")} == set(CLEAN)


def test_missing_category():
    # drop the 满意度 row: only 产出 and 效益 remain
    rows = [r for r in PROJECT_TABLE if not (isinstance(r, list) and r[0] == "满意度指标")]
    (finding,) = run("template.missing_category", rows)
    assert finding.data["missing"] == ["满意度"]
    assert "农村道路养护" in finding.message_zh


def test_low_satisfaction():
    rows = replace_row(
        PROJECT_TABLE,
        ["满意度指标", "服务对象满意度指标", "沿线群众满意度", "≥90%", ""],
        ["满意度指标", "服务对象满意度指标", "沿线群众满意度", "≥60%", ""],
    )
    (finding,) = run("template.low_satisfaction", rows)
    assert finding.data["target"] == 60
    assert finding.evidence[0].text.endswith("≥60%")


def test_qualitative_target_under_quantity():
    rows = replace_row(
        PROJECT_TABLE,
        ["产出指标", "数量指标", "养护里程", "≥120公里", ""],
        ["产出指标", "数量指标", "养护里程", "有所提高", ""],
    )
    (finding,) = run("template.qualitative_target", rows)
    assert "养护里程" in finding.message_zh
    # the same word under 社会效益指标 (群众出行条件 明显改善) is not flagged: a benefit may be
    # qualitative, a quantity may not


def test_score_over_weight():
    rows = replace_row(
        SELF_EVALUATION,
        ["质量指标", "资助准确率", "≥99%", "99.5%", "20", "20", ""],
        ["质量指标", "资助准确率", "≥99%", "99.5%", "20", "25", ""],
    )
    (finding,) = run("template.score_over_weight", rows)
    assert "资助准确率" in finding.message_zh


def test_weights_not_100():
    # 资助人次 weighs 20 instead of 30: 20 + 20 + 30 + 10 = 80 ≠ 90
    rows = replace_row(
        SELF_EVALUATION,
        ["产出指标", "数量指标", "资助人次", "≥1000人次", "1020人次", "30", "30", ""],
        ["产出指标", "数量指标", "资助人次", "≥1000人次", "1020人次", "20", "20", ""],
    )
    (finding,) = run("template.weights_not_100", rows)
    assert finding.data["total"] == 80


def test_full_score_on_miss_and_missing_reason():
    # actual 97 % against ≥99 %, full 20 points, no reason
    rows = replace_row(
        SELF_EVALUATION,
        ["质量指标", "资助准确率", "≥99%", "99.5%", "20", "20", ""],
        ["质量指标", "资助准确率", "≥99%", "97%", "20", "20", ""],
    )
    (full,) = run("template.full_score_on_miss", rows)
    (reason,) = run("template.shortfall_without_reason", rows)
    assert "资助准确率" in full.message_zh and "97%" in reason.message_zh
    # with points taken off and a reason stated, neither fires
    fixed = replace_row(
        SELF_EVALUATION,
        ["质量指标", "资助准确率", "≥99%", "99.5%", "20", "20", ""],
        ["质量指标", "资助准确率", "≥99%", "97%", "20", "18", "个别家庭信息核实滞后"],
    )
    assert run("template.full_score_on_miss", fixed) == []
    assert run("template.shortfall_without_reason", fixed) == []


def test_execution_rate():
    # 199.5 / 210 = 95 %, printed as 98 %
    rows = replace_row(
        SELF_EVALUATION,
        ["年度资金总额", "200", "210", "199.5", "10", "95%", "9.5"],
        ["年度资金总额", "200", "210", "199.5", "10", "98%", "9.8"],
    )
    (finding,) = run("template.execution_rate", rows)
    assert finding.data["computed"] == 95.0
    # the rate right, but the full 10 points for 95 % execution
    rows = replace_row(
        SELF_EVALUATION,
        ["年度资金总额", "200", "210", "199.5", "10", "95%", "9.5"],
        ["年度资金总额", "200", "210", "199.5", "10", "95%", "10"],
    )
    (finding,) = run("template.execution_rate", rows)
    assert finding.data["computed"] == 9.5


def test_unread_document():
    rows = [
        "某县2024年项目支出绩效目标表",
        ["项目名称", "道路养护"],
        ["一级指标", "二级指标", "三级指标", "指标值"],
    ]
    (finding,) = run("template.unread_document", rows)
    assert finding.severity == "error"
    assert finding.evidence[0].line == 2  # the 项目名称 cell, first line after the title
