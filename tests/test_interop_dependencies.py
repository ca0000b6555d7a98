"""Declared dependencies (``pyproject.toml``) match what the code imports.

``httpx`` was imported by ``kg`` without being declared (it came with other packages),
``nbmake`` was declared and never used, and the notebook test needed ``nbclient`` without
``.[test]`` saying so. An install from ``pyproject.toml`` alone must run everything.
"""

from __future__ import annotations

import ast
import json
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
NOT_IMPORTED = {
    "oxigraph": "the server binary kg serve runs (kg.graph.server.oxigraph_binary)",
    "ipykernel": "the kernel nbclient starts for tests/test_notebooks.py",
    "pytest-xdist": "make test runs pytest -n",
    "ruff": "make lint and the pre-commit checks",
}
"""Declared distributions that are run as programs rather than imported."""


def _name(requirement: str) -> str:
    return re.sub(r"[-_.]+", "-", re.split(r"[<>=!~ \[;]", requirement.strip())[0]).lower()


RUNTIME = {_name(r) for r in PROJECT["dependencies"]}
EXTRAS = {k: {_name(r) for r in v} for k, v in PROJECT["optional-dependencies"].items()}
DISTRIBUTIONS = {
    module: {_name(d) for d in dists} for module, dists in packages_distributions().items()
}


def _imports(source: str) -> list[tuple[str, bool]]:
    """``(top-level module, imported at module level)`` for every absolute import, including
    ``importlib.import_module("name")`` with a constant name."""
    tree = ast.parse(source)
    top_level = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", None) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            names = [node.args[0].value]
        else:
            continue
        found.extend((name.split(".")[0], id(node) in top_level) for name in names)
    return found


def _third_party(module: str, local: set[str]) -> bool:
    return module not in sys.stdlib_module_names and module not in local | {"kg", "__future__"}


def _distributions(paths, local: set[str] = frozenset()) -> dict[str, bool]:
    """``{distribution: imported at module level somewhere}`` over the files."""
    seen: dict[str, bool] = {}
    for path, source in paths:
        for module, eager in _imports(source):
            if not _third_party(module, set(local)):
                continue
            assert module in DISTRIBUTIONS, f"{path}: {module} is installed by no distribution"
            for dist in DISTRIBUTIONS[module]:
                seen[dist] = seen.get(dist, False) or eager
    return seen


def _python_files(folder: str):
    for path in sorted((REPO / folder).rglob("*.py")):
        yield path, path.read_text(encoding="utf-8")


def _notebook_cells():
    for path in sorted((REPO / "notebooks").glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "code":
                lines = "".join(cell["source"]).splitlines()
                code = [line for line in lines if not line.lstrip().startswith(("%", "!"))]
                yield path, "\n".join(code)


def test_kg_imports_only_declared_distributions():
    """Module-level imports need a runtime dependency; an import inside a function (an
    optional feature) may come from an extra instead."""
    every_extra = set().union(*EXTRAS.values())
    for dist, eager in _distributions(_python_files("kg")).items():
        allowed = RUNTIME if eager else RUNTIME | every_extra
        assert dist in allowed, f"kg imports {dist} but pyproject.toml does not declare it"


def test_every_runtime_dependency_is_imported_by_kg():
    used = set(_distributions(_python_files("kg")))
    for dist in RUNTIME - used:
        assert dist in NOT_IMPORTED, f"{dist} is declared but kg never imports it"


def _local_modules() -> set[str]:
    return {p.stem for folder in ("tests", "scripts") for p in (REPO / folder).glob("*.py")} | {
        "tests"
    }


def test_tests_scripts_and_notebooks_import_only_declared_distributions():
    local = _local_modules()
    files = [*_python_files("tests"), *_python_files("scripts"), *_notebook_cells()]
    declared = RUNTIME | EXTRAS["test"] | EXTRAS["spark"]  # make test installs .[test,spark]
    for dist in _distributions(files, local):
        assert dist in declared, f"tests or scripts import {dist}: declare it in .[test]"


def test_every_test_extra_is_used():
    local = _local_modules()
    files = [item for folder in ("tests", "scripts", "kg") for item in _python_files(folder)]
    files += list(_notebook_cells())
    used = set(_distributions(files, local))
    for dist in EXTRAS["test"] - RUNTIME - used:
        assert dist in NOT_IMPORTED, f"{dist} is in .[test] but nothing imports it"
