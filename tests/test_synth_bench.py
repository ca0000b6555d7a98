"""Smoke test of the benchmark harness (scripts/bench.py): discovery, isolation, reporting.

The real benchmarks never run in the test suite; these parts are tiny stand-ins.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_harness", SCRIPTS / "bench.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_discovers_every_bench_module_of_the_scripts_folder(bench):
    parts = bench.discover()
    assert parts["scale"] == SCRIPTS / "bench_scale.py"
    assert "bench" not in parts  # the harness itself is not a part
    assert all(path.name.startswith("bench_") for path in parts.values())
    # scripts with their own arguments are not parts: `make bench` would report them failed
    assert not {"memory", "readers", "spark"} & set(parts)


def test_quick_runs_a_part_without_that_size_at_its_small_size(bench, tmp_path):
    part = tmp_path / "bench_sized.py"
    part.write_text(
        "SIZES = {'small': 1, 'default': 2}\ndef run(size='default'):\n    return {'size': size}\n"
    )
    assert bench.run_part(part, "quick", timeout=120)["metrics"] == {"size": "small"}


def test_flatten_names_nested_metrics_with_dots(bench):
    flat = bench.flatten({"ingest": {"seconds": 1.5, "rss": {"mb": 3}}, "n": 2})
    assert flat == {"ingest.seconds": 1.5, "ingest.rss.mb": 3, "n": 2}


def test_a_part_runs_in_its_own_process_with_its_own_peak_memory(bench, tmp_path):
    part = tmp_path / "bench_toy.py"
    part.write_text(
        "def run(size='default'):\n"
        "    block = bytearray(200 * 2**20)\n"  # 200 MB, touched below
        "    block[::4096] = b'x' * len(block[::4096])\n"
        "    return {'size': size, 'nested': {'value': 7}}\n",
        encoding="utf-8",
    )
    result = bench.run_part(part, "quick", timeout=120)
    assert result["status"] == "ok"
    assert result["metrics"] == {"size": "quick", "nested": {"value": 7}}
    assert result["peak_rss_mb"] >= 200


def test_a_failing_or_hanging_part_is_reported_not_fatal(bench, tmp_path):
    broken = tmp_path / "bench_broken.py"
    broken.write_text("def run(size='default'):\n    raise RuntimeError('boom')\n")
    assert bench.run_part(broken, "quick", timeout=120)["status"].startswith("failed")
    slow = tmp_path / "bench_slow.py"
    slow.write_text("import time\ndef run(size='default'):\n    time.sleep(60)\n")
    assert bench.run_part(slow, "quick", timeout=1)["status"].startswith("timeout")


def test_main_writes_json_with_the_machine(bench, tmp_path, monkeypatch):
    part = tmp_path / "bench_tiny.py"
    part.write_text("def run(size='default'):\n    return {'answer': 1}\n")
    monkeypatch.setattr(bench, "discover", lambda folder=tmp_path: {"tiny": part})
    assert bench.main(["--size", "quick", "--out", str(tmp_path / "out")]) == 0
    report = json.loads((tmp_path / "out" / "bench.json").read_text(encoding="utf-8"))
    assert report["parts"]["tiny"]["metrics"] == {"answer": 1}
    assert report["machine"]["cores"] >= 1 and report["size"] == "quick"
    assert (tmp_path / "out" / "bench-quick.json").is_file()
