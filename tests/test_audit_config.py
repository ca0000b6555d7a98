"""Audit configuration (TOML) and the machine-readable renderers on hand-written records."""

from __future__ import annotations

import csv
import io
import json

import pytest
from builders import activity, context_of, document, indicator

from kg.audit import audit_context, load_config
from kg.audit.report import to_csv, to_html, to_json, to_markdown
from kg.errors import KgError

HOSTILE = '<script>alert("x")</script>'


def _result(config=None):
    bad = indicator(HOSTILE, 12, ("≥80%", "≤60%", ">60%", "≤50%"), issues=("non_monotonic",))
    sub = activity("结算", 10, number="1", level="sub_activity", budget="95000", indicators=[bad])
    return audit_context(context_of(document([activity("合作", 5, subs=[sub])])), config)


def test_config_disables_regrades_and_reparameterises(tmp_path):
    path = tmp_path / "audit.toml"
    path.write_text(
        '[audit]\ndisable = ["ladder.gap"]\nview_link = "v.html#node={anchor}"\n'
        '[rules."ladder.non_monotonic"]\nseverity = "warning"\n'
        '[rules."copies.template_ladder"]\nmin_indicators = 1\n'
        '[rules."structure.goal_reused"]\nenabled = false\n',
        encoding="utf-8",
    )
    config = load_config(path)
    assert config.disabled == {"ladder.gap", "structure.goal_reused"}
    result = _result(config)
    assert {f.rule: f.severity for f in result.findings}["ladder.non_monotonic"] == "warning"
    assert result.count("copies.template_ladder") == 1  # one indicator is enough now
    assert "ladder.gap" not in {r.id for r in result.rules}
    assert 'href="v.html#node=' in to_html(result)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[audit\n", "not valid TOML"),
        ('[audit]\ndisable = ["nope.rule"]\n', "unknown rule 'nope.rule'"),
        ('[rules."ladder.gap"]\nseverity = "fatal"\n', "severity must be one of"),
        ('[rules."ladder.gap"]\nthreshold = 3\n', "has no parameter 'threshold'"),
        ('[rules."copies.template_ladder"]\nmin_indicators = "many"\n', "must be int"),
        ("[reports]\n", "unknown section"),
    ],
)
def test_config_mistakes_name_the_file(tmp_path, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(KgError, match=message) as caught:
        load_config(path)
    assert str(path) in str(caught.value)


def test_json_csv_md_carry_the_evidence():
    result = _result()
    data = json.loads(to_json(result))
    finding = next(f for f in data["findings"] if f["rule"] == "ladder.non_monotonic")
    assert finding["budget"] == 95000.0
    assert finding["evidence"] == [
        {"file": "invented.txt", "line": 12, "text": f"{HOSTILE} | ≥80% | ≤60% | >60% | ≤50%"}
    ]
    rows = list(csv.DictReader(io.StringIO(to_csv(result))))
    assert {"ladder.non_monotonic"} <= {row["rule"] for row in rows}
    # Markdown: the place, then the text with HTML and Markdown syntax escaped (kg.output.md_text)
    assert "invented\\.txt:12 &lt;script&gt;alert\\(" in to_markdown(result)


def test_html_escapes_document_text():
    page = to_html(_result())
    assert HOSTILE not in page and "&lt;script&gt;" in page
    assert "http://" not in page.replace("http://www.w3.org/2000/svg", "")


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ('view_link = "caf\xe9 {anchor}"\n'.encode("latin-1"), "not UTF-8 text"),
        (("a=" + "[" * 600 + "]" * 600 + "\n").encode(), "nested too deeply"),
        (b"rules = 5\n", "rules: 5 is not of type 'object'"),
        (b'[rules."ladder.gap"]\nseverity = 3\n', "severity must be one of"),
        (b'[rules."copies.template_ladder"]\nmin_indicators = true\n', "must be int, not True"),
        (b'[rules."ladder.gap".x]\n', "has no parameter 'x'"),
        (b"[audit]\ndisable = [1]\n", "unknown rule 1"),
    ],
)
def test_config_of_any_shape_is_one_line(tmp_path, data, words):
    """Binary, Latin-1, deeply nested and wrongly typed TOML: one line naming the file."""
    path = tmp_path / "odd.toml"
    path.write_bytes(data)
    with pytest.raises(KgError) as caught:
        load_config(path)
    message = str(caught.value)
    assert words in message and "odd.toml" in message and "\n" not in message
