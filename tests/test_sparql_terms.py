"""Every pikg term a SPARQL text of kg/ names is declared in the ontology files.

Python code gets IRIs from the closed namespace (``PI.Indicator`` raises when misspelt), but
queries name terms as text (``pi:indicatorName`` in ``kg/graph/queries/*.rq``, the views'
queries, the records loader's SELECTs …): a typo there is not an error, just an empty answer.
This test gives queries the same closed-world check. Expected: no undeclared term; the last
test shows the check reports one."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from kg.graph import namespace as ns

PACKAGE = Path(ns.__file__).resolve().parents[1]
CLOSED = {v.prefix: v for v in vars(ns).values() if isinstance(v, ns.Vocabulary)}
TERM = re.compile(r"(?<![\w:#<])(" + "|".join(CLOSED) + r"):([A-Za-z_][\w-]*(?:\.[\w-]+)*)")
SPARQL_WORDS = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE|INSERT|DELETE|WHERE)\b")


def _strip_comments(text: str) -> str:
    return "\n".join(
        line.split(" #", 1)[0] for line in text.splitlines() if not line.lstrip().startswith("#")
    )


def _query_texts(root: Path) -> list[tuple[str, str]]:
    """(place, text) of every .rq file and every SPARQL-looking string constant under root."""
    texts = [
        (str(p.relative_to(root.parent)), p.read_text(encoding="utf-8")) for p in root.rglob("*.rq")
    ]
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            text = node.value if isinstance(node, ast.Constant) else None
            if isinstance(text, str) and SPARQL_WORDS.search(text) and "{" in text:
                texts.append((f"{path.relative_to(root.parent)}:{node.lineno}", text))
    return texts


def undeclared_terms(root: Path) -> list[str]:
    bad = []
    for place, text in _query_texts(root):
        for prefix, local in TERM.findall(_strip_comments(text)):
            if local not in CLOSED[prefix]:
                bad.append(f"{place}: {prefix}:{local}")
    return sorted(set(bad))


def test_queries_name_only_declared_terms():
    texts = _query_texts(PACKAGE)
    assert sum(1 for place, _ in texts if place.endswith(".rq")) > 20  # named, view, audit queries
    assert undeclared_terms(PACKAGE) == []


def test_a_misspelt_term_in_a_query_is_reported(tmp_path):
    root = tmp_path / "kg"
    root.mkdir()
    (root / "q.rq").write_text("SELECT ?n WHERE { ?i pi:indicatorNme ?n ; a pi:Indicator }\n")
    (root / "m.py").write_text('Q = "SELECT ?g WHERE { ?b pi:grade grade:best }"\n')
    assert undeclared_terms(root) == ["kg/m.py:1: grade:best", "kg/q.rq: pi:indicatorNme"]
