"""Hand-written cases for the cell parser: every comparator word, Chinese numerals, units."""

from __future__ import annotations

import pytest

from kg.nlp import parse_cell
from kg.nlp.thresholds import convert_chinese_numerals


@pytest.mark.parametrize(
    ("text", "comparator", "lower", "lower_inc", "upper", "upper_inc"),
    [
        ("≥90%", "ge", 90, True, None, None),
        ("≧90%", "ge", 90, True, None, None),
        (">=90%", "ge", 90, True, None, None),
        ("＞60%", "gt", 60, False, None, None),
        ("﹥30%", "gt", 30, False, None, None),
        ("≤0.1‰", "le", None, None, 0.1, True),
        ("≦5%", "le", None, None, 5, True),
        ("＜90%", "lt", None, None, 90, False),
        ("﹤0.5%", "lt", None, None, 0.5, False),
        ("<=2", "le", None, None, 2, True),
        ("80%以上", "ge", 80, True, None, None),
        ("80%及以上", "ge", 80, True, None, None),
        ("5个（含）以上", "ge", 5, True, None, None),
        ("5个含以上", "ge", 5, True, None, None),
        ("70%以下", "le", None, None, 70, True),
        ("3次及以下", "le", None, None, 3, True),
        ("3天以内", "le", None, None, 3, True),
        ("不低于90%", "ge", 90, True, None, None),
        ("不少于3次", "ge", 3, True, None, None),
        ("高于10%", "gt", 10, False, None, None),
        ("多于5次", "gt", 5, False, None, None),
        ("大于20", "gt", 20, False, None, None),
        ("超过90%", "gt", 90, False, None, None),
        ("不超过5%", "le", None, None, 5, True),
        ("不高于5%", "le", None, None, 5, True),
        ("低于80%", "lt", None, None, 80, False),
        ("少于2个", "lt", None, None, 2, False),
        ("小于5", "lt", None, None, 5, False),
        ("不满60%", "lt", None, None, 60, False),
        ("不足60%", "lt", None, None, 60, False),
        ("每年9个以上", "ge", 9, True, None, None),
        ("各3个以上", "ge", 3, True, None, None),
    ],
)
def test_comparator_words(text, comparator, lower, lower_inc, upper, upper_inc):
    band = parse_cell(text)
    assert band.status == "parsed", band.reason
    assert band.comparator == comparator
    assert (band.lower, band.lower_inclusive) == (lower, lower_inc)
    assert (band.upper, band.upper_inclusive) == (upper, upper_inc)


@pytest.mark.parametrize(
    ("text", "expected_text", "value", "unit"),
    [
        ("百分之九十以上", "90%以上", 90, "percent"),
        ("百分之九十五", "95%", 95, "percent"),
        ("三次", "3次", 3, "count:次"),
        ("十二个以上", "12个以上", 12, "count:个"),
        ("两次及以上", "2次及以上", 2, "count:次"),
        ("一半以上", "50%以上", 50, "percent"),
        ("四分之一以下", "25%以下", 25, "percent"),
    ],
)
def test_chinese_numerals(text, expected_text, value, unit):
    converted, changed = convert_chinese_numerals(text)
    assert changed and converted == expected_text
    band = parse_cell(text)
    assert band.status == "parsed"
    assert value in (band.lower, band.upper, band.point)
    assert band.unit == unit
    assert "chinese_numeral" in band.flags


@pytest.mark.parametrize("text", ["一般", "有一定质量和水平", "第一", "很高"])
def test_chinese_words_that_are_not_numbers(text):
    assert convert_chinese_numerals(text) == (text, False)


@pytest.mark.parametrize("text", ["百日攻坚", "千次", "零分之三", "百分之点", "-千%‰第一"])
def test_numeral_characters_that_are_no_number_on_their_own_are_left_as_written(text):
    """cn2an rejects a bare 百/千/点; the cell must still parse (it used to raise ValueError)."""
    converted, changed = convert_chinese_numerals(text)
    assert (converted, changed) == (text, False)
    assert parse_cell(text).status in ("unparsed", "parsed", "malformed")


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("≥1亿", 10000, "money:万元"),
        ("≥8千万", 8000, "money:万元"),
        ("≥500万元", 500, "money:万元"),
        ("≥20000元", 2, "money:万元"),
        ("≥0.8万亩", 8000, "area:亩"),
        ("1.7万条", 17000, "count:条"),
        ("≤2工作日", 2, "duration:工作日"),
        ("＜48小时", 48, "duration:小时"),
        ("≥30株", 30, "count:株"),
        ("≤0.1‰", 0.1, "permille"),
        ("≥1：10", 0.1, "ratio"),
    ],
)
def test_units_and_magnitudes(text, value, unit):
    band = parse_cell(text)
    assert band.unit == unit
    assert value in (band.lower, band.upper, band.point)


def test_ranges_keep_both_ends_and_flag_descending_order():
    band = parse_cell("100%-90%", "优")
    assert (band.form, band.comparator, band.lower, band.upper) == ("D", "range", 90, 100)
    assert "descending_range" in band.flags
    assert parse_cell("85－100%").lower == 85
    two_words = parse_cell("少于10次多于5次")
    assert (two_words.lower, two_words.lower_inclusive, two_words.upper) == (5, False, 10)


def test_bare_numbers_are_written_as_unspecified_points():
    band = parse_cell("100%", "优")
    assert (band.form, band.comparator, band.point, band.lower) == ("C", "unspecified", 100, None)


def test_malformed_doubled_digits_keep_the_reading():
    band = parse_cell("≥9595%以上", "")
    assert band.status == "malformed" and band.form == "L"
    assert (band.comparator, band.lower, band.unit) == ("ge", 95, "percent")
    assert band.flags == ["duplicated_digits", "redundant_suffix"]
    assert band.reason


def test_placeholders_comments_and_empty_cells():
    assert parse_cell("涉密").status == "placeholder"
    assert "classified" in parse_cell("涉密").flags
    assert parse_cell("-").form == "K"
    assert parse_cell("   ").status == "empty"
    comment = parse_cell("建议取消本项。每年养护实际需求与资金安排难以确定，难以评价。")
    assert comment.status == "malformed" and "review_comment" in comment.flags


@pytest.mark.parametrize(
    ("text", "deadline"),
    [
        ("10月31日前完成", {"kind": "absolute", "month": 10, "day": 31, "when": "by"}),
        ("5.31含", {"kind": "absolute", "month": 5, "day": 31, "when": "by"}),
        ("5月前", {"kind": "month", "month": 5, "when": "before"}),
        ("12月以后", {"kind": "month", "month": 12, "when": "after"}),
    ],
)
def test_absolute_deadlines(text, deadline):
    band = parse_cell(text)
    assert band.form == "F" and band.deadline == deadline


def test_relative_deadlines():
    late = parse_cell("后延5个工作日")
    assert late.deadline["delay"] == 5 and late.deadline["working_days"] is True
    assert late.unit == "duration:工作日"
    assert parse_cell("提前3天").deadline["delay"] == -3
    assert parse_cell("推迟3天以上").comparator == "gt"
    assert parse_cell("按期办理").deadline["delay"] == 0
    assert parse_cell("签批当日办结、分发").comparator == "eq"
    after = parse_cell("验收后超过18个月")
    assert (after.comparator, after.lower, after.deadline["anchor"]) == ("gt", 18, "验收")


def test_free_text_with_numbers_carries_context():
    exam = parse_cell("在市政府组织的年度依法行政考核中得分≥80")
    assert (exam.form, exam.comparator, exam.lower, exam.unit) == ("I", "ge", 80, "score")
    assert exam.reference == "exam_score"
    yoy = parse_cell("发文数同比提高10%")
    assert yoy.reference == "yoy" and yoy.point == 10
    faults = parse_cell("故障次数小于5")
    assert (faults.comparator, faults.upper, faults.unit) == ("lt", 5, "count:次")


def test_qualitative_levels_and_ranks():
    high = parse_cell("较高")
    assert high.form == "G" and high.qual_rank == 2
    level = parse_cell("有省级的")
    assert (level.form, level.level, level.qual_rank) == ("H", "provincial", 2)
    assert parse_cell("都是市级以下的").level == "below_municipal"
    assert parse_cell("在市委系统信息工作排名靠后。").qual_rank == 3
    assert parse_cell("进一步加强").qual_rank == 1
    zero = parse_cell("无故障")
    assert (zero.comparator, zero.point) == ("eq", 0) and "none_as_zero" in zero.flags


def test_unparsed_text_says_why():
    band = parse_cell("分类开展保密宣传培训")
    assert band.status == "unparsed" and band.reason


def test_parse_returns_fresh_objects():
    first = parse_cell("≥90%")
    first.flags.append("mutated")
    assert "mutated" not in parse_cell("≥90%").flags
