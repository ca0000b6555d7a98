"""The Store: union queries, atomic graph replacement, commit records, crash recovery."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.errors import KgError
from kg.graph.namespace import GRADE, PI, audit_graph, doc_graph
from kg.graph.store import CATALOG_GRAPH, PENDING_GRAPH, Store


def test_ontology_and_vocab_are_loaded_for_labels():
    store = Store()
    rows = store.select("SELECT ?r WHERE { grade:fair pi:rank ?r }")
    assert rows == [{"r": 3}]


def test_substitutions_bind_values_safely():
    store = Store()
    rows = store.select("SELECT ?g ?r WHERE { ?g pi:rank ?r }", {"g": GRADE.good})
    assert rows == [{"g": GRADE.good.value, "r": 2}]
    # a hostile string stays a literal
    rows = store.select("SELECT ?l ?c WHERE { ?c skos:prefLabel ?l }", {"l": '"} } DROP ALL #'})
    assert rows == []


def test_malformed_query_is_a_clear_error():
    with pytest.raises(KgError, match="malformed SPARQL"):
        Store().query("SELECT WHERE {")


def test_replace_graph_is_a_swap():
    store = Store()
    g = audit_graph("gap")
    store.replace_graph(g, '<urn:a> <urn:p> "1" .\n<urn:b> <urn:p> "2" .', fmt="ntriples")
    assert store.triple_count(g) == 2
    store.replace_graph(g, [ox.Triple(ox.NamedNode("urn:c"), PI.rank, ox.Literal("3"))])
    assert [q.subject.value for q in store.quads(g)] == ["urn:c"]
    with pytest.raises(KgError, match="invalid RDF"):
        store.replace_graph(g, "<urn:broken", fmt="ntriples")
    assert store.triple_count(g) == 1  # untouched by the failed replacement


def test_uncommitted_document_graphs_are_removed_on_open(tmp_path):
    path = tmp_path / "store"
    store = Store(path)
    good, partial = doc_graph("a" * 64), doc_graph("b" * 64)
    store.bulk_add_documents([(good, "v1", f'<urn:x> <urn:p> "1" {good} .\n'.encode())])
    # simulate a crash after the bulk load, before the commit record
    store.oxigraph.bulk_load(
        f'<urn:y> <urn:p> "2" {partial} .\n'.encode(), format=ox.RdfFormat.N_QUADS
    )
    store.close()
    store = Store(path)
    assert store.document_graphs() == [good.value]
    assert store.committed() == {good.value: "v1"}
    assert ox.Quad(good, PI.committedVersion, ox.Literal("v1"), CATALOG_GRAPH) in store.oxigraph


def test_second_writer_gets_a_clear_error(tmp_path):
    path = tmp_path / "store"
    first = Store(path)
    with pytest.raises(KgError, match="cannot open"):
        Store(path)
    first.close()


def test_a_bulk_load_killed_before_its_commit_is_removed_on_open(tmp_path):
    """The intent record written before a bulk load names the graph even if the kill came
    before the load registered it, so recovery clears whatever reached the indexes."""
    path = tmp_path / "store"
    store = Store(path)
    good, killed = doc_graph("c" * 64), doc_graph("d" * 64)
    store.bulk_add_documents([(good, "v1", f'<urn:x> <urn:p> "1" {good} .\n'.encode())])
    assert store.graphs().count(PENDING_GRAPH.value) == 0  # the intent went with the commit
    before = set(store.dump("nquads").splitlines())
    store.oxigraph.add(ox.Quad(killed, PI.committedVersion, ox.Literal("v1"), PENDING_GRAPH))
    store.oxigraph.bulk_load(
        f'<urn:y> <urn:p> "2" {killed} .\n'.encode(), format=ox.RdfFormat.N_QUADS
    )
    store.close()
    store = Store(path)
    assert set(store.dump("nquads").splitlines()) == before
    assert killed.value not in store.graphs() and PENDING_GRAPH.value not in store.graphs()


@pytest.mark.parametrize(
    ("lexical", "value"), [("true", True), ("1", True), ("false", False), ("0", False)]
)
def test_xsd_boolean_reads_all_four_lexical_forms(lexical, value):
    from kg.graph.namespace import XSD
    from kg.graph.store import to_python

    assert to_python(ox.Literal(lexical, datatype=XSD.boolean)) is value


def test_a_new_store_may_sit_in_folders_that_do_not_exist_yet(tmp_path):
    """`kg ingest --store out/run1/store` on a fresh machine: RocksDB creates only the last
    folder, so the store makes the missing parents (a read-only open still refuses)."""
    location = tmp_path / "out" / "run1" / "store"
    with pytest.raises(KgError, match="no graph store"):
        Store(location, read_only=True)
    Store(location).close()
    assert Store(location, read_only=True).select("SELECT ?r WHERE { grade:fair pi:rank ?r }")
