"""The benchmark harness: run every ``scripts/bench_<area>.py`` and report one table.

Each part runs in its own subprocess so that its peak memory is its own (measured by the
kernel through ``wait4``, which covers the part and every process it waited for). A part is a
module exposing ``run(size: str = "default") -> dict`` of metrics; nested dicts are flattened
to dotted names. The harness prints a rich table and writes ``bench-out/bench.json`` (and
``bench-out/bench-<size>.json``) with the machine it ran on.

Sizes: ``quick`` (smoke test, seconds), ``default`` (all parts within 15 minutes on 2 cores),
``large`` (10,000 documents / 5 M triples / 1 M indicators).

    python scripts/bench.py                      # default size, every part
    python scripts/bench.py --size quick --only scale
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import re
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

SCRIPTS = Path(__file__).resolve().parent
REPO = SCRIPTS.parent
SIZES = ("quick", "default", "large")
DEFAULT_TIMEOUT = {"quick": 300, "default": 900, "large": 4 * 3600}
"""Seconds one part may take before the harness stops it (default: the whole 15-minute budget)."""


_RUN = re.compile(r"^def run\(", re.M)
SIZE_FALLBACK = {"quick": "small"}
"""A part without a size of this name runs at the other one (``quick`` → its ``small``)."""


def discover(folder: Path = SCRIPTS) -> dict[str, Path]:
    """``{"scale": scripts/bench_scale.py, …}``: every benchmark module that defines
    ``run(size)``, by area name. The others (``bench_memory.py``, ``bench_readers.py``,
    ``bench_spark.py``) take their own arguments and are run on their own."""
    return {
        path.stem.removeprefix("bench_"): path
        for path in sorted(folder.glob("bench_*.py"))
        if _RUN.search(path.read_text(encoding="utf-8"))
    }


def load_module(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(path.parent))
    spec.loader.exec_module(module)
    return module


def flatten(metrics: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{"a": {"b": 1}}`` → ``{"a.b": 1}``; lists and scalars are kept as values."""
    flat: dict[str, Any] = {}
    for key, value in metrics.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, name + "."))
        else:
            flat[name] = value
    return flat


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    info: dict[str, Any] = {
        "cores": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
    }
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    meminfo = Path("/proc/meminfo")
    if meminfo.is_file():
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemTotal:"):
                info["memory_gb"] = round(int(line.split()[1]) / 1024**2, 1)
    versions = {}
    for package in ("pyoxigraph", "rdflib", "networkx", "pyvis", "spacy"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    info["packages"] = versions
    try:
        info["commit"] = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        info["commit"] = None
    return info


def run_part(path: Path, size: str, timeout: float) -> dict[str, Any]:
    """Run one module's ``run(size)`` in a subprocess; add wall time and peak RSS."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        result_path = Path(handle.name)
    command = [sys.executable, __file__, "--child", str(path), "--size", size]
    command += ["--result", str(result_path)]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=REPO, start_new_session=True)
    status, usage, timed_out = _wait(process.pid, started + timeout)
    seconds = time.perf_counter() - started
    part: dict[str, Any] = {
        "seconds": round(seconds, 2),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
    }
    try:
        if timed_out:
            part["status"] = f"timeout after {timeout:.0f} s"
        elif os.waitstatus_to_exitcode(status) != 0:
            part["status"] = f"failed (exit {os.waitstatus_to_exitcode(status)})"
        else:
            part["status"] = "ok"
            part["metrics"] = json.loads(result_path.read_text(encoding="utf-8"))
    finally:
        result_path.unlink(missing_ok=True)
    return part


def _wait(pid: int, deadline: float):
    """``wait4`` the child; past the deadline, stop its whole process group."""
    timed_out = False
    while True:
        waited, status, usage = os.wait4(pid, os.WNOHANG)
        if waited == pid:
            return status, usage, timed_out
        if not timed_out and time.perf_counter() > deadline:
            timed_out = True
            os.killpg(pid, signal.SIGTERM)
            deadline = time.perf_counter() + 10
        elif timed_out and time.perf_counter() > deadline:
            os.killpg(pid, signal.SIGKILL)
        time.sleep(0.1)


def _child(path: Path, size: str, result: Path) -> None:
    module = load_module(path)
    sizes = getattr(module, "SIZES", None)
    if sizes is not None and size not in sizes and SIZE_FALLBACK.get(size) in sizes:
        size = SIZE_FALLBACK[size]
    metrics = module.run(size)
    result.write_text(json.dumps(metrics, ensure_ascii=False, default=str), encoding="utf-8")


def _format(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.3g}" if abs(value) < 100 else f"{value:,.0f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def print_report(report: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    info = report["machine"]
    table = Table(
        title=f"pikg benchmarks, size {report['size']}",
        caption=f"{info.get('cpu', '?')}, {info['cores']} cores, "
        f"{info.get('memory_gb', '?')} GB, Python {info['python']}, commit {info['commit']}",
    )
    table.add_column("part")
    table.add_column("metric")
    table.add_column("value", justify="right")
    for name, part in report["parts"].items():
        table.add_row(name, "status", part["status"], style="bold")
        table.add_row("", "wall time (s)", _format(part["seconds"]))
        table.add_row("", "peak RSS of the part (MB)", _format(part["peak_rss_mb"]))
        for metric, value in flatten(part.get("metrics", {})).items():
            table.add_row("", metric, _format(value))
        table.add_section()
    Console().print(table)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=SIZES, default="default")
    parser.add_argument("--only", help="comma-separated part names (default: every part)")
    parser.add_argument("--out", type=Path, default=REPO / "bench-out")
    parser.add_argument("--timeout", type=float, help="seconds per part")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args.child, args.size, args.result)
        return 0
    parts = discover()
    if args.only:
        wanted = [name.strip() for name in args.only.split(",")]
        unknown = sorted(set(wanted) - set(parts))
        if unknown:
            parser.error(f"unknown part(s) {', '.join(unknown)}; known: {', '.join(parts)}")
        parts = {name: parts[name] for name in wanted}
    timeout = args.timeout or DEFAULT_TIMEOUT[args.size]
    report: dict[str, Any] = {
        "size": args.size,
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "parts": {},
    }
    started = time.perf_counter()
    for name, path in parts.items():
        print(f"[bench] {name} ({args.size}) …", file=sys.stderr, flush=True)
        report["parts"][name] = run_part(path, args.size, timeout)
        print(f"[bench] {name}: {report['parts'][name]['status']}", file=sys.stderr, flush=True)
    report["total_seconds"] = round(time.perf_counter() - started, 1)
    args.out.mkdir(parents=True, exist_ok=True)
    text = json.dumps(report, ensure_ascii=False, indent=1, default=str)
    (args.out / "bench.json").write_text(text, encoding="utf-8")
    (args.out / f"bench-{args.size}.json").write_text(text, encoding="utf-8")
    print_report(report)
    print(f"total {report['total_seconds']} s; wrote {args.out / 'bench.json'}", file=sys.stderr)
    return 0 if all(part["status"] == "ok" for part in report["parts"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
