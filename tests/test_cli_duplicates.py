"""``kg duplicates`` run the way docs/duplicates.md shows it."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.records.indicators import write_records
from kg.synth.copies import generate

runner = CliRunner()


def _lines(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_input_output_and_blocks(tmp_path):
    records, _labels = generate(3, 400)
    source = tmp_path / "indicators.jsonl"
    write_records(records, source)
    out, blocks = tmp_path / "clusters.jsonl", tmp_path / "blocks.jsonl"
    result = runner.invoke(
        app, ["duplicates", "--input", str(source), "--output", str(out), "--blocks", str(blocks)]
    )
    assert result.exit_code == 0, result.output
    rows = _lines(out)
    assert [row["id"] for row in rows] == [r.id for r in records]
    assert all(set(row) == {"id", "cluster"} for row in rows)
    assert sum(row["cluster"] is not None for row in rows) > 50
    block_rows = _lines(blocks)
    assert {row["sub_id"] for row in block_rows} == {r.sub_id for r in records}
    assert any(row["cluster"] is not None for row in block_rows)


def test_csv_input_gives_the_same_clusters(tmp_path):
    records, _labels = generate(4, 300)
    jsonl, table = tmp_path / "a.jsonl", tmp_path / "a.csv"
    write_records(records, jsonl)
    write_records(records, table)
    outputs = []
    for source in (jsonl, table):
        out = tmp_path / f"{source.suffix[1:]}.out.jsonl"
        assert runner.invoke(app, ["duplicates", "-i", str(source), "-o", str(out)]).exit_code == 0
        outputs.append(out.read_text(encoding="utf-8"))
    assert outputs[0] == outputs[1]


def test_documents_table_json_and_csv(seed_path):
    paths = [str(seed_path("000")), str(seed_path("004"))]
    table = runner.invoke(app, ["duplicates", *paths, "--limit", "3"], env={"COLUMNS": "200"})
    assert table.exit_code == 0, table.output
    assert "大型会议控制率" in table.output
    assert "invalid ladder: low_rate_floor" in table.output
    as_json = json.loads(runner.invoke(app, ["duplicates", *paths, "--format", "json"]).output)
    top = as_json["clusters"][0]
    assert {m["where"] for m in top["members"]} == {
        "000_96d939c67dd7b28c.txt:284",
        "004_eef93c3b92583fa5.txt:537",
    }
    assert "invalid_ladder" in top["flags"] and top["ladder_issues"] == ["low_rate_floor"]
    assert top["confidence"] == "high" and top["edges"][0]["positions"][0]["where"].endswith(":284")
    # the NLP ladder check reaches the reused ladders: ≥80%/≤60%/>60%/≤50% (000:162 …) is
    # defective, listed apart from the clusters
    reused = as_json["reused_ladders"][0]
    assert reused["ladder"] == ["≥80%", "≤60%", ">60%", "≤50%"] and reused["defective"]
    assert "non_monotonic" in reused["ladder_issues"]
    assert all(c["kind"] != "threshold" for c in as_json["clusters"])
    high = json.loads(
        runner.invoke(
            app, ["duplicates", *paths, "--format", "json", "--min-confidence", "high"]
        ).output
    )
    assert {c["confidence"] for c in high["clusters"]} == {"high"}
    assert len(high["clusters"]) < len(as_json["clusters"])
    bad = runner.invoke(app, ["duplicates", *paths, "--min-confidence", "sure"])
    assert bad.exit_code != 0 and "--min-confidence 'sure'" in str(bad.exception)
    rows = list(
        csv.DictReader(
            io.StringIO(runner.invoke(app, [*["duplicates"], *paths, "-f", "csv"]).output)
        )
    )
    assert rows[0]["cluster"] == "1" and rows[0]["template"] == "大型会议控制率"


def test_bad_input_names_file_and_line(tmp_path):
    source = tmp_path / "bad.jsonl"
    source.write_text(
        '{"id": "1", "text": "a", "grades": ["1", "2", "3", "4"]}\n{"id": "2", "text": "b"}\n',
        encoding="utf-8",
    )
    result = runner.invoke(app, ["duplicates", "--input", str(source)])
    assert result.exit_code != 0
    assert isinstance(result.exception, Exception)
    assert f"{source}:2:" in str(result.exception)


def test_bad_input_is_one_line_on_the_real_cli(tmp_path):
    import subprocess
    import sys

    source = tmp_path / "bad.csv"
    source.write_text("id,text,优,良,中\n1,a,1,2,3\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-c", "from kg.cli import main; main()", "duplicates", "-i", str(source)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0
    assert "bad.csv:1: CSV header lacks the column(s) 差" in proc.stderr


def test_store_mode_prints_and_writes_back_findings(tmp_path, seed_path):
    from kg.graph.namespace import audit_graph
    from kg.graph.store import Store
    from kg.ingest import ingest

    location = tmp_path / "kg-store"
    with Store(location) as store:
        assert ingest([seed_path("000"), seed_path("004")], store, jobs=1).ok
    as_json = runner.invoke(app, ["duplicates", "--store", str(location), "-f", "json"])
    assert as_json.exit_code == 0, as_json.output
    payload = json.loads(as_json.stdout)
    top = payload["clusters"][0]
    assert {m["where"] for m in top["members"]} == {
        "000_96d939c67dd7b28c.txt:284",
        "004_eef93c3b92583fa5.txt:537",
    }
    assert top["edges"][0]["kind"] == "surface"
    assert "invalid_ladder" in top["flags"]
    flagged = [c for c in payload["clusters"] if "non_monotonic" in c["ladder_issues"]]
    assert flagged and all("invalid_ladder" in c["flags"] for c in flagged)  # from pi:ladderIssue
    query = (
        "SELECT ?f ?template WHERE { ?f a pi:Finding ; pi:template ?template ;"
        " pi:findingType ftype:surface-copy }"
    )
    with Store(location, read_only=True) as store:
        first = store.select(query)
        total = store.select("SELECT (COUNT(?f) AS ?n) WHERE { ?f a pi:Finding }")[0]["n"]
    assert "大型会议控制率" in {row["template"] for row in first}
    # the finding IRI printed per cluster is the one written, and `kg review` takes its hash
    assert top["finding"] in {row["f"] for row in first}
    review = runner.invoke(
        app,
        ["review", "confirm", top["finding"].rsplit("/", 1)[-1], "--store", str(location)],
    )
    assert review.exit_code == 0, review.output
    # a dismissed reused ladder is hidden by default, shown with --show-dismissed
    template = payload["reused_ladders"][0]
    runner.invoke(app, ["review", "dismiss", template["finding"], "--store", str(location)])
    again = json.loads(
        runner.invoke(app, ["duplicates", "--store", str(location), "-f", "json"]).stdout
    )
    assert again["clusters"][0]["review"] == "confirmed"
    assert template["finding"] not in {r["finding"] for r in again["reused_ladders"]}
    every = json.loads(
        runner.invoke(
            app, ["duplicates", "--store", str(location), "-f", "json", "--show-dismissed"]
        ).stdout
    )
    assert {"dismissed"} == {
        r["review"] for r in every["reused_ladders"] if r["finding"] == template["finding"]
    }
    assert total == len(payload["clusters"]) + len(payload["reused_ladders"])

    # the table names file:line and the evidence; a re-run replaces the findings
    table = runner.invoke(
        app, ["duplicates", "--limit", "1"], env={"KG_STORE": str(location), "COLUMNS": "220"}
    )
    assert table.exit_code == 0, table.output
    assert "000_96d939c67dd7b28c.txt:284" in table.output and "surface 0.7" in table.output
    with Store(location, read_only=True) as store:
        assert store.select("SELECT (COUNT(?f) AS ?n) WHERE { ?f a pi:Finding }")[0]["n"] == total

    # --no-write leaves the store alone, and works on a read-only open
    with Store(location) as store:
        store.drop_graph(audit_graph("surface-copy"))
    runner.invoke(app, ["duplicates", "--store", str(location), "--no-write", "-f", "csv"])
    with Store(location, read_only=True) as store:
        assert not store.select(query)


def test_store_mode_without_a_store_is_one_clear_error(tmp_path):
    result = runner.invoke(app, ["duplicates", "--store", str(tmp_path / "missing")])
    assert result.exit_code != 0
    assert "missing: no graph store here" in str(result.exception)


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        (
            "huge.csv",
            "id,text,优,良,中,差\n1," + "x" * 200_000 + ",a,b,c,d\n",
            "not valid CSV: field larger than field limit",
        ),
        ("deep.jsonl", '{"id": ' + "[" * 5000 + "]" * 5000 + "}\n", "nested too deeply"),
        ("big.jsonl", '{"id": "1", "pos": 1' + "0" * 5000 + "}\n", "not valid JSON here"),
    ],
)
def test_hostile_record_files_are_one_line(tmp_path, name, content, words):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "kg",
            "duplicates",
            "--input",
            str(path),
            "--output",
            str(tmp_path / "o"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and words in result.stderr and name in result.stderr
    assert "Traceback" not in result.stderr


def test_output_to_a_full_disk_names_the_file(tmp_path):
    records = tmp_path / "r.jsonl"
    records.write_text(
        '{"id": "1", "text": "办结率", "grades": ["≥90%", "≥80%", "≥70%", "<70%"]}\n',
        encoding="utf-8",
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "kg",
            "duplicates",
            "--input",
            str(records),
            "--output",
            "/dev/full",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr == "kg: error: /dev/full: cannot write: No space left on device\n"
