"""Views (a)–(d) built from a store: a small hand-written graph that follows the ontology.

The fixture uses the shapes the mapping writes (ontology.md §2): departments with
``skos:prefLabel``, activities and indicators with ``pi:ofDepartment``, provenance through
``prov:wasDerivedFrom`` spans, grade bands with ``pi:grade``, findings in an audit graph. Its
names carry hostile markup, which must arrive in the page as data, never as markup.
"""

from __future__ import annotations

import json
import re

import pytest
from builders import AUDIT, DOC, EVIL_CELL, EVIL_NAME, expand_ids

from kg.errors import KgError
from kg.graph.namespace import PIG
from kg.graph.store import Store
from kg.views import department_tree, duplicate_clusters, ladder_hubs, ontology_view


@pytest.fixture(scope="module")
def store() -> Store:
    store = Store()
    store.ensure_ontology()
    store.replace_graph(PIG["doc/a"], expand_ids(DOC), fmt="turtle")
    store.replace_graph(PIG["audit/verbatim-copy"], expand_ids(AUDIT), fmt="turtle")
    return store


def _data(view) -> dict:
    page = view.html()
    block = re.search(r'id="kg-data">(.*?)</script>', page, re.S).group(1)
    assert "<" not in block
    return json.loads(block)


def test_department_tree_has_every_level_flags_and_sources(store):
    view = department_tree(store, "北戴河")
    graph = view.graph
    assert view.title == "Department tree: 北戴河新区办公室"
    kinds = sorted(kind for _, kind in graph.nodes(data="kind"))
    assert kinds == [
        "activity",
        "band",
        "band",
        "department",
        "indicator",
        "indicator",
        "indicator",
        "sub_activity",
    ]
    i1 = "https://w3id.org/pikg/id/indicator/i1"
    assert list(nx_path(graph, i1)) == [
        "https://w3id.org/pikg/id/dept/a",
        "https://w3id.org/pikg/id/activity/a1",
        "https://w3id.org/pikg/id/activity/a2",
        i1,
    ]
    node = graph.nodes[i1]
    assert node["label"] == EVIL_NAME and node["source"] == "000.txt:12"
    assert node["flagged"] and node["severity"] == "error"
    assert graph.nodes[i1 + "/band/4"]["flagged"]
    assert graph.nodes["https://w3id.org/pikg/id/activity/a1"]["source"] == "000.txt:10"
    data = _data(view)
    assert data["meta"][i1]["label"] == EVIL_NAME
    assert ["raw text", EVIL_CELL] in data["meta"][i1 + "/band/1"]["details"]


def nx_path(graph, node):
    chain = [node]
    while preds := list(graph.predecessors(chain[0])):
        chain.insert(0, preds[0])
    return chain


def test_all_departments_and_unknown_department(store):
    assert department_tree(store).graph.number_of_nodes() == 11
    with pytest.raises(KgError, match="matches no department"):
        department_tree(store, "不存在的部门")
    with pytest.raises(KgError, match="ambiguous"):
        department_tree(store, "办")


def test_department_name_is_bound_not_spliced(store):
    with pytest.raises(KgError, match="matches no department"):
        department_tree(store, '" } } DROP ALL ; SELECT * { "')
    assert len(store.select("SELECT * WHERE { ?s a pi:Department }")) == 2


def test_duplicate_clusters_draw_finding_departments_members(store):
    view = duplicate_clusters(store)
    graph = view.graph
    f1 = "https://w3id.org/pikg/id/finding/f1"
    i2, i3 = (f"https://w3id.org/pikg/id/indicator/{i}" for i in ("i2", "i3"))
    assert graph.nodes[f1]["kind"] == "verbatim-copy"
    assert graph.nodes[f1]["label"] == "大型会议控制率"
    assert "2 个部门" in graph.nodes[f1]["caption"]
    groups = list(graph.successors(f1))
    assert sorted(graph.nodes[g]["department"] for g in groups) == [
        "北戴河新区办公室",
        "青龙县政府办",
    ]
    members = [m for g in groups for m in graph.successors(g)]
    assert sorted(graph.nodes[m]["ref"] for m in members) == [i2, i3]
    copy_of_i2 = next(m for m in members if graph.nodes[m]["ref"] == i2)
    matched = dict(graph.nodes[copy_of_i2]["details"])["matched with"]
    assert matched and "大型会议控制率（%）" in matched[0]  # the evidence names the other member
    assert ("departments", "2") in graph.nodes[f1]["details"]
    data = _data(view)
    assert data["tree"]["rootList"] and data["tree"]["roots"] == [f1]
    assert data["meta"][copy_of_i2]["ref"] == i2  # #node=<indicator IRI> resolves to the copy


def test_ladder_ring_only_on_ladders_that_are_defective_themselves(store):
    graph = ladder_hubs(store).graph
    hub = "https://w3id.org/pikg/id/tpl/t1"
    assert graph.degree(hub) == 3
    assert graph.nodes[hub]["flagged"]  # non-monotonic: the ladder itself
    assert ("departments", "2") in graph.nodes[hub]["details"]
    assert graph.nodes[hub]["label"] == "≥1% | ≥0.5% | ≥0.3% | <0.3%"
    standard = graph.nodes["https://w3id.org/pikg/id/tpl/t2"]
    assert not standard["flagged"]  # unit-mismatch belongs to the indicator that uses it
    assert ("issues of indicators using it", "unit_mismatch") in standard["details"]
    assert graph.nodes["https://w3id.org/pikg/id/indicator/i4"]["flagged"]
    assert ladder_hubs(store, min_uses=4).graph.number_of_nodes() == 0


def test_empty_store_views_say_which_command_fills_them():
    empty = Store()
    for view in (department_tree(empty), duplicate_clusters(empty), ladder_hubs(empty)):
        data = _data(view)
        assert data["nodes"] == [] and "kg " in data["empty"]


def test_ontology_view_is_a_class_diagram_with_schemes_apart():
    view = ontology_view()
    graph = view.graph
    pi = "https://w3id.org/pikg/def/"
    assert graph.nodes[pi + "ActivityIndicator"]["kind"] == "class"
    assert graph.edges[pi + "ActivityIndicator", pi + "Indicator"]["kind"] == "subclass"
    assert "pi:hasGradeBand" in graph.edges[pi + "ActivityIndicator", pi + "GradeBand"]["label"]
    assert {kind for _, kind in graph.nodes(data="kind")} == {"class", "external", "scheme"}
    properties = dict(graph.nodes[pi + "Indicator"]["details"])
    assert "datatype property pi:indicatorName" in properties
    schemes = [n for n, kind in graph.nodes(data="kind") if kind == "scheme"]
    assert len(schemes) > 5
    class_rows = {graph.nodes[n]["cell"][1] for n in graph if graph.nodes[n]["kind"] != "scheme"}
    assert min(graph.nodes[n]["cell"][1] for n in schemes) > max(class_rows)
    cells = [graph.nodes[n]["cell"] for n in graph]
    assert len(cells) == len(set(cells))  # one box per cell: labels cannot collide
    assert _data(view)["mode"] == "grid"


RANKED = """
@prefix pi: <https://w3id.org/pikg/def/> . @prefix pid: <https://w3id.org/pikg/id/> .
@prefix ftype: <https://w3id.org/pikg/def/finding-type/> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
pid:finding/ladder a pi:Finding ; pi:findingType ftype:reused-ladder ; skos:prefLabel "≥80%|≤60%" ;
    pi:member pid:indicator/i1 , pid:indicator/i2 , pid:indicator/i3 ; pi:rankScore 9.0 .
pid:finding/probable a pi:Finding ; pi:findingType ftype:probable-copy ; skos:prefLabel "甲" ;
    pi:member pid:indicator/i2 , pid:indicator/i3 ; pi:flag "confidence:low" .
pid:finding/slot a pi:Finding ; pi:findingType ftype:slot-copy ; skos:prefLabel "乙" ;
    pi:member pid:indicator/i1 , pid:indicator/i2 ; pi:flag "confidence:medium" .
"""


def test_duplicates_list_copies_surest_first_and_reused_ladders_last():
    """The reused ladder spans the most indicators and the probable copy two departments,
    yet the medium-confidence slot copy comes first and the ladder (not a copy) last."""
    store = Store()
    store.ensure_ontology()
    store.replace_graph(PIG["doc/a"], expand_ids(DOC), fmt="turtle")
    store.replace_graph(PIG["audit/slot-copy"], expand_ids(RANKED), fmt="turtle")
    roots = _data(duplicate_clusters(store))["tree"]["roots"]
    assert [r.rsplit("/", 1)[1] for r in roots] == ["slot", "probable", "ladder"]
