"""Benchmark of extraction: time per document (text dump and rebuilt .docx) and peak RSS.

Run ``python scripts/bench_extract.py [small|default|large]``. The baseline measured in the
same run is reading alone (decode + split into rows), so ``x_read`` says what extraction
costs on top of reading the file.
"""

from __future__ import annotations

import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from kg.extraction import extract_file
from kg.extraction.tables import clean_cell
from kg.readers import read_path
from kg.synth.dump2docx import text_dump_to_docx

REPO = Path(__file__).resolve().parents[1]
SEEDS = Path(os.environ.get("PIKG_SEEDS", REPO.parent / "shared" / "seeds"))
SAMPLES = REPO / "kg" / "data" / "samples"
SIZES = {"small": (1, 3, False), "default": (4, 5, True), "large": (4, 20, True)}


def _documents(count: int) -> list[Path]:
    files = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []
    return (files or sorted(SAMPLES.glob("*.txt")))[:count]


def _median_ms(function, path: Path, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function(path)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def _cold_extract(path: Path):
    """Extraction as a fresh process sees it: the memoised cell cleaning starts empty."""
    clean_cell.cache_clear()
    return extract_file(path)


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(size: str = "default") -> dict:
    """Time extraction of each document; return metrics (ms per document, peak RSS in MB)."""
    count, repeats, with_docx = SIZES[size]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for path in _documents(count):
            lines = path.read_text(encoding="utf-8").count("\n") + 1
            read_ms = _median_ms(read_path, path, repeats)
            extract_ms = _median_ms(_cold_extract, path, repeats)
            row = {
                "document": path.name[:24],
                "lines": lines,
                "read_ms": round(read_ms, 1),
                "extract_ms": round(extract_ms, 1),
                "x_read": round(extract_ms / read_ms, 1) if read_ms else None,
                "lines_per_s": round(lines / (extract_ms / 1000)),
            }
            if with_docx:
                docx_path = Path(tmp) / (path.stem + ".docx")
                text_dump_to_docx(path.read_text(encoding="utf-8"), docx_path)
                row["docx_extract_ms"] = round(_median_ms(_cold_extract, docx_path, repeats), 1)
            rows.append(row)
    return {
        "size": size,
        "documents": rows,
        "max_extract_ms": max(row["extract_ms"] for row in rows),
        "peak_rss_mb": round(_peak_rss_mb(), 1),
    }


if __name__ == "__main__":
    result = run(sys.argv[1] if len(sys.argv) > 1 else "default")
    columns = list(result["documents"][0])
    print("  ".join(f"{c:>16}" for c in columns))
    for row in result["documents"]:
        print("  ".join(f"{row[c]!s:>16}" for c in columns))
    print(f"max extract: {result['max_extract_ms']} ms   peak RSS: {result['peak_rss_mb']} MB")
