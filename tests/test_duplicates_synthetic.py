"""Generator, label checker, scorer and the detector on generated sets (duplicates.md §6).

The generated labels are the planted families as constructed, never reconciled with the
detector: accidental relations between random names stay labelled "different" and cost
the detector precision. Only ``test_reconciled_labels_equal_the_rules`` reconciles, and only
against the brute-force reference (a consistency check of the generator, not a score).
"""

from __future__ import annotations

import pytest

from kg.duplicates import detect
from kg.duplicates.labels import check_labels, partition_disagreements, reference_partition
from kg.duplicates.rules import name_key
from kg.duplicates.scoring import pairwise, score
from kg.synth.copies import TRAPS, generate


@pytest.fixture(scope="module", params=[7, 2024, 31337])
def generated(request):
    records, labels = generate(request.param, 2500)
    return records, labels, detect(records)


def test_generator_is_deterministic():
    first, labels_first = generate(5, 600)
    second, labels_second = generate(5, 600)
    assert first == second
    assert labels_first.family == labels_second.family
    assert generate(6, 600)[0] != first


def test_unreconciled_labels_rarely_disagree_with_the_rules(generated):
    """Random recombination relates a few names by accident (at most 1% of the records)."""
    records, labels, _result = generated
    assert len(check_labels(records, labels)) <= 0.01 * len(records)


def test_reconciled_labels_equal_the_rules():
    records, labels = generate(11, 1500, reconcile=True)
    assert check_labels(records, labels) == []
    with pytest.raises(ValueError, match="brute-force"):
        generate(11, 10**6, reconcile=True)


def test_detector_reproduces_the_reference_partition(generated):
    records, _labels, result = generated
    reference = reference_partition(records)
    assert partition_disagreements(reference.family, result.assignments()) == []
    assert partition_disagreements(reference.blocks, result.block_assignments()) == []


def test_generated_set_covers_every_kind_and_trap(generated):
    records, labels, _result = generated
    kinds = set(labels.kind.values())
    assert {"verbatim", "surface", "jurisdiction", "edit", "slot", "block", "probable"} <= kinds
    assert "threshold" not in kinds and len(set(labels.reused.values())) >= 10
    assert {trap for trap, _anchor in labels.traps.values()} == set(TRAPS)
    assert len({r.department for r in records}) > 100
    assert any(b is not None for b in labels.blocks.values())


def test_scores_meet_the_targets(generated):
    """Against the unreconciled labels, reused-ladder groups counted as singletons."""
    _records, labels, result = generated
    reused = {m: r.id for r in result.reused_ladders for m in r.members}
    metrics = score(result.assignments(), labels, result.block_assignments(), reused)
    assert metrics["pairwise"]["f1"] >= 0.95
    recall = {kind: m["pairwise_recall"] for kind, m in metrics["per_kind"].items()}
    for kind in ("verbatim", "surface", "jurisdiction", "block", "edit"):
        assert recall[kind] >= 0.95, kind
    assert recall["slot"] >= 0.9 and recall["probable"] >= 0.9
    assert metrics["hard_negatives"]["merged_with_anchor"] <= 0.02
    assert metrics["blocks"]["f1"] >= 0.75
    # a shared ladder never makes a copy cluster, and each planted group is one reused ladder
    assert metrics["reused_ladders"]["copy_merged_pairs"] == 0.0
    assert metrics["reused_ladders"]["found_whole"] >= 0.85


def test_scorer_punishes_wrong_predictions(generated):
    records, labels, _result = generated
    everything_together = {r.id: 0 for r in records}
    nothing = {r.id: None for r in records}
    assert score(everything_together, labels)["pairwise"]["precision"] < 0.05
    assert score(nothing, labels)["pairwise"]["recall"] == 0.0
    merged = score(everything_together, labels)["hard_negatives"]["merged_with_anchor"]
    assert merged == 1.0


def test_pairwise_counts_on_a_small_example():
    gold = {"a": 1, "b": 1, "c": 1, "d": None}
    pred = {"a": "x", "b": "x", "c": None, "d": "x"}
    metrics = pairwise(pred, gold)
    assert (metrics["true_pairs"], metrics["predicted_pairs"], metrics["gold_pairs"]) == (1, 3, 3)
    assert metrics["precision"] == metrics["recall"] == pytest.approx(1 / 3, abs=1e-4)


def test_generated_set_is_not_solved_by_name_matching(generated):
    """Exact matching on normalised names alone must score clearly below the detector."""
    records, labels, result = generated
    by_name = {r.id: name_key(r.text) for r in records}
    metrics = score(by_name, labels)
    detector = score(result.assignments(), labels)["pairwise"]["f1"]
    assert metrics["pairwise"]["f1"] <= detector - 0.05
    assert metrics["per_kind"]["slot"]["pairwise_recall"] < 0.1  # slot names differ
    assert metrics["hard_negatives"]["per_trap"]["same_name"]["merged_with_anchor"] == 1.0


def test_generator_does_not_depend_on_the_hash_seed():
    """The same seed gives the same set in every process (str hashing is randomised)."""
    import os
    import subprocess
    import sys

    script = (
        "import hashlib\n"
        "from kg.synth.copies import generate\n"
        "records, labels = generate(3, 5000)\n"
        "rows = [(r.id, r.text, r.grades, r.sub_id) for r in records]\n"
        "print(hashlib.sha256(repr((rows, sorted(labels.family.items()))).encode()).hexdigest())\n"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": str(hash_seed)},
        ).stdout
        for hash_seed in (1, 2, 3)
    }
    assert len(digests) == 1
