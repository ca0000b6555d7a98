"""Each built-in rule on hand-written records: it fires on the defect and stays silent on
the corrected row. The seeds are covered in test_audit_seeds.py."""

from __future__ import annotations

from decimal import Decimal

import pytest
from builders import activity, band, context_of, document, indicator

from kg.audit import RULES
from kg.model import NameAnalysis
from kg.records.context import CopyCluster


def run(rule_id: str, context, **params):
    return RULES[rule_id].run(context, params)


def one_indicator_doc(ind, **kwargs):
    sub = activity(
        kwargs.pop("node_name", "档案整理"),
        10,
        number="1",
        level="sub_activity",
        budget=kwargs.pop("budget", "35.00"),
        content=kwargs.pop("content", ""),
        goal=kwargs.pop("goal", ""),
        indicators=[ind],
    )
    return context_of(document([activity("档案管理", 5, subs=[sub])], **kwargs))


@pytest.mark.parametrize(
    ("rule_id", "issue"),
    [
        ("ladder.non_monotonic", "non_monotonic"),
        ("ladder.unreachable", "unreachable_band"),
        ("ladder.overlap", "overlap"),
        ("ladder.gap", "gap"),
        ("ladder.shared_endpoint", "shared_endpoint"),
        ("ladder.mixed_units", "mixed_units"),
        ("ladder.unit_missing", "unit_missing"),
        ("ladder.polarity", "polarity_mismatch"),
        ("ladder.ordinal_inversion", "ordinal_inversion"),
        ("ladder.point_scale", "point_scale"),
        ("ladder.rate_over_100", "rate_over_100"),
    ],
)
def test_ladder_rule_per_issue(rule_id, issue):
    bad = one_indicator_doc(
        indicator("综合事务完成率", 12, ("≥80%", "≤60%", ">60%", "≤50%"), issues=(issue,))
    )
    (finding,) = run(rule_id, bad)
    assert finding.severity == RULES[rule_id].severity
    assert finding.budget == Decimal("35.00")
    assert finding.evidence[0].line == 12
    assert "≥80% | ≤60% | >60% | ≤50%" in finding.message_zh
    clean = one_indicator_doc(indicator("综合事务完成率", 12))
    assert run(rule_id, clean) == []


def test_count_graded_in_percent():
    count = NameAnalysis(key="发文数量", metric_kind="count", measure_head="数量")
    assert run(
        "indicator.count_in_percent", one_indicator_doc(indicator("发文数量", 12, analysis=count))
    )
    counted = indicator(
        "发文数量",
        12,
        ("≥12", "≥8", "≥6", "<6"),
        analysis=count,
        bands=[
            band(g, r, unit_kind="count")
            for g, r in zip("优良中差", ("≥12", "≥8", "≥6", "<6"), strict=True)
        ],
    )
    assert run("indicator.count_in_percent", one_indicator_doc(counted)) == []


def test_indicator_restating_everything_is_caught_and_a_metric_is_not():
    same = one_indicator_doc(
        indicator("档案管理", 12), node_name="档案管理", content="档案管理", goal="档案管理"
    )
    (finding,) = run("indicator.restates_text", same)
    assert finding.data["field"] == "goal"
    taken = one_indicator_doc(
        indicator("美丽乡村建设规划及施工图", 12),
        content="完成美丽乡村建设规划及施工图设计",
    )
    assert run("indicator.restates_text", taken)
    metric = one_indicator_doc(indicator("档案整理完成率", 12), goal="规范档案管理，提高利用效率")
    assert run("indicator.restates_text", metric) == []
    assert run("indicator.restates_text", taken, min_substring=20) == []


def test_category_label_and_task_phrase_follow_the_name_analysis():
    label = NameAnalysis(key="完成质量", is_category_label=True)
    task = NameAnalysis(key="认真开展社情民意调查", is_task_phrase=True)
    assert run(
        "indicator.category_label", one_indicator_doc(indicator("完成质量", 12, analysis=label))
    )
    assert run(
        "indicator.task_phrase",
        one_indicator_doc(indicator("认真开展社情民意调查", 12, analysis=task)),
    )
    plain = one_indicator_doc(indicator("信息报送及时率", 12))
    assert run("indicator.category_label", plain) == run("indicator.task_phrase", plain) == []


def test_name_without_grades_and_grades_without_name():
    empty = one_indicator_doc(indicator("融资外出洽谈", 12, ("", "", "", ""), bands=[]))
    assert run("indicator.no_grades", empty) and run("indicator.no_name", empty) == []
    nameless = one_indicator_doc(indicator("", 12, ("≥30株", "≥20株", "≥10株", "<10株")))
    assert run("indicator.no_name", nameless) and run("indicator.no_grades", nameless) == []


def test_target_in_the_name_contradicted_by_the_grades():
    ge90 = [band("优", "≥90%", lower=90.0, lower_inclusive=True, comparator="ge")]
    (finding,) = run(
        "indicator.embedded_target",
        one_indicator_doc(indicator("档案数字化率达到85%", 12, bands=ge90)),
    )
    assert finding.data["target"] == 85.0
    ge85 = [band("优", "≥85%", lower=85.0, lower_inclusive=True, comparator="ge")]
    assert (
        run(
            "indicator.embedded_target",
            one_indicator_doc(indicator("档案数字化率达到85%", 12, bands=ge85)),
        )
        == []
    )


def test_malformed_value():
    doubled = band("优", "≥9595%以上", lower=95.0, flags=["duplicated_digits", "redundant_suffix"])
    assert run(
        "indicator.malformed_value",
        one_indicator_doc(indicator("服务对象满意度", 12, bands=[doubled])),
    )
    assert (
        run("indicator.malformed_value", one_indicator_doc(indicator("服务对象满意度", 12))) == []
    )


def test_reviewer_comment_in_a_grade_cell_but_not_in_a_name():
    comment = ("建议取消本项。每年养护实际需求与资金安排难以确定，难以评价。", "", "", "")
    assert run(
        "indicator.reviewer_comment", one_indicator_doc(indicator("养护工程量", 12, comment))
    )
    assert run("indicator.reviewer_comment", one_indicator_doc(indicator("建议采纳率", 12))) == []


def test_classified_placeholder():
    secret = one_indicator_doc(indicator("涉密", 12, ("涉密", "涉密", "涉密", "涉密"), bands=[]))
    assert run("indicator.classified", secret)
    assert run("indicator.classified", one_indicator_doc(indicator("涉密载体清退率", 12))) == []


def test_funded_activity_without_indicators():
    bare = activity("档案管理", 5, number="八", budget="35.00")
    (finding,) = run("structure.funded_without_indicators", context_of(document([bare])))
    assert finding.budget == Decimal("35.00") and finding.evidence[0].line == 5
    unfunded = activity("综合业务管理", 5, number="1", level="sub_activity")
    graded = one_indicator_doc(indicator("档案整理完成率", 12))
    assert run("structure.funded_without_indicators", context_of(document([unfunded]))) == []
    assert run("structure.funded_without_indicators", graded) == []


def _rollup(parent: str, child: str, stated: str | None = None):
    sub = activity(
        "后勤服务",
        20,
        number="1",
        level="sub_activity",
        budget=child,
        indicators=[indicator("后勤保障率", 22)],
    )
    return context_of(
        document(
            [activity("机关运行保障", 10, number="五", budget=parent, subs=[sub])], stated=stated
        )
    )


def test_budget_rollup():
    (finding,) = run("structure.budget_rollup", _rollup("3250.00", "1250.00"))
    assert finding.budget == Decimal("2000.00")
    assert [e.line for e in finding.evidence] == [10, 20]
    assert run("structure.budget_rollup", _rollup("1250.00", "1250.00")) == []


def test_total_against_the_stated_project_spending():
    (finding,) = run("structure.total_vs_stated", _rollup("3250.00", "3250.00", stated="1250.00"))
    assert finding.budget == Decimal("2000.00") and finding.evidence[0].line == 5
    assert run("structure.total_vs_stated", _rollup("1250.00", "1250.00", stated="1250.00")) == []


def test_content_equals_goal():
    same = one_indicator_doc(
        indicator("结算完成率", 12),
        content="做好PPP合作区域及项目内的结算工作。",
        goal="做好PPP合作区域及项目内的结算工作",
    )
    assert run("structure.content_equals_goal", same)
    differ = one_indicator_doc(
        indicator("结算完成率", 12), content="做好结算工作", goal="结算及时准确"
    )
    assert run("structure.content_equals_goal", differ) == []


def test_same_goal_on_unrelated_sub_activities():
    goal = "全区城乡文明程度显著提升，和谐向善的社会风气逐步形成。"
    subs = [
        activity(
            name,
            line,
            number=str(i),
            level="sub_activity",
            goal=goal,
            indicators=[indicator("完成率", line + 2)],
        )
        for i, (name, line) in enumerate(
            [("援边干部管理", 20), ("干部教育培训", 40), ("人才工作", 60)], 1
        )
    ]
    (finding,) = run(
        "structure.goal_reused", context_of(document([activity("组织工作", 10, subs=subs)]))
    )
    assert len(finding.nodes) == 3
    parent_child = activity("组织工作", 10, goal=goal, subs=subs[:1])
    assert run("structure.goal_reused", context_of(document([parent_child]))) == []


def test_jurisdiction_word_of_another_government():
    county_word = one_indicator_doc(indicator("保密检查覆盖率", 12), content="全县保密管理工作")
    (finding,) = run("structure.jurisdiction_misfit", county_word)
    assert finding.data["word"] == "全县"
    in_a_county = one_indicator_doc(
        indicator("保密检查覆盖率", 12),
        content="全县保密管理工作",
        issuer="青龙满族自治县人民政府办公室",
    )
    assert run("structure.jurisdiction_misfit", in_a_county) == []


def test_find_and_replace_trace():
    traced = one_indicator_doc(
        indicator("应急平台互联互通率", 12),
        content="建设运行维护好省新区应急平台；管理境外非新区组织",
    )
    (finding,) = run("structure.find_replace_trace", traced)
    assert finding.data["traces"] == ["省新区", "非新区组织"]
    fine = one_indicator_doc(
        indicator("应急平台互联互通率", 12), content="建设运行维护好省政府应急平台"
    )
    assert run("structure.find_replace_trace", fine) == []


def test_void_row():
    void = activity("宗教基本事务管理（2018年已作废）", 10, number="1", level="sub_activity")
    assert run("structure.void_row", context_of(document([void])))
    assert run("structure.void_row", context_of(document([activity("宗教基本事务管理", 10)]))) == []


def test_template_ladder_counts_indicators_and_money():
    subs = [
        activity(
            f"任务{i}",
            10 * i,
            number=str(i),
            level="sub_activity",
            budget="10.00",
            indicators=[indicator(f"任务{i}完成率", 10 * i + 2)],
        )
        for i in range(1, 11)
    ]
    context = context_of(document([activity("综合", 5, subs=subs)]))
    (finding,) = run("copies.template_ladder", context)
    assert finding.budget == Decimal("100.00") and finding.data["count"] == 10
    assert finding.data["share"] == 1.0
    assert run("copies.template_ladder", context, min_indicators=11) == []


def test_copy_clusters_become_findings_with_their_money():
    context = one_indicator_doc(indicator("年度融资规模", 12))
    assert run("copies.cluster", context) == []
    other = one_indicator_doc(indicator("年度融资规模", 12), path="other.txt", budget="5.00")
    both = context_of()
    for part in (context, other):
        both.documents += part.documents
        both.nodes += part.nodes
        both.indicators += part.indicators
    both.clusters.append(CopyCluster("c1", "verbatim-copy", [i.id for i in both.indicators]))
    (finding,) = run("copies.cluster", both)
    assert finding.budget == Decimal("40.00") and len(finding.evidence) == 2
    assert finding.finding_type == "verbatim-copy"


def test_numbering_restart_is_an_orphan_block():
    def sub(name, number, line):
        return activity(
            name,
            line,
            number=number,
            level="sub_activity",
            indicators=[indicator(f"{name}完成率", line + 2)],
        )

    restarted = activity(
        "项目建设",
        10,
        subs=[sub("甲", "1", 20), sub("乙", "2", 30), sub("公路管理", "1", 40), sub("丙", "2", 50)],
    )
    (finding,) = run("structure.orphan_block", context_of(document([restarted])))
    assert finding.evidence[0].line == 40 and finding.data == {"sub_activities": 2, "indicators": 2}
    ordered = activity(
        "项目建设", 10, subs=[sub("甲", "1", 20), sub("乙", "2", 30), sub("丙", "3", 40)]
    )
    assert run("structure.orphan_block", context_of(document([ordered]))) == []


def test_every_rule_has_a_finding_type_of_the_ontology_and_a_description():
    from kg.audit.findings_io import registered_types
    from kg.graph.namespace import FTYPE

    assert all(FTYPE.by_notation(code) is not None for code in registered_types())
    assert all(r.description and r.title_zh and r.title_en for r in RULES.values())


def test_template_instruction_left_in_a_cell():
    leftover = one_indicator_doc(
        indicator("档案整理完成率", 12), content="（我部门无其他需要说明的事项。）请根据实际情况。"
    )
    (finding,) = run("structure.template_instruction", leftover)
    assert finding.evidence[0].line == 10
    assert (
        run(
            "structure.template_instruction",
            one_indicator_doc(indicator("档案整理完成率", 12), content="档案整理"),
        )
        == []
    )
