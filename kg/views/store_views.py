"""Views (a)–(c) over the graph store: department trees, copy clusters, threshold-template hubs.

Each view runs a handful of set-based SPARQL queries (``kg/views/queries/*.rq``; user input
such as a department only ever enters as a bound variable), builds a networkx graph whose
node ids are the graph's IRIs, and hands it to :class:`kg.views.render.View`.

>>> from kg.store import Store
>>> department_tree(Store()).title   # an empty store gives an empty, valid view
'Department tree'
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import networkx as nx
import pyoxigraph as ox

from kg.errors import KgError
from kg.store import Store
from kg.textnorm import fold
from kg.views.ontology import read_query
from kg.views.render import DEFAULT_MAX_NODES, Style, View

PI = "https://w3id.org/pikg/def/"

TREE_STYLES = {
    "department": Style("部门 department", "#1f77b4", "box", 22),
    "activity": Style("职责活动 duty activity", "#ff7f0e", "dot", 14),
    "sub_activity": Style("子活动 sub-activity", "#ffbb78", "dot", 11),
    "project": Style("项目 project", "#8c564b", "dot", 14),
    "indicator": Style("绩效指标 indicator", "#2ca02c", "dot", 9),
    "band": Style("评价等级 grade band / 指标值", "#9467bd", "dot", 5),
}
INDICATOR_STYLE = {"indicator": Style("绩效指标 indicator", "#2ca02c", "dot", 10)}
FINDING_PALETTE = {
    "verbatim-copy": "#d62728",
    "surface-copy": "#ff7f0e",
    "jurisdiction-copy": "#bcbd22",
    "slot-copy": "#17becf",
    "threshold-reuse": "#9467bd",
    "block-copy": "#8c564b",
    "near-duplicate-indicator": "#e377c2",
    "name-reuse-different-ladder": "#7f7f7f",
    "content-template": "#1f77b4",
}
SEVERE_ISSUES = frozenset({"non_monotonic", "unreachable_band", "polarity_mismatch", "overlap"})
BAD_PARSE = frozenset({"malformed", "unparsed"})


# --- shared queries ---------------------------------------------------------------------


def departments(store: Store) -> list[dict[str, Any]]:
    """Every department: ``{"dept": IRI, "name": …, "budgetCode": …, "indicators": n}``."""
    return store.select(read_query("departments"))


def find_department(store: Store, name: str) -> dict[str, Any]:
    """The one department whose name (or budget code, or IRI) matches ``name``.

    Exact matches win; otherwise a unique substring match after glyph folding. Anything else
    is a :class:`KgError` that lists the candidates.
    """
    rows = departments(store)
    if not rows:
        raise KgError("the store holds no departments (run `kg ingest` first)")
    wanted = fold(name).strip()
    exact = [r for r in rows if wanted in (fold(r.get("name", "")), r.get("budgetCode"), r["dept"])]
    if len(exact) == 1:
        return exact[0]
    partial = [r for r in rows if wanted and wanted in fold(r.get("name", ""))]
    if len(partial) == 1:
        return partial[0]
    candidates = exact or partial or rows
    listing = "; ".join(sorted(r.get("name", r["dept"]) for r in candidates)[:12])
    problem = "is ambiguous" if (exact or partial) else "matches no department"
    raise KgError(f"--department {name!r} {problem}; departments: {listing}")


def indicator_records(store: Store, dept: str | None = None) -> dict[str, dict[str, Any]]:
    """Indicator occurrences keyed by IRI (see ``indicators.rq``)."""
    return {row["ind"]: row for row in store.select(read_query("indicators"), _scope(dept))}


def _scope(dept: str | None) -> dict[str, ox.NamedNode] | None:
    return {"dept": ox.NamedNode(dept)} if dept else None


def _where(row: dict[str, Any]) -> str:
    if row.get("line") is None:
        return ""
    return f"{row.get('file', '?')}:{row['line']}"


def _severity(issues: Iterable[str]) -> str:
    issues = {issue.replace("-", "_") for issue in issues}
    if issues & SEVERE_ISSUES:
        return "error"
    return "warning" if issues else ""


def _indicator_attributes(row: dict[str, Any]) -> dict[str, Any]:
    issues = row.get("issues", "").split()
    details = [
        ("indicator", row.get("name", "")),
        ("department", row.get("deptName", "")),
        ("一级/二级", " / ".join(x for x in (row.get("level1"), row.get("level2")) if x)),
        ("description", row.get("indicatorDescription", "")),
        ("ladder as written", row.get("ladderText", "")),
        ("threshold template", row.get("templateSignature", "")),
        ("ladder issues", ", ".join(issues)),
    ]
    return {
        "kind": "indicator",
        "label": row.get("name") or "(no name)",
        "department": row.get("deptName", ""),
        "severity": _severity(issues),
        "flagged": bool(issues),
        "source": _where(row),
        "details": [(k, v) for k, v in details if v],
    }


# --- (a) department tree ---------------------------------------------------------------


def department_tree(
    store: Store,
    department: str | None = None,
    *,
    max_nodes: int = DEFAULT_MAX_NODES,
    audit_href: str | None = None,
) -> View:
    """View (a): department → activities/projects → sub-activities → indicators → bands.

    Activities are sized by budget, indicators with a defective ladder get a red ring and a
    severity, bands that did not parse are flagged. ``department`` (name, budget code or IRI)
    picks one department; by default every department is shown and the deepest levels fold
    into their parents above ``max_nodes``.
    """
    dept = find_department(store, department)["dept"] if department else None
    scope = _scope(dept)
    graph = nx.DiGraph()
    names: dict[str, str] = {}
    for row in departments(store):
        if dept and row["dept"] != dept:
            continue
        names[row["dept"]] = row.get("name", row["dept"])
        graph.add_node(
            row["dept"],
            kind="department",
            label=names[row["dept"]],
            department=names[row["dept"]],
            details=[
                ("department", names[row["dept"]]),
                ("budget code", row.get("budgetCode", "")),
                ("indicators", str(row.get("indicators", 0))),
            ],
        )
    rows = store.select(read_query("tree_nodes"), scope)
    kinds = {PI + "DutyActivity": "activity", PI + "SubActivity": "sub_activity"}
    for row in rows:
        kind = kinds.get(row["class"], "project")
        budget = row.get("budget")
        title = " ".join(str(x) for x in (row.get("number"), row.get("label")) if x)
        graph.add_node(
            row["node"],
            kind=kind,
            label=title or "(no name)",
            department=names.get(row["dept"], ""),
            source=_where(row),
            size=TREE_STYLES[kind].size + (3 * math.log1p(float(budget)) if budget else 0),
            details=[
                (k, v)
                for k, v in (
                    ("name", row.get("label", "")),
                    ("number", row.get("number", "")),
                    ("budget (万元)", _money(budget)),
                    ("synthetic parent", "yes" if row.get("synthetic") else ""),
                )
                if v
            ],
        )
    for row in rows:
        parent = row.get("parent") or row["dept"]
        if parent in graph:
            graph.add_edge(parent, row["node"])
    indicators = indicator_records(store, dept)
    for iri, row in indicators.items():
        graph.add_node(iri, **_indicator_attributes(row))
        parent = row.get("owner") or row["dept"]
        if parent in graph:
            graph.add_edge(parent, iri)
    for row in store.select(read_query("bands"), scope):
        if row["ind"] not in graph:
            continue
        status = row.get("status", "")
        raw = row.get("raw", "")
        graph.add_node(
            row["band"],
            kind="band",
            label=f"{row.get('gradeLabel', '')} {raw}".strip(),
            department=graph.nodes[row["ind"]].get("department", ""),
            flagged=status in BAD_PARSE,
            severity="warning" if status in BAD_PARSE else "",
            details=[("grade", row.get("gradeLabel", "")), ("raw text", raw), ("parse", status)],
        )
        graph.add_edge(row["ind"], row["band"])
    defective = sum(1 for iri in indicators if graph.nodes[iri].get("flagged"))
    title = f"Department tree: {names[dept]}" if dept else "Department tree"
    return View(
        graph,
        title,
        TREE_STYLES,
        layout="tree",
        max_nodes=max_nodes,
        audit_href=audit_href,
        description=(
            f"{len(names)} department(s), {len(indicators)} indicators, "
            f"{defective} with a defective ladder (red ring). Node size follows the budget."
        ),
    )


def _money(value: Any) -> str:
    if value is None:
        return ""
    return format(value, "f") if isinstance(value, Decimal) else str(value)


# --- (b) duplicate clusters ------------------------------------------------------------


def duplicate_clusters(
    store: Store,
    *,
    max_nodes: int = DEFAULT_MAX_NODES,
    page: int = 1,
    audit_href: str | None = None,
) -> View:
    """View (b): copy findings across departments, members linked by their evidence.

    Each finding is a hub coloured by its kind (verbatim, slot, threshold-reuse …) carrying
    the template text; members are indicator occurrences linked to the hub and to each other
    by the pairwise evidence the detector recorded. Largest clusters come first; above
    ``max_nodes`` the view is paged.
    """
    indicators = indicator_records(store)
    graph = nx.Graph()
    kinds: set[str] = set()
    members_of: dict[str, list[str]] = defaultdict(list)
    for row in store.select(read_query("findings")):
        finding, kind = row["finding"], row["typeLabel"]
        kinds.add(kind)
        member = row["member"]
        if finding not in graph:
            template = row.get("template") or row.get("shared") or ""
            graph.add_node(
                finding,
                kind=kind,
                label=template or kind,
                severity=row.get("severity", ""),
                details=[
                    (k, v)
                    for k, v in (
                        ("finding", kind),
                        ("template", template),
                        ("shared", row.get("shared", "")),
                        ("score", str(row.get("score", ""))),
                    )
                    if v
                ],
            )
        members_of[finding].append(member)
        if member not in graph:
            info = indicators.get(member)
            graph.add_node(
                member, **(_indicator_attributes(info) if info else {"kind": "indicator"})
            )
        graph.add_edge(finding, member, kind="member")
    for finding, members in members_of.items():
        departments_hit = {graph.nodes[m].get("department") for m in members} - {""}
        graph.nodes[finding]["details"].append(("members", str(len(set(members)))))
        graph.nodes[finding]["details"].append(("departments", str(len(departments_hit))))
    for row in store.select(read_query("evidence")):
        if row["subject"] in graph and row["object"] in graph:
            graph.add_edge(
                row["subject"], row["object"], kind="evidence", label=row.get("method", "")
            )
    styles = {
        kind: Style(kind, FINDING_PALETTE.get(kind, "#7f7f7f"), "diamond", 16)
        for kind in sorted(kinds)
    } | INDICATOR_STYLE
    return View(
        graph,
        "Copied and templated indicators",
        styles,
        {
            "member": Style("member of finding", "#c7c7c7"),
            "evidence": Style("pairwise evidence", "#d62728"),
        },
        layout="clusters",
        max_nodes=max_nodes,
        page=page,
        audit_href=audit_href,
        description=f"{len(members_of)} copy findings over "
        f"{graph.number_of_nodes() - len(members_of)} indicators, largest clusters first.",
    )


# --- (c) threshold-template hubs --------------------------------------------------------


def ladder_hubs(
    store: Store,
    *,
    min_uses: int = 2,
    max_nodes: int = DEFAULT_MAX_NODES,
    page: int = 1,
    audit_href: str | None = None,
) -> View:
    """View (c): each threshold template with every indicator that uses it, across departments.

    Templates used by at least ``min_uses`` indicators are shown, those spread over the most
    departments first; a template whose ladder is defective gets a red ring.
    """
    indicators = indicator_records(store)
    graph = nx.Graph()
    hubs = 0
    for row in store.select(read_query("ladder_hubs")):
        if row["uses"] < min_uses:
            continue
        hubs += 1
        issues = row.get("issues", "").split()
        signature = row.get("signature", "")
        graph.add_node(
            row["tpl"],
            kind="template",
            label=signature or row["tpl"],
            severity=_severity(issues),
            flagged=bool(issues),
            size=8 + 3 * math.sqrt(row["uses"]),
            details=[
                ("template", signature),
                ("indicators", str(row["uses"])),
                ("departments", str(row["departments"])),
                ("ladder issues", ", ".join(issues)),
            ],
        )
    for iri, info in indicators.items():
        template = info.get("template")
        if template in graph:
            graph.add_node(iri, **_indicator_attributes(info))
            graph.add_edge(template, iri, kind="uses")
    styles = {"template": Style("评价标准模板 threshold template", "#9467bd", "diamond", 16)}
    return View(
        graph,
        "Threshold-template hubs",
        styles | INDICATOR_STYLE,
        {"uses": Style("uses template", "#c5b0d5")},
        layout="clusters",
        max_nodes=max_nodes,
        page=page,
        audit_href=audit_href,
        description=f"{hubs} templates used by at least {min_uses} indicators, "
        "busiest first; red ring = defective ladder.",
    )
