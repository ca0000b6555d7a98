"""View (d): the ontology itself as a class diagram, and its code lists apart.

Read straight from the Turtle files (the single source of terms), so it works before any
document is ingested.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache
from pathlib import Path

import networkx as nx

from kg.graph.namespace import curie
from kg.graph.queries import read_rq
from kg.graph.structure import (
    OntologyScheme,
    OntologyStructure,
    is_datatype,
    ontology_structure,
)
from kg.views.render import Style, View, short_label

ONTOLOGY_STYLES = {
    "class": Style("pikg class", "#1f77b4", "box"),
    "external": Style("reused class (ORG, PROV, SKOS …)", "#7f7f7f", "box"),
    "scheme": Style("SKOS concept scheme (code list)", "#2ca02c", "box"),
}
ONTOLOGY_EDGES = {
    "subclass": Style("sub-class of", "#1f77b4"),
    "property": Style("object property: domain → range", "#ff7f0e", dashes=True),
}


@cache
def read_query(name: str) -> str:
    """The text of ``kg/views/queries/<name>.rq``."""
    return read_rq(Path(__file__).resolve().parent / "queries" / f"{name}.rq")


def ontology_graph(structure: OntologyStructure | None = None) -> nx.DiGraph:
    """The class diagram: classes as nodes, object properties as edges (domain → range),
    sub-class links, datatype properties in each class's details, SKOS schemes on their own.

    Drawn from :func:`kg.graph.structure.ontology_structure` (default: the Turtle files), the
    reading the SVG diagram of the reference pages draws too.
    """
    if structure is None:
        structure = ontology_structure()
    graph = nx.DiGraph()
    for iri, cls in structure.classes.items():
        graph.add_node(
            iri,
            kind="class",
            label=curie(iri).removeprefix("pi:"),  # pikg's own classes: the prefix is implied
            caption=short_label(cls.zh, 16),
            details=[
                ("IRI", iri),
                ("label", " / ".join(x for x in (cls.en, cls.zh) if x)),
                ("definition", cls.definition),
            ],
        )
    for iri, cls in structure.classes.items():
        for sup in (*cls.own_superclasses, *cls.external_superclasses):
            _ensure_class(graph, sup)
            graph.add_edge(iri, sup, kind="subclass", label="sub-class of")
    _add_properties(graph, structure)
    _grid(graph)
    _add_schemes(graph, structure.schemes)
    return graph


def _add_properties(graph: nx.DiGraph, structure: OntologyStructure) -> None:
    """Every property in its domains' details; an object property as an edge from each
    domain to each class of its range (one edge per pair, the property names joined); an object
    property with no declared domain in the details of the pikg classes of its range."""
    listed: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for prop in structure.properties.values():
        name = curie(prop.iri)
        targets = [curie(r) for r in prop.ranges] or ["(any)"]
        if prop.kind == "object" and not prop.domains:
            for target in filter(structure.is_own, prop.ranges):
                listed[target].append(("range of", f"object property {name} (no declared domain)"))
        for domain in prop.domains:
            listed[domain].append((f"{prop.kind} property {name}", ", ".join(targets)))
            if prop.kind != "object":
                continue
            for target in prop.ranges:
                if is_datatype(target):
                    continue
                _ensure_class(graph, domain)
                _ensure_class(graph, target)
                if not graph.has_edge(domain, target):
                    graph.add_edge(domain, target, kind="property", label=name)
                elif graph.edges[domain, target]["kind"] == "property":
                    graph.edges[domain, target]["label"] += " / " + name
    for iri, pairs in listed.items():
        if iri in graph:
            graph.nodes[iri]["details"].extend(pairs)


def _add_schemes(graph: nx.DiGraph, schemes: list[OntologyScheme]) -> None:
    """The SKOS schemes in rows of :data:`SCHEME_COLUMNS` below the classes."""
    for index, scheme in enumerate(schemes):
        codes = ", ".join(scheme.notations)
        graph.add_node(
            scheme.iri,
            kind="scheme",
            label=f"{short_label(scheme.zh or curie(scheme.iri), 16)} ({len(scheme.notations)})",
            details=[
                ("IRI", scheme.iri),
                ("scheme", curie(scheme.iri)),
                ("label", scheme.en),
                ("codes (skos:notation)", codes),
            ],
            cell=(index % SCHEME_COLUMNS, 100 + index // SCHEME_COLUMNS),
        )


SCHEME_COLUMNS = 6
"""The SKOS schemes sit in rows of this many below the class diagram (rows from 100 on)."""


def _ensure_class(graph: nx.DiGraph, iri: str) -> None:
    if iri not in graph:
        graph.add_node(iri, kind="external", label=curie(iri), details=[("IRI", iri)])


def _grid(graph: nx.DiGraph, columns: int = 6) -> None:
    """Give each class a grid cell near its place in a force layout, so linked classes sit
    close together while every box keeps a cell of its own (labels cannot collide)."""
    if not graph:
        return
    spread = nx.kamada_kawai_layout(graph.to_undirected(as_view=True))
    rows = -(-len(graph) // columns)
    xs = [x for x, _ in spread.values()]
    ys = [y for _, y in spread.values()]

    def scaled(value: float, low: float, high: float, cells: int) -> float:
        return (value - low) / ((high - low) or 1) * (cells - 1)

    free = {(c, r) for c in range(columns) for r in range(rows)}
    centre = (sum(xs) / len(xs), sum(ys) / len(ys))
    order = sorted(
        graph, key=lambda n: (spread[n][0] - centre[0]) ** 2 + (spread[n][1] - centre[1]) ** 2
    )
    for node in order:
        x = scaled(spread[node][0], min(xs), max(xs), columns)
        y = scaled(spread[node][1], min(ys), max(ys), rows)
        cell = min(sorted(free), key=lambda c: (c[0] - x) ** 2 + (c[1] - y) ** 2)
        free.remove(cell)
        graph.nodes[node]["cell"] = cell


def ontology_view() -> View:
    """View (d): the pikg ontology as a class diagram, code lists (SKOS schemes) apart."""
    graph = ontology_graph()
    classes = sum(1 for _, kind in graph.nodes(data="kind") if kind == "class")
    schemes = sum(1 for _, kind in graph.nodes(data="kind") if kind == "scheme")
    return View(
        graph,
        "pikg ontology",
        ONTOLOGY_STYLES,
        ONTOLOGY_EDGES,
        layout="grid",
        description=f"{classes} classes and {schemes} code lists from ontology/*.ttl. Click a "
        "class to name its links and list its properties.",
    )
