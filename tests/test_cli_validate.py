"""`kg validate` as the docs show it: clean store → exit 0, a violation → file:line and exit 1."""

from __future__ import annotations

import pyoxigraph as ox
from typer.testing import CliRunner

from kg.cli import app
from kg.graph.mapping import map_document
from kg.graph.namespace import PI, XSD
from kg.graph.store import Store
from kg.model import Activity, Document, Indicator, SourceRef
from kg.nlp import analyze_document

runner = CliRunner()


def _document() -> Document:
    ind = Indicator(
        name="办结率", line=5, grades={"优": "≥90%", "良": "≥80%", "中": "≥70%", "差": "<70%"}
    )
    act = Activity(name="信访", line=3, number="一", indicators=[ind])
    doc = Document(
        SourceRef("a.txt", "3" * 64),
        title="2020年某局预算",
        issuer="某局",
        year=2020,
        activities=[act],
    )
    analyze_document(doc)
    return doc


def test_clean_store_exits_0(tmp_path):
    path = tmp_path / "kg-store"
    store = Store(path)
    mapped = map_document(_document())
    store.bulk_add_documents([(mapped.graph, "v", mapped.nquads)])
    store.close()
    result = runner.invoke(app, ["validate", "--store", str(path)])
    assert result.exit_code == 0, result.output
    assert "2 graph(s) checked: 0 violation(s)" in result.output


def test_violation_is_reported_with_file_and_line(tmp_path):
    path = tmp_path / "kg-store"
    store = Store(path)
    mapped = map_document(_document())
    band = next(
        q.subject
        for q in ox.parse(mapped.nquads, format=ox.RdfFormat.N_QUADS)
        if q.predicate == PI.comparator and q.object.value.endswith("/lt")
    )
    extra = ox.Quad(band, PI.lowerBound, ox.Literal("5.0", datatype=XSD.decimal), mapped.graph)
    store.bulk_add_documents([(mapped.graph, "v", mapped.nquads + f"{extra} .\n".encode())])
    store.close()
    result = runner.invoke(app, ["validate", "--store", str(path), "--document", "a.txt"])
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("violation:")]
    assert len(lines) == 1
    assert "a.txt:5" in lines[0] and "/band/4" in lines[0] and "[pis:LtBoundsShape]" in lines[0]
    assert "1 graph(s) checked: 1 violation(s)" in result.output


def test_missing_store_is_one_line_error(tmp_path):
    result = runner.invoke(app, ["validate", "--store", str(tmp_path / "nothing")])
    assert result.exit_code != 0
    assert "no graph store here" in str(result.exception)
