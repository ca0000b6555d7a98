"""SHACL validation of the graph store (pySHACL, SHACL Core, no inference).

Each document graph is pulled from the store into rdflib *together with* ``pig:vocab`` (so the
shapes can check that a band's grade is a concept of the grade scheme) and validated on its own:
per-document validation keeps pySHACL's memory and time proportional to one document, and
cross-document checks are SPARQL (``kg query``, ``kg audit``), not SHACL. The vocabulary itself
is validated once, as its own unit.

Every result is turned into an :class:`Issue` with the focus node, the path, the message, the
severity and, where the focus node (or the indicator/activity it hangs from) has provenance,
the source ``file:line``.

>>> from kg.graph.store import Store
>>> report = validate_store(Store())
>>> report.conforms, [curie(g) for g in report.graphs]
(True, ['pig:vocab'])
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

import pyoxigraph as ox
import rdflib
import rdflib.collection
from rdflib.namespace import SH

from kg.errors import KgError
from kg.graph.namespace import PI as _PI
from kg.graph.namespace import PREFIXES, VOCAB_GRAPH, curie, shapes_files, turtle_graph
from kg.graph.namespace import PROV as _PROV
from kg.graph.store import Store

_DERIVED = rdflib.URIRef(_PROV.wasDerivedFrom.value)
_START_LINE = rdflib.URIRef(_PI.startLine.value)
_FILE_PATH = rdflib.URIRef(_PI.filePath.value)
_SOURCE_DOCUMENT = rdflib.URIRef(_PI.SourceDocument.value)
_CONCEPT = rdflib.URIRef(PREFIXES["skos"] + "Concept")
_SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}


@dataclass(frozen=True, order=True)
class Issue:
    """One SHACL result, readable without knowing SHACL."""

    severity: str
    graph: str
    source: str
    focus: str
    path: str
    message: str
    shape: str = ""
    value: str = ""

    def line(self, curie=None) -> str:
        """``file:line  focus  path: message`` (CURIEs when ``curie`` is given)."""
        short = curie or (lambda s: s)
        where = self.source or "-"
        path = f"  {short(self.path)}" if self.path else ""
        value = f" (value: {short(self.value)})" if self.value else ""
        return f"{where}  {short(self.focus)}{path}: {self.message}{value}"


@dataclass
class ValidationReport:
    """What :func:`validate_store` found: issues by severity, per graph."""

    graphs: list[str] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)

    @property
    def violations(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "Violation"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity != "Violation"]

    @property
    def conforms(self) -> bool:
        """True when there is no violation (warnings are audit signals, not errors)."""
        return not self.violations

    def counts(self) -> Counter[str]:
        return Counter(i.severity for i in self.issues)


@cache
def shapes_graph() -> rdflib.Graph:
    """The SHACL shapes of ``ontology/shapes/*.ttl`` as one rdflib graph (parsed once)."""
    files = shapes_files()
    if not files:
        raise KgError("no SHACL shapes found (expected ontology/shapes/*.ttl)")
    return turtle_graph(files)


def to_rdflib(triples: Iterable[ox.Triple | ox.Quad], into: rdflib.Graph | None = None):
    """pyoxigraph triples/quads as an rdflib graph (via N-Triples: one parse, no per-term code)."""
    graph = into if into is not None else rdflib.Graph()
    data = ox.serialize(
        (q.triple if isinstance(q, ox.Quad) else q for q in triples),
        format=ox.RdfFormat.N_TRIPLES,
    )
    if data:
        graph.parse(data=data.decode("utf-8"), format="nt")
    return graph


def validate_graph(data: rdflib.Graph, *, graph_name: str = "") -> list[Issue]:
    """Run the shapes on one rdflib graph; every result as an :class:`Issue`."""
    import pyshacl

    _conforms, results, _report_text = pyshacl.validate(
        data,
        shacl_graph=shapes_graph(),
        inference="none",
        abort_on_first=False,
        allow_warnings=True,
        advanced=False,
        meta_shacl=False,
    )
    files = {str(doc): str(path) for doc, path in data.subject_objects(_FILE_PATH)}
    issues, nested_issues = [], []
    for result in results.subjects(rdflib.RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        value = results.value(result, SH.value)
        message = results.value(result, SH.resultMessage)
        shape = results.value(result, SH.sourceShape)
        if (focus, rdflib.RDF.type, _CONCEPT) in data and isinstance(value, rdflib.URIRef):
            # shapes written from a concept (cmp:ge → ^pi:comparator) are about the value
            focus, value = value, None
            path = None
        owner, nested = _owning_shape(shape)
        (nested_issues if nested else issues).append(
            Issue(
                severity=_SEVERITIES.get(results.value(result, SH.resultSeverity), "Violation"),
                graph=graph_name,
                source=_source_of(data, focus, files),
                focus=_text(focus),
                path=_path_text(results, path),
                message=str(message) if message is not None else "does not conform",
                shape=owner,
                value=_text(value) if value is not None and value != focus else "",
            )
        )
    reported = {(i.focus, i.shape) for i in issues}
    issues.extend(i for i in nested_issues if (i.focus, i.shape) not in reported)
    return sorted(set(issues))


def validate_store(store: Store, graph: ox.NamedNode | str | None = None) -> ValidationReport:
    """Validate one document graph, or every committed document graph plus ``pig:vocab``.

    ``graph`` is a graph IRI, ``pig:…`` name, document sha prefix or file name (anything
    :meth:`kg.graph.store.Store.resolve_graph` accepts).
    """
    report = ValidationReport()
    vocab = to_rdflib(store.quads(VOCAB_GRAPH))
    if graph is None:
        targets = [d.graph for d in store.documents()]
        report.graphs.append(VOCAB_GRAPH.value)
        report.issues.extend(validate_graph(vocab, graph_name=VOCAB_GRAPH.value))
    else:
        node = graph if isinstance(graph, ox.NamedNode) else store.resolve_graph(graph)
        targets = [node.value]
    for name in targets:
        doc = to_rdflib(store.quads(ox.NamedNode(name)))
        subjects = set(doc.subjects())
        data = rdflib.Graph()
        for triple in vocab:
            data.add(triple)
        for triple in doc:
            data.add(triple)
        report.graphs.append(name)
        report.issues.extend(
            issue
            for issue in validate_graph(data, graph_name=name)
            if rdflib.URIRef(issue.focus) in subjects or rdflib.BNode(issue.focus) in subjects
        )
    return report


def _text(term) -> str:
    if term is None:
        return ""
    if isinstance(term, rdflib.BNode):
        return f"_:{term}"
    if isinstance(term, rdflib.Literal):
        return str(term)
    return str(term)


_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)


def _owning_shape(shape) -> tuple[str, bool]:
    """The targeted node shape a result comes from, and whether it came from a nested shape.

    Property shapes are blank nodes inside a node shape, and helper shapes (no target) are used
    through ``sh:node``; pySHACL reports their failures as well as the outer one.
    """
    shapes = shapes_graph()
    nested = False
    for _ in range(6):
        if shape is None:
            break
        if isinstance(shape, rdflib.URIRef) and any(
            (shape, target, None) in shapes for target in _TARGETS
        ):
            return curie(str(shape)), nested
        parent = next(
            (s for p in (SH.property, SH.node) for s in shapes.subjects(p, shape)),
            None,
        )
        if parent is not None and (parent, SH.node, shape) in shapes:
            nested = True
        shape = parent
    return "", nested


def _path_text(graph: rdflib.Graph, path) -> str:
    """A SHACL property path as SPARQL-like text with CURIEs (``^pi:hasIndicator/pi:grade``)."""
    if path is None:
        return ""
    if isinstance(path, rdflib.URIRef):
        return curie(str(path))
    if (path, rdflib.RDF.first, None) in graph:
        return "/".join(
            _path_text(graph, step) for step in rdflib.collection.Collection(graph, path)
        )
    for predicate, template in (
        (SH.inversePath, "^{}"),
        (SH.zeroOrMorePath, "{}*"),
        (SH.oneOrMorePath, "{}+"),
        (SH.zeroOrOnePath, "{}?"),
    ):
        inner = graph.value(path, predicate)
        if inner is not None:
            return template.format(_path_text(graph, inner))
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        steps = rdflib.collection.Collection(graph, alternatives)
        return "(" + "|".join(_path_text(graph, step) for step in steps) + ")"
    return _text(path)


def _source_of(data: rdflib.Graph, focus, files: dict[str, str]) -> str:
    """``file:line`` of the focus node, or of the nearest node above it that has provenance."""
    if focus is None:
        return ""
    frontier, seen = [focus], set()
    for _depth in range(3):
        next_frontier = []
        for node in frontier:
            if node in seen:
                continue
            seen.add(node)
            span = node if data.value(node, _START_LINE) is not None else None
            span = span or data.value(node, _DERIVED)
            if span is not None:
                line = data.value(span, _START_LINE)
                doc = data.value(span, rdflib.URIRef(PREFIXES["oa"] + "hasSource"))
                path = files.get(str(doc), "") if doc is not None else ""
                if line is not None:
                    return f"{path}:{line}" if path else f"line {line}"
            if (node, rdflib.RDF.type, _SOURCE_DOCUMENT) in data:
                return files.get(str(node), "")
            next_frontier.extend(data.subjects(None, node))
        frontier = next_frontier
    return ""


__all__ = [
    "Issue",
    "ValidationReport",
    "shapes_graph",
    "to_rdflib",
    "validate_graph",
    "validate_store",
]
