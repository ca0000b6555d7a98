"""Every measured figure in README.md and docs/*.md names the command that reproduces it.

A paragraph (or table) that quotes a time, a size, a speed-up or a precision/recall/F1 must name
a benchmark script (``scripts/….py``), a ``make`` target, a test, a ``kg`` command or
``/usr/bin/time`` in itself, in one of the two paragraphs before it, or in its section heading.
It is a heuristic (a figure can still be stale); what it stops is a number nobody can
reproduce. How the expected values were derived: there are none; the few sentences that quote a
number that is not a measurement are listed in ``NOT_MEASUREMENTS`` with the reason.
"""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]

FIGURE = re.compile(
    r"(?<![\w.])\d[\d,.]*\s?(?:ms|s|MB|GB|KB|kB|µs|×|minutes|seconds)(?!\w)"
    r"|(?:precision|recall|F1)\s+\d"
)
COMMAND = re.compile(r"scripts/\w+\.py|make \w+|tests/test_\w+\.py|`kg \w+|/usr/bin/time|pytest")

NOT_MEASUREMENTS = {
    "2-core, 24 GB VM": "the machine the figures were measured on",
    "killed after 120 s": "the configured time limit of the LibreOffice conversion",
    "(pairwise F1 1.0 at": "the withdrawn circular figures, named as withdrawn",
}


def unsourced_figures(text: str) -> list[str]:
    """The lines holding the first figure of each paragraph that names no command nearby."""
    text = re.sub(r"```.*?```", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    blocks = re.split(r"\n\s*\n", text)
    found, heading_names_command = [], False
    for i, block in enumerate(blocks):
        if block.lstrip().startswith("#"):
            heading_names_command = bool(COMMAND.search(block))
        figure = FIGURE.search(block)
        if figure is None or heading_names_command:
            continue
        if COMMAND.search("\n".join(blocks[max(0, i - 2) : i + 1])):
            continue
        line = block.splitlines()[block[: figure.start()].count("\n")]
        if not any(known in line for known in NOT_MEASUREMENTS):
            found.append(line.strip())
    return found


def test_every_figure_names_its_command():
    problems = [
        f"{doc.relative_to(REPO)}: {line[:120]}"
        for doc in DOCS
        for line in unsourced_figures(doc.read_text(encoding="utf-8"))
    ]
    assert not problems, (
        "figures without a command that reproduces them (name the scripts/bench_*.py "
        "invocation, make target or test beside them, or remove them):\n" + "\n".join(problems)
    )


def test_the_check_finds_a_figure_without_a_command():
    assert unsourced_figures("Intro.\n\nIngest took 14.5 s at 400 documents.\n") == [
        "Ingest took 14.5 s at 400 documents."
    ]
    assert unsourced_figures("`python scripts/bench_scale.py`: 14.5 s at 400 documents.\n") == []
    assert unsourced_figures("## Speed (`scripts/bench_kg.py`)\n\nA.\n\nB.\n\nC took 2 s.\n") == []
    assert unsourced_figures("```sh\nkg serve --timeout 10   # 10 s per query\n```\n") == []
