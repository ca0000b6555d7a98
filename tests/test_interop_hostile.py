"""Hostile input to the graph's commands ends in one line and exit code 2, never a traceback.

The cases of issue 17 point 11 that reach ``kg export``, ``kg push``, ``kg serve`` and
``kg query`` (the readers', audit's and duplicates' cases have their own tests): an IRI
injection in ``--graph``, push targets that are refused, not URLs or of another scheme, bad
options, a 100 KB query and one nested 5,000 deep (it crashed the query engine). Each case is a
real ``kg`` process with a time limit, so a hang fails instead of blocking the suite.
"""

from __future__ import annotations

import subprocess
import sys

import pyoxigraph as ox
import pytest

from kg.graph.store import Store

DEEP = "SELECT * WHERE { " + "{ " * 5000 + "?s ?p ?o" + " }" * 5000 + " }"
LONG = 'SELECT ?s WHERE { ?s ?p "' + "x" * 100_000 + '" }'
CASES = {
    "export-iri-injection": (["export", "--graph", "http://x> <y"], "not a graph IRI"),
    "export-iri-braces": (["export", "--graph", "urn:a{b}"], "not a graph IRI"),
    "push-refused-port": (["push", "--endpoint", "http://127.0.0.1:1/update"], "failed"),
    "push-not-a-url": (["push", "--endpoint", "localhost:3030/ds/update"], "needs an http"),
    "push-other-scheme": (["push", "--graph-store", "file:///etc/passwd"], "needs an http"),
    "push-chunk-zero": (["push", "-e", "http://127.0.0.1:1/u", "--chunk", "0"], "--chunk"),
    "push-method": (["push", "-e", "http://127.0.0.1:1/u", "--method", "x"], "push method"),
    "push-auth": (["push", "-e", "http://127.0.0.1:1/u", "--user", "a", "--auth", "ntlm"], "auth"),
    "serve-cors": (["serve", "--cors", "javascript:alert(1)"], "--cors needs an origin"),
    "serve-port": (["serve", "--port", "70000"], "cannot listen"),
    "serve-timeout": (["serve", "--timeout", "0"], "time limit"),
    "query-deep": (["query", DEEP], "nested 5001 levels deep"),
}


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("hostile") / "kg-store"
    store = Store(path)
    store.replace_graph(
        "urn:g", [ox.Triple(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.Literal("o"))]
    )
    store.close()
    return path


def _kg(args: list[str], store_dir) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kg", *args, "--store", str(store_dir)],
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_input_is_one_line_and_exit_2(store_dir, case):
    args, message = CASES[case]
    result = _kg(args, store_dir)
    assert result.returncode == 2, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kg: error:") and message in lines[0], lines
    assert len(lines[0]) < 600


def test_a_100_kb_query_is_run_not_taken_for_a_file_name(store_dir):
    result = _kg(["query", LONG, "--format", "csv"], store_dir)
    assert result.returncode == 0, result.stderr[-500:]
    assert result.stdout.splitlines() == ["s"]
