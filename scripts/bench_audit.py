"""Benchmark of the audit on a synthetic corpus (kg.synth): rules, copy clusters, report.

``run(size)`` writes a corpus, extracts and analyses it (not timed as audit), then times the
audit stages on the records: copy clusters (kg.duplicates), all built-in rules, and rendering
the HTML and JSON reports. Peak RSS is the process maximum (resource.getrusage).
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

SIZES = {"small": 20, "default": 100, "large": 500}


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(size: str = "default") -> dict:
    from kg.audit import audit_context, render
    from kg.audit.clusters import attach_copy_clusters
    from kg.extraction import extract_file
    from kg.nlp import analyze_document
    from kg.records.from_model import context_from_documents
    from kg.synth import generate_corpus

    documents = SIZES[size]
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        generate_corpus(corpus, documents, seed=0, jobs=1)
        started = time.perf_counter()
        analysed = [analyze_document(extract_file(p)) for p in sorted(corpus.glob("*.txt"))]
        prepare_s = time.perf_counter() - started

        started = time.perf_counter()
        context = context_from_documents(analysed)
        records_s = time.perf_counter() - started
        started = time.perf_counter()
        attach_copy_clusters(context)
        clusters_s = time.perf_counter() - started
        started = time.perf_counter()
        result = audit_context(context)
        rules_s = time.perf_counter() - started
        started = time.perf_counter()
        html = render(result, "html", Path(tmp) / "report")
        html_s = time.perf_counter() - started
        started = time.perf_counter()
        render(result, "json", Path(tmp) / "report")
        json_s = time.perf_counter() - started
        html_mb = html.stat().st_size / 1e6
    return {
        "size": size,
        "documents": documents,
        "indicators": len(context.indicators),
        "findings": len(result.findings),
        "extract_and_nlp_s": round(prepare_s, 2),
        "records_s": round(records_s, 3),
        "copy_clusters_s": round(clusters_s, 3),
        "rules_s": round(rules_s, 3),
        "html_s": round(html_s, 3),
        "json_s": round(json_s, 3),
        "html_mb": round(html_mb, 2),
        "peak_rss_mb": round(_peak_rss_mb()),
    }


if __name__ == "__main__":
    metrics = run(sys.argv[1] if len(sys.argv) > 1 else "default")
    width = max(map(len, metrics))
    for key, value in metrics.items():
        print(f"{key:<{width}}  {value}")
