"""Views (a)–(c) over the graph store: department trees, copy clusters, threshold-template hubs.

Each view runs a handful of set-based SPARQL queries (``kg/views/queries/*.rq``; user input
such as a department only ever enters as a bound variable), builds a networkx graph whose
node ids are the graph's IRIs, and hands it to :class:`kg.views.render.View`.

>>> from kg.graph.store import Store
>>> department_tree(Store()).title   # an empty store gives an empty, valid view
'Department tree'
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import networkx as nx
import pyoxigraph as ox

from kg.errors import KgError
from kg.graph.namespace import PI
from kg.graph.store import Store
from kg.textnorm import fold
from kg.views.ontology import read_query
from kg.views.render import DEFAULT_MAX_NODES, Style, View, short_label

TREE_STYLES = {
    "department": Style("部门 department", "#1f77b4", "box", 22, font=17),
    "activity": Style("职责活动 duty activity", "#ff7f0e", "dot", 14),
    "sub_activity": Style("子活动 sub-activity", "#e6a700", "dot", 11),
    "project": Style("项目 project", "#8c564b", "dot", 14),
    "indicator": Style("绩效指标 indicator", "#2ca02c", "dot", 9),
    "band": Style("评价等级 grade band / 指标值", "#9467bd", "dot", 5),
}
INDICATOR_STYLE = {"indicator": Style("绩效指标 indicator", "#2ca02c", "dot", 10)}
GROUP_STYLE = {"department": Style("部门 department", "#1f77b4", "box", font=15)}
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
    "reused-ladder": "#7b4173",
    "edited-copy": "#e6550d",
    "probable-copy": "#c49c94",
}
"""Colours of the copy-finding kinds; a kind not listed here is drawn grey, never dropped."""
SEVERE_ISSUES = frozenset({"non_monotonic", "unreachable_band", "polarity_mismatch", "overlap"})
BAD_PARSE = frozenset({"malformed", "unparsed"})
LADDER_ISSUES = frozenset(
    {
        "gap",
        "overlap",
        "unreachable_band",
        "non_monotonic",
        "shared_endpoint",
        "ordinal_inversion",
        "point_scale",
    }
)
"""Ladder issues a threshold template has by itself (they follow from its normalised bands).
The others belong to one use of it: the name's unit or polarity (unit_mismatch,
polarity_mismatch, rate_over_100) or how one table wrote the cells (mixed_units, unit_missing,
missing_band, malformed_cell), so they mark that indicator, not the shared ladder."""

EMPTY_STORE = "kg ingest DOCS/ --store kg-store    # then: kg view tree --store kg-store"
EMPTY_FINDINGS = (
    "kg duplicates --store kg-store    # or: kg audit --store kg-store --out report/\n"
    "(the store needs ingested documents first: kg ingest DOCS/ --store kg-store)"
)


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
    names, counts = _add_departments(graph, store, dept)
    rows = store.select(read_query("tree_nodes"), scope)
    for row in rows:
        _add_tree_node(graph, row, names)
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
    _add_bands(graph, store, scope)
    for iri in names:  # the overview line under each department: what it holds, what it costs
        parts = [graph.nodes[c] for c in graph.successors(iri)]
        money = sum((p["budget"] for p in parts if p.get("budget") is not None), Decimal(0))
        caption = f"{len(parts)} 项活动/项目 · {counts[iri]} 个指标"
        graph.nodes[iri]["caption"] = caption + (f" · {_money_short(money)}" if money else "")
        graph.nodes[iri]["details"].append(("budget of its activities (万元)", _money(money)))
    defective = sum(1 for iri in indicators if graph.nodes[iri].get("flagged"))
    title = f"Department tree: {names[dept]}" if dept else "Department tree"
    return View(
        graph,
        title,
        TREE_STYLES,
        layout="tree",
        max_nodes=max_nodes,
        audit_href=audit_href,
        empty_hint=EMPTY_STORE,
        description=(
            f"{len(names)} department(s), {len(indicators)} indicators, "
            f"{defective} with a defective ladder (red border). Click a box to open what "
            "is folded inside it ([+n])."
        ),
    )


def _add_departments(
    graph: nx.DiGraph, store: Store, dept: str | None
) -> tuple[dict[str, str], dict[str, int]]:
    """A node per department (only ``dept`` when given); their names and indicator counts."""
    names: dict[str, str] = {}
    counts: dict[str, int] = {}
    for row in departments(store):
        if dept and row["dept"] != dept:
            continue
        names[row["dept"]] = row.get("name", row["dept"])
        counts[row["dept"]] = int(row.get("indicators", 0))
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
    return names, counts


_TREE_KINDS = {PI.DutyActivity.value: "activity", PI.SubActivity.value: "sub_activity"}


def _add_tree_node(graph: nx.DiGraph, row: dict[str, Any], names: dict[str, str]) -> None:
    """An activity, sub-activity or project, sized by its budget."""
    kind = _TREE_KINDS.get(row["class"], "project")
    budget = row.get("budget")
    title = " ".join(str(x) for x in (row.get("number"), row.get("label")) if x)
    label = short_label(title or "(no name)", 30)
    graph.add_node(
        row["node"],
        kind=kind,
        label=f"{label} · {_money_short(budget)}" if budget is not None else label,
        department=names.get(row["dept"], ""),
        source=_where(row),
        budget=budget,
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


def _add_bands(graph: nx.DiGraph, store: Store, scope: dict[str, ox.NamedNode] | None) -> None:
    """The grade bands of the indicators in the graph; a band that did not parse is flagged."""
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


def _money(value: Any) -> str:
    if value is None:
        return ""
    return format(value, "f") if isinstance(value, Decimal) else str(value)


def _money_short(value: Any) -> str:
    """Budget in 万元 for a canvas label: ``1,234.5万元`` (full figure in the details panel).

    >>> _money_short(Decimal("1234.56")), _money_short(Decimal("12"))
    ('1,234.6万元', '12万元')
    """
    return f"{float(value):,.1f}".removesuffix(".0") + "万元"


# --- (b) duplicate clusters ------------------------------------------------------------


def duplicate_clusters(
    store: Store,
    *,
    max_nodes: int = DEFAULT_MAX_NODES,
    page: int = 1,
    audit_href: str | None = None,
    show_dismissed: bool = False,
) -> View:
    """View (b): copy findings across departments, one cluster drawn at a time.

    Every finding whose type sits under ``ftype:group-copying`` is read, whatever the kind
    (verbatim, slot, threshold-reuse, reused ladders … as the detector writes them), so a
    new kind shows up as its own entry in the Kind filter without a change here. The page
    lists the copies surest first (the detector's confidence), widest spread next, and the
    reused ladders after them; the chosen one is drawn as finding →
    departments → members, and each member's details name the members it was matched with
    and by which method. Above ``max_nodes`` the view is paged (whole findings). Findings a
    reviewer dismissed (``kg review dismiss``) are left out unless ``show_dismissed``;
    reviewed ones say so in their caption and details.
    """
    from kg.duplicates.review import review_states

    reviews = {state.finding: state.decision for state in review_states(store) if state.finding}
    indicators = indicator_records(store)
    findings, hidden = _copy_findings(store, reviews, show_dismissed)
    evidence = _finding_evidence(store)
    confidence, rank = _finding_confidence(store)

    def department_of(member: str) -> str:
        info = indicators.get(member)
        return (info or {}).get("deptName") or "(department unknown)"

    def spread(item: tuple[str, dict[str, Any]]) -> tuple[int, int, int, int, float, str]:
        """Copies before reused ladders (templated thresholds, not copies), surest first,
        then the widest spread (issue 14: confidence first, spread second)."""
        finding, entry = item
        members = entry["members"]
        reused = entry["row"]["typeLabel"] == "reused-ladder"
        return (
            int(reused),
            _CONFIDENCE_ORDER.get(confidence.get(finding, ""), 3),
            -len({department_of(m) for m in members}),
            -len(members),
            -rank.get(finding, 0.0),
            finding,
        )

    graph = nx.DiGraph()
    kinds: set[str] = set()
    for finding, entry in sorted(findings.items(), key=spread):
        row, members = entry["row"], entry["members"]
        kind = row["typeLabel"]
        kinds.add(kind)
        template = row.get("template") or row.get("shared") or ""
        by_department: dict[str, list[str]] = defaultdict(list)
        for member in members:
            by_department[department_of(member)].append(member)
        graph.add_node(
            finding,
            kind=kind,
            label=template or kind,
            caption=f"{kind} · {len(members)} 个指标 · {len(by_department)} 个部门"
            + (f" · {confidence[finding]}" if finding in confidence else "")
            + (f" · {reviews[finding].status}" if finding in reviews else ""),
            severity=row.get("severity", ""),
            details=[
                (k, v)
                for k, v in (
                    ("finding", kind),
                    ("confidence", confidence.get(finding, "")),
                    ("review", _review_text(reviews.get(finding))),
                    ("template", template),
                    ("shared", row.get("shared", "")),
                    ("score", str(row.get("score", ""))),
                    ("members", str(len(members))),
                    ("departments", str(len(by_department))),
                )
                if v
            ],
        )
        for index, (name, group) in enumerate(sorted(by_department.items())):
            group_id = f"{finding}#department-{index}"
            graph.add_node(
                group_id,
                kind="department",
                label=f"{name} ({len(group)})",
                department=name,
                details=[("department", name), ("members in this finding", str(len(group)))],
            )
            graph.add_edge(finding, group_id, kind="member")
            for member in group:
                links = evidence.get((finding, member), [])
                copy_id = f"{finding}#member-{len(graph)}"
                graph.add_node(copy_id, ref=member, **_member_attributes(indicators, member, links))
                graph.add_edge(group_id, copy_id, kind="member")
    styles = (
        {
            kind: Style(kind, FINDING_PALETTE.get(kind, "#7f7f7f"), "diamond", 16, font=15)
            for kind in sorted(kinds)
        }
        | GROUP_STYLE
        | INDICATOR_STYLE
    )
    return View(
        graph,
        "Copied and templated indicators",
        styles,
        {"member": Style("member of finding", "#9aa5b1")},
        layout="tree",
        max_nodes=max_nodes,
        page=page,
        audit_href=audit_href,
        root_list="Copy findings, surest first; reused ladders last",
        empty_hint=EMPTY_FINDINGS,
        description=f"{len(findings)} copy findings over "
        f"{len({m for e in findings.values() for m in e['members']})} indicators. "
        "Pick one in the list; the tabs above it keep one kind of finding."
        + (
            f" {len(hidden)} finding(s) dismissed by reviewers are not shown "
            "(kg view duplicates --show-dismissed)."
            if hidden
            else ""
        ),
    )


def _copy_findings(
    store: Store, reviews: dict[str, Any], show_dismissed: bool
) -> tuple[dict[str, dict[str, Any]], set[str]]:
    """Every copy finding (its first row and its members in order), and the findings left out
    because a reviewer dismissed them (unless ``show_dismissed``)."""
    hidden: set[str] = set()
    findings: dict[str, dict[str, Any]] = {}
    for row in store.select(read_query("findings")):
        decision = reviews.get(row["finding"])
        if decision is not None and decision.status == "dismissed" and not show_dismissed:
            hidden.add(row["finding"])
            continue
        entry = findings.setdefault(row["finding"], {"row": row, "members": []})
        if row["member"] not in entry["members"]:
            entry["members"].append(row["member"])
    return findings, hidden


def _finding_evidence(store: Store) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """``(finding, member) -> [(other member, method)]``, both ways round."""
    evidence: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for row in store.select(read_query("evidence")):
        for a, b in ((row["subject"], row["object"]), (row["object"], row["subject"])):
            evidence[(row["finding"], a)].append((b, row.get("method", "")))
    return evidence


def _finding_confidence(store: Store) -> tuple[dict[str, str], dict[str, float]]:
    """The detector's confidence (``high``, ``medium`` …) and rank score of each finding."""
    confidence: dict[str, str] = {}
    rank: dict[str, float] = {}
    for row in store.select(read_query("finding_confidence")):
        if row.get("flag"):
            confidence[row["finding"]] = row["flag"].split(":", 1)[1]
        if row.get("rank") is not None:
            rank[row["finding"]] = float(row["rank"])
    return confidence, rank


def _member_attributes(
    indicators: dict[str, dict[str, Any]], member: str, links: list[tuple[str, str]]
) -> dict[str, Any]:
    """A member indicator's node attributes, its details naming what it was matched with."""
    info = indicators.get(member)
    attributes = _indicator_attributes(info) if info else {"kind": "indicator"}
    matched = [f"{_name(indicators, other)} ({method or 'linked'})" for other, method in links]
    if matched:
        attributes["details"] = [*attributes.get("details", []), ("matched with", matched)]
    return attributes


def _review_text(decision: Any) -> str:
    """A reviewer's decision in one line: ``confirmed by 张审计 2026-12-03: note``."""
    if decision is None:
        return ""
    note = f": {decision.note}" if decision.note else ""
    return f"{decision.status} by {decision.by} {decision.at[:10]}{note}"


_CONFIDENCE_ORDER = {"high": 0, "medium": 1, "low": 2}
"""Order of the detector's link confidence (kg.duplicates), surest first."""

_OPERATORS = {"ge": "≥", "gt": ">", "le": "≤", "lt": "<", "eq": "="}


def readable_signature(signature: str) -> str:
    """A template signature as a person writes a ladder (the raw one is in the details).

    >>> readable_signature("ge100%|ge85%|ge80%|lt80%")
    '≥100% | ≥85% | ≥80% | <80%'
    """
    text = re.sub(r"\b(ge|gt|le|lt|eq)(?=[-+0-9.])", lambda m: _OPERATORS[m[1]], signature)
    return text.replace("|", " | ")


def _name(indicators: dict[str, dict[str, Any]], iri: str) -> str:
    info = indicators.get(iri) or {}
    where = " ".join(x for x in (info.get("deptName", ""), _where(info)) if x)
    return f"{info.get('name') or iri} [{where}]" if where else str(info.get("name") or iri)


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
    departments first, their users folded inside until opened. A template gets the defect
    mark only when the ladder itself is defective (gap, overlap, inversion …): a standard
    ladder used on a count-type name is that indicator's problem, and is marked on the
    indicator (listed in the template's details).
    """
    indicators = indicator_records(store)
    graph = nx.DiGraph()
    hubs = 0
    for row in store.select(read_query("ladder_hubs")):
        if row["uses"] < min_uses:
            continue
        hubs += 1
        issues = sorted({i.replace("-", "_") for i in row.get("issues", "").split()})
        own = [i for i in issues if i in LADDER_ISSUES]
        signature = row.get("signature", "")
        graph.add_node(
            row["tpl"],
            kind="template",
            label=readable_signature(signature) or row["tpl"],
            caption=f"{row['uses']} 个指标 · {row['departments']} 个部门",
            severity=_severity(own),
            flagged=bool(own),
            details=[
                (k, v)
                for k, v in (
                    ("template", signature),
                    ("indicators", str(row["uses"])),
                    ("departments", str(row["departments"])),
                    ("ladder issues", ", ".join(own)),
                    ("issues of indicators using it", ", ".join(sorted(set(issues) - set(own)))),
                )
                if v
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
        layout="tree",
        max_nodes=max_nodes,
        page=page,
        audit_href=audit_href,
        root_list="Ladders, widest spread first",
        empty_hint=EMPTY_STORE,
        description=f"{hubs} templates used by at least {min_uses} indicators, widest spread "
        "first; click one to list its indicators. Red border = the ladder itself is defective.",
    )
