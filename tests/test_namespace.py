"""The namespace module is checked against the ontology files: no scattered or misspelt IRIs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kg import namespace as ns


def test_closed_namespace_rejects_undeclared_terms():
    assert ns.PI.Indicator.value == ns.DEF + "Indicator"
    with pytest.raises(AttributeError):
        _ = ns.PI.Indicatr
    with pytest.raises(KeyError):
        _ = ns.GRADE["best"]


def test_notations_match_model_codes():
    from kg.model import GRADES

    for grade in GRADES:
        assert ns.GRADE.by_notation(grade) is not None, grade
    assert set(ns.GRADE.notations()) == set(GRADES)
    for code in ("ge", "gt", "le", "lt", "range", "unspecified", "qualitative"):
        assert ns.CMP.by_notation(code) is not None
    for code in ("higher_better", "lower_better", "unknown"):
        assert ns.POL.by_notation(code) is not None
    for code in ("parsed", "placeholder", "malformed", "unparsed", "empty"):
        assert ns.PARSE.by_notation(code) is not None
    assert ns.UNIT.by_notation("no-such-unit") is None


def test_mint_is_deterministic_and_hex():
    a = ns.mint("indicator", "x", "y")
    assert a == ns.mint("indicator", "x", "y")
    assert a != ns.mint("indicator", "x|y", "")  # parts are joined, but differ here
    assert re.fullmatch(r"https://w3id\.org/pikg/id/indicator/[0-9a-f]{16}", a.value)


def test_graph_iris():
    sha = "ab" * 32
    assert ns.doc_graph(sha).value == ns.GRAPH + "doc/" + sha[:16]
    assert ns.audit_graph("gap").value == ns.GRAPH + "audit/gap"
    with pytest.raises(KeyError):
        ns.audit_graph("no-such-finding")


def test_no_iri_strings_outside_namespace_module():
    """Python code gets pikg IRIs from kg.namespace only."""
    root = Path(ns.__file__).resolve().parent
    mine = ["mapping.py", "store.py", "ingest.py", "validate.py", "server.py"]
    for name in mine:
        path = root / name
        if path.exists():
            assert "w3id.org/pikg" not in path.read_text(encoding="utf-8"), name
