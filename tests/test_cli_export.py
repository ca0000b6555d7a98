"""`kg export` of one document graph or all, in each format, re-parses to the same triples."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.graph.mapping import map_document
from kg.graph.namespace import PI
from kg.graph.store import Store
from kg.model import Activity, Document, Indicator, SourceRef

runner = CliRunner()


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("e") / "kg-store"
    ind = Indicator(name="办结率", line=5, grades={"优": "≥90%", "良": "", "中": "", "差": "<90%"})
    doc = Document(
        SourceRef("a.txt", "3" * 64),
        title="t",
        year=2020,
        activities=[Activity("信访", 3, indicators=[ind])],
    )
    store = Store(path)
    mapped = map_document(doc)
    store.bulk_add_documents([(mapped.graph, "v", mapped.nquads)])
    store.close()
    return path, mapped


@pytest.mark.parametrize(
    ("fmt", "rdf"),
    [
        ("nquads", ox.RdfFormat.N_QUADS),
        ("trig", ox.RdfFormat.TRIG),
        ("turtle", ox.RdfFormat.TURTLE),
        ("jsonld", ox.RdfFormat.JSON_LD),
    ],
)
def test_export_one_document(store_dir, tmp_path, fmt, rdf):
    path, mapped = store_dir
    out = tmp_path / f"doc.{fmt}"
    result = runner.invoke(
        app, ["export", "-f", fmt, "-g", "a.txt", "-o", str(out), "--store", str(path)]
    )
    assert result.exit_code == 0, result.output
    triples = {q.triple for q in ox.parse(out.read_bytes(), format=rdf)}
    expected = {q.triple for q in ox.parse(mapped.nquads, format=ox.RdfFormat.N_QUADS)}
    assert triples == expected


def test_export_all_to_stdout_includes_vocabulary(store_dir):
    path, _ = store_dir
    result = runner.invoke(app, ["export", "-f", "nquads", "--store", str(path)])
    assert "graph/vocab>" in result.stdout and "graph/doc/" in result.stdout


def test_unknown_graph_is_an_error(store_dir):
    path, _ = store_dir
    result = runner.invoke(app, ["export", "-g", "nope.txt", "--store", str(path)])
    assert result.exit_code != 0 and "no document" in str(result.exception)


@pytest.mark.parametrize("args", [["-f", "turtle"], ["-f", "trig"], ["-f", "trig", "-g", "a.txt"]])
def test_turtle_and_trig_exports_use_the_pikg_prefixes(store_dir, args):
    path, _ = store_dir
    result = runner.invoke(app, ["export", *args, "--store", str(path)])
    assert result.exit_code == 0, result.output
    assert "@prefix pi: <https://w3id.org/pikg/def/> ." in result.stdout
    assert "<https://w3id.org/pikg/def/indicatorName>" not in result.stdout
    assert "pi:indicatorName" in result.stdout


@pytest.mark.parametrize(
    ("fmt", "rdf"),
    [
        ("nquads", ox.RdfFormat.N_QUADS),
        ("turtle", ox.RdfFormat.TURTLE),
        ("jsonld", ox.RdfFormat.JSON_LD),
    ],
)
def test_the_commit_catalog_is_exported_only_when_asked(store_dir, fmt, rdf):
    path, _ = store_dir

    def records(*args: str) -> int:
        result = runner.invoke(app, ["export", "-f", fmt, *args, "--store", str(path)])
        assert result.exit_code == 0, result.output
        parsed = ox.parse(result.stdout_bytes, format=rdf)
        return sum(1 for q in parsed if q.predicate == PI.committedVersion)

    assert records() == 0
    assert records("-g", "pig:catalog") == 3  # the document, the ontology, the vocabularies


def test_kg_query_construct_prints_turtle_with_the_pikg_prefixes(store_dir):
    path, _ = store_dir
    query = "CONSTRUCT { ?i pi:indicatorName ?n } WHERE { ?i pi:indicatorName ?n }"
    result = runner.invoke(app, ["query", query, "--store", str(path)])
    assert result.exit_code == 0, result.output
    assert "@prefix pi: <https://w3id.org/pikg/def/> ." in result.stdout
    assert "pi:indicatorName" in result.stdout
    assert "<https://w3id.org/pikg/def/indicatorName>" not in result.stdout
