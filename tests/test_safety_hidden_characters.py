"""Issue 19.7: invisible and bidi-control characters are ignored for matching and reported."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import activity, context_of, document, indicator

from kg.audit import audit_context
from kg.audit.report import to_html, to_markdown
from kg.extraction import extract_file
from kg.textnorm import fold, hidden_characters

SAMPLE = (
    Path(__file__).resolve().parents[1]
    / "kg"
    / "data"
    / "samples"
    / "101_yunxi_government_office.txt"
)
HIDDEN = [
    *range(0x200B, 0x2010),
    *range(0x202A, 0x202F),
    *range(0x2060, 0x2065),
    *range(0x2066, 0x206A),
    0x00AD,
    0xFEFF,
]
"""The code points issue 19.7 lists (U+200B..U+200F, U+202A..U+202E, U+2060..U+2064,
U+2066..U+2069, U+00AD, U+FEFF)."""


@pytest.mark.parametrize("code", HIDDEN, ids=lambda code: f"U+{code:04X}")
def test_fold_drops_each_hidden_character(code):
    name = f"公文{chr(code)}办理及时率"
    assert fold(name) == fold("公文办理及时率")
    assert fold(name + chr(code)) == fold("公文办理及时率")
    assert hidden_characters(name) == [f"U+{code:04X}"]


def test_visible_characters_are_kept():
    assert fold("办结率 ≥90%") == "办结率 ≥90%"
    assert hidden_characters("办结率\u3000≥90%") == []


def test_extraction_keeps_the_raw_name_and_warns_on_the_cell(tmp_path):
    """Insert a zero-width space and a trailing right-to-left override into two names."""
    lines = SAMPLE.read_text(encoding="utf-8").split("\n")
    first = lines.index("\t公文办理及时率")  # indicator names of the sample (lines 90, 110)
    second = lines.index("\t群众满意度")
    lines[first] = "\t公文\u200b办理及时率"
    lines[second] = "\t群众满意度\u202e"
    path = tmp_path / "hidden.txt"
    path.write_text("\n".join(lines), encoding="utf-8")

    clean, marked = extract_file(SAMPLE), extract_file(path)
    hidden = [d for d in marked.diagnostics if d.code == "hidden_characters"]
    assert [(d.line, d.severity, d.message) for d in hidden] == [
        (first + 1, "warning", "hidden characters U+200B in the text"),
        (second + 1, "warning", "hidden characters U+202E in the text"),
    ]
    assert not [d for d in clean.diagnostics if d.code == "hidden_characters"]
    names = [i.name for _, i in marked.iter_indicators()]
    assert "公文\u200b办理及时率" in names and "群众满意度\u202e" in names  # raw text kept
    assert len(names) == len(list(clean.iter_indicators()))


def test_reports_show_hidden_characters_as_marks():
    ladder = ("≥80%", "≤60%", ">60%", "≤50%")
    named = indicator("群众满意度\u202e", 12, ladder, issues=("non_monotonic",))
    sub = activity("公文\u200b运转", 10, number="1", level="sub_activity", indicators=[named])
    result = audit_context(context_of(document([activity("合作", 5, subs=[sub])])))
    for report in (to_html(result), to_markdown(result)):
        assert "\u202e" not in report and "\u200b" not in report
    assert "&lt;U+202E&gt;" in to_html(result)
