"""``kg duplicates``: copied and templated indicators, ranked by strength and spread."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kg.cli import app
from kg.cli._util import open_store
from kg.errors import KgError

if TYPE_CHECKING:
    from rich.console import Console

    from kg.duplicates import DuplicateResult
    from kg.duplicates.detect import Cluster, ReusedLadder
    from kg.graph.store import Store
    from kg.records.indicators import IndicatorRecord


def _records_from_documents(paths: list[Path]) -> list[IndicatorRecord]:
    """Extract and analyse each document: the NLP ladder check feeds the invalid-ladder flag."""
    from kg.ingest import extract_document
    from kg.nlp import analyze_document
    from kg.records.indicators import records_from_document

    records: list[IndicatorRecord] = []
    for path in paths:
        if not path.is_file():
            raise KgError("no such document", str(path))
        records.extend(records_from_document(analyze_document(extract_document(path))))
    return records


def _member_rows(clusters: list[Cluster], result: DuplicateResult, limit: int | None):
    by_id = result.by_id()
    for cluster in clusters[:limit]:
        kinds = {}
        for u, v, kind, _w in cluster.edges:
            kinds.setdefault(u, kind)
            kinds.setdefault(v, kind)
        for member in cluster.members:
            record = by_id[member]
            yield cluster, record, kinds.get(member, "")


@dataclass
class _Shown:
    """What the report shows: clusters at the chosen confidence and reused ladders, minus
    dismissed findings (store mode), with finding IRIs and review decisions by IRI."""

    clusters: list[Cluster]
    reused: list[ReusedLadder]
    findings: dict[int, str] = field(default_factory=dict)  # cluster id -> finding IRI
    reused_findings: dict[int, str] = field(default_factory=dict)
    reviews: dict[str, str] = field(default_factory=dict)  # finding IRI -> decision
    hidden: int = 0

    def review_of(self, cluster: Cluster) -> str:
        return self.reviews.get(self.findings.get(cluster.id, ""), "")


def _shown(
    result: DuplicateResult, min_confidence: str, graph_store: Store | None, show_dismissed: bool
) -> _Shown:
    from kg.duplicates.graph_io import finding_iris
    from kg.duplicates.review import hidden_findings, review_states

    shown = _Shown(result.filtered(min_confidence), list(result.reused_ladders))
    if graph_store is None:
        return shown
    shown.findings, shown.reused_findings = finding_iris(result)
    states = review_states(graph_store)
    shown.reviews = {s.finding: s.decision.status for s in states if s.finding}
    if not show_dismissed:
        hidden = hidden_findings(states)
        clusters = [c for c in shown.clusters if shown.findings[c.id] not in hidden]
        reused = [r for r in shown.reused if shown.reused_findings[r.id] not in hidden]
        shown.hidden = len(shown.clusters) - len(clusters) + len(shown.reused) - len(reused)
        shown.clusters, shown.reused = clusters, reused
    return shown


def _print_table(shown: _Shown, result: DuplicateResult, limit: int | None) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from kg.output import TextSink, visible

    console = Console(file=TextSink(sys.stdout.buffer))
    clusters, findings = shown.clusters, shown.findings
    dismissed = f"; {shown.hidden} dismissed hidden (--show-dismissed)" if shown.hidden else ""
    console.print(
        f"[bold]{len(result.clusters)}[/] clusters over {result.stats['clustered_records']} of "
        f"{len(result.records)} indicators ({len(clusters)} at the chosen confidence); "
        f"{len(result.block_clusters)} copied sub-activity blocks; "
        f"{len(shown.reused)} reused ladders{dismissed}. "
        f"Showing {len(clusters[:limit])} clusters."
    )
    shown_clusters = clusters[:limit]
    by_id = result.by_id()
    for cluster in shown_clusters:
        weakest = cluster.weakest_edge
        title = (
            f"#{cluster.id} {cluster.kind}  confidence {cluster.confidence}  "
            f"score {cluster.score:g}  "
            f"{len(cluster.departments)} dept / {len(cluster.documents)} doc  "
            f"template: {cluster.template}"
            + (f"  finding {findings[cluster.id].rsplit('/', 1)[-1]}" if findings else "")
            + (f"  review: {shown.review_of(cluster)}" if shown.review_of(cluster) else "")
        )
        table = Table(title=Text(visible(title)), title_justify="left", show_lines=False)
        for column in ("department", "activity", "sub-activity", "where", "indicator", "ladder"):
            table.add_column(column, overflow="fold")
        table.add_column("evidence")
        links: dict[str, list[str]] = {}
        for u, v, kind, weight in cluster.edges:
            links.setdefault(v, []).append(f"{kind} {weight:g}")
            links.setdefault(u, [])
        for member in cluster.members:
            record = by_id[member]
            table.add_row(
                *(
                    visible(cell)
                    for cell in (
                        record.department,
                        record.activity,
                        record.sub_activity,
                        record.where,
                        record.text,
                        " / ".join(record.grades),
                        ", ".join(links.get(member, [])) or "anchor",
                    )
                )
            )
        console.print(table, markup=False)
        notes = []
        if cluster.standard_ladder:
            notes.append("standard (boilerplate) ladder: weak evidence")
        if weakest:
            notes.append(f"weakest link {weakest[2]} {weakest[3]:g}")
        if cluster.related:
            related = ", ".join(by_id[r].where for r in cluster.related[:5])
            notes.append(f"same ladder, not a member: {related}")
        if cluster.ladder_issues:
            notes.append("invalid ladder: " + ", ".join(cluster.ladder_issues))
        if cluster.flags:
            notes.append("flags: " + ", ".join(cluster.flags))
        if notes:
            console.print(visible("  " + "; ".join(notes)), markup=False, highlight=False)
    _print_reused_table(console, shown, result, limit)


def _print_reused_table(
    console: Console, shown: _Shown, result: DuplicateResult, limit: int | None
) -> None:
    """Reused ladders: templated thresholds, listed apart from the copies."""
    from rich.table import Table

    from kg.output import visible

    if not shown.reused:
        return
    by_id = result.by_id()
    table = Table(
        title="Reused ladders (templated thresholds on unrelated indicators; not copies)",
        title_justify="left",
    )
    for column in ("#", "ladder", "unrelated", "rows", "depts", "defect", "where"):
        table.add_column(column, overflow="fold")
    for reused in shown.reused[:limit]:
        where = ", ".join(by_id[m].where for m in reused.members[:6])
        more = len(reused.members) - 6
        table.add_row(
            *(
                visible(cell)
                for cell in (
                    str(reused.id),
                    " / ".join(reused.ladder),
                    str(reused.units),
                    str(len(reused.members)),
                    str(len(reused.departments)),
                    ", ".join(reused.ladder_issues) or "-",
                    where + (f" (+{more})" if more > 0 else ""),
                )
            )
        )
    console.print(table, markup=False)


def _edge_json(cluster: Cluster, by_id: dict[str, IndicatorRecord]) -> list[dict]:
    """Each link with its rule, confidence, and the ladder and position of both ends."""
    out = []
    for (u, v, kind, weight), kinds, confidence in zip(
        cluster.edges, cluster.edge_kinds, cluster.edge_confidence, strict=True
    ):
        a, b = by_id[u], by_id[v]
        out.append(
            {
                "source": u,
                "target": v,
                "kind": kind,
                "kinds": list(kinds),
                "weight": weight,
                "confidence": confidence,
                "ladders": [list(a.grades), list(b.grades)],
                "positions": [
                    {"where": a.where, "sub_id": a.sub_id, "pos": a.pos},
                    {"where": b.where, "sub_id": b.sub_id, "pos": b.pos},
                ],
            }
        )
    return out


def _print_json(shown: _Shown, result: DuplicateResult, limit: int | None) -> None:
    from kg.output import TextSink

    findings, reviews = shown.findings, shown.reviews
    by_id = result.by_id()
    payload = {
        "stats": result.stats,
        "clusters": [
            {
                "id": c.id,
                **({"finding": findings[c.id], "review": shown.review_of(c)} if findings else {}),
                "kind": c.kind,
                "confidence": c.confidence,
                "score": c.score,
                "template": c.template,
                "standard_ladder": c.standard_ladder,
                "departments": c.departments,
                "documents": c.documents,
                "flags": c.flags,
                "ladder_issues": c.ladder_issues,
                "related": c.related,
                "members": [
                    {
                        "id": m,
                        "department": by_id[m].department,
                        "activity": by_id[m].activity,
                        "sub_activity": by_id[m].sub_activity,
                        "where": by_id[m].where,
                        "text": by_id[m].text,
                        "grades": list(by_id[m].grades),
                    }
                    for m in c.members
                ],
                "edges": _edge_json(c, by_id),
            }
            for c in shown.clusters[:limit]
        ],
        "reused_ladders": [
            {
                "id": r.id,
                **(
                    {
                        "finding": shown.reused_findings[r.id],
                        "review": reviews.get(shown.reused_findings[r.id], ""),
                    }
                    if findings
                    else {}
                ),
                "ladder": list(r.ladder),
                "unrelated_indicators": r.units,
                "defective": r.defective,
                "ladder_issues": r.ladder_issues,
                "departments": r.departments,
                "documents": r.documents,
                "clusters": r.clusters,
                "members": [
                    {"id": m, "where": by_id[m].where, "text": by_id[m].text} for m in r.members
                ],
            }
            for r in shown.reused[:limit]
        ],
        "blocks": [
            {"id": b.id, "sub_ids": b.sub_ids, "departments": b.departments}
            for b in result.block_clusters
        ],
    }
    text = json.dumps(payload, ensure_ascii=False, indent=2, allow_nan=False) + "\n"
    TextSink(sys.stdout.buffer).write(text)


def _print_csv(shown: _Shown, result: DuplicateResult, limit: int | None) -> None:
    from kg.output import SafeCsvWriter, TextSink

    findings = shown.findings
    writer = SafeCsvWriter(TextSink(sys.stdout.buffer))  # no cell runs as a formula
    writer.writerow(
        ["cluster", "kind", "confidence", "score", "template", "id", "department", "activity",
         "sub_activity", "where", "text", "优", "良", "中", "差", "evidence", "finding"]
    )  # fmt: skip
    for cluster, record, kind in _member_rows(shown.clusters, result, limit):
        writer.writerow(
            [cluster.id, cluster.kind, cluster.confidence, cluster.score, cluster.template,
             record.id, record.department, record.activity, record.sub_activity, record.where,
             record.text, *record.grades, kind, findings.get(cluster.id, "")]
        )  # fmt: skip


def _check_options(
    fmt: str,
    min_confidence: str,
    documents: list[Path] | None,
    input_file: Path | None,
    engine: str,
) -> None:
    """Refuse option values and combinations the command cannot honour, before any work."""
    from kg.duplicates.detect import CONFIDENCE_LEVELS

    if fmt not in ("table", "json", "csv"):
        raise KgError(f"unknown --format {fmt!r} (use table, json or csv)")
    if min_confidence not in CONFIDENCE_LEVELS:
        raise KgError(f"unknown --min-confidence {min_confidence!r} (use low, medium or high)")
    if input_file is not None and documents:
        raise KgError("give either documents or --input, not both")
    if engine not in ("local", "spark"):
        raise KgError(f"unknown --engine {engine!r} (use local or spark)")
    if engine == "spark" and input_file is None:
        raise KgError(
            "--engine spark needs --input PARQUET (the records of kg ingest --engine spark)"
        )


@app.command("duplicates")
def duplicates_command(
    documents: Annotated[
        list[Path] | None,
        typer.Argument(help="Budget documents (.txt/.docx) to extract and compare."),
    ] = None,
    input_file: Annotated[
        Path | None,
        typer.Option("--input", "-i", help="Indicator records (JSON Lines or CSV) instead."),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help='Write {"id", "cluster"} JSON Lines here.'),
    ] = None,
    blocks: Annotated[
        Path | None,
        typer.Option("--blocks", help='Write {"sub_id", "cluster"} JSON Lines here.'),
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="Report format: table, json or csv.")
    ] = "table",
    standard_ladders: Annotated[
        Path | None,
        typer.Option("--standard-ladders", help="JSON list of boilerplate ladders to use."),
    ] = None,
    limit: Annotated[int | None, typer.Option(help="Show only the first N clusters.")] = None,
    min_confidence: Annotated[
        str,
        typer.Option(
            "--min-confidence",
            help="Report only clusters at or above this confidence: low, medium or high.",
        ),
    ] = "low",
    show_dismissed: Annotated[
        bool,
        typer.Option(
            "--show-dismissed",
            help="Store mode: also show findings an auditor dismissed (`kg review dismiss`).",
        ),
    ] = False,
    store: Annotated[
        Path | None,
        typer.Option(
            "--store",
            help="Graph store directory (default: $KG_STORE or ./kg-store); used when no "
            "documents and no --input are given.",
            show_default=False,
        ),
    ] = None,
    write: Annotated[
        bool,
        typer.Option(
            "--write/--no-write",
            help="Store mode: write the findings back to the store's pig:audit graphs.",
        ),
    ] = True,
    engine: Annotated[
        str,
        typer.Option(
            "--engine",
            help="local, or spark: --input is then the records Parquet of `kg ingest --engine "
            "spark` (any Spark path); the same clusters, reused ladders and --blocks.",
        ),
    ] = "local",
) -> None:
    """Find copy-pasted and templated indicators (kinds a–d of duplicates.md).

    Without documents or --input it compares every indicator in the graph store and writes
    the clusters back as findings (pig:audit/verbatim-copy, …/slot-copy …).

    Examples: [bold]kg duplicates --store kg-store --limit 10[/] ·
    [bold]kg duplicates --input indicators.jsonl --output clusters.jsonl[/]
    """
    from rich.console import Console

    from kg.duplicates import detect, read_records, write_assignments
    from kg.duplicates.graph_io import COPY_GRAPHS, write_findings
    from kg.output import flush
    from kg.records.from_store import records_from_store

    _check_options(fmt, min_confidence, documents, input_file, engine)
    graph_store = None
    if engine == "spark":
        from kg.duplicates.spark import spark_result

        result = spark_result(str(input_file), standard_ladders=standard_ladders)
        records = result.records
    elif input_file is not None:
        records = read_records(input_file)
    elif documents:
        records = _records_from_documents(documents)
    else:
        graph_store = open_store(store, write=write)
        records = records_from_store(graph_store)
    if engine == "local":
        result = detect(records, standard_ladders=standard_ladders)
    if graph_store is not None and write:
        written = write_findings(graph_store, result)
        Console(stderr=True).print(
            f"{written} findings written to {graph_store.path} "
            f"(graphs pig:audit/{{{','.join(COPY_GRAPHS)}}})",
            markup=False,
            highlight=False,
        )
    shown = _shown(result, min_confidence, graph_store, show_dismissed)
    if graph_store is not None:
        graph_store.close()
    if output is not None:
        write_assignments(result.assignments(), output)
    if blocks is not None:
        write_assignments(result.block_assignments(), blocks, key="sub_id")
    if output is not None and fmt == "table":
        Console(stderr=True).print(
            f"{len(result.clusters)} clusters over {result.stats['clustered_records']} of "
            f"{len(records)} records; assignments written to {output}"
        )
        return
    sys.stdout.flush()
    printer = {"table": _print_table, "json": _print_json, "csv": _print_csv}[fmt]
    printer(shown, result, limit)
    flush(sys.stdout.buffer)
