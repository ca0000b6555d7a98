"""`kg query` with named queries, files and SPARQL text, in every output format."""

from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.graph.mapping import map_document
from kg.graph.store import Store
from kg.model import Activity, Document, Indicator, SourceRef

runner = CliRunner()


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("q") / "kg-store"
    ind = Indicator(
        name="办结率", line=5, grades={"优": "≥90%", "良": "≥80%", "中": "≥70%", "差": "<70%"}
    )
    act = Activity(name="信访", line=3, number="一", indicators=[ind])
    doc = Document(
        SourceRef("a.txt", "2" * 64), title="t", issuer="某局", year=2020, activities=[act]
    )
    store = Store(path)
    mapped = map_document(doc)
    store.bulk_add_documents([(mapped.graph, "v", mapped.nquads)])
    store.close()
    return path


def test_list_shows_named_queries():
    result = runner.invoke(app, ["query", "--list"])
    assert result.exit_code == 0
    assert "shared-indicator-names" in result.output and "trace-line" in result.output


def test_sparql_text_in_all_formats(store_dir):
    q = "SELECT ?name WHERE { ?i a pi:Indicator ; pi:indicatorName ?name }"
    table = runner.invoke(app, ["query", q, "--store", str(store_dir)])
    assert table.exit_code == 0 and "办结率" in table.output and "1 row(s)" in table.output
    out = runner.invoke(app, ["query", q, "-f", "json", "--store", str(store_dir)])
    data = json.loads(out.stdout)
    assert data["results"]["bindings"][0]["name"]["value"] == "办结率"
    out = runner.invoke(app, ["query", q, "-f", "csv", "--store", str(store_dir)])
    assert list(csv.reader(io.StringIO(out.stdout))) == [["name"], ["办结率"]]
    out = runner.invoke(app, ["query", q, "-f", "tsv", "--store", str(store_dir)])
    assert out.stdout.splitlines()[0] == "?name"


def test_named_query_with_parameter_and_file(store_dir, tmp_path):
    out = runner.invoke(
        app,
        [
            "query",
            "trace-line",
            "-p",
            "file=a.txt",
            "-p",
            "line=5",
            "-f",
            "csv",
            "--store",
            str(store_dir),
        ],
    )
    assert out.exit_code == 0, out.output
    assert "办结率" in out.stdout
    rq = tmp_path / "mine.rq"
    rq.write_text("ASK { ?x pi:indicatorName ?n }", encoding="utf-8")
    out = runner.invoke(app, ["query", str(rq), "--store", str(store_dir)])
    assert out.stdout.strip() == "true"


def test_errors_are_one_line(store_dir):
    bad = runner.invoke(app, ["query", "SELECT WHERE {", "--store", str(store_dir)])
    assert bad.exit_code != 0 and "malformed SPARQL" in str(bad.exception)
    unknown = runner.invoke(app, ["query", "no-such-query", "--store", str(store_dir)])
    assert unknown.exit_code != 0 and "neither a named query" in str(unknown.exception)
    param = runner.invoke(app, ["query", "trace-line", "-p", "line=x", "--store", str(store_dir)])
    assert "needs an integer" in str(param.exception)
