"""The layered copy/template detector of duplicates.md (§0, §3, §4).

Layers, most certain first, on plain :class:`~kg.duplicates.records.IndicatorRecord` objects:

1. **normalise** each name (N1–N4) and ladder (grades after N1, per position);
2. **exact**: records with the same (name key, ladder) form a name group — kinds (a), (a′), (a″);
3. **near**: candidate pairs of name groups on the same ladder, from blocking on
   (ladder, measure head, prefix/distinctive suffix); oversized blocks fall back to character
   2-gram MinHash LSH (datasketch). Every candidate is verified by the slot rule — kind (b);
4. **block**: sub-activities whose (name, ladder) item sets share ≥ 2 items with Jaccard ≥ 0.5,
   found by prefix filtering on rare items — kind (d), and the block-level clustering;
5. **threshold**: left-over records on a shared, non-standard ladder — kind (c);
6. **cluster**: connected components of the typed, weighted evidence graph, with a bridge
   check that cuts a single link chaining two otherwise separate groups of names.

The result keeps the evidence as a :class:`networkx.Graph` (nodes = record ids) so that
reports, the store write-back and the views all show *why* records were put together.
"""

from __future__ import annotations

import hashlib
import math
import re
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import networkx as nx
from datasketch import MinHash, MinHashLSH

from kg.duplicates.records import IndicatorRecord, _record_from_mapping
from kg.duplicates.rules import (
    LIGHT_WORDS,
    Ladder,
    canonical_ladders,
    is_placeholder_ladder,
    load_standard_ladders,
    measure_head,
    n1,
    slot_frame,
    surface_and_name_keys,
    surface_key,
)

EDGE_WEIGHTS: dict[str, float] = {
    "exact": 1.0,
    "block": 0.9,
    "slot": 0.8,
    "surface": 0.7,
    "jurisdiction": 0.7,
    "threshold": 0.5,
}
"""Strength of each evidence type (duplicates.md §3.4), before the boilerplate discount."""

BOILERPLATE_DISCOUNT = 0.3
"""Factor on an edge whose ladder is a standard ladder: sharing it is weak evidence (§3.3)."""

KIND_ORDER = ("block", "slot", "jurisdiction", "surface", "exact", "threshold")


@dataclass
class Cluster:
    """One family of copied indicators, with the evidence that holds it together."""

    id: int
    kind: str  # verbatim | surface | jurisdiction | slot | block | threshold
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
    edge_kinds: list[list[str]] = field(default_factory=list, repr=False)  # every kind per edge
    edge_boilerplate: list[bool] = field(default_factory=list, repr=False)

    @property
    def weakest_edge(self) -> tuple[str, str, str, float] | None:
        return min(self.edges, key=lambda edge: edge[3]) if self.edges else None


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
    block_graph: nx.Graph
    stats: dict[str, Any]
    _graph: nx.Graph | None = field(default=None, repr=False)

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
                (u, v, {"kind": kind, "kinds": kinds, "weight": weight, "boilerplate": boiler})
                for c in self.clusters
                for (u, v, kind, weight), kinds, boiler in zip(
                    c.edges, c.edge_kinds, c.edge_boilerplate, strict=True
                )
            )
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


def detect(
    records: Iterable[IndicatorRecord | Mapping[str, Any]],
    *,
    standard_ladders: Any = None,
    block_min_shared: int = 2,
    block_min_jaccard: float = 0.5,
    max_bucket: int = 3000,
    split_bridges: bool = True,
) -> DuplicateResult:
    """Find copied and templated indicators (duplicates.md kinds a–d) among ``records``.

    Parameters
    ----------
    records : iterable of IndicatorRecord or dicts with the ``--input`` fields
    standard_ladders : path, mapping, list of ladders or None
        Boilerplate ladders (weak evidence, never a threshold family); default: the bundled
        list of duplicates.md §3.3.
    block_min_shared, block_min_jaccard : the block-copy rule (kind d).
    max_bucket : blocks with more distinct names than this use MinHash LSH for candidates.
    split_bridges : cut a single slot link that chains two groups of names (see
        :func:`_split_chains`).

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
    timings: dict[str, float] = {}
    recs = [as_record(r) for r in records]
    std = load_standard_ladders(standard_ladders)
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

    # 1. normalise (column-wise); group by (name key, ladder)
    surface_keys, keys = surface_and_name_keys([r.text for r in recs])
    ladders = canonical_ladders([r.grades for r in recs])
    ladder_ids: dict[Ladder, int] = {}
    record_ladder = [ladder_ids.setdefault(ladder, len(ladder_ids)) for ladder in ladders]
    ladder_list: list[Ladder] = list(ladder_ids)
    placeholder = [is_placeholder_ladder(ladder) for ladder in ladder_list]
    group_of_key: dict[tuple[str, int], int] = {}
    group_members: list[list[int]] = []
    record_group = [-1] * len(recs)
    for index, key in enumerate(keys):
        lid = record_ladder[index]
        if not key or placeholder[lid]:
            continue
        gid = group_of_key.setdefault((key, lid), len(group_members))
        if gid == len(group_members):
            group_members.append([index])
        else:
            group_members[gid].append(index)
        record_group[index] = gid
    group_key = [key for key, _lid in group_of_key]
    group_ladder = [lid for _key, lid in group_of_key]
    del group_of_key, ladders
    standard = [ladder in std for ladder in ladder_list]
    stats["name_groups"] = len(group_key)
    stats["ineligible"] = record_group.count(-1)
    timings["normalise"] = time.perf_counter() - started

    # 2–3. slot pairs between name groups on the same ladder
    t0 = time.perf_counter()
    buckets: dict[tuple, list[int]] = defaultdict(list)
    long_groups = [gid for gid, key in enumerate(group_key) if len(key) >= 5]
    # |P|+|S| ≥ 4 plus two non-empty fillers needs at least 5 characters
    masked = _masked_keys([group_key[gid] for gid in long_groups])
    for gid, mask in zip(long_groups, masked, strict=True):
        key = group_key[gid]
        head = measure_head(key)
        lid = group_ladder[gid]
        buckets[(lid, head, 2, key[:2])].append(gid)
        one, two = _distinct_suffixes(key, mask, head)
        if one is not None:
            buckets[(lid, head, 1, key[0], one)].append(gid)
        if two is not None:
            buckets[(lid, head, 0, two)].append(gid)
    del masked, long_groups
    slot_edges: dict[tuple[int, int], tuple[str, str]] = {}
    checked: set[tuple[int, int]] = set()
    candidates = 0
    for members in buckets.values():
        if len(members) < 2:
            continue
        bucket_keys = [group_key[g] for g in members]
        for i, j in _pairs_in_bucket(bucket_keys, max_bucket, stats):
            pair = (members[i], members[j]) if members[i] < members[j] else (members[j], members[i])
            if pair in checked:
                continue
            checked.add(pair)
            candidates += 1
            frame = slot_frame(bucket_keys[i], bucket_keys[j])
            if frame is not None:
                slot_edges[pair] = frame
    del checked, buckets
    stats["slot_candidates"] = candidates
    stats["slot_edges"] = len(slot_edges)
    timings["near"] = time.perf_counter() - t0

    # 4. block layer on sub-activity item sets
    t0 = time.perf_counter()
    block_graph, block_links = _block_layer(
        recs, record_group, group_key, block_min_shared, block_min_jaccard
    )
    stats["block_edges"] = block_graph.number_of_edges()
    timings["block"] = time.perf_counter() - t0

    # 6 (name level). components of the group graph, with the chain check
    t0 = time.perf_counter()
    group_graph = nx.Graph()
    group_graph.add_nodes_from(g for g, m in enumerate(group_members) if len(m) > 1)
    group_graph.add_edges_from(slot_edges)
    flags_of: dict[int, list[str]] = {}
    if split_bridges:
        stats["bridges_cut"] = _split_chains(group_graph, flags_of)
    name_families = [sorted(c) for c in nx.connected_components(group_graph)]
    timings["components"] = time.perf_counter() - t0

    # 5. threshold layer on the left-overs
    t0 = time.perf_counter()
    in_family = group_graph.nodes
    leftovers_by_ladder: dict[int, list[int]] = defaultdict(list)
    for gid, members in enumerate(group_members):
        if gid not in in_family:
            leftovers_by_ladder[group_ladder[gid]].append(members[0])
    threshold_families = [
        idxs for lid, idxs in leftovers_by_ladder.items() if len(idxs) > 1 and not standard[lid]
    ]
    timings["threshold"] = time.perf_counter() - t0

    # typed evidence edges, grouped by cluster; the networkx graph is built only on demand
    t0 = time.perf_counter()
    drafts: list[tuple[list[int], str, list[str], list[int]]] = []
    cluster_of_record: dict[int, int] = {}
    edges: list[dict[tuple[int, int], list]] = []

    def add_edge(number: int, a: int, b: int, kind: str, boilerplate: bool) -> None:
        weight = EDGE_WEIGHTS[kind] * (BOILERPLATE_DISCOUNT if boilerplate else 1.0)
        pair = (a, b) if a < b else (b, a)
        existing = edges[number].get(pair)
        if existing is None:
            edges[number][pair] = [a, b, kind, weight, {kind}, boilerplate]
            return
        existing[4].add(kind)
        if weight > existing[3]:
            existing[2], existing[3] = kind, weight

    for fam in name_families:
        number = len(drafts)
        members = [i for gid in fam for i in group_members[gid]]
        edges.append({})
        cluster_of_record.update(dict.fromkeys(members, number))
        for gid in fam:
            first, *rest = group_members[gid]
            for other in rest:
                kind = _name_edge_kind(recs[first].text, recs[other].text)
                add_edge(number, first, other, kind, standard[group_ladder[gid]])
        for a in fam:
            for b in group_graph[a]:
                if a < b:
                    add_edge(
                        number,
                        group_members[a][0],
                        group_members[b][0],
                        "slot",
                        standard[group_ladder[a]],
                    )
        related = sorted(
            {
                recs[i].id
                for lid in {group_ladder[gid] for gid in fam}
                if not standard[lid]
                for i in leftovers_by_ladder.get(lid, ())
            }
        )
        drafts.append((members, "name", related, fam))
    for idxs in threshold_families:
        number = len(drafts)
        edges.append({})
        cluster_of_record.update(dict.fromkeys(idxs, number))
        first, *rest = idxs
        for other in rest:
            add_edge(number, first, other, "threshold", False)
        drafts.append((idxs, "threshold", [], []))
    for a_index, b_index in block_links:
        boilerplate = standard[group_ladder[record_group[a_index]]]
        add_edge(cluster_of_record[a_index], a_index, b_index, "block", boilerplate)

    clusters = [
        _make_cluster(
            members,
            layer,
            related,
            list(edges[number].values()),
            recs,
            surface_keys,
            [ladder_list[lid] for lid in sorted({record_ladder[i] for i in members})],
            any(standard[record_ladder[i]] for i in members),
            sorted({f for gid in fam for f in flags_of.get(gid, [])}),
        )
        for number, (members, layer, related, fam) in enumerate(drafts)
    ]
    clusters.sort(key=lambda c: (-c.score, -len(c.members), c.members[0]))
    for number, cluster in enumerate(clusters, start=1):
        cluster.id = number
    block_clusters = _block_clusters(block_graph, recs)
    timings["report"] = time.perf_counter() - t0
    timings["total"] = time.perf_counter() - started
    stats["clusters"] = len(clusters)
    stats["clustered_records"] = sum(len(c.members) for c in clusters)
    stats["block_clusters"] = len(block_clusters)
    stats["seconds"] = {k: round(v, 3) for k, v in timings.items()}
    return DuplicateResult(recs, clusters, block_clusters, block_graph, stats)


def _name_edge_kind(a: str, b: str) -> str:
    """verbatim, a surface edit (N1–N3) or a jurisdiction swap (N4) between two names."""
    if n1(a).strip() == n1(b).strip():
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
        for u, v in list(nx.bridges(sub)):
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
    record_group: Sequence[int],
    group_key: Sequence[str],
    min_shared: int,
    min_jaccard: float,
) -> tuple[nx.Graph, list[tuple[int, int]]]:
    """Sub-activity pairs with ≥ ``min_shared`` shared items and Jaccard ≥ ``min_jaccard``.

    Items are name groups, i.e. (name key, ladder). Candidates come from prefix filtering:
    items are ordered rarest first and each set is indexed on the prefix that any set with
    Jaccard ≥ t must share, so boilerplate items never produce a quadratic posting list.
    """
    sets: dict[str, dict[int, int]] = defaultdict(dict)  # sub_id -> {group: first record}
    for index, record in enumerate(recs):
        gid = record_group[index]
        if record.sub_id and gid >= 0:
            sets[record.sub_id].setdefault(gid, index)
    frequency: dict[int, int] = defaultdict(int)
    for items in sets.values():
        for gid in items:
            frequency[gid] += 1
    index_of: dict[int, list[str]] = defaultdict(list)
    ordered: dict[str, list[int]] = {}
    graph = nx.Graph()
    links: list[tuple[int, int]] = []
    for sub, items in sets.items():
        if len(items) < min_shared:
            continue
        order = sorted(items, key=lambda g: (frequency[g], group_key[g]))
        ordered[sub] = order
        prefix = len(order) - math.ceil(min_jaccard * len(order)) + 1
        candidates: set[str] = set()
        for gid in order[:prefix]:
            candidates.update(index_of[gid])
            index_of[gid].append(sub)
        mine = items.keys()
        for other in candidates:
            theirs = sets[other]
            shared = [g for g in mine if g in theirs]
            union = len(mine) + len(theirs) - len(shared)
            jaccard = len(shared) / union
            if len(shared) >= min_shared and jaccard >= min_jaccard:
                graph.add_edge(sub, other, shared=len(shared), jaccard=round(jaccard, 3))
                links.extend((theirs[g], items[g]) for g in shared)
    return graph, links


def _block_clusters(block_graph: nx.Graph, recs: Sequence[IndicatorRecord]) -> list[BlockCluster]:
    department_of = {r.sub_id: r.department for r in recs if r.sub_id}
    clusters = []
    for component in nx.connected_components(block_graph):
        sub = block_graph.subgraph(component)
        edges = list(sub.edges(data=True))
        clusters.append(
            BlockCluster(
                id=0,
                sub_ids=sorted(component),
                departments=sorted({department_of.get(s, "") for s in component}),
                shared_items=max(d["shared"] for _u, _v, d in edges),
                min_jaccard=min(d["jaccard"] for _u, _v, d in edges),
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
    layer: str,
    related: list[str],
    raw_edges: list[list],
    recs: Sequence[IndicatorRecord],
    surface_keys: Sequence[str],
    ladders: list[Ladder],
    standard: bool,
    flags: list[str],
) -> Cluster:
    ids = [recs[i].id for i in members]
    edges = [(recs[a].id, recs[b].id, kind, round(w, 3)) for a, b, kind, w, _k, _b in raw_edges]
    kinds = {e[2] for e in edges}
    if layer == "threshold":
        kind = "threshold"
    else:
        kind = next((k for k in KIND_ORDER if k in kinds), "exact")
        kind = "verbatim" if kind == "exact" else kind
    template, fillers = template_of([surface_keys[i] for i in members])
    if layer == "threshold":
        template = "<X> @ " + " / ".join(ladders[0])
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
        edge_kinds=[sorted(e[4]) for e in raw_edges],
        edge_boilerplate=[e[5] for e in raw_edges],
    )
