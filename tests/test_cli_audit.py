"""`kg audit` run the way docs/audit.md shows it: ingest, audit, read the report."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.graph.namespace import audit_graph
from kg.graph.store import Store

runner = CliRunner()
KG = [sys.executable, "-m", "kg"]


@pytest.fixture(scope="module")
def store_dir(seed_path, tmp_path_factory) -> Path:
    """A store holding 004 (the smallest duty-table seed: quick to ingest)."""
    folder = tmp_path_factory.mktemp("docs")
    source = seed_path("004")
    (folder / source.name).write_bytes(source.read_bytes())
    store = tmp_path_factory.mktemp("store") / "kg-store"
    result = runner.invoke(app, ["ingest", str(folder), "--store", str(store), "-q"])
    assert result.exit_code == 0, result.output
    return store


def finding_count(store: Path) -> int:
    rows = Store(store, read_only=True).select(
        "SELECT (COUNT(DISTINCT ?f) AS ?n) WHERE { ?f a pi:Finding ; pi:code ?rule }"
    )
    return int(rows[0]["n"])


def test_html_report_and_findings_in_the_store(store_dir, tmp_path):
    out = tmp_path / "report"
    result = runner.invoke(app, ["audit", "--store", str(store_dir), "--out", str(out)])
    assert result.exit_code == 1, result.output  # 004 has a non-monotonic ladder (error)
    assert f"report: {out / 'audit.html'}" in result.output
    page = (out / "audit.html").read_text(encoding="utf-8")
    assert "青龙满族自治县人民政府办公室" in page and "ladder.non_monotonic" in page
    stored = finding_count(store_dir)
    assert stored > 0
    again = runner.invoke(app, ["audit", "--store", str(store_dir), "--out", str(out)])
    assert again.exit_code == 1 and finding_count(store_dir) == stored  # replaced, not added


def test_json_shape(store_dir, tmp_path):
    result = runner.invoke(
        app,
        [
            "audit",
            "--store",
            str(store_dir),
            "--out",
            str(tmp_path),
            "--format",
            "json",
            "--no-write",
        ],
    )
    assert result.exit_code == 1, result.output
    data = json.loads((tmp_path / "audit.json").read_text(encoding="utf-8"))
    finding = next(f for f in data["findings"] if f["rule"] == "ladder.non_monotonic")
    assert {"rule", "severity", "message", "budget", "evidence"} <= set(finding)
    (evidence,) = finding["evidence"]
    assert evidence["file"].endswith("004_eef93c3b92583fa5.txt") and evidence["line"] > 0
    assert "|" in evidence["text"]


def test_csv_and_markdown(store_dir, tmp_path):
    for fmt in ("csv", "md"):
        result = runner.invoke(
            app, ["audit", "--store", str(store_dir), "-o", str(tmp_path), "-f", fmt, "--no-write"]
        )
        assert result.exit_code == 1, result.output
    with (tmp_path / "audit.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows and rows[0]["file"].endswith(".txt") and int(rows[0]["line"]) > 0
    assert "# 审计报告 / Audit report" in (tmp_path / "audit.md").read_text(encoding="utf-8")


def test_fail_on_and_config(store_dir, tmp_path):
    config = tmp_path / "audit.toml"
    config.write_text(
        "[audit]\n"
        'disable = ["ladder.non_monotonic", "ladder.unreachable", "ladder.polarity"]\n'
        '[rules."ladder.ordinal_inversion"]\nseverity = "warning"\n',
        encoding="utf-8",
    )
    base = ["audit", "--store", str(store_dir), "-o", str(tmp_path), "--no-write", "-f", "json"]
    clean = runner.invoke(app, [*base, "--config", str(config), "--fail-on", "error"])
    assert clean.exit_code == 0, clean.output
    strict = runner.invoke(app, [*base, "--config", str(config), "--fail-on", "info"])
    assert strict.exit_code == 1


def test_sparql_rule_file(store_dir, tmp_path):
    rule = tmp_path / "no_unit.rq"
    rule.write_text(
        "# title: 没有单位的指标 / Indicator without a unit\n# severity: info\n"
        "SELECT ?node ?message WHERE {\n"
        "  ?node a pi:ActivityIndicator ; pi:indicatorName ?name .\n"
        "  FILTER NOT EXISTS { ?node pi:unit ?u }\n"
        '  BIND(CONCAT("无单位：", STR(?name)) AS ?message)\n}\n',
        encoding="utf-8",
    )
    result = runner.invoke(
        app,
        [
            "audit",
            "--store",
            str(store_dir),
            "-o",
            str(tmp_path),
            "-f",
            "json",
            "--no-write",
            "--rules",
            str(rule),
        ],
    )
    data = json.loads((tmp_path / "audit.json").read_text(encoding="utf-8"))
    custom = [f for f in data["findings"] if f["rule"] == "custom.no_unit"]
    assert custom and custom[0]["severity"] == "info" and custom[0]["evidence"][0]["line"] > 0, (
        result.output
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--config", "{tmp}/bad.toml"], "unknown rule 'ladder.nope'"),
        (["--rules", "{tmp}/missing.rq"], "SPARQL rule file not found"),
        (["--store", "{tmp}/nowhere"], "no graph store here"),
    ],
)
def test_usage_errors_are_one_line_with_exit_2(store_dir, tmp_path, args, message):
    (tmp_path / "bad.toml").write_text('[audit]\ndisable = ["ladder.nope"]\n', encoding="utf-8")
    argv = ["audit", "--store", str(store_dir), "-o", str(tmp_path), "--no-write"]
    argv += [arg.format(tmp=tmp_path) for arg in args]
    done = subprocess.run([*KG, *argv], capture_output=True, text=True, timeout=300)
    assert done.returncode == 2
    assert message in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr


def test_custom_rule_findings_are_stored_as_custom_with_money_and_messages(seed_path, tmp_path):
    """A rule file without ``finding-type`` lands in pig:audit/custom; built-in findings carry
    their message once per language and the money they touch as pi:budgetAtStake."""
    source = seed_path("004")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / source.name).write_bytes(source.read_bytes())
    store = tmp_path / "kg-store"
    assert (
        runner.invoke(app, ["ingest", str(tmp_path / "docs"), "--store", str(store)]).exit_code == 0
    )
    rule = tmp_path / "funded.rq"
    rule.write_text(
        "SELECT ?node ?message ?budget WHERE {\n"
        "  ?node a pi:DutyActivity ; pi:budget ?budget . FILTER (?budget > 0)\n"
        '  BIND("有预算的职责活动" AS ?message)\n}\n',
        encoding="utf-8",
    )
    result = runner.invoke(
        app, ["audit", "--store", str(store), "-o", str(tmp_path / "out"), "--rules", str(rule)]
    )
    assert result.exit_code in (0, 1), result.output
    graph_store = Store(store, read_only=True)
    custom = graph_store.select(
        """SELECT ?g ?f ?message ?amount WHERE { GRAPH ?g {
             ?f pi:findingType ftype:custom ; pi:code "custom.funded" ; pi:message ?message ;
                pi:budgetAtStake ?amount } }"""
    )
    funded = graph_store.select(
        "SELECT (COUNT(?a) AS ?n) WHERE { ?a a pi:DutyActivity ; pi:budget ?b FILTER (?b > 0) }"
    )[0]["n"]
    assert len(custom) == funded > 0
    assert {row["message"] for row in custom} == {"有预算的职责活动"}
    assert {row["g"] for row in custom} == {audit_graph("custom").value}
    assert all(row["amount"] > 0 for row in custom)
    languages = graph_store.select(
        """SELECT DISTINCT (LANG(?m) AS ?lang) WHERE {
             ?f pi:findingType ftype:non-monotonic ; pi:message ?m }"""
    )
    assert {row["lang"] for row in languages} == {"zh", "en"}


def test_unread_document_is_reported_first_and_never_clean(tmp_path):
    """A file with an indicator grid but no readable row: ingest says unread, the report
    opens with it, the JSON summary lists it, and the run fails (an error finding)."""
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "unread.txt").write_text(
        "某县2024年项目支出绩效目标表\n\t项目名称\n\t道路养护\n\n"
        "\t一级指标\n\t二级指标\n\t三级指标\n\t指标值\n\n",
        encoding="utf-8",
    )
    store = tmp_path / "store"
    ingested = runner.invoke(app, ["ingest", str(folder), "--store", str(store), "-q"])
    assert ingested.exit_code == 0 and "1 unread" in ingested.output
    assert "unread.txt: performance tables found but no indicator read" in ingested.output
    strict = runner.invoke(
        app, ["ingest", str(folder), "--store", str(store), "-q", "--force", "--fail-on-unread"]
    )
    assert strict.exit_code == 1
    out = tmp_path / "report"
    result = runner.invoke(app, ["audit", "--store", str(store), "--out", str(out)])
    assert result.exit_code == 1, result.output
    page = (out / "audit.html").read_text(encoding="utf-8")
    assert page.index('id="unread"') < page.index('id="departments"')
    assert "unread.txt:2" in page
    runner.invoke(app, ["audit", "--store", str(store), "--out", str(out), "-f", "json"])
    data = json.loads((out / "audit.json").read_text(encoding="utf-8"))
    assert data["summary"]["unread_documents"] == ["docs/unread.txt"]  # path as recorded


def test_slow_or_binary_rule_files_are_one_line(store_dir, tmp_path):
    """A cross-product rule stops at [audit] rule_timeout; a binary .rq is refused; both
    name the rule file, exit 2, and never hang or print a traceback."""
    slow = tmp_path / "slow.rq"
    slow.write_text(
        'SELECT ?node ?message WHERE { ?node ?p ?o . ?a ?b ?c . ?d ?e ?f . BIND("x" AS ?message) }',
        encoding="utf-8",
    )
    config = tmp_path / "audit.toml"
    config.write_text("[audit]\nrule_timeout = 1\n", encoding="utf-8")
    binary = tmp_path / "binary.rq"
    binary.write_bytes(b"\x00\xff\xfe binary")
    for rules, words in (
        (slow, "slow.rq: rule stopped after the time limit of 1 s"),
        (binary, "binary.rq: not UTF-8"),
    ):
        result = subprocess.run(
            [
                *KG,
                "audit",
                "--store",
                str(store_dir),
                "--config",
                str(config),
                "--rules",
                str(rules),
                "--out",
                str(tmp_path / "r"),
                "--no-write",
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 2, result.stderr
        assert words in result.stderr and result.stderr.count("\n") == 1
