"""``kg view tree|duplicates|ladders|ontology``, run the way docs/views.md shows."""

from __future__ import annotations

import subprocess
import sys

import pytest
from builders import AUDIT, DOC, EVIL_NAME, expand_ids
from typer.testing import CliRunner

from kg.cli import app
from kg.graph.namespace import PIG
from kg.graph.store import Store

runner = CliRunner()


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("views") / "kg-store"
    with Store(path) as store:
        store.ensure_ontology()
        store.replace_graph(PIG["doc/a"], expand_ids(DOC), fmt="turtle")
        store.replace_graph(PIG["audit/verbatim-copy"], expand_ids(AUDIT), fmt="turtle")
    return path


def _page(path) -> str:
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and 'id="kg-data"' in page
    return page


def test_view_ontology(tmp_path):
    out = tmp_path / "ontology.html"
    result = runner.invoke(app, ["view", "ontology", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output
    assert "ActivityIndicator" in _page(out)


def test_view_tree_for_one_department(store_dir, tmp_path):
    out = tmp_path / "tree.html"
    args = ["view", "tree", "--store", str(store_dir), "--department", "北戴河", "--out", str(out)]
    result = runner.invoke(app, [*args, "--audit-link", "audit.html"])
    assert result.exit_code == 0, result.output
    page = _page(out)
    assert "Department tree: 北戴河新区办公室" in page
    assert EVIL_NAME not in page  # present only in escaped form
    assert "\\u003cscript\\u003ealert" in page


@pytest.mark.parametrize("command", ["duplicates", "ladders"])
def test_view_duplicates_and_ladders(store_dir, tmp_path, command):
    out = tmp_path / f"{command}.html"
    result = runner.invoke(app, ["view", command, "--store", str(store_dir), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "https://w3id.org/pikg/id/indicator/i3" in _page(out)


def test_unknown_department_is_one_line_and_exit_2(store_dir, tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "kg",
            "view",
            "tree",
            "--store",
            str(store_dir),
            "--department",
            "没有这个部门",
            "--out",
            str(tmp_path / "x.html"),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "matches no department" in lines[0]
    assert not (tmp_path / "x.html").exists()
