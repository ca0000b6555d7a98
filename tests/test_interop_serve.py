"""``kg serve`` as browsers and SPARQL clients meet it: a time limit that holds, and CORS.

The pathological queries are cross products over a few thousand triples (10^10 rows and
more): oxigraph alone ran such a COUNT for minutes past its ``--timeout-s``, and answered a
smaller one with HTTP 200 and a body cut mid-JSON. Every request here has its own client
time-out, so a regression fails instead of hanging.
"""

from __future__ import annotations

import threading
import time

import httpx
import pyoxigraph as ox
import pytest

from kg.errors import KgError
from kg.graph.server import serve
from kg.graph.store import Store

LIMIT_S = 1
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
CROSS3 = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
CROSS2 = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f FILTER (STR(?c) < STR(?f)) }"
SORTED = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f"
JSON = {"Accept": "application/sparql-results+json"}
PAGE = "http://localhost:8888"


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("serve") / "kg-store"
    store = Store(path)
    triples = [
        ox.Triple(ox.NamedNode(f"urn:s{i}"), ox.NamedNode("urn:p"), ox.Literal(str(i)))
        for i in range(3000)
    ]
    store.replace_graph("urn:g", triples)
    store.close()
    return path


def _count(url: str) -> int:
    response = httpx.get(url, params={"query": COUNT}, headers=JSON, timeout=10)
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


@pytest.mark.parametrize("query", [CROSS3, CROSS2, SORTED], ids=["count3", "count2", "order"])
def test_a_query_past_the_limit_is_an_error_within_a_second_and_the_engine_is_replaced(
    store_dir, query
):
    with serve(store_dir, timeout_s=LIMIT_S) as server:
        expected = _count(server.query_url)
        first = server.gateway.backend.process
        started = time.monotonic()
        response = httpx.get(server.query_url, params={"query": query}, headers=JSON, timeout=30)
        elapsed = time.monotonic() - started
        assert response.status_code == 503 and elapsed < LIMIT_S + 1, (elapsed, response.text)
        assert "time limit of 1 s" in response.text and response.text.count("\n") == 1
        # the next request is answered (old child or its replacement) and the runaway child
        # is killed once it is replaced
        assert _count(server.query_url) == expected
        for _ in range(100):
            if first.poll() is not None:
                break
            time.sleep(0.1)
        assert first.poll() is not None and server.gateway.backend.process.poll() is None
        assert _count(server.query_url) == expected
    assert server.gateway.backend.process.poll() is not None


def test_other_requests_are_answered_while_a_query_runs_past_the_limit(store_dir):
    with serve(store_dir, timeout_s=LIMIT_S) as server:
        expected = _count(server.query_url)
        statuses: list[int] = []
        slow = threading.Thread(
            target=lambda: statuses.append(
                httpx.get(server.query_url, params={"query": CROSS3}, timeout=30).status_code
            )
        )
        slow.start()
        time.sleep(0.2)
        started = time.monotonic()
        assert _count(server.query_url) == expected
        assert time.monotonic() - started < LIMIT_S
        slow.join(timeout=30)
        assert statuses == [503]


def test_cors_preflight_and_answers_for_the_named_origin_only(store_dir):
    with serve(store_dir, timeout_s=5, cors=[PAGE + "/"]) as server:
        preflight = httpx.options(
            server.query_url,
            headers={
                "Origin": PAGE,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type",
            },
            timeout=10,
        )
        assert preflight.status_code == 204
        assert preflight.headers["access-control-allow-origin"] == PAGE
        assert "POST" in preflight.headers["access-control-allow-methods"]
        assert preflight.headers["access-control-allow-headers"] == "content-type"
        answer = httpx.post(
            server.query_url, data={"query": COUNT}, headers={"Origin": PAGE, **JSON}, timeout=10
        )
        assert answer.status_code == 200 and answer.headers["access-control-allow-origin"] == PAGE
        other = {"Origin": "http://evil.example", "Access-Control-Request-Method": "GET"}
        refused = httpx.options(server.query_url, headers=other, timeout=10)
        assert refused.status_code == 403 and "access-control-allow-origin" not in refused.headers
        plain = httpx.get(server.query_url, params={"query": COUNT}, headers=other, timeout=10)
        assert "access-control-allow-origin" not in plain.headers


def test_cors_for_any_origin(store_dir):
    with serve(store_dir, timeout_s=5, cors=["*"]) as server:
        answer = httpx.get(
            server.query_url,
            params={"query": COUNT},
            headers={"Origin": "http://127.0.0.1:3000", **JSON},
            timeout=10,
        )
        assert answer.headers["access-control-allow-origin"] == "*"


@pytest.mark.parametrize("origin", ["ftp://x", "localhost:8888", "http://x/path", ""])
def test_a_bad_cors_origin_is_one_line(store_dir, origin):
    with pytest.raises(KgError, match="--cors needs an origin"):
        serve(store_dir, cors=[origin])


def test_a_query_nested_too_deep_is_refused_and_the_engine_survives(store_dir):
    """5,000 nested groups crashed oxigraph's parser and took the endpoint down for all."""
    deep = "SELECT * WHERE { " + "{ " * 5000 + "?s ?p ?o" + " }" * 5000 + " }"
    with serve(store_dir, timeout_s=5) as server:
        expected = _count(server.query_url)
        response = httpx.post(server.query_url, data={"query": deep}, timeout=30)
        assert response.status_code == 400 and "nested 5001 levels deep" in response.text
        assert _count(server.query_url) == expected


def test_a_crashed_engine_is_replaced(store_dir):
    with serve(store_dir, timeout_s=5) as server:
        expected = _count(server.query_url)
        first = server.gateway.backend.process
        first.kill()
        first.wait()
        for _ in range(100):  # the gateway notices within about a second
            if server.gateway.backend.process is not first:
                break
            time.sleep(0.1)
        assert server.gateway.backend.process.poll() is None
        assert _count(server.query_url) == expected
