"""``kg synth`` run the way docs/synth.md shows it."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from kg.cli import app


def test_kg_synth_writes_documents_and_manifest(tmp_path, seeds_dir):
    out = tmp_path / "corpus"
    args = ["synth", "--documents", "12", "--out", str(out), "--seed", "3", "-q"]
    result = CliRunner().invoke(app, [*args, "--vocabulary", str(seeds_dir)])
    assert result.exit_code == 0, result.output
    assert "wrote 12 txt documents" in result.output
    manifest = json.loads((out / "synth-manifest.json").read_text(encoding="utf-8"))
    assert manifest["totals"]["documents"] == 12
    assert len(list(out.glob("*.txt"))) == 12


def test_kg_synth_rejects_a_bad_count_in_one_line(tmp_path):
    result = CliRunner().invoke(app, ["synth", "-n", "0", "--out", str(tmp_path)])
    assert result.exit_code != 0
    assert "at least 1" in str(result.exception)
