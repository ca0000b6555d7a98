"""The main job end to end: documents → store → audit (with copy detection) → report → views.

``make demo`` runs it on the sample documents bundled with the package, so it works on a fresh
clone without the real seeds; point ``sources`` at any folder to run it on real disclosures.
The report links into the views and the views link back to the report.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kg.audit import run_audit
from kg.audit.config import AuditConfig
from kg.audit.report import render
from kg.graph.store import Store
from kg.ingest import IngestSummary, ingest
from kg.views import department_tree, duplicate_clusters, ladder_hubs, ontology_view

SAMPLES_DIR = Path(__file__).parent / "data" / "samples"
"""Fictional county documents in the seed layout, shipped for the demo and quick tests."""

VIEW_FILES = {
    "tree": "tree.html",
    "duplicates": "duplicates.html",
    "ladders": "ladders.html",
    "ontology": "ontology.html",
}


@dataclass
class DemoResult:
    """Where everything went, and what the run found."""

    out_dir: Path
    store_dir: Path
    report: Path
    report_json: Path
    views: dict[str, Path]
    ingest: IngestSummary
    clusters: int = 0
    findings: int = 0
    by_severity: dict[str, int] = field(default_factory=dict)


def run_demo(
    out_dir: str | Path,
    sources: Sequence[str | Path] | None = None,
    *,
    jobs: int | None = None,
    on_step: Callable[[str], None] | None = None,
) -> DemoResult:
    """Ingest ``sources`` (default: the bundled samples) into ``out_dir/kg-store``, detect copied
    indicators, audit, and write the report and the views under ``out_dir``.

    Not run as a doctest (a whole demo run; tests/test_cli_demo.py runs it):

    >>> import tempfile
    >>> result = run_demo(tempfile.mkdtemp(), jobs=1)  # doctest: +SKIP
    >>> result.report.name  # doctest: +SKIP
    'audit.html'
    """
    step = on_step or (lambda message: None)
    out = Path(out_dir)
    store_dir = out / "kg-store"
    report_dir = out / "report"
    views_dir = out / "views"
    views_dir.mkdir(parents=True, exist_ok=True)

    store = Store(store_dir)
    try:
        step("ingest: read, extract, analyse and map the documents")
        summary = ingest([Path(p) for p in (sources or [SAMPLES_DIR])], store, jobs=jobs)

        step("audit: copied indicators, ladders, indicators, structure and money")
        config = AuditConfig(view_link=f"../views/{VIEW_FILES['tree']}#node={{anchor}}")
        audit = run_audit(store, config)
        report = render(audit, "html", report_dir)
        report_json = render(audit, "json", report_dir)

        step("views: department tree, copy clusters, ladder hubs, ontology")
        back = f"../report/{report.name}"
        views = {
            "tree": department_tree(store, audit_href=back),
            "duplicates": duplicate_clusters(store, audit_href=back),
            "ladders": ladder_hubs(store, audit_href=back),
            "ontology": ontology_view(),
        }
        paths = {}
        for name, view in views.items():
            paths[name] = views_dir / VIEW_FILES[name]
            view.save(paths[name])
    finally:
        store.close()

    return DemoResult(
        out_dir=out,
        store_dir=store_dir,
        report=report,
        report_json=report_json,
        views=paths,
        ingest=summary,
        clusters=audit.count("copies.cluster"),
        findings=len(audit.findings),
        by_severity=dict(audit.by_severity()),
    )
