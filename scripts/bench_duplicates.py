"""Benchmark of the duplicate detector against the naive all-pairs baseline.

``run(size)`` times :func:`kg.duplicates.detect` on a labelled set and, in the same run, the
naive baseline: rapidfuzz ``cdist`` over all pairs of names (both cores) on a slice of rows,
extrapolated to the full square. The speed-up is the ratio of the two, so it holds on a busy
shared machine. Peak RSS is the process maximum (``resource.getrusage``).

Sizes: ``small`` 10,000 and ``default`` 100,000 records come straight from the generator
(:func:`kg.duplicates.synthetic.generate`, scored against its labels). ``large`` is
1,000,000 records made by replicating the 100,000-record set into ten groups of distinct
departments and sub-activity instances with relabelled ids: every indicator is then copied
ten times, a harder load than a realistic set (every record is clustered, every
sub-activity is a block copy), so it is timed but not scored.
"""

from __future__ import annotations

import dataclasses
import resource
import sys
import time

SIZES = {"small": 10_000, "default": 100_000, "large": 1_000_000}
BASE = 100_000


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def replicate(records: list, copies: int) -> list:
    """``copies`` versions of ``records`` in distinct departments with relabelled ids."""
    out = []
    for copy in range(copies):
        suffix = f"~{copy}"
        out.extend(
            dataclasses.replace(
                r,
                id=r.id + suffix,
                department=r.department + suffix,
                sub_id=r.sub_id + suffix if r.sub_id else "",
            )
            for r in records
        )
    return out


def run(size: str = "default") -> dict:
    import numpy as np
    from rapidfuzz import fuzz, process

    from kg.duplicates import detect
    from kg.duplicates.scoring import score
    from kg.duplicates.synthetic import generate

    target = SIZES[size]
    started = time.perf_counter()
    records, labels = generate(1, min(target, BASE))
    if target > BASE:
        records = replicate(records, target // BASE)
    generate_s = time.perf_counter() - started

    started = time.perf_counter()
    result = detect(records)
    detect_s = time.perf_counter() - started
    detect_rss = _peak_rss_mb()
    metrics = (
        score(result.assignments(), labels, result.block_assignments()) if target <= BASE else None
    )

    names = [r.text for r in records]
    rows = min(len(names), 2_000 if target <= BASE else 200)
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
        "pairwise_f1": metrics["pairwise"]["f1"] if metrics else None,
        "block_f1": metrics.get("blocks", {}).get("f1") if metrics else None,
        "hard_negative_merge": metrics["hard_negatives"]["merged_with_anchor"] if metrics else None,
        "clusters": len(result.clusters),
        "clustered_records": result.stats["clustered_records"],
        "peak_rss_after_detect_mb": round(detect_rss, 1),
        "peak_rss_mb": round(_peak_rss_mb(), 1),
    }


if __name__ == "__main__":
    outcome = run(sys.argv[1] if len(sys.argv) > 1 else "default")
    width = max(len(k) for k in outcome)
    for key, value in outcome.items():
        print(f"{key:<{width}}  {value}")
