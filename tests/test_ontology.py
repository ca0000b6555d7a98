"""The ontology files parse, are documented, and every concept scheme is well formed."""

from __future__ import annotations

import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from kg.graph import namespace as ns


def _graph(files) -> rdflib.Graph:
    g = rdflib.Graph()
    for path in files:
        g.parse(path, format="turtle")
    return g


def test_every_class_and_property_has_labels_in_both_languages_and_a_definition():
    g = _graph(ns.ontology_files()[:1])
    terms = set(g.subjects(RDF.type, OWL.Class)) | set(g.subjects(RDF.type, OWL.ObjectProperty))
    terms |= set(g.subjects(RDF.type, OWL.DatatypeProperty))
    assert len(terms) > 100
    for term in terms:
        langs = {lit.language for lit in g.objects(term, RDFS.label)}
        assert {"en", "zh"} <= langs, term
        assert any(True for _ in g.objects(term, SKOS.definition)), term


def test_required_classes_exist():
    for name in [
        "Department",
        "DutyActivity",
        "SubActivity",
        "Indicator",
        "ActivityIndicator",
        "ProjectIndicator",
        "GradeBand",
        "GradingScheme",
        "ThresholdTemplate",
        "NormalizedName",
        "Project",
        "SourceDocument",
        "SourceSpan",
        "Diagnostic",
        "Finding",
    ]:
        assert name in ns.PI, name


def test_concepts_have_one_scheme_one_zh_label_and_a_notation():
    g = _graph(ns.vocab_files())
    concepts = set(g.subjects(RDF.type, SKOS.Concept))
    assert len(concepts) > 100
    for c in concepts:
        assert len(list(g.objects(c, SKOS.inScheme))) == 1, c
        zh = [lit for lit in g.objects(c, SKOS.prefLabel) if lit.language == "zh"]
        assert len(zh) == 1, c
        assert len(list(g.objects(c, SKOS.notation))) >= 1, c


def test_grades_have_ranks_and_finding_types_cover_the_catalogue():
    assert [int(v) for v in _ranks()] == [1, 2, 3, 4]
    codes = set(ns.FTYPE.notations())
    for code in [
        "verbatim-copy",
        "surface-copy",
        "jurisdiction-copy",
        "slot-copy",
        "block-copy",
        "threshold-reuse",
        "name-reuse-different-ladder",
        "content-template",
        "non-monotonic",
        "unreachable-band",
        "gap",
        "shared-endpoint",
        "polarity-mismatch",
        "ordinal-inversion",
        "mixed-units",
        "unit-mismatch",
        "restates-goal",
        "category-label-as-indicator",
        "task-phrase",
        "content-equals-goal",
        "goal-reused",
        "funded-without-indicators",
        "orphan-sub-activity",
        "budget-rollup-mismatch",
        "jurisdiction-misfit",
        "reviewer-comment",
        "placeholder",
        "parse-anomaly",
    ]:
        assert code in codes, code


def _ranks():
    g = _graph(ns.vocab_files())
    pi_rank = rdflib.URIRef(ns.PI.rank.value)
    return [
        g.value(rdflib.URIRef(ns.GRADE.by_notation(x).value), pi_rank)
        for x in ("优", "良", "中", "差")
    ]
