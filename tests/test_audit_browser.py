"""The HTML report of the four seeds in a real headless Chromium: offline, no console error,
hostile text stays text, and the first screen shows the overview."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import sync_playwright

from kg.audit import audit_context, render
from kg.audit.clusters import attach_copy_clusters
from kg.extraction import extract_file
from kg.nlp import analyze_document
from kg.records.from_model import context_from_documents

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("PIKG_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
HOSTILE = '<img src=x onerror="window.__pwned=1">'


@pytest.fixture(scope="module")
def report(seed_path, tmp_path_factory):
    documents = [analyze_document(extract_file(seed_path(p))) for p in ("000", "002", "003", "004")]
    context = attach_copy_clusters(context_from_documents(documents))
    # a hostile indicator name: document text is untrusted and must stay inert in the report
    context.indicators[0].name = HOSTILE
    context.indicators[0].grades["优"] = HOSTILE
    result = audit_context(context)
    return render(result, "html", tmp_path_factory.mktemp("report"))


def test_report_opens_offline_without_errors(report, tmp_path):
    url = report.resolve().as_uri()
    foreign, errors = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 900})

        def guard(route):
            if route.request.url.split("#")[0] == url:
                route.continue_()
            else:
                foreign.append(route.request.url)
                route.abort()

        page.route("**/*", guard)
        page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(url)
        page.wait_for_load_state("load")
        shot = page.screenshot(
            path=str(os.environ.get("PIKG_AUDIT_SHOT", tmp_path / "overview.png"))
        )
        first_screen = page.inner_text("body")[:4000]
        pwned = page.evaluate("() => window.__pwned === undefined")
        top_rows = page.locator("#top tr").count()
        # a back-link from the views (#node=<IRI>) lands on an element of the report
        node = page.locator("[id^='node=']").first.get_attribute("id")
        browser.close()
    assert foreign == [] and errors == []
    assert pwned, "hostile document text ran as HTML"
    assert "严重" in first_screen and "涉及资金最多的问题" in first_screen
    assert "各部门概况" in first_screen and "秦皇岛北戴河新区管理委员会办公室" in first_screen
    assert top_rows > 3 and node
    assert len(shot) > 30_000  # a blank 1366×900 page compresses to a few kB
