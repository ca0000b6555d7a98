"""The copy rules of duplicates.md §3 (N1–N4, grades, measure head, slot rule, standard list)."""

from __future__ import annotations

import json

import pytest

from kg.duplicates import detect
from kg.duplicates.rules import (
    canonical_ladder,
    default_standard_ladders,
    load_standard_ladders,
    measure_head,
    name_key,
    slot_frame,
)
from kg.errors import KgError


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("大型会议控制率", "大型会议控制率（%）"),  # N3 unit suffix
        ("内容、编校、设计、印刷差错率", "内容编校设计印刷差错率"),  # N2 enumeration commas
        ("档案整理完成率。", "档案 整理完成率(％)"),  # stray space, trailing stop, restyled unit
        ("县级志书编纂任务完成率", "区级志书编纂任务完成率"),  # N4
        ("全县保密管理工作", "全新区保密管理工作"),
        ("县委县政府督办事项办结率", "区委区政府督办事项办结率"),
        ("ＡＢ类完成率", "AB类完成率"),  # N1 width
    ],
)
def test_equal_after_normalisation(left, right):
    assert name_key(left) == name_key(right)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("组织培训次数（次）", "组织培训次数≥3"),  # numbers are kept
        ("县城绿化完成率", "区城绿化完成率"),  # 县 not followed by a jurisdiction suffix
        ("差错率", "准确率"),
    ],
)
def test_different_after_normalisation(left, right):
    assert name_key(left) != name_key(right)


def test_grades_keep_wording_but_fold_glyphs():
    assert canonical_ladder(["≧90％", " ≥80%", "≥70%。", "＜70%"]) == (
        "≥90%",
        "≥80%",
        "≥70%",
        "<70%",
    )
    assert canonical_ladder(["80%及以上"] * 4) != canonical_ladder(["≥80%"] * 4)


def test_measure_head():
    assert measure_head("内容编校设计印刷差错率") == "差错率"
    assert measure_head("产品不合格率") == "不合格率"  # longest lexicon word wins
    assert measure_head("保障性住房竣工率") == "竣工率"  # fallback: last three characters
    assert measure_head("公文流转速度") == "转速度"  # rule: 率/度 fallback, even if odd
    assert measure_head("公文流转") is None
    assert measure_head("完成率") is None  # the name must be longer than the word


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("会务接待工作完成率", "暑期接待工作完成率"),  # 000:304 / 314
        ("村镇志编纂任务完成率", "年鉴编纂任务完成率"),  # 004:427 / 437
        ("社区矫正人数", "社区戒毒人数"),  # 000:3090 / 3140
    ],
)
def test_slot_pairs(a, b):
    assert slot_frame(name_key(a), name_key(b)) is not None


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("综合业务管理工作完成率", "综合事务管理工作完成率"),  # light frame only (000:1970/1990)
        ("保障性住房开工率", "保障性住房竣工率"),  # different heads (000:4410/4420)
        ("信访工作完成率", "交办工作完成率"),  # light frame only
        ("接待费控制率", "会务接待工作完成率"),  # different measure (000:324)
        ("档案整理完成率", "路灯维修完成率"),  # generic frame only
        ("档案整理完成率", "重点档案整理完成率"),  # qualifier insertion: one filler empty
        ("档案整理完成率", "档案整理未完成率"),  # opposite measure
    ],
)
def test_rejected_slot_pairs(a, b):
    assert slot_frame(name_key(a), name_key(b)) is None


def test_standard_ladders_bundled_and_overridable(tmp_path):
    bundled = default_standard_ladders()
    assert len(bundled) == 22
    assert canonical_ladder(["≥90%", "≥80%", "≥70%", "＜70%"]) in bundled
    custom = tmp_path / "ladders.json"
    custom.write_text(json.dumps({"rate": [["≥1%", "≥0.5%", "≥0.3%", "<0.3%"]]}), encoding="utf-8")
    assert canonical_ladder(["≥1%", "≥0.5%", "≥0.3%", "＜0.3%"]) in load_standard_ladders(custom)
    bad = tmp_path / "bad.json"
    bad.write_text('{"rate": [["≥1%"]]}', encoding="utf-8")
    with pytest.raises(KgError, match=r"bad\.json"):
        load_standard_ladders(bad)


def test_standard_ladder_never_forms_a_threshold_family():
    ladder = ["≥90%", "≥80%", "≥70%", "<70%"]
    rows = [
        {"id": "1", "text": "档案整理完成率", "grades": ladder},
        {"id": "2", "text": "路灯维修及时率", "grades": ladder},
    ]
    assert set(detect(rows).assignments().values()) == {None}
    # the same two rows with a user list that does not contain the ladder: a (c) family
    result = detect(rows, standard_ladders=[["100%", "≥95%", "≥90%", "<90%"]])
    assert result.assignments()["1"] == result.assignments()["2"] is not None
    assert result.clusters[0].kind == "threshold"


def test_column_wise_rules_equal_the_per_string_rules():
    """The detector's column-wise normalisation is the N1–N4 definition, string for string."""
    import random

    from kg.duplicates.rules import canonical_ladders, surface_and_name_keys, surface_key

    rng = random.Random(5)
    pool = "（）()%％次人万元。.，;；:：、 \t\n\r\u3000县区市新全本级直委政府≧≦﹥﹤ＡＢ１２ab工作率度\u0301e"
    texts = ["".join(rng.choice(pool) for _ in range(rng.randint(0, 14))) for _ in range(3000)]
    texts += [
        "县级志书编纂任务完成率(%)",
        "区级志书编纂任务完成率（％）",
        "x。（次）.",
        "a\nb（%）",
    ]
    surface, names = surface_and_name_keys(texts)
    assert surface == [surface_key(t) for t in texts]
    assert names == [name_key(t) for t in texts]
    rows = [tuple(rng.choice([*texts[:50], "≧1% 。", ""]) for _ in range(4)) for _ in range(500)]
    assert canonical_ladders(rows) == [canonical_ladder(row) for row in rows]
    assert surface_and_name_keys([]) == ([], []) and canonical_ladders([]) == []
