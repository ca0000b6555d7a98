"""Report ↔ view links resolve (issue 15): every link from the HTML report to a view points
at a file that exists and at a node drawn in it, and the views link back to the report."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.demo import SAMPLES_DIR
from kg.views.links import link_target

runner = CliRunner()


def _page_data(view: Path) -> dict:
    text = view.read_text(encoding="utf-8")
    return json.loads(re.search(r'id="kg-data">(.*?)</script>', text, re.S).group(1))


def check_report_links(report: Path) -> int:
    """Every non-local link of the report reaches an existing view and a node in it, and that
    view's back-link reaches the report. Returns the number of links checked."""
    text = report.read_text(encoding="utf-8")
    links = [html.unescape(h) for h in re.findall(r'href="([^"#][^"]*)"', text)]
    assert links, "the report links into the views"
    pages: dict[Path, dict] = {}
    for link in links:
        parts = urlsplit(link)
        assert not parts.scheme, f"unexpected absolute link {link}"
        target = (report.parent / unquote(parts.path)).resolve()
        assert target.is_file(), f"{link} → {target} does not exist"
        if target not in pages:
            pages[target] = _page_data(target)
            back = (target.parent / pages[target]["auditHref"]).resolve()
            assert back == report.resolve(), "the view links back to this report"
        node = unquote(parts.fragment.removeprefix("node="))
        assert node in pages[target]["meta"], f"{link}: node not in the view"
    return len(links)


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory) -> Path:
    store = tmp_path_factory.mktemp("links") / "store"
    result = runner.invoke(app, ["ingest", str(SAMPLES_DIR), "--store", str(store), "-j", "1"])
    assert result.exit_code == 0, result.output
    return store


def test_kg_audit_out_writes_the_views_its_links_reach(sample_store, tmp_path):
    out = tmp_path / "report"
    result = runner.invoke(app, ["audit", "--store", str(sample_store), "--out", str(out)])
    assert result.exit_code in (0, 1), result.output
    assert f"view: {out / 'tree.html'}" in result.output
    assert check_report_links(out / "audit.html") > 10


def test_kg_audit_with_a_view_link_elsewhere(sample_store, tmp_path):
    config = tmp_path / "audit.toml"
    config.write_text('[audit]\nview_link = "../views/tree.html#node={anchor}"\n')
    out = tmp_path / "report"
    args = ["audit", "--store", str(sample_store), "--out", str(out), "--config", str(config)]
    result = runner.invoke(app, [*args, "--no-write"])
    assert result.exit_code in (0, 1), result.output
    assert (tmp_path / "views" / "tree.html").is_file()
    assert check_report_links(out / "audit.html") > 10


def test_kg_demo_links_resolve(tmp_path):
    result = runner.invoke(app, ["demo", str(SAMPLES_DIR), "--out", str(tmp_path), "-j", "1"])
    assert result.exit_code == 0, result.output
    assert check_report_links(tmp_path / "report" / "audit.html") > 10
    for view in (tmp_path / "views").glob("*.html"):
        back = _page_data(view)["auditHref"]
        if back:
            assert (view.parent / back).resolve() == (tmp_path / "report" / "audit.html").resolve()


def test_absolute_view_links_are_left_alone():
    assert link_target("https://intranet.example/kg/tree.html#node={anchor}") is None
    assert link_target("/srv/kg/tree.html#node={anchor}") is None
    assert str(link_target("views/tree.html?focus={anchor}")) == "views/tree.html"
