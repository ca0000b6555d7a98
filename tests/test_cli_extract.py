"""``kg extract`` run the way docs/extraction.md shows it."""

from __future__ import annotations

import csv
import io
import json

from typer.testing import CliRunner

from kg.cli import app

runner = CliRunner()


def kg(*args: str):
    """Invoke ``kg <args>`` in-process."""
    return runner.invoke(app, list(args))


def test_one_file_prints_one_json_object(seed_path):
    result = kg("extract", str(seed_path("003")))
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["source"]["path"].endswith("003_2709046b083e087d.txt")
    assert len(doc["source"]["sha256"]) == 64
    assert (doc["issuer"], doc["year"]) == ("秦皇岛市北戴河区人民政府办公室", 2020)
    assert {"code", "name", "line"} <= set(doc["departments"][0])
    project = doc["projects"][0]
    assert (project["code"], project["budget"]) == ("434-1401-JBN-6BVF", 10.0)
    assert {"level1", "level2", "name", "description", "value", "basis", "line"} <= set(
        project["indicators"][0]
    )


def test_several_files_stream_json_lines(seed_path):
    result = kg("extract", str(seed_path("004")), str(seed_path("002")))
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().split("\n")
    assert len(lines) == 2
    docs = [json.loads(line) for line in lines]
    assert [d["year"] for d in docs] == [2018, 2019]
    activity = docs[0]["activities"][0]
    assert {"number", "name", "budget", "content", "goal", "line", "indicators"} <= set(activity)
    indicator = activity["sub_activities"][0]["indicators"][0]
    assert indicator["grades"] == {"优": "≥98%", "良": "≥95%", "中": "≥90%", "差": "＜90%"}
    assert indicator["line"] == 207


def test_csv_has_bom_header_and_one_row_per_indicator(seed_path):
    result = kg("extract", "--format", "csv", str(seed_path("004")), str(seed_path("003")))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(result.stdout.lstrip("\ufeff"))))
    assert len(rows) == 120 + 42
    first = rows[0]
    assert (first["line"], first["name"], first["优"], first["budget"]) == (
        "207",
        "决策部署督查反馈率(%)",
        "≥98%",
        "20.00",
    )
    assert first["department"] == "434政府办" and first["activity"] == "政务督查"
    assert rows[-1]["kind"] == "project" and rows[-1]["value"] == "≥9595%以上"


def test_unreadable_input_is_one_line_and_exit_2(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = kg("extract", str(empty))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "empty.txt" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_one_bad_file_among_good_ones_exits_1(tmp_path, seed_path):
    binary = tmp_path / "blob.txt"
    binary.write_bytes(bytes(range(256)) * 4)
    result = kg("extract", str(binary), str(seed_path("003")))
    assert result.exit_code == 1
    assert json.loads(result.stdout)["year"] == 2020
    assert "blob.txt" in result.stderr


def test_samples_and_a_docx_as_in_the_docs(samples_dir, tmp_path):
    from kg.synth.dump2docx import text_dump_to_docx

    sample = samples_dir / "101_yunxi_government_office.txt"
    docx_path = text_dump_to_docx(sample.read_text(encoding="utf-8"), tmp_path / "office.docx")
    result = kg("extract", str(sample), str(docx_path))
    assert result.exit_code == 0, result.output
    from_text, from_docx = (json.loads(line) for line in result.stdout.strip().split("\n"))
    assert from_docx["source"]["format"] == "docx"
    assert from_text["issuer"] == from_docx["issuer"] == "云溪县人民政府办公室"
    names = [
        [i["name"] for s in a["sub_activities"] for i in s["indicators"]]
        for a in from_text["activities"]
    ]
    assert names == [
        [i["name"] for s in a["sub_activities"] for i in s["indicators"]]
        for a in from_docx["activities"]
    ]
    assert "diagnostic(s)" in result.stderr


def test_pretty_json_for_one_file(samples_dir):
    result = kg("extract", "--pretty", str(samples_dir / "103_yunxi_education_bureau.txt"))
    assert result.exit_code == 0
    assert result.stdout.startswith("{\n  ")
    assert json.loads(result.stdout)["projects"][1]["code"] == "403-2050-XJY-0002"
