"""Scale benchmark: synthetic corpus → extraction → ``kg ingest`` vs. bulk load vs. rdflib.

For each corpus size N it generates N documents with :mod:`kg.synth`, then measures, each step
in its own process (wall time and peak RSS from ``wait4``):

* extraction throughput (documents/s and table cells/s) over the whole corpus;
* ``kg ingest`` of the corpus into a fresh on-disk store (time, peak memory, store size);
* pyoxigraph's ``bulk_load`` of the very N-Quads that ingest produced, into a fresh store;
* rdflib's in-memory ``Dataset.parse`` of the same N-Quads (skipped above a size cap).

Ratios: ingest / bulk load (the issue's target is ≤ 2), rdflib / ingest, and the growth of
ingest's peak memory from the smallest to the largest N (target ≤ 1.5: memory is bounded by the
batch, not by the corpus).

    python scripts/bench_scale.py                # default size
    python scripts/bench_scale.py large          # 1,000 and 10,000 documents (about an hour now)
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
KG = [sys.executable, "-m", "kg"]
SIZES: dict[str, tuple[int, ...]] = {
    "quick": (10, 40),
    "default": (100, 400),
    "large": (1000, 10000),
}
RDFLIB_MAX_QUADS = {"quick": 10**9, "default": 1_000_000, "large": 3_500_000}
"""rdflib parses N-Quads at ~10,000 quads/s into ~1.7 kB of RAM per quad; above this size the
comparison is reported as skipped so the harness stays within its time budget."""


PAGE_MB = os.sysconf("SC_PAGE_SIZE") / 2**20


def tree_rss_mb(root: int) -> float:
    """Resident memory of a process and all its descendants now (MB), from /proc."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # the process ended while we looked
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, ()))
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_MB
        except (OSError, IndexError):
            continue
    return total


def measure(command: list[str], cwd: Path = REPO) -> dict[str, Any]:
    """Run a command to completion: wall time, peak memory and its JSON stdout if any.

    ``peak_rss_mb`` is the kernel's exact peak of the largest single process (``wait4``);
    ``peak_tree_rss_mb`` is the peak sum over the process and its workers, sampled every 0.1 s.
    """
    started = time.perf_counter()
    peak_tree = 0.0
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=err)
        while True:
            waited, status, usage = os.wait4(process.pid, os.WNOHANG)
            if waited == process.pid:
                break
            peak_tree = max(peak_tree, tree_rss_mb(process.pid))
            time.sleep(0.1)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if process.returncode != 0:
        tail = stderr.strip().splitlines()[-3:]
        raise RuntimeError(f"{' '.join(command)} failed ({process.returncode}): {tail}")
    result: dict[str, Any] = {
        "seconds": round(seconds, 3),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "peak_tree_rss_mb": round(max(peak_tree, usage.ru_maxrss / 1024), 1),
    }
    last = stdout.strip().splitlines()[-1:] if stdout.strip() else []
    if last and last[0].startswith("{"):
        result.update(json.loads(last[0]))
    return result


def _step(name: str, *args: str) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), "--step", name, *args]


# --- Steps run in child processes -------------------------------------------------------------


def step_extract(corpus: str) -> dict[str, Any]:
    """Extract every document of the corpus, one at a time (nothing is kept)."""
    from kg.extraction import extract_file
    from kg.synth import CorpusManifest

    manifest = CorpusManifest.load(corpus)
    started = time.perf_counter()
    indicators = 0
    for truth in manifest.documents:
        document = extract_file(Path(corpus) / truth.path)
        indicators += sum(1 for _ in document.iter_indicators())
        indicators += sum(1 for _ in document.iter_project_indicators())
    seconds = time.perf_counter() - started
    totals = manifest.totals()
    return {
        "inner_seconds": round(seconds, 3),
        "documents_per_s": round(totals["documents"] / seconds, 1),
        "cells_per_s": round(totals["cells"] / seconds),
        "indicators": indicators,
    }


def step_dump(store: str, target: str) -> dict[str, Any]:
    """Write every quad of a store as N-Quads (the input of the two baselines)."""
    import pyoxigraph as ox

    source = ox.Store.read_only(store)
    source.dump(output=target, format=ox.RdfFormat.N_QUADS)
    return {"quads": len(source), "nquads_mb": round(Path(target).stat().st_size / 2**20, 1)}


def step_bulk_load(nquads: str, store: str) -> dict[str, Any]:
    import pyoxigraph as ox

    started = time.perf_counter()
    target = ox.Store(store)
    target.bulk_load(path=nquads, format=ox.RdfFormat.N_QUADS)
    target.flush()
    return {"inner_seconds": round(time.perf_counter() - started, 3), "quads": len(target)}


def step_rdflib(nquads: str) -> dict[str, Any]:
    import rdflib

    started = time.perf_counter()
    dataset = rdflib.Dataset()
    dataset.parse(nquads, format="nquads")
    seconds = time.perf_counter() - started
    return {"inner_seconds": round(seconds, 3), "quads": sum(1 for _ in dataset.quads())}


STEPS = {
    "extract": step_extract,
    "dump": step_dump,
    "bulk_load": step_bulk_load,
    "rdflib": step_rdflib,
}


# --- The benchmark ----------------------------------------------------------------------------


def _folder_mb(path: Path) -> float:
    return round(sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20, 1)


def measure_corpus(
    documents: int, work: Path, seed: int = 0, rdflib_max_quads: int = 10**9
) -> dict[str, Any]:
    """Every step of the scale benchmark for one corpus size."""
    from kg.synth import generate_corpus

    corpus, store = work / f"corpus-{documents}", work / f"store-{documents}"
    started = time.perf_counter()
    manifest = generate_corpus(corpus, documents, seed=seed, jobs=0)
    synth_seconds = time.perf_counter() - started
    totals = manifest.totals()
    result: dict[str, Any] = {
        "documents": documents,
        "indicators": totals["indicators"] + totals["project_indicators"],
        "synth": {
            "seconds": round(synth_seconds, 2),
            "documents_per_s": round(documents / synth_seconds),
        },
        "extract": measure(_step("extract", str(corpus))),
    }
    ingest = measure([*KG, "ingest", str(corpus), "--store", str(store)])
    ingest["documents_per_s"] = round(documents / ingest["seconds"], 1)
    ingest["store_mb"] = _folder_mb(store)
    result["ingest"] = ingest
    nquads = work / f"store-{documents}.nq"
    dumped = measure(_step("dump", str(store), str(nquads)))
    result["quads"] = dumped["quads"]
    result["nquads_mb"] = dumped["nquads_mb"]
    shutil.rmtree(corpus)
    bulk = measure(_step("bulk_load", str(nquads), str(work / f"bulk-{documents}")))
    result["bulk_load"] = bulk
    result["ingest_vs_bulk_load"] = round(ingest["seconds"] / bulk["seconds"], 2)
    if dumped["quads"] <= rdflib_max_quads:
        parsed = measure(_step("rdflib", str(nquads)))
        result["rdflib"] = parsed
        result["rdflib_vs_ingest"] = round(parsed["seconds"] / ingest["seconds"], 2)
    else:
        result["rdflib"] = {"skipped": f"more than {rdflib_max_quads:,} quads"}
    shutil.rmtree(work / f"bulk-{documents}")
    nquads.unlink()
    shutil.rmtree(store)
    return result


def run(size: str = "default") -> dict[str, Any]:
    """Scale metrics for the corpus sizes of ``size`` (quick | default | large)."""
    if size not in SIZES:
        raise ValueError(f"unknown size {size!r} (expected one of {', '.join(SIZES)})")
    with tempfile.TemporaryDirectory(prefix="pikg-bench-scale-") as folder:
        runs = {
            str(n): measure_corpus(n, Path(folder), rdflib_max_quads=RDFLIB_MAX_QUADS[size])
            for n in SIZES[size]
        }
    smallest, largest = runs[str(min(SIZES[size]))], runs[str(max(SIZES[size]))]
    extra = largest["documents"] - smallest["documents"]
    ingest_marginal = (largest["ingest"]["seconds"] - smallest["ingest"]["seconds"]) / extra
    bulk_marginal = (largest["bulk_load"]["seconds"] - smallest["bulk_load"]["seconds"]) / extra
    return {
        # seconds per extra document between the two sizes: fixed start-up costs cancel out
        "ingest_marginal_s_per_document": round(ingest_marginal, 4),
        "bulk_load_marginal_s_per_document": round(bulk_marginal, 4),
        "ingest_vs_bulk_load_marginal": round(ingest_marginal / bulk_marginal, 2),
        "by_documents": runs,
        "ingest_memory_growth": round(
            largest["ingest"]["peak_rss_mb"] / smallest["ingest"]["peak_rss_mb"], 2
        ),
        "ingest_tree_memory_growth": round(
            largest["ingest"]["peak_tree_rss_mb"] / smallest["ingest"]["peak_tree_rss_mb"], 2
        ),
        "ingest_memory_growth_between": f"{smallest['documents']} and {largest['documents']} docs",
    }


ROWS = (
    ("quads in the store", ("quads",)),
    ("synth documents/s", ("synth", "documents_per_s")),
    ("extract documents/s", ("extract", "documents_per_s")),
    ("extract cells/s", ("extract", "cells_per_s")),
    ("extract peak RSS MB", ("extract", "peak_rss_mb")),
    ("kg ingest s", ("ingest", "seconds")),
    ("kg ingest documents/s", ("ingest", "documents_per_s")),
    ("kg ingest peak RSS MB (largest process)", ("ingest", "peak_rss_mb")),
    ("kg ingest peak RSS MB (process tree)", ("ingest", "peak_tree_rss_mb")),
    ("store MB", ("ingest", "store_mb")),
    ("pyoxigraph bulk load s", ("bulk_load", "seconds")),
    ("pyoxigraph bulk load peak RSS MB", ("bulk_load", "peak_rss_mb")),
    ("ingest / bulk load", ("ingest_vs_bulk_load",)),
    ("rdflib parse s", ("rdflib", "seconds")),
    ("rdflib peak RSS MB", ("rdflib", "peak_rss_mb")),
    ("rdflib / ingest", ("rdflib_vs_ingest",)),
)


def _lookup(run_: dict[str, Any], path: tuple[str, ...]) -> str:
    value: Any = run_
    for key in path:
        if not isinstance(value, dict) or key not in value:
            skipped = run_.get(path[0], {})
            return skipped.get("skipped", "-") if isinstance(skipped, dict) else "-"
        value = value[key]
    return f"{value:,}" if isinstance(value, int) else str(value)


def _print(result: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="pikg scale benchmark")
    table.add_column("documents")
    for n in result["by_documents"]:
        table.add_column(f"{int(n):,}", justify="right")
    for label, path in ROWS:
        table.add_row(label, *(_lookup(r, path) for r in result["by_documents"].values()))
    Console().print(table)
    print(f"ingest vs bulk load per extra document: {result['ingest_vs_bulk_load_marginal']}×")
    print(
        f"ingest peak memory growth {result['ingest_memory_growth']}× (largest process), "
        f"{result['ingest_tree_memory_growth']}× (process tree), "
        f"between {result['ingest_memory_growth_between']}"
    )


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--step":
        print(json.dumps(STEPS[sys.argv[2]](*sys.argv[3:])))
    else:
        _print(run(sys.argv[1] if len(sys.argv) > 1 else "default"))
