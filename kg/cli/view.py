"""``kg view tree|duplicates|ladders|ontology --out FILE.html``: offline interactive graph views."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kg.cli import app
from kg.cli._util import StoreOption, open_store

if TYPE_CHECKING:
    from kg.views.render import View

DEFAULT_MAX_NODES = 6000
"""kg.views.render.DEFAULT_MAX_NODES, written out so that --help need not load pyvis
(tests/test_cli_startup.py checks that the two agree)."""

view_app = typer.Typer(
    help="Write an interactive graph view as one offline HTML file (open it in any browser).",
    no_args_is_help=True,
)
app.add_typer(view_app, name="view")

MaxNodesOption = Annotated[
    int,
    typer.Option("--max-nodes", min=10, help="Fold (trees) or page (clusters) above this size."),
]
PageOption = Annotated[int, typer.Option("--page", min=1, help="Which page of a paged view.")]
AuditOption = Annotated[
    str | None,
    typer.Option("--audit-link", help="Audit report to link each node to, e.g. audit.html."),
]


OutOption = Annotated[Path, typer.Option("--out", "-o", help="Output HTML file.")]


def _write(view: View, out: Path) -> None:
    saved = view.save(out)
    shown = view.graph.number_of_nodes()
    typer.echo(f"wrote {saved} ({shown:,} nodes in the graph; open it in a browser)")


@view_app.command("tree", epilog="Example: kg view tree --department 政府办 --out tree.html")
def tree_command(
    department: Annotated[
        str | None,
        typer.Option("--department", "-d", help="Department name, budget code or IRI."),
    ] = None,
    out: OutOption = Path("tree.html"),
    store: StoreOption = None,
    max_nodes: MaxNodesOption = DEFAULT_MAX_NODES,
    audit_link: AuditOption = None,
) -> None:
    """Department → activities → sub-activities → indicators → grade bands."""
    from kg.views.store_views import department_tree

    view = department_tree(
        open_store(store), department, max_nodes=max_nodes, audit_href=audit_link
    )
    _write(view, out)


@view_app.command(
    "duplicates", epilog="Example: kg view duplicates --out duplicates.html --audit-link audit.html"
)
def duplicates_command(
    out: OutOption = Path("duplicates.html"),
    store: StoreOption = None,
    max_nodes: MaxNodesOption = DEFAULT_MAX_NODES,
    page: PageOption = 1,
    audit_link: AuditOption = None,
    show_dismissed: Annotated[
        bool,
        typer.Option("--show-dismissed", help="Include findings a reviewer dismissed (kg review)."),
    ] = False,
) -> None:
    """Copied and templated indicators: clusters across departments with their evidence."""
    from kg.views.store_views import duplicate_clusters

    view = duplicate_clusters(
        open_store(store),
        max_nodes=max_nodes,
        page=page,
        audit_href=audit_link,
        show_dismissed=show_dismissed,
    )
    _write(view, out)


@view_app.command("ladders", epilog="Example: kg view ladders --min-uses 3 --out ladders.html")
def ladders_command(
    out: OutOption = Path("ladders.html"),
    store: StoreOption = None,
    min_uses: Annotated[
        int, typer.Option("--min-uses", min=1, help="Show templates used this often.")
    ] = 2,
    max_nodes: MaxNodesOption = DEFAULT_MAX_NODES,
    page: PageOption = 1,
    audit_link: AuditOption = None,
) -> None:
    """Threshold-template hubs: each ladder with every indicator that uses it."""
    from kg.views.store_views import ladder_hubs

    view = ladder_hubs(
        open_store(store),
        min_uses=min_uses,
        max_nodes=max_nodes,
        page=page,
        audit_href=audit_link,
    )
    _write(view, out)


@view_app.command("ontology", epilog="Example: kg view ontology --out ontology.html")
def ontology_command(
    out: OutOption = Path("ontology.html"),
) -> None:
    """The pikg ontology: classes, sub-classes and properties."""
    from kg.views.ontology import ontology_view

    _write(ontology_view(), out)
