"""`kg push` as the docs show it, into a real writable oxigraph server."""

from __future__ import annotations

import httpx
from typer.testing import CliRunner

from kg.cli import app
from kg.graph.mapping import map_document
from kg.graph.server import start_oxigraph
from kg.graph.store import Store
from kg.model import Document, SourceRef

runner = CliRunner()


def test_kg_push_graph_store_and_update(tmp_path):
    path = tmp_path / "kg-store"
    store = Store(path)
    mapped = map_document(Document(SourceRef("a.txt", "6" * 64), title="某局2021年预算"))
    store.bulk_add_documents([(mapped.graph, "v", mapped.nquads)])
    doc_triples = store.triple_count(mapped.graph)
    store.close()
    with start_oxigraph(tmp_path / "target", read_only=False) as target:
        one = runner.invoke(
            app,
            [
                "push",
                "--graph-store",
                f"{target.url}/store",
                "--graph",
                "a.txt",
                "--store",
                str(path),
            ],
        )
        assert one.exit_code == 0, one.output
        assert f"pushed 1 graph(s), {doc_triples} triples in 1 request(s)" in one.output
        everything = runner.invoke(
            app, ["push", "--endpoint", f"{target.url}/update", "--store", str(path)]
        )
        assert everything.exit_code == 0, everything.output
        ask = httpx.get(
            target.query_url,
            params={"query": f"ASK {{ GRAPH <{mapped.graph.value}> {{ ?d a ?t }} }}"},
            headers={"Accept": "application/sparql-results+json"},
        )
        assert ask.json()["boolean"] is True
    missing = runner.invoke(app, ["push", "--store", str(path)])
    assert missing.exit_code != 0 and "--endpoint" in str(missing.exception)
