"""The label checker: re-derive the copy partition from the rules, by brute force.

This is the *reference* reading of duplicates.md §3, written for clarity rather than speed:
every pair of name groups on one ladder is tested with the slot rule, every pair of
sub-activities with the block rule, and the precedence of §3.2 is applied literally. It shares
only the rule functions of :mod:`kg.duplicates.rules` with the fast detector, so
:func:`check_labels` catches both a generator whose labels drift from the rules and a detector
whose blocking misses pairs (the tests compare all three).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import networkx as nx

from kg.duplicates.rules import (
    canonical_ladder,
    edit_relation,
    is_placeholder_ladder,
    load_standard_ladders,
    name_key,
    one_band_edited,
    slot_frame,
)
from kg.records.indicators import IndicatorRecord


@dataclass
class Labels:
    """A labelled partition: family per record, kind per family, traps and block families."""

    family: dict[str, str | None]
    kind: dict[str, str] = field(default_factory=dict)
    traps: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (trap, anchor id)
    blocks: dict[str, str | None] = field(default_factory=dict)  # sub_id -> block family
    reused: dict[str, str] = field(default_factory=dict)  # id -> reused-ladder group (no copy)

    def to_json(self) -> dict[str, Any]:
        return {
            "family": self.family,
            "kind": self.kind,
            "traps": {k: list(v) for k, v in self.traps.items()},
            "blocks": self.blocks,
            "reused": self.reused,
        }


def reference_partition(
    records: Sequence[IndicatorRecord],
    *,
    standard_ladders: Any = None,
    block_min_shared: int = 2,
    block_min_jaccard: float = 0.5,
) -> Labels:
    """The copy partition the rules define (duplicates.md §3 and its revised note), naively.

    Name groups (name key, ladder) are linked when, on one ladder, the names are an edit
    (:func:`~kg.duplicates.rules.edit_relation`) or a slot pair, and when, with one name, the
    ladders are one ladder with one band edited (both distinctive, or both rows in one
    sub-activity). Empty-ladder rows with one name at one position of two copied blocks are
    a family too. A shared ladder alone makes no family (reused ladders are not copies).
    """
    std = load_standard_ladders(standard_ladders)
    groups: dict[tuple[str, tuple[str, ...]], list[IndicatorRecord]] = defaultdict(list)
    for record in records:
        key, ladder = name_key(record.text), canonical_ladder(record.grades)
        if key and not is_placeholder_ladder(ladder):
            groups[(key, ladder)].append(record)
    group_list = list(groups)
    graph = _group_graph(groups, group_list, std)
    family: dict[str, str | None] = {r.id: None for r in records}
    kind: dict[str, str] = {}
    for component in nx.connected_components(graph):
        ids = [r.id for number in component for r in groups[group_list[number]]]
        if len(ids) == 1:
            continue
        name = f"n:{min(ids)}"
        kind[name] = "slot" if len(component) > 1 else "exact"
        for record_id in ids:
            family[record_id] = name
    blocks = reference_blocks(records, min_shared=block_min_shared, min_jaccard=block_min_jaccard)
    empty = _empty_ladder_links(records, blocks, block_min_shared, block_min_jaccard)
    for component in nx.connected_components(empty):
        name = f"e:{min(component)}"
        kind[name] = "block"
        for record_id in component:
            family[record_id] = name
    return Labels(family=family, kind=kind, blocks=blocks)


def _group_graph(
    groups: dict[tuple[str, tuple[str, ...]], list[IndicatorRecord]],
    group_list: list[tuple[str, tuple[str, ...]]],
    std: Any,
) -> nx.Graph:
    """The name groups (numbered as in ``group_list``) linked as the rules relate them: every
    pair of names on one ladder that is an edit or a slot pair, every pair of ladders under
    one name with one band edited (both distinctive, or rows of one sub-activity)."""
    graph = nx.Graph()
    graph.add_nodes_from(range(len(group_list)))
    by_ladder: dict[tuple[str, ...], list[int]] = defaultdict(list)
    by_key: dict[str, list[int]] = defaultdict(list)
    for number, (key, ladder) in enumerate(group_list):
        by_ladder[ladder].append(number)
        by_key[key].append(number)
    for numbers in by_ladder.values():  # every pair of names on one ladder
        for a, b in combinations(numbers, 2):
            key_a, key_b = group_list[a][0], group_list[b][0]
            if edit_relation(key_a, key_b) or slot_frame(key_a, key_b):
                graph.add_edge(a, b)
    for numbers in by_key.values():  # every pair of ladders under one name
        for a, b in combinations(numbers, 2):
            ladder_a, ladder_b = group_list[a][1], group_list[b][1]
            if not one_band_edited(ladder_a, ladder_b):
                continue
            same_sub = {r.sub_id for r in groups[group_list[a]]} & {
                r.sub_id for r in groups[group_list[b]]
            }
            if (ladder_a not in std and ladder_b not in std) or same_sub:
                graph.add_edge(a, b)
    return graph


def _empty_ladder_links(
    records: Sequence[IndicatorRecord],
    blocks: dict[str, str | None],
    min_shared: int,
    min_jaccard: float,
) -> nx.Graph:
    """Empty-ladder rows linked when they have one name at one position of two copied
    blocks."""
    empty = nx.Graph()
    by_sub: dict[str, dict[tuple[int, str], str]] = defaultdict(dict)
    for record in records:
        key = name_key(record.text)
        if record.sub_id and key and is_placeholder_ladder(canonical_ladder(record.grades)):
            by_sub[record.sub_id].setdefault((record.pos, key), record.id)
    for a, b in combinations(sorted(by_sub), 2):
        if blocks.get(a) is not None and _block_pair(records, a, b, min_shared, min_jaccard):
            empty.add_edges_from(
                (rid, by_sub[b][at]) for at, rid in by_sub[a].items() if at in by_sub[b]
            )
    return empty


def _items(records: Iterable[IndicatorRecord], sub: str) -> set[tuple[str, tuple[str, ...]]]:
    items = set()
    for record in records:
        key, ladder = name_key(record.text), canonical_ladder(record.grades)
        if record.sub_id == sub and key and not is_placeholder_ladder(ladder):
            items.add((key, ladder))
    return items


def _block_pair(
    records: Sequence[IndicatorRecord], a: str, b: str, min_shared: int, min_jaccard: float
) -> bool:
    """The block rule on two sub-activities, recomputed from the records (brute force)."""
    left, right = _items(records, a), _items(records, b)
    shared = len(left & right)
    return shared >= min_shared and shared / len(left | right) >= min_jaccard


def reference_blocks(
    records: Iterable[IndicatorRecord], *, min_shared: int = 2, min_jaccard: float = 0.5
) -> dict[str, str | None]:
    """Block families of sub-activities: components of the (shared, Jaccard) rule, all pairs."""
    items: dict[str, set[tuple[str, tuple[str, ...]]]] = defaultdict(set)
    for record in records:
        if not record.sub_id:
            continue
        key, ladder = name_key(record.text), canonical_ladder(record.grades)
        items.setdefault(record.sub_id, set())
        if key and not is_placeholder_ladder(ladder):
            items[record.sub_id].add((key, ladder))
    graph = nx.Graph()
    graph.add_nodes_from(items)
    for a, b in combinations(items, 2):
        shared = len(items[a] & items[b])
        if shared >= min_shared and shared / len(items[a] | items[b]) >= min_jaccard:
            graph.add_edge(a, b)
    blocks: dict[str, str | None] = {}
    for component in nx.connected_components(graph):
        name = f"b:{min(component)}" if len(component) > 1 else None
        for sub in component:
            blocks[sub] = name
    return blocks


def _co_members(partition: Mapping[str, Any]) -> dict[str, frozenset[str]]:
    members: dict[Any, set[str]] = defaultdict(set)
    for item, cluster in partition.items():
        if cluster is not None:
            members[cluster].add(item)
    return {
        item: frozenset(members[cluster]) if cluster is not None else frozenset({item})
        for item, cluster in partition.items()
    }


def partition_disagreements(expected: Mapping[str, Any], actual: Mapping[str, Any]) -> list[str]:
    """Items whose co-members differ between two partitions, one message each."""
    left, right = _co_members(expected), _co_members(actual)
    problems = []
    for item in expected:
        want, got = left[item], right.get(item, frozenset({item}))
        if want != got:
            missing = sorted(want - got)[:3]
            extra = sorted(got - want)[:3]
            problems.append(f"{item}: missing {missing} extra {extra}")
    return problems


def check_labels(
    records: Sequence[IndicatorRecord], labels: Labels, *, standard_ladders: Any = None
) -> list[str]:
    """Records (and sub-activities) whose label disagrees with the rules; empty when clean."""
    derived = reference_partition(records, standard_ladders=standard_ladders)
    problems = partition_disagreements(labels.family, derived.family)
    if labels.blocks:
        problems += [f"block {p}" for p in partition_disagreements(labels.blocks, derived.blocks)]
    return problems
