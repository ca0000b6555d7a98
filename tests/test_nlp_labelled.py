"""The hand-labelled table (tests/data/nlp/labelled_cells.tsv): 300+ real cells, forms A–L.

Each row names a cell by document and line; the test checks that the seed really holds that
text there, then that ``analyze_document`` (extraction → NLP, in context) produced the labelled
structure for it.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from kg.extraction import extract_file
from kg.nlp import analyze_document

TABLE = Path(__file__).parent / "data" / "nlp" / "labelled_cells.tsv"


def _rows() -> list[dict[str, str]]:
    with TABLE.open(encoding="utf-8") as fh:
        lines = [line for line in fh if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


ROWS = _rows()


@pytest.fixture(scope="module")
def bands_by_line(seed_path):
    """``(doc, line) → Band`` for every cell of the analysed seeds."""
    index = {}
    for prefix in sorted({row["doc"] for row in ROWS}):
        path = seed_path(prefix)
        lines = path.read_text(encoding="utf-8").split("\n")
        doc = analyze_document(extract_file(path))
        found = [(ind.line, ind.end_line, b) for _, ind in doc.iter_indicators() for b in ind.bands]
        found += [(p.line, p.end_line, p.target) for _, p in doc.iter_project_indicators()]
        for start, end, band in found:
            for number in range(start, max(end, start + 6) + 1):
                line = lines[number - 1] if number <= len(lines) else ""
                if line.startswith("\t") and band.raw and line[1:].strip() == band.raw.strip():
                    index.setdefault((prefix, number), band)
                    break
    return index


def test_the_table_is_big_and_covers_every_form():
    assert len(ROWS) >= 250
    assert {row["form"] for row in ROWS} == set("ABCDEFGHIJKL")
    assert len({(row["doc"], row["line"]) for row in ROWS}) == len(ROWS)


def _number(text: str) -> float | None:
    return None if text == "" else float(text)


def _flag(text: str) -> bool | None:
    return None if text == "" else text == "True"


def _deadline(text: str) -> dict | None:
    if not text:
        return None
    out = {}
    for part in text.split(";"):
        key, _, value = part.partition("=")
        if value in ("True", "False"):
            out[key] = value == "True"
        elif value == "":
            out[key] = None
        elif key in ("unit", "kind", "when", "anchor"):
            out[key] = value
        else:
            out[key] = float(value)
    return out


@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"{r['doc']}:{r['line']}")
def test_labelled_cell(row, seed_path, bands_by_line):
    line = seed_path(row["doc"]).read_text(encoding="utf-8").split("\n")[int(row["line"]) - 1]
    assert line.startswith("\t") and line[1:].strip() == row["raw"].strip()
    band = bands_by_line[(row["doc"], int(row["line"]))]
    assert band.grade == row["grade"]
    assert (band.form, band.status) == (row["form"], row["status"]), band
    assert (band.comparator or "") == row["comparator"]
    assert band.lower == _number(row["lower"]) and band.upper == _number(row["upper"])
    assert band.lower_inclusive == _flag(row["lower_inclusive"])
    assert band.upper_inclusive == _flag(row["upper_inclusive"])
    assert band.point == _number(row["point"])
    assert (band.unit or "") == row["unit"]
    assert band.qual_rank == (int(row["qual_rank"]) if row["qual_rank"] else None)
    assert (band.level or "") == row["level"]
    deadline = _deadline(row["deadline"])
    if deadline is None:
        assert band.deadline is None
    else:
        assert {k: band.deadline.get(k) for k in deadline} == deadline
    for flag in filter(None, row["flags"].split(",")):
        assert flag in band.flags
    if band.status in ("unparsed", "malformed", "placeholder"):
        assert band.reason
