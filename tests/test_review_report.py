"""Review decisions (``kg review``) in the audit and the duplicates view: a dismissed copy
finding is left out (and counted), a confirmed one carries its badge and note; both seen in a
real headless Chromium. The store holds the bundled samples, whose two copy families are
planted (docs/synth.md)."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import sync_playwright

from kg.audit import render, run_audit
from kg.duplicates.graph_io import detect_in_store, finding_iris, write_findings
from kg.duplicates.review import decide
from kg.graph.store import Store
from kg.ingest import ingest
from kg.views import duplicate_clusters

CHROMIUM = os.environ.get("PIKG_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


@pytest.fixture(scope="module")
def reviewed(samples_dir, tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("store") / "kg-store")
    ingest([samples_dir], store, jobs=1)
    result = detect_in_store(store)
    write_findings(store, result)
    clusters, _ = finding_iris(result)
    assert len(clusters) >= 2, "the samples plant two copy families"
    first, second = (clusters[c.id] for c in result.clusters[:2])
    decide(store, first, "dismissed", "同一模板，已核实非复制", by="auditor-a")
    decide(store, second, "confirmed", "逐行核对，确为复制", by="auditor-b")
    return store, first, second


def test_audit_hides_the_dismissed_and_marks_the_confirmed(reviewed):
    store = reviewed[0]
    result = run_audit(store)
    assert result.dismissed == 1
    reviews = [f.data["review"] for f in result.findings if "review" in f.data]
    assert [(r["status"], r["by"]) for r in reviews] == [("confirmed", "auditor-b")]
    shown = run_audit(store, show_dismissed=True)
    assert shown.dismissed == 0
    assert sorted(f.data["review"]["status"] for f in shown.findings if "review" in f.data) == [
        "confirmed",
        "dismissed",
    ]


def test_report_and_view_show_it_in_a_browser(reviewed, tmp_path):
    store, dismissed, confirmed = reviewed
    report = render(run_audit(store), "html", tmp_path / "report")
    view = duplicate_clusters(store).save(tmp_path / "duplicates.html")
    everything = duplicate_clusters(store, show_dismissed=True).save(tmp_path / "all.html")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        page.goto(report.resolve().as_uri())
        assert "1 finding(s) dismissed by reviewers are not shown" in page.inner_text("#dismissed")
        badges = page.locator(".review.confirmed")
        assert badges.count() >= 1 and "confirmed" in badges.first.inner_text()
        assert "逐行核对，确为复制" in page.content()
        assert "同一模板，已核实非复制" not in page.content()

        def roots(path) -> list[str]:
            page.goto(path.resolve().as_uri())
            page.wait_for_selector("html[data-kg-ready='1']", timeout=30_000)
            return page.evaluate(
                "() => JSON.parse(document.getElementById('kg-data').textContent).tree.roots"
            )

        assert dismissed not in roots(view) and confirmed in roots(view)
        assert "1 finding(s) dismissed by reviewers are not shown" in page.content()
        assert dismissed in roots(everything)
        browser.close()
