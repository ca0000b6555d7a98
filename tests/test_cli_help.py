"""Every command's --help ends with an example (issue 9): a new user copies it and it runs."""

import itertools
import re

import pytest
from typer.testing import CliRunner

from kg.cli import app

COMMANDS = [
    ["demo"],
    ["extract"],
    ["ingest"],
    ["query"],
    ["export"],
    ["validate"],
    ["serve"],
    ["push"],
    ["duplicates"],
    ["audit"],
    ["view", "tree"],
    ["view", "duplicates"],
    ["view", "ladders"],
    ["view", "ontology"],
    ["synth"],
    ["docs"],
    ["review", "confirm"],
    ["review", "dismiss"],
    ["review", "list"],
    ["load"],
]


def test_every_registered_command_is_listed():
    registered = {c.name for c in app.registered_commands} | {g.name for g in app.registered_groups}
    assert registered == {words[0] for words in COMMANDS}


@pytest.mark.parametrize("words", COMMANDS, ids=" ".join)
def test_help_shows_an_example(words):
    result = CliRunner().invoke(app, [*words, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    text = re.sub(r"\s+", " ", result.output)
    assert re.search(r"(Example|example)s?:? .*kg " + re.escape(words[0]), text), text[-400:]


def _early_breaks(output: str, columns: int) -> list[str]:
    """Lines broken before the edge of their column: the next line's first word would have
    fitted (what a docstring's own line breaks do when the help keeps them)."""
    found = []
    lines = [line.rstrip().removesuffix("│").rstrip() for line in output.splitlines()]
    edge = {True: columns - 2, False: columns - 1}  # inside a panel "│ … │", else " … "
    for first, second in itertools.pairwise(lines):
        text = second.lstrip(" │")
        column = len(second) - len(text)
        inside = second.startswith("│")
        if not text or text[0] in "-*[·╭╰" or inside != first.startswith("│"):
            continue  # a new option, a [default] line, a list item, a panel edge
        if column >= len(first) or first[column - 1] != " " or first[column] == " ":
            continue  # the line above has no text in this column: not a continuation
        if inside and column == len(first) - len(first.lstrip(" │")):
            continue  # the first column of a panel: a new row
        word = text.split()[0]
        if len(first) + 1 + len(word) <= edge[inside]:
            found.append(f"{first!r} ⏎ {second!r}")
    return found


GROUPS = [[], ["view"], ["review"]]


@pytest.mark.parametrize("columns", [80, 120])
@pytest.mark.parametrize("words", GROUPS + COMMANDS, ids=lambda w: " ".join(w) or "kg")
def test_help_text_flows_to_the_terminal_width(words, columns):
    """Docstrings are wrapped in the source; --help must rewrap them at the terminal's width
    (issue 16: "hard-wrapped help text"), at 80 columns and at 120."""
    result = CliRunner().invoke(app, [*words, "--help"], env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, result.output
    assert max(map(len, result.output.splitlines())) <= columns
    assert _early_breaks(result.output, columns) == []
