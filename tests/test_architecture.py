"""The architecture is one-way: a module of kg/ imports only from its own stage or the stages
before it (README "How it works"). Every import statement of every module is checked, the
lazy ones inside functions included, so a shortcut cannot hide in a function body."""

from __future__ import annotations

import ast
from pathlib import Path

import kg

PACKAGE = Path(kg.__file__).resolve().parent

# Stage of each top-level part of kg/, in pipeline order (README "How it works").
STAGES: dict[str, int] = {
    "errors": 0,
    "textnorm": 0,
    "model": 0,
    "output": 0,
    "children": 0,
    "readers": 1,
    "extraction": 2,
    "nlp": 3,
    "graph": 4,
    "records": 5,
    "ingest": 6,
    "spark": 6,
    "duplicates": 7,
    "audit": 8,  # reads copy clusters from kg.duplicates
    "views": 8,
    "demo": 9,
    "synth": 9,
    "cli": 10,
    "__init__": 10,  # the lazy API names every stage
    "__main__": 10,
}


def _part(module: str) -> str:
    """``kg.graph.store`` → ``graph``; ``kg`` → ``__init__``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "kg":  # from kg import graph
                found.extend((node.lineno, f"kg.{a.name}") for a in node.names)
            elif node.module.startswith("kg."):
                found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found.extend((node.lineno, a.name) for a in node.names if a.name.startswith("kg"))
    return found


def _violations() -> list[str]:
    bad = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent)
        module = ".".join(rel.with_suffix("").parts).removesuffix(".__init__")
        own = STAGES[_part(module) if module != "kg" else "__init__"]
        for line, target in _imports(path):
            part = _part(target)
            if part not in STAGES:  # kg.<name> where name is an attribute, not a part
                continue
            if STAGES[part] > own:
                bad.append(f"{rel}:{line} imports {target} (stage {STAGES[part]} > {own})")
    return bad


def test_every_part_of_the_package_has_a_stage():
    parts = {
        p.stem for p in PACKAGE.iterdir() if p.suffix == ".py" or (p / "__init__.py").is_file()
    }
    assert parts <= set(STAGES), sorted(parts - set(STAGES))


def test_no_module_imports_from_a_later_stage():
    assert _violations() == []


def test_the_checker_finds_a_backward_import(tmp_path, monkeypatch):
    """The check itself can fail: a reader importing the store is reported."""
    fake = tmp_path / "kg"
    (fake / "readers").mkdir(parents=True)
    (fake / "readers" / "__init__.py").write_text(
        "def f():\n    from kg.graph.store import Store\n"
    )
    monkeypatch.setattr(f"{__name__}.PACKAGE", fake)
    assert _violations() == ["kg/readers/__init__.py:2 imports kg.graph.store (stage 4 > 1)"]
