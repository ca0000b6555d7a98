"""Peak memory against input size: ``kg extract`` and ``kg ingest`` of one large text dump.

Run ``python scripts/bench_memory.py [MB ...]`` (default: 1 2 3 8 50). For each size a
text dump is built by repeating a seed document (the seeds are real disclosures of 20-110 KB),
then ``kg extract FILE > /dev/null`` and ``kg ingest FILE --jobs 1`` (one process: the worker
runs in the parent) each run in a fresh process, and its peak resident set size is read from
``getrusage(RUSAGE_CHILDREN)`` after it exits. The baseline measured in the same run is
``kg --help`` (interpreter, imports). A size above the text reader's document cap
(:data:`kg.readers.text_reader.MAX_TEXT_BYTES`) must end in one clear error, quickly.

Prints one line per size and command: MB in, exit code, seconds, peak RSS in MB, and the
peak per MB of input above the baseline.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEEDS = Path(os.environ.get("PIKG_SEEDS", REPO.parent / "shared" / "seeds"))
SAMPLES = REPO / "kg" / "data" / "samples"
KG = [sys.executable, "-c", "from kg.cli import main; main()"]
DEFAULT_SIZES = (1, 2, 3, 8, 50)


def build_dump(megabytes: float, target: Path) -> int:
    """A text dump of about ``megabytes`` MB made of whole copies of one seed; its size."""
    seeds = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []
    seed = (seeds or sorted(SAMPLES.glob("*.txt")))[0].read_bytes()
    copies = max(1, round(megabytes * 1024 * 1024 / len(seed)))
    with target.open("wb") as out:
        for _ in range(copies):
            out.write(seed)
    return target.stat().st_size


def peak_of(command: list[str]) -> tuple[int, float, float, str]:
    """Run ``command`` in a fresh wrapper process; (exit code, seconds, peak RSS MB, stderr)."""
    wrapper = (
        "import resource, subprocess, sys, time\n"
        "start = time.perf_counter()\n"
        "done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
        "print(done.returncode, time.perf_counter() - start, peak)\n"
        "sys.stderr.buffer.write(done.stderr[-2000:])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", wrapper, *command], capture_output=True, text=True, check=True
    )
    code, seconds, peak = done.stdout.split()
    return int(code), float(seconds), float(peak), done.stderr.strip()


def main(sizes: list[float]) -> None:
    code, seconds, baseline, _ = peak_of([*KG, "--help"])
    print(f"baseline kg --help: peak {baseline:.0f} MB ({seconds:.1f} s)")
    print(f"{'MB in':>7} {'command':<8} {'exit':>4} {'s':>7} {'peak MB':>8} {'MB/MB in':>8}")
    with tempfile.TemporaryDirectory(prefix="kg-bench-memory-") as work:
        for megabytes in sizes:
            dump = Path(work) / f"dump_{megabytes:g}mb.txt"
            size = build_dump(megabytes, dump) / 1024 / 1024
            store = Path(work) / f"store_{megabytes:g}"
            for name, command in (
                ("extract", [*KG, "extract", str(dump)]),
                ("ingest", [*KG, "ingest", str(dump), "--store", str(store), "-j", "1", "-q"]),
            ):
                code, seconds, peak, stderr = peak_of(command)
                per_mb = (peak - baseline) / size
                print(
                    f"{size:7.1f} {name:<8} {code:>4} {seconds:7.1f} {peak:8.0f} {per_mb:8.1f}"
                    + (f"   {stderr.splitlines()[-1][:110]}" if code else "")
                )
            dump.unlink()


if __name__ == "__main__":
    start = time.perf_counter()
    main([float(arg) for arg in sys.argv[1:]] or list(DEFAULT_SIZES))
    print(f"total {time.perf_counter() - start:.0f} s")
