"""Positions and size limits for graph views, computed in Python so the browser never has to
run a physics simulation (which freezes on thousands of nodes).

Generic graphs get a seeded spring layout per connected component, packed in rows. Trees are
laid out by the page itself (``static/view.js``), because only the browser can measure label
widths, and it only lays out the nodes that are open. Graphs above a node limit are reduced
before they reach the page: trees fold their deepest level into the parents, cluster graphs
are split into pages.

>>> import networkx as nx
>>> positions = cluster_layout(nx.Graph([(1, 2), (3, 4)]))
>>> sorted(positions) == [1, 2, 3, 4]
True
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass

import networkx as nx

Position = tuple[float, float]

SHELL_MAX_NODES = 16
"""Components up to this size get a hub-and-ring layout instead of a spring layout."""


def tree_roots(graph: nx.DiGraph) -> list[Hashable]:
    """Nodes without a parent, in insertion order (a forest may have several)."""
    return [node for node in graph if graph.in_degree(node) == 0]


def cluster_layout(
    graph: nx.Graph,
    seed: int = 7,
    order: Callable[[set[Hashable]], float] | None = None,
    spacing: float = 60.0,
    row_width: float | None = None,
) -> dict[Hashable, Position]:
    """Spring layout per connected component (fixed seed), components packed in rows.

    Laying out components one by one keeps the cost near-linear in the number of components
    and stops unrelated clusters from pushing each other around. ``order`` ranks components
    (smallest value first); the default puts the largest components first.
    """
    undirected = graph.to_undirected(as_view=True) if graph.is_directed() else graph
    components = [set(c) for c in nx.connected_components(undirected)]
    components.sort(key=order if order is not None else (lambda c: -len(c)))
    total = sum(len(c) for c in components) or 1
    row_limit = row_width if row_width is not None else max(1200.0, math.sqrt(total) * spacing * 2)
    positions: dict[Hashable, Position] = {}
    x_cursor = y_cursor = row_height = 0.0
    for component in components:
        radius = spacing * max(0.6, math.sqrt(len(component)) * 0.75)
        if len(component) == 1:
            local = {next(iter(component)): (0.0, 0.0)}
        elif len(component) <= SHELL_MAX_NODES:
            # Small groups (a finding and its members): hub in the middle, the rest around it.
            # Same picture a spring layout converges to, at a fraction of the cost.
            sub = undirected.subgraph(component)
            hub = max(sorted(component, key=str), key=sub.degree)
            rest = sorted((n for n in component if n != hub), key=str)
            local = nx.shell_layout(sub, [[hub], rest], scale=radius)
        else:
            sub = undirected.subgraph(component)
            local = nx.spring_layout(sub, seed=seed, scale=radius, iterations=60)
        box = 2 * radius + spacing
        if x_cursor > 0 and x_cursor + box > row_limit:
            x_cursor = 0.0
            y_cursor += row_height
            row_height = 0.0
        for node, (x, y) in local.items():
            positions[node] = (x_cursor + radius + float(x), y_cursor + radius + float(y))
        x_cursor += box
        row_height = max(row_height, box)
    return positions


@dataclass
class Reduction:
    """What a size limit did to a graph, for the notice shown on the page."""

    shown: int
    total: int
    message: str = ""
    page: int = 1
    pages: int = 1


def fold_deepest_levels(
    graph: nx.DiGraph, max_nodes: int, describe: Callable[[Hashable], str]
) -> Reduction:
    """Fold the deepest tree level into its parents until at most ``max_nodes`` remain (in place).

    A folded parent keeps the number of hidden descendants in ``hidden`` (a dict
    ``{kind-description: count}``), so nothing is silently lost: the page shows the counts and
    a notice says which levels were folded.
    """
    total = graph.number_of_nodes()
    folded_kinds: list[str] = []
    while graph.number_of_nodes() > max_nodes:
        depth = _depths(graph)
        deepest = max(depth.values())
        if deepest == 0:
            break
        leaves = [node for node, d in depth.items() if d == deepest]
        for leaf in leaves:
            description = describe(leaf)
            for parent in list(graph.predecessors(leaf)):
                hidden = graph.nodes[parent].setdefault("hidden", {})
                hidden[description] = hidden.get(description, 0) + 1
                for key, count in graph.nodes[leaf].get("hidden", {}).items():
                    hidden[key] = hidden.get(key, 0) + count
            if description not in folded_kinds:
                folded_kinds.append(description)
        graph.remove_nodes_from(leaves)
    shown = graph.number_of_nodes()
    message = ""
    if shown < total:
        message = (
            f"Showing {shown:,} of {total:,} nodes: "
            f"{', '.join(folded_kinds)} folded into their parents (counts in the details panel)."
        )
    return Reduction(shown=shown, total=total, message=message)


def page_components(
    graph: nx.Graph,
    max_nodes: int,
    page: int = 1,
    order: Callable[[set[Hashable]], float] | None = None,
) -> Reduction:
    """Keep one page of whole connected components, at most ``max_nodes`` nodes (in place).

    Components are ranked by ``order`` (default: largest first) and cut into consecutive pages.
    A single component above the limit is cut to the ``max_nodes`` nodes nearest its
    best-connected node, and the notice says so.
    """
    total = graph.number_of_nodes()
    undirected = graph.to_undirected(as_view=True) if graph.is_directed() else graph
    components = [set(c) for c in nx.connected_components(undirected)]
    components.sort(key=order if order is not None else (lambda c: -len(c)))
    pages: list[list[set[Hashable]]] = [[]]
    filled = 0
    for component in components:
        if filled + len(component) > max_nodes and pages[-1]:
            pages.append([])
            filled = 0
        pages[-1].append(component)
        filled += len(component)
    page = min(max(page, 1), len(pages))
    keep: set[Hashable] = set()
    truncated = False
    for component in pages[page - 1]:
        if len(component) > max_nodes:
            keep |= _nearest(undirected, component, max_nodes)
            truncated = True
        else:
            keep |= component
    graph.remove_nodes_from([node for node in list(graph) if node not in keep])
    shown = graph.number_of_nodes()
    parts = []
    if len(pages) > 1:
        parts.append(
            f"Page {page} of {len(pages)}: showing {shown:,} of {total:,} nodes "
            f"({len(pages[page - 1]):,} of {len(components):,} groups, largest first)."
        )
    if truncated:
        parts.append(f"A group larger than {max_nodes:,} nodes was cut to its central part.")
    return Reduction(shown, total, " ".join(parts), page, len(pages))


def _nearest(graph: nx.Graph, component: Iterable[Hashable], limit: int) -> set[Hashable]:
    nodes = list(component)
    centre = max(nodes, key=graph.degree)
    keep: set[Hashable] = set()
    for layer in nx.bfs_layers(graph, [centre]):
        for node in layer:
            if len(keep) >= limit:
                return keep
            keep.add(node)
    return keep


def _depths(graph: nx.DiGraph) -> dict[Hashable, int]:
    depth: dict[Hashable, int] = {}
    roots = tree_roots(graph) or list(graph)[:1]
    for layer_index, layer in enumerate(nx.bfs_layers(graph, roots)):
        for node in layer:
            depth.setdefault(node, layer_index)
    for node in graph:
        depth.setdefault(node, 0)
    return depth
