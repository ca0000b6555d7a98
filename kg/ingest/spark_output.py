"""The output folder of a Spark ingest, and how to read it without Spark.

::

    OUT/manifest/<run>/part-*.json.gz   every document known after <run> (JSON Lines, gzip);
                                        the newest <run> with a _SUCCESS marker is current
    OUT/runs/<run>/nquads/part-*.nq.gz  N-Quads of the documents mapped in <run>, one graph
                                        per document, its lines together
    OUT/runs/<run>/records/             indicator records (Parquet; the ``kg duplicates
                                        --input`` fields, plus graph, source, line)
    OUT/runs/<run>/diagnostics/         extraction diagnostics and failed files (Parquet)

A manifest row is ``{graph, sha256, path, version, run, status, error, triples, counts}``;
``run`` says which run's files hold the document, so a document re-mapped later (a new
pipeline version, ``--force``) is read from its newest run only. Runs are named by UTC time,
so they sort in the order they ran. A run interrupted before its manifest was complete left
no ``_SUCCESS`` and is ignored.
"""

from __future__ import annotations

import gzip
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kg.errors import KgError

MANIFEST = "manifest"
RUNS = "runs"
NQUADS = "nquads"
RECORDS = "records"
DIAGNOSTICS = "diagnostics"
SUCCESS = "_SUCCESS"


def current_run(out: str | os.PathLike[str]) -> str | None:
    """The newest complete run of an output folder (``None`` for a new folder)."""
    folder = Path(out) / MANIFEST
    if not folder.is_dir():
        return None
    done = sorted(p.name for p in folder.iterdir() if (p / SUCCESS).exists())
    return done[-1] if done else None


def read_manifest(out: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """The current manifest rows, sorted by path; a folder without one is a :class:`KgError`."""
    run = current_run(out)
    if run is None:
        raise KgError("no Spark ingest output here (no complete manifest)", str(out))
    rows: list[dict[str, Any]] = []
    for part in sorted((Path(out) / MANIFEST / run).glob("part-*")):
        opener = gzip.open if part.suffix == ".gz" else open
        with opener(part, "rt", encoding="utf-8") as handle:
            rows.extend(json.loads(line) for line in handle if line.strip())
    return sorted(rows, key=lambda r: (r["path"], r["graph"]))


def nquads_files(out: str | os.PathLike[str], run: str) -> list[Path]:
    """The N-Quads part files one run wrote."""
    return sorted((Path(out) / RUNS / run / NQUADS).glob("part-*.nq.gz"))


def graph_of(line: bytes) -> bytes:
    """The graph IRI of one N-Quads line, without angle brackets (``b""`` for none)."""
    parts = line.rstrip(b"\n").rsplit(b" ", 2)
    if len(parts) == 3 and parts[2] == b"." and parts[1].startswith(b"<"):
        return parts[1][1:-1]
    return b""


CHUNK_BYTES = 16 * 1024 * 1024
"""How much N-Quads text :func:`iter_documents` decompresses at a time."""


def _line_at(data: bytes, pos: int) -> tuple[int, int]:
    """Start and end (after its newline) of the line of ``data`` holding byte ``pos``."""
    return data.rfind(b"\n", 0, pos) + 1, data.find(b"\n", pos) + 1


def _graph_runs(data: bytes) -> Iterator[tuple[bytes, int, int]]:
    """``(graph, start, end)`` of each stretch of lines in one graph; ``data`` ends with a
    newline.

    A document's lines are together, so the end of its stretch is found by galloping over
    the bytes (a few lines looked at per document, not every line); the stretch is then
    checked in one pass (every line ends with `` <graph> .``) and, should it not be one graph
    after all, split line by line."""
    start, size = 0, len(data)
    while start < size:
        end = data.find(b"\n", start) + 1
        graph = graph_of(data[start:end])
        low, high, step = end, size, 4096
        while low < high:  # gallop: lines before ``low`` are in ``graph``, ``high`` is not
            line_start, line_end = _line_at(data, min(low + step, high) - 1)
            if graph_of(data[line_start:line_end]) == graph:
                low, step = line_end, step * 2
            else:
                high = line_start
                break
        while low < high:  # bisect between the two
            line_start, line_end = _line_at(data, (low + high) // 2)
            if graph_of(data[line_start:line_end]) == graph:
                low = line_end
            else:
                high = line_start
        if graph and data.count(b" <" + graph + b"> .\n", start, low) == data.count(
            b"\n", start, low
        ):
            yield graph, start, low
        else:  # not one graph's lines (a default-graph line, another spacing): line by line
            yield from _line_runs(data, start, low)
        start = low


def _line_runs(data: bytes, start: int, stop: int) -> Iterator[tuple[bytes, int, int]]:
    run_graph, run_start = b"", start
    while start < stop:
        end = data.find(b"\n", start, stop) + 1 or stop
        graph = graph_of(data[start:end])
        if graph != run_graph and start > run_start:
            yield run_graph, run_start, start
            run_start = start
        run_graph, start = graph, end
    if stop > run_start:
        yield run_graph, run_start, stop


def iter_documents(files: list[Path]) -> Iterator[tuple[str, bytes]]:
    """``(graph IRI, N-Quads bytes)`` per document, streamed: a document's lines are together
    in one part file, so memory holds a chunk (:data:`CHUNK_BYTES`) and one document."""
    for path in files:
        try:
            with gzip.open(path, "rb") as handle:
                graph, pieces, rest = b"", [], b""
                while True:
                    chunk = handle.read(CHUNK_BYTES)
                    if chunk:  # whole lines now, the last partial line with the next chunk
                        data = rest + chunk
                        cut = data.rfind(b"\n") + 1
                        data, rest = data[:cut], data[cut:]
                        runs = _graph_runs(data)
                    else:  # a last line without a newline, if any
                        data, rest = rest, b""
                        runs = _line_runs(data, 0, len(data))
                    for run_graph, start, end in runs:
                        if run_graph != graph and pieces:
                            yield graph.decode("utf-8"), b"".join(pieces)
                            pieces = []
                        graph = run_graph
                        pieces.append(data[start:end])
                    if not chunk:
                        break
                if pieces:
                    yield graph.decode("utf-8"), b"".join(pieces)
        except (OSError, EOFError) as exc:
            raise KgError(f"cannot read N-Quads part file: {exc}", str(path)) from None


def iter_current(
    out: str | os.PathLike[str], rows: list[dict[str, Any]]
) -> Iterator[tuple[dict[str, Any], bytes]]:
    """``(manifest row, N-Quads)`` of each ``ok`` row of ``rows``, read from the row's own run
    only (an older run may hold an older mapping of the same graph); a row whose N-Quads are
    not in the folder is not yielded, so the caller can name it."""
    wanted = {row["graph"]: row for row in rows if row["status"] == "ok"}
    for run in sorted({row["run"] for row in wanted.values()}):
        for graph, nquads in iter_documents(nquads_files(out, run)):
            row = wanted.get(graph)
            if row is not None and row["run"] == run:
                del wanted[graph]
                yield row, nquads


def main(argv: list[str] | None = None) -> int:
    """``python -m kg.ingest.spark_output OUT``: the current documents' N-Quads on stdout, for bulk
    loaders that read a stream (QLever's ``CAT_INPUT_FILES``); exit 1 naming any missing."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m kg.ingest.spark_output OUT", file=sys.stderr)
        return 2
    try:
        rows = [row for row in read_manifest(args[0]) if row["status"] == "ok"]
        found = set()
        for row, nquads in iter_current(args[0], rows):
            sys.stdout.buffer.write(nquads)
            found.add(row["graph"])
    except KgError as exc:
        print(f"kg: error: {exc}", file=sys.stderr)
        return 2
    missing = [row["path"] for row in rows if row["graph"] not in found]
    for path in missing:
        print(f"kg: error: {path}: N-Quads missing from {args[0]}", file=sys.stderr)
    return 1 if missing else 0


__all__ = [
    "current_run",
    "graph_of",
    "iter_current",
    "iter_documents",
    "nquads_files",
    "read_manifest",
]

if __name__ == "__main__":
    sys.exit(main())
