"""The four real seeds against the reference counts and hand-checked records of domain.md §7."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kg.extraction import extract_file

REFERENCE = {
    # doc: activities, sub-activities, indicators, non-empty grade cells, projects, project inds
    "000": (37, 156, 370, 1393, 0, 0),
    "002": (39, 78, 234, 936, 0, 0),
    "003": (0, 0, 0, 0, 11, 42),
    "004": (22, 31, 120, 479, 0, 0),
}


@pytest.fixture(scope="module")
def docs(seed_path):
    return {prefix: extract_file(seed_path(prefix)) for prefix in REFERENCE}


def counts(doc):
    indicators = [indicator for _, indicator in doc.iter_indicators()]
    return (
        sum(1 for activity in doc.activities if activity.name is not None),
        sum(len(activity.sub_activities) for activity in doc.activities),
        len(indicators),
        sum(1 for indicator in indicators for cell in indicator.grades.values() if cell),
        len(doc.projects),
        sum(1 for _ in doc.iter_project_indicators()),
    )


@pytest.mark.parametrize("prefix", sorted(REFERENCE))
def test_reference_counts(docs, prefix):
    assert counts(docs[prefix]) == REFERENCE[prefix]


def indicator_at(doc, line):
    matches = [(node, ind) for node, ind in doc.iter_indicators() if ind.line == line]
    assert len(matches) == 1, f"expected one indicator at line {line}, got {len(matches)}"
    return matches[0]


def node_at(doc, line):
    matches = [node for node in doc.iter_activities() if node.line == line and not node.synthetic]
    assert len(matches) == 1, f"expected one activity at line {line}"
    return matches[0]


def grades(indicator):
    return tuple(indicator.grades[grade] for grade in "优良中差")


# (doc, line of the 绩效指标 cell, name, 优, 良, 中, 差) — checked by hand against the files.
INDICATORS = [
    (
        "000",
        152,
        "公文流转；规划编制；学习培训；文稿起草；规章制度；后勤保障；群团活动",
        "",
        "",
        "",
        "",
    ),
    (
        "000",
        162,
        "公文流转；规划编制；学习培训；文稿起草；规章制度；后勤保障；群团活动",
        "≥80%",
        "≤60%",
        "＞60%",
        "≤50%",
    ),
    ("000", 234, "公文流转速度", "≥90%", "≥85%", "≥70%", "＜70%"),
    ("000", 1720, "建设项目完成率", "≧80%", "≧70%", "≧60%", "<60%"),
    ("000", 1730, "综合事务工作任务完成情况", "100%", "≥95%", "≥90%", "＜90%"),
    ("000", 2514, "项目前期手续跑办完成率\n\n内业资料管理完成率", "≥95%", "≥90%", "≥85%", "＜85%"),
    ("000", 4168, "产出指标", "已编制的绿地系统规划与编制工作计划的比率", "100%", "≥90%", "≥80%"),
    ("000", 4178, "产出指标", "实际完成的植树活动与年度植树活动计划的比率", "100%", "≥90%", "≥80%"),
    ("000", 4198, "效果指标", "古树名木实际挂牌与应挂牌的比率", "100%", "≥90%", "≥80%"),
    ("000", 4208, "", "根据市主管部门上报数据统计", "≥30株", "≥20株", "≥10株"),
    ("000", 4340, "机械化清扫率", "≥90%", "80%-89%", "70%-79%", "<69%"),
    ("000", 4350, "", "≥90%", "80%-89%", "70%-79%", "<69%"),
    ("000", 4440, "房地产市场统计分析工作完成及时率", "100%", "≥95%", "≥90%", "＜90%"),
    ("000", 4462, "各类登记业务限时办结率", "100%", "≥95%", "≥90%", "＜90%"),
    ("000", 4472, "房屋征收工作完成率", "≥90%", "≥80%", "≥70%", "＜70%"),
    (
        "002",
        660,
        "开展保密宣传教育活动",
        "有2种以上宣传形式",
        "有2种宣传形式",
        "有1种宣传形式",
        "未开展任何保密宣传",
    ),
    (
        "002",
        670,
        "制订保密工作计划",
        "认真制订并实施工作计划",
        "能够制订，但落实不够好",
        "制订实施计划不够好",
        "未制订计划",
    ),
    (
        "002",
        169,
        "以文辅政，有力地指导和推动全区工作的深入开展。",
        "作用充分发挥。",
        "作用较好发挥。",
        "作用发挥一般。",
        "未发挥作用。",
    ),
    (
        "002",
        2772,
        "促进企业交流，提高经济效益。",
        "极大促进。",
        "较大促进。",
        "有促进作用，但还有差距。",
        "没有促进。",
    ),
    ("002", 2782, "宣传秦皇岛经济开发区宣传企业产品。", "3", "2", "1", "0"),
    ("004", 1589, "补偿款到位率", "100%", "≥95%", "≥90%", "<90%"),
    ("004", 1599, "补偿款发放率", "100%", "≥95%", "≥90%", "<90%"),
    ("004", 207, "决策部署督查反馈率(%)", "≥98%", "≥95%", "≥90%", "＜90%"),
    ("004", 217, "承办常务会议完成率（%）", "≥98%", "≥95%", "≥90%", "＜90%"),
    ("004", 227, "重点工作督导检查率（%）", "≥98%", "≥95%", "≥90%", "＜90%"),
    ("004", 1609, "村民满意率", "100%", "≥95%", "≥90%", "<90%"),
]


@pytest.mark.parametrize(("prefix", "line", "name", "a", "b", "c", "d"), INDICATORS)
def test_indicator_records(docs, prefix, line, name, a, b, c, d):
    _, indicator = indicator_at(docs[prefix], line)
    assert indicator.name == name
    assert grades(indicator) == (a, b, c, d)


# (doc, line, level, number, name, budget)
NODES = [
    ("000", 144, "sub_activity", "1", "组织协调公司日常政务、事务", None),
    ("000", 218, "activity", "一", "参谋协调运转", Decimal("1200.00")),
    ("000", 230, "sub_activity", "1", "公文运转", None),
    ("000", 2522, "activity", "三十四", "行政事务管理（产业新城办）", Decimal("40.00")),
    ("000", 4446, "sub_activity", "3", "物业经营活动监管", None),
    ("000", 4456, "sub_activity", "4", "房屋产权产籍管理", None),
    ("002", 155, "activity", "一", "参谋协调运转", Decimal("47.27")),
    ("002", 165, "sub_activity", "1", "公文运转", Decimal("0.50")),
    ("002", 655, "sub_activity", "1", "保密宣传", Decimal("2.00")),
    ("004", 193, "activity", "一", "政务督查", Decimal("20.00")),
    ("002", 2758, "activity", "三十九", None, Decimal("1.00")),
    ("002", 2768, "sub_activity", "1", "会展费用", None),
    ("004", 1575, "activity", "二十二", "付6个棚厅拆迁补偿款", Decimal("48.00")),
    ("004", 1585, "sub_activity", "1", "付6个棚厅拆迁补偿款", Decimal("48.00")),
]


@pytest.mark.parametrize(("prefix", "line", "level", "number", "name", "budget"), NODES)
def test_activity_records(docs, prefix, line, level, number, name, budget):
    node = node_at(docs[prefix], line)
    assert (node.level, node.number, node.budget) == (level, number, budget)
    if name is not None:
        assert node.name == name
    else:  # long names are checked by their start in test_long_activity_name
        assert node.name


def test_orphan_sub_activity_sits_under_a_synthetic_activity(docs):
    doc = docs["000"]
    first = doc.activities[0]
    assert first.name is None and first.synthetic
    assert [sub.line for sub in first.sub_activities] == [144]
    assert [ind.line for ind in first.sub_activities[0].indicators] == [
        152,
        162,
        172,
        182,
        192,
        202,
        212,
    ]
    assert any(d.line == 144 and d.code == "orphan_sub_activity" for d in doc.diagnostics)


def test_quoted_cells_are_cleaned_and_raw_is_kept(docs):
    node = node_at(docs["000"], 144)
    assert node.content.startswith("做好公司日常政务")
    assert not node.content.endswith('"')
    assert node.raw_content.startswith('"') and node.raw_content.rstrip().endswith('"')
    assert node.goal == "做好公司行政管理工作"
    activity = node_at(docs["000"], 2522)
    assert activity.content.startswith("组织协调公司日常政务") and '"' not in activity.content


def test_shifted_rows_are_kept_and_flagged(docs):
    doc = docs["000"]
    for line in (4168, 4178, 4188, 4198, 4208):
        _, indicator = indicator_at(doc, line)
        assert "column_shift" in indicator.flags
    assert "column_shift" in node_at(doc, 1726).flags
    shifted = {d.line for d in doc.diagnostics if d.code == "column_shift"}
    # the 5 shifted rows of the 园林 block (domain.md §2.2) + the 000:L1726 row (§1.3 item 4),
    # reported at its indicator line
    assert shifted == {1729, 4168, 4178, 4188, 4198, 4208}
    assert not [i for _, i in docs["004"].iter_indicators() if "column_shift" in i.flags]


def test_content_cells_starting_with_numbers_are_not_activities(docs):
    doc = docs["002"]
    assert all(node.line not in (1448, 1480, 1510) for node in doc.iter_activities())
    assert node_at(doc, 2758).number == "三十九"


def test_projects_of_003(docs):
    doc = docs["003"]
    assert [len(p.indicators) for p in doc.projects] == [3, 5, 6, 4, 3, 4, 3, 4, 3, 3, 4]
    first = doc.projects[0]
    assert (first.code, first.name) == ("434-1401-JBN-6BVF", "北戴河村镇志编撰印刷费")
    assert (first.budget, first.fiscal_funds, first.other_funds) == (
        Decimal("10.00"),
        Decimal("10.00"),
        None,
    )
    assert first.purpose.startswith("向各村镇广泛征集")
    assert first.spending_plan == {
        "3月底": "25.00",
        "6月底": "50.00",
        "10月底": "75.00",
        "12月底": "100.00",
    }
    assert first.goal.startswith("1、收集资料准确") and "\n2、编撰" in first.goal
    assert first.department_code == "434002"
    levels = [(i.level1, i.level2, i.name, i.line) for i in first.indicators]
    assert levels == [
        ("产出指标", "质量指标", "资料收集比率", 63),
        ("效果指标", "社会效益指标", "志书可参考率", 70),
        ("满意度指标", "服务对象满意度指标", "服务对象满意度", 77),
    ]
    second = doc.projects[1].indicators[1]
    assert (second.level1, second.level2, second.name) == (
        "产出指标",
        "数量指标",
        "素材资料搜集数量比率",
    )
    assert "level1_carried" in second.flags
    values = {i.value for _, i in doc.iter_project_indicators()}
    assert values == {"≥9595%以上"}
    assert all(i.basis == "" for _, i in doc.iter_project_indicators())
    assert sum(p.budget for p in doc.projects) == Decimal("257.72")


@pytest.mark.parametrize(
    ("prefix", "title", "issuer", "year", "departments"),
    [
        (
            "000",
            "秦皇岛北戴河新区管理委员会办公室2019年部门预算信息公开",
            "秦皇岛北戴河新区管理委员会办公室",
            2019,
            [("201", 124), ("201", 4485)],
        ),
        (
            "002",
            "秦皇岛经济技术开发区工委部门2019年度预算信息公开",
            "秦皇岛经济技术开发区工委",
            2019,
            [("201", 135)],
        ),
        (
            "004",
            "青龙满族自治县人民政府办公室2018年部门预算信息公开情况说明",
            "青龙满族自治县人民政府办公室",
            2018,
            [("434", 29), ("434", 173), ("434", 1619)],
        ),
    ],
)
def test_title_issuer_year_departments(docs, prefix, title, issuer, year, departments):
    doc = docs[prefix]
    assert (doc.title, doc.issuer, doc.year) == (title, issuer, year)
    assert [(d.code, d.line) for d in doc.departments] == departments


def test_departments_of_003(docs):
    doc = docs["003"]
    assert doc.year == 2020 and doc.issuer == "秦皇岛市北戴河区人民政府办公室"
    assert [d.code for d in doc.departments] == ["434002"] * 11
    assert doc.departments[0].name == "秦皇岛市北戴河区人民政府办公室"


@pytest.mark.parametrize(
    ("prefix", "tables"),
    [
        (
            "000",
            [("organisation", 27, 55), ("procurement", 4485, 4655), ("fixed_assets", 4664, 4686)],
        ),
        ("002", [("fixed_assets", 2895, 2925)]),
        ("003", []),
        (
            "004",
            [("organisation", 29, 143), ("procurement", 1619, 1714), ("fixed_assets", 1719, 1750)],
        ),
    ],
)
def test_other_tables(docs, prefix, tables):
    assert [(t.kind, t.line, t.end_line) for t in docs[prefix].tables] == tables


@pytest.mark.parametrize(
    ("prefix", "amount"), [("000", "100196.1"), ("002", "589.71"), ("004", "636.47")]
)
def test_stated_project_totals(docs, prefix, amount):
    totals = docs[prefix].stated_totals
    assert [(t.label, t.amount) for t in totals] == [("项目支出", Decimal(amount))]


def test_sha256_of_file_bytes(docs, seed_path):
    import hashlib

    assert docs["003"].source.sha256 == hashlib.sha256(seed_path("003").read_bytes()).hexdigest()


def test_long_activity_name(docs):
    node = node_at(docs["002"], 2758)
    assert node.name.startswith("对外宣传开发区经济建设、投资环境")
    assert node.raw_name.startswith("三十九、对外宣传")
