"""`kg --help` answers at once: importing kg.cli loads no heavy library, and help is clean."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
import typer
from typer.testing import CliRunner

from kg.cli import app

HEAVY = ("datasketch", "spacy", "pyshacl", "rdflib", "pyvis", "pdfplumber", "openpyxl", "httpx")


def test_importing_the_cli_loads_no_heavy_library():
    probe = f"import sys, kg.cli; print(sorted(set({HEAVY!r}) & set(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_defaults_written_out_for_a_fast_help_agree_with_the_library():
    from kg.cli import push, query, serve, view
    from kg.graph import server
    from kg.views import render

    assert (serve.DEFAULT_HOST, serve.DEFAULT_PORT, serve.DEFAULT_TIMEOUT_S) == (
        server.DEFAULT_HOST,
        server.DEFAULT_PORT,
        server.DEFAULT_TIMEOUT_S,
    )
    assert query.DEFAULT_TIMEOUT_S == server.DEFAULT_TIMEOUT_S
    assert push.DEFAULT_CHUNK == server.DEFAULT_CHUNK
    assert view.DEFAULT_MAX_NODES == render.DEFAULT_MAX_NODES


def _command_paths() -> list[list[str]]:
    paths = [[]]
    for command in app.registered_commands:
        paths.append([command.name])
    for group in app.registered_groups:
        paths.append([group.name])
        sub: typer.Typer = group.typer_instance
        paths.extend([group.name, command.name] for command in sub.registered_commands)
    return paths


@pytest.mark.parametrize("path", _command_paths(), ids=lambda p: " ".join(p) or "kg")
def test_help_shows_no_type_beside_a_flag_and_each_default_once(path):
    result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "300"})
    assert result.exit_code == 0, result.output
    assert "<bool>" not in result.output
    assert not re.search(r"\(default: ([^)]*)\)\.? +\[default: \1\]", result.output)


INGEST_NEEDS_NOT = ("spacy", "thinc", "datasketch", "pyshacl", "rdflib", "pyvis", "pkg_resources")


def test_ingesting_a_document_loads_no_library_it_does_not_need(tmp_path, seed_path):
    """`kg ingest` of one document reads names and cells without spaCy (kg.nlp.segment) and
    imports nothing of validation, copy detection or the views (issue 16: < 1.5 s)."""
    probe = (
        "import sys\n"
        "from kg.cli import main\n"
        f"sys.argv = ['kg', 'ingest', {str(seed_path('003'))!r}, '--store', "
        f"{str(tmp_path / 'store')!r}, '-q']\n"
        "try:\n    main()\nexcept SystemExit as exit:\n    assert not exit.code, exit.code\n"
        f"print(sorted(set({INGEST_NEEDS_NOT!r}) & set(sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=tmp_path
    ).stdout
    assert out.strip().splitlines()[-1] == "[]", out
