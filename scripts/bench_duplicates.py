"""Benchmark of the duplicate detector against the naive all-pairs baseline.

``run(size)`` times :func:`kg.duplicates.detect` on a labelled set and, in the same run, the
naive baseline: rapidfuzz ``cdist`` over all pairs of names (both cores) on a slice of rows,
extrapolated to the full square. The speed-up is the ratio of the two, so it holds on a busy
shared machine. Peak RSS is the process maximum (``resource.getrusage``) right after
``detect``: the set is generated in a child process, so the generator's own memory is not
counted, only the records as a caller would hold them plus the detector.

Sizes:

* ``small`` (alias ``quick``) 10,000, ``default`` 100,000 and ``large`` 1,000,000 records, each generated
  directly by :func:`kg.synth.copies.generate` (seed 1) and scored against its labels:
  families of 2 to 12 members of every kind, groups of unrelated names on one distinctive
  ladder (reused ladders: singletons for the copy metrics), hard negatives, guarded
  background, over ``size / 45`` departments. The labels are the planted families as
  constructed, **not reconciled** with the detector or with the rules: accidental relations
  between random names count against the detector;
* ``stress`` 1,000,000 records made by replicating the 100,000-record set ten times into
  distinct departments and sub-activity instances: every record is a copy and every
  sub-activity a block copy (the adversarial worst case of the evidence guard); timed, not
  scored.

Generated sets are cached as pickles under ``$PIKG_CACHE`` (default ``~/.cache/pikg``), keyed
by size and a digest of the generator and rule sources.
"""

from __future__ import annotations

import dataclasses
import hashlib
import multiprocessing
import os
import pickle
import resource
import sys
import time
from pathlib import Path

SIZES = {
    "quick": 10_000,  # the name scripts/bench.py uses for its smallest size
    "small": 10_000,
    "default": 100_000,
    "large": 1_000_000,
    "stress": 1_000_000,
}
SEED = 1
STRESS_COPIES = 10


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


_GENERATOR_MODULES = (
    "kg.synth.copies",
    "kg.synth.vocabulary",
    "kg.duplicates.rules",
    "kg.duplicates.labels",
    "kg.records",
)
"""The code a generated set depends on: a change to any of them invalidates the cache."""


def _cache_path(size: int) -> Path:
    import importlib.util

    digest = hashlib.sha256()
    for name in _GENERATOR_MODULES:
        spec = importlib.util.find_spec(name)
        origin = Path(spec.origin) if spec and spec.origin else None
        if origin is None:
            raise RuntimeError(f"bench_duplicates: module {name} not found (moved?)")
        files = sorted(origin.parent.glob("*.py")) if origin.name == "__init__.py" else [origin]
        for file in files:
            digest.update(file.read_bytes())
    root = Path(os.environ.get("PIKG_CACHE", Path.home() / ".cache" / "pikg"))
    return root / "bench_duplicates" / f"seed{SEED}-{size}-{digest.hexdigest()[:12]}.pkl"


def _generate_into(size: int, path: Path) -> None:
    from kg.synth.copies import generate

    started = time.perf_counter()
    records, labels = generate(SEED, size)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    with partial.open("wb") as handle:
        pickle.dump((records, labels, time.perf_counter() - started), handle, protocol=5)
    partial.replace(path)


def labelled_set(size: int) -> tuple[list, object, float, bool]:
    """``(records, labels, generation seconds, cached)`` for seed 1 and ``size`` records."""
    path = _cache_path(size)
    cached = path.exists()
    if not cached:
        child = multiprocessing.get_context("fork").Process(
            target=_generate_into, args=(size, path)
        )
        child.start()
        child.join()
        if child.exitcode != 0:
            raise RuntimeError(f"generating {size} records failed (exit {child.exitcode})")
    with path.open("rb") as handle:
        records, labels, seconds = pickle.load(handle)
    return records, labels, seconds, cached


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

    target = SIZES[size]
    stress = size == "stress"
    records, labels, generate_s, cached = labelled_set(
        target // STRESS_COPIES if stress else target
    )
    if stress:
        records = replicate(records, STRESS_COPIES)
    loaded_rss = _peak_rss_mb()

    started = time.perf_counter()
    result = detect(records)
    detect_s = time.perf_counter() - started
    detect_rss = _peak_rss_mb()
    reused = {m: r.id for r in result.reused_ladders for m in r.members}
    metrics = (
        None if stress else score(result.assignments(), labels, result.block_assignments(), reused)
    )

    names = [r.text for r in records]
    rows = min(len(names), 2_000 if target <= 100_000 else 200)
    started = time.perf_counter()
    process.cdist(names[:rows], names, scorer=fuzz.ratio, dtype=np.uint8, workers=-1)
    chunk_s = time.perf_counter() - started
    baseline_s = chunk_s * len(names) / rows
    return {
        "size": size,
        "records": len(records),
        "departments": len({r.department for r in records}),
        "generate_s": round(generate_s, 1),
        "generate_cached": cached,
        "detect_s": round(detect_s, 2),
        "detect_layers_s": result.stats["seconds"],
        "baseline_cdist_s_extrapolated": round(baseline_s, 1),
        "baseline_rows_measured": rows,
        "baseline_pairs_per_s": round(rows * len(names) / chunk_s),
        "speedup_vs_baseline": round(baseline_s / detect_s, 1),
        "labels": None if stress else "as planted, not reconciled",
        "pairwise_precision": metrics["pairwise"]["precision"] if metrics else None,
        "pairwise_recall": metrics["pairwise"]["recall"] if metrics else None,
        "pairwise_f1": metrics["pairwise"]["f1"] if metrics else None,
        "block_f1": metrics.get("blocks", {}).get("f1") if metrics else None,
        "hard_negative_merge": metrics["hard_negatives"]["merged_with_anchor"] if metrics else None,
        "reused_ladders_found_whole": (
            metrics["reused_ladders"].get("found_whole") if metrics else None
        ),
        "reused_ladder_pairs_in_copy_clusters": (
            metrics["reused_ladders"]["copy_merged_pairs"] if metrics else None
        ),
        "clusters": len(result.clusters),
        "reused_ladders": len(result.reused_ladders),
        "clustered_records": result.stats["clustered_records"],
        "largest_cluster": max((len(c.members) for c in result.clusters), default=0),
        "evidence_links": sum(len(c.edges) for c in result.clusters),
        "evidence_dropped": result.stats["evidence_dropped"],
        "slot_candidates": result.stats["slot_candidates"],
        "oversized_blocks_minhash": result.stats["minhash_blocks"],
        "rss_records_loaded_mb": round(loaded_rss, 1),
        "peak_rss_after_detect_mb": round(detect_rss, 1),
    }


if __name__ == "__main__":
    outcome = run(sys.argv[1] if len(sys.argv) > 1 else "default")
    width = max(len(k) for k in outcome)
    for key, value in outcome.items():
        print(f"{key:<{width}}  {value}")
