"""`kg ingest` of a folder as bureaus keep them: every published format side by side with
broken, locked and scanned files. Each bad file is one line naming it, every good file is
ingested, and the store holds exactly the indicator rows the answer keys list."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from builders import make_ole, make_pdf
from typer.testing import CliRunner

from kg.cli import app
from kg.graph.store import Store
from kg.synth.templates import generate_template_corpus

runner = CliRunner()

BAD = {
    "corrupt.xlsx": b"PK\x03\x04" + b"\x00" * 64,
    "truncated.docx": b"PK\x03\x04\x14\x00\x06\x00" + b"word/document.xml" * 3,
    "locked.xlsx": make_ole(["EncryptedPackage", "EncryptionInfo"]),
}


def scanned_pdf() -> bytes:
    import io

    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, invariant=1)
    page.rect(100, 100, 300, 200, fill=1)
    page.showPage()
    page.save()
    return buffer.getvalue()


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("bureau")
    generate_template_corpus(root, 6, seed=11, formats=("xlsx", "docx", "html", "pdf", "md", "txt"))
    for name, data in BAD.items():
        (root / name).write_bytes(data)
    (root / "scanned.pdf").write_bytes(scanned_pdf())
    (root / "locked.pdf").write_bytes(make_pdf(encrypt="secret"))
    (root / "notice.html").write_text(
        "<html><body><p>关于公开部门预算的通知</p><p>详见附件。</p></body></html>", encoding="utf-8"
    )
    return root


def test_bad_files_are_one_line_each_and_the_rest_is_ingested(folder, tmp_path):
    store = tmp_path / "store"
    result = runner.invoke(app, ["ingest", str(folder), "--store", str(store), "-q", "-j", "1"])
    assert result.exit_code == 1  # some files failed
    errors = [line for line in result.output.splitlines() if line.startswith("kg: error:")]
    bad = {*BAD, "scanned.pdf", "locked.pdf"}
    assert len(errors) == len(bad)
    for name in bad:
        assert sum(name in line for line in errors) == 1, (name, errors)
    assert any("scanned PDF" in line for line in errors)
    assert any("password" in line for line in errors)
    assert "Traceback" not in result.output
    # the six generated documents and the notice are in the store; their rows all arrived
    expected = sum(
        len(table["indicators"])
        for answer in folder.glob("*.answer.json")
        for table in json.loads(answer.read_text("utf-8"))["tables"]
    )
    rows = Store(store, read_only=True).select(
        "SELECT (COUNT(?i) AS ?n) WHERE { ?i a pi:ProjectIndicator }"
    )
    assert int(rows[0]["n"]) == expected
    assert f"{6 + 1} ingested" in result.output.replace("file(s): ", "")
