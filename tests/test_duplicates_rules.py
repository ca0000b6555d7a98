"""The copy rules of duplicates.md §3 (N1–N4, grades, measure head, slot rule, standard list)."""

from __future__ import annotations

import json

import pytest

from kg.duplicates import detect
from kg.duplicates.rules import (
    canonical_ladder,
    default_standard_ladders,
    edit_relation,
    load_standard_ladders,
    measure_head,
    name_key,
    one_band_edited,
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
        ("人民调解案件数", "诉前调解案件数"),  # 000:3160 / 3170: which mediation, same task
    ],
)
def test_slot_pairs(a, b):
    assert slot_frame(name_key(a), name_key(b)) is not None


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # revised note: the fillers are the tasks, the shared frame is a subject and a measure
        ("社区矫正人数", "社区戒毒人数"),  # 000:3090 / 3140: community correction vs rehab
        ("应急宣传年完成率", "应急演练完成率"),  # 004:287 / 307: publicity vs drills
        (
            "征收项目入户测量完成率",
            "征收项目房屋拆除完成率",
        ),  # 004:1439 / 1459: survey vs demolition
    ],
)
def test_two_tasks_in_a_light_frame_are_not_slots(a, b):
    assert slot_frame(name_key(a), name_key(b)) is None
    assert edit_relation(name_key(a), name_key(b)) is None


@pytest.mark.parametrize(
    ("a", "b", "relation"),
    [
        ("各项综合业务管理工作完成率", "综合业务管理工作完成率", "cosmetic"),  # 000:1294 / 1970
        ("综合事务管理工作完成率", "综合事务工作完成率", "insertion"),  # 000:1990 / 3260
        ("综合业务管理工作完成率", "综合事务管理工作完成率", "light-swap"),  # 000:1450 / 1460
        ("综合业务保障率", "综合事务保障率", "light-swap"),  # 000:1530 / 1540
        ("执法业务管理完成率", "执法事务管理完成率", "light-swap"),  # the note's consistency case
    ],
)
def test_edit_relations(a, b, relation):
    assert edit_relation(name_key(a), name_key(b)) == relation


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("档案整理完成率", "档案整理未完成率"),  # an inserted negation is an opposite
        ("档案整理完成率", "重点档案整理完成率"),  # a qualifier in front is not cosmetic
        ("保障性住房开工率", "保障性住房竣工率"),  # two measures of one task (000:4410/4420)
        ("综合事务完成率", "综合事务满意度"),  # two measures of one task (000:2040/2060)
        ("信访工作完成率", "交办工作完成率"),  # different tasks, light frame
    ],
)
def test_not_edits(a, b):
    assert edit_relation(name_key(a), name_key(b)) is None


def test_one_band_edited_on_real_ladders():
    # 内容、编校、设计、印刷差错率: 000:954 against 004:457 (comparators retyped, last band moved)
    assert one_band_edited(
        canonical_ladder(["＜0.1‰", "＜0.2‰", "＜0.5‰", "＜1‰"]),
        canonical_ladder(["≤0.1‰", "≤0.2‰", "≤0.5‰", "＞0.5‰"]),
    )
    # 完成实效: 002:1320 against 002:1420, the deadline moved by one month
    assert one_band_edited(
        ("8月前", "10月前", "12月前", "12月以后"), ("9月前", "10月前", "12月前", "12月后")
    )
    # 文稿起草工作完成量: 000:244 against 004:497, every band differs (name reuse)
    assert not one_band_edited(
        canonical_ladder(["≥90%", "≥85%", "≥70%", "＜70%"]),
        canonical_ladder(["≥95%", "≥90%", "≥85%", "＜80%"]),
    )
    # 产出指标 000:4168 / 4178: the differing cell is a description, not a band
    assert not one_band_edited(
        ("已编制的绿地系统规划比率", "100%", "≥90%", "≥80%"),
        ("实际完成的植树活动比率", "100%", "≥90%", "≥80%"),
    )


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("综合业务管理工作完成率", "综合事务管理工作完成率"),  # a light-word swap, not a slot
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


def test_a_shared_ladder_is_a_reused_ladder_never_a_cluster():
    ladder = ["≥90%", "≥80%", "≥70%", "<70%"]
    rows = [
        {"id": "1", "text": "档案整理完成率", "grades": ladder},
        {"id": "2", "text": "路灯维修及时率", "grades": ladder},
    ]
    result = detect(rows)
    assert set(result.assignments().values()) == {None}
    assert result.reused_ladders == []  # a standard ladder is boilerplate: not even reuse
    # with a user list that does not contain the ladder: a reused ladder, still no cluster
    result = detect(rows, standard_ladders=[["100%", "≥95%", "≥90%", "<90%"]])
    assert set(result.assignments().values()) == {None} and result.clusters == []
    (reused,) = result.reused_ladders
    assert reused.members == ["1", "2"] and reused.units == 2 and not reused.defective


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


def test_hidden_characters_never_split_a_copy_from_its_family():
    """A zero-width space or a right-to-left override changes nothing a reader sees."""
    from kg.duplicates.rules import n1, surface_and_name_keys

    plain, hidden = "办结率", "办\u200b结率\u202e"
    assert n1(hidden) == n1(plain)
    assert surface_and_name_keys([hidden]) == surface_and_name_keys([plain])
