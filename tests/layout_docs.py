"""Small documents in the national templates (layouts.md §1), written row by row for tests.

A row is a list of cells written in the seed text-dump layout (a TAB before each cell, a blank
line after the row); a string is a paragraph. Expected values in the tests are read off these
rows by hand, never from the extractor.
"""

from __future__ import annotations

from kg.extraction import extract_result
from kg.model import Document
from kg.nlp import analyze_document
from kg.readers import read_bytes


def dump(rows: list[list[str] | str]) -> str:
    lines: list[str] = []
    for row in rows:
        if isinstance(row, str):
            lines.append(row)
            continue
        lines.extend("\t" + cell for cell in row)
        lines.append("")
    return "\n".join(lines) + "\n"


def read(rows: list[list[str] | str], name: str = "doc.txt", *, nlp: bool = True) -> Document:
    document = extract_result(read_bytes(dump(rows).encode("utf-8"), name))
    return analyze_document(document) if nlp else document


PROJECT_TABLE: list[list[str] | str] = [
    "索引号：11130300/2024-00123",
    "发布机构：某县财政局",
    "发布日期：2024-02-01",
    "2024年度项目支出绩效目标表",
    ["项目名称", "农村道路养护", "", ""],
    ["主管部门及代码", "某县交通运输局（123001）", "实施单位", "某县公路养护中心"],
    ["项目资金（万元）", "年度资金总额：", "120.5", ""],
    ["其中：财政拨款", "100", "", ""],
    ["其他资金", "20.5", "", ""],
    ["总体目标", "长期目标", "年度目标"],
    ["", "建成农村公路养护长效机制", "完成养护里程120公里"],
    ["绩效指标", "", "", "", ""],
    ["一级指标", "二级指标", "三级指标", "指标值", "备注"],
    ["产出指标", "数量指标", "养护里程", "≥120公里", ""],
    ["指标2：", ""],
    ["质量指标", "验收合格率", "≥95%", ""],
    ["时效指标", "完成时间", "2024年12月底前", ""],
    ["效益指标", "社会效益指标", "群众出行条件", "明显改善", ""],
    ["满意度指标", "服务对象满意度指标", "沿线群众满意度", "≥90%", ""],
]
"""A 项目支出绩效目标表 as a portal page turned into text: furniture first, merged category
cells missing from continuation rows, an empty template slot (指标2：)."""

SELF_EVALUATION: list[list[str] | str] = [
    "某县教育局2023年度项目支出绩效自评表",
    ["项目名称", "学生资助", "", "", "", "", "", ""],
    ["主管部门", "某县教育局", "实施单位", "某县学生资助管理中心"],
    ["项目资金（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
    ["年度资金总额", "200", "210", "199.5", "10", "95%", "9.5"],
    ["其中：财政拨款", "200", "210", "199.5", "—", "—", "—"],
    ["其他资金", "0", "0", "0", "—", "—", "—"],
    ["年度总体目标", "预期目标", "实际完成情况"],
    ["", "资助困难学生1000人次", "资助困难学生1020人次"],
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
    ["产出指标", "数量指标", "资助人次", "≥1000人次", "1020人次", "30", "30", ""],
    ["质量指标", "资助准确率", "≥99%", "99.5%", "20", "20", ""],
    ["效益指标", "社会效益指标", "受助学生按时入学率", "≥98%", "98.5%", "30", "30", ""],
    ["满意度指标", "服务对象满意度指标", "受助学生满意度", "≥90%", "92%", "10", "10", ""],
    ["总分", "100", "99.5", ""],
]
"""A 项目支出绩效自评表 without defects: weights 30+20+30+10 = 90 plus 10 for execution,
every target met, 199.5 / 210 = 95 %, 9.5 points = 10 × 95 %."""

DEPARTMENT_TABLE: list[list[str] | str] = [
    "某县卫生健康局2024年部门整体支出绩效目标表",
    ["部门（单位）名称", "某县卫生健康局", "", ""],
    ["年度预算申请（万元）", "资金总额", "5000", ""],
    ["", "其中：财政拨款", "4800", ""],
    ["年度主要任务", "任务名称", "主要内容", "预算金额（万元）"],
    ["", "公共卫生服务", "开展基本公共卫生服务项目", "3000"],
    ["", "疾病防控", "重大传染病防控", "2000"],
    ["年度总体目标", "全面完成基本公共卫生服务任务"],
    ["一级指标", "二级指标", "三级指标", "指标值"],
    ["产出指标", "数量指标", "家庭医生签约人数", "≥5万人"],
    ["效益指标", "社会效益指标", "传染病报告率", "100%"],
    ["满意度指标", "服务对象满意度指标", "群众满意度", "≥85%"],
]
"""A 部门整体支出绩效目标表: two annual tasks with money, then the indicator grid."""


def replace_row(rows: list[list[str] | str], old: list[str], new: list[str]) -> list:
    """``rows`` with one row swapped (to plant or remove one defect)."""
    assert old in rows, old
    return [new if row == old else row for row in rows]
