"""`kg ingest` run again: after a pipeline-version change, with `--force`, and with a bad file
among good ones (docs/graph.md, `kg ingest PATH…`).

How the expected values were derived, from the documented behaviour rather than from a run:
a document is skipped only when its content hash and the pipeline version are both unchanged;
a changed pipeline (or ``--force``) re-maps every document and replaces its graph, so the
store keeps one graph per file (2 here: one seed and one sample), and since IRIs come from
content only (docs/graph.md, "IRIs") the re-mapped graphs differ from the first ones in
nothing but the recorded version: the ``pi:pipelineVersion`` of each document node and the
commit record in ``pig:catalog``. A file that cannot be read is one ``kg: error:`` line
naming it, the others are ingested, and the exit code is 1 ("Exit 1 when a file failed").
"""

from __future__ import annotations

import shutil

import pytest
from typer.testing import CliRunner

import kg.ingest.local
from kg.cli import app
from kg.graph.store import Store

runner = CliRunner()


@pytest.fixture
def folder(tmp_path, seed_path, samples_dir):
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(seed_path("003"), docs)
    shutil.copy(samples_dir / "101_yunxi_government_office.txt", docs)
    return docs


def _ingest(folder, store, *extra):
    return runner.invoke(
        app, ["ingest", str(folder), "--store", str(store), "-j", "1", "-q", *extra]
    )


def _lines(store_path) -> list[str]:
    with Store(store_path, read_only=True) as store:
        return sorted(store.dump("nquads").decode().splitlines())


def _versions(store_path) -> set[str]:
    with Store(store_path, read_only=True) as store:
        return set(store.committed().values())


def test_a_pipeline_version_change_replaces_each_graph_without_duplicating(
    folder, tmp_path, monkeypatch
):
    store = tmp_path / "kg-store"
    first = _ingest(folder, store)
    assert first.exit_code == 0, first.output
    assert "2 ingested, 0 replaced, 0 unchanged" in first.output
    before = _lines(store)
    (old,) = _versions(store)

    monkeypatch.setattr(kg.ingest.local, "pipeline_version", lambda: "changed-pipeline")
    second = _ingest(folder, store)
    assert second.exit_code == 0, second.output
    assert "2 file(s): 0 ingested, 2 replaced, 0 unchanged, 0 failed" in second.output
    after = _lines(store)
    assert _versions(store) == {"changed-pipeline"}
    assert len(after) == len(before)  # replaced, not added beside the old graph
    removed, added = set(before) - set(after), set(after) - set(before)
    # per document its pi:pipelineVersion, nothing else (dump() leaves out pig:catalog,
    # whose commit records _versions() checked)
    assert len(removed) == len(added) == 2
    assert all("/def/pipelineVersion>" in line for line in removed | added)
    assert all(f'"{old}"' in line for line in removed)
    assert all('"changed-pipeline"' in line for line in added)
    assert sorted(line.replace(f'"{old}"', '"changed-pipeline"') for line in before) == after

    third = _ingest(folder, store)  # the same changed version again: nothing to do
    assert third.output.startswith("2 file(s) unchanged since they were ingested")


def test_force_re_maps_every_unchanged_document(folder, tmp_path, monkeypatch):
    store = tmp_path / "kg-store"
    assert _ingest(folder, store).exit_code == 0
    before = _lines(store)
    mapped: list[str] = []
    real = kg.ingest.local.process_file

    def counting(path, recorded_path, version):
        mapped.append(recorded_path)
        return real(path, recorded_path, version)

    monkeypatch.setattr(kg.ingest.local, "process_file", counting)
    unchanged = _ingest(folder, store)
    assert unchanged.output.startswith("2 file(s) unchanged") and mapped == []
    forced = _ingest(folder, store, "--force")
    assert forced.exit_code == 0, forced.output
    assert "2 file(s): 0 ingested, 2 replaced, 0 unchanged, 0 failed" in forced.output
    assert sorted(mapped) == [
        "docs/003_2709046b083e087d.txt",
        "docs/101_yunxi_government_office.txt",
    ]
    assert _lines(store) == before  # same code, same content: the same quads


def test_bad_files_among_good_ones_are_named_and_the_good_ones_ingested(folder, tmp_path):
    """A corrupt workbook (a zip header, then noise) and a PDF cut after its header, beside
    two good documents, in one parallel ingest."""
    (folder / "broken.xlsx").write_bytes(b"PK\x03\x04" + bytes(range(256)) * 2)
    (folder / "truncated.pdf").write_bytes(b"%PDF-1.4\n1 0 obj\n<<")
    store = tmp_path / "kg-store"
    result = runner.invoke(app, ["ingest", str(folder), "--store", str(store), "-j", "2", "-q"])
    assert result.exit_code == 1
    assert "4 file(s): 2 ingested, 0 replaced, 0 unchanged, 2 failed" in result.stdout
    errors = [line for line in result.stderr.splitlines() if line.startswith("kg: error:")]
    assert len(errors) == 2
    # named as ingest records them (the folder's name, then the file), like the mapped ones
    assert errors[0].startswith("kg: error: docs/broken.xlsx: not a readable .xlsx file")
    assert errors[1].startswith("kg: error: docs/truncated.pdf: not a readable PDF")
    with Store(store, read_only=True) as opened:
        assert sorted(d.file_path for d in opened.documents()) == [
            "docs/003_2709046b083e087d.txt",
            "docs/101_yunxi_government_office.txt",
        ]
    # the bad files are not recorded as done: the next run tries them again
    again = _ingest(folder, store)
    assert again.exit_code == 1
    assert "4 file(s): 0 ingested, 0 replaced, 2 unchanged, 2 failed" in again.stdout
