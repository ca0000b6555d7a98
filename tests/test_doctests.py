"""The ``>>>`` examples in kg/ run with the suite: pytest collects kg/ with --doctest-modules."""

from __future__ import annotations

import shlex
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_pytest_collects_the_doctests_of_kg():
    options = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["tool"]["pytest"]
    options = options["ini_options"]
    assert "kg" in options["testpaths"]
    assert "--doctest-modules" in shlex.split(options["addopts"])
