"""Each parser hazard of domain.md §1.3 on a small hand-written fixture."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from kg.extraction import extract_file, extract_text

FIXTURES = Path(__file__).parent / "fixtures" / "extraction"
TAB = "\t"


def row(*cells: str) -> str:
    return "".join(TAB + cell + "\n" for cell in cells) + "\n"


HEADER = (
    "云溪县测试局\n2024年部门预算信息公开\n\n"
    + row("308云溪县测试局", "单位：万元")
    + row("职责活动", "年度预算数", "内容描述", "绩效目标", "绩效指标", "评价标准")
    + row("", "", "", "", "", "优", "良", "中", "差")
)


@pytest.fixture(scope="module")
def hazards():
    return extract_file(FIXTURES / "hazards.txt")


def nodes(doc):
    return {node.line: node for node in doc.iter_activities() if not node.synthetic}


def indicators(doc):
    return {indicator.line: indicator for _, indicator in doc.iter_indicators()}


def codes(doc, line=None):
    return {d.code for d in doc.diagnostics if line is None or d.line == line}


def test_unnumbered_activities():
    doc = extract_file(FIXTURES / "unnumbered.txt")
    tree = [(a.number, a.name, [s.name for s in a.sub_activities]) for a in doc.activities]
    assert tree == [
        (None, "档案管理", ["档案整理", "档案利用"]),
        (None, "编研出版", []),
        ("十二", "后勤保障", ["车辆管理"]),
    ]
    assert "unnumbered" in doc.activities[0].flags
    assert [i.name for i in doc.activities[1].indicators] == ["年鉴出版及时率"]
    assert doc.activities[0].budget == Decimal("30.00")


def test_gb18030_document():
    doc = extract_file(FIXTURES / "gb18030.txt")
    assert (doc.issuer, doc.year) == ("云溪县财政局", 2024)
    names = [i.name for _, i in doc.iter_indicators()]
    assert names == ["预算编制及时率", "镕铖堃（生僻字）满意度"]


def test_orphan_sub_activity_gets_a_synthetic_parent(hazards):
    parent = hazards.activities[0]
    assert parent.synthetic and parent.name is None
    assert [s.name for s in parent.sub_activities] == ["组织协调日常政务"]
    assert "orphan_sub_activity" in codes(hazards, 26)
    assert not any(a.synthetic for a in hazards.activities[1:])


def test_row_spanning_blank_lines_with_quoted_cell(hazards):
    node = nodes(hazards)[26]
    assert node.content == "做好日常政务工作。"
    assert node.raw_content == '"做好日常政务工作。\n\n"'
    assert node.goal == "保障机关运转"
    indicator = node.indicators[0]
    assert (indicator.name, indicator.line, indicator.end_line) == ("公文流转及时率", 34, 38)


def test_tabless_paragraph_after_blank_line_continues_the_cell(hazards):
    indicator = indicators(hazards)[65]
    assert indicator.name == "计划印发及时率\n\n内业资料完成率"
    assert indicator.grades["优"] == "≥95%"


def test_content_starting_with_numbers_is_not_a_new_activity(hazards):
    activity = nodes(hazards)[40]
    assert activity.content == "一、编制五年规划。\n二、编制年度计划。"
    sub = nodes(hazards)[51]
    assert (sub.level, sub.name, sub.content) == ("sub_activity", "五年规划", "1、开展前期研究。")
    assert [a.name for a in hazards.activities] == [None, "规划编制"]


def test_word_artefacts_are_stripped_and_raw_kept(hazards):
    assert hazards.title.startswith("云溪县发展和改革局") and "bookmark" not in hazards.title
    sub = nodes(hazards)[83]
    assert sub.budget == Decimal("10.00") and sub.raw_budget == "[bookmark: _Toc1]10.00"
    assert nodes(hazards)[61].content == "编制年度计划。"  # """…""" Excel quoting


def test_glyph_variants_are_kept_as_printed(hazards):
    assert indicators(hazards)[34].grades == {
        "优": "≧80%",
        "良": "≥70%",
        "中": "﹤70%",
        "差": "<60%",
    }
    assert indicators(hazards)[55].grades["优"] == "１００％"


def test_shifted_rows_are_kept_positionally_and_flagged(hazards):
    by_line = indicators(hazards)
    category = by_line[97]
    assert (category.name, category.grades["优"]) == ("产出指标", "已编制规划的比率")
    assert "column_shift" in category.flags
    grade_name = by_line[107]
    assert grade_name.name == "≥95%" and "column_shift" in grade_name.flags
    missing = by_line[117]
    assert missing.name == "" and {"name_missing", "column_shift"} <= set(missing.flags)
    assert {"column_shift"} <= codes(hazards, 97) & codes(hazards, 107)
    placeholder = by_line[127]
    assert placeholder.flags == [] and set(placeholder.grades.values()) == {"涉密"}


def test_numbering_restart_and_gap_are_reported(hazards):
    assert "numbering_restart" in codes(hazards, 73)
    assert "numbering_gap" in codes(hazards, 83)


def test_truncated_last_row_is_kept_and_diagnosed(hazards):
    sub = nodes(hazards)[133]
    assert (sub.name, sub.budget, sub.content) == ("截断的行", Decimal("5.00"), "内容被截断。")
    assert "truncated_row" in codes(hazards, 133)


def test_wrong_number_of_columns_in_project_table():
    text = (
        "云溪县测试局\n2024年项目绩效\n\n"
        + row("308云溪县测试局", "单位：万元")
        + row("项目编码", "308-1", "项目名称", "测试项目")
        + row("一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据")
        + row("产出指标", "数量指标", "培训人次", "参训人数", "≥100人次", "计划标准")
        + row("质量指标", "合格率", "≥95%")
    )
    doc = extract_text(text)
    project = doc.projects[0]
    assert [i.name for i in project.indicators] == ["培训人次", "≥95%"]
    assert project.indicators[1].level1 == "质量指标"
    assert "column_count" in codes(doc)


def test_funded_activity_without_indicators_is_kept():
    doc = extract_text(
        HEADER + row("一、无指标活动", "12.50", "内容。", "目标。", "", "", "", "", "")
    )
    (activity,) = doc.activities
    assert (activity.name, activity.budget, activity.indicators) == (
        "无指标活动",
        Decimal("12.50"),
        [],
    )


def test_non_numeric_budget_is_kept_raw_and_diagnosed():
    doc = extract_text(HEADER + row("一、活动", "约十万", "内容。", "目标。", "", "", "", "", ""))
    activity = doc.activities[0]
    assert activity.budget is None and activity.raw_budget == "约十万"
    assert "budget" in codes(doc)


def test_crlf_document_extracts_like_lf():
    text = HEADER + row(
        "一、活动", "1.00", "内容。", "目标。", "完成率", "100%", "≥95%", "≥90%", "<90%"
    )
    lf = extract_text(text)
    crlf = extract_text(text.replace("\n", "\r\n"))
    assert [i.name for _, i in crlf.iter_indicators()] == [i.name for _, i in lf.iter_indicators()]
    assert crlf.activities[0].line == lf.activities[0].line


def test_text_without_tables_gives_a_diagnostic_not_an_error():
    doc = extract_text("只有一段文字。\n")
    assert doc.activities == [] and "no_tables" in codes(doc)
