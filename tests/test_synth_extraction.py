"""End to end: kg.extraction must recover exactly the counts the generator says it wrote."""

from __future__ import annotations

import pytest

from kg.extraction import extract_file
from kg.synth import generate_corpus


def counts(document) -> dict[str, int]:
    """The §7 counts of an extracted document (a synthetic parent is not an activity)."""
    indicators = [indicator for _, indicator in document.iter_indicators()]
    return {
        "activities": sum(1 for a in document.activities if not a.synthetic),
        "sub_activities": sum(len(a.sub_activities) for a in document.activities),
        "indicators": len(indicators),
        "grade_cells": sum(1 for i in indicators for grade in i.grades.values() if grade),
        "projects": len(document.projects),
        "project_indicators": sum(1 for _ in document.iter_project_indicators()),
    }


_FIELDS = (
    "activities",
    "sub_activities",
    "indicators",
    "grade_cells",
    "projects",
    "project_indicators",
)


@pytest.mark.parametrize("seed", [1, 2])
def test_extraction_recovers_the_generated_counts_from_text_dumps(tmp_path, seeds_dir, seed):
    manifest = generate_corpus(tmp_path, 80, seed=seed, vocabulary=seeds_dir)
    hazards_seen = set()
    for truth in manifest.documents:
        document = extract_file(tmp_path / truth.path)
        want = {name: getattr(truth, name) for name in _FIELDS}
        assert counts(document) == want, (truth.path, sorted(truth.hazards))
        hazards_seen |= set(truth.hazards)
    # the corpus exercised the hazards, so the agreement above means something
    assert {"quoted_cell_span", "row_span", "orphan_sub_activity", "name_only"} <= hazards_seen


def test_planted_copies_are_extracted_verbatim(tmp_path, seeds_dir):
    manifest = generate_corpus(tmp_path, 30, seed=4, vocabulary=seeds_dir)
    families = {family["id"]: family for family in manifest.families}
    checked = 0
    for truth in manifest.documents:
        if not truth.planted:
            continue
        by_line = {i.line: i for _, i in extract_file(tmp_path / truth.path).iter_indicators()}
        for copy in truth.planted:
            first = families[copy.family]["indicators"][0]
            indicator = by_line[copy.line]
            assert indicator.raw_name == first["name"]
            assert [indicator.raw_grades[g] for g in "优良中差"] == first["grades"]
            checked += 1
    assert checked >= 10
