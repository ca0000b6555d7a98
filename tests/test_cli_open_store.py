"""Every command opens the store through kg.cli._util.open_store: a missing folder is one line
and exit 2 (never a new empty store), and reading commands open it read-only."""

from __future__ import annotations

import sys

import pyoxigraph as ox
import pytest

from kg.cli import main
from kg.graph.store import Store


def run_kg(args: list[str], monkeypatch, capsys) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["kg", *args])
    with pytest.raises(SystemExit) as exit_:
        main()
    out, err = capsys.readouterr()
    return exit_.value.code, out, err


COMMANDS = {
    "query": ["query", "ASK {}"],
    "export": ["export"],
    "validate": ["validate"],
    "push": ["push", "--endpoint", "http://127.0.0.1:9/update"],
    "serve": ["serve"],
    "audit": ["audit", "--out", "{tmp}/report"],
    "duplicates": ["duplicates"],
    "view tree": ["view", "tree", "--out", "{tmp}/tree.html"],
    "view duplicates": ["view", "duplicates", "--out", "{tmp}/d.html"],
    "view ladders": ["view", "ladders", "--out", "{tmp}/l.html"],
    "review list": ["review", "list"],
    "review confirm": ["review", "confirm", "abc"],
}


@pytest.mark.parametrize("command", COMMANDS)
def test_a_mistyped_store_is_one_line_and_creates_nothing(command, tmp_path, monkeypatch, capsys):
    missing = tmp_path / "kg-stor"
    args = [a.replace("{tmp}", str(tmp_path)) for a in COMMANDS[command]] + [
        "--store",
        str(missing),
    ]
    code, out, err = run_kg(args, monkeypatch, capsys)
    assert code == 2 and out == ""
    assert (
        err
        == f"kg: error: {missing}: no graph store here (run `kg ingest DIR --store DIR` first)\n"
    )
    assert not missing.exists()


@pytest.fixture
def held_store(tmp_path):
    """A store with one quad, kept open for writing as if `kg ingest` were running."""
    path = tmp_path / "kg-store"
    writer = Store(path)
    graph = ox.NamedNode("https://example.org/g")
    writer.oxigraph.add(
        ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.Literal("o"), graph)
    )
    writer.oxigraph.flush()
    yield path
    writer.close()


def test_query_reads_beside_a_writer(held_store, monkeypatch, capsys):
    args = [
        "query",
        "SELECT ?o WHERE { GRAPH <https://example.org/g> { ?s ?p ?o } }",
        "--format",
        "csv",
    ]
    code, out, err = run_kg([*args, "--store", str(held_store)], monkeypatch, capsys)
    assert (code, out, err) == (0, "o\r\no\r\n", "")


def test_export_reads_beside_a_writer(held_store, monkeypatch, capsys):
    args = ["export", "--format", "nquads", "--store", str(held_store)]
    code, out, err = run_kg(args, monkeypatch, capsys)
    assert code == 0 and err == ""
    assert '<urn:s> <urn:p> "o" <https://example.org/g> .' in out
