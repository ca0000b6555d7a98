"""Ladders read together: signatures, direction, effective intervals and the grid check."""

from __future__ import annotations

import pytest

from kg.model import GRADES
from kg.nlp import analyze_name, analyze_scheme, parse_cell


def ladder(text: str, name: str | None = None):
    bands = [
        parse_cell(cell.strip(), grade)
        for cell, grade in zip(text.split("|"), GRADES, strict=False)
    ]
    analysis = analyze_name(name) if name else None
    return bands, analyze_scheme(bands, analysis)


@pytest.mark.parametrize(
    ("variants", "signature"),
    [
        (
            [
                "≥90% | ≥80% | ≥70% | <70%",
                "90% | 80%及以上 | 70%及以上 | 70%以下",
                "≧90% | ≧80% | ≧70% | ＜70%",
                "90%以上 | 80%以上 | 70%以上 | 低于70%",
                "不低于90% | 不低于80% | 不低于70% | 不满70%",
            ],
            "ge90%|ge80%|ge70%|lt70%",
        ),
        (
            ["100% | ≥95% | ≥90% | ＜90%", "100% | 95%及以上 | 90%及以上 | 90%以下"],
            "ge100%|ge95%|ge90%|lt90%",
        ),
        (
            ["≤0.1‰ | ≤0.2‰ | ≤0.5‰ | ＞0.5‰", "0.1‰以下 | 0.2‰以下 | 0.5‰以下 | 超过0.5‰"],
            "le0.1‰|le0.2‰|le0.5‰|gt0.5‰",
        ),
    ],
)
def test_wording_variants_share_one_signature(variants, signature):
    assert {ladder(v)[1].signature for v in variants} == {signature}


def test_different_ladders_stay_apart():
    signatures = {
        ladder(v)[1].signature
        for v in [
            "≥90% | ≥80% | ≥70% | <70%",
            "≥90% | ≥80% | ≥70% | <60%",
            "≥90% | 80%-89% | 70%-79% | <69%",
            "100%-90% | 90%-70% | 70%-60% | <60%",
            "90% | 80% | 70% | 60%",
            "≥90 | ≥80 | ≥70 | <70",
            "≥90次 | ≥80次 | ≥70次 | <70次",
            "很高 | 较高 | 一般 | 低",
        ]
    }
    assert len(signatures) == 8


def test_full_signature_follows_the_ontology_layout():
    _, scheme = ladder("≥90% | 80%-89% | 70%-79% | <69%")
    assert scheme.signature_full.split("|")[1] == "2:range:80:1:89:1::percent"
    assert scheme.signature_full.split("|")[3] == "4:lt:::69:0::percent"


def test_nested_ladder_effective_intervals():
    bands, scheme = ladder("≥90% | ≥80% | ≥70% | <70%")
    assert scheme.issues == [] and scheme.direction == "higher_better"
    good = bands[1]
    assert (good.effective_lower, good.effective_lower_inclusive) == (80, True)
    assert (good.effective_upper, good.effective_upper_inclusive) == (90, False)
    assert all(b.reachable for b in bands)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # domain.md §3.4: the template of 34 rows in 000
        ("≥80% | ≤60% | ＞60% | ≤50%", {"non_monotonic", "unreachable_band", "overlap"}),
        ("≧90% | ≧80% | ≧70% | ≧70%", {"unreachable_band", "gap", "open_worst_end"}),
        ("＜0.1‰ | ＜0.2‰ | ＜0.5‰ | ＜1‰", {"gap", "open_worst_end"}),
        ("≥ 4 | ≥3 | ≥2 | ≥1", {"gap", "open_worst_end"}),
        ("≥90% | ≥80% | ≥70% | <80%", {"overlap"}),
        ("3次以上 | 3次 | 3次以下 | 0次", {"unreachable_band"}),
        # §3.5 gaps
        ("≥90% | 80%-89% | 70%-79% | <69%", {"gap"}),
        ("＜15 | ＜30 | ＜60 | ≥120", {"gap"}),
        ("≥5 | ≥3 | ≥2 | ＜1", {"gap"}),
        ("80% | 70% | 60% | 50%", {"gap", "point_scale"}),
        ("1个及以下 | 2个 | 4个 | 10个及以上", {"gap", "point_scale"}),
        ("1 | 95%及以上 | 90%及以上 | 80%以下", {"gap", "mixed_units"}),
        # shared end points
        ("100%-90% | 90%-70% | 70%-60% | <60%", {"shared_endpoint"}),
        # clean ladders
        ("3 | 2 | 1 | 0", set()),
        ("≤0.1‰ | ≤0.2‰ | ≤0.5‰ | ＞0.5‰", set()),
        ("90% | 80%及以上 | 70%及以上 | 70%以下", set()),
    ],
)
def test_grid_check_on_quoted_ladders(text, expected):
    _, scheme = ladder(text)
    assert expected <= set(scheme.issues), scheme.issues
    ladder_defects = {
        "gap",
        "overlap",
        "unreachable_band",
        "non_monotonic",
        "shared_endpoint",
        "open_worst_end",
    }
    assert set(scheme.issues) & ladder_defects == expected & ladder_defects


def test_lower_is_better_ladders_and_polarity():
    _, scheme = ladder("＜0.2% | ≥0.2% | ≥0.3% | ≥0.4%")
    assert scheme.direction == "lower_better" and "polarity_mismatch" in scheme.issues
    _, scheme = ladder("≥90% | ≥80% | ≥70% | ＜70%", name="通讯网络故障率")
    assert "polarity_mismatch" in scheme.issues
    _, scheme = ladder("0% | 低于5% | 低于10% | 高于10%", name="完成数量")
    assert "polarity_mismatch" in scheme.issues
    _, scheme = ladder("≤0.1‰ | ≤0.2‰ | ≤0.5‰ | ＞0.5‰", name="内容、编校、设计、印刷差错率(%)")
    assert "polarity_mismatch" not in scheme.issues and scheme.direction == "lower_better"


def test_kinds():
    assert ladder("≥3 | 2 | 1 | 0")[1].kind == "count_scale"
    assert [b.form for b in ladder("≥3 | 2 | 1 | 0")[0]] == ["A", "E", "E", "E"]
    assert ladder("10月31日前完成 | 后延5个工作日 | 后延10个工作日 | 后延15个工作日")[1].kind == (
        "deadline"
    )
    assert ladder("有国家级的 | 有省级的 | 有市级的 | 都是市级以下的")[1].kind == "rank_level"
    assert ladder("涉密 | 涉密 | 涉密 | 涉密")[1].kind == "placeholder"
    assert ladder(" | | | ")[1].kind == "empty"
    assert ladder("全部及时完成 | 90%完成 | 85%完成 | 80%以下")[1].kind == "mixed"


def test_qualitative_scale_and_ordinal_inversion():
    bands, scheme = ladder("很高 | 较高 | 一般 | 低")
    assert scheme.kind == "qualitative" and scheme.qual_scale == "HIGH4"
    assert [b.qual_rank for b in bands] == [1, 2, 3, 4]
    assert "ordinal_inversion" not in scheme.issues
    bands, scheme = ladder("进一步加强 | 较好 | 很好 | 一般")
    assert [b.qual_rank for b in bands] == [1, 2, 1, 3]
    assert "ordinal_inversion" in scheme.issues
    bands, _ = ladder("较好完成 | 基本完成 | 部分完成 | 没有完成")
    assert [b.qual_rank for b in bands] == [1, 2, 3, 4]


def test_unit_checks():
    _, scheme = ladder("≧90% | ≧80 | ≧70% | ＜70%")
    assert "unit_missing" in scheme.issues
    _, scheme = ladder("≥100% | ≥95% | ≥90% | <90%", name="办结率")
    assert "rate_over_100" in scheme.issues
    _, scheme = ladder("100% | ≥95% | ≥90% | <90%", name="办结率")
    assert "rate_over_100" not in scheme.issues
    _, scheme = ladder("100% | ≥80% | ≥60% | <60%", name="造林绿化面积")
    assert "unit_mismatch" in scheme.issues
    _, scheme = ladder("≥5 | ≥3 | ≥2 | <2", name="网络故障次数(次）")
    assert scheme.unit == "count:次"
