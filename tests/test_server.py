"""The real oxigraph server: read-only endpoint over a snapshot, updates refused, push (GSP, Update)."""

from __future__ import annotations

import httpx
import pytest

from kg.graph.mapping import map_document
from kg.graph.server import push, serve, start_oxigraph
from kg.graph.store import Store
from kg.model import Activity, Document, Indicator, SourceRef

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def _count(url: str, query: str = COUNT) -> int:
    response = httpx.get(
        url, params={"query": query}, headers={"Accept": "application/sparql-results+json"}
    )
    response.raise_for_status()
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("srv") / "kg-store"
    ind = Indicator(
        name="办结率", line=5, grades={"优": "≥90%", "良": "≥80%", "中": "≥70%", "差": "<70%"}
    )
    doc = Document(
        SourceRef("a.txt", "4" * 64),
        title="t",
        issuer="某局",
        year=2020,
        activities=[Activity(name="信访", line=3, number="一", indicators=[ind])],
    )
    store = Store(path)
    mapped = map_document(doc)
    store.bulk_add_documents([(mapped.graph, "v", mapped.nquads)])
    store.close()
    return path


def test_serve_answers_queries_refuses_updates_and_leaves_the_store_writable(store_dir):
    with serve(store_dir, timeout_s=5) as server:
        assert server.host == "127.0.0.1"
        names = httpx.get(
            server.query_url,
            params={"query": "SELECT ?n WHERE { ?i <https://w3id.org/pikg/def/indicatorName> ?n }"},
            headers={"Accept": "application/sparql-results+json"},
        ).json()["results"]["bindings"]
        assert [b["n"]["value"] for b in names] == ["办结率"]  # union default graph
        update = httpx.post(
            f"{server.url}/update",
            content=b"INSERT DATA { <urn:x> <urn:y> <urn:z> }",
            headers={"Content-Type": "application/sparql-update"},
        )
        assert update.status_code >= 400
        with Store(store_dir) as writer:  # the live store is not locked by the server
            assert len(writer) > 0
        assert _count(server.query_url, "SELECT (COUNT(*) AS ?n) WHERE { <urn:x> ?p ?o }") == 0
    assert server.process.poll() is not None and not server.location.exists()


@pytest.mark.parametrize("method", ["graph-store", "update"])
def test_push_copies_every_graph(store_dir, tmp_path, method):
    source = Store(store_dir, read_only=True)
    expected = sum(source.triple_count(g) for g in source.graphs() if not g.endswith("/catalog"))
    with start_oxigraph(tmp_path / "target", read_only=False) as target:
        kwargs = (
            {"graph_store": f"{target.url}/store"}
            if method == "graph-store"
            else {"endpoint": f"{target.url}/update", "chunk_triples": 100}
        )
        summary = push(source, **kwargs)
        assert summary.triples == expected
        assert _count(target.query_url) == expected
        push(source, **kwargs)  # pushing again replaces, never duplicates
        assert _count(target.query_url) == expected
