"""The ``kg`` command line: every command is a thin wrapper over a library function.

Commands live one per module in this package and register themselves on :data:`app`.
"""

from __future__ import annotations

import inspect
import os
import re
import signal
import sys

import typer
from typer.core import TyperOption

from kg.errors import KgError

app = typer.Typer(
    name="kg",
    help="pikg: a performance-indicator knowledge graph for public budget disclosures.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)


def _flag_type(option: TyperOption, ctx: object) -> str | None:
    """No type column for on/off flags: typer 0.29 prints ``<bool>`` beside every flag."""
    return None if option.is_flag else _option_type(option, ctx)


_option_type = TyperOption.display_type_rich
TyperOption.display_type_rich = _flag_type  # type: ignore[method-assign]

# Command modules (import order = order in --help).
from kg.cli import demo  # noqa: E402,F401
from kg.cli import extract  # noqa: E402,F401
from kg.cli import ingest  # noqa: E402,F401
from kg.cli import query  # noqa: E402,F401
from kg.cli import export  # noqa: E402,F401
from kg.cli import validate  # noqa: E402,F401
from kg.cli import serve  # noqa: E402,F401
from kg.cli import push  # noqa: E402,F401
from kg.cli import duplicates  # noqa: E402,F401
from kg.cli import audit  # noqa: E402,F401
from kg.cli import view  # noqa: E402,F401
from kg.cli import synth  # noqa: E402,F401
from kg.cli import docs  # noqa: E402,F401
from kg.cli import review  # noqa: E402,F401
from kg.cli import load  # noqa: E402,F401
# (each command module adds its import here)

_LIST_ITEM = re.compile(r"\s*(?:[-*•]|\d+[.)])\s")


def reflow(text: str) -> str:
    r"""A docstring's paragraphs as single lines, so the terminal wraps them at its width.

    typer's rich help keeps every line break of a docstring: text wrapped at 92 columns in the
    source came out as ragged short lines at 80 and never used the width at 120. Paragraphs
    (blank-line separated) and list items stay apart.

    >>> reflow("One line\n  and the next.\n\n- item\n- item two\n  continued")
    'One line and the next.\n\n- item\n- item two continued'
    """
    paragraphs = []
    for paragraph in inspect.cleandoc(text).split("\n\n"):
        lines: list[str] = []
        for line in paragraph.split("\n"):
            if lines and not _LIST_ITEM.match(line) and not line.startswith("\b"):
                lines[-1] += " " + line.strip()
            else:
                lines.append(line)
        paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


def _reflow_help(typer_app: typer.Typer) -> None:
    """Reflow the help of every command and group of ``typer_app`` (docstrings included)."""
    for command in typer_app.registered_commands:
        text = command.help or inspect.getdoc(command.callback)
        if text:
            command.help = reflow(text)
    for group in typer_app.registered_groups:
        if group.help:
            group.help = reflow(group.help)
        if group.typer_instance.info.help:
            group.typer_instance.info.help = reflow(group.typer_instance.info.help)
        _reflow_help(group.typer_instance)


_reflow_help(app)


def main() -> None:
    """Entry point: user errors become one line on stderr and exit code 2.

    A closed output pipe or a full disk is such an error too (raised by :mod:`kg.output`;
    any other :class:`OSError` that reaches here, such as a folder that cannot be created, is
    printed the same way); Ctrl-C says so and exits 130 like a shell.
    """
    signal.signal(signal.SIGINT, _interrupted)
    try:
        app()
    except KgError as exc:
        _settle_stdout()
        print(f"kg: error: {exc}", file=sys.stderr)
        sys.exit(2)
    except OSError as exc:  # an environment failure no command turned into a KgError
        _settle_stdout()
        where = f"{os.fsdecode(exc.filename)}: " if exc.filename else ""
        print(f"kg: error: {where}{exc.strerror or exc}", file=sys.stderr)
        sys.exit(2)


def _interrupted(signum: int, frame: object) -> None:
    """Ctrl-C: say so (typer turns the interrupt into exit code 130 without a word)."""
    print("kg: interrupted", file=sys.stderr)
    raise KeyboardInterrupt


def _settle_stdout() -> None:
    """Point a broken stdout at /dev/null, so the exit-time flush adds no second message."""
    try:
        sys.stdout.flush()
    except OSError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
