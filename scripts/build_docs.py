"""Regenerate the committed ontology reference in ``docs/ontology/`` from ``ontology/*.ttl``.

Run after editing any Turtle file (``tests/test_cli_docs.py`` fails while the committed pages
are stale)::

    .venv/bin/python scripts/build_docs.py
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from kg.graph.docs import build_ontology_docs

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "docs" / "ontology"


def main() -> int:
    if TARGET.exists():
        shutil.rmtree(TARGET)  # pages of removed schemes must not linger
    result = build_ontology_docs(TARGET)
    for path in result.files:
        print(path.relative_to(ROOT))
    print(f"open {result.index.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
