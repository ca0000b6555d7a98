"""Every IRI pikg uses, read from and checked against the Turtle files in ``ontology/``.

The ontology files are the single source of truth for terms. This module parses them once
(pyoxigraph, a few milliseconds) and exposes *closed* namespaces: asking for a term that the
files do not declare raises at once instead of writing a silently wrong IRI into the graph.

>>> from kg.graph.namespace import PI, GRADE, UNIT
>>> PI.Indicator.value
'https://w3id.org/pikg/def/Indicator'
>>> GRADE.by_notation("优") == GRADE["excellent"]
True
>>> UNIT.by_notation("count:次").value
'https://w3id.org/pikg/def/unit/times'
>>> doc_graph("96d939c67dd7b28c" * 4).value
'https://w3id.org/pikg/graph/doc/96d939c67dd7b28c'

Instance IRIs are minted from content keys only (:func:`mint`), so re-ingesting an unchanged
document gives identical triples.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg.errors import KgError

if TYPE_CHECKING:
    import rdflib

BASE = "https://w3id.org/pikg/"
"""The one base IRI of the project (``w3id.org/pikg`` is not registered yet; ontology.md §2.1)."""

DEF = BASE + "def/"
ID = BASE + "id/"
GRAPH = BASE + "graph/"

_SKOS = "http://www.w3.org/2004/02/skos/core#"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def ontology_dir() -> Path:
    """Where the Turtle files live: bundled in the wheel (``kg/_ontology``) or the repo root."""
    package = Path(__file__).resolve().parents[1]  # kg/
    for candidate in (package / "_ontology", package.parent / "ontology"):
        if (candidate / "pikg.ttl").is_file():
            return candidate
    raise KgError("ontology files not found (expected kg/_ontology or ontology/ next to kg/)")


def ontology_files() -> list[Path]:
    """Core ontology and alignments (loaded into ``pig:ontology``)."""
    root = ontology_dir()
    return [root / "pikg.ttl", root / "pikg-alignments.ttl"]


def vocab_files() -> list[Path]:
    """The SKOS concept schemes (loaded into ``pig:vocab``)."""
    return sorted((ontology_dir() / "vocab").glob("*.ttl"))


def shapes_files() -> list[Path]:
    """The SHACL shapes used by :mod:`kg.graph.validate`."""
    return sorted((ontology_dir() / "shapes").glob("*.ttl"))


def turtle_graph(files: Iterable[Path], prefixes: Mapping[str, str] | None = None) -> rdflib.Graph:
    """Turtle files of ``ontology/`` as one rdflib graph, ``prefixes`` bound first (the
    files' own prefixes come with them): the one builder of the ontology pages and of the
    SHACL shapes. rdflib is imported here, as only those two need it."""
    import rdflib

    graph = rdflib.Graph()
    for prefix, iri in (prefixes or {}).items():
        graph.bind(prefix, iri, override=True)
    for path in files:
        graph.parse(path, format="turtle")
    return graph


@cache
def _declared() -> tuple[frozenset[str], dict[str, dict[str, str]], dict[str, dict[str, str]]]:
    """Declared IRIs (subjects of ``rdf:type``), and per concept scheme the
    ``{notation: concept}`` and ``{label: concept}`` tables."""
    subjects: set[str] = set()
    in_scheme: dict[str, str] = {}
    notation: dict[str, list[str]] = {}
    labels: dict[str, list[str]] = {}
    for path in ontology_files() + vocab_files():
        for triple in ox.parse(path=str(path)):
            s, p, o = triple.subject, triple.predicate.value, triple.object
            if not isinstance(s, ox.NamedNode):
                continue
            if p == _RDF_TYPE:
                subjects.add(s.value)
            elif p == _SKOS + "inScheme":
                in_scheme[s.value] = o.value
            elif p == _SKOS + "notation":
                notation.setdefault(s.value, []).append(o.value)
            elif p in (_SKOS + "prefLabel", _SKOS + "altLabel"):
                labels.setdefault(s.value, []).append(o.value)
    by_scheme: dict[str, dict[str, str]] = {}
    by_label: dict[str, dict[str, str]] = {}
    for concept, scheme in in_scheme.items():
        for code in notation.get(concept, ()):
            by_scheme.setdefault(scheme, {})[code] = concept
        for label in labels.get(concept, ()):
            by_label.setdefault(scheme, {})[label] = concept
    return frozenset(subjects), by_scheme, by_label


class Vocabulary:
    """A closed namespace: only terms declared in the ontology files resolve.

    ``PI.Indicator`` and ``PI["Indicator"]`` return a :class:`pyoxigraph.NamedNode`;
    ``UNIT.by_notation("percent")`` looks a concept up by its ``skos:notation`` (the code the
    model uses), returning ``None`` for an unknown code.
    """

    def __init__(self, prefix: str, iri: str, scheme: str | None = None):
        self.prefix = prefix
        self.iri = iri
        self.scheme = scheme
        self._nodes: dict[str, ox.NamedNode] = {}

    def __getitem__(self, local: str) -> ox.NamedNode:
        node = self._nodes.get(local)
        if node is None:
            iri = self.iri + local
            if iri not in _declared()[0]:
                raise KeyError(f"{self.prefix}:{local} is not declared in the ontology files")
            node = self._nodes[local] = ox.NamedNode(iri)
        return node

    def __getattr__(self, local: str) -> ox.NamedNode:
        if local.startswith("_"):
            raise AttributeError(local)
        try:
            return self[local]
        except KeyError as exc:
            raise AttributeError(str(exc)) from None

    def __contains__(self, local: str) -> bool:
        return (self.iri + local) in _declared()[0]

    def terms(self) -> list[str]:
        """Local names of every declared term of this namespace (no deeper paths)."""
        return sorted(
            iri[len(self.iri) :]
            for iri in _declared()[0]
            if iri.startswith(self.iri) and "/" not in iri[len(self.iri) :]
        )

    def notations(self) -> dict[str, ox.NamedNode]:
        """``{notation: concept}`` of this concept scheme."""
        if self.scheme is None:
            raise TypeError(f"{self.prefix}: is not a concept scheme")
        table = _declared()[1].get(self.iri + self.scheme, {})
        return {code: ox.NamedNode(iri) for code, iri in table.items()}

    def by_notation(self, code: str | None) -> ox.NamedNode | None:
        if code is None:
            return None
        table = _declared()[1].get(self.iri + (self.scheme or ""), {})
        iri = table.get(code)
        return ox.NamedNode(iri) if iri is not None else None

    def by_label(self, label: str | None) -> ox.NamedNode | None:
        """The concept whose ``skos:prefLabel`` or ``altLabel`` is exactly ``label``."""
        if not label:
            return None
        iri = _declared()[2].get(self.iri + (self.scheme or ""), {}).get(label)
        return ox.NamedNode(iri) if iri is not None else None

    def __repr__(self) -> str:
        return f"Vocabulary({self.prefix}: <{self.iri}>)"


class OpenNamespace:
    """An external namespace (SKOS, PROV …): any local name resolves."""

    def __init__(self, prefix: str, iri: str):
        self.prefix = prefix
        self.iri = iri

    def __getitem__(self, local: str) -> ox.NamedNode:
        return ox.NamedNode(self.iri + local)

    def __getattr__(self, local: str) -> ox.NamedNode:
        if local.startswith("_"):
            raise AttributeError(local)
        return ox.NamedNode(self.iri + local)

    def __repr__(self) -> str:
        return f"OpenNamespace({self.prefix}: <{self.iri}>)"


# --- pikg namespaces (closed) ----------------------------------------------------------------
PI = Vocabulary("pi", DEF)
GRADE = Vocabulary("grade", DEF + "grade/", "scheme")
CAT = Vocabulary("cat", DEF + "category/", "scheme-project")
CMP = Vocabulary("cmp", DEF + "comparator/", "scheme")
UNIT = Vocabulary("piu", DEF + "unit/", "scheme")
POL = Vocabulary("pol", DEF + "polarity/", "scheme")
KIND = Vocabulary("kind", DEF + "scheme-kind/", "scheme")
ISSUE = Vocabulary("issue", DEF + "ladder-issue/", "scheme")
MK = Vocabulary("mk", DEF + "metric-kind/", "scheme")
PARSE = Vocabulary("parse", DEF + "parse-status/", "scheme")
PHASE = Vocabulary("phase", DEF + "budget-phase/", "scheme")
FUND = Vocabulary("fund", DEF + "funding-source/", "scheme")
FTYPE = Vocabulary("ftype", DEF + "finding-type/", "scheme")
SEV = Vocabulary("sev", DEF + "severity/", "scheme")
SIMM = Vocabulary("simm", DEF + "similarity-method/", "scheme")
REV = Vocabulary("rev", DEF + "review-status/", "scheme")

# --- external namespaces (open) --------------------------------------------------------------
RDF = OpenNamespace("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = OpenNamespace("rdfs", "http://www.w3.org/2000/01/rdf-schema#")
XSD = OpenNamespace("xsd", "http://www.w3.org/2001/XMLSchema#")
OWL = OpenNamespace("owl", "http://www.w3.org/2002/07/owl#")
SKOS = OpenNamespace("skos", _SKOS)
PROV = OpenNamespace("prov", "http://www.w3.org/ns/prov#")
OA = OpenNamespace("oa", "http://www.w3.org/ns/oa#")
DCTERMS = OpenNamespace("dcterms", "http://purl.org/dc/terms/")
ORG = OpenNamespace("org", "http://www.w3.org/ns/org#")
FOAF = OpenNamespace("foaf", "http://xmlns.com/foaf/0.1/")
SH = OpenNamespace("sh", "http://www.w3.org/ns/shacl#")

RFC5147 = ox.NamedNode("http://tools.ietf.org/rfc/rfc5147")
"""``dcterms:conformsTo`` of line fragment selectors (``line=a,b`` is 0-based between lines)."""

PIG = OpenNamespace("pig", GRAPH)
PID = OpenNamespace("pid", ID)

ONTOLOGY_GRAPH = ox.NamedNode(GRAPH + "ontology")
VOCAB_GRAPH = ox.NamedNode(GRAPH + "vocab")
CURATION_GRAPH = ox.NamedNode(GRAPH + "curation")
DOC_GRAPH_PREFIX = GRAPH + "doc/"
AUDIT_GRAPH_PREFIX = GRAPH + "audit/"

PREFIXES: dict[str, str] = {
    ns.prefix: ns.iri
    for ns in (
        PI,
        GRADE,
        CAT,
        CMP,
        UNIT,
        POL,
        KIND,
        ISSUE,
        MK,
        PARSE,
        PHASE,
        FUND,
        FTYPE,
        SEV,
        SIMM,
        REV,
        RDF,
        RDFS,
        XSD,
        OWL,
        SKOS,
        PROV,
        OA,
        DCTERMS,
        ORG,
        FOAF,
        SH,
        PIG,
        PID,
    )
}
"""Prefix → IRI; :meth:`kg.graph.store.Store.query` declares these, so queries may use them freely."""


def sparql_prolog() -> str:
    """``PREFIX`` lines for all :data:`PREFIXES`, for tools other than :class:`kg.graph.store.Store`."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


SHAPES_BASE = DEF + "shapes/"
"""Namespace of the shapes in ``ontology/shapes/`` (prefix ``pis:`` there, not in
:data:`PREFIXES`: queries never name a shape)."""


def curie(iri: str) -> str:
    """An IRI as a CURIE for display, the longest namespace winning (``pi:grade``, not
    ``pi:`` + ``grade/…`` for a grade concept); ``<iri>`` when no prefix fits.

    The one shortener of the validation report, the class diagrams and the ontology pages.

    >>> curie("https://w3id.org/pikg/def/grade/excellent"), curie(SHAPES_BASE + "BandSetShape")
    ('grade:excellent', 'pis:BandSetShape')
    >>> curie("http://example.org/x")
    '<http://example.org/x>'
    """
    if iri.startswith(SHAPES_BASE):
        return "pis:" + iri[len(SHAPES_BASE) :]
    best = ""
    for prefix, base in PREFIXES.items():
        if iri.startswith(base) and len(base) > len(PREFIXES.get(best, "")):
            best = prefix
    if best:
        rest = iri[len(PREFIXES[best]) :]
        if rest and all(c.isalnum() or c in "-_./" for c in rest):
            return f"{best}:{rest}"
    return f"<{iri}>" if "://" in iri or iri.startswith("urn:") else iri


def short_hash(text: str) -> str:
    """First 16 hex digits of SHA-256: 64 bits, negligible collisions below ~10⁶ keys."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _key_part(part: str) -> str:
    r"""``\`` and ``|`` backslashed, so that joining parts with ``|`` can be undone."""
    return part.replace("\\", "\\\\").replace("|", "\\|")


def mint(kind: str, *key_parts: str) -> ox.NamedNode:
    """A deterministic instance IRI ``pid:{kind}/{h(escaped parts joined by '|')}``.

    Escaping keeps different part lists apart (``"a|b"`` is not ``"a", "b"``); parts without
    ``|`` or ``\\`` hash as they did before the escaping, so most IRIs did not change.

    >>> mint("name", "办结率").value
    'https://w3id.org/pikg/id/name/8907e154b6eb4aa2'
    >>> mint("k", "a|b") == mint("k", "a", "b")
    False
    """
    return ox.NamedNode(f"{ID}{kind}/{short_hash('|'.join(map(_key_part, key_parts)))}")


def doc_id(sha256: str) -> str:
    """The document key: the first 16 hex digits of the file's SHA-256."""
    return sha256[:16]


def doc_node(sha256: str) -> ox.NamedNode:
    """``pid:doc/{sha[:16]}``, the :class:`pi:SourceDocument` node."""
    return ox.NamedNode(f"{ID}doc/{doc_id(sha256)}")


def doc_graph(sha256: str) -> ox.NamedNode:
    """``pig:doc/{sha[:16]}``, the named graph holding everything read from one document."""
    return ox.NamedNode(DOC_GRAPH_PREFIX + doc_id(sha256))


def audit_graph(finding_type: str) -> ox.NamedNode:
    """``pig:audit/{code}`` for a finding-type notation (e.g. ``"verbatim-copy"``).

    Raises :class:`KeyError` for a code that is not in the finding-type scheme.
    """
    if FTYPE.by_notation(finding_type) is None:
        raise KeyError(f"unknown finding type {finding_type!r} (see ontology/vocab/findings.ttl)")
    return ox.NamedNode(AUDIT_GRAPH_PREFIX + finding_type)


def finding_iri(
    finding_type: str, method: str, params: str, members: Iterable[str]
) -> ox.NamedNode:
    """Deterministic finding IRI (ontology.md §2.8): type, method, parameters, sorted members.

    The IRI survives audit re-runs, so review decisions in ``pig:curation`` stay attached.
    """
    return mint("finding", finding_type, method, params, *sorted(members))
