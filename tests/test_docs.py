"""The ontology diagram and the label handling of kg.graph.docs, on the real TTL and small graphs."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import rdflib
from rdflib.namespace import OWL, RDF, RDFS

from kg.graph.docs import (
    _merge_labels,
    diagram_svg,
    ontology_diagram,
    ontology_graph,
    scheme_graphs,
)
from kg.graph.namespace import DEF, PI

SVG = "{http://www.w3.org/2000/svg}"


def test_diagram_has_every_class_and_every_domain_range_property():
    graph = ontology_graph()
    diagram = ontology_diagram(graph)
    classes = {str(c).removeprefix(DEF) for c in graph.subjects(RDF.type, OWL.Class)}
    assert set(diagram.nodes) == {c for c in classes if "/" not in c and ":" not in c}
    for local in diagram.nodes:
        assert local in PI  # the diagram names only terms kg.graph.namespace accepts
    edges = {(u, v, k) for u, v, k in diagram.edges(keys=True)}
    assert ("Department", "DutyActivity", "hasDutyActivity") in edges
    assert ("ActivityIndicator", "GradeBand", "hasGradeBand") in edges
    assert ("GradeBand", "ValueConstraint", "subClassOf") in edges
    assert "org:Organization" in diagram.nodes["Department"]["external"]
    assert diagram.nodes["GradeBand"]["zh"] == "评价等级标准"


def test_union_domains_and_range_only_properties():
    ex = "https://w3id.org/pikg/def/"
    graph = rdflib.Graph()
    a, b, c = (rdflib.URIRef(ex + n) for n in ("A", "B", "C"))
    for cls in (a, b, c):
        graph.add((cls, RDF.type, OWL.Class))
    union = rdflib.BNode()
    members = rdflib.BNode()
    rdflib.collection.Collection(graph, members, [a, b])
    graph.add((union, OWL.unionOf, members))
    link, loose = rdflib.URIRef(ex + "link"), rdflib.URIRef(ex + "loose")
    graph.add((link, RDF.type, OWL.ObjectProperty))
    graph.add((link, RDFS.domain, union))
    graph.add((link, RDFS.range, c))
    graph.add((loose, RDF.type, OWL.ObjectProperty))
    graph.add((loose, RDFS.range, a))
    diagram = ontology_diagram(graph)
    assert sorted(diagram.edges(keys=True)) == [("A", "C", "link"), ("B", "C", "link")]
    assert diagram.graph["range_only"] == [("loose", "A")]


def test_svg_is_well_formed_and_escapes_labels():
    graph = rdflib.Graph()
    cls = rdflib.URIRef(DEF + "Evil")
    graph.add((cls, RDF.type, OWL.Class))
    graph.add((cls, RDFS.label, rdflib.Literal("<script>alert(1)</script>", lang="en")))
    svg = diagram_svg(ontology_diagram(graph))
    root = ET.fromstring(svg)
    assert "<script>" not in svg
    assert any(t.text == "<script>alert(1)</script>" for t in root.iter(SVG + "text"))


def test_real_svg_parses_and_shows_both_languages():
    root = ET.fromstring(diagram_svg())
    texts = {t.text for t in root.iter(SVG + "text")}
    assert {"Department", "部门", "Grade band", "hasGradeBand"} <= texts


def test_labels_join_english_then_chinese():
    graph = rdflib.Graph()
    term = rdflib.URIRef(DEF + "Department")
    graph.add((term, RDFS.label, rdflib.Literal("部门", lang="zh")))
    graph.add((term, RDFS.label, rdflib.Literal("Department", lang="en")))
    merged = _merge_labels(graph)
    assert list(merged.objects(term, RDFS.label)) == [rdflib.Literal("Department · 部门")]


def test_one_page_per_concept_scheme():
    pages = scheme_graphs()
    expected = {"grade", "unit", "polarity", "scheme-kind", "parse-status", "finding-type"}
    assert expected <= set(pages)
    grade = pages["grade"]
    assert len(set(grade.subjects(rdflib.namespace.SKOS.inScheme, None))) == 4


def test_pylode_quietening_gives_the_root_logger_its_level_back():
    import logging

    from kg.graph.docs import _quiet_root_logger

    root = logging.getLogger()
    before = root.level
    root.setLevel(logging.DEBUG)
    try:
        with _quiet_root_logger():
            assert root.level == logging.WARNING
        assert root.level == logging.DEBUG
    finally:
        root.setLevel(before)


def test_outward_properties_are_written_in_their_domain_box():
    diagram = ontology_diagram()
    assert ("findingType", "skos:Concept") in diagram.nodes["Finding"]["outward"]
    assert ("member", "(any)") in diagram.nodes["Finding"]["outward"]
    texts = {t.text for t in ET.fromstring(diagram_svg(diagram)).iter(SVG + "text")}
    assert "findingType → skos:Concept" in texts


def test_the_svg_diagram_and_the_ontology_view_draw_the_same_structure():
    """Both drawings read kg.graph.structure: the same classes, sub-class links and object
    properties between pikg classes, and every property the SVG writes inside a box (range
    outside pikg) or in the legend (no domain) is in the view too."""
    from kg.views.ontology import ontology_graph as view_graph

    diagram, view = ontology_diagram(), view_graph()
    pikg = {n: d["iri"] for n, d in diagram.nodes(data=True)}
    assert {n for n, kind in view.nodes(data="kind") if kind == "class"} == set(pikg.values())
    drawn = {
        (pikg[u], pikg[v], DEF + k if d["kind"] == "property" else "subclass")
        for u, v, k, d in diagram.edges(keys=True, data=True)
    }
    shown = set()
    for u, v, d in view.edges(data=True):
        if u in pikg.values() and v in pikg.values():
            names = d["label"].split(" / ") if d["kind"] == "property" else ["subclass"]
            shown |= {(u, v, n.replace("pi:", DEF)) for n in names}
    assert drawn == shown
    for node, data in diagram.nodes(data=True):
        details = {key for key, _value in view.nodes[pikg[node]]["details"]}
        assert {f"object property pi:{prop}" for prop, _target in data["outward"]} <= details
    for prop, rng in diagram.graph["range_only"]:
        texts = [value for key, value in view.nodes[DEF + rng]["details"] if key == "range of"]
        assert any(f"pi:{prop} " in text for text in texts)
