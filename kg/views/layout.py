"""Positions and size limits for graph views, computed in Python so the browser never has to.

A browser that runs a physics simulation on thousands of nodes freezes; a layout computed once
with networkx does not. Trees get a tidy top-down layout, clusters a seeded spring layout per
connected component, packed in rows. Graphs above a node limit are reduced before they reach
the page: trees fold their deepest level into the parents, cluster graphs are split into pages.

>>> import networkx as nx
>>> tree = nx.DiGraph([("d", "a1"), ("d", "a2"), ("a1", "i1")])
>>> positions = tree_layout(tree)
>>> positions["d"][1] < positions["a1"][1] < positions["i1"][1]
True
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass

import networkx as nx

Position = tuple[float, float]

LEVEL_GAP = 170.0
"""Vertical distance between tree levels, in vis-network canvas units."""

SHELL_MAX_NODES = 16
"""Components up to this size get a hub-and-ring layout instead of a spring layout."""

LEAF_GAP = 90.0
"""Horizontal distance between neighbouring leaves of a tree."""


def tree_roots(graph: nx.DiGraph) -> list[Hashable]:
    """Nodes without a parent, in insertion order (a forest may have several)."""
    return [node for node in graph if graph.in_degree(node) == 0]


def tree_layout(
    graph: nx.DiGraph,
    leaf_gap: Callable[[Hashable], float] | float = LEAF_GAP,
    level_gap: float = LEVEL_GAP,
    aspect: float = 1.6,
) -> dict[Hashable, Position]:
    """Tidy top-down positions for a forest, wrapped into rows to fit a screen.

    Each root's child subtrees (e.g. a department's activities) get a tidy layout of their
    own: leaves side by side in document order, parents centred over their children. The
    subtrees are then packed in rows so the whole picture has roughly the given ``aspect``
    ratio instead of being one line thousands of leaves wide; the root sits above its rows.
    ``leaf_gap`` may be a function of the node, for example to pack grade bands closer.
    """
    gap = leaf_gap if callable(leaf_gap) else (lambda _node, width=leaf_gap: width)
    positions: dict[Hashable, Position] = {}
    visited: set[Hashable] = set()
    y_offset = 0.0
    for root in tree_roots(graph) or list(graph)[:1]:
        if root in visited:
            continue
        visited.add(root)
        blocks = []
        for child in graph.successors(root):
            if child in visited:
                continue
            local = _tidy(graph, child, gap, level_gap, visited)
            xs = [x for x, _ in local.values()]
            depth = max(y for _, y in local.values())
            blocks.append((local, min(xs), max(xs) - min(xs) + gap(child), depth))
        if not blocks:
            positions[root] = (0.0, y_offset)
            y_offset += level_gap
            continue
        block_height = max(depth for *_, depth in blocks) + 1.6 * level_gap
        total_width = sum(width for _, _, width, _ in blocks)
        rows = max(1, round(math.sqrt(total_width / (aspect * block_height))))
        row_limit = total_width / rows
        x_cursor, row_top, widest = 0.0, y_offset + level_gap, 0.0
        for local, min_x, width, _depth in blocks:
            if x_cursor > 0 and x_cursor + width > row_limit * 1.05:
                widest = max(widest, x_cursor)
                x_cursor, row_top = 0.0, row_top + block_height
            for node, (x, y) in local.items():
                positions[node] = (x_cursor + x - min_x, row_top + y)
            x_cursor += width
        widest = max(widest, x_cursor)
        positions[root] = (widest / 2, y_offset)
        y_offset = row_top + block_height + level_gap
    for node in graph:  # nodes only reachable through a cycle: park them below
        if node not in positions:
            positions[node] = (0.0, y_offset)
            y_offset += level_gap
    return positions


def _tidy(
    graph: nx.DiGraph,
    root: Hashable,
    gap: Callable[[Hashable], float],
    level_gap: float,
    visited: set[Hashable],
) -> dict[Hashable, Position]:
    """Classic tidy layout of one subtree, iterative so deep chains cannot hit recursion limits."""
    local: dict[Hashable, Position] = {}
    cursor = 0.0
    stack: list[tuple[Hashable, int, bool]] = [(root, 0, False)]
    while stack:
        node, depth, expanded = stack.pop()
        if expanded:
            xs = [local[c][0] for c in graph.successors(node) if c in local]
            if xs:
                x = (min(xs) + max(xs)) / 2
            else:
                x = cursor + gap(node) / 2
                cursor += gap(node)
            local[node] = (x, depth * level_gap)
            continue
        if node in visited:
            continue
        visited.add(node)
        stack.append((node, depth, True))
        children = [c for c in graph.successors(node) if c not in visited]
        stack.extend((child, depth + 1, False) for child in reversed(children))
    return local


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
