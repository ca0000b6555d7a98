"""Reference pages and a diagram of the pikg ontology, generated from the Turtle files.

The Turtle files in ``ontology/`` are the single source of truth; this module turns them into
pages a reader can open offline:

* ``index.html``: the class diagram (inline SVG), links to every page, the alignment table;
* ``pikg.html``: the OWL core (classes, object and datatype properties) rendered by pyLODE's
  OntPub profile;
* ``<scheme>.html``: one page per SKOS concept scheme (grades, units, finding types …) rendered by
  pyLODE's VocPub profile;
* ``ontology.svg``: the class diagram on its own, for Markdown pages.

Output is deterministic (no dates, sorted everything), so a test can regenerate it and compare
it with the committed copy in ``docs/ontology/``.

>>> from kg.graph.docs import ontology_diagram
>>> diagram = ontology_diagram()
>>> diagram.nodes["Department"]["zh"]
'部门'
>>> ("Department", "DutyActivity") in diagram.edges()
True
"""

from __future__ import annotations

import html
import importlib
import importlib.metadata
import logging
import sys
import types
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import jinja2
import networkx as nx
import rdflib
from markupsafe import Markup
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from kg.errors import KgError
from kg.graph.namespace import DEF, PREFIXES, curie, turtle_graph, vocab_files
from kg.graph.structure import (
    OntologyStructure,
    is_datatype,
    ontology_graph,
    ontology_structure,
)

__all__ = [
    "DocsResult",
    "build_ontology_docs",
    "diagram_svg",
    "ontology_diagram",
    "ontology_graph",
    "scheme_graphs",
]

_LABEL_PREDICATES = (RDFS.label, SKOS.prefLabel, DCTERMS.title)
_LANGUAGE_ORDER = {"en": 0, "zh": 1}


# ---------------------------------------------------------------------------------- RDF input


def scheme_graphs() -> dict[str, rdflib.Graph]:
    """One graph per ``skos:ConceptScheme``, keyed by a file stem derived from the scheme IRI.

    A vocabulary file may hold several schemes (``analysis.ttl`` holds five); pyLODE's VocPub
    documents one scheme per page, so each scheme gets its concepts and nothing else.
    """
    pages: dict[str, rdflib.Graph] = {}
    for path in vocab_files():
        source = turtle_graph([path])
        for scheme in sorted(source.subjects(RDF.type, SKOS.ConceptScheme)):
            page = rdflib.Graph()
            for prefix, iri in source.namespaces():
                page.bind(prefix, iri, override=True)
            for triple in source.triples((scheme, None, None)):
                page.add(triple)
            for concept in source.subjects(SKOS.inScheme, scheme):
                for triple in source.triples((concept, None, None)):
                    page.add(triple)
            pages[_scheme_stem(str(scheme))] = page
    return dict(sorted(pages.items()))


def _scheme_stem(scheme_iri: str) -> str:
    """``…/def/parse-status/scheme`` → ``parse-status``; ``…/category/scheme-project`` →
    ``category-project``."""
    parts = scheme_iri.removeprefix(DEF).strip("/").split("/")
    if parts[-1] == "scheme":
        parts.pop()
    elif parts[-1].startswith("scheme-") and len(parts) > 1:
        parts[-1] = parts[-1].removeprefix("scheme-")
    return "-".join(parts) or "scheme"


def _merge_labels(graph: rdflib.Graph) -> rdflib.Graph:
    """Join the English and Chinese label of a term into one ``"Department · 部门"`` literal.

    pyLODE prints every label of a term back to back with no separator ("Department部门"); one
    joined literal reads well and keeps both languages visible.
    """
    merged = rdflib.Graph()
    for prefix, iri in graph.namespaces():
        merged.bind(prefix, iri, override=True)
    joined: dict[tuple[rdflib.term.Node, rdflib.term.Node], list[rdflib.Literal]] = defaultdict(
        list
    )
    for s, p, o in graph:
        if p in _LABEL_PREDICATES and isinstance(o, rdflib.Literal):
            joined[(s, p)].append(o)
        else:
            merged.add((s, p, o))
    for (s, p), literals in joined.items():
        ordered = sorted(literals, key=lambda lit: (_LANGUAGE_ORDER.get(lit.language, 9), lit))
        text = " · ".join(dict.fromkeys(str(lit) for lit in ordered))
        merged.add((s, p, rdflib.Literal(text)))
    return merged


# ------------------------------------------------------------------------------- class diagram


def ontology_diagram(
    graph: rdflib.Graph | None = None, structure: OntologyStructure | None = None
) -> nx.MultiDiGraph:
    """The pikg classes as a graph: an edge per object property (domain → range, ``kind="property"``)
    and per ``rdfs:subClassOf`` between pikg classes (child → parent, ``kind="subclass"``).

    Drawn from :func:`kg.graph.structure.ontology_structure` of ``graph`` (default: the
    ontology files), the reading the ontology view draws too. Node attributes: ``en`` and
    ``zh`` labels, ``iri``, ``external`` (superclasses from other vocabularies as CURIEs) and
    ``outward`` (the class's object properties whose range is not a pikg class, as
    ``(property, range CURIE or "(any)")`` pairs). Properties whose range is a pikg class but
    whose domain is not declared are kept in ``diagram.graph["range_only"]`` as
    ``(property, range)`` pairs.
    """
    if structure is None:
        structure = ontology_structure(graph if graph is not None else ontology_graph())
    diagram = nx.MultiDiGraph()
    local = {iri: iri.removeprefix(DEF) for iri in structure.classes}
    for iri, cls in structure.classes.items():
        diagram.add_node(
            local[iri],
            iri=iri,
            en=cls.en or local[iri],
            zh=cls.zh,
            external=sorted(curie(sup) for sup in cls.external_superclasses),
            outward=[],
        )
        for sup in cls.own_superclasses:
            diagram.add_edge(local[iri], local[sup], key="subClassOf", kind="subclass")
    range_only: list[tuple[str, str]] = []
    for prop in structure.properties.values():
        if prop.kind != "object":
            continue
        name = prop.iri.removeprefix(DEF)
        outside = [curie(r) for r in prop.ranges if r not in local and not is_datatype(r)]
        for dom in (d for d in prop.domains if d in local):
            for target in outside or ([] if prop.ranges else ["(any)"]):
                diagram.nodes[local[dom]]["outward"].append((name, target))
        for rng in (r for r in prop.ranges if r in local):
            if not prop.domains:
                range_only.append((name, local[rng]))
            for dom in (d for d in prop.domains if d in local):
                diagram.add_edge(local[dom], local[rng], key=name, kind="property")
    diagram.graph["range_only"] = range_only
    return diagram


@dataclass(frozen=True)
class _Box:
    x: float
    y: float
    width: float
    height: float

    @property
    def center(self) -> float:
        return self.x + self.width / 2


def _text_width(text: str, size: float) -> float:
    """Rough advance width: CJK glyphs are square, Latin glyphs a bit over half as wide."""
    return sum(size if ord(ch) > 0x2E80 else size * 0.58 for ch in text)


def _layers(diagram: nx.MultiDiGraph) -> list[list[str]]:
    """Longest-path layering (domains above ranges, parents above children), then a few
    barycenter sweeps to reduce crossings. Ties break by name, so the result is deterministic."""
    above = nx.DiGraph()
    above.add_nodes_from(sorted(diagram.nodes))
    for u, v, data in diagram.edges(data=True):
        top, bottom = (v, u) if data["kind"] == "subclass" else (u, v)
        if top != bottom:
            above.add_edge(top, bottom)
    condensed = nx.condensation(above)
    rank: dict[int, int] = {}
    for component in nx.lexicographical_topological_sort(condensed, key=str):
        preds = list(condensed.predecessors(component))
        rank[component] = 1 + max(rank[p] for p in preds) if preds else 0
    level = {
        node: rank[component]
        for component in rank
        for node in condensed.nodes[component]["members"]
    }
    isolated = sorted(n for n in above.nodes if above.degree(n) == 0)
    depth = 1 + max((level[n] for n in level if n not in isolated), default=-1)
    for node in isolated:
        level[node] = depth
    layers: list[list[str]] = [[] for _ in range(max(level.values(), default=-1) + 1)]
    for node in sorted(level):
        layers[level[node]].append(node)
    undirected = above.to_undirected()
    for sweep in range(8):
        downward = sweep % 2 == 0
        for index in range(1, len(layers)) if downward else range(len(layers) - 2, -1, -1):
            position = {
                node: layer.index(node) / max(len(layer) - 1, 1)
                for layer in layers
                for node in layer
            }

            keys: dict[str, tuple[float, str]] = {}
            for node in layers[index]:
                neighbours = [
                    position[n]
                    for n in undirected.neighbors(node)
                    if (level[n] < index if downward else level[n] > index)
                ]
                mean = sum(neighbours) / len(neighbours) if neighbours else position[node]
                keys[node] = (mean, node)
            layers[index] = sorted(layers[index], key=keys.__getitem__)
    return layers


_TITLE_SIZE, _SMALL_SIZE, _PAD = 13.0, 11.0, 10.0
_ROW_GAP, _COL_GAP, _MARGIN = 70.0, 26.0, 24.0


def _box_lines(data: dict) -> list[str]:
    """The lines under a box's title: the Chinese label, the external superclasses, then the
    object properties that point outside pikg."""
    return (
        [data["zh"]]
        + ["⊂ " + sup for sup in data["external"]]
        + [f"{prop} → {target}" for prop, target in data.get("outward", [])]
    )


def _place_boxes(diagram: nx.MultiDiGraph) -> tuple[dict[str, _Box], float, float]:
    """A box per class, row by row of :func:`_layers`, each row centred; the boxes, the
    diagram's width and the y below the last row."""
    layers = _layers(diagram)
    sizes: dict[str, tuple[float, float]] = {}
    for node, data in diagram.nodes(data=True):
        lines = [_text_width(data["en"], _TITLE_SIZE)]
        lines += [_text_width(line, _SMALL_SIZE) for line in _box_lines(data)]
        height = _PAD * 2 + _TITLE_SIZE + (_SMALL_SIZE + 4) * len(_box_lines(data))
        sizes[node] = (max(lines) + _PAD * 2, height)
    row_widths = [sum(sizes[n][0] for n in layer) + _COL_GAP * (len(layer) - 1) for layer in layers]
    width = max(row_widths, default=0.0) + _MARGIN * 2
    boxes: dict[str, _Box] = {}
    y = _MARGIN
    for layer, row_width in zip(layers, row_widths, strict=True):
        x = _MARGIN + (width - _MARGIN * 2 - row_width) / 2
        row_height = max(sizes[n][1] for n in layer)
        for node in layer:
            w, h = sizes[node]
            boxes[node] = _Box(round(x, 1), round(y, 1), round(w, 1), round(h, 1))
            x += w + _COL_GAP
        y += row_height + _ROW_GAP
    return boxes, width, y


def _edge_svg(a: _Box, b: _Box, key: str, kind: str) -> tuple[str, str | None]:
    """An edge between two boxes as an SVG path, and its label (None for sub-class links)."""
    if a.y < b.y:
        x1, y1, x2, y2 = a.center, a.y + a.height, b.center, b.y
    elif a.y > b.y:
        x1, y1, x2, y2 = a.center, a.y, b.center, b.y + b.height
    else:
        x1, y1, x2, y2 = a.center, a.y, b.center, b.y
    bend = max(abs(y2 - y1) / 2, 40.0) * (1 if y2 >= y1 else -1)
    if a.y == b.y:
        bend = -40.0
    c1y, c2y = (y1 + bend, y2 - bend) if a.y != b.y else (y1 + bend, y2 + bend)
    path = f"M{x1:.1f},{y1:.1f} C{x1:.1f},{c1y:.1f} {x2:.1f},{c2y:.1f} {x2:.1f},{y2:.1f}"
    if kind == "subclass":
        return (
            f'<path d="{path}" fill="none" stroke="#666" stroke-dasharray="5,4" '
            'marker-end="url(#hollow)"/>'
        ), None
    edge = (
        f'<path d="{path}" fill="none" stroke="#35618f" marker-end="url(#arrow)">'
        f"<title>pi:{html.escape(key)}</title></path>"
    )
    # label near the head (t = 0.7): heads are spread over the targets, tails bunch up
    t, s = 0.7, 0.3
    mx = s**3 * x1 + 3 * s * s * t * x1 + 3 * s * t * t * x2 + t**3 * x2
    my = s**3 * y1 + 3 * s * s * t * c1y + 3 * s * t * t * c2y + t**3 * y2
    label = (
        f'<text x="{mx:.1f}" y="{my:.1f}" font-size="{_SMALL_SIZE - 1:.0f}" '
        'text-anchor="middle" fill="#35618f" stroke="#fff" stroke-width="3" '
        f'paint-order="stroke">{html.escape(key)}</text>'
    )
    return edge, label


def _box_svg(box: _Box, data: dict) -> list[str]:
    """A class box: its IRI as tooltip, the English title, then the other lines."""
    out = [
        f"<g><title>{html.escape(data['iri'])}</title>",
        f'<rect x="{box.x}" y="{box.y}" width="{box.width}" height="{box.height}" rx="6" '
        'fill="#eef4fb" stroke="#35618f"/>',
    ]
    ty = box.y + _PAD + _TITLE_SIZE
    out.append(
        f'<text x="{box.center:.1f}" y="{ty:.1f}" font-size="{_TITLE_SIZE:.0f}" '
        f'font-weight="bold" text-anchor="middle">{html.escape(data["en"])}</text>'
    )
    for line in _box_lines(data):
        ty += _SMALL_SIZE + 4
        colour = "#222" if line == data["zh"] else "#777"
        out.append(
            f'<text x="{box.center:.1f}" y="{ty:.1f}" font-size="{_SMALL_SIZE:.0f}" '
            f'text-anchor="middle" fill="{colour}">{html.escape(line)}</text>'
        )
    out.append("</g>")
    return out


def _legend_lines(diagram: nx.MultiDiGraph) -> list[str]:
    range_only = diagram.graph.get("range_only", [])
    lines = [
        "── object property (domain → range)",
        "- - ▷ subclass of (child → parent)",
    ]
    if range_only:
        lines.append("Properties with a range but no declared domain:")
        lines += [f"   pi:{prop} → pi:{rng}" for prop, rng in range_only]
    return lines


def diagram_svg(diagram: nx.MultiDiGraph | None = None) -> str:
    """The class diagram as a standalone SVG (no scripts, no external fonts or links).

    Boxes carry the English and Chinese labels, external superclasses and the object properties
    whose range is outside pikg; solid arrows are object properties (domain → range), dashed
    arrows with a hollow head are ``rdfs:subClassOf``.
    """
    diagram = diagram if diagram is not None else ontology_diagram()
    boxes, width, legend_top = _place_boxes(diagram)
    legend_lines = _legend_lines(diagram)
    height = legend_top + (_SMALL_SIZE + 6) * len(legend_lines) + _MARGIN
    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" font-family="sans-serif" '
        'role="img" aria-labelledby="pikg-diagram-title">',
        '<title id="pikg-diagram-title">pikg ontology: classes and object properties</title>',
        "<defs>",
        '<marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" '
        'markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        'fill="#35618f"/></marker>',
        '<marker id="hollow" viewBox="0 0 12 12" refX="12" refY="6" markerWidth="11" '
        'markerHeight="11" orient="auto-start-reverse"><path d="M0,0 L12,6 L0,12 z" '
        'fill="#fff" stroke="#666"/></marker>',
        "</defs>",
        f'<rect width="{width:.0f}" height="{height:.0f}" fill="#fff"/>',
    ]
    labels: list[str] = []
    for u, v, key, data in sorted(diagram.edges(keys=True, data=True)):
        edge, label = _edge_svg(boxes[u], boxes[v], key, data["kind"])
        out.append(edge)
        if label is not None:
            labels.append(label)
    for node in sorted(boxes):
        out += _box_svg(boxes[node], diagram.nodes[node])
    out += labels
    ty = legend_top
    for line in legend_lines:
        ty += _SMALL_SIZE + 6
        out.append(
            f'<text x="{_MARGIN:.0f}" y="{ty:.1f}" font-size="{_SMALL_SIZE:.0f}" fill="#444" '
            f'xml:space="preserve">{html.escape(line)}</text>'
        )
    out.append("</svg>")
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------------------ pyLODE pages


def _pylode() -> types.ModuleType:
    """Import pyLODE, working around its 3.4.x packaging bug.

    pyLODE 3.4.1 reads its version from a ``pyproject.toml`` next to ``site-packages`` at import
    time, which an installed wheel does not have (RDFLib/pyLODE#260, fixed upstream after 3.4.1).
    The version is only used for the "made by pyLODE x.y" badge, so it is supplied from the
    installed package metadata instead.
    """
    try:
        return importlib.import_module("pylode")
    except ModuleNotFoundError as exc:
        raise KgError(
            "pyLODE is needed to build the ontology pages: pip install 'pikg[docs]'"
        ) from exc
    except FileNotFoundError:
        shim = types.ModuleType("pylode.version")
        shim.__version__ = importlib.metadata.version("pylode")  # type: ignore[attr-defined]
        sys.modules["pylode.version"] = shim
        return importlib.import_module("pylode")


_INDEX = jinja2.Environment(autoescape=True, keep_trailing_newline=True).from_string(
    """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>pikg ontology reference</title>
<style>
body { font-family: sans-serif; max-width: 1200px; margin: 2em auto; padding: 0 1em; color: #222; }
h1, h2 { color: #35618f; }
table { border-collapse: collapse; margin: 1em 0; }
td, th { border: 1px solid #ccc; padding: 4px 8px; text-align: left; vertical-align: top; }
code { font-size: 0.95em; }
.diagram { overflow-x: auto; border: 1px solid #ddd; padding: 8px; }
.diagram svg { max-width: none; }
</style>
</head>
<body>
<h1>{{ title }}</h1>
<p>{{ description }}</p>
<p>Namespace <code>{{ namespace }}</code> (prefix <code>pi:</code>), version {{ version }}.
Generated from <code>ontology/*.ttl</code> by <code>scripts/build_docs.py</code>
(<code>kg docs</code>) with pyLODE {{ pylode_version }}; do not edit by hand.</p>
<h2>Pages</h2>
<table>
<tr><th>Page</th><th>Content</th><th>Terms</th></tr>
<tr><td><a href="pikg.html">pikg.html</a></td><td>OWL core: classes, object and datatype properties</td><td>{{ core_terms }}</td></tr>
{% for page in schemes %}<tr><td><a href="{{ page.file }}">{{ page.file }}</a></td><td>{{ page.title }} (<code>{{ page.prefix }}:</code>)</td><td>{{ page.concepts }}</td></tr>
{% endfor %}</table>
<h2>Class diagram</h2>
<p>Classes of the core with their object properties (domain → range) and subclass links;
superclasses from other vocabularies (⊂) and object properties whose range is outside pikg
(→) are written inside the boxes. Also as
<a href="ontology.svg">ontology.svg</a>.</p>
<div class="diagram">{{ svg }}</div>
<h2>Alignments</h2>
<p>Links from pikg terms to published vocabularies (<code>ontology/pikg-alignments.ttl</code>;
no imports).</p>
<table>
<tr><th>pikg term</th><th>Relation</th><th>External term</th></tr>
{% for row in alignments %}<tr><td><code>{{ row.term }}</code></td><td><code>{{ row.relation }}</code></td><td><a href="{{ row.target }}">{{ row.target }}</a></td></tr>
{% endfor %}</table>
</body>
</html>
"""
)


@dataclass(frozen=True)
class DocsResult:
    """What :func:`build_ontology_docs` wrote."""

    out_dir: Path
    files: list[Path]

    @property
    def index(self) -> Path:
        return self.out_dir / "index.html"


def _scheme_prefix(scheme_iri: str) -> str:
    namespace = scheme_iri.rsplit("/", 1)[0] + "/"
    return next((p for p, iri in PREFIXES.items() if iri == namespace), "pi")


@contextmanager
def _quiet_root_logger() -> Iterator[None]:
    """pyLODE logs INFO on the root logger; silence that while it runs, then put the caller's
    level back (a library does not change the application's logging for good)."""
    root = logging.getLogger()
    level = root.level
    root.setLevel(max(level, logging.WARNING))
    try:
        yield
    finally:
        root.setLevel(level)


def build_ontology_docs(out_dir: str | Path) -> DocsResult:
    """Write the ontology reference pages and the class diagram into ``out_dir``.

    Needs pyLODE (``pip install 'pikg[docs]'``). Takes about ten seconds, most of it pyLODE
    loading its background ontologies.

    Not run as a doctest (needs the docs extra and ten seconds; tests/test_cli_docs.py runs it):

    >>> result = build_ontology_docs("docs/ontology")  # doctest: +SKIP
    >>> result.index  # doctest: +SKIP
    PosixPath('docs/ontology/index.html')
    """
    pylode = _pylode()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def write(name: str, text: str) -> None:
        path = out / name
        path.write_text(text, encoding="utf-8")
        written.append(path)

    core = ontology_graph()
    docs_core = _merge_labels(core)
    for triple in list(docs_core.triples((rdflib.URIRef(DEF + "alignments"), None, None))):
        docs_core.remove(triple)
    with _quiet_root_logger():
        write("pikg.html", pylode.OntPub(docs_core, sort_subjects=True).make_html())

    pages = []
    for stem, graph in scheme_graphs().items():
        scheme = next(iter(graph.subjects(RDF.type, SKOS.ConceptScheme)))
        labels = {lit.language: str(lit) for lit in graph.objects(scheme, SKOS.prefLabel)}
        with _quiet_root_logger():
            html_page = pylode.VocPub(_merge_labels(graph), sort_subjects=True).make_html()
        write(f"{stem}.html", html_page)
        pages.append(
            {
                "file": f"{stem}.html",
                "title": " · ".join(t for t in (labels.get("en"), labels.get("zh")) if t),
                "prefix": _scheme_prefix(str(scheme)),
                "concepts": len(set(graph.subjects(SKOS.inScheme, scheme))),
            }
        )

    svg = diagram_svg(ontology_diagram(core))
    write("ontology.svg", svg)

    ontology = rdflib.URIRef(DEF.rstrip("/"))
    titles = {lit.language: str(lit) for lit in core.objects(ontology, DCTERMS.title)}
    alignments = [
        {"term": curie(str(s)), "relation": curie(str(p)), "target": str(o)}
        for p in (SKOS.exactMatch, SKOS.closeMatch)
        for s, o in sorted(core.subject_objects(p))
    ]
    core_terms = len(
        {
            s
            for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
            for s in core.subjects(RDF.type, kind)
        }
    )
    write(
        "index.html",
        _INDEX.render(
            title=" · ".join(t for t in (titles.get("en"), titles.get("zh")) if t),
            description=str(core.value(ontology, DCTERMS.description) or ""),
            namespace=DEF,
            version=str(core.value(ontology, OWL.versionInfo) or ""),
            pylode_version=importlib.metadata.version("pylode"),
            core_terms=core_terms,
            schemes=pages,
            svg=Markup(svg),
            alignments=alignments,
        ),
    )
    return DocsResult(out, sorted(written))
