"""The scorer of duplicates.md §6.2: pairwise P/R/F1, B-cubed, ARI, per-kind recall,
hard-negative merge rate and block-level P/R/F1.

Predictions are ``{id: cluster or None}`` (records missing from the prediction count as
singletons), labels a :class:`~kg.duplicates.labels.Labels`.

>>> from kg.duplicates.labels import Labels
>>> labels = Labels(family={"a": "f", "b": "f", "c": None}, kind={"f": "slot"})
>>> score({"a": 1, "b": 1, "c": None}, labels)["pairwise"]["f1"]
1.0
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping
from math import comb
from typing import Any

from kg.duplicates.labels import Labels


def _clusters(assignment: Mapping[str, Any], items: list[str]) -> list[Hashable]:
    """Cluster id per item; singletons get a unique id of their own."""
    return [("c", assignment[i]) if assignment.get(i) is not None else ("s", i) for i in items]


def pairwise(pred: Mapping[str, Any], gold: Mapping[str, Any]) -> dict[str, float]:
    """Pairwise precision, recall and F1 from the contingency table, plus the ARI."""
    items = list(gold)
    p_ids, g_ids = _clusters(pred, items), _clusters(gold, items)
    joint = Counter(zip(p_ids, g_ids, strict=True))
    tp = sum(comb(n, 2) for n in joint.values())
    pred_pairs = sum(comb(n, 2) for n in Counter(p_ids).values())
    gold_pairs = sum(comb(n, 2) for n in Counter(g_ids).values())
    precision = tp / pred_pairs if pred_pairs else 1.0
    recall = tp / gold_pairs if gold_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    total = comb(len(items), 2)
    expected = pred_pairs * gold_pairs / total if total else 0.0
    maximum = (pred_pairs + gold_pairs) / 2
    ari = (tp - expected) / (maximum - expected) if maximum != expected else 1.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "ari": round(ari, 4),
        "true_pairs": tp,
        "predicted_pairs": pred_pairs,
        "gold_pairs": gold_pairs,
    }


def bcubed(
    pred: Mapping[str, Any], gold: Mapping[str, Any], subset: set[str] | None = None
) -> dict[str, float]:
    """B-cubed precision, recall and F1 (Bagga & Baldwin 1998), averaged over ``subset``."""
    items = list(gold)
    p_ids, g_ids = _clusters(pred, items), _clusters(gold, items)
    p_size, g_size = Counter(p_ids), Counter(g_ids)
    joint = Counter(zip(p_ids, g_ids, strict=True))
    chosen = [k for k, i in enumerate(items) if subset is None or i in subset]
    if not chosen:
        return {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    precision = sum(joint[(p_ids[k], g_ids[k])] / p_size[p_ids[k]] for k in chosen) / len(chosen)
    recall = sum(joint[(p_ids[k], g_ids[k])] / g_size[g_ids[k]] for k in chosen) / len(chosen)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def _per_kind(pred: Mapping[str, Any], labels: Labels) -> dict[str, dict[str, float]]:
    """Pairwise recall and the share of families found exactly, per planted kind."""
    members: dict[str, list[str]] = defaultdict(list)
    for item, family in labels.family.items():
        if family is not None:
            members[family].append(item)
    pred_members = _members(pred)
    by_kind: dict[str, list[str]] = defaultdict(list)
    for family, kind in labels.kind.items():
        if family in members:
            by_kind[kind].append(family)
    per_kind: dict[str, dict[str, float]] = {}
    for kind, families in sorted(by_kind.items()):
        gold_pairs = found = 0
        exact = 0
        for family in families:
            ids = members[family]
            gold_pairs += comb(len(ids), 2)
            clusters = Counter(pred.get(i) for i in ids if pred.get(i) is not None)
            found += sum(comb(n, 2) for n in clusters.values())
            first = pred.get(ids[0])
            exact += first is not None and pred_members[first] == set(ids)
        per_kind[kind] = {
            "families": len(families),
            "pairwise_recall": round(found / gold_pairs, 4) if gold_pairs else 1.0,
            "exact_family_rate": round(exact / len(families), 4),
        }
    return per_kind


def _members(pred: Mapping[str, Any]) -> dict[Any, set[str]]:
    members: dict[Any, set[str]] = defaultdict(set)
    for item, cluster in pred.items():
        if cluster is not None:
            members[cluster].add(item)
    return members


def _hard_negatives(pred: Mapping[str, Any], labels: Labels) -> dict[str, Any]:
    """How often each planted trap was merged with its anchor or with any copy family."""
    gold = labels.family
    pred_members = _members(pred)
    traps: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for item, (trap, anchor) in labels.traps.items():
        counts = traps[trap]
        counts[0] += 1
        cluster = pred.get(item)
        counts[1] += cluster is not None and cluster == pred.get(anchor)
        counts[2] += cluster is not None and any(
            gold.get(other) is not None for other in pred_members[cluster] if other != item
        )
    total = sum(c[0] for c in traps.values())
    return {
        "count": total,
        "merged_with_anchor": round(sum(c[1] for c in traps.values()) / total, 4) if total else 0.0,
        "merged_with_family": round(sum(c[2] for c in traps.values()) / total, 4) if total else 0.0,
        "per_trap": {
            trap: {"count": c[0], "merged_with_anchor": round(c[1] / c[0], 4)}
            for trap, c in sorted(traps.items())
        },
    }


def _reused_ladders(
    pred: Mapping[str, Any], reused_labels: Mapping[str, str], reused_pred: Mapping[str, Any] | None
) -> dict[str, Any]:
    """Planted reused-ladder groups: pairs wrongly put in one copy cluster, groups found whole."""
    groups: dict[str, list[str]] = defaultdict(list)
    for item, group in reused_labels.items():
        groups[group].append(item)
    pairs = sum(comb(len(ids), 2) for ids in groups.values())
    merged = sum(
        sum(comb(n, 2) for n in Counter(pred[i] for i in ids if pred.get(i) is not None).values())
        for ids in groups.values()
    )
    reused: dict[str, Any] = {
        "groups": len(groups),
        "copy_merged_pairs": round(merged / pairs, 4) if pairs else 0.0,
    }
    if reused_pred is not None:
        whole = sum(
            1
            for ids in groups.values()
            if reused_pred.get(ids[0]) is not None
            and all(reused_pred.get(i) == reused_pred[ids[0]] for i in ids)
        )
        reused["found_whole"] = round(whole / len(groups), 4)
    return reused


def score(
    pred: Mapping[str, Any],
    labels: Labels,
    block_pred: Mapping[str, Any] | None = None,
    reused_pred: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """All metrics of duplicates.md §6.2 for one prediction.

    Reused-ladder groups (``labels.reused``) are singletons for every copy metric: sharing a
    ladder is not a copy (duplicates.md §3, revised note). ``reused_pred`` (``{id: reused
    ladder id}``) adds ``reused_ladders``: the share of planted groups found whole in one
    predicted reused ladder, and the share of their pairs wrongly put in one copy cluster.
    """
    gold = labels.family
    result: dict[str, Any] = {"pairwise": pairwise(pred, gold), "bcubed": bcubed(pred, gold)}
    pred_size = Counter(v for v in pred.values() if v is not None)
    involved = {
        i
        for i in gold
        if gold[i] is not None or (pred.get(i) is not None and pred_size[pred[i]] > 1)
    }
    result["bcubed_involved"] = bcubed(pred, gold, involved)
    result["per_kind"] = _per_kind(pred, labels)
    result["hard_negatives"] = _hard_negatives(pred, labels)
    if block_pred is not None and labels.blocks:
        result["blocks"] = pairwise(block_pred, labels.blocks)
    if labels.reused:
        result["reused_ladders"] = _reused_ladders(pred, labels.reused, reused_pred)
    return result


def judged(
    pred: Mapping[str, Any], pairs: Iterable[tuple[str, str, bool]]
) -> dict[str, float | int]:
    """Pair-level precision and recall against hand-judged pairs ``(a, b, is_copy)``.

    A pair is *linked* when both ids are in one predicted cluster. Precision is the share of
    linked judged pairs judged copies, recall the share of judged copies linked; pairs nobody
    judged count for neither, and ``coverage`` is the share of all linked pairs among the
    judged ones (how much of what the detector links the judged set speaks for).

    >>> judged({"a": 1, "b": 1, "c": None}, [("a", "b", True), ("a", "c", True)])["recall"]
    0.5
    """
    pairs = list(pairs)
    linked = [
        is_copy for a, b, is_copy in pairs if pred.get(a) is not None and pred.get(a) == pred.get(b)
    ]
    copies = sum(1 for _a, _b, is_copy in pairs if is_copy)
    sizes = Counter(v for v in pred.values() if v is not None)
    all_linked = sum(comb(n, 2) for n in sizes.values())
    return {
        "pairs": len(pairs),
        "copies": copies,
        "linked": len(linked),
        "true_links": sum(linked),
        "precision": round(sum(linked) / len(linked), 4) if linked else 1.0,
        "recall": round(sum(linked) / copies, 4) if copies else 1.0,
        "coverage": round(len(linked) / all_linked, 4) if all_linked else 1.0,
    }
