"""The layered copy/template detector of duplicates.md (§0, §3, §4).

Layers, most certain first, on plain :class:`~kg.records.indicators.IndicatorRecord` objects:

1. **normalise** each name (N1–N4) and ladder (grades after N1, per position);
2. **exact**: records with the same (name key, ladder) form a name group — kinds (a), (a′), (a″);
3. **near**: candidate pairs of name groups on the same ladder, from blocking on
   (ladder, measure head, prefix/distinctive suffix/light-word mask); oversized blocks fall
   back to character 2-gram MinHash LSH (datasketch). Every candidate is verified by the
   edit relations (cosmetic affix, light-word swap, one inserted word) or the slot rule —
   kinds *edit* and (b); name groups with the same name whose distinctive ladders differ
   in one band are linked as *probable* copies;
4. **block**: sub-activities whose (name, ladder) item sets share ≥ 2 items with Jaccard ≥ 0.5,
   found by prefix filtering on rare items — kind (d), and the block-level clustering; rows
   with an empty ladder and the same name at the same position of two copied blocks are
   block copies too;
5. **cluster**: connected components of the typed, weighted evidence graph, with a bridge
   check that cuts a single link chaining two otherwise separate groups of names; each
   cluster gets a confidence (high / medium / low) from the weakest kind of link it needs;
6. **reused ladders**: a distinctive (non-standard) ladder used by at least two unrelated
   indicators (different copy families or singletons) is a :class:`ReusedLadder` finding of
   its own. It is not a copy relation (duplicates.md §3, revised note) and never joins or
   ranks a copy cluster.

The result keeps the evidence as a :class:`networkx.Graph` (nodes = record ids) so that
reports, the store write-back and the views all show *why* records were put together.

Scale (docs/duplicates.md "At scale"): the layers work on columns — distinct names and
ladders normalised once, groups and blocks as numpy arrays, evidence as bit sets — and the
networkx graphs are built on demand, so 1,000,000 records take well under a minute and two
gigabytes. Clusters are ranked confidence first, then by strength × spread.
"""

from __future__ import annotations

import gc
import hashlib
import math
import re
import time
from array import array
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations
from typing import Any

import networkx as nx
import numpy as np
from datasketch import MinHash, MinHashLSH
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from kg.duplicates.rules import (
    INVALID_ISSUES,
    LIGHT_WORDS,
    Ladder,
    StandardLadders,
    canonical_ladders,
    cosmetic_core,
    edit_relation,
    is_placeholder_ladder,
    light_mask,
    load_standard_ladders,
    low_rate_floor,
    measure_head,
    n1,
    one_band_edited,
    slot_frame,
    surface_and_name_keys,
    surface_key,
)
from kg.records.indicators import IndicatorRecord, _record_from_mapping

EDGE_WEIGHTS: dict[str, float] = {
    "exact": 1.0,
    "block": 0.9,
    "slot": 0.8,
    "edit": 0.75,
    "surface": 0.7,
    "jurisdiction": 0.7,
    "probable": 0.4,
}
"""Strength of each evidence type (duplicates.md §3.4), before the boilerplate discount."""

BOILERPLATE_DISCOUNT = 0.3
"""Factor on an edge whose ladder is a standard ladder: sharing it is weak evidence (§3.3)."""

MAX_EXTRA_EVIDENCE = 4
"""Evidence guard of :func:`detect`: links kept per member beyond a cluster's skeleton."""

KIND_ORDER = ("probable", "block", "slot", "edit", "jurisdiction", "surface", "exact")
"""Which kind names a cluster: the first of these among its links (a cluster that needs a
probable link is a probable cluster)."""

CONFIDENCE_LEVELS = ("low", "medium", "high")
"""Cluster and link confidence, weakest first (duplicates.md §3 note)."""

LINK_CONFIDENCE: dict[str, str] = {
    "exact": "high",
    "surface": "high",
    "jurisdiction": "high",
    "slot": "medium",
    "edit": "medium",
    "block": "medium",
    "probable": "low",
}
"""Confidence of a link by its strongest kind; any non-probable link on an invalid ladder
(a shared defect) is high."""


@dataclass
class Cluster:
    """One family of copied indicators, with the evidence that holds it together."""

    id: int
    kind: str  # verbatim | surface | jurisdiction | edit | slot | block | probable
    score: float
    template: str
    members: list[str]
    fillers: dict[str, str]
    ladders: list[Ladder]
    standard_ladder: bool
    departments: list[str]
    documents: list[str]
    edges: list[tuple[str, str, str, float]]
    flags: list[str] = field(default_factory=list)
    related: list[str] = field(default_factory=list)  # left-over ids sharing a ladder
    ladder_issues: list[str] = field(default_factory=list)  # invalid-ladder reasons (§3.3)
    edge_kinds: list[tuple[str, ...]] = field(default_factory=list, repr=False)  # kinds per edge
    edge_boilerplate: list[bool] = field(default_factory=list, repr=False)
    confidence: str = "high"  # high | medium | low: the weakest link the cluster needs
    edge_confidence: list[str] = field(default_factory=list, repr=False)

    @property
    def confidence_rank(self) -> int:
        """0 (low) … 2 (high), for sorting and ``--min-confidence``."""
        return CONFIDENCE_LEVELS.index(self.confidence)

    @property
    def weakest_edge(self) -> tuple[str, str, str, float] | None:
        return min(self.edges, key=lambda edge: edge[3]) if self.edges else None


@dataclass
class ReusedLadder:
    """A distinctive ladder shared by unrelated indicators: templated thresholds.

    Not a copy family (duplicates.md §3, revised note): the indicators were filled in from one
    ladder template, not copied from each other. ``units`` counts the unrelated indicators —
    copy families and single indicators — on the ladder; ``members`` lists every occurrence.
    """

    id: int
    ladder: Ladder
    members: list[str]
    units: int
    departments: list[str]
    documents: list[str]
    defective: bool
    ladder_issues: list[str]
    clusters: list[int]  # copy clusters among the users (by cluster id)

    @property
    def score(self) -> float:
        """Rank: unrelated indicators × (1 + log2 departments), doubled when defective."""
        spread = 1 + math.log2(max(1, len(self.departments)))
        return round(self.units * spread * (2 if self.defective else 1), 4)


@dataclass
class BlockCluster:
    """Sub-activity instances whose indicator lists were copied from one another."""

    id: int
    sub_ids: list[str]
    departments: list[str]
    shared_items: int
    min_jaccard: float


@dataclass
class DuplicateResult:
    """Clusters, the typed evidence graphs and per-layer statistics of one detector run."""

    records: list[IndicatorRecord]
    clusters: list[Cluster]
    block_clusters: list[BlockCluster]
    stats: dict[str, Any]
    block_edges: list[tuple[str, str, int, float]] = field(default_factory=list, repr=False)
    reused_ladders: list[ReusedLadder] = field(default_factory=list)
    _graph: nx.Graph | None = field(default=None, repr=False)

    def filtered(self, min_confidence: str) -> list[Cluster]:
        """The clusters at or above ``min_confidence`` (``low``, ``medium`` or ``high``)."""
        if min_confidence not in CONFIDENCE_LEVELS:
            raise ValueError(f"confidence must be one of {', '.join(CONFIDENCE_LEVELS)}")
        floor = CONFIDENCE_LEVELS.index(min_confidence)
        return [c for c in self.clusters if c.confidence_rank >= floor]

    @property
    def block_graph(self) -> nx.Graph:
        """Sub-activity instances linked by a block copy (edges with ``shared`` items and
        ``jaccard``). Built on first use from :attr:`block_edges`."""
        graph = nx.Graph()
        graph.add_edges_from(
            (sub, other, {"shared": shared, "jaccard": jaccard})
            for sub, other, shared, jaccard in self.block_edges
        )
        return graph

    @property
    def graph(self) -> nx.Graph:
        """The typed evidence graph: nodes = record ids (department, where, text), edges with
        ``kind``, ``kinds``, ``weight`` and ``boilerplate``. Built on first use, in bulk."""
        if self._graph is None:
            by_id = self.by_id()
            graph = nx.Graph()
            nodes = dict.fromkeys(m for c in self.clusters for e in c.edges for m in e[:2])
            graph.add_nodes_from(
                (n, {"department": by_id[n].department, "where": by_id[n].where,
                     "text": by_id[n].text})
                for n in nodes
            )  # fmt: skip
            graph.add_edges_from(
                (u, v, {"kind": kind, "kinds": kinds, "weight": weight, "boilerplate": boiler,
                        "confidence": conf})
                for c in self.clusters
                for (u, v, kind, weight), kinds, boiler, conf in zip(
                    c.edges, c.edge_kinds, c.edge_boilerplate, c.edge_confidence, strict=True
                )
            )  # fmt: skip
            self._graph = graph
        return self._graph

    def assignments(self) -> dict[str, int | None]:
        """``{record id: cluster id or None}`` for every input record, in input order."""
        cluster_of = {member: c.id for c in self.clusters for member in c.members}
        return {r.id: cluster_of.get(r.id) for r in self.records}

    def block_assignments(self) -> dict[str, int | None]:
        """``{sub_id: block cluster id or None}`` for every sub-activity instance."""
        cluster_of = {sub: b.id for b in self.block_clusters for sub in b.sub_ids}
        subs = dict.fromkeys(r.sub_id for r in self.records if r.sub_id)
        return {sub: cluster_of.get(sub) for sub in subs}

    def by_id(self) -> dict[str, IndicatorRecord]:
        return {r.id: r for r in self.records}

    def node_link(self) -> dict[str, Any]:
        """The evidence graph as node-link JSON (``networkx.node_link_data``)."""
        return nx.node_link_data(self.graph, edges="edges")


def as_record(value: IndicatorRecord | Mapping[str, Any]) -> IndicatorRecord:
    """Accept records or plain dicts in the ``--input`` format."""
    if isinstance(value, IndicatorRecord):
        return value
    return _record_from_mapping(value, "<records>", 0)


# --- helpers -------------------------------------------------------------------------------


_LIGHT_PATTERN = re.compile("|".join(LIGHT_WORDS))
_MASK = "\x00"


def _masked_keys(keys: Sequence[str]) -> list[str]:
    """Each key with its light words blanked out character for character (same length)."""
    if not keys:
        return []
    joined = "\n".join(keys)
    masked = _LIGHT_PATTERN.sub(lambda m: _MASK * len(m.group()), joined)
    return masked.split("\n")


def _distinct_suffixes(key: str, masked: str, head: str | None) -> tuple[str | None, str | None]:
    """The shortest suffixes holding the head plus 1 and plus 2 non-light characters."""
    stem = masked[: len(key) - len(head or "")].rstrip(_MASK)
    if not stem:
        return None, None
    one = key[len(stem) - 1 :]
    stem = stem[:-1].rstrip(_MASK)
    return one, (key[len(stem) - 1 :] if stem else None)


def _bigrams(key: str) -> set[bytes]:
    return {key[i : i + 2].encode() for i in range(max(1, len(key) - 1))}


def _pairs_in_bucket(keys: Sequence[str], max_bucket: int, stats: dict[str, int]):
    """Candidate index pairs inside one block: all pairs, or MinHash LSH when oversized."""
    if len(keys) <= max_bucket:
        yield from combinations(range(len(keys)), 2)
        return
    stats["minhash_blocks"] += 1
    lsh = MinHashLSH(threshold=0.3, num_perm=64)
    hashes = MinHash.bulk([_bigrams(k) for k in keys], num_perm=64)
    for i, mh in enumerate(hashes):
        lsh.insert(i, mh, check_duplication=False)
    for i, mh in enumerate(hashes):
        for j in lsh.query(mh):
            if j > i:
                yield i, j


# --- the detector -------------------------------------------------------------------------


@dataclass
class _Core:
    """The partition of one run in columnar form (arrays and ids, no per-record objects).

    ``detect`` turns it into clusters with evidence; ``partition`` only reads the labels.
    Group ``g`` is one (name key, ladder) pair; its records are
    ``member_order[member_start[g] : member_start[g] + group_size[g]]`` in input order.
    """

    recs: list[IndicatorRecord]
    surface_of_text: list[str]
    record_text: np.ndarray
    record_ladder: np.ndarray
    ladder_list: list[Ladder]
    standard: list[bool]
    record_group: np.ndarray
    group_key: list[str]
    group_ladder: np.ndarray
    group_size: np.ndarray
    member_order: np.ndarray
    member_start: np.ndarray
    record_key: np.ndarray
    group_graph: nx.Graph
    flags_of: dict[int, list[str]]
    name_families: list[list[int]]
    empty_families: list[list[int]]  # empty-ladder rows at one position of copied blocks
    empty_links: list[tuple[int, int]]
    leftover_ladder: np.ndarray  # left-over records on non-standard ladders, sorted by ladder
    leftover_record: np.ndarray
    block_sets: dict[str, dict[int, int]]
    block_edges: list[tuple[str, str, int, float]]
    stats: dict[str, Any]
    timings: dict[str, float]

    def members(self, gid: int) -> list[int]:
        start = self.member_start[gid]
        return self.member_order[start : start + self.group_size[gid]].tolist()

    def leftovers_on(self, lid: int) -> list[int]:
        """Left-over records (not in a name family) on the non-standard ladder ``lid``."""
        lo, hi = np.searchsorted(self.leftover_ladder, [lid, lid + 1])
        return self.leftover_record[lo:hi].tolist()


def _distinct_ids(values: Iterable[Hashable]) -> tuple[np.ndarray, list]:
    """Each value's index among the distinct values (first-appearance order), and those."""
    ids: dict[Hashable, int] = {}
    codes = np.fromiter((ids.setdefault(v, len(ids)) for v in values), dtype=np.int64)
    return codes, list(ids)


def _runs(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Stable sort order of ``keys`` and the start/end of every run of equal keys in it."""
    order = np.argsort(keys, kind="stable")
    if not len(keys):
        return order, order, order
    ordered = keys[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    ends = np.r_[starts[1:], len(keys)]
    return order, starts, ends


def _normalise_and_group(recs: Sequence[IndicatorRecord], std: StandardLadders) -> dict[str, Any]:
    """Layer 1–2: N1–N4 on every distinct name, canonical ladders on every distinct raw
    ladder, and the (name key, ladder) groups as arrays. Names and ladders are normalised
    once per distinct value: large sets repeat both a lot."""
    record_text, texts = _distinct_ids(r.text for r in recs)
    surface_of_text, key_of_text = surface_and_name_keys(texts)
    del texts
    text_key, key_list = _distinct_ids(key_of_text)
    del key_of_text
    raw_of_record, raw_ladders = _distinct_ids(
        r.grades if type(r.grades) is tuple else tuple(r.grades) for r in recs
    )
    canonical_of_raw, ladder_list = _distinct_ids(canonical_ladders(raw_ladders))
    del raw_ladders
    record_ladder = canonical_of_raw[raw_of_record]
    del raw_of_record
    placeholder = np.fromiter((is_placeholder_ladder(lad) for lad in ladder_list), dtype=bool)
    record_key = text_key[record_text]
    empty_key = key_list.index("") if "" in key_list else -1
    eligible = np.flatnonzero((record_key != empty_key) & ~placeholder[record_ladder])
    codes = record_key[eligible] * len(ladder_list) + record_ladder[eligible]
    _uniq, first, inverse = np.unique(codes, return_index=True, return_inverse=True)
    rank = np.empty(len(first), dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(len(first))  # first-appearance order
    record_group = np.full(len(recs), -1, dtype=np.int64)
    record_group[eligible] = rank[inverse.reshape(-1)]
    group_first = np.empty(len(first), dtype=np.int64)
    group_first[rank] = eligible[first]
    member_order = eligible[np.argsort(record_group[eligible], kind="stable")]
    group_size = np.bincount(record_group[eligible], minlength=len(first))
    member_start = np.r_[0, np.cumsum(group_size)[:-1]] if len(first) else group_size
    return {
        "surface_of_text": surface_of_text,
        "record_text": record_text,
        "record_ladder": record_ladder,
        "ladder_list": ladder_list,
        # A single value is no ladder (a project table's target, a row with one grade): it is
        # weak evidence like a standard ladder and never a reused ladder.
        "standard": [
            ladder in std or sum(1 for band in ladder if band) <= 1 for ladder in ladder_list
        ],
        "record_group": record_group,
        "record_key": record_key,
        "key_list": key_list,
        "group_key": [key_list[k] for k in record_key[group_first].tolist()],
        "group_ladder": record_ladder[group_first],
        "group_size": group_size,
        "member_order": member_order,
        "member_start": member_start,
    }


_head_of = measure_head.__wrapped__  # uncached: a million keys would only fill the cache


def near_block_keys(key: str, mask: str, ladder: Hashable) -> list[tuple]:
    """The near-layer blocks of one name group (see :func:`_near_edges`): shared with the
    Spark path (:mod:`kg.duplicates.spark`), which groups on these keys instead of hashes.

    ``key`` is the group's name key (4+ characters), ``mask`` the key with its light words
    blanked (:func:`_masked_keys`), ``ladder`` anything that identifies the group's ladder.
    """
    head = _head_of(key)
    blocks: list[tuple] = [(ladder, head, 2, key[:2])]
    core = cosmetic_core(key)
    if core != key:  # meets the bare name in the bare name's prefix block
        blocks.append((ladder, head, 2, core[:2]))
    if _MASK in mask:  # holds a light word: may be a light-word swap of another name
        blocks.append((ladder, head, 3, light_mask(core)))
    one, two = _distinct_suffixes(key, mask, head)
    if one is not None:
        blocks.append((ladder, head, 1, key[0], one))
    if two is not None:
        blocks.append((ladder, head, 0, two))
    return blocks


def near_kind(a: str, b: str) -> str | None:
    """The verified near relation of two name keys on one ladder: ``edit``, ``slot`` or none."""
    if edit_relation(a, b):
        return "edit"
    if slot_frame(a, b):
        return "slot"
    return None


def _near_edges(
    group_key: Sequence[str], group_ladder: np.ndarray, max_bucket: int, stats: dict[str, Any]
) -> dict[tuple[int, int], str]:
    """Layer 3: verified ``edit`` and ``slot`` pairs of name groups on one ladder.

    Every group of 4+ characters goes into up to five blocks keyed on (ladder, measure
    head, …): its 2-character prefix, and that of its name without cosmetic affixes; its
    first character plus its shortest suffix holding one non-light character before the
    head; its shortest suffix holding two; and, when it holds a light word, its light-word
    mask (cosmetic affixes dropped). A slot pair has ≥ 2 distinctive frame characters, so it
    shares one of the prefix and suffix blocks; a one-word insertion keeps the first two
    characters; a cosmetic variant meets the bare name in the bare name's prefix block; a
    light-word swap shares the mask block. Block keys are hashed into
    one int64 column and grouped by sorting (no dict of lists per block); a hash collision
    can only add candidates, and every candidate is verified (same ladder, then
    :func:`~kg.duplicates.rules.edit_relation`, then the slot rule), so it never changes the
    result.
    """
    block_hash = array("q")
    block_group = array("q")
    long_groups = [gid for gid, key in enumerate(group_key) if len(key) >= 4]
    masked = _masked_keys([group_key[gid] for gid in long_groups])
    ladders = group_ladder.tolist()
    for gid, mask in zip(long_groups, masked, strict=True):
        for block in near_block_keys(group_key[gid], mask, ladders[gid]):
            block_hash.append(hash(block))
            block_group.append(gid)
    del masked, long_groups
    hashes = np.frombuffer(block_hash, dtype=np.int64)
    groups = np.frombuffer(block_group, dtype=np.int64)
    order, starts, ends = _runs(hashes)
    edges: dict[tuple[int, int], str] = {}
    checked: set[int] = set()
    shift = max(1, len(group_key)).bit_length()
    candidates = 0
    for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
        if end - start < 2:
            continue
        members = groups[order[start:end]].tolist()
        bucket_keys = [group_key[g] for g in members]
        for i, j in _pairs_in_bucket(bucket_keys, max_bucket, stats):
            a, b = members[i], members[j]
            if a > b:
                a, b = b, a
            code = (a << shift) | b
            if code in checked:
                continue
            checked.add(code)
            candidates += 1
            if ladders[a] != ladders[b]:
                continue
            kind = near_kind(bucket_keys[i], bucket_keys[j])
            if kind:
                edges[(a, b)] = kind
    stats["slot_candidates"] = candidates
    return dict(sorted(edges.items()))


def _probable_edges(
    group_key: Sequence[str],
    group_ladder: np.ndarray,
    ladder_list: Sequence[Ladder],
    standard: Sequence[bool],
    subs_of: Callable[[int], set[str]],
    max_bucket: int,
) -> dict[tuple[int, int], str]:
    """Probable copies: name groups with the same name whose ladders are one ladder with one
    band edited (:func:`~kg.duplicates.rules.one_band_edited`), both distinctive — or, for a
    standard ladder, both in one sub-activity (the row duplicated and edited in place)."""
    by_key: dict[str, list[int]] = defaultdict(list)
    for gid, key in enumerate(group_key):
        by_key[key].append(gid)
    ladders = group_ladder.tolist()
    edges: dict[tuple[int, int], str] = {}
    for gids in by_key.values():
        if len(gids) < 2 or len(gids) > max_bucket:
            continue
        for a, b in combinations(gids, 2):
            la, lb = ladders[a], ladders[b]
            if not one_band_edited(ladder_list[la], ladder_list[lb]):
                continue
            if (standard[la] or standard[lb]) and not (subs_of(a) & subs_of(b)):
                continue
            edges[(a, b)] = "probable"
    return edges


def _empty_block_rows(
    recs: Sequence[IndicatorRecord],
    record_group: np.ndarray,
    record_key: np.ndarray,
    key_list: Sequence[str],
    block_edges: Sequence[tuple[str, str, int, float]],
) -> list[tuple[int, int]]:
    """Rows with an empty (placeholder) ladder and the same name at the same position of two
    copied blocks (duplicates.md §3 note): the copy of a row whose grades were never filled
    in. ``融资外出洽谈`` 000:1348 ~ 000:3380 in the block 000:1330 ~ 000:3366."""
    if not block_edges:
        return []
    copied = {sub for edge in block_edges for sub in edge[:2]}
    empty: dict[str, dict[tuple[int, int], int]] = defaultdict(dict)
    for index in np.flatnonzero(record_group < 0).tolist():
        record = recs[index]
        key = int(record_key[index])
        if record.sub_id in copied and key_list[key]:
            empty[record.sub_id].setdefault((record.pos, key), index)
    links = []
    for sub, other, _shared, _jaccard in block_edges:
        mine, theirs = empty.get(sub), empty.get(other)
        if mine and theirs:
            links.extend((i, theirs[at]) for at, i in mine.items() if at in theirs)
    return links


def _record_components(links: Sequence[tuple[int, int]]) -> list[list[int]]:
    """Connected components of record-index links, each sorted, in first-seen order."""
    graph = nx.Graph()
    graph.add_edges_from(links)
    return sorted((sorted(c) for c in nx.connected_components(graph)), key=lambda c: c[0])


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector: the detector builds millions of small containers
    and no cycles, and every full collection would rescan all of them (at a million records
    that made the report stage ten times slower)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _detect_core(
    records: Iterable[IndicatorRecord | Mapping[str, Any]],
    standard_ladders: Any,
    block_min_shared: int,
    block_min_jaccard: float,
    max_bucket: int,
    split_bridges: bool,
    block_edges: Sequence[tuple[str, str, int, float]] | None = None,
) -> _Core:
    """Everything :func:`detect` and :func:`partition` share, with the garbage collector
    paused by the caller: ``records`` as records (``core.recs``), grouped, linked, clustered."""
    recs = [as_record(r) for r in records]
    std = load_standard_ladders(standard_ladders)
    started = time.perf_counter()
    timings: dict[str, float] = {}
    stats: dict[str, Any] = {
        "records": len(recs),
        "minhash_blocks": 0,
        "parameters": {
            "block_min_shared": block_min_shared,
            "block_min_jaccard": block_min_jaccard,
            "standard_ladders": hashlib.sha256(
                "\n".join(sorted("|".join(ladder) for ladder in std.kinds)).encode()
            ).hexdigest()[:16],
        },
    }

    # 1–2. normalise; group by (name key, ladder)
    columns = _normalise_and_group(recs, std)
    group_key, group_ladder = columns["group_key"], columns["group_ladder"]
    group_size, standard = columns["group_size"], columns["standard"]
    stats["name_groups"] = len(group_key)
    stats["ineligible"] = int((columns["record_group"] < 0).sum())
    timings["normalise"] = time.perf_counter() - started

    key_list = columns.pop("key_list")

    # 3. edit and slot pairs between name groups on the same ladder; probable pairs between
    # name groups with the same name
    t0 = time.perf_counter()
    near_edges = _near_edges(group_key, group_ladder, max_bucket, stats)
    stats["slot_edges"] = sum(1 for kind in near_edges.values() if kind == "slot")
    stats["edit_edges"] = len(near_edges) - stats["slot_edges"]
    member_order, member_start = columns["member_order"], columns["member_start"]

    def subs_of(gid: int) -> set[str]:
        start = member_start[gid]
        return {recs[i].sub_id for i in member_order[start : start + group_size[gid]].tolist()}

    probable = _probable_edges(
        group_key, group_ladder, columns["ladder_list"], standard, subs_of, max_bucket
    )
    stats["probable_edges"] = len(probable)
    for pair, kind in probable.items():
        near_edges.setdefault(pair, kind)
    timings["near"] = time.perf_counter() - t0

    # 4. block layer on sub-activity item sets
    t0 = time.perf_counter()
    if block_edges is None:
        block_sets, block_edges = _block_layer(
            recs, columns["record_group"], group_key, block_min_shared, block_min_jaccard
        )
    else:  # verified over a larger corpus (the Spark path): only the item sets are local
        block_sets, block_edges = _block_sets(recs, columns["record_group"]), list(block_edges)
    stats["block_edges"] = len(block_edges)
    empty_links = _empty_block_rows(
        recs, columns["record_group"], columns["record_key"], key_list, block_edges
    )
    del key_list
    empty_families = _record_components(empty_links)
    stats["empty_block_rows"] = sum(len(f) for f in empty_families)
    timings["block"] = time.perf_counter() - t0

    # 6 (name level). components of the group graph, with the chain check
    t0 = time.perf_counter()
    group_graph = nx.Graph()
    group_graph.add_nodes_from(np.flatnonzero(group_size > 1).tolist())
    group_graph.add_edges_from(
        (a, b, {"kind": kind, "weight": 2 if kind == "probable" else 1})
        for (a, b), kind in near_edges.items()
    )
    del near_edges
    flags_of: dict[int, list[str]] = {}
    if split_bridges:
        stats["bridges_cut"] = _split_chains(group_graph, flags_of)
    name_families = [sorted(c) for c in nx.connected_components(group_graph)]
    timings["components"] = time.perf_counter() - t0

    # left-over groups (outside every name family) on non-standard ladders: the "same
    # ladder, not a member" notes of a cluster
    in_family = np.zeros(len(group_key), dtype=bool)
    in_family[list(group_graph.nodes)] = True
    non_standard = ~np.array(standard, dtype=bool)
    left = np.flatnonzero(~in_family & non_standard[group_ladder])
    left_order = np.argsort(group_ladder[left], kind="stable")
    leftover_ladder = group_ladder[left][left_order]
    leftover_record = columns["member_order"][columns["member_start"][left[left_order]]]
    timings["core"] = time.perf_counter() - started
    return _Core(
        recs=recs,
        **columns,
        group_graph=group_graph,
        flags_of=flags_of,
        name_families=name_families,
        empty_families=empty_families,
        empty_links=empty_links,
        leftover_ladder=leftover_ladder,
        leftover_record=leftover_record,
        block_sets=block_sets,
        block_edges=block_edges,
        stats=stats,
        timings=timings,
    )


def partition(
    records: Iterable[IndicatorRecord | Mapping[str, Any]],
    *,
    standard_ladders: Any = None,
    block_min_shared: int = 2,
    block_min_jaccard: float = 0.5,
    max_bucket: int = 3000,
    split_bridges: bool = True,
) -> tuple[dict[str, int | None], dict[str, int | None]]:
    """The partition of :func:`detect` without the report: ``(assignments, block assignments)``.

    The same clusters as ``detect(...).assignments()`` and ``.block_assignments()``, but
    numbered in discovery order, and several times cheaper (no evidence, templates or
    scores): for label checks and generator guards that only need who is with whom.
    """
    with _collector_paused():
        core = _detect_core(
            records,
            standard_ladders,
            block_min_shared,
            block_min_jaccard,
            max_bucket,
            split_bridges,
        )
    recs = core.recs
    label = np.full(len(recs), -1, dtype=np.int64)
    for number, fam in enumerate(core.name_families, start=1):
        for gid in fam:
            label[core.members(gid)] = number
    offset = len(core.name_families) + 1
    for number, idxs in enumerate(core.empty_families, start=offset):
        label[idxs] = number
    assignments = {r.id: (None if c < 0 else c) for r, c in zip(recs, label.tolist(), strict=True)}
    block_of = {sub: b.id for b in _block_clusters(core) for sub in b.sub_ids}
    subs = dict.fromkeys(r.sub_id for r in recs if r.sub_id)
    return assignments, {sub: block_of.get(sub) for sub in subs}


def detect(
    records: Iterable[IndicatorRecord | Mapping[str, Any]],
    *,
    standard_ladders: Any = None,
    block_min_shared: int = 2,
    block_min_jaccard: float = 0.5,
    max_bucket: int = 3000,
    split_bridges: bool = True,
    max_extra_evidence: int = MAX_EXTRA_EVIDENCE,
    block_edges: Sequence[tuple[str, str, int, float]] | None = None,
) -> DuplicateResult:
    """Find copied and templated indicators (duplicates.md kinds a–d) among ``records``.

    Parameters
    ----------
    records : iterable of IndicatorRecord or dicts with the ``--input`` fields
    standard_ladders : path, mapping, list of ladders or None
        Boilerplate ladders (weak evidence, never a reused ladder); default: the bundled
        list of duplicates.md §3.3.
    block_min_shared, block_min_jaccard : the block-copy rule (kind d).
    max_bucket : blocks with more distinct names than this use MinHash LSH for candidates.
    split_bridges : cut a single slot link that chains two groups of names (see
        :func:`_split_chains`).
    max_extra_evidence : evidence guard. Every cluster keeps the links that hold it together
        (name stars, a spanning tree of its slot links); further slot and block links are
        kept up to ``max_extra_evidence`` per member (with a floor of 100 per cluster),
        the rest are dropped and the cluster is flagged ``evidence_capped``. The partition
        never changes; this only bounds memory when whole departments are copies of each
        other (a block copied *n* times has *n(n−1)/2* links per item).
    block_edges : the verified block pairs ``(sub, other, shared, jaccard)`` when they were
        found over a larger corpus than ``records`` (the Spark path finishes one connected
        component at a time, :mod:`kg.duplicates.spark`); default: found here.

    Examples
    --------
    >>> rows = [
    ...     {"id": "a", "text": "大型会议控制率", "grades": ["≥1%", "≥0.5%", "≥0.3%", "＜0.3%"]},
    ...     {"id": "b", "text": "大型会议控制率（%）", "grades": ["≥1%", "≥0.5%", "≥0.3%", "<0.3%"]},
    ...     {"id": "c", "text": "会议控制率", "grades": ["≥1%", "≥0.5%", "≥0.3%", "<0.3%"]},
    ... ]
    >>> result = detect(rows)
    >>> result.assignments()
    {'a': 1, 'b': 1, 'c': None}
    >>> result.clusters[0].kind, result.clusters[0].related
    ('surface', ['c'])
    """
    started = time.perf_counter()
    with _collector_paused():
        core = _detect_core(
            records,
            standard_ladders,
            block_min_shared,
            block_min_jaccard,
            max_bucket,
            split_bridges,
            block_edges,
        )
        recs = core.recs
        t0 = time.perf_counter()
        clusters, cluster_id = _clusters(core, max_extra_evidence)
        reused = _reused_ladders(core, cluster_id)
        block_clusters = _block_clusters(core)
    timings = core.timings
    timings["report"] = time.perf_counter() - t0
    timings["total"] = time.perf_counter() - started
    stats = core.stats
    stats["clusters"] = len(clusters)
    stats["clustered_records"] = sum(len(c.members) for c in clusters)
    stats["block_clusters"] = len(block_clusters)
    stats["reused_ladders"] = len(reused)
    stats["seconds"] = {k: round(v, 3) for k, v in timings.items()}
    return DuplicateResult(recs, clusters, block_clusters, stats, core.block_edges, reused)


def _reused_ladders(core: _Core, cluster_id: np.ndarray) -> list[ReusedLadder]:
    """Distinctive ladders used by at least two unrelated indicators, ranked defective first,
    then by unrelated indicators, departments and occurrences.

    An *unrelated indicator* is a copy cluster or a record in no cluster: the members of one
    copy family count once, so a copied row never inflates its ladder's reuse.
    """
    recs = core.recs
    non_standard = ~np.array(core.standard, dtype=bool)
    users = np.flatnonzero((core.record_group >= 0) & non_standard[core.record_ladder])
    order, starts, ends = _runs(core.record_ladder[users])
    found = []
    for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
        if end - start < 2:
            continue
        idxs = sorted(users[order[start:end]].tolist())
        owners = cluster_id[idxs].tolist()
        units = len({o for o in owners if o >= 0}) + sum(1 for o in owners if o < 0)
        if units < 2:
            continue
        issues = _invalid_ladder_issues(core, idxs)
        found.append(
            ReusedLadder(
                id=0,
                ladder=core.ladder_list[int(core.record_ladder[idxs[0]])],
                members=[recs[i].id for i in idxs],
                units=units,
                departments=sorted({recs[i].department for i in idxs}),
                documents=sorted({recs[i].source for i in idxs if recs[i].source}),
                defective=bool(issues),
                ladder_issues=issues,
                clusters=sorted({o for o in owners if o >= 0}),
            )
        )
    found.sort(
        key=lambda r: (-r.defective, -r.units, -len(r.departments), -len(r.members), r.members[0])
    )
    for number, item in enumerate(found, start=1):
        item.id = number
    return found


_KIND_BIT = {
    "exact": 1, "block": 2, "slot": 4, "surface": 8, "jurisdiction": 16, "edit": 32,
    "probable": 128,
}  # fmt: skip
_BY_WEIGHT = sorted(_KIND_BIT, key=lambda kind: -EDGE_WEIGHTS[kind])  # ties never share a link
_BOILERPLATE_BIT = 64


@lru_cache(maxsize=128)
def _link_summary(bits: int) -> tuple[str, float, tuple[str, ...], bool]:
    """(strongest kind, its weight, all kinds sorted, boilerplate) of a link's bit set."""
    kinds = [kind for kind in _BY_WEIGHT if bits & _KIND_BIT[kind]]
    boilerplate = bool(bits & _BOILERPLATE_BIT)
    weight = EDGE_WEIGHTS[kinds[0]] * (BOILERPLATE_DISCOUNT if boilerplate else 1.0)
    return kinds[0], round(weight, 3), tuple(sorted(kinds)), boilerplate


class _Evidence:
    """Typed evidence links of one cluster, at most ``cap`` of them beyond its skeleton.

    A link is one dict entry ``(a, b) -> kind bits | boilerplate bit`` (no per-link
    objects: a set where every department copies every other has millions of links). The
    link's kind is its strongest evidence type, its weight that type's strength (× the
    boilerplate discount), and ``(a, b)`` keeps the orientation of the first evidence seen.
    """

    __slots__ = ("cap", "dropped", "links")

    def __init__(self, cap: int):
        self.links: dict[tuple[int, int], int] = {}
        self.cap = cap
        self.dropped = 0

    def add(self, a: int, b: int, kind: str, boilerplate: bool, skeleton: bool = False) -> None:
        """Record a link; a link already present only gains the kind."""
        bits = _KIND_BIT[kind] | (_BOILERPLATE_BIT if boilerplate else 0)
        links = self.links
        existing = links.get((a, b))
        if existing is None:
            existing = links.get((b, a))
            if existing is not None:
                links[(b, a)] = existing | bits
                return
            if not skeleton:
                if self.cap <= 0:
                    self.dropped += 1
                    return
                self.cap -= 1
            links[(a, b)] = bits
            return
        links[(a, b)] = existing | bits


def _clusters(core: _Core, max_extra_evidence: int) -> tuple[list[Cluster], np.ndarray]:
    """Clusters with typed evidence, templates, scores and confidence, ranked confidence first,
    then strength × spread (ids 1, 2, … by rank), and the cluster id of every record (-1 for
    none)."""
    group_ladder = core.group_ladder.tolist()
    drafts: list[tuple[list[int], list[str], list[int]]] = []  # members, related, groups
    evidence: list[_Evidence] = []
    cluster_of_record: dict[int, int] = {}
    for fam in core.name_families:
        members, related, links = _name_family_draft(core, fam, group_ladder, max_extra_evidence)
        evidence.append(links)
        cluster_of_record.update(dict.fromkeys(members, len(drafts)))
        drafts.append((members, related, fam))
    empty_family_of = {}
    for idxs in core.empty_families:
        number = len(drafts)
        evidence.append(_Evidence(0))
        cluster_of_record.update(dict.fromkeys(idxs, number))
        empty_family_of.update(dict.fromkeys(idxs, number))
        drafts.append((idxs, [], []))
    for a, b in core.empty_links:
        evidence[empty_family_of[a]].add(a, b, "block", False, skeleton=True)
    _add_block_evidence(core, evidence, cluster_of_record, group_ladder)
    clusters = [
        _draft_cluster(core, members, related, fam, evidence[number])
        for number, (members, related, fam) in enumerate(drafts)
    ]
    core.stats["evidence_dropped"] = sum(links.dropped for links in evidence)
    return _ranked(clusters, [members for members, _related, _fam in drafts], len(core.recs))


def _name_family_draft(
    core: _Core, fam: list[int], group_ladder: list[int], max_extra_evidence: int
) -> tuple[list[int], list[str], _Evidence]:
    """One name family's members, the ids of the leftover records on its non-standard ladders,
    and its evidence: every group's records linked to the group's first (the skeleton), then
    the links between groups (a spanning tree of them in the skeleton when they exceed the
    cap)."""
    recs, standard = core.recs, core.standard
    group_members = {gid: core.members(gid) for gid in fam}
    members = [i for gid in fam for i in group_members[gid]]
    links = _Evidence(max(100, max_extra_evidence * len(members)))
    for gid in fam:
        first, *rest = group_members[gid]
        boilerplate = standard[group_ladder[gid]]
        text = recs[first].text
        for other in rest:
            kind = _name_edge_kind(text, recs[other].text)
            links.add(first, other, kind, boilerplate, skeleton=True)
    graph = core.group_graph
    slot_links = [(a, b) for a in fam for b in graph[a] if a < b]
    if len(slot_links) > links.cap:  # a spanning tree first, so the cluster stays connected
        tree = set(nx.minimum_spanning_edges(graph.subgraph(fam), data=False))
        tree = {(a, b) if a < b else (b, a) for a, b in tree}
        slot_links = sorted(tree) + [link for link in slot_links if link not in tree]
        skeleton_size = len(tree)
    else:
        skeleton_size = len(slot_links)
    for number_in, (a, b) in enumerate(slot_links):
        links.add(
            group_members[a][0],
            group_members[b][0],
            graph.edges[a, b]["kind"],
            standard[group_ladder[a]] and standard[group_ladder[b]],
            skeleton=number_in < skeleton_size,
        )
    related = sorted(
        {
            recs[i].id
            for lid in {group_ladder[gid] for gid in fam}
            if not standard[lid]
            for i in core.leftovers_on(lid)
        }
    )
    return members, related, links


def _add_block_evidence(
    core: _Core,
    evidence: list[_Evidence],
    cluster_of_record: dict[int, int],
    group_ladder: list[int],
) -> None:
    """Add a ``block`` link for every pair of records the block edges pair up (same group in
    two blocks that share lines), to the evidence of the first record's cluster."""
    standard, record_group = core.standard, core.record_group
    for sub, other, _shared, _jaccard in core.block_edges:
        mine, theirs = core.block_sets.get(sub, {}), core.block_sets.get(other, {})
        for gid, b_index in mine.items():
            a_index = theirs.get(gid)
            if a_index is not None:
                boilerplate = standard[group_ladder[record_group[a_index]]]
                evidence[cluster_of_record[a_index]].add(a_index, b_index, "block", boilerplate)


def _draft_cluster(
    core: _Core, members: list[int], related: list[str], fam: list[int], evidence: _Evidence
) -> Cluster:
    """One (not yet numbered) cluster from its members, related ids, groups and evidence."""
    standard = core.standard
    lids = sorted(set(core.record_ladder[members].tolist()))
    flags = sorted({f for gid in fam for f in core.flags_of.get(gid, [])})
    if evidence.dropped:
        flags.append("evidence_capped")
    issues = _invalid_ladder_issues(core, members)
    if issues:
        flags.append("invalid_ladder")
    return _make_cluster(
        members,
        related,
        evidence.links,
        core.recs,
        [core.surface_of_text[t] for t in core.record_text[members].tolist()],
        [core.ladder_list[lid] for lid in lids],
        any(standard[lid] for lid in lids),
        flags,
        issues,
    )


def _ranked(
    clusters: list[Cluster], members_of: list[list[int]], n_records: int
) -> tuple[list[Cluster], np.ndarray]:
    """The clusters ranked confidence first, then score, size and first member, numbered 1, 2,
    … by rank, and the cluster id of every record (-1 for none)."""
    order = sorted(
        range(len(clusters)),
        key=lambda n: (
            -clusters[n].confidence_rank,
            -clusters[n].score,
            -len(clusters[n].members),
            clusters[n].members[0],
        ),
    )
    cluster_id = np.full(n_records, -1, dtype=np.int64)
    ranked = []
    for number, n in enumerate(order, start=1):
        clusters[n].id = number
        cluster_id[members_of[n]] = number
        ranked.append(clusters[n])
    return ranked, cluster_id


def _invalid_ladder_issues(core: _Core, members: list[int]) -> list[str]:
    """Why the members' ladders are invalid: the issues the NLP stage recorded on the records
    (``extra["ladder_issues"]``, from the store or :func:`kg.nlp.analyze_scheme`) that are in
    :data:`INVALID_ISSUES`, plus :func:`low_rate_floor` on each (name, ladder)."""
    issues: set[str] = set()
    recs = core.recs
    for i in members:
        extra = recs[i].extra
        if extra:
            issues.update(INVALID_ISSUES.intersection(extra.get("ladder_issues", ())))
    pairs = {
        (core.group_key[g], int(core.group_ladder[g]))
        for g in set(core.record_group[members].tolist())
        if g >= 0
    }
    if any(low_rate_floor(key, core.ladder_list[lid]) for key, lid in pairs):
        issues.add("low_rate_floor")
    return sorted(issues)


def _name_edge_kind(a: str, b: str) -> str:
    """verbatim, a surface edit (N1–N3) or a jurisdiction swap (N4) between two names."""
    if a == b or n1(a).strip() == n1(b).strip():
        return "exact"
    if surface_key(a) == surface_key(b):
        return "surface"
    return "jurisdiction"


def _split_chains(group_graph: nx.Graph, flags_of: dict[int, list[str]]) -> int:
    """Cut slot bridges that chain two separate name groups (each side ≥ 2 name groups).

    A slot family is normally a clique (every pair satisfies the rule). A bridge whose removal
    leaves at least two name groups on each side, in a component that is not dense, means one
    link joins two families: Splink's chaining problem (``graph_metrics.md``). The two sides
    are kept apart and flagged ``split_bridge`` for review.
    """
    cut = 0
    for component in list(nx.connected_components(group_graph)):
        if len(component) < 4:
            continue
        sub = group_graph.subgraph(component)
        if nx.density(sub) >= 0.6:
            continue
        for u, v in sorted(nx.bridges(sub)):
            sub_copy = nx.Graph(sub)
            sub_copy.remove_edge(u, v)
            side = nx.node_connected_component(sub_copy, u)
            if len(side) >= 2 and len(component) - len(side) >= 2:
                group_graph.remove_edge(u, v)
                cut += 1
                for gid in component:
                    flags_of.setdefault(gid, []).append("split_bridge")
                break
    return cut


def _block_layer(
    recs: Sequence[IndicatorRecord],
    record_group: np.ndarray,
    group_key: Sequence[str],
    min_shared: int,
    min_jaccard: float,
) -> tuple[dict[str, dict[int, int]], list[tuple[str, str, int, float]]]:
    """Sub-activity pairs with ≥ ``min_shared`` shared items and Jaccard ≥ ``min_jaccard``.

    Items are name groups, i.e. (name key, ladder). Candidates come from prefix filtering:
    items are ordered rarest first and each set is indexed on the prefix that any set with
    Jaccard ≥ t must share, so boilerplate items never produce a quadratic posting list.
    Returns the item sets (``{sub_id: {group: first record}}``) and the verified pairs
    ``(sub, other, shared, jaccard)``.
    """
    sets = _block_sets(recs, record_group)
    frequency: dict[int, int] = defaultdict(int)
    for items in sets.values():
        for gid in items:
            frequency[gid] += 1
    index_of: dict[int, list[str]] = defaultdict(list)
    edges: list[tuple[str, str, int, float]] = []
    for sub, items in sets.items():
        if len(items) < min_shared:
            continue
        order = sorted(items, key=lambda g: (frequency[g], group_key[g]))
        prefix = len(order) - math.ceil(min_jaccard * len(order)) + 1
        candidates: set[str] = set()
        for gid in order[:prefix]:
            candidates.update(index_of[gid])
            index_of[gid].append(sub)
        mine = items.keys()
        for other in sorted(candidates):
            theirs = sets[other]
            shared = sum(1 for g in mine if g in theirs)
            union = len(mine) + len(theirs) - shared
            jaccard = shared / union
            if shared >= min_shared and jaccard >= min_jaccard:
                edges.append((sub, other, shared, round(jaccard, 3)))
    return sets, edges


def _block_sets(
    recs: Sequence[IndicatorRecord], record_group: np.ndarray
) -> dict[str, dict[int, int]]:
    """Each sub-activity's items: ``{sub_id: {name group: its first record there}}``."""
    sets: dict[str, dict[int, int]] = defaultdict(dict)
    for index, (record, gid) in enumerate(zip(recs, record_group.tolist(), strict=True)):
        if record.sub_id and gid >= 0:
            sets[record.sub_id].setdefault(gid, index)
    return dict(sets)


def _block_clusters(core: _Core) -> list[BlockCluster]:
    """Connected components of the block pairs (sparse components, not a networkx graph:
    a block copied into every department has a quadratic number of pairs)."""
    if not core.block_edges:
        return []
    sub_index: dict[str, int] = {}
    left = np.fromiter(
        (sub_index.setdefault(e[0], len(sub_index)) for e in core.block_edges), np.int64
    )
    right = np.fromiter(
        (sub_index.setdefault(e[1], len(sub_index)) for e in core.block_edges), np.int64
    )
    shared = np.fromiter((e[2] for e in core.block_edges), np.int64)
    jaccard = np.fromiter((e[3] for e in core.block_edges), np.float64)
    size = len(sub_index)
    adjacency = coo_matrix((np.ones(len(left)), (left, right)), shape=(size, size))
    _count, component = connected_components(adjacency, directed=False)
    edge_component = component[left]
    subs = list(sub_index)
    department_of = {r.sub_id: r.department for r in core.recs if r.sub_id}
    clusters = []
    order, starts, ends = _runs(component)
    edge_order, edge_starts, edge_ends = _runs(edge_component)
    for s, e, es, ee in zip(
        starts.tolist(), ends.tolist(), edge_starts.tolist(), edge_ends.tolist(), strict=True
    ):
        members = sorted(subs[i] for i in order[s:e].tolist())
        in_component = edge_order[es:ee]
        clusters.append(
            BlockCluster(
                id=0,
                sub_ids=members,
                departments=sorted({department_of.get(sub, "") for sub in members}),
                shared_items=int(shared[in_component].max()),
                min_jaccard=float(jaccard[in_component].min()),
            )
        )
    clusters.sort(key=lambda b: (-len(b.departments), -len(b.sub_ids), b.sub_ids[0]))
    for number, cluster in enumerate(clusters, start=1):
        cluster.id = number
    return clusters


def template_of(names: Sequence[str]) -> tuple[str, dict[str, str]]:
    """Drain-style template of names: ``P<X>S`` and the filler of each distinct name.

    >>> template_of(["会务接待工作完成率", "暑期接待工作完成率"])
    ('<X>接待工作完成率', {'会务接待工作完成率': '会务', '暑期接待工作完成率': '暑期'})
    """
    distinct = sorted(set(names))
    if len(distinct) == 1:
        return distinct[0], {}
    first, last = min(distinct), max(distinct)
    p = 0
    while p < min(len(first), len(last)) and first[p] == last[p]:
        p += 1
    shortest = min(len(n) for n in distinct)
    s = 0
    while s < shortest - p and len({n[len(n) - 1 - s] for n in distinct}) == 1:
        s += 1
    fillers = {n: n[p : len(n) - s] for n in distinct}
    return f"{distinct[0][:p]}<X>{distinct[0][len(distinct[0]) - s :]}", fillers


def _make_cluster(
    members: list[int],
    related: list[str],
    links: dict[tuple[int, int], int],
    recs: Sequence[IndicatorRecord],
    member_surface_keys: Sequence[str],
    ladders: list[Ladder],
    standard: bool,
    flags: list[str],
    ladder_issues: list[str],
) -> Cluster:
    ids = [recs[i].id for i in members]
    summaries = [_link_summary(bits) for bits in links.values()]
    edges = [
        (recs[a].id, recs[b].id, kind, weight)
        for (a, b), (kind, weight, _kinds, _boiler) in zip(links, summaries, strict=True)
    ]
    defect = bool(ladder_issues)
    edge_confidence = [
        "high" if defect and kind != "probable" else LINK_CONFIDENCE[kind]
        for kind, _weight, _kinds, _boiler in summaries
    ]
    confidence = _bottleneck(members, list(links), edge_confidence)
    kinds = {e[2] for e in edges}
    kind = next((k for k in KIND_ORDER if k in kinds), "exact")
    kind = "verbatim" if kind == "exact" else kind
    template, fillers = template_of(member_surface_keys)
    departments = sorted({recs[i].department for i in members})
    documents = sorted({recs[i].source for i in members if recs[i].source})
    strength = sum(e[3] for e in edges) / len(edges) if edges else 0.0
    spread = (1 + math.log2(max(1, len(departments)))) * (1 + math.log2(max(1, len(documents))))
    score = round(strength * spread, 4)
    return Cluster(
        id=0,
        kind=kind,
        score=score,
        template=template,
        members=ids,
        fillers=fillers,
        ladders=ladders,
        standard_ladder=standard,
        departments=departments,
        documents=documents,
        edges=edges,
        flags=flags,
        related=related,
        ladder_issues=ladder_issues,
        edge_kinds=[summary[2] for summary in summaries],
        edge_boilerplate=[summary[3] for summary in summaries],
        confidence=confidence,
        edge_confidence=edge_confidence,
    )


def _bottleneck(
    members: Sequence[int], links: Sequence[tuple[int, int]], levels: Sequence[str]
) -> str:
    """The highest confidence level whose links (that level or higher) alone connect all
    members: a cluster is only as certain as the weakest link it cannot do without."""
    ranks = [CONFIDENCE_LEVELS.index(level) for level in levels]
    weakest = min(ranks, default=0)
    for rank in range(len(CONFIDENCE_LEVELS) - 1, weakest, -1):
        graph = nx.Graph()
        graph.add_nodes_from(members)
        graph.add_edges_from(link for link, r in zip(links, ranks, strict=True) if r >= rank)
        if nx.is_connected(graph):
            return CONFIDENCE_LEVELS[rank]
    return CONFIDENCE_LEVELS[weakest]
