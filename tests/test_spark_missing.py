"""Without pyspark or Java, `kg ingest --engine spark` is one line naming what to install, and
the Spark tests say why they are skipped (kg.spark.spark_missing)."""

from __future__ import annotations

import sys

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import KgError
from kg.spark import spark_missing


def test_without_pyspark_the_engine_is_one_line(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "pyspark", None)  # import pyspark now raises ImportError
    assert spark_missing() == "pyspark is not installed (pip install -e '.[spark]')"
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    result = CliRunner().invoke(
        app, ["ingest", "--engine", "spark", str(tmp_path), "--out", str(tmp_path / "out")]
    )
    assert isinstance(result.exception, KgError)
    assert str(result.exception).startswith("cannot run on Spark: pyspark is not installed")
    assert not (tmp_path / "out").exists()


def test_without_java_the_reason_names_the_package(monkeypatch):
    pytest.importorskip("pyspark", reason="the Java check comes after the pyspark one")
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setattr("shutil.which", lambda name: None)
    assert "openjdk-17-jre-headless" in (spark_missing() or "")
