"""``Store.rdflib_dataset()``: an rdflib Dataset over the same quads as the pyoxigraph store.

How the expected values were derived: the hand-written graphs below hold 3 and 2 triples and
one triple has the literal "甲" (counted by reading them); for a seed document the counts per
named graph are taken from pyoxigraph itself (``quads_for_pattern``), never through the adapter
under test, and the SPARQL answer is the same query run by pyoxigraph's engine.
"""

from __future__ import annotations

import pyoxigraph as ox
import rdflib

from kg.graph.store import Store
from kg.ingest import ingest

HAND = """\
<urn:a> <urn:p> "甲" <urn:g1> .
<urn:a> <urn:p> "乙" <urn:g1> .
<urn:b> <urn:q> <urn:a> <urn:g1> .
<urn:b> <urn:p> "丙" <urn:g2> .
<urn:c> <urn:p> "丁" <urn:g2> .
"""


def _rdflib_counts(dataset: rdflib.Dataset) -> dict[str, int]:
    return {
        str(graph.identifier): len(graph)
        for graph in dataset.graphs()
        if isinstance(graph.identifier, rdflib.URIRef) and len(graph)
    }


def _oxigraph_counts(store: Store) -> dict[str, int]:
    ox_store = store.oxigraph
    return {
        g.value: sum(1 for _ in ox_store.quads_for_pattern(None, None, None, g))
        for g in ox_store.named_graphs()
    }


def test_hand_written_graphs_are_seen_with_their_counts():
    store = Store()
    for graph in ("urn:g1", "urn:g2"):
        lines = "".join(line for line in HAND.splitlines(True) if f"<{graph}>" in line)
        store.replace_graph(graph, lines.replace(f" <{graph}> .", " ."), fmt="ntriples")
    dataset = store.rdflib_dataset()
    assert isinstance(dataset, rdflib.Dataset)
    counts = _rdflib_counts(dataset)
    assert counts["urn:g1"] == 3 and counts["urn:g2"] == 2
    assert counts == _oxigraph_counts(store)  # the ontology graphs too, quad for quad
    subjects = dataset.query('SELECT ?s WHERE { GRAPH ?g { ?s <urn:p> "甲" } }')
    assert [str(row.s) for row in subjects] == ["urn:a"]


def test_a_seed_document_through_rdflib_agrees_with_the_store(seed_path):
    store = Store()
    assert ingest([seed_path("003")], store, jobs=1).ok
    dataset = store.rdflib_dataset()
    assert _rdflib_counts(dataset) == _oxigraph_counts(store)
    query = """SELECT ?name WHERE { GRAPH ?g {
        ?i a <https://w3id.org/pikg/def/ProjectIndicator> ;
           <https://w3id.org/pikg/def/indicatorName> ?name } } ORDER BY ?name"""
    through_rdflib = [str(row.name) for row in dataset.query(query)]
    through_oxigraph = [solution["name"].value for solution in store.oxigraph.query(query)]
    assert through_rdflib == through_oxigraph
    assert "资料收集比率" in through_rdflib  # 003:63
    # the same quads, not only the same counts
    graph = store.document_graphs()[0]
    ours = {
        (q.subject.value, q.predicate.value, str(q.object.value))
        for q in store.oxigraph.quads_for_pattern(None, None, None, ox.NamedNode(graph))
    }
    theirs = {(str(s), str(p), str(o)) for s, p, o in dataset.graph(rdflib.URIRef(graph))}
    assert theirs == ours
