"""What several commands share: the ``--store`` option and the one way to open a store.

Commands import from here, never from each other. Nothing heavy is imported at module level:
``kg --help`` loads every command module, so each import here costs every invocation.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kg.errors import KgError

if TYPE_CHECKING:
    from rich.progress import Progress

    from kg.graph.store import Store

StoreOption = Annotated[
    Path | None,
    typer.Option(
        "--store",
        help="Graph store directory (default: $KG_STORE or ./kg-store).",
        show_default=False,
    ),
]


def store_location(path: Path | None, *, create: bool = False) -> Path:
    """The store folder a command means; a missing folder is a one-line error unless the
    command creates stores (``kg ingest``), so a mistyped ``--store`` never makes a new one."""
    from kg.graph.store import default_store_path

    location = path if path is not None else default_store_path()
    if not create and not location.is_dir():
        raise KgError("no graph store here (run `kg ingest DIR --store DIR` first)", str(location))
    return location


def open_store(path: Path | None, *, write: bool = False, create: bool = False) -> Store:
    """The graph store at ``path`` (default ``$KG_STORE`` or ``./kg-store``).

    Read-only unless the command writes (``write=True``): a reading command then takes no
    write lock and runs no recovery, so it can run beside ``kg ingest``.
    """
    from kg.graph.store import Store

    return Store(store_location(path, create=create), read_only=not write)


def progress_bar(label: str, *, quiet: bool, described: bool = False) -> Progress:
    """A transient progress bar on stderr: ``label``, bar, done/total, time elapsed (and the
    task's description with ``described``). Off with ``--quiet`` and when stderr is no
    terminal, so a pipe or log gets no stray blank line. rich is imported only here."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    console = Console(stderr=True)
    columns = [TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
    if described:
        columns.append(TextColumn("{task.description}"))
    return Progress(
        *columns,
        console=console,
        disable=quiet or not console.is_terminal,
        transient=True,
    )
