"""Issue 19.4: inputs that would take memory without bound end in one clear line.

The peak-RSS measurements against input size are in ``scripts/bench_memory.py``.
"""

from __future__ import annotations

import os

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import KgError
from kg.extraction import extract_text
from kg.readers import read_bytes
from kg.readers.text_reader import MAX_CELL_CHARS, MAX_TEXT_BYTES, parse_dump

runner = CliRunner()


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_extract_dev_zero_is_one_clear_error():
    result = runner.invoke(app, ["extract", "/dev/zero"])
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "kg: error: /dev/zero: not a regular file (a device, pipe or socket); copy it to a file first"
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_extract_of_a_fifo_does_not_wait_for_a_writer(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    result = runner.invoke(app, ["extract", str(fifo)])
    assert result.exit_code == 2 and "not a regular file" in result.stderr


def test_text_dump_over_the_document_cap_is_refused():
    data = ("\t指标\n" * (MAX_TEXT_BYTES // 8 + 1)).encode("utf-8")
    assert len(data) > MAX_TEXT_BYTES
    with pytest.raises(KgError, match=r"big\.txt: text dump of [\d,]+ bytes is over the cap"):
        read_bytes(data, "big.txt")


def test_long_cell_and_paragraph_are_cut_with_a_diagnostic():
    long_cell = "甲" * (MAX_CELL_CHARS + 10)
    long_paragraph = "乙" * (MAX_CELL_CHARS + 5)
    doc = extract_text(f"{long_paragraph}\n\n\t{long_cell}\n\t短\n", "long.txt")
    cut = [d for d in doc.diagnostics if d.code == "reader" and "cut to" in d.message]
    assert [(d.line, d.message) for d in cut] == [
        (1, f"cell or paragraph cut to {MAX_CELL_CHARS:,} characters (5 more left out; cap for one cell)"),
        (3, f"cell or paragraph cut to {MAX_CELL_CHARS:,} characters (10 more left out; cap for one cell)"),
    ]  # fmt: skip


def test_a_cell_does_not_grow_past_the_cap_through_continuation_lines():
    """40,000 continuation lines of 99 characters: 4 MB in one cell, cut at the cap."""
    lines = "\n".join("续" * 99 for _ in range(40_000))
    warnings: list[tuple[int, str]] = []
    blocks = parse_dump(f"\t开头\n{lines}\n\n正文", warnings)
    cell = blocks[0].cells[0]
    assert len(cell.raw) == MAX_CELL_CHARS and cell.end_line == 40_001
    kept = len("开头")
    dropped = 40_000 * 100 - (MAX_CELL_CHARS - kept)
    assert warnings == [
        (1, f"cell or paragraph cut to {MAX_CELL_CHARS:,} characters ({dropped:,} more left out; cap for one cell)")
    ]  # fmt: skip
    assert blocks[1].raw == "正文"


def test_cells_under_the_cap_are_untouched():
    warnings: list[tuple[int, str]] = []
    text = "\t" + "丙" * MAX_CELL_CHARS + "\n\n"
    assert parse_dump(text, warnings)[0].cells[0].raw == "丙" * MAX_CELL_CHARS
    assert warnings == []


def test_streamed_json_is_the_same_as_one_dump():
    from io import BytesIO
    from pathlib import Path

    from kg.cli.extract import document_json, write_document_json
    from kg.extraction import extract_file
    from kg.nlp import analyze_document
    from kg.output import TextSink

    sample = Path(__file__).resolve().parents[1] / "kg/data/samples/101_yunxi_government_office.txt"
    doc = analyze_document(extract_file(sample))
    stream = BytesIO()
    write_document_json(doc, TextSink(stream))
    assert stream.getvalue().decode("utf-8") == document_json(doc) + "\n"
