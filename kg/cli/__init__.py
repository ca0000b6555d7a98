"""The ``kg`` command line: every command is a thin wrapper over a library function.

Commands live one per module in this package and register themselves on :data:`app`.
"""

from __future__ import annotations

import os
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
