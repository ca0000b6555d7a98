"""Render a networkx graph as a self-contained, offline and injection-safe HTML page.

pyvis builds the vis-network node and edge lists (the project's required stack), but its own
page template loads vis-network and Bootstrap from CDNs and pastes titles and headings into
the page as raw HTML. Documents are untrusted, so the page is rendered through our own jinja2
template instead:

* vis-network (the copy shipped inside the pyvis package) and our script are inlined, and a
  Content-Security-Policy built from their SHA-256 hashes forbids every other script and every
  network request, so the page works on an intranet without internet and stays inert even if
  markup were ever smuggled in;
* all data travels as JSON inside ``<script type="application/json">`` with ``<``, ``>``,
  ``&`` and U+2028/U+2029 escaped, and the script reads it with ``JSON.parse``;
* the script builds tooltips, the details panel, the legend and the filters with
  ``textContent`` and DOM nodes only, never ``innerHTML`` from data.

Node attributes understood by the renderer (all optional except ``kind``):
``label``, ``kind`` (legend entry), ``details`` (list of ``(field, value)`` pairs),
``source`` (``file:line``), ``department``, ``severity``, ``flagged`` (drawn with a red ring),
``size``, ``x``/``y`` (fixed position), ``hidden`` (counts folded into the node), ``caption``
(a second line under the label in the box layouts, e.g. counts and money), ``ref`` (this node
is a copy of another node id: deep links to that id land here), ``cell`` (grid layout).
Edge attributes: ``kind`` (legend entry), ``label``, ``width``.

>>> import networkx as nx
>>> g = nx.DiGraph()
>>> g.add_node("d", label="<b>办公室</b>", kind="department")
>>> g.add_node("a", label="公文运转", kind="activity")
>>> g.add_edge("d", "a")
>>> page = View(g, "demo", {"department": Style("部门", "#1f77b4"),
...                         "activity": Style("职责活动", "#ff7f0e")}).html()
>>> "<b>办公室" in page, "\\\\u003cb\\\\u003e办公室" in page
(False, True)
"""

from __future__ import annotations

import base64
import copy
import hashlib
import html as html_lib
import json
import re
import unicodedata
from collections import deque
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import jinja2
import networkx as nx
import pyvis
from pyvis.edge import Edge
from pyvis.network import Network
from pyvis.node import Node

from kg.errors import KgError
from kg.views.layout import Reduction, cluster_layout, fold_deepest_levels, page_components

DEFAULT_MAX_NODES = 6000
"""Above this many nodes a view folds (trees) or pages (clusters); 5,000 stay interactive."""

PHYSICS_MAX_NODES = 300
"""Small cluster views get a short physics settle from the precomputed layout; larger don't."""

LABEL_MAX_WIDTH = 40
"""Canvas labels are cut at this display width (a CJK character counts 2, ASCII 1, so about
20 Chinese characters); the full text is in the tooltip and the details panel."""

FACETS: tuple[str, ...] = ("department", "kind", "severity")

Layout = Literal["tree", "clusters", "given", "grid"]

TREE_MODES = frozenset({"tree", "grid"})
"""Layouts drawn as labelled boxes whose positions the page computes from measured labels."""


@dataclass(frozen=True)
class Style:
    """How one kind of node (or edge) looks, and its legend text.

    ``font`` is the label size in canvas pixels for the box layouts (``tree``/``grid``):
    departments get a larger one so their names stay readable when the rest is small.
    """

    label: str
    color: str
    shape: str = "dot"
    size: float = 12.0
    dashes: bool = False
    font: int = 14


@dataclass
class View:
    """An interactive graph view: ``html()`` for the page, ``save(path)``, inline in notebooks.

    ``layout`` is ``"tree"`` (a forest drawn left to right as labelled boxes, each subtree
    in its own band of rows; the page folds everything below the roots' children and opens
    nodes on click, search or filter), ``"grid"`` (labelled boxes in the grid cells given by
    each node's ``cell=(column, row)``), ``"clusters"`` (spring layout per component; pages
    above ``max_nodes``) or ``"given"`` (every node already has ``x``/``y``).
    ``root_list`` (a heading) adds a ranked list of the tree's roots beside the graph and
    draws one root at a time. ``audit_href`` (for example ``"audit.html"``) adds a link
    ``<audit_href>#node=<node id>`` to the details panel. ``empty_hint`` is shown instead of
    a blank canvas when the graph has no node (say what fills it).
    """

    graph: nx.Graph
    title: str
    node_styles: dict[str, Style]
    edge_styles: dict[str, Style] = field(default_factory=dict)
    layout: Layout = "tree"
    description: str = ""
    max_nodes: int = DEFAULT_MAX_NODES
    page: int = 1
    audit_href: str | None = None
    notices: list[str] = field(default_factory=list)
    root_list: str | None = None
    empty_hint: str = ""

    def html(self) -> str:
        """The complete page as one string (no external resources)."""
        return render_page(self)

    def save(self, path: str | Path) -> Path:
        """Write the page to ``path`` (parent folders are created) and return the path."""
        target = Path(path)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(self.html(), encoding="utf-8")
        except OSError as exc:
            raise KgError(f"cannot write the view: {exc.strerror}", str(target)) from exc
        return target

    def _repr_html_(self) -> str:
        """Inline display in Jupyter: the page inside a sandboxed iframe (escaped ``srcdoc``)."""
        return (
            '<iframe sandbox="allow-scripts" style="width:100%;height:640px;border:0" '
            f'title="{html_lib.escape(self.title, quote=True)}" '
            f'srcdoc="{html_lib.escape(self.html(), quote=True)}"></iframe>'
        )


def script_json(data: Any) -> str:
    """JSON that is safe inside ``<script type="application/json">``.

    ``<``, ``>`` and ``&`` only occur inside JSON strings, where ``\\u003c`` etc. mean the
    same character, so ``</script>`` or ``<!--`` in data can never end the block. U+2028 and
    U+2029 are escaped for older JavaScript parsers.

    >>> script_json({"t": "</script><img src=x onerror=alert(1)>"})
    '{"t":"\\\\u003c/script\\\\u003e\\\\u003cimg src=x onerror=alert(1)\\\\u003e"}'
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for char, escape in (
        ("&", "\\u0026"),
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escape)
    return text


def display_width(text: str) -> int:
    """Columns ``text`` takes on screen: wide (CJK, full-width) characters count 2.

    >>> display_width("办公室 ab")
    9
    """
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def short_label(text: str, limit: int = LABEL_MAX_WIDTH) -> str:
    """One line of at most ``limit`` display columns for the canvas (CJK is twice as wide).

    >>> short_label("公文流转；规划编制；学习培训；档案管理；信息报送工作完成率")
    '公文流转；规划编制；学习培训；档案管理…'
    >>> short_label("Department of Finance and Budget Planning", 20)
    'Department of Finan…'
    """
    flat = re.sub(r"\s+", " ", text).strip()
    if display_width(flat) <= limit:
        return flat
    width = 0
    for index, char in enumerate(flat):
        width += display_width(char)
        if width > limit - 1:  # keep a column for the ellipsis
            return flat[:index] + "…"
    return flat


def safe_href(href: str) -> str:
    """Accept only relative links and http(s)/file URLs for the audit backlink."""
    scheme = re.match(r"^\s*([a-zA-Z][a-zA-Z0-9+.-]*):", href)
    if scheme and scheme.group(1).lower() not in {"http", "https", "file"}:
        raise KgError(f"refusing link {href!r}: only relative, http(s) and file links are allowed")
    return href


def render_page(view: View) -> str:
    """Reduce, lay out and serialise ``view`` into the page template."""
    graph = copy.deepcopy(view.graph)
    reduction = _reduce(graph, view)
    boxes = view.layout in TREE_MODES
    positions = {} if boxes else _positions(graph, view.layout)
    groups: dict[str, dict[str, Any]] = {}
    network = _to_pyvis(graph, positions, view, groups)
    nodes, edges, *_ = network.get_network_data()
    meta = {str(node): _node_meta(graph, node, view) for node in graph}
    physics = view.layout == "clusters" and graph.number_of_nodes() <= PHYSICS_MAX_NODES
    notices = [*view.notices]
    if reduction.message:
        notices.append(reduction.message)
    payload = {
        "title": view.title,
        "description": view.description,
        "mode": view.layout if boxes else "graph",
        "nodes": nodes,
        "edges": edges,
        "meta": meta,
        "legend": {
            "nodes": _legend(view.node_styles, {graph.nodes[n].get("kind") for n in graph}),
            "edges": _legend(view.edge_styles, {d.get("kind") for *_, d in graph.edges(data=True)}),
        },
        "facets": _facets(meta),
        "notices": notices,
        "empty": view.empty_hint if graph.number_of_nodes() == 0 else "",
        "auditHref": safe_href(view.audit_href) if view.audit_href else None,
        "options": _vis_options(physics, graph.is_directed(), view.layout),
        "groups": groups,
        "stats": {"shown": reduction.shown, "total": reduction.total},
    }
    if view.layout == "tree":
        payload["tree"] = _forest(graph, view.root_list)
    if view.layout == "grid":
        payload["cells"] = {str(n): list(d["cell"]) for n, d in graph.nodes(data=True)}
    assets = _assets()
    template = _environment().get_template("view.html.j2")
    return template.render(
        title=view.title,
        description=view.description,
        data_json=script_json(payload),
        vis_js=assets["vis_js"],
        view_js=assets["view_js"],
        view_css=assets["view_css"],
        csp=assets["csp"],
    )


# --- internals ----------------------------------------------------------------------------


def _reduce(graph: nx.Graph, view: View) -> Reduction:
    total = graph.number_of_nodes()
    if total <= view.max_nodes:
        return Reduction(shown=total, total=total)
    if view.layout == "tree" and graph.is_directed():

        def describe(node: Hashable) -> str:
            kind = graph.nodes[node].get("kind", "node")
            style = view.node_styles.get(kind)
            return style.label if style else kind

        return fold_deepest_levels(graph, view.max_nodes, describe)
    return page_components(graph, view.max_nodes, view.page)


def _forest(graph: nx.Graph, root_list: str | None) -> dict[str, Any]:
    """Roots and ordered children of a tree layout; tree edges are parent → child.

    A node reached from two parents keeps the first one (the page draws each node once).
    """
    if not graph.is_directed():
        raise KgError("a tree view needs a directed graph (parent → child edges)")
    children: dict[str, list[str]] = {}
    placed: set[Hashable] = set()
    roots = [node for node in graph if graph.in_degree(node) == 0] or list(graph)[:1]
    placed.update(roots)
    queue = deque(roots)
    while queue:  # breadth first, in insertion order: the first parent keeps the child
        node = queue.popleft()
        kids = [child for child in graph.successors(node) if child not in placed]
        placed.update(kids)
        if kids:
            children[str(node)] = [str(child) for child in kids]
        queue.extend(kids)
    roots += [node for node in graph if node not in placed]  # only reachable through a cycle
    return {"roots": [str(r) for r in roots], "children": children, "rootList": root_list}


def _positions(graph: nx.Graph, layout: Layout) -> dict[Hashable, tuple[float, float]]:
    given = {
        node: (float(data["x"]), float(data["y"]))
        for node, data in graph.nodes(data=True)
        if "x" in data and "y" in data
    }
    if layout == "given" or len(given) == graph.number_of_nodes():
        missing = [node for node in graph if node not in given]
        if missing:
            raise KgError(f"layout 'given' but {len(missing)} nodes have no x/y, e.g. {missing[0]}")
        return given
    return cluster_layout(graph)


def _to_pyvis(
    graph: nx.Graph, positions: dict, view: View, groups: dict[str, dict[str, Any]]
) -> Network:
    """Fill a pyvis ``Network`` with vis-ready node and edge dicts.

    pyvis's ``add_edge`` checks membership in lists (quadratic in the graph size), so the
    ``Node``/``Edge`` records are appended directly; node ids are unique by construction.
    In the box layouts every node is a labelled box tinted by its kind; a flagged node gets
    a thick red border and a "!" before its label, which stays visible at any zoom. The box
    styles go into ``groups`` (one per kind, and one per flagged kind), not into every node.
    """
    network = Network(directed=graph.is_directed(), cdn_resources="remote")
    boxes = view.layout in TREE_MODES
    for node, data in graph.nodes(data=True):
        node_id = str(node)
        kind = data.get("kind", "node")
        style = view.node_styles.get(kind, Style(kind, "#7f7f7f"))
        label = short_label(str(data.get("label", node_id)))
        if data.get("hidden"):
            label += f" (+{sum(data['hidden'].values())})"
        if boxes:
            group = f"{kind}!" if data.get("flagged") else kind
            if group not in groups:
                groups[group] = _box_options(style, bool(data.get("flagged")))
            options = {"group": group, "shape": "box"}
            if data.get("flagged"):
                label = "! " + label
        else:
            x, y = positions[node]
            options = {
                "group": kind,
                "x": round(x, 1),
                "y": round(y, 1),
                "size": float(data.get("size", style.size)),
            }
            if data.get("flagged"):
                options["color"] = {
                    "background": style.color,
                    "border": FLAG_COLOR,
                    "highlight": {"background": style.color, "border": "#8b0000"},
                }
                options["borderWidth"] = 4
        record = Node(node_id, options.pop("shape", style.shape), label=label, **options)
        network.nodes.append(record.options)
        network.node_ids.append(node_id)
        network.node_map[node_id] = record.options
    for index, (source, target, data) in enumerate(graph.edges(data=True)):
        kind = data.get("kind", "")
        style = view.edge_styles.get(kind)
        options = {"id": f"e{index}", "kind": kind}
        if style is not None:
            options["color"] = {"color": style.color, "highlight": style.color}
            options["dashes"] = style.dashes
        if data.get("label"):
            options["label"] = short_label(str(data["label"]), 24)
        if data.get("width"):
            options["width"] = float(data["width"])
        record = Edge(str(source), str(target), directed=graph.is_directed(), **options)
        network.edges.append(record.options)
    return network


FLAG_COLOR = "#d62728"


def _box_options(style: Style, flagged: bool) -> dict[str, Any]:
    """A box in the kind's colour: a light tint inside, the full colour as the border."""
    tint = _tint(style.color)
    border = FLAG_COLOR if flagged else style.color
    return {
        "shape": "box",
        "color": {
            "background": "#fde2e1" if flagged else tint,
            "border": border,
            "highlight": {"background": "#fff7c2", "border": border},
            "hover": {"background": tint, "border": border},
        },
        "borderWidth": 3 if flagged else 1.5,
        "borderWidthSelected": 3,
        "font": {"size": style.font, "color": "#1d2733"},
    }


def _tint(color: str, keep: float = 0.22) -> str:
    """``color`` mixed with white, so dark text stays readable on it."""
    rgb = [int(color[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(255 - (255 - c) * keep):02x}" for c in rgb)


def _node_meta(graph: nx.Graph, node: Hashable, view: View) -> dict[str, Any]:
    data = graph.nodes[node]
    kind = data.get("kind", "node")
    style = view.node_styles.get(kind)
    details = [[str(k), _text(v)] for k, v in data.get("details", [])]
    for description, count in data.get("hidden", {}).items():
        details.append([f"folded {description}", str(count)])
    meta: dict[str, Any] = {
        "kind": kind,
        "label": _text(data.get("label", node)),
        "kindLabel": style.label if style else kind,
        "details": details,
        "facets": {
            "department": _text(data.get("department", "")),
            "kind": style.label if style else kind,
            "severity": _text(data.get("severity", "")),
        },
    }
    if data.get("source"):
        meta["source"] = _text(data["source"])
    if data.get("flagged"):
        meta["flagged"] = True
    if data.get("caption"):  # a second label line (counts, money) drawn when there is room
        meta["caption"] = _text(data["caption"])
    if data.get("ref"):  # a copy of another node (e.g. a cluster member): links resolve to it
        meta["ref"] = _text(data["ref"])
    return meta


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple, set)):
        return "; ".join(_text(v) for v in value)
    return str(value)


def _legend(styles: dict[str, Style], present: Iterable[Any]) -> list[dict[str, Any]]:
    present = set(present)
    return [
        {"kind": kind, "label": s.label, "color": s.color, "shape": s.shape, "dashes": s.dashes}
        for kind, s in styles.items()
        if kind in present
    ]


def _facets(meta: dict[str, dict[str, Any]]) -> dict[str, list[str]]:
    values: dict[str, set[str]] = {facet: set() for facet in FACETS}
    for entry in meta.values():
        for facet, value in entry["facets"].items():
            if value:
                values[facet].add(value)
    return {facet: sorted(found) for facet, found in values.items() if len(found) > 1}


def _vis_options(physics: bool, directed: bool, layout: Layout) -> dict[str, Any]:
    boxes = layout in TREE_MODES
    edges: dict[str, Any] = {
        "smooth": False,
        "arrows": {"to": {"enabled": directed and layout != "tree", "scaleFactor": 0.5}},
        "color": {"inherit": False, "color": "#9aa5b1"},
        "font": {"size": 12, "align": "middle", "background": "#ffffff"},
    }
    if layout == "tree":  # parent → child curves leave a box's side, like a drawn tree
        edges["smooth"] = {"enabled": True, "type": "cubicBezier", "forceDirection": "horizontal"}
    elif layout == "grid":  # a slight bend keeps two links between the same boxes apart
        edges["smooth"] = {"enabled": True, "type": "curvedCW", "roundness": 0.12}
    return {
        "autoResize": True,
        "layout": {"improvedLayout": False, "randomSeed": 7},
        "physics": {
            "enabled": physics,
            "solver": "barnesHut",
            "barnesHut": {"springLength": 90, "avoidOverlap": 0.2},
            "stabilization": {"enabled": physics, "iterations": 150, "fit": True},
        },
        "interaction": {
            "hover": True,
            "tooltipDelay": 3600000,  # vis tooltips stay off: ours are built with textContent
            "hideEdgesOnDrag": not boxes,
            "hideEdgesOnZoom": not boxes,
            "navigationButtons": False,
            "keyboard": {"enabled": True, "bindToWindow": False},
        },
        "nodes": {
            "font": {"size": 14, "face": LABEL_FONT},
            "borderWidth": 1,
            "labelHighlightBold": False,
            # A label smaller than this many screen pixels is not drawn (vis hides it below
            # drawThreshold - 1): an unreadable smear helps no one, zooming in shows it.
            "scaling": {"label": {"drawThreshold": READABLE_PX + 1}},
        },
        "edges": edges,
    }


READABLE_PX = 11
"""Smallest label drawn, in CSS pixels; below it the page hides the label (zoom in to read)."""

LABEL_FONT = "sans-serif"
"""Canvas label font; the page measures labels with the same font when it lays them out."""


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("kg.views", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )


@cache
def _assets() -> dict[str, str]:
    vis_path = Path(pyvis.__file__).parent / "lib" / "vis-9.1.2" / "vis-network.min.js"
    if not vis_path.is_file():
        raise KgError("vis-network is missing from the pyvis package", str(vis_path))
    vis_js = vis_path.read_text(encoding="utf-8")
    static = resources.files("kg.views") / "static"
    view_js = (static / "view.js").read_text(encoding="utf-8")
    view_css = (static / "view.css").read_text(encoding="utf-8")
    for name, text in (("vis-network.min.js", vis_js), ("view.js", view_js)):
        if "</script" in text.lower() or "<!--" in text:
            raise KgError(f"{name} cannot be inlined: it contains </script or <!--")
    if "</style" in view_css.lower():
        raise KgError("view.css cannot be inlined: it contains </style")
    hashes = " ".join(f"'sha256-{_sha256(text)}'" for text in (vis_js, view_js))
    csp = (
        "default-src 'none'; "
        f"script-src {hashes}; "
        "style-src 'unsafe-inline'; img-src data:; font-src data:; "
        "connect-src 'none'; form-action 'none'; base-uri 'none'"
    )
    return {"vis_js": vis_js, "view_js": view_js, "view_css": view_css, "csp": csp}


def _sha256(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
