"""Review decisions in pig:curation through re-runs, re-ingest (unchanged, changed, deleted
document) and the CLI. The rows are those of the seeds: 大型会议控制率 000:284 ~ 004:537 (a
copy an auditor confirms) and the reused ladder ≥80%/≤60%/>60%/≤50% of 000 (dismissed here
only to exercise the switch)."""

from __future__ import annotations

import shutil

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.duplicates.graph_io import detect_in_store, write_findings
from kg.duplicates.review import decide, decisions, hidden_findings, review_states
from kg.errors import KgError
from kg.graph.namespace import CURATION_GRAPH
from kg.graph.store import Store
from kg.ingest import ingest

MEETING = (
    "SELECT ?f WHERE { ?f pi:findingType ftype:surface-copy ; pi:member ?m ."
    ' ?m pi:indicatorName "大型会议控制率"@zh }'
)
REUSED = (
    "SELECT ?f WHERE { ?f pi:findingType ftype:reused-ladder ;"
    ' pi:template "<X> @ ≥80% / ≤60% / >60% / ≤50%" }'
)


def _one(store: Store, query: str) -> str:
    (row,) = {r["f"] for r in store.select(query)}
    return row


def _rerun(store: Store) -> None:
    write_findings(store, detect_in_store(store))


@pytest.fixture
def docs(tmp_path, seed_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    for prefix in ("000", "004"):
        shutil.copy(seed_path(prefix), folder / seed_path(prefix).name)
    return folder


def _graph_of(store: Store, name: str) -> str:
    (info,) = [d for d in store.documents() if d.file_path.endswith(name)]
    return info.graph


def test_decisions_survive_reruns_and_follow_or_go_stale(tmp_path, docs):
    store = Store(tmp_path / "store")
    assert ingest([docs], store, jobs=1).ok
    _rerun(store)
    meeting, reused = _one(store, MEETING), _one(store, REUSED)
    decide(store, meeting, "confirmed", "same illogical ladder in two governments", by="审计员")
    decide(store, reused.rsplit("/", 1)[-1], "dismissed", "template, not a copy", by="审计员")
    states = {s.decision.finding: s for s in review_states(store)}
    assert states[meeting].state == "attached" and states[reused].state == "attached"
    assert hidden_findings(states.values()) == {reused}
    curation = store.triple_count(CURATION_GRAPH)

    # re-running the detector and re-ingesting unchanged documents keep every decision
    _rerun(store)
    assert ingest([docs], store, jobs=1).skipped == 2
    _rerun(store)
    assert store.triple_count(CURATION_GRAPH) == curation
    assert {s.state for s in review_states(store)} == {"attached"}

    # a changed 004 (another row edited) gets new indicator IRIs: the decision follows
    old_004 = _graph_of(store, "004_eef93c3b92583fa5.txt")
    path = docs / "004_eef93c3b92583fa5.txt"
    path.write_text(
        path.read_text(encoding="utf-8").replace("服务器升级率", "服务器更新率"), encoding="utf-8"
    )
    store.drop_graph(old_004)
    assert ingest([docs], store, jobs=1).ok
    _rerun(store)
    state = next(s for s in review_states(store) if s.decision.finding == meeting)
    assert state.state == "follows" and state.finding != meeting
    assert state.label == "大型会议控制率" and len(state.members) == 2

    # 004 deleted: the 004:537 row is gone, so the decision is stale
    store.drop_graph(_graph_of(store, "004_eef93c3b92583fa5.txt"))
    _rerun(store)
    state = next(s for s in review_states(store) if s.decision.finding == meeting)
    assert state.state == "stale" and state.finding is None
    # the dismissal on 000's own template still stands
    assert next(s for s in review_states(store) if s.decision.finding == reused).state == (
        "attached"
    )


def test_a_new_decision_replaces_the_old_one_and_bad_input_is_one_error(tmp_path, docs):
    store = Store(tmp_path / "store")
    assert ingest([docs], store, jobs=1).ok
    _rerun(store)
    meeting = _one(store, MEETING)
    decide(store, meeting, "dismissed", "first look")
    decide(store, meeting, "confirmed", "second look")
    (only,) = decisions(store)
    assert (only.status, only.note) == ("confirmed", "second look") and len(only.keys) == 2
    with pytest.raises(KgError, match="unknown review status"):
        decide(store, meeting, "maybe")
    with pytest.raises(KgError, match="no finding"):
        decide(store, "not-a-finding", "confirmed")


def test_review_cli(tmp_path, docs):
    location = tmp_path / "store"
    with Store(location) as store:
        assert ingest([docs], store, jobs=1).ok
        _rerun(store)
        meeting, reused = _one(store, MEETING), _one(store, REUSED)
    runner = CliRunner()
    short = meeting.rsplit("/", 1)[-1]
    done = runner.invoke(
        app, ["review", "confirm", short, "--note", "copied", "--by", "a", "--store", str(location)]
    )
    assert done.exit_code == 0, done.output
    runner.invoke(app, ["review", "dismiss", reused, "--store", str(location)])
    listed = runner.invoke(
        app, ["review", "list", "--store", str(location)], env={"COLUMNS": "200"}
    )
    assert listed.exit_code == 0, listed.output
    assert "confirmed" in listed.output and "attached" in listed.output
    assert "dismissed" not in listed.output  # hidden by default
    every = runner.invoke(
        app, ["review", "list", "--all", "--store", str(location)], env={"COLUMNS": "200"}
    )
    assert "dismissed" in every.output
    bad = runner.invoke(app, ["review", "confirm", "nope", "--store", str(location)])
    assert bad.exit_code != 0 and "no finding 'nope'" in str(bad.exception)


def test_decisions_travel_with_an_export(tmp_path, docs):
    import pyoxigraph as ox

    store = Store(tmp_path / "store")
    assert ingest([docs], store, jobs=1).ok
    _rerun(store)
    meeting = _one(store, MEETING)
    decide(store, meeting, "confirmed", "copied", by="审计员")
    copy = Store(tmp_path / "copy")
    copy.oxigraph.load(store.dump("nquads"), format=ox.RdfFormat.N_QUADS)
    (state,) = review_states(copy)
    assert (state.state, state.finding, state.decision.note) == ("attached", meeting, "copied")
    assert state.decision.by == "审计员" and len(state.members) == 2


def test_rerunning_the_audit_keeps_decisions(tmp_path, docs):
    from kg.audit.run import run_audit

    store = Store(tmp_path / "store")
    assert ingest([docs], store, jobs=1).ok
    _rerun(store)
    decide(store, _one(store, MEETING), "confirmed", "copied")
    before = store.triple_count(CURATION_GRAPH)
    run_audit(store)
    assert store.triple_count(CURATION_GRAPH) == before
    (state,) = review_states(store)
    # the audit rewrites the copy graphs from its own records: same rows, so the decision
    # is attached to the same finding or follows the audit's finding for them
    assert state.state in ("attached", "follows") and state.label == "大型会议控制率"
