"""View (d): the ontology itself as a class diagram, and its code lists apart.

Read straight from the Turtle files (the single source of terms), so it works before any
document is ingested.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache
from pathlib import Path

import networkx as nx
import pyoxigraph as ox

from kg.graph.namespace import PREFIXES, curie, ontology_files, vocab_files
from kg.graph.queries import read_rq
from kg.views.render import Style, View, short_label

_OWL = "http://www.w3.org/2002/07/owl#"

ONTOLOGY_STYLES = {
    "class": Style("pikg class", "#1f77b4", "box"),
    "external": Style("reused class (ORG, PROV, SKOS …)", "#7f7f7f", "box"),
    "scheme": Style("SKOS concept scheme (code list)", "#2ca02c", "box"),
}
ONTOLOGY_EDGES = {
    "subclass": Style("sub-class of", "#1f77b4"),
    "property": Style("object property: domain → range", "#ff7f0e", dashes=True),
}
_KIND_OF_TYPE = {
    _OWL + "Class": "class",
    _OWL + "ObjectProperty": "object_property",
    _OWL + "DatatypeProperty": "datatype_property",
}
_SCHEMES = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?scheme (SAMPLE(?zh) AS ?labelZh) (SAMPLE(?en) AS ?labelEn)
       (GROUP_CONCAT(DISTINCT ?notation; separator=", ") AS ?codes)
WHERE {
  ?scheme a skos:ConceptScheme .
  OPTIONAL { ?scheme skos:prefLabel ?zh FILTER (lang(?zh) = "zh") }
  OPTIONAL { ?scheme skos:prefLabel ?en FILTER (lang(?en) = "en") }
  OPTIONAL { ?concept skos:inScheme ?scheme ; skos:notation ?notation }
}
GROUP BY ?scheme ORDER BY ?scheme
"""


@cache
def read_query(name: str) -> str:
    """The text of ``kg/views/queries/<name>.rq``."""
    return read_rq(Path(__file__).resolve().parent / "queries" / f"{name}.rq")


def ontology_graph() -> nx.DiGraph:
    """The class diagram: classes as nodes, object properties as edges (domain → range),
    sub-class links, datatype properties in each class's details, SKOS schemes on their own.
    """
    store = ox.Store()
    for path in [*ontology_files(), *vocab_files()]:
        store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    terms: dict[str, dict[str, str]] = {}
    for row in store.query(read_query("ontology_terms")):
        terms[row["term"].value] = {
            "kind": _KIND_OF_TYPE[row["type"].value],
            "zh": row["labelZh"].value if row["labelZh"] else "",
            "en": row["labelEn"].value if row["labelEn"] else "",
            "definition": row["definition"].value if row["definition"] else "",
        }
    graph = nx.DiGraph()
    for iri, term in terms.items():
        if term["kind"] == "class":
            name = curie(iri)
            graph.add_node(
                iri,
                kind="class",
                label=name.removeprefix("pi:"),  # pikg's own classes: the prefix is implied
                caption=short_label(term["zh"], 16),
                details=[
                    ("IRI", iri),
                    ("label", " / ".join(x for x in (term["en"], term["zh"]) if x)),
                    ("definition", term["definition"]),
                ],
            )
    domains: dict[str, list[str]] = defaultdict(list)
    ranges: dict[str, list[str]] = defaultdict(list)
    for row in store.query(read_query("ontology_links")):
        link, subject, obj = row["link"].value, row["subject"].value, row["object"].value
        if link == "subclass" and subject in graph:
            _ensure_class(graph, obj)
            graph.add_edge(subject, obj, kind="subclass", label="sub-class of")
        elif link == "domain":
            domains[subject].append(obj)
        elif link == "range":
            ranges[subject].append(obj)
    listed: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for prop, term in sorted(terms.items()):
        if term["kind"] == "class":
            continue
        name = curie(prop)
        targets = [curie(r) for r in ranges.get(prop, [])] or ["(any)"]
        for domain in domains.get(prop, []):
            listed[domain].append((f"{term['kind'].replace('_', ' ')} {name}", ", ".join(targets)))
            if term["kind"] != "object_property":
                continue
            for target in ranges.get(prop, []):
                if target.startswith(PREFIXES["xsd"]) or target == PREFIXES["rdf"] + "langString":
                    continue
                _ensure_class(graph, domain)
                _ensure_class(graph, target)
                if (
                    graph.has_edge(domain, target)
                    and graph.edges[domain, target]["kind"] == "property"
                ):
                    graph.edges[domain, target]["label"] += " / " + name
                elif not graph.has_edge(domain, target):
                    graph.add_edge(domain, target, kind="property", label=name)
    for iri, pairs in listed.items():
        if iri in graph:
            graph.nodes[iri]["details"].extend(pairs)
    _grid(graph)
    for index, row in enumerate(store.query(_SCHEMES)):
        iri = row["scheme"].value
        codes = row["codes"].value if row["codes"] else ""
        label_zh = row["labelZh"].value if row["labelZh"] else ""
        count = len(codes.split(", ")) if codes else 0
        graph.add_node(
            iri,
            kind="scheme",
            label=f"{short_label(label_zh or curie(iri), 16)} ({count})",
            details=[
                ("IRI", iri),
                ("scheme", curie(iri)),
                ("label", row["labelEn"].value if row["labelEn"] else ""),
                ("codes (skos:notation)", codes),
            ],
            cell=(index % SCHEME_COLUMNS, 100 + index // SCHEME_COLUMNS),
        )
    return graph


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
