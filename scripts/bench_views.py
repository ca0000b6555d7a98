"""Benchmark of kg.views: page generation and time-to-interactive in headless Chromium.

For each case a synthetic graph is built (a department tree: activities → sub-activities →
indicators → four bands, or copy clusters of 3–10 members), rendered with :class:`View`, saved
and opened in the system Chromium. "Interactive" is the moment vis-network has drawn the
first frame (``afterDrawing``; physics is off, positions come from Python), measured from
navigation start with ``performance.now()``. The 50,000-node case shows that folding keeps
the page small and fast.

    .venv/bin/python scripts/bench_views.py            # default: 5,000 and 50,000 nodes
    .venv/bin/python scripts/bench_views.py quick      # 1,000 nodes only
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx

from kg.views.browser import headless_chromium, open_view
from kg.views.render import Style, View
from kg.views.store_views import TREE_STYLES

SIZES = {
    "quick": [("tree", 1_000)],
    "default": [("tree", 5_000), ("clusters", 5_000), ("tree", 50_000)],
    "large": [("tree", 5_000), ("clusters", 5_000), ("tree", 50_000), ("clusters", 50_000)],
}


def synthetic_tree(nodes: int) -> nx.DiGraph:
    """Departments of 8 activities × 3 sub-activities × 4 indicators × 4 bands, up to ``nodes``."""
    graph = nx.DiGraph()
    dept = 0
    while graph.number_of_nodes() < nodes:
        d = f"dept/{dept}"
        graph.add_node(d, kind="department", label=f"第{dept}部门办公室", department=d)
        for a in range(8):
            act = f"{d}/a{a}"
            graph.add_node(act, kind="activity", label=f"职责活动{a}", department=d)
            graph.add_edge(d, act)
            for s in range(3):
                sub = f"{act}/s{s}"
                graph.add_node(sub, kind="sub_activity", label=f"子活动{s}", department=d)
                graph.add_edge(act, sub)
                for i in range(4):
                    ind = f"{sub}/i{i}"
                    graph.add_node(
                        ind,
                        kind="indicator",
                        label=f"公文流转工作完成率{dept}-{a}-{s}-{i}",
                        department=d,
                        source=f"{dept:03d}.txt:{100 + a * 40 + s * 10 + i}",
                        flagged=i == 3,
                        details=[("ladder as written", "≥90% | ≥80% | ≥70% | <70%")],
                    )
                    graph.add_edge(sub, ind)
                    for grade, cell in zip(
                        "优良中差", ("≥90%", "≥80%", "≥70%", "<70%"), strict=True
                    ):
                        band = f"{ind}/{grade}"
                        graph.add_node(band, kind="band", label=f"{grade} {cell}", department=d)
                        graph.add_edge(ind, band)
        dept += 1
    return graph


def synthetic_clusters(nodes: int) -> nx.Graph:
    """Stars of 3–10 indicators around a finding hub, as in the duplicates view."""
    graph = nx.Graph()
    cluster = 0
    while graph.number_of_nodes() < nodes:
        hub = f"finding/{cluster}"
        graph.add_node(hub, kind="finding", label=f"<X>接待工作完成率 #{cluster}")
        for m in range(3 + cluster % 8):
            member = f"{hub}/m{m}"
            graph.add_node(
                member,
                kind="indicator",
                label=f"会务接待工作完成率{cluster}-{m}",
                department=f"部门{m % 6}",
            )
            graph.add_edge(hub, member, kind="member")
        cluster += 1
    return graph


CLUSTER_STYLES = {
    "finding": Style("copy finding", "#d62728", "diamond", 16),
    "indicator": Style("indicator", "#2ca02c"),
}


def measure(browser, layout: str, nodes: int, folder: Path) -> dict:
    graph = synthetic_tree(nodes) if layout == "tree" else synthetic_clusters(nodes)
    styles = TREE_STYLES if layout == "tree" else CLUSTER_STYLES
    started = time.perf_counter()
    view = View(graph, f"bench {layout} {nodes}", styles, layout=layout)
    path = view.save(folder / f"{layout}-{nodes}.html")
    generate_s = time.perf_counter() - started
    opened = open_view(browser, path, timeout_ms=120_000)
    in_page = opened.page.evaluate("() => Object.keys(window.kgView.meta).length")
    shown = len(opened.node_ids())
    target = opened.node_ids()[shown // 2]
    clicked = time.perf_counter()
    details = opened.click_node(target)
    click_ms = (time.perf_counter() - clicked) * 1000
    ok = not opened.blocked_requests and not opened.console_errors and len(details) > 20
    opened.page.close()
    return {
        "nodes_in_graph": graph.number_of_nodes(),
        "nodes_in_page": in_page,
        "nodes_drawn": shown,
        "generate_s": round(generate_s, 3),
        "html_mb": round(path.stat().st_size / 1e6, 2),
        "interactive_ms": round(opened.ready_ms, 1),
        "click_to_details_ms": round(click_ms, 1),
        "offline_and_clean": ok,
    }


def run(size: str = "default") -> dict:
    """Metrics per case plus peak RSS (this process and, separately, Chromium)."""
    results: dict = {}
    with tempfile.TemporaryDirectory() as tmp, headless_chromium() as browser:
        for layout, nodes in SIZES[size]:
            results[f"{layout}_{nodes}"] = measure(browser, layout, nodes, Path(tmp))
    results["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    results["peak_rss_children_mb"] = round(
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1
    )
    return results


if __name__ == "__main__":
    size = sys.argv[1] if len(sys.argv) > 1 else "default"
    metrics = run(size)
    cases = [k for k, v in metrics.items() if isinstance(v, dict)]
    columns = list(metrics[cases[0]])
    print(f"{'case':<16}" + "".join(f"{c:>22}" for c in columns))
    for case in cases:
        print(f"{case:<16}" + "".join(f"{metrics[case][c]!s:>22}" for c in columns))
    print(
        f"peak RSS: python {metrics['peak_rss_mb']} MB, chromium {metrics['peak_rss_children_mb']} MB"
    )
