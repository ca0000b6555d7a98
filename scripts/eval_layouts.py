"""Indicator-row precision and recall of extraction on documents with answer keys, per format.

Usage: ``python scripts/eval_layouts.py DIR [--show N]`` where DIR holds documents and their
``<name>.answer.json`` (``kg synth --layout national --format all -n 60 --out DIR`` writes
such a folder; ``tests/data/layouts/`` holds hand-written ones). Prints one line per format and
the first missed/spurious rows, so a regression is seen in the rows, not only in a number.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from kg.extraction.evaluate import COLUMN_FIELDS, ROW_FIELDS, Score, evaluate_folder


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--show", type=int, default=5, help="missed/spurious rows to print")
    parser.add_argument(
        "--columns",
        action="store_true",
        help=f"also compare {', '.join(COLUMN_FIELDS)} (default: {', '.join(ROW_FIELDS)})",
    )
    args = parser.parse_args()
    start = time.perf_counter()
    fields = ROW_FIELDS + COLUMN_FIELDS if args.columns else ROW_FIELDS
    scores, errors = evaluate_folder(args.folder, fields)
    total = Score()
    print(f"{'format':8} {'expected':>8} {'found':>6} {'precision':>9} {'recall':>7} {'F1':>6}")
    for fmt, score in sorted(scores.items()):
        total.add(score)
        print(
            f"{fmt:8} {score.expected:8} {score.found:6} {score.precision:9.3f} "
            f"{score.recall:7.3f} {score.f1:6.3f}"
        )
    print(
        f"{'all':8} {total.expected:8} {total.found:6} {total.precision:9.3f} "
        f"{total.recall:7.3f} {total.f1:6.3f}   ({time.perf_counter() - start:.1f} s)"
    )
    for label, rows in (("missed", total.missed), ("spurious", total.spurious)):
        for row in rows[: args.show]:
            print(f"  {label}: {' | '.join(row)}")
    for error in errors:
        print(f"  error: {error}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
