"""Indicator rows of the national templates read per format at precision and recall ≥ 0.98,
on generated corpora (several seeds, every hazard drawn) and on the hand-written fixtures.

The answer keys are written by ``kg synth --layout national`` from its own document model, or
by hand from the fixture text; extraction never touches them."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.extraction.evaluate import (
    ROW_FIELDS,
    comparable,
    evaluate_folder,
    expected_rows,
    score_rows,
)
from kg.synth.templates import FORMATS, generate_template_corpus

FIXTURES = Path(__file__).parent / "data" / "layouts"


@pytest.mark.parametrize("seed", [5, 23])
def test_every_format_reads_its_indicator_rows(seed, tmp_path):
    generate_template_corpus(tmp_path, 36, seed=seed, formats=FORMATS)
    scores, errors = evaluate_folder(tmp_path)
    assert errors == []
    assert sorted(scores) == sorted(FORMATS)
    for fmt, score in scores.items():
        assert score.expected > 20, fmt
        assert score.precision >= 0.98 and score.recall >= 0.98, (fmt, score.missed[:5])


def test_hand_written_fixtures():
    scores, errors = evaluate_folder(FIXTURES)
    assert errors == [] and scores
    for fmt, score in scores.items():
        assert score.precision >= 0.98 and score.recall >= 0.98, (fmt, score.missed[:5])


def test_scorer_counts_missing_and_spurious_rows_on_chosen_fields(tmp_path):
    manifest = generate_template_corpus(tmp_path, 2, seed=3, formats=["md"])
    answer = manifest["documents"][0]
    rows = expected_rows(answer)
    assert score_rows(rows, rows).f1 == 1.0
    short = score_rows(rows, rows[1:])
    assert (short.found, short.expected, short.extracted) == (
        len(rows) - 1,
        len(rows),
        len(rows) - 1,
    )
    assert short.missed == [tuple(comparable(rows[0].get(f, "")) for f in ROW_FIELDS)]
    wrong = [{**rows[0], "target": "≥1"}, *rows[1:]]
    assert score_rows(rows, wrong).spurious and score_rows(rows, wrong, ("name",)).f1 == 1.0


def test_scorer_folds_glyphs_and_digits_and_counts_rows_as_a_multiset():
    key = [
        {"level1": "产出指标", "level2": "数量指标", "name": "培训人次", "target": "≥500人次"},
        {
            "level1": "满意度指标",
            "level2": "服务对象满意度指标",
            "name": "满意度",
            "target": "≥90%",
        },
    ]
    found = [
        {"level1": "產出指標", "level2": "數量指標", "name": "培訓人次", "target": "≥５００人次"},
        {"level1": "產出指標", "level2": "數量指標", "name": "培訓人次", "target": "≥５００人次"},
        {"level1": "效益指标", "level2": "服务对象满意度指标", "name": "满意度", "target": "≥90%"},
    ]
    result = score_rows(key, found)
    assert (result.found, len(result.missed), len(result.spurious)) == (1, 1, 2)
    assert result.precision == pytest.approx(1 / 3) and result.recall == pytest.approx(1 / 2)
    assert score_rows([], []).f1 == 1.0
