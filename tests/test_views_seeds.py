"""The graph views of the four real seeds in a real headless Chromium (issue 7, "done when")."""

from __future__ import annotations

import re

import pytest

from kg.graph.store import Store
from kg.ingest import ingest
from kg.views import department_tree, ladder_hubs, ontology_view
from kg.views.browser import headless_chromium, open_view

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def seed_store(seeds_dir, tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("views-seeds") / "store")
    summary = ingest([seeds_dir], store, jobs=1)
    assert summary.ingested == 4 and summary.ok
    yield store
    store.close()


@pytest.fixture(scope="module")
def browser():
    with headless_chromium() as chromium:
        yield chromium


def _click_until(opened, node_id, predicate, attempts=3):
    """Click like a user; on a loaded machine the first click can land before the redraw."""
    text = ""
    for _ in range(attempts):
        text = opened.click_node(node_id)
        if predicate(text):
            break
        opened.page.wait_for_timeout(500)
    return text


def _check_page(browser, path):
    opened = open_view(browser, path)
    assert opened.blocked_requests == [], "the page must not reach for the network"
    assert opened.console_errors == []
    assert opened.dialogs == []
    assert opened.canvas_variance() > 5, "the canvas is blank"
    return opened


def test_department_tree_of_the_seeds(seed_store, browser, tmp_path):
    view = department_tree(seed_store)
    opened = _check_page(browser, view.save(tmp_path / "tree.html"))
    indicators = [n for n, kind in view.graph.nodes(data="kind") if kind == "indicator"]
    assert len(indicators) > 700, "the tree holds every indicator (folded until opened)"
    # The details panel traces the indicator to its file and line.
    source = re.compile(r"\d{3}_[0-9a-f]{16}\.txt:\d+")
    details = _click_until(opened, indicators[0], source.search)
    assert source.search(details), details


def test_one_department_tree(seed_store, browser, tmp_path):
    view = department_tree(seed_store, department="政府办")
    opened = _check_page(browser, view.save(tmp_path / "tree-004.html"))
    text = _click_until(opened, opened.node_ids()[0], str.strip)
    assert text.strip()


def test_ladder_hubs_of_the_seeds(seed_store, browser, tmp_path):
    view = ladder_hubs(seed_store)
    opened = _check_page(browser, view.save(tmp_path / "ladders.html"))
    hubs = [n for n, kind in view.graph.nodes(data="kind") if kind == "template"]
    assert len(hubs) > 10 and hubs[0] in opened.node_ids()
    details = "\n".join(opened.click_node(hub) for hub in hubs[:3])
    assert re.search(r"(ge|gt|le|lt|eq)[0-9.]+", details), details


def test_ontology_view(browser, tmp_path):
    opened = _check_page(browser, ontology_view().save(tmp_path / "ontology.html"))
    classes = [n for n in opened.node_ids() if n.endswith("/def/Indicator")]
    assert classes, opened.node_ids()[:5]
    assert "Indicator" in _click_until(opened, classes[0], lambda t: "Indicator" in t)
