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

from kg.duplicates.records import IndicatorRecord
from kg.duplicates.rules import (
    canonical_ladder,
    is_placeholder_ladder,
    load_standard_ladders,
    name_key,
    slot_frame,
)


@dataclass
class Labels:
    """A labelled partition: family per record, kind per family, traps and block families."""

    family: dict[str, str | None]
    kind: dict[str, str] = field(default_factory=dict)
    traps: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (trap, anchor id)
    blocks: dict[str, str | None] = field(default_factory=dict)  # sub_id -> block family

    def to_json(self) -> dict[str, Any]:
        return {
            "family": self.family,
            "kind": self.kind,
            "traps": {k: list(v) for k, v in self.traps.items()},
            "blocks": self.blocks,
        }


def reference_partition(
    records: Sequence[IndicatorRecord],
    *,
    standard_ladders: Any = None,
    block_min_shared: int = 2,
    block_min_jaccard: float = 0.5,
) -> Labels:
    """The partition the rules define (duplicates.md §3.2 precedence), computed naively."""
    std = load_standard_ladders(standard_ladders)
    groups: dict[tuple[str, tuple[str, ...]], list[str]] = defaultdict(list)
    for record in records:
        key, ladder = name_key(record.text), canonical_ladder(record.grades)
        if key and not is_placeholder_ladder(ladder):
            groups[(key, ladder)].append(record.id)
    graph = nx.Graph()
    group_list = list(groups)
    graph.add_nodes_from(range(len(group_list)))
    by_ladder: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for number, (_key, ladder) in enumerate(group_list):
        by_ladder[ladder].append(number)
    for numbers in by_ladder.values():
        for a, b in combinations(numbers, 2):
            if slot_frame(group_list[a][0], group_list[b][0]) is not None:
                graph.add_edge(a, b)
    family: dict[str, str | None] = {r.id: None for r in records}
    kind: dict[str, str] = {}
    leftovers: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for component in nx.connected_components(graph):
        ids = [i for number in component for i in groups[group_list[number]]]
        if len(ids) == 1:
            leftovers[group_list[next(iter(component))][1]].append(ids[0])
            continue
        name = f"n:{min(ids)}"
        kind[name] = "slot" if len(component) > 1 else "exact"
        for record_id in ids:
            family[record_id] = name
    for ladder, ids in leftovers.items():
        if len(ids) > 1 and ladder not in std:
            name = f"t:{min(ids)}"
            kind[name] = "threshold"
            for record_id in ids:
                family[record_id] = name
    blocks = reference_blocks(records, min_shared=block_min_shared, min_jaccard=block_min_jaccard)
    return Labels(family=family, kind=kind, blocks=blocks)


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
