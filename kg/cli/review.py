"""``kg review confirm|dismiss ID --note …`` and ``kg review list``: an auditor's decisions."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from kg.cli import app
from kg.errors import KgError
from kg.output import TextSink, flush, visible

review_app = typer.Typer(
    help="Confirm or dismiss findings (kept in the pig:curation graph) and list the decisions.",
    no_args_is_help=True,
)
app.add_typer(review_app, name="review")

StoreOption = Annotated[
    Path | None,
    typer.Option("--store", help="Graph store directory (default: $KG_STORE or ./kg-store)."),
]
NoteOption = Annotated[str, typer.Option("--note", "-n", help="Why: kept with the decision.")]
ByOption = Annotated[
    str | None, typer.Option("--by", help="Who decides (default: the login name).")
]


def _open(path: Path | None, write: bool):
    from kg.store import Store, default_store_path

    location = path if path is not None else default_store_path()
    if not location.is_dir():
        raise KgError("no graph store here (run `kg ingest` first)", str(location))
    return Store(location, read_only=not write)


def _decide(status: str, finding: str, note: str, by: str | None, store: Path | None) -> None:
    from kg.duplicates.review import decide

    with _open(store, write=True) as graph:
        made = decide(graph, finding, status, note, by=by)
    Console(stderr=True).print(
        visible(f"{made.status}: {made.finding} ({len(made.keys)} indicators) by {made.by}"),
        markup=False,
        highlight=False,
    )


@review_app.command("confirm")
def confirm_command(
    finding: Annotated[str, typer.Argument(help="Finding IRI, or the hash at its end.")],
    note: NoteOption = "",
    by: ByOption = None,
    store: StoreOption = None,
) -> None:
    """Mark a finding as a real problem (a copy an auditor accepts).

    Example: [bold]kg review confirm 7854119d2cd298a1 --note "same ladder in two governments"[/]
    (the hash at the end of a finding IRI, as `kg review list --all` and
    `kg duplicates --store … -f json` show it)
    """
    _decide("confirmed", finding, note, by, store)


@review_app.command("dismiss")
def dismiss_command(
    finding: Annotated[str, typer.Argument(help="Finding IRI, or the hash at its end.")],
    note: NoteOption = "",
    by: ByOption = None,
    store: StoreOption = None,
) -> None:
    """Mark a finding as not a problem; listings hide it unless asked (--all).

    Example: [bold]kg review dismiss 7854119d2cd298a1 --note "boilerplate, not a copy"[/]
    """
    _decide("dismissed", finding, note, by, store)


@review_app.command("list")
def list_command(
    store: StoreOption = None,
    show_all: Annotated[bool, typer.Option("--all", help="Also show dismissed decisions.")] = False,
) -> None:
    """Every decision with its state: attached, follows (a replaced finding with the same
    indicators), unattached, or stale (an indicator is gone).

    Example: [bold]kg review list --all --store kg-store[/]
    """
    from kg.duplicates.review import review_states

    with _open(store, write=False) as graph:
        states = review_states(graph)
    shown = [s for s in states if show_all or s.decision.status != "dismissed"]
    console = Console(file=TextSink(sys.stdout.buffer))
    table = Table(
        title=Text(f"{len(shown)} of {len(states)} review decisions"), title_justify="left"
    )
    for column in ("finding", "status", "state", "label", "note", "by", "when"):
        table.add_column(column, overflow="fold")
    for state in shown:
        decision = state.decision
        table.add_row(
            *(
                visible(cell)
                for cell in (
                    (state.finding or decision.finding).rsplit("/", 1)[-1],
                    decision.status,
                    state.state,
                    state.label,
                    decision.note,
                    decision.by,
                    decision.at,
                )
            )
        )
    sys.stdout.flush()
    console.print(table, markup=False)
    flush(sys.stdout.buffer)
