"""Load a Spark ingest's output folder into the embedded store (no Spark needed).

Committed exactly as ``kg ingest`` commits: new document graphs through
:meth:`Store.bulk_add_documents` in bounded batches (intent record, bulk load, commit record),
graphs already in the store through :meth:`Store.replace_document`; a document whose graph is
committed with the manifest's pipeline version is skipped, so loading twice changes nothing.
Both go through local ingest's writer (:class:`kg.ingest.local.BatchLoader`), whose batches
load on a background thread, so reading and splitting the gzip N-Quads overlaps the store's
bulk load as parsing does in local ingest.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.graph.store import Store
from kg.ingest.local import BatchLoader
from kg.ingest.spark_output import current_run, iter_current, read_manifest


@dataclass
class LoadSummary:
    """What one load did; ``failed`` lists the manifest's failed files and missing graphs."""

    run: str = ""
    documents: int = 0
    loaded: int = 0
    replaced: int = 0
    skipped: int = 0
    triples: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)


def load_output(
    out: str | os.PathLike[str],
    store: Store,
    *,
    force: bool = False,
    batch_bytes: int = 32 * 1024 * 1024,
    on_progress: Callable[[int, int], None] | None = None,
) -> LoadSummary:
    """Load the current documents of the Spark output folder ``out`` into ``store``.

    ``force`` replaces documents even when the store holds the same version. Files the Spark
    job could not read are reported in :attr:`LoadSummary.failed` (with the job's message), as
    is any manifest document whose N-Quads are missing from the folder.
    """
    rows = read_manifest(out)
    summary = LoadSummary(run=current_run(out) or "", documents=len(rows))
    committed = store.committed()
    todo: list[dict] = []
    for row in rows:
        if row["status"] != "ok":
            summary.failed.append((row["path"], row["error"]))
        elif not force and committed.get(row["graph"]) == row["version"]:
            summary.skipped += 1
        else:
            todo.append(row)
    found: set[str] = set()
    with BatchLoader(store, committed, batch_bytes) as loader:  # loads while the next is read
        for row, nquads in iter_current(out, todo):
            found.add(row["graph"])
            summary.triples += nquads.count(b"\n")
            if loader.add(ox.NamedNode(row["graph"]), row["version"], nquads):
                summary.replaced += 1
            else:
                summary.loaded += 1
            if on_progress:
                on_progress(len(found), len(todo))
        loader.finish()
    summary.failed.extend(
        (row["path"], f"{row['path']}: N-Quads missing from the output of run {row['run']}")
        for row in todo
        if row["graph"] not in found
    )
    return summary


__all__ = ["LoadSummary", "load_output"]
