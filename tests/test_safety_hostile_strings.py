"""Issue 17.7-17.9: a hostile-strings corpus through every output format.

Each string is the kind a disclosure could carry (copied from a web page, typed by a
mischievous clerk): spreadsheet formulas, Rich markup, HTML, Markdown links, terminal escape
sequences, bidi controls. Whatever the format, the string must come out as inert text:

* CSV/TSV: no cell starts with ``= + - @ TAB CR`` (OWASP), unless it is a plain number;
  removing the added ``'`` gives the original text back.
* Rich tables: markup is printed literally, no escape character reaches the terminal.
* JSON: strict, and the exact strings round-trip.
* Markdown: rendered by markdown-it, it yields no HTML tag and no link of its own.
* HTML: no tag of the corpus survives unescaped.
"""

from __future__ import annotations

import csv
import io
import json
from html.parser import HTMLParser
from pathlib import Path

import pyoxigraph as ox
import pytest
from builders import activity, context_of, document, indicator
from markdown_it import MarkdownIt
from typer.testing import CliRunner

from kg.audit import audit_context
from kg.audit.registry import Rule, new_finding
from kg.audit.report import to_csv, to_html, to_json, to_markdown
from kg.cli import app
from kg.graph.store import Store
from kg.output import csv_cell
from kg.records.context import Evidence

HOSTILE = [
    '=HYPERLINK("http://evil.example/x","点击")',
    "=1+2",
    "+1+1",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "[/x]",
    "[link=http://evil.example]点击[/link]",
    "[bold red]红色",
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "[点击](javascript:alert(1))",
    "![i](http://evil.example/x.png)",
    "<http://evil.example>",
    "a | b | c",
    "`code` **bold** _it_",
    "\x1b]8;;http://evil.example\x1b\\点击\x1b]8;;\x1b\\",
    "\x1b[2J\x1b[31m清屏",
    "办结率\u202e%08",
    "\u200b办结率",
    '"quoted", comma',
    "line1\nline2",
]
"""Every string is distinct and non-empty; the tests check that each reaches the output."""

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
runner = CliRunner()


def _assert_no_formula(cell: str) -> None:
    if cell.startswith(FORMULA_START):
        float(cell)  # only a plain number may start like a formula


def _restore(cell: str) -> str:
    return cell[1:] if cell.startswith("'") else cell


# --- kg query ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory):
    path = tmp_path_factory.mktemp("hostile") / "store"
    with Store(path) as store:
        graph = ox.NamedNode("https://w3id.org/pikg/graph/hostile")
        for index, text in enumerate(HOSTILE):
            store.oxigraph.add(
                ox.Quad(
                    ox.NamedNode(f"urn:hostile:{index}"),
                    ox.NamedNode("urn:hostile:text"),
                    ox.Literal(text),
                    graph,
                )
            )
    return path


QUERY = "SELECT ?s ?text WHERE { ?s <urn:hostile:text> ?text } ORDER BY ?s"


def _query(store, fmt: str) -> str:
    result = runner.invoke(app, ["query", QUERY, "-f", fmt, "--store", str(store)])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_query_csv(hostile_store):
    rows = list(csv.reader(io.StringIO(_query(hostile_store, "csv"), newline="")))
    assert rows[0] == ["s", "text"]
    for row in rows[1:]:
        for cell in row:
            _assert_no_formula(cell)
    assert sorted(_restore(row[1]) for row in rows[1:]) == sorted(HOSTILE)


def test_query_tsv(hostile_store):
    lines = _query(hostile_store, "tsv").splitlines()
    assert lines[0] == "?s\t?text"
    values = []
    for line in lines[1:]:
        _subject, literal = line.split("\t")
        assert literal.startswith('"') and literal.endswith('"')
        value = ox.parse(f"<urn:s> <urn:p> {literal} .", format=ox.RdfFormat.N_TRIPLES)
        text = next(iter(value)).object.value
        _assert_no_formula(text)  # the cell as a spreadsheet shows it once it drops the quotes
        values.append(_restore(text))
    assert sorted(values) == sorted(HOSTILE)


def test_query_json_is_exact(hostile_store):
    data = json.loads(_query(hostile_store, "json"))
    assert sorted(b["text"]["value"] for b in data["results"]["bindings"]) == sorted(HOSTILE)


def test_query_table_interprets_nothing(hostile_store):
    out = _query(hostile_store, "table")
    assert "\x1b" not in out and "\u202e" not in out and "\u200b" not in out
    assert "[/x]" in out and "[link=http://evil.example]点击[/link]" in out
    assert "[bold red]红色" in out
    assert "<U+001B>]8;;http://evil.example" in out and "办结率<U+202E>%08" in out
    assert f"{len(HOSTILE)} row(s)" in out


# --- kg audit reports -----------------------------------------------------------------------


def _hostile_rule() -> Rule:
    def check(context, params):
        record = context.indicators[0]
        for text in HOSTILE:
            yield new_finding(
                text,
                text,
                doc_id=record.doc_id,
                nodes=[record.id],
                evidence=[Evidence(text, 7, text)],
            )

    return Rule(
        id="custom.hostile",
        func=check,
        severity="warning",
        group="custom",
        title_zh="hostile",
        title_en="hostile",
        description="echoes the corpus",
        finding_type="custom",
    )


@pytest.fixture(scope="module")
def audit_result():
    named = indicator(HOSTILE[10], 12, ("≥80%", "≤60%", ">60%", "≤50%"))
    sub = activity(HOSTILE[0], 10, number="1", level="sub_activity", indicators=[named])
    context = context_of(document([activity(HOSTILE[12], 5, subs=[sub])]))
    return audit_context(context, extra_rules=[_hostile_rule()])


def test_audit_csv(audit_result):
    rows = list(csv.reader(io.StringIO(to_csv(audit_result), newline="")))
    for row in rows:
        for cell in row:
            _assert_no_formula(cell)
    texts = {_restore(row[rows[0].index("text")]) for row in rows[1:]}
    assert set(HOSTILE) <= texts


def test_audit_json(audit_result):
    data = json.loads(to_json(audit_result))
    messages = {f["message_en"] for f in data["findings"] if f["rule"] == "custom.hostile"}
    assert messages == set(HOSTILE)


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _tags(html: str) -> list[tuple[str, dict]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def test_audit_markdown_renders_no_html_and_no_links(audit_result):
    markdown = to_markdown(audit_result)
    html = MarkdownIt("commonmark").enable("table").render(markdown)
    tags = {tag for tag, _ in _tags(html)}
    assert tags <= {"h1", "h2", "table", "thead", "tbody", "tr", "th", "td", "ul", "li",
                    "strong", "p"}  # fmt: skip
    assert "\x1b" not in markdown and "\u202e" not in markdown
    for text in ("<img src=x onerror=alert(1)>", "[点击](javascript:alert(1))", "a | b | c"):
        assert text in html.replace("&lt;", "<").replace("&gt;", ">")


def test_audit_html_escapes_the_corpus(audit_result):
    html = to_html(audit_result)
    for tag, attrs in _tags(html):
        assert "onerror" not in attrs
        assert not str(attrs.get("href", "")).startswith("javascript:")
        assert not (tag == "img" and attrs.get("src") == "x")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


# --- kg extract and kg duplicates -------------------------------------------------------------

SAMPLES = Path(__file__).resolve().parents[1] / "kg" / "data" / "samples"
ONE_LINE = [text for text in HOSTILE if not any(c in text for c in "\t\r\n")]


@pytest.fixture(scope="module")
def hostile_documents(tmp_path_factory) -> list[str]:
    """The samples with indicator names replaced, one by one, by the one-line corpus."""
    folder = tmp_path_factory.mktemp("docs")
    pending = list(ONE_LINE)
    paths = []
    for copy, source in enumerate(sorted(SAMPLES.glob("*.txt")) * 2):
        result = runner.invoke(app, ["extract", str(source)])
        names = dict.fromkeys(i["name"] for i in _indicators(json.loads(result.stdout)))
        lines = source.read_text(encoding="utf-8").split("\n")
        for name in (name for name in names if "\n" not in name):
            if not pending:
                break
            lines[lines.index(f"\t{name}")] = f"\t{pending.pop(0)}"
        paths.append(folder / f"{copy}_{source.name}")
        paths[-1].write_text("\n".join(lines), encoding="utf-8")
        if not pending:
            return [str(path) for path in paths]
    raise AssertionError(f"the samples have too few indicator names for {pending}")


def _indicators(doc: dict):
    """Every indicator object in the extracted JSON, wherever it sits."""
    if isinstance(doc, dict):
        if "name" in doc and "bands" in doc:
            yield doc
        for value in doc.values():
            yield from _indicators(value)
    elif isinstance(doc, list):
        for value in doc:
            yield from _indicators(value)


def test_extract_csv_matches_json_and_runs_no_formula(hostile_documents):
    result = runner.invoke(app, ["extract", *hostile_documents])
    documents = [json.loads(line) for line in result.stdout.splitlines()]
    names = {i["name"] for i in _indicators(documents)}
    formulas = {text for text in ONE_LINE if text.startswith(FORMULA_START)}
    assert formulas <= names and "[link=http://evil.example]点击[/link]" in names
    result = runner.invoke(app, ["extract", "-f", "csv", *hostile_documents])
    rows = list(csv.reader(io.StringIO(result.stdout.lstrip("\ufeff"), newline="")))
    for row in rows:
        for cell in row:
            _assert_no_formula(cell)
    assert names <= {_restore(row[rows[0].index("name")]) for row in rows[1:]}


def _records(tmp_path) -> str:
    path = tmp_path / "records.jsonl"
    lines = []
    for index, text in enumerate(HOSTILE):
        for copy in ("a", "b"):  # two departments print the same text: one cluster each
            lines.append(
                json.dumps(
                    {
                        "id": f"{copy}{index}",
                        "department": f"{copy}-{text}",
                        "activity": text,
                        "text": text,
                        "grades": [text, "≥90%", "≥80%", "<80%"],
                    },
                    ensure_ascii=False,
                )
            )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def test_duplicates_csv_json_and_table(tmp_path):
    records = _records(tmp_path)
    result = runner.invoke(app, ["duplicates", "--input", records, "-f", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout, newline="")))
    for row in rows:
        for cell in row:
            _assert_no_formula(cell)
    texts = {_restore(row[rows[0].index("text")]) for row in rows[1:]}
    assert texts and texts <= set(HOSTILE)
    data = json.loads(runner.invoke(app, ["duplicates", "--input", records, "-f", "json"]).stdout)
    assert {m["text"] for c in data["clusters"] for m in c["members"]} == texts
    table = runner.invoke(app, ["duplicates", "--input", records], env={"COLUMNS": "300"})
    assert table.exit_code == 0, table.output
    assert "\x1b" not in table.stdout and "\u202e" not in table.stdout


def test_csv_cell_keeps_numbers_and_neutralises_the_rest():
    assert [csv_cell(v) for v in ("-5", "+3.5", "-1e3", " -5", "-", "@", "=")] == [
        "-5",
        "+3.5",
        "-1e3",
        " -5",
        "'-",
        "'@",
        "'=",
    ]
