"""The class and property structure of the pikg ontology, read once from the Turtle files.

The one reading of ``ontology/*.ttl`` that both drawings of the ontology use: the SVG class
diagram of the reference pages (:mod:`kg.graph.docs`) and the interactive ontology view
(:mod:`kg.views.ontology`). Each draws it its own way; neither reads the Turtle itself, so the
two cannot disagree about which classes, links and code lists there are.

>>> from kg.graph.structure import ontology_structure
>>> structure = ontology_structure()
>>> department = structure.classes["https://w3id.org/pikg/def/Department"]
>>> department.zh, department.own_superclasses, department.external_superclasses
('部门', (), ('http://www.w3.org/ns/org#Organization',))
>>> link = structure.properties["https://w3id.org/pikg/def/hasDutyActivity"]
>>> link.kind, [iri.rsplit("/", 1)[1] for iri in link.domains + link.ranges]
('object', ['Department', 'DutyActivity'])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kg.graph.namespace import DEF, PREFIXES, ontology_files, turtle_graph, vocab_files

if TYPE_CHECKING:
    import rdflib

__all__ = [
    "OntologyClass",
    "OntologyProperty",
    "OntologyScheme",
    "OntologyStructure",
    "is_datatype",
    "ontology_graph",
    "ontology_structure",
]

_OWL = "http://www.w3.org/2002/07/owl#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_PROPERTY_KINDS = {_OWL + "ObjectProperty": "object", _OWL + "DatatypeProperty": "datatype"}


@dataclass(frozen=True)
class OntologyClass:
    """A class of pikg's own namespace, with its labels and its named superclasses (pikg's
    own and those of other vocabularies apart, each sorted by IRI)."""

    iri: str
    en: str
    zh: str
    definition: str
    own_superclasses: tuple[str, ...]
    external_superclasses: tuple[str, ...]


@dataclass(frozen=True)
class OntologyProperty:
    """An object or datatype property (``kind`` ``"object"`` or ``"datatype"``) with its
    declared domains and ranges as named classes or datatypes (``owl:unionOf`` expanded), each
    sorted by IRI; empty where none is declared."""

    iri: str
    kind: str
    en: str
    zh: str
    definition: str
    domains: tuple[str, ...]
    ranges: tuple[str, ...]


@dataclass(frozen=True)
class OntologyScheme:
    """A SKOS concept scheme (a code list) with its labels and its concepts' notations."""

    iri: str
    en: str
    zh: str
    notations: tuple[str, ...]


@dataclass(frozen=True)
class OntologyStructure:
    """Classes and properties by IRI (sorted), and the concept schemes sorted by IRI."""

    classes: dict[str, OntologyClass]
    properties: dict[str, OntologyProperty]
    schemes: list[OntologyScheme]

    def is_own(self, iri: str) -> bool:
        """The IRI is one of pikg's own classes."""
        return iri in self.classes


def is_datatype(iri: str) -> bool:
    """The range IRI is a literal datatype (``xsd:``, ``rdf:langString``, ``rdfs:Literal``),
    not a class a link can point to."""
    return iri.startswith(PREFIXES["xsd"]) or iri in (
        PREFIXES["rdf"] + "langString",
        _RDFS + "Literal",
    )


def ontology_graph() -> rdflib.Graph:
    """The OWL core and its alignments as one rdflib graph (prefixes as in ``kg.graph.namespace``)."""
    return turtle_graph(ontology_files(), PREFIXES)


def ontology_structure(
    graph: rdflib.Graph | None = None, vocabularies: rdflib.Graph | None = None
) -> OntologyStructure:
    """The structure of ``graph`` (default: :func:`ontology_graph`) with the concept schemes of
    ``vocabularies`` (default: the files of ``ontology/vocab/``; none when ``graph`` is given
    without them)."""
    if graph is None:
        graph = ontology_graph()
        if vocabularies is None:
            vocabularies = turtle_graph(vocab_files())
    return OntologyStructure(
        classes=_classes(graph),
        properties=_properties(graph),
        schemes=_schemes(vocabularies) if vocabularies is not None else [],
    )


def _typed(graph: rdflib.Graph, type_iri: str) -> list[rdflib.URIRef]:
    import rdflib

    return sorted(
        s
        for s in graph.subjects(rdflib.URIRef(_RDF_TYPE), rdflib.URIRef(type_iri))
        if isinstance(s, rdflib.URIRef)
    )


def _text(graph: rdflib.Graph, node: rdflib.term.Node, predicate: str) -> dict[str, str]:
    """The first literal (in sorted order) of each language tag."""
    import rdflib

    found: dict[str, str] = {}
    for literal in sorted(graph.objects(node, rdflib.URIRef(predicate))):
        if isinstance(literal, rdflib.Literal):
            found.setdefault(literal.language or "", str(literal))
    return found


def _named(graph: rdflib.Graph, node: rdflib.term.Node) -> list[str]:
    """A class expression as the IRIs of named classes: itself, or the members of an
    ``owl:unionOf`` (so a domain can be widened without touching this code)."""
    import rdflib
    from rdflib.collection import Collection

    if isinstance(node, rdflib.URIRef):
        return [str(node)]
    union = graph.value(node, rdflib.URIRef(_OWL + "unionOf"))
    if union is None:
        return []
    return [str(member) for member in Collection(graph, union)]


def _classes(graph: rdflib.Graph) -> dict[str, OntologyClass]:
    import rdflib

    own = {str(c) for c in _typed(graph, _OWL + "Class") if str(c).startswith(DEF)}
    classes = {}
    for iri in sorted(own):
        node = rdflib.URIRef(iri)
        labels = _text(graph, node, _RDFS + "label")
        supers = sorted(
            {
                s
                for sup in graph.objects(node, rdflib.URIRef(_RDFS + "subClassOf"))
                for s in _named(graph, sup)
            }
        )
        classes[iri] = OntologyClass(
            iri=iri,
            en=labels.get("en", ""),
            zh=labels.get("zh", ""),
            definition=_text(graph, node, _SKOS + "definition").get("en", ""),
            own_superclasses=tuple(s for s in supers if s in own),
            external_superclasses=tuple(s for s in supers if s not in own),
        )
    return classes


def _properties(graph: rdflib.Graph) -> dict[str, OntologyProperty]:
    import rdflib

    found = {}
    for type_iri, kind in _PROPERTY_KINDS.items():
        for node in _typed(graph, type_iri):
            labels = _text(graph, node, _RDFS + "label")

            def named(predicate: str, node: rdflib.URIRef = node) -> tuple[str, ...]:
                objects = graph.objects(node, rdflib.URIRef(predicate))
                return tuple(sorted({c for o in objects for c in _named(graph, o)}))

            found[str(node)] = OntologyProperty(
                iri=str(node),
                kind=kind,
                en=labels.get("en", ""),
                zh=labels.get("zh", ""),
                definition=_text(graph, node, _SKOS + "definition").get("en", ""),
                domains=named(_RDFS + "domain"),
                ranges=named(_RDFS + "range"),
            )
    return dict(sorted(found.items()))


def _schemes(graph: rdflib.Graph) -> list[OntologyScheme]:
    import rdflib

    in_scheme, notation = rdflib.URIRef(_SKOS + "inScheme"), rdflib.URIRef(_SKOS + "notation")
    schemes = []
    for node in _typed(graph, _SKOS + "ConceptScheme"):
        labels = _text(graph, node, _SKOS + "prefLabel")
        notations = {
            str(code)
            for concept in graph.subjects(in_scheme, node)
            for code in graph.objects(concept, notation)
        }
        schemes.append(
            OntologyScheme(
                str(node), labels.get("en", ""), labels.get("zh", ""), tuple(sorted(notations))
            )
        )
    return schemes
