"""Issue 19.5 and 19.6: audit configuration cannot read Python objects, reports are strict JSON."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from builders import activity, context_of, document, indicator

from kg.audit import AuditConfig, audit_context, load_config, run_audit
from kg.audit.registry import Rule, new_finding
from kg.audit.report import to_html, to_json, view_href
from kg.errors import KgError
from kg.graph.store import Store

TOLERANCE_RULE = "structure.budget_rollup"  # its tolerance parameter is a float (0.005)


def _context():
    ladder = indicator("办结率", 12, ("≥80%", "≤60%", ">60%", "≤50%"), issues=("non_monotonic",))
    sub = activity("结算", 10, number="1", level="sub_activity", budget="100", indicators=[ladder])
    return context_of(document([activity("合作", 5, subs=[sub])]))


@pytest.mark.parametrize(
    "template",
    [
        "x{anchor.__class__.__mro__}",
        "x{anchor!r}",
        "x{anchor}{0}",
        "x{other}{anchor}",
        "no placeholder",
    ],
)
def test_view_link_with_more_than_the_anchor_is_refused_naming_the_key(tmp_path, template):
    path = tmp_path / "audit.toml"
    path.write_text(f"[audit]\nview_link = {json.dumps(template)}\n", encoding="utf-8")
    with pytest.raises(KgError, match=r"audit\.toml: \[audit\] view_link must contain"):
        load_config(path)


def test_view_link_is_substituted_as_text_never_formatted():
    # Built directly (not through load_config): even then nothing is evaluated.
    assert view_href("x{anchor.__class__.__mro__}", "urn:a") == "x{anchor.__class__.__mro__}"
    assert view_href("v.html#n={anchor}&again={anchor}", "urn:a b") == (
        "v.html#n=urn%3Aa%20b&again=urn%3Aa%20b"
    )
    config = AuditConfig(view_link="{anchor.__class__.__mro__}#{anchor}")
    html = to_html(audit_context(_context(), config))
    assert "object" not in html.split("<body", 1)[1].split("class=")[0]
    assert "{anchor.__class__.__mro__}#" in html


@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
def test_non_finite_parameter_in_config_is_refused_naming_the_rule(tmp_path, value):
    path = tmp_path / "audit.toml"
    path.write_text(f'[rules."RULE"]\ntolerance = {value}\n'.replace("RULE", TOLERANCE_RULE))
    with pytest.raises(
        KgError, match=f"rule {TOLERANCE_RULE}: parameter 'tolerance' must be a finite"
    ):
        load_config(path)


def _nan_rule(budget: Decimal) -> Rule:
    def check(context, params):
        record = context.indicators[0]
        yield new_finding(
            "预算", "budget", doc_id=record.doc_id, nodes=[record.id], evidence=[], budget=budget
        )

    return Rule(
        id="custom.nan_budget",
        func=check,
        severity="warning",
        group="custom",
        title_zh="t",
        title_en="t",
        description="returns a non-finite budget",
        finding_type="custom",
    )


@pytest.mark.parametrize("budget", [Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity")])
def test_rule_with_non_finite_budget_is_refused_naming_the_rule(budget):
    with pytest.raises(KgError, match=r"rule custom\.nan_budget gave a non-finite budget"):
        audit_context(_context(), extra_rules=[_nan_rule(budget)])


def test_custom_sparql_rule_with_infinite_budget_names_the_file(tmp_path):
    rule = tmp_path / "inf.rq"
    rule.write_text(
        'SELECT ?node ?message ?budget WHERE { BIND(pi:Indicator AS ?node) BIND("m" AS ?message)'
        ' BIND("INF"^^xsd:double AS ?budget) }\n',
        encoding="utf-8",
    )
    with Store() as store:
        store.ensure_ontology()
        with pytest.raises(KgError, match=r"inf\.rq: \?budget must be a finite number"):
            run_audit(store, rule_files=[rule], write=False)


def test_json_report_is_strict():
    result = audit_context(_context())
    text = to_json(result)
    json.loads(text, parse_constant=lambda name: pytest.fail(f"non-strict JSON constant {name}"))
    result.findings[0].data["score"] = float("nan")  # a rule that slipped a NaN into its data
    with pytest.raises(KgError, match="cannot write the JSON report"):
        to_json(result)
