"""Rendering engine of kg.views: safety of the page, layouts, size limits (no browser).

The tree layout itself runs in the page (it measures labels); tests/test_views_layout.py
checks it in Chromium."""

from __future__ import annotations

import html
import json
import re

import networkx as nx
import pytest

from kg.errors import KgError
from kg.views import Style, View, script_json
from kg.views.layout import cluster_layout, fold_deepest_levels, page_components
from kg.views.render import short_label

EVIL = "<script>alert(1)</script><img src=x onerror=alert(2)>\"'&\u2028"
STYLES = {
    "department": Style("部门", "#1f77b4", "box"),
    "activity": Style("职责活动", "#ff7f0e"),
    "indicator": Style("绩效指标", "#2ca02c"),
    "band": Style("等级", "#9467bd"),
}


def _data_block(page: str) -> dict:
    match = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', page, re.S)
    assert match, "data block missing"
    return json.loads(match.group(1))


def _tree(width: int = 3, depth: int = 3) -> nx.DiGraph:
    graph = nx.DiGraph()
    graph.add_node("root", kind="department", label="办公室")
    frontier = ["root"]
    kinds = ["activity", "indicator", "band"]
    for level in range(depth):
        nxt = []
        for parent in frontier:
            for i in range(width):
                child = f"{parent}/{i}"
                graph.add_node(child, kind=kinds[level], label=f"{kinds[level]} {i}")
                graph.add_edge(parent, child)
                nxt.append(child)
        frontier = nxt
    return graph


def test_script_json_cannot_close_the_script_block():
    text = script_json({"a": EVIL})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"a": EVIL}


def test_untrusted_strings_are_escaped_everywhere():
    graph = nx.DiGraph()
    graph.add_node(EVIL, kind="department", label=EVIL, department=EVIL, source=EVIL)
    graph.add_node("b", kind="activity", label="b", details=[(EVIL, EVIL)])
    graph.add_edge(EVIL, "b", label=EVIL)
    page = View(graph, EVIL, STYLES, description=EVIL).html()
    markup = re.sub(r"<script>.*?</script>", "", page, flags=re.S)  # drop the inlined code
    assert "<script>alert" not in markup
    assert "<img" not in markup
    # The data survives intact for the page to show as text.
    data = _data_block(page)
    assert data["meta"]["b"]["details"] == [[EVIL, EVIL]]
    assert data["title"] == EVIL
    # Every script on the page is ours: its hash is allowed by the policy, nothing else is.
    scripts = re.findall(r"<script>(.*?)</script>", page, re.S)
    assert len(scripts) == 2
    policy = html.unescape(re.search(r'Content-Security-Policy" content="([^"]*)"', page)[1])
    assert "script-src 'sha256-" in policy and "connect-src 'none'" in policy


def test_page_has_no_external_resources():
    page = View(_tree(), "tree", STYLES).html()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "cdn" not in page.lower().replace("cdn_resources", "")


def test_tree_payload_has_roots_and_children_in_order_and_no_positions():
    graph = _tree(width=2, depth=2)
    graph.add_edge("root/1", "root/0/1")  # a second parent: the node is drawn once
    data = _data_block(View(graph, "t", STYLES).html())
    assert data["mode"] == "tree"
    assert data["tree"]["roots"] == ["root"]
    assert data["tree"]["children"]["root"] == ["root/0", "root/1"]
    assert data["tree"]["children"]["root/0"] == ["root/0/0", "root/0/1"]
    assert "root/0/1" not in data["tree"]["children"]["root/1"]
    assert all("x" not in node for node in data["nodes"])  # the page lays out what is open
    assert {node["shape"] for node in data["nodes"]} == {"box"}


def test_short_label_counts_cjk_twice():
    assert short_label("办公室") == "办公室"
    cut = short_label("一二三四五六七八九十" * 3, 20)
    assert cut == "一二三四五六七八九…" and len(cut) == 10
    assert short_label("abcdefghij" * 3, 20) == "abcdefghijabcdefghi…"


def test_cluster_layout_is_deterministic_and_separates_components():
    graph = nx.Graph([(1, 2), (2, 3), (10, 11)])
    first, second = cluster_layout(graph), cluster_layout(graph)
    assert first == second
    gap = abs(first[1][0] - first[10][0]) + abs(first[1][1] - first[10][1])
    assert gap > 50


def test_fold_deepest_levels_keeps_counts():
    graph = _tree(width=3, depth=3)  # 1 + 3 + 9 + 27 nodes
    reduction = fold_deepest_levels(graph, 20, lambda n: graph.nodes[n]["kind"])
    assert graph.number_of_nodes() == 13
    assert graph.nodes["root/0/0"]["hidden"] == {"band": 3}
    assert reduction.total == 40 and reduction.shown == 13 and "band" in reduction.message


def test_page_components_pages_whole_groups_largest_first():
    graph = nx.Graph()
    for size in (5, 4, 3, 2):
        nx.add_path(graph, [f"{size}-{i}" for i in range(size)])
    reduction = page_components(graph, 6, page=2)
    assert sorted(graph) == sorted(f"4-{i}" for i in range(4))
    assert (reduction.page, reduction.pages) == (2, 3)
    assert "Page 2 of 3" in reduction.message


def test_large_tree_view_folds_with_a_notice():
    page = View(_tree(width=6, depth=3), "big", STYLES, max_nodes=50).html()
    data = _data_block(page)
    assert len(data["nodes"]) == 43
    assert data["notices"] and "folded" in data["notices"][0]
    assert data["options"]["physics"]["enabled"] is False


def test_view_exposes_facets_legend_and_flagged_nodes():
    graph = _tree(width=2, depth=2)
    graph.nodes["root/0"].update(department="甲", severity="error", flagged=True)
    graph.nodes["root/1"].update(department="乙")
    data = _data_block(View(graph, "t", STYLES).html())
    assert data["facets"]["department"] == ["乙", "甲"]
    assert [item["kind"] for item in data["legend"]["nodes"]] == [
        "department",
        "activity",
        "indicator",
    ]
    flagged = next(n for n in data["nodes"] if n["id"] == "root/0")
    plain = next(n for n in data["nodes"] if n["id"] == "root/1")
    assert flagged["label"].startswith("! ") and not plain["label"].startswith("!")
    assert data["groups"][flagged["group"]]["borderWidth"] == 3
    assert data["groups"][flagged["group"]]["color"]["border"] == "#d62728"
    assert data["groups"][plain["group"]]["borderWidth"] < 3
    assert data["meta"]["root/0"]["flagged"] is True


def test_repr_html_is_an_escaped_sandboxed_iframe():
    graph = nx.DiGraph()
    graph.add_node("x", kind="department", label=EVIL)
    snippet = View(graph, EVIL, STYLES)._repr_html_()
    assert snippet.startswith('<iframe sandbox="allow-scripts"')
    assert "<script" not in snippet


def test_unsafe_audit_link_is_refused():
    graph = nx.DiGraph()
    graph.add_node("x", kind="department")
    with pytest.raises(KgError, match="refusing link"):
        View(graph, "t", STYLES, audit_href="javascript:alert(1)").html()
    page = View(graph, "t", STYLES, audit_href="audit.html").html()
    assert _data_block(page)["auditHref"] == "audit.html"


def test_empty_view_carries_the_command_that_fills_it():
    data = _data_block(View(nx.DiGraph(), "t", STYLES, empty_hint="kg ingest DOCS/").html())
    assert data["nodes"] == [] and data["empty"] == "kg ingest DOCS/"


def test_save_reports_unwritable_path(tmp_path):
    graph = nx.DiGraph()
    graph.add_node("x", kind="department")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(KgError, match="cannot write the view"):
        View(graph, "t", STYLES).save(blocker / "sub" / "view.html")
    saved = View(graph, "t", STYLES).save(tmp_path / "out" / "v.html")
    assert saved.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
