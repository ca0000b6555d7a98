"""Every command's --help ends with an example (issue 9): a new user copies it and it runs."""

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
