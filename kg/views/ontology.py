"""View (d): the ontology itself, classes linked by sub-class and by their properties.

Read straight from the Turtle files (the single source of terms), so it works before any
document is ingested.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import networkx as nx
import pyoxigraph as ox

from kg.namespace import PREFIXES, ontology_files
from kg.views.render import Style, View

_OWL = "http://www.w3.org/2002/07/owl#"

ONTOLOGY_STYLES = {
    "class": Style("pikg class", "#1f77b4", "ellipse", 16),
    "external": Style("reused class (ORG, PROV, SKOS …)", "#7f7f7f", "ellipse", 14),
    "object_property": Style("object property", "#ff7f0e", "diamond", 8),
    "datatype_property": Style("datatype property", "#2ca02c", "dot", 6),
}
ONTOLOGY_EDGES = {
    "subclass": Style("sub-class of", "#1f77b4"),
    "domain": Style("domain → property", "#ff7f0e", dashes=True),
    "range": Style("property → range", "#ff7f0e"),
}
_KIND_OF_TYPE = {
    _OWL + "Class": "class",
    _OWL + "ObjectProperty": "object_property",
    _OWL + "DatatypeProperty": "datatype_property",
}


@cache
def read_query(name: str) -> str:
    """The text of ``kg/views/queries/<name>.rq``."""
    return (resources.files("kg.views") / "queries" / f"{name}.rq").read_text(encoding="utf-8")


def curie(iri: str) -> str:
    """``https://w3id.org/pikg/def/Indicator`` → ``pi:Indicator`` (longest namespace wins)."""
    best = ""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(namespace) > len(PREFIXES.get(best, "")):
            best = prefix
    return f"{best}:{iri[len(PREFIXES[best]) :]}" if best else iri


def ontology_graph() -> nx.DiGraph:
    """Classes, object properties and datatype properties as a networkx graph."""
    store = ox.Store()
    for path in ontology_files():
        store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    graph = nx.DiGraph()
    for row in store.query(read_query("ontology_terms")):
        iri = row["term"].value
        label_zh = row["labelZh"].value if row["labelZh"] else ""
        label_en = row["labelEn"].value if row["labelEn"] else ""
        graph.add_node(
            iri,
            kind=_KIND_OF_TYPE[row["type"].value],
            label=f"{curie(iri)} {label_zh}".strip(),
            details=[
                ("IRI", iri),
                ("label", " / ".join(x for x in (label_en, label_zh) if x)),
                ("definition", row["definition"].value if row["definition"] else ""),
            ],
        )
    for row in store.query(read_query("ontology_links")):
        link, subject, obj = row["link"].value, row["subject"].value, row["object"].value
        if (
            subject not in graph
            or obj.startswith(PREFIXES["xsd"])
            or obj == PREFIXES["rdf"] + "langString"
        ):
            continue
        if obj not in graph:
            graph.add_node(obj, kind="external", label=curie(obj), details=[("IRI", obj)])
        if link == "domain":
            graph.add_edge(obj, subject, kind="domain")
        else:
            graph.add_edge(subject, obj, kind=link)
    return graph


def ontology_view() -> View:
    """View (d): the pikg ontology (classes, sub-classes, properties with domain and range)."""
    graph = ontology_graph()
    classes = sum(1 for _, kind in graph.nodes(data="kind") if kind == "class")
    properties = sum(1 for _, kind in graph.nodes(data="kind") if kind.endswith("property"))
    return View(
        graph,
        "pikg ontology",
        ONTOLOGY_STYLES,
        ONTOLOGY_EDGES,
        layout="clusters",
        description=f"{classes} classes and {properties} properties from ontology/*.ttl.",
    )
