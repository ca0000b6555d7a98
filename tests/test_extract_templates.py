"""The national templates (layouts.md §1) read from text dumps: every expected value below is
read off the rows in ``layout_docs.py`` by hand (which row holds it is said beside it)."""

from __future__ import annotations

from decimal import Decimal

from layout_docs import DEPARTMENT_TABLE, PROJECT_TABLE, SELF_EVALUATION, read, replace_row

from kg.extraction.templates import is_furniture, is_unit_name, label_key


def rows_of(project):
    return [(i.level1, i.level2, i.name, i.value) for i in project.indicators]


def test_project_table_categories_carried_and_slot_skipped():
    doc = read(PROJECT_TABLE, nlp=False)
    (project,) = doc.projects
    assert project.kind == "project"
    # the five indicator rows; 指标2： is an empty slot; 质量/时效 rows lost their 产出 cell
    assert rows_of(project) == [
        ("产出指标", "数量指标", "养护里程", "≥120公里"),
        ("产出指标", "质量指标", "验收合格率", "≥95%"),
        ("产出指标", "时效指标", "完成时间", "2024年12月底前"),
        ("效益指标", "社会效益指标", "群众出行条件", "明显改善"),
        ("满意度指标", "服务对象满意度指标", "沿线群众满意度", "≥90%"),
    ]
    assert "level1_carried" in project.indicators[1].flags
    assert "level1_carried" not in project.indicators[0].flags


def test_project_header_block():
    (project,) = read(PROJECT_TABLE, nlp=False).projects
    assert project.name == "农村道路养护"
    assert project.competent_department == "某县交通运输局（123001）"
    assert project.implementing_unit == "某县公路养护中心"
    assert (project.budget, project.fiscal_funds, project.other_funds) == (
        Decimal("120.5"),
        Decimal("100"),
        Decimal("20.5"),
    )
    # 总体目标 | 长期目标 | 年度目标 over a row of two texts
    assert project.long_term_goal == "建成农村公路养护长效机制"
    assert project.goal == "完成养护里程120公里"


def test_furniture_is_never_title_or_department():
    doc = read(PROJECT_TABLE, nlp=False)
    assert doc.title == "2024年度项目支出绩效目标表"
    assert doc.year == 2024
    # the department is the 主管部门 without its code; 某县财政局 of 发布机构 is furniture
    assert [d.name for d in doc.departments] == ["某县交通运输局"]
    assert doc.departments[0].code == "123001"
    assert not [d for d in doc.diagnostics if d.severity == "error"]


def test_self_evaluation_columns_money_block_and_total():
    doc = read(SELF_EVALUATION, nlp=False)
    (table,) = doc.projects
    assert table.kind == "self_evaluation"
    first = table.indicators[0]
    assert (first.value, first.actual, first.weight, first.score) == (
        "≥1000人次",
        "1020人次",
        "30",
        "30",
    )
    assert table.indicators[1].level1 == "产出指标"  # carried into the 质量指标 row
    # the money row lost its merged 项目资金 cell: values align from the right
    assert table.execution == {
        "年初预算数": "200",
        "全年预算数": "210",
        "全年执行数": "199.5",
        "分值": "10",
        "执行率": "95%",
        "得分": "9.5",
    }
    assert table.total_score == "99.5"
    assert table.goal == "资助困难学生1000人次"
    assert table.achieved == "资助困难学生1020人次"


def test_department_table_tasks_and_goal():
    doc = read(DEPARTMENT_TABLE, nlp=False)
    (table,) = doc.projects
    assert table.kind == "department"
    assert table.name == "某县卫生健康局"
    assert [(t.name, t.content, t.budget) for t in table.tasks] == [
        ("公共卫生服务", "开展基本公共卫生服务项目", Decimal("3000")),
        ("疾病防控", "重大传染病防控", Decimal("2000")),
    ]
    assert table.goal == "全面完成基本公共卫生服务任务"
    assert [i.name for i in table.indicators] == ["家庭医生签约人数", "传染病报告率", "群众满意度"]
    assert doc.issuer == "某县卫生健康局"


def test_traditional_glyphs_match_and_raw_is_kept():
    rows = [
        "2024年度項目支出績效目標表",
        ["項目名稱", "農村道路養護"],
        ["一級指標", "二級指標", "三級指標", "指標值"],
        ["產出指標", "數量指標", "養護里程", "不低於120公里"],
    ]
    doc = read(rows)
    (indicator,) = doc.projects[0].indicators
    assert (indicator.level1, indicator.level2, indicator.name) == (
        "产出指标",
        "数量指标",
        "养护里程",
    )
    assert indicator.raw_name == "養護里程"
    assert indicator.target.comparator == "ge" and indicator.target.lower == 120


def test_two_tables_in_one_document_and_repeated_header():
    second = [
        ["项目名称", "乡村学校校舍维修"],
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标", "维修校舍面积", "≥2000平方米"],
        ["一级指标", "二级指标", "三级指标", "指标值"],  # header repeated on the next page
        ["质量指标", "验收合格率", "100%"],
    ]
    doc = read([*PROJECT_TABLE, *second], nlp=False)
    assert [p.name for p in doc.projects] == ["农村道路养护", "乡村学校校舍维修"]
    assert rows_of(doc.projects[1]) == [
        ("产出指标", "数量指标", "维修校舍面积", "≥2000平方米"),
        ("产出指标", "质量指标", "验收合格率", "100%"),
    ]


def test_two_row_header_and_grid_with_only_two_levels():
    rows = [
        "项目支出绩效目标表",
        ["项目名称", "图书采购"],
        ["绩效指标", "", "指标值"],
        ["一级指标", "二级指标", ""],
        ["产出指标", "新增藏书册数", "≥5000册"],
        ["满意度指标", "读者满意度", "≥90%"],
    ]
    (project,) = read(rows, nlp=False).projects
    # no 三级 column: the indicator is printed under 二级 (layouts.md §2)
    assert [(i.level1, i.name, i.value) for i in project.indicators] == [
        ("产出指标", "新增藏书册数", "≥5000册"),
        ("满意度指标", "读者满意度", "≥90%"),
    ]


def test_unit_name_header_does_not_make_an_organisation_table():
    rows = replace_row(
        PROJECT_TABLE, ["项目名称", "农村道路养护", "", ""], ["单位名称", "某县交通运输局"]
    )
    doc = read(rows, nlp=False)
    assert len(doc.projects) == 1 and len(doc.projects[0].indicators) == 5
    assert not [t for t in doc.tables if t.kind == "organisation"]


def test_table_words_without_indicators_is_an_unread_error():
    rows = [
        "某县2024年项目支出绩效目标表",
        ["项目名称", "道路养护"],
        ["一级指标", "二级指标", "三级指标", "指标值"],
    ]
    doc = read(rows, nlp=False)
    (error,) = [d for d in doc.diagnostics if d.severity == "error"]
    assert error.code == "unread"


def test_organisation_table_is_not_a_performance_table():
    rows = [
        "一、部门机构设置",
        ["单位名称", "单位性质", "单位规格", "经费保障形式"],
        ["某县财政局", "行政单位", "正科级", "财政全额拨款"],
    ]
    doc = read(rows, nlp=False)
    assert doc.projects == []
    assert [t.kind for t in doc.tables] == ["organisation"]
    assert not [d for d in doc.diagnostics if d.code == "unread"]


def test_layout_words_and_names():
    assert label_key(" 指標值（%）： ") == "指标值(%)"
    assert is_furniture("索引号：11130300/2024-00123")
    assert is_furniture("第1页 共3页")
    assert not is_furniture("2024年度项目支出绩效目标表")
    assert is_unit_name("某县交通运输局")
    assert not is_unit_name("2024年度项目支出绩效目标表")
    assert not is_unit_name("发布日期：2024-02-01")
    assert is_furniture("某某县人民政府门户网站")


def test_summary_grid_with_a_project_column_splits_projects():
    rows = [
        "2024年度项目支出绩效目标汇总表",
        ["序号", "项目名称", "一级指标", "二级指标", "三级指标", "指标值"],
        ["1", "道路养护", "产出指标", "数量指标", "养护里程", "≥120公里"],
        ["2", "", "满意度指标", "服务对象满意度指标", "群众满意度", "≥90%"],
        ["3", "校舍维修", "产出指标", "质量指标", "验收合格率", "100%"],
    ]
    projects = read(rows, nlp=False).projects
    assert [(p.name, [i.name for i in p.indicators]) for p in projects] == [
        ("道路养护", ["养护里程", "群众满意度"]),
        ("校舍维修", ["验收合格率"]),
    ]


def test_category_printed_with_its_points_still_places_a_short_row():
    rows = [
        "项目支出绩效目标表",
        ["项目名称", "图书采购"],
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标（50分）", "数量指标", "新增藏书", "≥5000册"],
        ["质量指标", "验收合格率", "100%"],  # the merged 一级 cell is missing
    ]
    (project,) = read(rows, nlp=False).projects
    assert [(i.level1, i.level2, i.name) for i in project.indicators] == [
        ("产出指标（50分）", "数量指标", "新增藏书"),
        ("产出指标（50分）", "质量指标", "验收合格率"),
    ]


def test_header_line_in_running_text_without_a_grid_is_unread():
    """An unruled PDF gives lines, not cells: a header line still says a table was there."""
    rows = [
        "某县2024年项目支出绩效目标表",
        "一级指标 二级指标 三级指标 指标值",
        "产出指标 数量指标 …",
    ]
    (error,) = [d for d in read(rows, nlp=False).diagnostics if d.severity == "error"]
    assert (error.code, error.line) == ("unread", 2)


def test_comparator_and_unit_columns_read_with_the_value():
    rows = [
        "项目支出绩效目标表",
        ["项目名称", "图书采购"],
        ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "计量单位", "权重"],
        ["产出指标", "质量指标", "验收合格率", "≥", "95", "%", "20"],
        ["", "成本指标", "单册采购成本", "≤", "60", "元", "10"],
    ]
    (project,) = read(rows).projects
    first, second = project.indicators
    assert (first.comparator, first.value, first.unit, first.weight) == ("≥", "95", "%", "20")
    assert (first.target.comparator, first.target.lower, first.target.unit) == ("ge", 95, "percent")
    # money is normalised to 万元: 60 元 = 0.006 万元
    assert (second.target.comparator, second.target.upper) == ("le", 0.006)


def test_block_label_down_the_left_edge_and_a_split_value_header():
    """申报表 style: 绩效指标 merged down the left edge (missing from data rows in a dump), and a
    two-row header with 年度 over 指标值 | 实际完成值 beside 年度绩效指标 over the levels."""
    rows = [
        "项目支出绩效目标申报表",
        ["项目名称", "图书采购"],
        ["绩效指标", "一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标", "新增藏书", "≥5000册"],
    ]
    (project,) = read(rows, nlp=False).projects
    assert [(i.level1, i.name, i.value) for i in project.indicators] == [
        ("产出指标", "新增藏书", "≥5000册")
    ]
    rows = [
        "项目支出绩效自评表",
        ["项目名称", "图书采购"],
        ["年度绩效指标", "年度", "分值", "得分"],
        ["一级指标", "二级指标", "三级指标", "指标值", "实际完成值"],
        ["产出指标", "数量指标", "新增藏书", "≥5000册", "5200册", "30", "30"],
    ]
    (table,) = read(rows, nlp=False).projects
    (row,) = table.indicators
    assert (row.name, row.value, row.actual, row.weight, row.score) == (
        "新增藏书",
        "≥5000册",
        "5200册",
        "30",
        "30",
    )


def test_a_new_title_after_a_table_starts_the_next_table():
    grid = [
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标", "培训人次", "≥500"],
    ]
    rows = ["甲项目支出绩效目标表", *grid, "乙项目支出绩效目标表", *grid]
    projects = read(rows, nlp=False).projects
    assert [(p.title, len(p.indicators)) for p in projects] == [
        ("甲项目支出绩效目标表", 1),
        ("乙项目支出绩效目标表", 1),
    ]


def test_a_total_row_of_the_tasks_is_not_a_task():
    rows = replace_row(
        DEPARTMENT_TABLE,
        ["", "疾病防控", "重大传染病防控", "2000"],
        ["", "疾病防控", "重大传染病防控", "2000"],
    )
    index = rows.index(["", "疾病防控", "重大传染病防控", "2000"])
    rows = [*rows[: index + 1], ["", "合计", "", "5000"], *rows[index + 1 :]]
    (table,) = read(rows, nlp=False).projects
    assert [t.name for t in table.tasks] == ["公共卫生服务", "疾病防控"]
    assert table.header["合计"] == "5000"


def test_money_block_written_as_label_value_pairs():
    """Some 自评表 print the money as pairs (年初预算数 | 200 | 全年预算数 | 210 …)."""
    rows = [
        "项目支出绩效自评表",
        ["项目名称", "学生资助"],
        ["年初预算数", "200", "全年预算数", "210"],
        ["全年执行数", "199.5", "执行率", "95%"],
        ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
        ["产出指标", "数量指标", "资助人次", "≥1000人次", "1020人次", "90", "90"],
    ]
    (table,) = read(rows, nlp=False).projects
    assert table.kind == "self_evaluation"
    assert table.execution == {
        "年初预算数": "200",
        "全年预算数": "210",
        "全年执行数": "199.5",
        "执行率": "95%",
    }


def test_other_header_fields_are_kept_as_printed():
    rows = replace_row(
        PROJECT_TABLE,
        ["项目名称", "农村道路养护", "", ""],
        ["项目名称", "农村道路养护", "项目负责人", "张三"],
    )
    doc = read(rows, nlp=False)
    assert doc.projects[0].header["项目负责人"] == "张三"
    assert not [d for d in doc.diagnostics if d.code == "unplaced_cell"]


def test_a_money_table_is_never_an_unread_performance_table():
    rows = [
        "某县财政局2024年部门预算信息公开",
        ["序号", "项目名称", "金额", "备注"],
        ["1", "办公设备购置", "12.5", ""],
    ]
    doc = read(rows, nlp=False)
    assert not [d for d in doc.diagnostics if d.code == "unread"]
