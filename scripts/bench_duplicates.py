"""Benchmark of the duplicate detector against the naive all-pairs baseline.

``run(size)`` generates a labelled set (kg.duplicates.synthetic), times ``detect`` on it and
times rapidfuzz ``cdist`` (all pairs of names, both cores) on a slice of rows, extrapolated
to the full square. Peak RSS is the process maximum (resource.getrusage).
"""

from __future__ import annotations

import resource
import sys
import time

SIZES = {"small": 10_000, "default": 100_000, "large": 1_000_000}


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(size: str = "default") -> dict:
    import numpy as np
    from rapidfuzz import fuzz, process

    from kg.duplicates import detect
    from kg.duplicates.scoring import score
    from kg.duplicates.synthetic import generate

    target = SIZES[size]
    started = time.perf_counter()
    records, labels = generate(1, target)
    generate_s = time.perf_counter() - started

    started = time.perf_counter()
    result = detect(records)
    detect_s = time.perf_counter() - started
    metrics = score(result.assignments(), labels, result.block_assignments())

    names = [r.text for r in records]
    rows = min(len(names), 2_000)
    started = time.perf_counter()
    process.cdist(names[:rows], names, scorer=fuzz.ratio, dtype=np.uint8, workers=-1)
    chunk_s = time.perf_counter() - started
    baseline_s = chunk_s * len(names) / rows
    return {
        "size": size,
        "records": len(records),
        "generate_s": round(generate_s, 2),
        "detect_s": round(detect_s, 2),
        "detect_layers_s": result.stats["seconds"],
        "baseline_cdist_s_extrapolated": round(baseline_s, 1),
        "baseline_pairs_per_s": round(rows * len(names) / chunk_s),
        "speedup_vs_baseline": round(baseline_s / detect_s, 1),
        "pairwise_f1": metrics["pairwise"]["f1"],
        "block_f1": metrics.get("blocks", {}).get("f1"),
        "hard_negative_merge": metrics["hard_negatives"]["merged_with_anchor"],
        "clusters": len(result.clusters),
        "peak_rss_mb": round(_peak_rss_mb(), 1),
    }


if __name__ == "__main__":
    outcome = run(sys.argv[1] if len(sys.argv) > 1 else "default")
    width = max(len(k) for k in outcome)
    for key, value in outcome.items():
        print(f"{key:<{width}}  {value}")
