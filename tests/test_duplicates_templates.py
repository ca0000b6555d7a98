"""Copy detection on the national templates: a project indicator copied from one county's
table into another's is a copy; a target value shared by unrelated indicators is not a
reused ladder (one value grades nothing)."""

from __future__ import annotations

from layout_docs import PROJECT_TABLE, read, replace_row

from kg.duplicates import detect
from kg.graph.store import Store
from kg.ingest import ingest
from kg.records.from_store import records_from_store
from kg.records.indicators import records_from_document


def county_b():
    """County B's table: another department and project, two rows copied as printed
    (养护里程 ≥120公里, 验收合格率 ≥95%), the others its own."""
    rows = replace_row(
        PROJECT_TABLE, ["项目名称", "农村道路养护", "", ""], ["项目名称", "县道维修", "", ""]
    )
    rows = replace_row(
        rows,
        ["主管部门及代码", "某县交通运输局（123001）", "实施单位", "某县公路养护中心"],
        ["主管部门及代码", "另县交通局（223001）", "实施单位", "另县公路站"],
    )
    rows = replace_row(
        rows,
        ["效益指标", "社会效益指标", "群众出行条件", "明显改善", ""],
        ["效益指标", "社会效益指标", "县道通行能力", "明显提升", ""],
    )
    return replace_row(
        rows,
        ["满意度指标", "服务对象满意度指标", "沿线群众满意度", "≥90%", ""],
        ["满意度指标", "服务对象满意度指标", "驾乘人员满意度", "≥90%", ""],
    )


def test_project_rows_copied_across_counties_cluster():
    documents = [read(PROJECT_TABLE, "a.txt"), read(county_b(), "b.txt")]
    records = [r for d in documents for r in records_from_document(d)]
    result = detect(records)
    by_id = {r.id: r for r in records}
    families = sorted(
        sorted(f"{by_id[m].text}@{by_id[m].source}" for m in cluster.members)
        for cluster in result.clusters
    )
    # 养护里程, 验收合格率, 完成时间 are printed identically (name and target) in both tables
    assert ["养护里程@a.txt", "养护里程@b.txt"] in families
    assert ["验收合格率@a.txt", "验收合格率@b.txt"] in families
    # ≥90% on two different satisfaction indicators is a shared value, not a reused ladder
    assert not any("≥90%" in ladder.ladder for ladder in result.reused_ladders)


def test_store_records_equal_document_records_for_project_tables(tmp_path):
    from layout_docs import dump

    (tmp_path / "a.txt").write_text(dump(PROJECT_TABLE), encoding="utf-8")
    store = Store()
    ingest([tmp_path], store, jobs=1)
    from_store = records_from_store(store)
    from_document = records_from_document(read(PROJECT_TABLE, "a.txt"))
    assert [(r.text, r.grades, r.line) for r in from_store] == [
        (r.text, r.grades, r.line) for r in from_document
    ]
