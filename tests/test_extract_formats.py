"""The national templates end to end through every reader: files written here by hand with the
format's own library (not with ``kg synth``), in the styles portals and bureaus publish, and
the indicator rows each must give. Expected rows are the ones written into the file below.
"""

from __future__ import annotations

import io
from decimal import Decimal

import docx
import openpyxl
import pytest
from docx.shared import Pt

from kg.extraction import extract_result
from kg.nlp import analyze_document
from kg.readers import read_bytes


def rows_of(document):
    return [(i.level1, i.level2, i.name, i.value) for _, i in document.iter_project_indicators()]


PORTAL_PAGE = """<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<meta name="ArticleTitle" content="关于公开2024年项目支出绩效目标的说明">
<title>某某县人民政府门户网站</title></head>
<body>
<div class="nav">首页 &gt; 政府信息公开 &gt; 财政预决算</div>
<table class="meta"><tr><td>索引号：</td><td>000014349/2024-00036</td>
<td>发布机构：</td><td>某某县财政局</td></tr>
<tr><td>发布日期：</td><td>2024-01-30</td><td>文号：</td><td></td></tr></table>
<table class="layout" width="100%"><tr><td>
<div class="title">某某县农业农村局2024年项目支出绩效目标表</div>
<table border="1">
<tr><td colspan="2">项目名称</td><td colspan="4">高标准农田建设</td></tr>
<tr><td colspan="2">主管部门</td><td colspan="4">某某县农业农村局</td></tr>
<tr><td rowspan="3">项目资金<br>（万元）</td><td>年度资金总额</td><td colspan="4">1,500.00</td></tr>
<tr><td>其中：财政拨款</td><td colspan="4">1,200.00</td></tr>
<tr><td>其他资金</td><td colspan="4">300.00</td></tr>
<tr><td colspan="2">年度目标</td><td colspan="4">新建高标准农田2万亩，提升耕地质量</td></tr>
<tr><td rowspan="2">序号</td><td colspan="3">绩效指标</td><td rowspan="2">指标值（包含数字及文字描述）</td>
<td rowspan="2">备注</td></tr>
<tr><td>一级指标</td><td>二级指标</td><td>三级指标</td></tr>
<tr><td>1</td><td rowspan="3">产出指标</td><td>数量指标</td><td>新建高标准农田面积</td><td>≥2万亩</td><td></td></tr>
<tr><td>2</td><td rowspan="2">质量指标</td><td>工程验收合格率</td><td>100%</td><td></td></tr>
<tr><td>3</td><td>耕地质量等级提升</td><td>≥0.5个等级</td><td></td></tr>
<tr><td>4</td><td>效益指标</td><td>经济效益指标</td><td>亩均增产粮食</td><td>≥50公斤</td><td></td></tr>
<tr><td>5</td><td>满意度指标</td><td>服务对象满意度指标</td><td>受益农户满意度</td><td>≥90%</td><td></td></tr>
</table></td></tr></table>
<div class="footer">主办单位：某某县人民政府办公室 网站标识码：1234000001</div>
</body></html>"""


def test_portal_page_in_gb2312_with_nested_layout_tables():
    document = analyze_document(
        extract_result(read_bytes(PORTAL_PAGE.encode("gb18030"), "xmgk.xls"))
    )
    assert document.source.format == "html"
    assert document.title == "某某县农业农村局2024年项目支出绩效目标表"
    assert [d.name for d in document.departments] == ["某某县农业农村局"]
    (project,) = document.projects
    assert project.name == "高标准农田建设"
    assert (project.budget, project.fiscal_funds, project.other_funds) == (
        Decimal("1500.00"),
        Decimal("1200.00"),
        Decimal("300.00"),
    )
    assert rows_of(document) == [
        ("产出指标", "数量指标", "新建高标准农田面积", "≥2万亩"),
        ("产出指标", "质量指标", "工程验收合格率", "100%"),
        ("产出指标", "质量指标", "耕地质量等级提升", "≥0.5个等级"),
        ("效益指标", "经济效益指标", "亩均增产粮食", "≥50公斤"),
        ("满意度指标", "服务对象满意度指标", "受益农户满意度", "≥90%"),
    ]
    assert [i.number for _, i in document.iter_project_indicators()] == ["1", "2", "3", "4", "5"]
    assert not [d for d in document.diagnostics if d.severity in ("error", "warning")]


def _self_evaluation_xlsx() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "自评表"
    rows = [
        ["项目支出绩效自评表", None, None, None, None, None, None, None],
        ["（2023年度）", None, None, None, None, None, None, None],
        ["项目名称", None, "乡村公路安全生命防护工程", None, None, None, None, None],
        ["主管部门", None, "某县交通运输局", None, "实施单位", None, "某县公路管理站", None],
        [
            "项目资金（万元）",
            None,
            "年初预算数",
            "全年预算数",
            "全年执行数",
            "分值",
            "执行率",
            "得分",
        ],
        [None, "年度资金总额", 300, 300, 270, 10, "90%", 9],
        [None, "其中：财政拨款", 300, 300, 270, "—", "—", "—"],
        [
            "一级指标",
            "二级指标",
            "三级指标",
            "年度指标值",
            "实际完成值",
            "分值",
            "得分",
            "偏差原因分析及改进措施",
        ],
        ["产出指标", "数量指标", "安装护栏长度", "≥30公里", "31公里", 20, 20, None],
        [None, "质量指标", "工程验收合格率", "100%", "100%", 20, 20, None],
        [None, "时效指标", "完工时间", "2023年10月底前", "2023年11月", 10, 8, "雨季施工延误"],
        ["效益指标", "社会效益指标", "交通事故发生率", "较上年下降", "下降12%", 30, 30, None],
        ["满意度指标", "服务对象满意度指标", "沿线群众满意度", "≥90%", "93%", 10, 10, None],
        ["总分", None, None, None, None, 100, 97, None],
    ]
    for row in rows:
        sheet.append(row)
    for cells in (
        "A1:H1",
        "A2:H2",
        "A3:B3",
        "C3:H3",
        "A4:B4",
        "C4:D4",
        "E4:F4",
        "G4:H4",
        "A5:B5",
        "A6:A7",
        "A9:A11",
        "A14:E14",
    ):
        sheet.merge_cells(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_self_evaluation_spreadsheet_with_merged_ranges():
    document = analyze_document(extract_result(read_bytes(_self_evaluation_xlsx(), "自评表.xlsx")))
    assert document.source.format == "xlsx"
    (table,) = document.projects
    assert table.kind == "self_evaluation"
    assert table.name == "乡村公路安全生命防护工程"
    assert table.implementing_unit == "某县公路管理站"
    assert table.execution["全年执行数"] == "270" and table.execution["得分"] == "9"
    assert table.total_score == "97"
    assert rows_of(document) == [
        ("产出指标", "数量指标", "安装护栏长度", "≥30公里"),
        ("产出指标", "质量指标", "工程验收合格率", "100%"),
        ("产出指标", "时效指标", "完工时间", "2023年10月底前"),
        ("效益指标", "社会效益指标", "交通事故发生率", "较上年下降"),
        ("满意度指标", "服务对象满意度指标", "沿线群众满意度", "≥90%"),
    ]
    late = table.indicators[2]
    assert (late.actual, late.weight, late.score, late.deviation) == (
        "2023年11月",
        "10",
        "8",
        "雨季施工延误",
    )
    assert late.place == "自评表!C11"


def _department_docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("某县市场监督管理局2024年部门整体支出绩效目标表").runs[0].font.size = Pt(
        16
    )
    table = document.add_table(rows=0, cols=4)
    table.style = "Table Grid"
    body = [
        ["部门名称", "某县市场监督管理局", "", ""],
        ["年度主要任务", "任务名称", "主要内容", "预算金额（万元）"],
        ["", "食品安全监管", "开展食品安全抽检和专项整治", "85.5"],
        ["", "特种设备安全", "开展特种设备定期检验", "40"],
        ["年度总体目标", "守住食品安全底线，特种设备事故为零", "", ""],
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标", "食品抽检批次", "≥800批次"],
        ["", "质量指标", "抽检不合格食品核查处置率", "100%"],
        ["效益指标", "社会效益指标", "特种设备事故起数", "0起"],
        ["满意度指标", "服务对象满意度指标", "群众满意度", "≥85%"],
    ]
    for values in body:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            cell.text = value
    rows = table.rows
    rows[0].cells[1].merge(rows[0].cells[3])  # 部门名称 value over three columns
    rows[1].cells[0].merge(rows[3].cells[0])  # 年度主要任务 down three rows
    rows[4].cells[1].merge(rows[4].cells[3])
    rows[6].cells[0].merge(rows[7].cells[0])  # 产出指标 down two rows
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_department_table_in_word_with_real_merges():
    document = extract_result(read_bytes(_department_docx(), "整体目标.docx"))
    (table,) = document.projects
    assert table.kind == "department"
    assert table.name == "某县市场监督管理局"
    assert [(t.name, t.budget) for t in table.tasks] == [
        ("食品安全监管", Decimal("85.5")),
        ("特种设备安全", Decimal("40")),
    ]
    assert table.goal == "守住食品安全底线，特种设备事故为零"
    assert rows_of(document) == [
        ("产出指标", "数量指标", "食品抽检批次", "≥800批次"),
        ("产出指标", "质量指标", "抽检不合格食品核查处置率", "100%"),
        ("效益指标", "社会效益指标", "特种设备事故起数", "0起"),
        ("满意度指标", "服务对象满意度指标", "群众满意度", "≥85%"),
    ]


def _project_pdf() -> bytes:
    reportlab = pytest.importorskip("reportlab")
    del reportlab
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("zh", fontName="STSong-Light", fontSize=12)
    data = [
        ["项目名称", "城区公厕改造", "", ""],
        ["实施单位", "某县城市管理局", "", ""],
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标", "改造公厕数量", "≥12座"],
        ["", "时效指标", "完成时间", "2024年9月底前"],
        ["效益指标", "社会效益指标", "群众如厕环境", "明显改善"],
        ["满意度指标", "服务对象满意度指标", "市民满意度", "≥90%"],
    ]
    table = Table(data)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), "STSong-Light", 10),
                ("GRID", (0, 0), (-1, -1), 0.5, (0, 0, 0)),
                ("SPAN", (1, 0), (3, 0)),
                ("SPAN", (1, 1), (3, 1)),
                ("SPAN", (0, 3), (0, 4)),
            ]
        )
    )
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, invariant=1).build(
        [Paragraph("某县城市管理局2024年项目支出绩效目标表", style), table]
    )
    return out.getvalue()


def test_project_table_in_a_ruled_pdf():
    document = extract_result(read_bytes(_project_pdf(), "目标表.pdf"))
    assert document.source.format == "pdf"
    assert document.title == "某县城市管理局2024年项目支出绩效目标表"
    (project,) = document.projects
    assert project.name == "城区公厕改造"
    assert rows_of(document) == [
        ("产出指标", "数量指标", "改造公厕数量", "≥12座"),
        ("产出指标", "时效指标", "完成时间", "2024年9月底前"),
        ("效益指标", "社会效益指标", "群众如厕环境", "明显改善"),
        ("满意度指标", "服务对象满意度指标", "市民满意度", "≥90%"),
    ]
    assert project.indicators[0].place == "p. 1"
