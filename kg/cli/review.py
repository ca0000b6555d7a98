"""``kg review confirm|dismiss ID --note …`` and ``kg review list``: an auditor's decisions."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from kg.cli import app
from kg.cli._util import StoreOption, open_store

review_app = typer.Typer(
    help="Confirm or dismiss findings (kept in the pig:curation graph) and list the decisions.",
    no_args_is_help=True,
)
app.add_typer(review_app, name="review")

NoteOption = Annotated[str, typer.Option("--note", "-n", help="Why: kept with the decision.")]
ByOption = Annotated[
    str | None, typer.Option("--by", help="Who decides (default: the login name).")
]


def _decide(status: str, finding: str, note: str, by: str | None, store: Path | None) -> None:
    from rich.console import Console

    from kg.duplicates.review import decide
    from kg.output import visible

    with open_store(store, write=True) as graph:
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
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from kg.duplicates.review import review_states
    from kg.output import TextSink, flush, visible

    with open_store(store) as graph:
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
