"""Readers for published formats: xlsx/xls/ods, docx merges, HTML, Markdown, PDF, .doc, sniffing.

Every file is built here at test time with the library that writes that format (openpyxl,
xlwt, python-docx, reportlab, or a hand-written ODS/HTML/Markdown string). The expected grids
are the ones written into those files: each test lists the cells it wrote, with the merged
ranges it asked for, so the expected ``col``/spans/``covered`` follow from the grid rule
(covered from above → an empty covered cell at its column; covered from the left → absent).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import struct
import zipfile

import pytest
from builders import cid_font, make_ole, make_pdf

from kg.errors import KgError
from kg.readers import Row, read_bytes, read_path, sniff
from kg.readers.limits import MAX_CELLS, MAX_MEMBER_BYTES


def grid(row: Row) -> list[tuple]:
    """A row as (text, col, row_span, col_span, covered) per cell."""
    return [(c.raw, c.col, c.row_span, c.col_span, c.covered) for c in row.cells]


def assert_one_line_error(data: bytes, name: str, *words: str) -> str:
    with pytest.raises(KgError) as caught:
        read_bytes(data, name)
    text = str(caught.value)
    assert text.startswith(f"{name}: "), text
    assert "\n" not in text, text
    for word in words:
        assert word in text, text
    return text


# ---------------------------------------------------------------- xlsx


def make_xlsx() -> bytes:
    """Sheet 目标表: a title merged over B1:E1, a blank row, then a grid from column B.

    Row 3 header: 一级指标 | 二级指标 | 三级指标 | 指标值; rows 4-6: 产出指标 merged B4:B6
    (three rows), 数量指标 merged C4:C5, values 0.95 as "0%", 10 as a number, a date, a
    formula whose cached value is 30. Sheet 2 (named "Sheet 2") holds one text cell A1.
    """
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "目标表"
    sheet["B1"] = "项目支出绩效目标表"
    sheet.merge_cells("B1:E1")
    for col, text in zip("BCDE", ["一级指标", "二级指标", "三级指标", "指标值"], strict=True):
        sheet[f"{col}3"] = text
    sheet["B4"] = "产出指标"
    sheet.merge_cells("B4:B6")
    sheet["C4"] = "数量指标"
    sheet.merge_cells("C4:C5")
    sheet["D4"], sheet["E4"] = "覆盖率", 0.95
    sheet["E4"].number_format = "0%"
    sheet["D5"], sheet["E5"] = "培训人次", 10
    sheet["C6"], sheet["D6"], sheet["E6"] = "时效指标", "完成时间", dt.datetime(2024, 12, 31)
    sheet["E6"].number_format = "yyyy-mm-dd"
    sheet["D7"], sheet["E7"] = "合计", "=E5+20"
    second = workbook.create_sheet("Sheet 2")
    second["A1"] = "附注"
    buffer = io.BytesIO()
    workbook.save(buffer)
    # openpyxl writes no cached value for a formula; Excel would: add <v>30</v> as Excel does.
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data, count = re.subn(
                    rb"<f>E5\+20</f><v>\s*</v>|<f>E5\+20</f>", b"<f>E5+20</f><v>30</v>", data
                )
                assert count == 1
            target.writestr(info, data)
    return out.getvalue()


def test_xlsx_merged_ranges_values_as_printed_and_places():
    result = read_bytes(make_xlsx(), "target.xlsx")
    assert result.format == "xlsx"
    kinds = [(type(b).__name__, b.line, b.place) for b in result.blocks]
    assert kinds == [
        ("Paragraph", 1, "目标表"),
        ("Row", 2, "目标表 row 1"),
        ("Row", 3, "目标表 row 3"),
        ("Row", 4, "目标表 row 4"),
        ("Row", 5, "目标表 row 5"),
        ("Row", 6, "目标表 row 6"),
        ("Row", 7, "目标表 row 7"),
        ("Paragraph", 8, "Sheet 2"),
        ("Row", 9, "Sheet 2 row 1"),
    ]
    title, header, r4, r5, r6, r7, other = result.rows
    # Column B is grid column 0: the sheet's leftmost used column.
    assert grid(title) == [("项目支出绩效目标表", 0, 1, 4, False)]
    assert grid(header) == [
        (t, i, 1, 1, False) for i, t in enumerate(["一级指标", "二级指标", "三级指标", "指标值"])
    ]
    assert grid(r4) == [
        ("产出指标", 0, 3, 1, False),
        ("数量指标", 1, 2, 1, False),
        ("覆盖率", 2, 1, 1, False),
        ("95%", 3, 1, 1, False),
    ]
    assert grid(r5) == [
        ("", 0, 1, 1, True),
        ("", 1, 1, 1, True),
        ("培训人次", 2, 1, 1, False),
        ("10", 3, 1, 1, False),
    ]
    assert grid(r6) == [
        ("", 0, 1, 1, True),
        ("时效指标", 1, 1, 1, False),
        ("完成时间", 2, 1, 1, False),
        ("2024-12-31", 3, 1, 1, False),
    ]
    assert grid(r7) == [
        ("", 0, 1, 1, False),
        ("", 1, 1, 1, False),
        ("合计", 2, 1, 1, False),
        ("30", 3, 1, 1, False),
    ]
    assert [c.place for c in r4.cells] == ["目标表!B4", "目标表!C4", "目标表!D4", "目标表!E4"]
    assert [c.place for c in r5.cells][:2] == ["目标表!B5", "目标表!C5"]
    assert other.cells[0].place == "'Sheet 2'!A1" and other.cells[0].raw == "附注"
    # The blank row 2 ends table 1 (the title); the grid is table 2; the next sheet table 3.
    assert [r.table for r in result.rows] == [1, 2, 2, 2, 2, 2, 3]
    assert "\t95%\n" in result.text and "\t培训人次\n" in result.text


def replace_member(data: bytes, name: str, content: bytes | str) -> bytes:
    """``data`` (a zip) with member ``name`` replaced by ``content``."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, content if info.filename == name else source.read(info.filename))
    return out.getvalue()


def test_xlsx_that_openpyxl_rejects_is_read_by_calamine_with_a_warning():
    """A style part other tools write and openpyxl refuses (a non-numeric numFmtId): the values
    still come through calamine, without number formats (0.95 stays 0.95), and the result says so."""
    styles = (
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<cellXfs count="1"><xf numFmtId="abc"/></cellXfs></styleSheet>'
    )
    result = read_bytes(replace_member(make_xlsx(), "xl/styles.xml", styles), "wps.xlsx")
    assert [c.raw for c in result.rows[2].cells] == ["产出指标", "数量指标", "覆盖率", "0.95"]
    assert result.rows[2].cells[0].row_span == 3
    assert len(result.warnings) == 1 and "without number formats" in result.warnings[0][1]


def test_xlsx_with_a_huge_used_range_is_refused_with_the_cap():
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "一级指标"
    workbook.active["XFD1048576"] = "x"
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert_one_line_error(buffer.getvalue(), "huge.xlsx", "cells", f"cap {MAX_CELLS:,}")


# ---------------------------------------------------------------- xls (xlwt) and ods


def test_xls_read_with_merges_and_number_formats():
    xlwt = pytest.importorskip("xlwt", reason="xlwt writes the legacy .xls test file")
    book = xlwt.Workbook()
    sheet = book.add_sheet("自评表")
    percent = xlwt.easyxf(num_format_str="0.0%")
    sheet.write_merge(0, 0, 0, 2, "项目支出绩效自评表")  # A1:C1
    sheet.write(1, 0, "一级指标")
    sheet.write(1, 1, "三级指标")
    sheet.write(1, 2, "分值")
    sheet.write_merge(2, 3, 0, 0, "产出指标")  # A3:A4
    sheet.write(2, 1, "覆盖率")
    sheet.write(2, 2, 20.0)
    sheet.write(3, 1, "执行率")
    sheet.write(3, 2, 0.925, percent)
    buffer = io.BytesIO()
    book.save(buffer)
    result = read_bytes(buffer.getvalue(), "self.xls")
    assert result.format == "xls" and result.warnings == []
    assert [grid(r) for r in result.rows] == [
        [("项目支出绩效自评表", 0, 1, 3, False)],
        [("一级指标", 0, 1, 1, False), ("三级指标", 1, 1, 1, False), ("分值", 2, 1, 1, False)],
        [("产出指标", 0, 2, 1, False), ("覆盖率", 1, 1, 1, False), ("20", 2, 1, 1, False)],
        [("", 0, 1, 1, True), ("执行率", 1, 1, 1, False), ("92.5%", 2, 1, 1, False)],
    ]
    assert result.rows[3].cells[2].place == "自评表!C4"


ODS_CONTENT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">
<office:body><office:spreadsheet>
<table:table table:name="整体目标">
<table:table-row>
 <table:table-cell table:number-columns-spanned="3" office:value-type="string"><text:p>部门整体支出绩效目标表</text:p></table:table-cell>
 <table:covered-table-cell table:number-columns-repeated="2"/>
</table:table-row>
<table:table-row>
 <table:table-cell table:number-rows-spanned="2" office:value-type="string"><text:p>产出指标</text:p></table:table-cell>
 <table:table-cell office:value-type="string"><text:p>完成<text:s text:c="2"/>率</text:p><text:p>第二行</text:p></table:table-cell>
 <table:table-cell office:value-type="percentage" office:value="0.9"><text:p>90%</text:p></table:table-cell>
</table:table-row>
<table:table-row>
 <table:covered-table-cell/>
 <table:table-cell office:value-type="string"><text:p>完成时间</text:p></table:table-cell>
 <table:table-cell office:value-type="date" office:date-value="2024-06-30"><text:p>2024/6/30</text:p></table:table-cell>
</table:table-row>
<table:table-row table:number-rows-repeated="1048570"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>
</table:table>
</office:spreadsheet></office:body></office:document-content>
"""


def make_ods(content: str = ODS_CONTENT) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED
        )
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def test_ods_spans_displayed_values_and_trailing_repeats():
    result = read_bytes(make_ods(), "whole.ods")
    assert result.format == "ods"
    assert [grid(r) for r in result.rows] == [
        [("部门整体支出绩效目标表", 0, 1, 3, False)],
        [
            ("产出指标", 0, 2, 1, False),
            ("完成  率\n第二行", 1, 1, 1, False),
            ("90%", 2, 1, 1, False),
        ],
        [("", 0, 1, 1, True), ("完成时间", 1, 1, 1, False), ("2024-06-30", 2, 1, 1, False)],
    ]
    assert [c.place for c in result.rows[2].cells] == ["整体目标!A3", "整体目标!B3", "整体目标!C3"]


# ---------------------------------------------------------------- docx


def make_docx() -> bytes:
    """A 4×4 table: row 1 一级指标 | 绩效指标 (gridSpan 2) | 指标值; 产出指标 vMerge over rows 2-4."""
    import docx

    document = docx.Document()
    document.add_paragraph("项目支出绩效目标表")
    table = document.add_table(rows=4, cols=4)
    table.cell(0, 0).text = "一级指标"
    table.cell(0, 1).merge(table.cell(0, 2)).text = "绩效指标"
    table.cell(0, 3).text = "指标值"
    table.cell(1, 0).merge(table.cell(3, 0)).text = "产出指标"
    for row, (level2, name, value) in enumerate(
        [
            ("数量指标", "培训人次", "≥100人次"),
            ("质量指标", "合格率", "≥95%"),
            ("时效指标", "完成时间", "2024年底"),
        ],
        start=1,
    ):
        table.cell(row, 1).text = level2
        table.cell(row, 2).text = name
        table.cell(row, 3).text = value
    document.add_paragraph("备注")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_grid_columns_spans_covered_and_places():
    result = read_bytes(make_docx(), "t.docx")
    assert [(type(b).__name__, b.line) for b in result.blocks] == [
        ("Paragraph", 1),
        ("Row", 2),
        ("Row", 3),
        ("Row", 4),
        ("Row", 5),
        ("Paragraph", 6),
    ]
    header, r1, r2, r3 = result.rows
    assert grid(header) == [
        ("一级指标", 0, 1, 1, False),
        ("绩效指标", 1, 1, 2, False),
        ("指标值", 3, 1, 1, False),
    ]
    assert grid(r1) == [
        ("产出指标", 0, 3, 1, False),
        ("数量指标", 1, 1, 1, False),
        ("培训人次", 2, 1, 1, False),
        ("≥100人次", 3, 1, 1, False),
    ]
    assert grid(r2)[0] == ("", 0, 1, 1, True) and grid(r3)[0] == ("", 0, 1, 1, True)
    assert [r.place for r in result.rows] == [f"table 1, row {n}" for n in range(1, 5)]
    assert header.cells[2].place == "table 1, row 1, column 4"


def test_docx_layout_table_around_the_data_table():
    """A portal page saved as Word: a one-column layout table whose first cell holds the page
    furniture and whose second cell holds a title paragraph and the data table."""
    import docx

    document = docx.Document()
    layout = document.add_table(rows=2, cols=1)
    layout.cell(0, 0).text = "索引号：001"
    holder = layout.cell(1, 0)
    holder.text = "项目支出绩效目标表"
    data = holder.add_table(rows=2, cols=2)
    data.cell(0, 0).text, data.cell(0, 1).text = "三级指标", "指标值"
    data.cell(1, 0).text, data.cell(1, 1).text = "培训人次", "≥100人次"
    holder.add_paragraph("")  # Word requires a paragraph after a nested table
    buffer = io.BytesIO()
    document.save(buffer)
    result = read_bytes(buffer.getvalue(), "portal.docx")
    assert [(type(b).__name__, b.line) for b in result.blocks] == [
        ("Paragraph", 1),
        ("Paragraph", 2),
        ("Row", 3),
        ("Row", 4),
    ]
    assert [p.raw for p in result.paragraphs] == ["索引号：001", "项目支出绩效目标表"]
    assert [[c.raw for c in r.cells] for r in result.rows] == [
        ["三级指标", "指标值"],
        ["培训人次", "≥100人次"],
    ]
    assert {r.table for r in result.rows} == {1}


def test_docx_inside_content_controls_is_read():
    """A paragraph wrapped in a w:sdt content control (template forms) is not lost."""
    data = make_docx()
    source = zipfile.ZipFile(io.BytesIO(data))
    xml = source.read("word/document.xml").decode()
    wrapped = xml.replace(
        "<w:body>",
        "<w:body><w:sdt><w:sdtContent><w:p><w:r><w:t>填报单位：云溪县财政局</w:t></w:r></w:p>"
        "</w:sdtContent></w:sdt>",
        1,
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(
                info, wrapped if info.filename == "word/document.xml" else source.read(info)
            )
    result = read_bytes(out.getvalue(), "sdt.docx")
    assert result.paragraphs[0].raw == "填报单位：云溪县财政局"
    assert len(result.rows) == 4


# ---------------------------------------------------------------- HTML

PORTAL = """<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>云溪县2024年项目支出绩效目标表</title>
<script>document.write("<table><tr><td>脚本</td></tr></table>");</script>
<style>td { border: 1px solid }</style></head>
<body>
<!-- 站点导航 -->
<table class="layout"><tr><td>索引号：001<br>发布日期：2024-03-01</td></tr>
<tr><td>
<p>项目支出绩效目标表</p>
<table border="1">
<tr><th rowspan="2">一级指标</th><th colspan="2">绩效指标</th><th>指标值</th></tr>
<tr><td>二级指标</td><td>三级指标</td><td>&ge;95%</td></tr>
<tr><td rowspan="2">产出指标</td><td>数量指标</td><td>培训<br>人次</td><td><p>100</p><p>人次</p></td></tr>
<tr><td colspan="2">质量指标 合格率</td><td>95%</td></tr>
</table>
</td></tr></table>
<p>联系电话：0000</p>
</body></html>
"""


def check_portal(result) -> None:
    paragraphs = [(p.raw, p.line) for p in result.paragraphs]
    # Title, the layout cell (split at <br>), the <p> before the data table, the footer;
    # the script's and the comment's text is not there.
    assert paragraphs == [
        ("云溪县2024年项目支出绩效目标表", 3),
        ("索引号：001", 8),
        ("发布日期：2024-03-01", 8),
        ("项目支出绩效目标表", 10),
        ("联系电话：0000", 18),
    ]
    assert [grid(r) for r in result.rows] == [
        [("一级指标", 0, 2, 1, False), ("绩效指标", 1, 1, 2, False), ("指标值", 3, 1, 1, False)],
        [
            ("", 0, 1, 1, True),
            ("二级指标", 1, 1, 1, False),
            ("三级指标", 2, 1, 1, False),
            ("≥95%", 3, 1, 1, False),
        ],
        [
            ("产出指标", 0, 2, 1, False),
            ("数量指标", 1, 1, 1, False),
            ("培训\n人次", 2, 1, 1, False),
            ("100\n人次", 3, 1, 1, False),
        ],
        [("", 0, 1, 1, True), ("质量指标 合格率", 1, 1, 2, False), ("95%", 3, 1, 1, False)],
    ]
    assert [r.line for r in result.rows] == [12, 13, 14, 15]
    assert {r.table for r in result.rows} == {1}  # the layout table emits no rows
    assert result.rows[3].place == "table 1, row 4"
    assert result.rows[3].cells[1].place == "table 1, row 4, column 2"


def test_html_portal_page_with_layout_table_and_merges():
    result = read_bytes(PORTAL.replace("gb2312", "utf-8").encode(), "page.html")
    assert (result.format, result.encoding) == ("html", "utf-8")
    check_portal(result)


def test_gbk_html_named_xls_is_read_as_html():
    data = PORTAL.encode("gbk")
    assert sniff(data, "export.xls") == "html"
    result = read_bytes(data, "export.xls")
    assert (result.format, result.encoding) == ("html", "gb18030")
    check_portal(result)


def test_html_caption_and_wrong_charset_declaration():
    """A page declared GB2312 whose bytes are UTF-8 (common after a site migration) still reads;
    a data table's caption is a paragraph before its rows."""
    page = '<meta charset="gb2312"><table><caption>表1 绩效目标</caption><tr><td>指标值</td></tr></table>'
    result = read_bytes(page.encode("utf-8"), "moved.html")
    assert result.encoding.startswith("utf-8")  # the text reader's fallback decoding
    assert [p.raw for p in result.paragraphs] == ["表1 绩效目标"]
    assert [c.raw for c in result.rows[0].cells] == ["指标值"]


def test_broken_html_tables_lose_no_text():
    """Cells written straight into <table> (no <tr>) form a row; text standing in a table
    outside any cell becomes a paragraph before its rows; rows inside a <form> are rows."""
    page = (
        "<table>\n<td>一级指标</td><td>指标值</td>\n</table>\n"
        "<table>单位：万元\n<tr><td>合计</td></tr></table>\n"
        "<table><form><tr><td>表单行</td></tr></form></table>"
    )
    result = read_bytes(page.encode(), "broken.html")
    assert [(type(b).__name__, b.line) for b in result.blocks] == [
        ("Row", 2),
        ("Paragraph", 4),
        ("Row", 5),
        ("Row", 6),
    ]
    assert [[c.raw for c in r.cells] for r in result.rows] == [
        ["一级指标", "指标值"],
        ["合计"],
        ["表单行"],
    ]
    assert result.paragraphs[0].raw == "单位：万元"
    assert [r.table for r in result.rows] == [1, 2, 3]


def test_html_without_a_table_is_paragraphs_only():
    result = read_bytes("<html><body><h1>通知</h1><p>正文</p></body></html>".encode(), "n.htm")
    assert result.rows == [] and [p.raw for p in result.paragraphs] == ["通知", "正文"]


def test_html_entity_bomb_does_not_expand():
    bomb = (
        '<!DOCTYPE html [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
        "<html><body><table><tr><td>&d;</td></tr></table></body></html>"
    )
    result = read_bytes(bomb.encode(), "bomb.html")
    assert len(result.text) < 1000


# ---------------------------------------------------------------- Markdown


def test_markdown_pipe_tables_with_real_lines_and_escaped_pipes():
    text = "# 绩效目标\n\n| 一级指标 | 指标值 |\n|:---|---:|\n| 产出 | a \\| b |\n| 效益 | 提高<br>明显 |\n\n说明\n"
    result = read_bytes(text.encode(), "t.md")
    assert result.format == "md"
    assert [(type(b).__name__, b.line) for b in result.blocks] == [
        ("Paragraph", 1),
        ("Row", 3),
        ("Row", 5),
        ("Row", 6),
        ("Paragraph", 8),
    ]
    assert [[c.raw for c in r.cells] for r in result.rows] == [
        ["一级指标", "指标值"],
        ["产出", "a | b"],
        ["效益", "提高\n明显"],
    ]
    assert [c.col for c in result.rows[1].cells] == [0, 1]
    assert [p.raw for p in result.paragraphs] == ["绩效目标", "说明"]  # heading mark dropped
    # Content decides: the same text named .txt is still Markdown.
    assert read_bytes(text.encode(), "t.txt").format == "md"


# ---------------------------------------------------------------- PDF


def test_pdf_ruled_table_spans_text_around_and_pages():
    result = read_bytes(make_pdf(), "target.pdf")
    assert result.format == "pdf"
    kinds = [(type(b).__name__, b.line, b.place) for b in result.blocks]
    assert kinds == [
        ("Paragraph", 1, "p. 1"),
        ("Row", 2, "p. 1"),
        ("Row", 3, "p. 1"),
        ("Row", 4, "p. 1"),
        ("Row", 5, "p. 1"),
        ("Paragraph", 6, "p. 1"),
        ("Row", 7, "p. 2"),
        ("Row", 8, "p. 2"),
    ]
    assert [p.raw for p in result.paragraphs] == ["项目支出绩效目标表", "填报说明"]
    assert [grid(r) for r in result.rows[:4]] == [
        [("项目名称", 0, 1, 1, False), ("乡村道路养护", 1, 1, 3, False)],
        [(t, i, 1, 1, False) for i, t in enumerate(["一级指标", "二级指标", "三级指标", "指标值"])],
        [
            ("产出指标", 0, 2, 1, False),
            ("数量指标", 1, 1, 1, False),
            ("养护里程", 2, 1, 1, False),
            ("≥120公里", 3, 1, 1, False),
        ],
        [
            ("", 0, 1, 1, True),
            ("质量指标", 1, 1, 1, False),
            ("合格率", 2, 1, 1, False),
            ("≥95%", 3, 1, 1, False),
        ],
    ]
    assert [grid(r) for r in result.rows[4:]] == [
        [("效益指标", 0, 1, 1, False), ("满意度", 1, 1, 1, False)],
        [("社会效益", 0, 1, 1, False), ("≥90%", 1, 1, 1, False)],
    ]
    assert [r.table for r in result.rows] == [1, 1, 1, 1, 2, 2]


def test_pdf_cell_text_wrapped_by_a_narrow_column_is_joined():
    """产出指标 in a 40 pt column wraps one or two glyphs a line; the cell reads as written."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph as Para
    from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

    font = cid_font()
    style = ParagraphStyle("zh", fontName=font, fontSize=10, leading=12)
    table = Table(
        [[Para("产出指标", style), Para("按期完成。<br/>1、人员到位", style)]], colWidths=[30, 140]
    )
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "black")]))
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer).build([table])
    result = read_bytes(buffer.getvalue(), "narrow.pdf")
    assert [c.raw for c in result.rows[0].cells] == ["产出指标", "按期完成。\n1、人员到位"]


def test_scanned_pdf_without_text_layer_says_ocr():
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.rect(100, 100, 300, 200, fill=1)  # a picture of a page: shapes, no text
    page.showPage()
    page.save()
    assert_one_line_error(buffer.getvalue(), "scan.pdf", "scanned PDF: no text layer", "ocrmypdf")


def scan_pdf(pages: int, text_page: int | None = None) -> bytes:
    """``pages`` pages, each a full-page picture with only "第N页" as text (a scanner's stamp);
    page ``text_page`` also carries a real text line."""
    from PIL import Image
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    font = cid_font()
    picture = ImageReader(Image.new("L", (60, 80), 200))
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    for number in range(1, pages + 1):
        page.drawImage(picture, 0, 0, width=A4[0], height=A4[1])
        page.setFont(font, 9)
        page.drawString(280, 20, f"第{number}页")
        if number == text_page:
            page.drawString(72, 700, "项目支出绩效目标表（本页为文字）" * 2)
        page.showPage()
    page.save()
    return buffer.getvalue()


def test_scanned_pdf_with_a_stamped_page_number_is_still_a_scan():
    assert_one_line_error(scan_pdf(2), "stamped.pdf", "scanned PDF: no text layer")


def test_pdf_with_one_scanned_page_warns_for_that_page():
    result = read_bytes(scan_pdf(2, text_page=2), "mixed.pdf")
    assert [p.raw for p in result.paragraphs][:1] == ["第1页"]
    assert any(p.raw.startswith("项目支出绩效目标表") for p in result.paragraphs)
    assert [message for _line, message in result.warnings] == [
        "page 1 has no text layer (scanned?)"
    ]


def test_password_protected_pdf_is_a_clear_error():
    assert_one_line_error(make_pdf(encrypt="secret"), "locked.pdf", "password-protected PDF")


# ---------------------------------------------------------------- .doc and sniffing


def test_doc_without_libreoffice_is_one_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    data = make_ole(["WordDocument", "1Table"])
    assert sniff(data, "old.doc") == "doc"
    text = assert_one_line_error(data, "old.doc", "legacy Word .doc: install LibreOffice")
    assert "apt-get install libreoffice-writer" in text and "save it as .docx" in text


@pytest.mark.slow  # two LibreOffice starts, each with a fresh profile: several seconds
@pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed"
)
def test_doc_is_converted_by_libreoffice(tmp_path):
    """make_docx() saved as .doc by LibreOffice, then read back: the same grid as the .docx."""
    import subprocess

    (tmp_path / "t.docx").write_bytes(make_docx())
    subprocess.run(
        ["soffice", f"-env:UserInstallation={(tmp_path / 'p').as_uri()}", "--headless",
         "--convert-to", "doc", "--outdir", str(tmp_path), str(tmp_path / "t.docx")],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    result = read_path(tmp_path / "t.doc")
    assert result.format == "doc"
    expected = [grid(r) for r in read_bytes(make_docx(), "t.docx").rows]
    assert [grid(r) for r in result.rows] == expected


@pytest.mark.parametrize(
    ("data", "name", "fmt"),
    [
        (make_docx(), "x.bin", "docx"),
        (make_xlsx(), "report.xls", "xlsx"),
        (make_ods(), "x.zip", "ods"),
        (make_ole(["Workbook"]), "x.doc", "xls"),
        (make_ole(["WordDocument"]), "x.xls", "doc"),
        (b"\n%PDF-1.4\n", "x.txt", "pdf"),
        (b"{\\rtf1\\ansi hello}", "x.doc", "rtf"),
        ("\ufeff\n  <html><body>表</body></html>".encode(), "x.txt", "html"),
        (b"<!-- saved from url -->\n<html>", "x", "html"),
        ("<P ALIGN=center>绩效目标表</P><TABLE>".encode("gbk"), "x.xls", "html"),
        ("<2024年预算>\n\t单元格\n".encode(), "x.txt", "text"),
        ("<table><tr><td>一级指标</td></tr></table>".encode("utf-16"), "x.xls", "html"),
        (b"# notes\n", "x.md", "md"),
        ("标题\n\t单元格\n---\n".encode(), "seed.txt", "text"),
    ],
)
def test_format_is_sniffed_from_content(data, name, fmt):
    assert sniff(data, name) == fmt


# ---------------------------------------------------------------- hostile input


def zip_with(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def pdf_bomb() -> bytes:
    """A real PDF with a second object whose Flate stream inflates past the member cap (after an
    ordinary first stream, so the check must look at every stream, not just the first)."""
    import zlib

    bomb = zlib.compress(bytes(MAX_MEMBER_BYTES + 1024), 9)
    ordinary = zlib.compress(b"BT ET")
    return (
        b"%PDF-1.4\n1 0 obj<</Length " + str(len(ordinary)).encode() + b"/Filter/FlateDecode>>stream\n"
        + ordinary + b"\nendstream\nendobj\n2 0 obj<</Length " + str(len(bomb)).encode()
        + b"/Filter/FlateDecode>>stream\n" + bomb + b"\nendstream\nendobj\ntrailer<</Root 1 0 R>>\n%%EOF"
    )  # fmt: skip


def locked_ods() -> bytes:
    """An .ods as LibreOffice writes it with a password: the manifest lists encryption data for
    content.xml, whose bytes are ciphertext."""
    manifest = (
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">'
        '<manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="x"/>'
        "</manifest:file-entry></manifest:manifest>"
    )
    return zip_with(
        {
            "mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
            "META-INF/manifest.xml": manifest.encode(),
            "content.xml": bytes(range(256)) * 4,
        }
    )


BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    b"<w:body><w:p><w:r><w:t>&lol3;</w:t></w:r></w:p></w:body></w:document>"
)


@pytest.mark.parametrize(
    ("name", "build", "words"),
    [
        ("cut.docx", lambda: make_docx()[:3000], ["not a readable .docx"]),
        ("cut.xlsx", lambda: make_xlsx()[:2000], ["not a readable .xlsx"]),
        ("cut.pdf", lambda: make_pdf()[:1500], ["PDF"]),
        ("junk.pdf", lambda: b"%PDF-1.4\n" + bytes(range(256)) * 4, ["PDF"]),
        (
            "bad.docx",
            lambda: zip_with({"word/document.xml": b"<w:document><w:body>"}),
            ["not a readable .docx"],
        ),
        (
            "laughs.docx",
            lambda: zip_with({"word/document.xml": BILLION_LAUGHS}),
            ["DTD or entities"],
        ),
        ("laughs.xlsx", lambda: zip_with({"xl/workbook.xml": BILLION_LAUGHS}), ["DTD or entities"]),
        (
            "bomb.xlsx",
            lambda: zip_with(
                {
                    "xl/workbook.xml": b"<a/>",
                    "xl/worksheets/sheet1.xml": bytes(MAX_MEMBER_BYTES + 1),
                }
            ),
            ["zip bomb", f"cap {MAX_MEMBER_BYTES:,}"],
        ),
        ("other.zip", lambda: zip_with({"readme.txt": b"hi"}), ["not a Word .docx"]),
        (
            "locked.docx",
            lambda: make_ole(["EncryptionInfo", "EncryptedPackage"]),
            ["password-protected Office file"],
        ),
        ("damaged.doc", lambda: make_ole(["WordDocument"])[:700], ["damaged"]),
        ("bad.ods", lambda: make_ods("<office:document-content"), ["not a readable .ods"]),
        (
            "locked.ods",
            locked_ods,
            ["password-protected .ods"],
        ),
        ("bad.xls", lambda: make_ole(["Workbook"]), ["not a readable .xls"]),
        ("bomb.pdf", lambda: pdf_bomb(), ["compression bomb", f"{MAX_MEMBER_BYTES:,}"]),
        (
            "wide.html",
            lambda: b"<table>" + b"<tr><td colspan=1000>x</td></tr>" * 2500 + b"</table>",
            ["table 1 has", f"cap {MAX_CELLS:,}"],
        ),
        (
            "repeat.ods",
            lambda: make_ods(
                ODS_CONTENT.replace(
                    '<table:table-row table:number-rows-repeated="1048570">'
                    '<table:table-cell table:number-columns-repeated="1024"/>',
                    '<table:table-row table:number-rows-repeated="100000">'
                    '<table:table-cell table:number-columns-repeated="100"><text:p>x</text:p>'
                    "</table:table-cell>",
                )
            ),
            ["sheet 整体目标 has", f"cap {MAX_CELLS:,}"],
        ),
    ],
)
def test_hostile_or_broken_files_are_one_clear_error(name, build, words):
    assert_one_line_error(build(), name, *words)


def test_one_document_in_four_formats_reads_to_one_grid(tmp_path):
    """The benchmark's writers put the same three merged tables into xlsx, docx, HTML and PDF
    (openpyxl merged ranges, Word gridSpan/vMerge, rowspan/colspan, ruled PDF spans): every
    reader must give the same grid, cell for cell."""
    import importlib.util
    from pathlib import Path

    script = Path(__file__).resolve().parents[1] / "scripts" / "bench_readers.py"
    spec = importlib.util.spec_from_file_location("bench_readers", script)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    bench.write_xlsx(tmp_path / "t.xlsx", 8)
    bench.write_docx(tmp_path / "t.docx", 8)
    (tmp_path / "t.html").write_text(bench.html_text(8), encoding="utf-8")
    bench.write_pdf(tmp_path / "t.pdf", 8)
    grids = {
        name: [grid(row) for row in read_path(tmp_path / name).rows]
        for name in ("t.xlsx", "t.docx", "t.html", "t.pdf")
    }
    expected = grids.pop("t.xlsx")
    assert len(expected) == 3 * (2 + 8)  # header block + header + 8 indicator rows per table
    output_rows = sum(row[0] == "产出指标" for row in bench.indicator_rows(8))
    assert expected[2][0] == ("产出指标", 0, output_rows, 1, False)
    for name, rows in grids.items():
        assert rows == expected, name


# ---------------------------------------------------------------- other published shapes

SPREADSHEET_2003 = """<?xml version="1.0" encoding="UTF-8"?>
<?mso-application progid="Excel.Sheet"?>
<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"
 xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">
 <Styles><Style ss:ID="pct"><NumberFormat ss:Format="Percent"/></Style>
  <Style ss:ID="int"><NumberFormat ss:Format="0"/></Style></Styles>
 <Worksheet ss:Name="绩效目标">
  <Table>
   <Row><Cell ss:MergeAcross="2"><Data ss:Type="String">项目支出绩效目标表</Data></Cell></Row>
   <Row ss:Index="3"><Cell ss:MergeDown="1"><Data ss:Type="String">产出指标</Data></Cell>
    <Cell><Data ss:Type="String">覆盖率</Data></Cell>
    <Cell ss:StyleID="pct"><Data ss:Type="Number">0.955</Data></Cell></Row>
   <Row><Cell ss:Index="2"><Data ss:Type="String">完成时间</Data></Cell>
    <Cell><Data ss:Type="DateTime">2024-12-31T00:00:00.000</Data></Cell></Row>
  </Table>
 </Worksheet>
</Workbook>
"""


def test_excel_2003_xml_served_as_xls():
    """Rows and cells as written above: the title merged across A1:C1, row 2 left empty (a
    table break), 产出指标 merged down A3:A4, a Percent-styled 0.955 (Excel prints 95.50%)."""
    data = SPREADSHEET_2003.encode()
    assert sniff(data, "export.xls") == "spreadsheetml"
    result = read_bytes(data, "export.xls")
    assert [grid(r) for r in result.rows] == [
        [("项目支出绩效目标表", 0, 1, 3, False)],
        [("产出指标", 0, 2, 1, False), ("覆盖率", 1, 1, 1, False), ("95.50%", 2, 1, 1, False)],
        [("", 0, 1, 1, True), ("完成时间", 1, 1, 1, False), ("2024-12-31", 2, 1, 1, False)],
    ]
    assert [r.place for r in result.rows] == ["绩效目标 row 1", "绩效目标 row 3", "绩效目标 row 4"]
    assert [r.table for r in result.rows] == [1, 2, 2]


def test_mhtml_single_file_web_page_named_doc():
    html = PORTAL.replace("gb2312", "utf-8").encode()
    import quopri

    body = quopri.encodestring(html).decode("ascii")
    data = (
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/related; boundary="----=_NextPart_01"\r\n\r\n'
        "------=_NextPart_01\r\n"
        'Content-Type: text/html; charset="utf-8"\r\n'
        "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
        f"{body}\r\n"
        "------=_NextPart_01--\r\n"
    ).encode("ascii")
    assert sniff(data, "target.doc") == "mhtml"
    result = read_bytes(data, "target.doc")
    assert result.format == "mhtml"
    check_portal(result)  # the same page as the .html test: lines count in the HTML part


def test_markdown_code_fences_are_text_not_tables():
    text = "```\n| a | b |\n|---|---|\n```\n| 一级 | 指标值 |\n|---|---|\n| 产出 | 1 |\n"
    result = read_bytes(text.encode(), "f.md")
    assert [r.line for r in result.rows] == [5, 7]
    assert [p.raw for p in result.paragraphs] == ["```", "| a | b |", "|---|---|", "```"]


def ole_with_difat_loop() -> bytes:
    """An OLE2 file whose DIFAT chain points back to itself, claiming 2^32-1 DIFAT sectors."""
    data = bytearray(make_ole(["Workbook"]))
    struct.pack_into("<II", data, 0x44, 2, 0xFFFFFFFF)
    return bytes(data) + struct.pack("<128I", *([0xFFFFFFFF] * 127), 2)


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("page.ofd", zip_with({"OFD.xml": b"<ofd:OFD/>"}), ["OFD document", "export it as PDF"]),
        ("scan.jpg", b"\xff\xd8\xff\xe0" + bytes(200), ["JPEG image", "OCR"]),
        ("deep.html", b"<html><body>" + b"<div>" * 50000 + "表".encode(), ["Excessive depth"]),
        (
            "odd.ods",
            make_ods(ODS_CONTENT.replace('number-rows-spanned="2"', 'number-rows-spanned="x"')),
            [],
        ),
        (
            "nan.xls",
            SPREADSHEET_2003.replace(">0.955<", ">NaN<")
            .replace('ss:Index="3"', 'ss:Index="?"')
            .encode(),
            [],
        ),
        (
            "loop.xls",
            ole_with_difat_loop(),
            ["damaged", "DIFAT"],
        ),
    ],
)
def test_odd_inputs_read_or_fail_in_one_line(name, data, words):
    """Either a result or one KgError line; never a traceback (garbage spans fall back to 1)."""
    try:
        result = read_bytes(data, name)
    except KgError as error:
        text = str(error)
        assert text.startswith(f"{name}: ") and "\n" not in text
        assert words and all(word in text for word in words), text
    else:
        assert not words, f"{name} should have failed"
        assert result.blocks


def test_file_over_the_size_cap_is_refused_before_reading(tmp_path, monkeypatch):
    import kg.readers as readers

    monkeypatch.setattr(readers, "MAX_FILE_BYTES", 10)
    path = tmp_path / "big.xlsx"
    path.write_bytes(bytes(11))
    with pytest.raises(KgError, match=r"big\.xlsx: file is 11 bytes \(cap 10\)"):
        read_path(path)


def test_pdf_fake_bold_glyphs_drawn_twice_read_once():
    """Header text drawn twice 0.3 pt apart (how some producers make bold) reads once."""
    from reportlab.pdfgen import canvas

    font = cid_font()
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.setFont(font, 10)
    for x in (100, 200, 300):
        page.line(x, 500, x, 560)
    for y in (500, 530, 560):
        page.line(100, y, 300, y)
    for dx in (0, 0.3):
        page.drawString(110 + dx, 540, "一级指标")
        page.drawString(210 + dx, 540, "指标值")
        page.drawString(110 + dx, 600, "标题")
    page.drawString(110, 510, "产出指标")
    page.drawString(210, 510, "≥95%")
    page.showPage()
    page.save()
    result = read_bytes(buffer.getvalue(), "bold.pdf")
    assert [p.raw for p in result.paragraphs] == ["标题"]
    assert [[c.raw for c in r.cells] for r in result.rows] == [
        ["一级指标", "指标值"],
        ["产出指标", "≥95%"],
    ]


def test_docx_legacy_hmerge_is_one_cell_spanning_the_run():
    """WPS/older Word write horizontal merges as hMerge restart/continue cells: the row below
    (three written cells, the last two merged) must read as one cell spanning columns 2-3."""
    source = zipfile.ZipFile(io.BytesIO(make_docx()))
    xml = source.read("word/document.xml").decode()
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    assert w in xml
    row = (
        "<w:tr><w:tc><w:p><w:r><w:t>满意度指标</w:t></w:r></w:p></w:tc>"
        '<w:tc><w:tcPr><w:hMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>群众满意度</w:t></w:r></w:p></w:tc>'
        "<w:tc><w:tcPr><w:hMerge/></w:tcPr><w:p/></w:tc></w:tr>"
    )
    xml = xml.replace("</w:tbl>", row + "</w:tbl>", 1)
    result = read_bytes(replace_member(make_docx(), "word/document.xml", xml), "wps.docx")
    assert grid(result.rows[-1]) == [("满意度指标", 0, 1, 1, False), ("群众满意度", 1, 1, 2, False)]


@pytest.mark.parametrize(
    "name",
    ["csv_reader", "grid", "limits", "md_reader", "ole", "pdf_reader", "sheet_reader", "sniff"],
)
def test_reader_doctests(name):
    """The examples in the readers' docstrings (number formats, wrapped PDF lines, sniffing)."""
    import doctest
    import importlib

    module = importlib.import_module(f"kg.readers.{name}")
    outcome = doctest.testmod(module)
    assert outcome.attempted > 0 and outcome.failed == 0


def test_macro_enabled_word_file_is_read_like_docx():
    """A .docm declares another main content type (python-docx refuses it); the text is the same."""
    data = make_docx()
    types = zipfile.ZipFile(io.BytesIO(data)).read("[Content_Types].xml").decode()
    main = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    assert main in types
    docm = replace_member(
        data,
        "[Content_Types].xml",
        types.replace(main, "application/vnd.ms-word.document.macroEnabled.main+xml"),
    )
    result = read_bytes(docm, "macro.docm")
    assert [grid(r) for r in result.rows] == [grid(r) for r in read_bytes(data, "t.docx").rows]


def test_damaged_files_fail_in_one_known_line_and_print_nothing(capfd):
    """Seeded random damage (truncation, overwritten bytes) to a file of every format: each read
    either succeeds or raises a KgError naming the file that the reader itself worded (not the
    catch-all "could not read this …"), and no parser library prints to stdout or stderr."""
    import random

    xlwt = pytest.importorskip("xlwt", reason="xlwt writes the legacy .xls test file")
    book = xlwt.Workbook()
    book.add_sheet("s").write_merge(0, 1, 0, 1, "合并")
    legacy = io.BytesIO()
    book.save(legacy)
    samples = {
        "f.xlsx": make_xlsx(),
        "f.docx": make_docx(),
        "f.ods": make_ods(),
        "f.pdf": make_pdf(),
        "f.html": PORTAL.encode("gbk"),
        "f.xls": legacy.getvalue(),
        "g.xls": SPREADSHEET_2003.encode(),
    }
    rng = random.Random(20241203)
    for name, data in samples.items():
        for _ in range(40 if name == "f.xls" else 12):  # xlrd complains most
            damaged = bytearray(data)
            if rng.random() < 0.3:
                damaged = damaged[: rng.randrange(len(damaged))]
            else:
                for _ in range(rng.randint(1, 20)):
                    damaged[rng.randrange(len(damaged))] = rng.randrange(256)
            try:
                read_bytes(bytes(damaged), name)
            except KgError as error:
                text = str(error)
                assert text.startswith(f"{name}: ") and "\n" not in text, text
                assert "could not read this" not in text, text
    captured = capfd.readouterr()
    assert captured.out == "" and captured.err == ""


def test_csv_export_named_xls_and_excel_unicode_text():
    """A portal's "export to Excel" CSV in GBK, named .xls: a quoted cell holding a comma and a
    line break, an empty record between two tables. Excel's "Unicode text" is UTF-16 with tabs."""
    text = '一级指标,三级指标,指标值\n产出指标,"培训人次,场次","≥100\n人次"\n\n合计,,\n'
    data = text.encode("gbk")
    assert sniff(data, "export.xls") == "csv"
    result = read_bytes(data, "export.xls")
    assert result.format == "csv" and result.encoding == "gb18030"
    assert [[c.raw for c in r.cells] for r in result.rows] == [
        ["一级指标", "三级指标", "指标值"],
        ["产出指标", "培训人次,场次", "≥100\n人次"],
        ["合计", "", ""],
    ]
    assert [(r.line, r.end_line, r.table, r.place) for r in result.rows] == [
        (1, 1, 1, "row 1"),
        (2, 3, 1, "row 2"),
        (5, 5, 2, "row 4"),
    ]
    assert [c.place for c in result.rows[1].cells] == ["A2", "B2", "C2"]
    unicode_text = read_bytes("一级指标\t指标值\r\n产出指标\t≥95%\r\n".encode("utf-16"), "导出.txt")
    assert unicode_text.format == "text"  # a .txt stays a text dump whatever it holds
    tsv = read_bytes("一级指标\t指标值\r\n产出指标\t≥95%\r\n".encode("utf-16"), "导出.xls")
    assert [[c.raw for c in r.cells] for r in tsv.rows] == [
        ["一级指标", "指标值"],
        ["产出指标", "≥95%"],
    ]
