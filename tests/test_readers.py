"""Readers: encodings, line endings, NULs, blocks with line spans, .docx, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.errors import KgError
from kg.readers import Paragraph, Row, parse_dump, read_bytes, read_path

FIXTURES = Path(__file__).parent / "fixtures" / "extraction"


def test_gb18030_file_is_decoded(tmp_path):
    result = read_path(FIXTURES / "gb18030.txt")
    assert result.encoding == "gb18030"
    assert "镕铖堃" in result.text
    assert result.rows[0].cells[0].raw == "306云溪县财政局"


def test_utf16_with_bom_is_accepted():
    result = read_bytes("标题\n\t单元格\n".encode("utf-16"), "u16.txt")
    assert result.encoding == "utf-16"
    assert result.rows[0].cells[0].raw == "单元格"


def test_utf8_bom_is_removed():
    result = read_bytes("\ufeff标题\n\t单元格\n".encode(), "bom.txt")
    assert result.encoding == "utf-8-sig"
    assert result.paragraphs[0].raw == "标题"


def test_crlf_and_stray_nul_are_handled():
    data = "标题\r\n\t甲\x00\r\n\t乙\r\n\r\n正文\r\n".encode()
    result = read_bytes(data, "crlf.txt")
    assert [cell.raw for cell in result.rows[0].cells] == ["甲", "乙"]
    assert result.rows[0].line == 2 and result.rows[0].end_line == 3
    assert result.paragraphs[-1].line == 5
    assert result.warnings and result.warnings[0][0] == 2 and "NUL" in result.warnings[0][1]


def test_blank_line_ends_a_row_and_tabless_line_continues_a_cell():
    blocks = parse_dump("\t甲\n\t乙\n续行\n\n\t丙\n\n段落\n")
    assert [type(block) for block in blocks] == [Row, Row, Paragraph]
    first, second, paragraph = blocks
    assert [(c.raw, c.line, c.end_line) for c in first.cells] == [
        ("甲", 1, 1),
        ("乙\n续行", 2, 3),
    ]
    assert (second.cells[0].raw, second.line) == ("丙", 5)
    assert (paragraph.raw, paragraph.line) == ("段落", 7)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty file"),
        (b"  \n\n", "empty file"),
        (b"\x00\x01\x02\x03" * 100, "binary file"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "cannot decode"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"x" * 100, "legacy Word .doc"),
        (b"PK\x03\x04broken zip", "not a readable .docx"),
        ("预算".encode() + b"\xff\xff\x80" + "数据".encode(), "cannot decode"),
    ],
)
def test_bad_input_is_one_clear_error_naming_the_file(data, message):
    with pytest.raises(KgError) as caught:
        read_bytes(data, "bad/input.txt")
    text = str(caught.value)
    assert text.startswith("bad/input.txt: ") and message in text
    assert "\n" not in text


def test_missing_file_names_the_path(tmp_path):
    with pytest.raises(KgError, match=r"missing\.txt"):
        read_path(tmp_path / "missing.txt")


def test_docx_rows_and_paragraphs_in_body_order(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("云溪县2024年部门预算")
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "合并"
    table.cell(0, 2).text = "甲"
    table.cell(1, 0).text = "乙"
    table.cell(1, 0).add_paragraph("第二段")
    top, bottom = table.cell(0, 2), table.cell(1, 2)
    top.merge(bottom)
    document.add_paragraph("结尾")
    path = tmp_path / "t.docx"
    document.save(path)
    result = read_path(path)
    assert result.format == "docx"
    kinds = [(type(b).__name__, b.line) for b in result.blocks]
    assert kinds == [("Paragraph", 1), ("Row", 2), ("Row", 3), ("Paragraph", 4)]
    first, second = result.rows
    assert [c.raw for c in first.cells] == ["合并", "甲"]  # gridSpan: one cell
    assert [c.raw for c in second.cells] == ["乙\n第二段", "", ""]  # vMerge continuation empty
