"""Throughput of the NLP stage on one core: grade cells and indicator names through ``nlp.pipe``.

Three regimes, all measured in the same run:

* **cold** – parse caches emptied first; the seeds' real cells, which repeat a lot
* **warm** – the same texts again, caches full (what a second document of a batch sees)
* **unique** – every text different (numbers varied), so no cache can help: the worst case

Also the full ``analyze_document`` time per seed document. Run:
``.venv/bin/python scripts/bench_nlp.py [small|default|large]``.
"""

from __future__ import annotations

import os
import random
import resource
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from kg.extraction import extract_file  # noqa: E402
from kg.model import GRADES  # noqa: E402
from kg.nlp import analyze_document, get_nlp, names, pipe_cells, pipe_names, pipeline, thresholds  # noqa: E402

SEEDS = REPO.parent / "shared" / "seeds"
SIZES = {"small": 10_000, "default": 50_000, "large": 200_000}


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _seed_texts() -> tuple[list[str], list[str], list]:
    cells, indicator_names, docs = [], [], []
    for path in sorted(SEEDS.glob("*.txt")):
        doc = extract_file(path)
        docs.append(doc)
        for _, ind in doc.iter_indicators():
            indicator_names.append(ind.name)
            cells.extend(ind.grades[g] for g in GRADES if ind.grades[g])
        for _, pind in doc.iter_project_indicators():
            indicator_names.append(pind.name)
            cells.append(pind.value)
    return cells, indicator_names, docs


def _rate(texts: list[str], pipe) -> float:
    start = time.perf_counter()
    for _ in pipe(texts):
        pass
    return len(texts) / (time.perf_counter() - start)


def _unique_cells(n: int, rng: random.Random) -> list[str]:
    forms = ("≥{}%", "{}%及以上", "＜{}%", "{}-{}次", "低于{}%", "{}个以上", "后延{}个工作日", "{}")
    out = []
    for i in range(n):
        form = forms[i % len(forms)]
        a = rng.randint(1, 9999) / 10
        out.append(form.format(a, a + 5) if form.count("{}") == 2 else form.format(a))
    return out


def _unique_names(base: list[str], n: int) -> list[str]:
    return [f"{base[i % len(base)]}{i}" for i in range(n)]


def run(size: str = "default") -> dict:
    n = SIZES[size]
    rng = random.Random(7)
    get_nlp()  # load jieba and the user dictionary outside the timings
    cells, indicator_names, docs = _seed_texts()
    cell_batch = [cells[i % len(cells)] for i in range(n)]
    name_batch = [indicator_names[i % len(indicator_names)] for i in range(n // 5)]

    thresholds.cache_clear()
    names.cache_clear()
    pipeline.cache_clear()
    metrics = {
        "size": size,
        "cells": len(cell_batch),
        "names": len(name_batch),
        "cells_per_s_cold": _rate(cell_batch, pipe_cells),
        "cells_per_s_warm": _rate(cell_batch, pipe_cells),
        "cells_per_s_unique": _rate(_unique_cells(n // 5, rng), pipe_cells),
        "names_per_s_cold": _rate(name_batch, pipe_names),
        "names_per_s_warm": _rate(name_batch, pipe_names),
        "names_per_s_unique": _rate(_unique_names(indicator_names, n // 10), pipe_names),
    }
    start = time.perf_counter()
    for doc in docs:
        analyze_document(doc)
    metrics["analyze_4_seed_documents_s"] = time.perf_counter() - start
    metrics["peak_rss_mb"] = _peak_rss_mb()
    metrics["load_average_1min"] = os.getloadavg()[0]  # shared machine: read rates against it
    return metrics


if __name__ == "__main__":
    result = run(sys.argv[1] if len(sys.argv) > 1 else "default")
    width = max(len(k) for k in result)
    for key, value in result.items():
        shown = f"{value:,.1f}" if isinstance(value, float) else str(value)
        print(f"{key:<{width}}  {shown:>12}")
