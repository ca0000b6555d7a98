"""`kg demo` as the README shows it: samples → store → duplicates → audit report → views."""

import json

from typer.testing import CliRunner

from kg.cli import app


def test_demo_writes_store_report_and_views(tmp_path):
    out = tmp_path / "demo-out"
    result = CliRunner().invoke(app, ["demo", "--out", str(out), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    for rel in ["report/audit.html", "report/audit.json", "views/tree.html", "views/ontology.html"]:
        assert (out / rel).is_file(), rel
        assert str(out / rel) in result.output
    assert (out / "kg-store").is_dir()

    report = json.loads((out / "report" / "audit.json").read_text(encoding="utf-8"))
    assert report["findings"], "the samples carry planted defects; the audit must find them"
    assert all(ev["file"] and ev["line"] for f in report["findings"] for ev in f["evidence"])

    # The report links into the views and the views link back to the report.
    html = (out / "report" / "audit.html").read_text(encoding="utf-8")
    assert "../views/tree.html#node=" in html
    assert "../report/audit.html" in (out / "views" / "tree.html").read_text(encoding="utf-8")
    # Nothing in the outputs reaches for the network.
    for page in out.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "https://cdn" not in text and '<script src="http' not in text, page
