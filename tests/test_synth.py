"""The synthetic corpus generator: determinism, manifest truth, hazards, planted copies."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from kg.errors import KgError
from kg.synth import (
    HAZARDS,
    MANIFEST_NAME,
    CorpusManifest,
    builtin_vocabulary,
    generate_corpus,
    generate_document,
    load_vocabulary,
    mine_folder,
)


@pytest.fixture(scope="module")
def seed_vocabulary(seeds_dir):
    return load_vocabulary(seeds_dir)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, seed_vocabulary) -> tuple[Path, CorpusManifest]:
    out = tmp_path_factory.mktemp("corpus")
    return out, generate_corpus(out, 150, seed=11, vocabulary=seed_vocabulary)


def _read(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.suffix == ".txt"}


def test_same_seed_same_bytes_whatever_the_workers(tmp_path, seed_vocabulary):
    one = generate_corpus(tmp_path / "a", 40, seed=5, vocabulary=seed_vocabulary, jobs=1)
    two = generate_corpus(tmp_path / "b", 40, seed=5, vocabulary=seed_vocabulary, jobs=2)
    assert _read(tmp_path / "a") == _read(tmp_path / "b")
    assert one.to_json() == two.to_json()
    other = generate_corpus(tmp_path / "c", 40, seed=6, vocabulary=seed_vocabulary)
    assert set(_read(tmp_path / "c")).isdisjoint(_read(tmp_path / "a"))
    assert other.totals() != one.totals()


def test_docx_corpus_is_the_same_bytes_at_any_time(tmp_path, seed_vocabulary):
    """The .docx files carry no clock: zip entry times and core dates are fixed."""
    generate_corpus(tmp_path / "a", 3, seed=5, fmt="docx", vocabulary=seed_vocabulary)
    later = [(info.date_time, info.filename) for info in _zip_infos(tmp_path / "a")]
    assert {date for date, _name in later} == {(2020, 1, 1, 0, 0, 0)}
    generate_corpus(tmp_path / "b", 3, seed=5, fmt="docx", vocabulary=seed_vocabulary)
    docx = sorted(p.name for p in (tmp_path / "a").glob("*.docx"))
    assert len(docx) == 3
    assert all((tmp_path / "a" / n).read_bytes() == (tmp_path / "b" / n).read_bytes() for n in docx)


def _zip_infos(folder: Path) -> list:
    import zipfile

    return [i for p in sorted(folder.glob("*.docx")) for i in zipfile.ZipFile(p).infolist()]


def test_manifest_round_trips_and_names_every_file(corpus):
    out, manifest = corpus
    loaded = CorpusManifest.load(out)
    assert loaded.to_json() == manifest.to_json()
    assert sorted(doc.path for doc in manifest.documents) == sorted(_read(out))
    assert (out / MANIFEST_NAME).is_file()
    totals = manifest.totals()
    assert totals["documents"] == 150
    assert totals["indicators"] == sum(doc.indicators for doc in manifest.documents)


def test_truth_matches_the_written_text(corpus):
    out, manifest = corpus
    for doc in manifest.documents:
        lines = (out / doc.path).read_text(encoding="utf-8").split("\n")[:-1]
        assert len(lines) == doc.lines
        assert sum(1 for line in lines if line.startswith("\t")) == doc.cells
        if doc.layout == "duty":
            assert doc.activities >= 1 and doc.projects == 0
            assert doc.grade_cells <= 4 * doc.indicators
        else:
            assert doc.projects >= 2 and doc.project_indicators >= 3 * doc.projects
            assert doc.activities == doc.indicators == 0


def test_every_hazard_is_planted_somewhere_and_points_at_a_real_line(corpus):
    out, manifest = corpus
    seen: set[str] = set()
    for doc in manifest.documents:
        lines = (out / doc.path).read_text(encoding="utf-8").split("\n")
        for hazard, where in doc.hazards.items():
            assert hazard in HAZARDS
            seen.add(hazard)
            for line in where:
                assert lines[line - 1].startswith("\t"), (doc.path, hazard, line)
        if "quoted_cell_span" in doc.hazards:
            start = doc.hazards["quoted_cell_span"][0]
            # the row continues after a blank line, on a TAB-less line
            window = lines[start - 1 : start + 4]
            assert "" in window and any(line and not line.startswith("\t") for line in window)
        if "unnumbered_activities" in doc.hazards:
            first = lines[doc.hazards["unnumbered_activities"][0] - 1]
            assert not first.startswith("\t一、")
    assert seen == set(HAZARDS)


def test_planted_families_are_verbatim_copies_at_the_recorded_lines(corpus):
    out, manifest = corpus
    texts = {
        doc.path: (out / doc.path).read_text(encoding="utf-8").split("\n")
        for doc in manifest.documents
    }
    assert manifest.families
    for family in manifest.families:
        assert len(family["members"]) >= 2, family["id"]
        for member in family["members"]:
            lines = texts[member["path"]]
            row = member["line"] - 1
            for indicator in family["indicators"]:
                assert lines[row] == "\t" + indicator["name"]
                assert lines[row + 1 : row + 5] == ["\t" + g for g in indicator["grades"]]
                row += 10  # next indicator row: blank, four empty cells, then the name
    assert manifest.totals()["planted_copies"] == sum(len(f["members"]) for f in manifest.families)


def test_mined_vocabulary_comes_from_the_seeds(seeds_dir):
    vocab = mine_folder(seeds_dir)
    names = {entry.name for entry in vocab.indicators}
    assert "发文核审差错率" in names  # 000:L264
    assert ("≥90%", "≥85%", "≥70%", "＜70%") in vocab.ladders
    assert any(row.name == "参谋协调运转" for row in vocab.activities)
    assert any(entry.name == "志书可参考率" for entry in vocab.project_indicators)  # 003
    # rows shaped like parser hazards are not mined as vocabulary
    assert "产出指标" not in names and "" not in names


def test_builtin_vocabulary_alone_is_enough():
    text, truth = generate_document(random.Random(3), builtin_vocabulary(), layout="duty")
    assert truth.indicators > 0 and truth.issuer in text
    text, truth = generate_document(random.Random(3), builtin_vocabulary(), layout="project")
    assert truth.projects > 0 and "三级指标" in text


def test_bad_requests_are_one_line_errors(tmp_path):
    with pytest.raises(KgError, match="at least 1"):
        generate_corpus(tmp_path, 0)
    with pytest.raises(KgError, match="unknown format"):
        generate_corpus(tmp_path, 1, fmt="pdf")
    with pytest.raises(KgError, match="vocabulary folder not found"):
        generate_corpus(tmp_path, 1, vocabulary=tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(KgError, match=r"no \*\.txt"):
        mine_folder(tmp_path / "empty")
