"""Every named query gives the same rows whatever the store's default graph is.

pikg (and ``oxigraph serve --union-default-graph``) answers over the union of the named graphs;
Fuseki/TDB2, Virtuoso and GraphDB as they ship keep a separate default graph, which is empty
after ``kg push``. Oxigraph without the union default graph is such a store: each query runs
both ways on the seeds plus the bundled samples (where every query has rows) and must give the
same rows in the same order. ``tests/test_queries.py`` checks the rows themselves.
"""

from __future__ import annotations

import re

import pytest

from kg.graph import queries
from kg.graph.store import Store
from kg.ingest import ingest

TRACE = {"file": "000_96d939c67dd7b28c.txt", "line": "40"}


@pytest.fixture(scope="module")
def store(seeds_dir, samples_dir):
    graph_store = Store()
    summary = ingest([seeds_dir, samples_dir], graph_store, jobs=2)
    assert summary.ok and summary.ingested >= 9
    return graph_store


def rows(store: Store, text: str, *, union: bool) -> list[tuple[str, ...]]:
    return [tuple(str(term) for term in solution) for solution in store.query(text, union=union)]


@pytest.mark.parametrize("name", [q.name for q in queries.all_queries()])
def test_same_rows_with_and_without_union_default_graph(store, name):
    text = queries.get(name).render(TRACE if name == "trace-line" else None)
    with_union = rows(store, text, union=True)
    assert with_union, f"{name} has no rows on the seeds and samples: the comparison proves nothing"
    assert rows(store, text, union=False) == with_union


@pytest.mark.parametrize("name", [q.name for q in queries.all_queries() if q.params])
def test_header_says_what_a_raw_run_does(store, name):
    """A parameterised file run as-is (``#@values`` left a comment) does what its header says."""
    query = queries.get(name)
    raw = [line for line in query.text.splitlines() if line.startswith("# raw run:")]
    assert len(raw) == 1 and "--param" in raw[0]
    got = rows(store, query.text, union=False)
    if "returns no rows" in raw[0]:
        assert got == []
    else:  # "lists … every …": at least the rows of the default binding
        assert len(got) > len(rows(store, query.render(), union=False))


def test_no_triple_pattern_outside_a_graph():
    """A pattern outside ``GRAPH`` reads the default graph: empty on most stores after a push."""
    for query in queries.all_queries():
        body = re.sub(r"#.*", "", query.text)
        assert "GRAPH ?" in body, query.name
