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

from kg.errors import KgError
from kg.namespace import PIG
from kg.store import Store
from kg.views import department_tree, duplicate_clusters, ladder_hubs, ontology_view

EVIL_NAME = '<script>alert("x")</script>办结率'
EVIL_CELL = "<img src=x onerror=alert(1)>≥90%"

DOC = """
@prefix pi: <https://w3id.org/pikg/def/> . @prefix pid: <https://w3id.org/pikg/id/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> . @prefix prov: <http://www.w3.org/ns/prov#> .
@prefix oa: <http://www.w3.org/ns/oa#> . @prefix grade: <https://w3id.org/pikg/def/grade/> .
@prefix issue: <https://w3id.org/pikg/def/ladder-issue/> .
@prefix parse: <https://w3id.org/pikg/def/parse-status/> .

pid:doc/a a pi:SourceDocument ; pi:fileName "000.txt" .
pid:dept/a a pi:Department ; skos:prefLabel "北戴河新区办公室"@zh ; pi:budgetCode "201" ;
    pi:hasDutyActivity pid:activity/a1 .
pid:dept/b a pi:Department ; skos:prefLabel "青龙县政府办"@zh .
pid:activity/a1 a pi:DutyActivity ; pi:ofDepartment pid:dept/a ; skos:prefLabel "公文运转"@zh ;
    pi:number "一" ; pi:budget 12.5 ; pi:hasSubActivity pid:activity/a2 ;
    prov:wasDerivedFrom pid:doc/a/lines/10-10 .
pid:doc/a/lines/10-10 pi:startLine 10 ; oa:hasSource pid:doc/a .
pid:activity/a2 a pi:SubActivity ; pi:ofDepartment pid:dept/a ; skos:prefLabel "会务接待"@zh ;
    pi:hasIndicator pid:indicator/i1 , pid:indicator/i2 .
pid:indicator/i1 a pi:Indicator , pi:ActivityIndicator ; pi:ofDepartment pid:dept/a ;
    pi:indicatorName "EVIL_NAME"@zh ; pi:hasGradingScheme pid:indicator/i1/scheme ;
    pi:usesThresholdTemplate pid:tpl/t1 ;
    pi:hasGradeBand pid:indicator/i1/band/1 , pid:indicator/i1/band/4 ;
    prov:wasDerivedFrom pid:doc/a/lines/12-13 .
pid:indicator/i1/scheme pi:ladderIssue issue:non-monotonic ; pi:usesThresholdTemplate pid:tpl/t1 .
pid:doc/a/lines/12-13 pi:startLine 12 ; pi:endLine 13 ; oa:hasSource pid:doc/a .
pid:indicator/i1/band/1 pi:grade grade:excellent ; pi:rawText "EVIL_CELL"@zh ;
    pi:parseStatus parse:parsed .
pid:indicator/i1/band/4 pi:grade grade:poor ; pi:rawText "???"@zh ; pi:parseStatus parse:unparsed .
pid:indicator/i2 a pi:Indicator , pi:ActivityIndicator ; pi:ofDepartment pid:dept/a ;
    pi:indicatorName "会议控制率"@zh ; pi:usesThresholdTemplate pid:tpl/t1 .
pid:indicator/i3 a pi:Indicator , pi:ActivityIndicator ; pi:ofDepartment pid:dept/b ;
    pi:indicatorName "大型会议控制率（%）"@zh ; pi:usesThresholdTemplate pid:tpl/t1 .
pid:tpl/t1 a pi:ThresholdTemplate ; pi:signature "ge1%|ge0.5%|ge0.3%|lt0.3%" .
"""
DOC = DOC.replace("EVIL_NAME", EVIL_NAME.replace('"', '\\"')).replace("EVIL_CELL", EVIL_CELL)

AUDIT = """
@prefix pi: <https://w3id.org/pikg/def/> . @prefix pid: <https://w3id.org/pikg/id/> .
@prefix ftype: <https://w3id.org/pikg/def/finding-type/> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
pid:finding/f1 a pi:Finding ; pi:findingType ftype:verbatim-copy ; skos:prefLabel "大型会议控制率" ;
    pi:member pid:indicator/i2 , pid:indicator/i3 ; pi:similarityScore 1.0 ;
    pi:evidence pid:finding/f1/pair/1 .
pid:finding/f1/pair/1 pi:subject pid:indicator/i2 ; pi:object pid:indicator/i3 .
"""


@pytest.fixture(scope="module")
def store() -> Store:
    store = Store()
    store.ensure_ontology()
    store.replace_graph(PIG["doc/a"], _turtle(DOC), fmt="turtle")
    store.replace_graph(PIG["audit/verbatim-copy"], _turtle(AUDIT), fmt="turtle")
    return store


def _turtle(text: str) -> str:
    """Expand ``pid:a/b`` (slashes are not allowed in Turtle prefixed names) to full IRIs."""
    return re.sub(r"pid:([\w/-]+)", r"<https://w3id.org/pikg/id/\1>", text)


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
    assert department_tree(store).graph.number_of_nodes() == 9
    with pytest.raises(KgError, match="matches no department"):
        department_tree(store, "不存在的部门")
    with pytest.raises(KgError, match="ambiguous"):
        department_tree(store, "办")


def test_department_name_is_bound_not_spliced(store):
    with pytest.raises(KgError, match="matches no department"):
        department_tree(store, '" } } DROP ALL ; SELECT * { "')
    assert len(store.select("SELECT * WHERE { ?s a pi:Department }")) == 2


def test_duplicate_clusters_link_members_by_evidence(store):
    view = duplicate_clusters(store)
    graph = view.graph
    f1 = "https://w3id.org/pikg/id/finding/f1"
    i2, i3 = (f"https://w3id.org/pikg/id/indicator/{i}" for i in ("i2", "i3"))
    assert graph.nodes[f1]["kind"] == "verbatim-copy"
    assert graph.nodes[f1]["label"] == "大型会议控制率"
    assert graph.edges[i2, i3]["kind"] == "evidence"
    assert {graph.nodes[i]["department"] for i in (i2, i3)} == {"北戴河新区办公室", "青龙县政府办"}
    assert ("departments", "2") in graph.nodes[f1]["details"]


def test_ladder_hubs_gather_users_across_departments(store):
    graph = ladder_hubs(store).graph
    hub = "https://w3id.org/pikg/id/tpl/t1"
    assert graph.degree(hub) == 3
    assert graph.nodes[hub]["flagged"]
    assert ("departments", "2") in graph.nodes[hub]["details"]
    assert ladder_hubs(store, min_uses=4).graph.number_of_nodes() == 0


def test_ontology_view_shows_classes_and_properties():
    graph = ontology_view().graph
    indicator = "https://w3id.org/pikg/def/ActivityIndicator"
    assert graph.nodes[indicator]["kind"] == "class"
    assert graph.has_edge(indicator, "https://w3id.org/pikg/def/Indicator")
    band = "https://w3id.org/pikg/def/hasGradeBand"
    assert graph.has_edge(band, "https://w3id.org/pikg/def/GradeBand")
