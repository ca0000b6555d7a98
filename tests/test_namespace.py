"""The namespace module is checked against the ontology files: no scattered or misspelt IRIs."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from kg.graph import namespace as ns


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
    # parts are escaped before the join, so no two part lists share an IRI
    assert ns.mint("k", "a|b") != ns.mint("k", "a", "b")
    assert ns.mint("k", "a|", "b") != ns.mint("k", "a", "|b")
    assert ns.mint("k", "a\\", "|b") != ns.mint("k", "a\\|", "b")
    # parts without | or \ keep the IRIs they had before the escaping (stored data stays valid)
    assert ns.mint("indicator", "x", "y").value.endswith("/" + ns.short_hash("x|y"))
    assert re.fullmatch(r"https://w3id\.org/pikg/id/indicator/[0-9a-f]{16}", a.value)


def test_graph_iris():
    sha = "ab" * 32
    assert ns.doc_graph(sha).value == ns.GRAPH + "doc/" + sha[:16]
    assert ns.audit_graph("gap").value == ns.GRAPH + "audit/gap"
    with pytest.raises(KeyError):
        ns.audit_graph("no-such-finding")


def _code_strings(path: Path) -> list[str]:
    """The string constants of a module, docstrings left out (they may show an IRI)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def test_no_iri_strings_outside_namespace_module():
    """Python code gets pikg IRIs from kg.graph.namespace only: every module of kg/ is scanned."""
    root = Path(ns.__file__).resolve().parents[1]  # kg/
    modules = [p for p in root.rglob("*.py") if p != Path(ns.__file__).resolve()]
    assert len(modules) > 50  # the whole package, not a list of names
    offenders = [
        f"{path.relative_to(root)}: {text[:60]}"
        for path in modules
        for text in _code_strings(path)
        if "w3id.org/pikg" in text
    ]
    assert offenders == []


def test_the_guard_sees_a_hard_coded_iri(tmp_path):
    module = tmp_path / "bad.py"
    module.write_text('"""Doc: https://w3id.org/pikg/def/X"""\nPI = "https://w3id.org/pikg/def/"\n')
    assert _code_strings(module) == ["https://w3id.org/pikg/def/"]
