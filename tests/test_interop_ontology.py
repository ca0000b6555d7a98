"""The ontology, vocabularies and catalog as other tools read them.

RDFS reasoners (owlrl, ``pyshacl -i rdfs``), OWL 2 DL reasoners (HermiT in Protégé) and SKOS
browsers (Skosmos, SkoHub) each refused or misread something once: catalog records typed the
ontology graph as a source document, ``xsd:gYear`` as a data-property range stopped HermiT,
schemes without top concepts or titles showed empty. These tests keep them out.
"""

from __future__ import annotations

import shutil

import pyoxigraph as ox
import pyshacl
import pytest
import rdflib
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from kg.graph import namespace as ns
from kg.graph.store import CATALOG_GRAPH, PENDING_GRAPH, Store
from kg.ingest import ingest

PI = rdflib.Namespace(ns.DEF)
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
XSD = rdflib.Namespace("http://www.w3.org/2001/XMLSchema#")  # open: any name is an IRI

OWL2_DATATYPES = {
    *(RDF[n] for n in ("PlainLiteral", "XMLLiteral", "langString")),
    RDFS.Literal,
    OWL.real,
    OWL.rational,
    *(
        XSD[n]
        for n in [
            "decimal",
            "integer",
            "nonNegativeInteger",
            "nonPositiveInteger",
            "positiveInteger",
            "negativeInteger",
            "long",
            "int",
            "short",
            "byte",
            "unsignedLong",
            "unsignedInt",
            "unsignedShort",
            "unsignedByte",
            "double",
            "float",
            "string",
            "normalizedString",
            "token",
            "language",
            "Name",
            "NCName",
            "NMTOKEN",
            "boolean",
            "hexBinary",
            "base64Binary",
            "anyURI",
            "dateTime",
            "dateTimeStamp",
        ]
    ),
}
"""The OWL 2 datatype map (OWL 2 Structural Specification §4): what HermiT accepts."""


def _graph(files) -> rdflib.Graph:
    g = rdflib.Graph()
    for path in files:
        g.parse(path, format="turtle")
    return g


@pytest.fixture(scope="module")
def store(seed_path, samples_dir, tmp_path_factory):
    """Seed 003 (activities, ladders) and the samples (project, department and
    self-evaluation tables): every kind of node, small enough for pure-Python RDFS."""
    folder = tmp_path_factory.mktemp("interop")
    (folder / seed_path("003").name).write_bytes(seed_path("003").read_bytes())
    graph_store = Store()
    assert ingest([folder, samples_dir], graph_store, jobs=1).ok
    return graph_store


def test_data_properties_use_owl2_datatypes():
    g = _graph(ns.ontology_files())
    for prop in g.subjects(RDF.type, OWL.DatatypeProperty):
        for datatype in g.objects(prop, RDFS.range):
            assert datatype in OWL2_DATATYPES, f"{prop} has range {datatype}: not OWL 2"


def test_hermit_accepts_the_ontology_and_vocabularies(tmp_path):
    """HermiT (Protégé's default reasoner, through owlready2) on the ontology and every
    vocabulary: it refused ``xsd:gYear`` as a data-property range; now consistent."""
    if shutil.which("java") is None:
        pytest.skip("HermiT needs a Java runtime (scripts/install-system-deps.sh installs one)")
    import owlready2

    graph = _graph([*ns.ontology_files(), *ns.vocab_files()])
    graph.serialize(tmp_path / "pikg.owl", format="xml")
    world = owlready2.World()
    ontology = world.get_ontology((tmp_path / "pikg.owl").as_uri()).load()
    with ontology:
        owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    assert not list(world.inconsistent_classes())


def test_every_scheme_has_a_title_and_its_top_concepts():
    g = _graph(ns.vocab_files())
    schemes = set(g.subjects(RDF.type, SKOS.ConceptScheme))
    assert len(schemes) >= 15
    for scheme in schemes:
        assert {t.language for t in g.objects(scheme, DCTERMS.title)} >= {"zh", "en"}, scheme
        roots = {c for c in g.subjects(SKOS.inScheme, scheme) if (c, SKOS.broader, None) not in g}
        assert set(g.objects(scheme, SKOS.hasTopConcept)) == roots, scheme
        assert set(g.subjects(SKOS.topConceptOf, scheme)) <= roots, scheme


def test_rdfs_closure_and_shacl_with_rdfs_inference(store):
    """``pyshacl -i rdfs`` (owlrl's RDFS closure, kept with ``inplace``) on document graphs,
    ontology, vocabularies and the commit catalog: no violation, and no graph is inferred to be
    a source document."""
    data = rdflib.Graph()
    for graph in store.graphs():
        data.parse(data=store.dump("ntriples", graph), format="nt")
    assert any(True for _ in data.subjects(PI.committedVersion, None))
    shapes = _graph(ns.shapes_files())
    _conforms, results, _text = pyshacl.validate(
        data, shacl_graph=shapes, inference="rdfs", inplace=True
    )
    violations = [
        r
        for r in results.subjects(RDF.type, SH.ValidationResult)
        if (r, SH.resultSeverity, SH.Violation) in results
    ]
    assert violations == []
    documents = set(data.subjects(RDF.type, PI.SourceDocument))
    graphs = {rdflib.URIRef(g) for g in store.graphs()}
    assert documents and not documents & graphs
    assert {rdflib.URIRef(g) for g in store.committed()} <= set(
        data.subjects(RDF.type, PI.StoredGraph)
    )


def test_catalog_records_of_an_older_store_are_migrated(tmp_path):
    """Stores written with ``pi:pipelineVersion`` catalog records keep every graph on open."""
    path = tmp_path / "kg-store"
    graph = ox.NamedNode(ns.DOC_GRAPH_PREFIX + "0123456789abcdef")
    old = ox.Store(str(path))
    old.add(ox.Quad(ox.NamedNode("urn:x"), ox.NamedNode("urn:p"), ox.Literal("v"), graph))
    old.add(ox.Quad(graph, ns.PI.pipelineVersion, ox.Literal("v1"), CATALOG_GRAPH))
    del old
    reader = Store(path, read_only=True)  # not migrated, yet the document is there
    assert reader.committed() == {graph.value: "v1"}
    del reader
    store = Store(path)
    assert store.recovered == [] and store.committed() == {graph.value: "v1"}
    assert store.triple_count(graph) == 1
    assert not any(store.oxigraph.quads_for_pattern(None, ns.PI.pipelineVersion, None, None))
    assert PENDING_GRAPH.value not in store.graphs()
