"""Regression cases from the real seeds (duplicates.md §3.2 and §6.3)."""

from __future__ import annotations

import pytest

from kg.duplicates import IndicatorRecord, detect
from kg.duplicates.records import records_from_document
from kg.extraction import extract_file
from kg.nlp import analyze_document


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


def test_invalid_ladder_threshold_family(seeds):
    ladder = ("≥80%", "≤60%", ">60%", "≤50%")
    threshold = [c for c in seeds.clusters if c.kind == "threshold" and c.ladders == [ladder]]
    assert len(threshold) == 1
    assert _id("000", 374) in threshold[0].members and _id("000", 694) in threshold[0].members
    # the 公文流转 rows with the same ladder are a slot family, not part of the (c) family
    slot = _cluster(seeds, "000", 162)
    assert slot is not None and slot == _cluster(seeds, "000", 3300) != threshold[0].id


def test_rejected_slot_pairs_are_not_name_families(seeds):
    # 综合业务/综合事务 (light frame only): not a slot pair
    first = _cluster(seeds, "000", 1970)
    assert first is None or first != _cluster(seeds, "000", 1990)
    # 开工率/竣工率: different measure heads, so no slot; they only share a distinctive ladder,
    # which makes them a threshold-only (c) family
    cluster = next(c for c in seeds.clusters if _id("000", 4410) in c.members)
    assert cluster.kind == "threshold"


def test_name_reuse_with_other_thresholds_is_not_a_copy(seeds):
    assert _cluster(seeds, "000", 244) is None or _cluster(seeds, "000", 244) != _cluster(
        seeds, "004", 497
    )


def test_invalid_ladders_are_flagged_and_ranked_first(seeds):
    meeting = next(c for c in seeds.clusters if c.id == _cluster(seeds, "000", 284))
    assert "invalid_ladder" in meeting.flags and meeting.ladder_issues == ["low_rate_floor"]
    ladder = ("≥80%", "≤60%", ">60%", "≤50%")
    family = next(c for c in seeds.clusters if c.kind == "threshold" and c.ladders == [ladder])
    assert "invalid_ladder" in family.flags
    assert {"non_monotonic", "unreachable_band"} <= set(family.ladder_issues)
    reception = next(c for c in seeds.clusters if c.id == _cluster(seeds, "000", 304))
    assert "invalid_ladder" not in reception.flags and reception.ladder_issues == []
    # flagged clusters come before every unflagged cluster of the same spread
    tiers = [c.priority for c in seeds.clusters]
    assert tiers == sorted(tiers, reverse=True)
    flagged = [c for c in seeds.clusters if "invalid_ladder" in c.flags]
    single = [c for c in seeds.clusters if len(c.departments) == 1]
    assert flagged and single
    first_plain = min(c.id for c in single if "invalid_ladder" not in c.flags)
    assert all(c.id < first_plain for c in flagged if len(c.departments) == 1)


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
    assert result.clusters[0].members == ["a", "b"]  # ranked first despite the lower score
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
