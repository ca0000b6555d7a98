"""Benchmark of the command line as a user meets it: each command in a fresh process.

Four commands, best of N wall-clock runs each (plus the CPU time of that run):
``kg --help``, ``kg ingest --help``, ``kg ingest SEED`` of one seed document into a new store,
and ``kg query documents`` on that store. The issue's goals: ``kg --help`` < 0.3 s and one
seed ingested in < 1.5 s (benchmarks, not timed tests: a loaded machine doubles wall times,
so the load average is reported beside them, and CPU time, which load inflates less).

``--baseline REV`` measures the same commands on a ``git worktree`` of REV in the same run
(``python -m kg`` with that tree first on ``PYTHONPATH``, in this venv), so the two columns
share the machine's load:

    python scripts/bench_cli.py                       # this tree, best of 5
    python scripts/bench_cli.py --baseline HEAD~3     # and the tree of HEAD~3 beside it
    python scripts/bench.py --only cli                # as a part of the harness

``ingest_cold_cache`` is one ingest with an empty pikg cache folder (jieba's tables are
rebuilt and written once per machine; see :mod:`kg.nlp.segment`).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEEDS = Path(os.environ.get("PIKG_SEEDS", REPO.parent / "shared" / "seeds"))
SAMPLES = REPO / "kg" / "data" / "samples"
SIZES = {"small": 2, "default": 5, "large": 9}
"""Runs per command (the best is kept)."""
GOALS_S = {"help": 0.3, "ingest_one_seed": 1.5}


def seed_document() -> Path:
    """The largest seed (the slowest to ingest), or the largest sample without the seeds."""
    files = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []
    files = files or sorted(SAMPLES.glob("*.txt"))
    return max(files, key=lambda p: p.stat().st_size)


def _timed(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of one child process; it must succeed. It runs
    in the temporary folder: ``python -m`` puts the working directory before ``PYTHONPATH``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        argv, env=env, capture_output=True, check=False, cwd=tempfile.gettempdir()
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed: {done.stderr.decode(errors='replace')}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def _best(runs: list[tuple[float, float]]) -> dict[str, float]:
    wall, cpu = min(runs)
    return {"best_s": round(wall, 3), "cpu_s": round(cpu, 3), "runs": len(runs)}


def measure(tree: Path, runs: int, work: Path) -> dict[str, dict[str, float]]:
    """Best-of-``runs`` timings of the four commands with the package of ``tree``."""
    env = {**os.environ, "PYTHONPATH": str(tree), "COLUMNS": "100"}
    env.pop("KG_STORE", None)
    kg = [sys.executable, "-m", "kg"]
    seed = str(seed_document())
    store = work / "store"
    out: dict[str, dict[str, float]] = {}
    out["help"] = _best([_timed([*kg, "--help"], env) for _ in range(runs)])
    out["ingest_help"] = _best([_timed([*kg, "ingest", "--help"], env) for _ in range(runs)])
    ingests = []
    for _ in range(runs):
        shutil.rmtree(store, ignore_errors=True)
        ingests.append(_timed([*kg, "ingest", seed, "--store", str(store), "-q"], env))
    out["ingest_one_seed"] = _best(ingests)
    query = [*kg, "query", "documents", "--store", str(store)]
    out["query_documents"] = _best([_timed(query, env) for _ in range(runs)])
    cold = {**env, "PIKG_CACHE_DIR": str(work / "empty-cache")}
    shutil.rmtree(store, ignore_errors=True)
    out["ingest_cold_cache"] = _best(
        [_timed([*kg, "ingest", seed, "--store", str(store), "-q"], cold)]
    )
    return out


def run(size: str = "default", baseline: str | None = None) -> dict:
    """Metrics of this tree (and of ``baseline``, a git revision, when given)."""
    runs = SIZES[size]
    report: dict = {
        "document": seed_document().name,
        "load_average_1min": round(os.getloadavg()[0], 2),
        "goals_s": GOALS_S,
    }
    with tempfile.TemporaryDirectory(prefix="bench-cli-") as tmp:
        work = Path(tmp)
        if baseline:
            base = work / "baseline"
            subprocess.run(
                ["git", "-C", str(REPO), "worktree", "add", "--detach", str(base), baseline],
                check=True,
                capture_output=True,
            )
            try:
                report["baseline_rev"] = subprocess.run(
                    ["git", "-C", str(base), "log", "--format=%h %s", "-1"],
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout.strip()[:80]
                (work / "b").mkdir()
                report["baseline"] = measure(base, runs, work / "b")
            finally:
                subprocess.run(
                    ["git", "-C", str(REPO), "worktree", "remove", "--force", str(base)],
                    check=False,
                    capture_output=True,
                )
        (work / "t").mkdir()
        report["this_tree"] = measure(REPO, runs, work / "t")
    report["load_average_1min_after"] = round(os.getloadavg()[0], 2)
    return report


def _table(report: dict) -> str:
    columns = [name for name in ("baseline", "this_tree") if name in report]
    lines = [
        f"document: {report['document']}   load average: {report['load_average_1min']} "
        f"→ {report['load_average_1min_after']}",
        f"{'command':22}" + "".join(f"{c + ' best s (cpu)':>26}" for c in columns),
    ]
    for command in report["this_tree"]:
        cells = "".join(
            f"{report[c][command]['best_s']:>16.3f} ({report[c][command]['cpu_s']:.3f})"
            for c in columns
        )
        lines.append(f"{command:22}{cells}")
    if "baseline_rev" in report:
        lines.append(f"baseline: {report['baseline_rev']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("size", nargs="?", default="default", choices=sorted(SIZES))
    parser.add_argument("--baseline", metavar="REV", help="also measure this git revision")
    parser.add_argument("--json", metavar="FILE", help="write the report here too")
    args = parser.parse_args(argv)
    report = run(args.size, baseline=args.baseline)
    print(_table(report))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
