"""The rendering engine in a real headless Chromium: offline, inert, clickable, searchable."""

from __future__ import annotations

import networkx as nx
import pytest

from kg.views import Style, View
from kg.views.browser import headless_chromium, open_view

pytestmark = pytest.mark.browser

PAYLOADS = [
    "<script>window.__pwned=1;alert(1)</script>",
    '<img src=x onerror="window.__pwned=2;alert(2)">',
    "\"'><svg onload=alert(3)>",
    "</script><script>alert(4)</script>",
    "<!-- 会议 & “引号” ' \"",
]
STYLES = {
    "department": Style("部门 <i>dept</i>", "#1f77b4", "box"),
    "indicator": Style("绩效指标", "#2ca02c"),
}


@pytest.fixture(scope="module")
def browser():
    with headless_chromium() as chromium:
        yield chromium


def _evil_view() -> View:
    graph = nx.DiGraph()
    graph.add_node("dept", kind="department", label=PAYLOADS[0], department=PAYLOADS[1])
    for index, payload in enumerate(PAYLOADS):
        node = f"ind{index}<b>"
        graph.add_node(
            node,
            kind="indicator",
            label=payload,
            department=PAYLOADS[1],
            severity=payload,
            source=f"{payload}.txt:{index + 1}",
            details=[("优", payload), (payload, "≥90%")],
            caption=payload,
            flagged=True,
        )
        graph.add_edge("dept", node, label=payload)
    return View(
        graph,
        PAYLOADS[3],
        STYLES,
        description=PAYLOADS[2],
        audit_href="audit.html",
        root_list=PAYLOADS[0],  # the ranked list, its heading and entries are text too
    )


def test_hostile_text_is_shown_as_text_and_nothing_runs(browser, tmp_path):
    path = _evil_view().save(tmp_path / "evil.html")
    opened = open_view(browser, path)
    page = opened.page
    # Enter the hostile strings in every panel: details, search, filters, tooltips.
    for index in range(len(PAYLOADS)):
        text = opened.click_node(f"ind{index}<b>")
        assert PAYLOADS[index].strip() in text
    href = page.locator("a.kg-backlink").get_attribute("href")
    assert href.endswith("audit.html#node=ind4%3Cb%3E")
    page.fill("#kg-search", "<script>")
    page.press("#kg-search", "Enter")
    page.select_option("#kg-filter-severity", PAYLOADS[1])
    page.hover("#kg-graph")
    page.click(".kg-root")
    assert page.locator("#kg-roots h2").inner_text() == PAYLOADS[0]
    assert page.evaluate("() => window.__pwned === undefined")
    assert opened.dialogs == []
    assert page.locator("img, svg, iframe").count() == 0
    assert page.locator("#kg-title").inner_text() == PAYLOADS[3]
    assert page.title() == PAYLOADS[3]
    assert page.locator("#kg-description").inner_text() == PAYLOADS[2].strip()
    assert opened.blocked_requests == []
    assert opened.console_errors == []
    page.close()


def test_view_is_offline_drawn_and_clickable(browser, tmp_path):
    graph = nx.DiGraph()
    graph.add_node("d", kind="department", label="北戴河新区办公室", department="办公室")
    for i in range(40):
        graph.add_node(f"i{i}", kind="indicator", label=f"公文流转完成率{i}", source=f"000.txt:{i}")
        graph.add_edge("d", f"i{i}")
    path = View(graph, "tree", STYLES).save(tmp_path / "tree.html")
    opened = open_view(browser, path)
    assert opened.blocked_requests == [] and opened.console_errors == []
    assert opened.canvas_variance() > 5
    text = opened.click_node("i7")
    assert "公文流转完成率7" in text and "000.txt:7" in text
    assert opened.page.evaluate("() => location.hash") == "#node=i7"
    opened.page.close()


def test_deep_link_and_search(browser, tmp_path):
    graph = nx.Graph()
    for i in range(30):
        graph.add_node(
            f"https://w3id.org/pikg/id/indicator/{i:04x}",
            kind="indicator",
            label=f"指标{i}",
            details=[("raw", f"接待工作完成率 {i}")],
        )
    graph.add_edge(
        "https://w3id.org/pikg/id/indicator/0001", "https://w3id.org/pikg/id/indicator/0002"
    )
    path = View(graph, "clusters", STYLES, layout="clusters").save(tmp_path / "c.html")
    iri = "https://w3id.org/pikg/id/indicator/0011"
    opened = open_view(browser, path, "#node=" + iri.replace(":", "%3A").replace("/", "%2F"))
    assert "指标17" in opened.page.locator("#kg-details").inner_text()
    opened.page.close()
    opened = open_view(browser, path, "?focus=" + iri)
    assert "指标17" in opened.page.locator("#kg-details").inner_text()
    opened.page.fill("#kg-search", "完成率 2")
    opened.page.press("#kg-search", "Enter")
    assert opened.page.locator("#kg-search-count").inner_text() == "11 matches"
    assert opened.console_errors == []
    opened.page.close()
