"""Regression cases from the real seeds (duplicates.md §3.2 and §6.3)."""

from __future__ import annotations

import pytest

from kg.duplicates import IndicatorRecord, detect
from kg.extraction import extract_file
from kg.nlp import analyze_document
from kg.records.indicators import records_from_document


@pytest.fixture(scope="module")
def seeds(seed_path):
    records = [
        r
        for prefix in ("000", "002", "004")
        for r in records_from_document(analyze_document(extract_file(seed_path(prefix))))
    ]
    return detect(records)


def _id(prefix: str, line: int) -> str:
    stems = {
        "000": "000_96d939c67dd7b28c",
        "002": "002_f44a55659bcd5ffe",
        "004": "004_eef93c3b92583fa5",
    }
    return f"{stems[prefix]}:{line}"


def _cluster(result, prefix, line):
    return result.assignments()[_id(prefix, line)]


def test_cross_government_copy_with_the_illogical_ladder(seeds):
    cluster = _cluster(seeds, "000", 284)
    assert cluster is not None and cluster == _cluster(seeds, "004", 537)
    found = next(c for c in seeds.clusters if c.id == cluster)
    assert len(found.members) == 2 and len(found.documents) == 2
    # 会议控制率 000:334 shares the ladder only with the family: evidence, not membership
    assert _cluster(seeds, "000", 334) is None
    assert _id("000", 334) in found.related
    assert seeds.clusters[0].id == cluster  # the only cross-document name family ranks first


def test_reception_slot_family_keeps_the_look_alike_apart(seeds):
    family = _cluster(seeds, "000", 304)
    assert family is not None and family == _cluster(seeds, "000", 314)
    assert _cluster(seeds, "000", 324) != family
    cluster = next(c for c in seeds.clusters if c.id == family)
    assert cluster.template == "<X>接待工作完成率"


def test_gazetteer_slot_family(seeds):
    clusters = {_cluster(seeds, "004", line) for line in (427, 437, 447)}
    assert len(clusters) == 1 and None not in clusters


def test_block_copy_of_project_construction(seeds):
    blocks = seeds.block_assignments()
    assert blocks[_id("000", 1386)] is not None
    assert blocks[_id("000", 1386)] == blocks[_id("000", 3446)]
    for a, b in ((1390, 3450), (1400, 3460), (1410, 3470), (1430, 3480)):
        assert _cluster(seeds, "000", a) == _cluster(seeds, "000", b) is not None


def test_invalid_ladder_is_a_reused_ladder_not_a_cluster(seeds):
    ladder = ("≥80%", "≤60%", ">60%", "≤50%")
    reused = seeds.reused_ladders[0]  # defective and the most unrelated indicators
    assert reused.ladder == ladder and reused.defective
    assert {"non_monotonic", "unreachable_band"} <= set(reused.ladder_issues)
    assert _id("000", 374) in reused.members and _id("000", 694) in reused.members
    # 规范性文件审查要求 000:374 and 参加重大涉法事项活动 000:694 share only the ladder: no cluster
    assert _cluster(seeds, "000", 374) is None and _cluster(seeds, "000", 694) is None
    # the 公文流转 rows on the same ladder are a slot family of their own, counted once
    slot = _cluster(seeds, "000", 162)
    assert slot is not None and slot == _cluster(seeds, "000", 3300)
    assert slot in reused.clusters
    assert all(c.kind != "threshold" for c in seeds.clusters)


def test_the_notes_non_copies_stay_apart(seeds):
    # 开工率/竣工率 000:4410/4420: two measures of one task, on one distinctive ladder
    assert _cluster(seeds, "000", 4410) is None and _cluster(seeds, "000", 4420) is None
    # 应急宣传/应急演练 004:287/307: two tasks in a light frame
    assert _cluster(seeds, "004", 287) is None and _cluster(seeds, "004", 307) is None
    # 综合事务完成率/满意度 000:2040/2060: two measures of one task
    assert _cluster(seeds, "000", 2040) is None


@pytest.mark.parametrize(
    ("a", "b", "kind", "confidence"),
    [
        (("000", 1294), ("000", 1970), "edit", "medium"),  # 各项 prefix, same ladder
        (("000", 3260), ("000", 1990), "edit", "medium"),  # 管理 deleted
        (("000", 1450), ("000", 1460), "edit", "medium"),  # 业务/事务 swapped
        (("000", 954), ("004", 457), "probable", "low"),  # 差错率 ladder, last band edited
        (("002", 1320), ("002", 1420), "probable", "low"),  # deadline moved by one month
        (("000", 1348), ("000", 3380), "block", "medium"),  # empty ladder, same block position
    ],
)
def test_copies_the_rules_used_to_miss(seeds, a, b, kind, confidence):
    cluster = _cluster(seeds, *a)
    assert cluster is not None and cluster == _cluster(seeds, *b)
    found = next(c for c in seeds.clusters if c.id == cluster)
    assert found.kind == kind and found.confidence == confidence


def test_name_reuse_with_other_thresholds_is_not_a_copy(seeds):
    assert _cluster(seeds, "000", 244) is None or _cluster(seeds, "000", 244) != _cluster(
        seeds, "004", 497
    )


def test_ranking_is_confidence_first_then_spread(seeds):
    meeting = next(c for c in seeds.clusters if c.id == _cluster(seeds, "000", 284))
    assert "invalid_ladder" in meeting.flags and meeting.ladder_issues == ["low_rate_floor"]
    assert meeting.confidence == "high"
    reception = next(c for c in seeds.clusters if c.id == _cluster(seeds, "000", 304))
    assert "invalid_ladder" not in reception.flags and reception.confidence == "medium"
    ranks = [(c.confidence_rank, c.score) for c in seeds.clusters]
    assert ranks == sorted(ranks, reverse=True)
    assert [c.id for c in seeds.filtered("high")] == [
        c.id for c in seeds.clusters if c.confidence == "high"
    ]


def test_invalid_ladder_flag_needs_no_nlp_for_the_rate_floor():
    rows = [
        {"id": "a", "text": "大型会议控制率", "grades": ["≥1%", "≥0.5%", "≥0.3%", "＜0.3%"]},
        {"id": "b", "text": "大型会议控制率（%）", "grades": ["≥1%", "≥0.5%", "≥0.3%", "<0.3%"]},
        {"id": "c", "text": "档案整理完成率", "grades": ["≥90%", "≥80%", "≥70%", "<70%"]},
        {"id": "d", "text": "档案整理完成率", "grades": ["≥90%", "≥80%", "≥70%", "<70%"]},
    ]
    result = detect(rows)
    flags = {c.members[0]: c.flags for c in result.clusters}
    assert "invalid_ladder" in flags["a"] and "invalid_ladder" not in flags["c"]
    assert result.clusters[0].members == ["a", "b"]  # both high; the boilerplate pair weighs less
    # issues carried by the records (as the store does) flag a cluster as well
    records = [dict(row) for row in rows[2:]]
    issued = detect(
        [
            IndicatorRecord(
                id=row["id"],
                text=row["text"],
                grades=tuple(row["grades"]),
                extra={"ladder_issues": ["gap", "shared_endpoint"]} if row["id"] == "c" else {},
            )
            for row in records
        ]
    )
    assert issued.clusters[0].ladder_issues == ["gap"]


def test_the_first_reused_ladders_are_the_ones_the_docs_name(seeds):
    """docs/duplicates.md ("Reused ladders"): on the seeds the first reused ladders are
    ≥80%/≤60%/>60%/≤50% (18 unrelated indicators in 000), ≥90%/80%-89%/70%-79%/<69% (12)
    and 1/95%及以上/90%及以上/80%以下 (10); a change here must update that sentence."""
    first = [(r.ladder, r.units) for r in seeds.reused_ladders[:3]]
    assert first == [
        (("≥80%", "≤60%", ">60%", "≤50%"), 18),
        (("≥90%", "80%-89%", "70%-79%", "<69%"), 12),
        (("1", "95%及以上", "90%及以上", "80%以下"), 10),
    ]
