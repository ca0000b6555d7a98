"""Indicator rows of the national templates read per format at precision and recall ≥ 0.98,
on generated corpora (several seeds, every hazard drawn) and on the hand-written fixtures.

The answer keys are written by ``kg synth --layout national`` from its own document model, or
by hand from the fixture text; extraction never touches them."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.extraction.evaluate import evaluate_folder
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
