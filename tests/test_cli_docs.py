"""``kg docs`` run the way docs/ontology.md shows it; the committed pages must be current."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app

ROOT = Path(__file__).resolve().parent.parent
COMMITTED = ROOT / "docs" / "ontology"


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("ontology-docs")
    result = CliRunner().invoke(app, ["docs", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out, result.output


def test_docs_writes_an_index_and_a_page_per_scheme(generated):
    out, output = generated
    assert f"open {out / 'index.html'}" in output
    names = {p.name for p in out.iterdir()}
    assert {"index.html", "pikg.html", "ontology.svg", "grade.html", "unit.html"} <= names
    assert {"finding-type.html", "parse-status.html", "category-project.html"} <= names
    index = (out / "index.html").read_text(encoding="utf-8")
    for name in sorted(names - {"index.html"}):
        assert f'href="{name}"' in index, name
    assert "<svg" in index  # the diagram is inline, so index.html alone is enough offline
    grades = (out / "grade.html").read_text(encoding="utf-8")
    assert "Excellent · 优" in grades  # both languages, readable separator


def test_pages_work_offline(generated):
    out, _ = generated
    for page in out.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "<script src=" not in text, page.name
        assert '<link rel="stylesheet" href="http' not in text, page.name


def test_committed_pages_match_the_turtle_files(generated):
    """Fails when ontology/*.ttl changed without `python scripts/build_docs.py`."""
    out, _ = generated
    fresh = {p.name: p.read_bytes() for p in out.iterdir()}
    committed = {p.name: p.read_bytes() for p in COMMITTED.iterdir()}
    assert sorted(fresh) == sorted(committed), "run: .venv/bin/python scripts/build_docs.py"
    stale = [name for name in fresh if fresh[name] != committed[name]]
    assert not stale, f"stale pages {stale}; run: .venv/bin/python scripts/build_docs.py"


def test_docs_help_shows_an_example():
    result = CliRunner().invoke(app, ["docs", "--help"])
    assert result.exit_code == 0
    assert "Example: kg docs --out" in result.output
