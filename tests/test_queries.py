"""Each named query on the four seeds against an answer computed from the extraction model.

The expected results come from ``kg.extraction.extract_file`` + ``kg.nlp.analyze_document``
(the typed model), re-deriving each answer in plain Python; the store is only used to run the
query. A query and its expectation agree only if the mapping, the ontology and the query are
all right.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

from kg.extraction import extract_file
from kg.graph import queries
from kg.graph.store import Store
from kg.ingest import ingest
from kg.model import GRADES, Document
from kg.nlp import analyze_document
from kg.textnorm import fold

OUTPUT_CATEGORY = "产出指标"
OUTPUT_CHILDREN = {"数量指标", "质量指标", "时效指标", "成本指标"}


def key(text: str | None) -> str:
    return re.sub(r"\s+", "", fold(text or ""))


@pytest.fixture(scope="module")
def store(seeds_dir):
    graph_store = Store()
    summary = ingest([seeds_dir], graph_store, jobs=2)
    assert summary.ingested == 4 and summary.ok
    return graph_store


@pytest.fixture(scope="module")
def docs(seeds_dir) -> list[Document]:
    documents = []
    for path in sorted(seeds_dir.glob("*.txt")):
        doc = extract_file(path)
        analyze_document(doc)
        documents.append(doc)
    return documents


def run(store: Store, name: str, **params: str) -> list[dict]:
    return store.select(queries.get(name).render(params))


def file_of(doc: Document) -> str:
    return Path(doc.source.path).name


def department_at(doc: Document, line: int) -> tuple[str, str]:
    """(name, code) of the department whose header precedes ``line`` (the first one before
    any header; the issuer when the document prints no header)."""
    heads = sorted(doc.departments, key=lambda d: d.line)
    if not heads:
        return (doc.issuer or doc.title, "")
    chosen = heads[0]
    for head in heads:
        if head.line <= line:
            chosen = head
    return (chosen.name, chosen.code or "")


def project_department(doc: Document, project) -> tuple[str, str]:
    for head in doc.departments:
        if project.department_code and head.code == project.department_code:
            return (head.name, head.code)
    return department_at(doc, project.line)


def activity_indicators(docs):
    for doc in docs:
        for activity in doc.iter_activities():
            for ind in activity.indicators:
                yield doc, department_at(doc, activity.line), ind


def project_indicators(docs):
    for doc in docs:
        for project in doc.projects:
            for ind in project.indicators:
                yield doc, project_department(doc, project), project, ind


def test_every_named_query_is_tested():
    tested = {n[len("test_") :].replace("_", "-") for n in globals() if n.startswith("test_")}
    assert {q.name for q in queries.all_queries()} <= tested


def test_department_tree(store, docs):
    expected = Counter()
    for doc in docs:
        for act in doc.activities:
            dept = department_at(doc, act.line)[0]
            expected[
                (
                    file_of(doc),
                    max(act.line, 1),
                    dept,
                    act.name,
                    None,
                    act.budget,
                    len(act.indicators),
                )
            ] += 1
            for sub in act.sub_activities:
                dept = department_at(doc, sub.line)[0]
                expected[
                    (
                        file_of(doc),
                        max(sub.line, 1),
                        dept,
                        act.name,
                        sub.name,
                        sub.budget,
                        len(sub.indicators),
                    )
                ] += 1
    rows = run(store, "department-tree")
    got = Counter(
        (
            r["file"],
            r["line"],
            r["department"],
            r.get("activity"),
            r.get("subActivity"),
            r.get("budget"),
            r["indicators"],
        )
        for r in rows
    )
    assert got == expected
    # 193 + 117 + 53 activity and sub-activity nodes (domain.md §3.9) + the synthetic activity
    # holding 000's first block, which starts before "一、" (000:L144, §3.8)
    assert len(rows) == 364


def test_indicators_per_department(store, docs):
    activity, project, bands = Counter(), Counter(), Counter()
    for _doc, (name, _code), ind in activity_indicators(docs):
        activity[name] += 1
        bands[name] += sum(1 for g in GRADES if (ind.grades.get(g) or "").strip())
    for _doc, (name, _code), _project, _ind in project_indicators(docs):
        project[name] += 1
    got = {
        r["department"]: (r["activityIndicators"], r["projectIndicators"], r["bands"])
        for r in run(store, "indicators-per-department")
    }
    assert got == {
        name: (activity[name], project[name], bands[name]) for name in set(activity) | set(project)
    }


def _name_key(ind) -> str:
    return ind.analysis.key if ind.analysis is not None and ind.analysis.key else key(ind.name)


def test_shared_indicator_names(store, docs):
    departments, occurrences = defaultdict(set), Counter()
    for _doc, dept, ind in activity_indicators(docs):
        departments[_name_key(ind)].add(dept)
        occurrences[_name_key(ind)] += 1
    for _doc, dept, _project, ind in project_indicators(docs):
        departments[_name_key(ind)].add(dept)
        occurrences[_name_key(ind)] += 1
    for minimum in ("2", "1"):
        got = {
            r["name"]: (r["departments"], r["occurrences"])
            for r in run(store, "shared-indicator-names", min_departments=minimum)
        }
        expected = {
            name: (len(d), occurrences[name])
            for name, d in departments.items()
            if name and len(d) >= int(minimum)
        }
        assert got == expected
    assert got  # the seeds share names across departments at min 1 trivially


def test_reused_ladders(store, docs):
    departments, indicators, names = defaultdict(set), Counter(), defaultdict(set)
    for _doc, dept, ind in activity_indicators(docs):
        scheme = ind.scheme
        if scheme is None or scheme.kind == "empty" or not scheme.signature.strip("|"):
            continue
        departments[scheme.signature].add(dept)
        indicators[scheme.signature] += 1
        if _name_key(ind):
            names[scheme.signature].add(_name_key(ind))
    for more_than in ("1", "0"):
        got = {
            r["signature"]: (r["departments"], r["indicators"], r["distinctNames"])
            for r in run(store, "reused-ladders", more_than=more_than)
        }
        assert got == {
            sig: (len(d), indicators[sig], len(names[sig]))
            for sig, d in departments.items()
            if len(d) > int(more_than)
        }
    # domain.md §3.3: the commonest ladder grades 53 + 12 + 18 indicators
    assert got["ge90%|ge80%|ge70%|lt70%"][1] == 83


def _with_issue(docs, code: str) -> set[tuple[str, int, str]]:
    return {
        (file_of(doc), max(ind.line, 1), ind.name)
        for doc, _dept, ind in activity_indicators(docs)
        if ind.scheme is not None and code in ind.scheme.issues
    }


def test_non_monotonic_ladders(store, docs):
    got = {(r["file"], r["line"], r["indicator"]) for r in run(store, "non-monotonic-ladders")}
    expected = _with_issue(docs, "non_monotonic")
    # the 34 rows of 000 (domain.md §3.4) + the ratio row 004:L737 "≥1：10 | ≥1：8 …"
    assert got == expected and len(expected) == 35


def test_ladder_issues(store, docs):
    for code in ("gap", "overlap", "unreachable_band", "shared_endpoint"):
        rows = run(store, "ladder-issues", issue=code)
        assert {(r["file"], r["line"], r["indicator"]) for r in rows} == _with_issue(docs, code)
    assert run(store, "ladder-issues", issue="no-such-issue") == []


def test_count_graded_in_percent(store, docs):
    expected = {
        (file_of(doc), max(ind.line, 1), ind.name)
        for doc, _dept, ind in activity_indicators(docs)
        if ind.analysis is not None
        and ind.analysis.metric_kind == "count"
        and any(
            b.unit == "percent" and (ind.grades.get(b.grade) or "").strip() for b in ind.bands or []
        )
    }
    got = {(r["file"], r["line"], r["indicator"]) for r in run(store, "count-graded-in-percent")}
    assert got == expected and expected


def test_budget_rollup_mismatch(store, docs):
    expected = {}
    for doc in docs:
        for act in doc.activities:
            budgets = [s.budget for s in act.sub_activities if s.budget is not None]
            if act.budget is None or not budgets:
                continue
            difference = act.budget - sum(budgets, Decimal(0))
            if abs(difference) > Decimal("0.01"):
                expected[(file_of(doc), max(act.line, 1))] = (difference, len(budgets))
    rows = run(store, "budget-rollup-mismatch")
    got = {(r["file"], r["line"]): (r["difference"], r["subActivities"]) for r in rows}
    assert got == expected
    loose = run(store, "budget-rollup-mismatch", tolerance="1000000")
    assert loose == []


def test_funded_without_indicators(store, docs):
    expected = set()
    for doc in docs:
        for act in doc.iter_activities():
            below = act.indicators or any(s.indicators for s in act.sub_activities)
            if act.budget is not None and act.budget > 0 and not below:
                expected.add((file_of(doc), max(act.line, 1), act.name))
    got = {
        (r["file"], r["line"], r.get("activity")) for r in run(store, "funded-without-indicators")
    }
    assert got == expected


def test_indicators_by_category(store, docs):
    expected = Counter(
        (file_of(doc), max(ind.line, 1), ind.name, project.name)
        for doc, _dept, project, ind in project_indicators(docs)
        if key(ind.level1) == OUTPUT_CATEGORY or key(ind.level2) in OUTPUT_CHILDREN
    )
    rows = run(store, "indicators-by-category", category=OUTPUT_CATEGORY)
    got = Counter((r["file"], r["line"], r["indicator"], r["project"]) for r in rows)
    assert got == expected and expected
    quantity = run(store, "indicators-by-category", category="数量指标")
    assert len(quantity) == sum(
        1 for *_, ind in project_indicators(docs) if key(ind.level2) == "数量指标"
    )


def _covering(doc: Document, line: int) -> set[str]:
    """Labels of every model node whose source span contains ``line``."""

    def covers(start: int, end: int) -> bool:
        start = max(start, 1)
        return start <= line <= max(end or 0, start)

    labels = set()
    for head in doc.departments:
        if covers(head.line, head.line):
            labels.add(head.name)
    for act in doc.iter_activities():
        if covers(act.line, act.end_line) and act.name:
            labels.add(act.name)
        labels |= {i.name for i in act.indicators if covers(i.line, i.end_line)}
    for project in doc.projects:
        if covers(project.line, project.end_line):
            labels.add(project.name)
        labels |= {i.name for i in project.indicators if covers(i.line, i.end_line)}
    labels |= {d.message for d in doc.diagnostics if covers(d.line, d.line)}
    return labels


def test_trace_line(store, docs):
    doc = docs[0]
    first_activity = doc.activities[1]
    lines = {
        first_activity.line,
        first_activity.sub_activities[0].indicators[0].line,
        doc.departments[0].line,
        doc.diagnostics[0].line,
    }
    for line in sorted(lines):
        rows = run(store, "trace-line", file=file_of(doc), line=str(line))
        got = {r["label"] for r in rows if "label" in r}
        assert got == _covering(doc, line), line
        assert got
    assert run(store, "trace-line", file="no-such-file.txt", line="1") == []


def test_diagnostics(store, docs):
    expected = Counter(
        (file_of(doc), max(d.line, 1), d.severity, d.code or None, d.message)
        for doc in docs
        for d in doc.diagnostics
    )
    got = Counter(
        (r["file"], r["line"], r.get("severity"), r.get("code"), r["message"])
        for r in run(store, "diagnostics")
    )
    # 000 only: 33 numbering restarts (domain.md §3.8) + 6 shifted rows (000:L1729 and
    # L4168 … L4208, test_extract_seeds) + 2 rows without a name (§3.8) + the orphan first block
    assert got == expected and sum(expected.values()) == 42


def test_documents(store, docs):
    expected = {
        f"seeds/{file_of(doc)}": (
            str(doc.year),
            doc.title,
            sum(1 for _ in doc.iter_activities()),
            sum(len(a.indicators) for a in doc.iter_activities())
            + sum(len(p.indicators) for p in doc.projects),
            len(doc.projects),
            doc.source.sha256,
        )
        for doc in docs
    }
    got = {
        r["file"]: (
            r["year"],
            r["title"],
            r["activities"],
            r["indicators"],
            r["projects"],
            r["sha256"],
        )
        for r in run(store, "documents")
    }
    assert got == expected


def test_a_department_in_two_documents_gives_each_row_once(seed_path, tmp_path):
    """Department and hub nodes are described in every document graph that uses them; the
    queries match per document graph so the union default graph does not repeat rows."""
    folder = tmp_path / "docs"
    folder.mkdir()
    text = seed_path("002").read_bytes()
    (folder / "a.txt").write_bytes(text)
    (folder / "b.txt").write_bytes(text + b"\n")  # same department, another document
    store = Store()
    ingest([folder], store, jobs=1)
    one = Store()
    ingest([seed_path("002")], one, jobs=1)
    for name in ("department-tree", "ladder-issues", "count-graded-in-percent"):
        assert len(run(store, name)) == 2 * len(run(one, name)), name


@pytest.mark.parametrize(
    ("name", "columns"),
    [
        ("department-tree", ("file",)),
        ("documents", ("file",)),
        ("ladder-issues", ("file", "line")),
        ("non-monotonic-ladders", ("file", "line")),
    ],
)
def test_rows_come_in_file_order(store, name, columns):
    """The queries sort on an in-memory copy of the file name (cheaper than ``?file`` itself);
    the rows must still come in file-name order, then line order."""
    keys = [tuple(r[c] for c in columns) for r in run(store, name)]
    assert len({k[0] for k in keys}) > 1
    assert keys == sorted(keys)


@pytest.fixture(scope="module")
def layout_store(tmp_path_factory):
    """The three national-template tables of ``layout_docs.py`` as text dumps in a store."""
    from layout_docs import DEPARTMENT_TABLE, PROJECT_TABLE, SELF_EVALUATION, dump

    folder = tmp_path_factory.mktemp("layouts")
    for name, rows in (
        ("project.txt", PROJECT_TABLE),
        ("self.txt", SELF_EVALUATION),
        ("department.txt", DEPARTMENT_TABLE),
    ):
        (folder / name).write_text(dump(rows), encoding="utf-8")
    graph_store = Store()
    assert ingest([folder], graph_store, jobs=1).ingested == 3
    return graph_store


def test_performance_tables(layout_store):
    rows = run(layout_store, "performance-tables")
    got = [(r["file"], r["kind"], r["table"], r.get("department"), r["indicators"]) for r in rows]
    # read off layout_docs.py: one table each, 3 / 5 / 4 indicator rows
    assert got == [
        ("department.txt", "department", "某县卫生健康局", "某县卫生健康局", 3),
        ("project.txt", "project", "农村道路养护", "某县交通运输局", 5),
        ("self.txt", "self_evaluation", "学生资助", "某县教育局", 4),
    ]
    assert {r["file"]: r.get("budget") for r in rows}["project.txt"] == Decimal("120.5")


def test_self_evaluation_scores(layout_store):
    rows = run(layout_store, "self-evaluation-scores")
    got = [(r["indicator"], r["target"], r["actual"], r["weight"], r["score"]) for r in rows]
    # the four indicator rows of SELF_EVALUATION, in printed order
    assert got == [
        ("资助人次", "≥1000人次", "1020人次", "30", "30"),
        ("资助准确率", "≥99%", "99.5%", "20", "20"),
        ("受助学生按时入学率", "≥98%", "98.5%", "30", "30"),
        ("受助学生满意度", "≥90%", "92%", "10", "10"),
    ]
    assert all(r["file"] == "self.txt" and r["table"] == "学生资助" for r in rows)
