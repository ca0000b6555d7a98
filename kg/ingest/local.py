"""Ingest files and folders into the store: read → extract → analyse → map, in parallel.

Workers (one process per core) each turn a file into N-Quads bytes; the parent process alone
writes to the store, in bounded batches, so memory is bounded by the batch, not the corpus.
Each document is content-addressed (``pig:doc/{sha[:16]}``) and carries the *pipeline
version*, a fingerprint of the reader, extraction, NLP and mapping code: a file whose content
and pipeline are unchanged is skipped, so ingesting the same folder twice changes nothing, and
an interrupted run is completed by running it again (uncommitted graphs are removed first).

>>> from kg.graph.store import Store
>>> summary = ingest([], Store())
>>> summary.ingested
0
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import multiprocessing
import os
import stat
import sys
import traceback
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg.children import die_with_parent
from kg.errors import KgError
from kg.graph.namespace import doc_graph, ontology_files, vocab_files
from kg.graph.store import Store
from kg.readers import SUFFIXES

if TYPE_CHECKING:
    from kg.graph.mapping import MappedDocument
    from kg.model import Document

_WORKER_NICENESS = 10
"""How much lower than the parent the parse workers run (see ``_warm_up``)."""

log = logging.getLogger(__name__)

_PIPELINE_PARTS = (
    "readers",
    "extraction",
    "nlp",
    "graph/mapping.py",
    "graph/namespace.py",
    "model.py",
    "textnorm.py",
)


@cache
def pipeline_version() -> str:
    """Fingerprint of the code and vocabularies that turn a file into triples."""
    root = Path(__file__).resolve().parents[1]  # kg/
    digest = hashlib.sha256()
    paths: list[Path] = []
    for part in _PIPELINE_PARTS:
        target = root / part
        if target.is_dir():
            paths.extend(
                p for p in target.rglob("*") if p.is_file() and "__pycache__" not in p.parts
            )
        elif target.is_file():
            paths.append(target)
    paths.extend(ontology_files() + vocab_files())  # not shapes/examples: they map nothing
    for path in sorted(paths):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@dataclass
class IngestSummary:
    """What one ingest did."""

    files: int = 0
    ingested: int = 0
    replaced: int = 0
    skipped: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    triples: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    recovered: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Warnings about what was not read as asked (a symlinked folder, an undecodable name)."""
    unread: list[str] = field(default_factory=list)
    """Documents with performance tables of which no indicator could be read (layouts.md §4)."""

    @property
    def ok(self) -> bool:
        return not self.failed


def _text_name(name: str) -> str:
    """A file name as valid UTF-8 text: undecodable bytes (kept by the OS as surrogates)
    become U+FFFD, so the name can be stored and printed."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def discover(
    paths: Iterable[str | os.PathLike[str]], notes: list[str] | None = None
) -> list[tuple[Path, str]]:
    """``(file, recorded path)`` for every readable file under ``paths``, sorted.

    The recorded path is relative to the folder given on the command line (prefixed by that
    folder's name), or the bare file name for a file argument: independent of the working
    directory, so the same folder always records the same paths.

    Symbolic links to folders inside a folder are not followed (they can lead outside it or
    into a loop); each one, each link whose target is gone, and each file name that is not valid UTF-8 (recorded with U+FFFD),
    is added to ``notes`` as a one-line warning.
    """
    found: dict[Path, str] = {}
    notes = notes if notes is not None else []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for file in sorted(path.rglob("*")):
                rel = file.relative_to(path).as_posix()
                recorded = _text_name(f"{path.resolve().name}/{rel}")
                if file.is_symlink() and file.is_dir():
                    notes.append(f"{recorded}: symbolic link to a folder, not followed")
                elif file.is_symlink() and not file.exists():
                    notes.append(f"{recorded}: symbolic link to nothing (its target is gone)")
                elif file.is_file() and file.suffix.lower() in SUFFIXES:
                    if recorded != f"{path.resolve().name}/{rel}":
                        notes.append(f"{recorded}: file name is not valid UTF-8 (recorded so)")
                    found.setdefault(file.resolve(), recorded)
        elif path.is_file():
            found.setdefault(path.resolve(), _text_name(path.name))
        else:
            raise KgError("no such file or folder", str(path))
    return sorted(found.items(), key=lambda item: (item[1], str(item[0])))


def extract_document(path: str | os.PathLike[str], name: str | None = None):
    """Read and extract one file (:class:`kg.model.Document`).

    A device or pipe (``/dev/zero``) and a file holding nothing but white space (U+3000
    included) are a :class:`KgError` naming the file, never an endless read or an empty
    document. Errors name the file as ``name`` (the path ingest records) where one is given."""
    from kg.extraction import extract_result
    from kg.readers import read_path

    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        raise KgError(f"cannot read file ({exc.strerror or exc})", name or str(path)) from None
    if not stat.S_ISREG(mode):  # /dev/zero, a FIFO: endless or blocking, never a document
        raise KgError(
            "not a regular file (a device, pipe or socket); copy it to a file first",
            name or str(path),
        )
    try:
        result = read_path(path)
    except KgError as exc:  # the readers name the file they were given: name it as recorded
        if name is None or exc.path is None or Path(exc.path) != Path(path):
            raise
        raise KgError(exc.message, name, exc.line) from exc
    if not result.text.strip():
        raise KgError("no text in the document (only white space)", name or str(path))
    return extract_result(result)


def analyse_file(
    path: str | os.PathLike[str], recorded_path: str, version: str
) -> tuple[Document, MappedDocument, dict[str, int]]:
    """One file → ``(document, mapped document, counts)``: every stage of ingest in one place,
    so the local workers and the Spark executors (:mod:`kg.ingest.spark`) map alike."""
    from kg.graph.mapping import map_document
    from kg.nlp import analyze_document

    doc = extract_document(path, recorded_path)
    analyze_document(doc)
    mapped = map_document(doc, file_path=recorded_path, pipeline_version=version)
    counts = dict(mapped.counts)
    counts["diagnostics"] = len(doc.diagnostics)
    counts["unread"] = sum(1 for d in doc.diagnostics if d.code == "unread")
    return doc, mapped, counts


def process_file(path: str, recorded_path: str, version: str) -> tuple[str, bytes, dict]:
    """Worker: one file → ``(sha256, nquads, counts)``. Runs in a child process."""
    doc, mapped, counts = analyse_file(path, recorded_path, version)
    return doc.source.sha256, mapped.nquads, counts


def _safe_process(path: str, recorded_path: str, version: str):
    try:
        return process_file(path, recorded_path, version)
    except KgError as exc:
        return KgError(str(exc) if exc.path else f"{recorded_path}: {exc}")
    except Exception as exc:  # any reader/extraction bug must not stop the other files
        error = KgError(f"{recorded_path}: {type(exc).__name__}: {exc}")
        error.detail = traceback.format_exc()  # crosses the process boundary with the error
        return error


def _warm_up(parent: int) -> None:
    """Prepare a worker: die with ``parent`` (no orphan after a ``kill -9`` of ingest), lower
    its CPU priority, and load jieba and its dictionaries once, not per file.

    The store's bulk loader (a thread of the parent) is the slowest stage and runs on one core;
    with as many workers as cores it would share that core with a worker and crawl. At a lower
    priority the workers take only the CPU the loader leaves, so loading runs at full speed.
    """
    die_with_parent(parent)
    with contextlib.suppress(OSError):
        os.nice(_WORKER_NICENESS)
    from kg.nlp.segment import load_user_dictionary

    load_user_dictionary()


def ingest(
    paths: Iterable[str | os.PathLike[str]],
    store: Store,
    *,
    jobs: int | None = None,
    force: bool = False,
    batch_bytes: int = 32 * 1024 * 1024,
    on_progress: Callable[[int, int, str], None] | None = None,
) -> IngestSummary:
    """Ingest files and folders (recursively) into ``store``.

    ``jobs`` worker processes parse in parallel (default: all cores); ``force`` re-maps and
    replaces documents even when unchanged. ``on_progress(done, total, path)`` is called after
    each file. Bad files are reported in :attr:`IngestSummary.failed` with a one-line reason;
    the others are still ingested.
    """
    # Opening the store read-write already recovered; report that too (once), not only this pass.
    summary = IngestSummary(recovered=[*store.recovered, *store.recover()])
    store.recovered = []
    files = discover(paths, summary.notes)
    summary.files = len(files)
    version = pipeline_version()
    committed = store.committed()
    todo: list[tuple[Path, str]] = []
    seen_graphs: set[str] = set()
    for file, recorded in files:
        try:
            sha = hashlib.sha256(file.read_bytes()).hexdigest()
        except OSError as exc:  # unreadable, vanished, a /proc file behind a link …
            summary.failed.append((recorded, f"{recorded}: cannot read ({exc.strerror or exc})"))
            continue
        graph = doc_graph(sha).value
        if graph in seen_graphs or (not force and committed.get(graph) == version):
            summary.skipped += 1
            if on_progress:
                on_progress(summary.skipped, len(files), recorded)
            continue
        seen_graphs.add(graph)
        todo.append((file, recorded))

    done = summary.skipped
    with BatchLoader(store, committed, batch_bytes) as loader:
        for recorded, result in _results(todo, version, jobs):
            done += 1
            if isinstance(result, KgError):
                summary.failed.append((recorded, str(result)))
                if detail := getattr(result, "detail", None):
                    log.debug("%s failed:\n%s", recorded, detail)
            else:
                sha, nquads, counts = result
                graph = doc_graph(sha)
                summary.counts.update(counts)
                summary.triples += counts.get("triples", 0)
                if counts.get("unread"):
                    summary.unread.append(recorded)
                if loader.add(graph, version, nquads):
                    summary.replaced += 1
                else:
                    summary.ingested += 1
            if on_progress:
                on_progress(done, len(files), recorded)
        loader.finish()
    return summary


class BatchLoader:
    """Writes mapped documents into the store: a new one joins the current batch, and a full
    batch (``batch_bytes`` of N-Quads) is bulk-loaded on one background thread while the next
    one is collected; a graph the store holds already (``committed``, or left over) is
    replaced at once (:meth:`Store.replace_document`). Local ingest and ``kg load``
    (:mod:`kg.ingest.load`) both write through it.

    pyoxigraph's bulk loader releases the GIL, so parsing (the workers) and loading overlap
    instead of taking turns. At most one batch loads while one fills, so memory stays bounded
    by two batches; loads stay one at a time, as :meth:`Store.bulk_add_documents` requires.
    :meth:`finish` loads the last batch; leaving the ``with`` block waits for the last load and
    re-raises its error, if any (a batch never loaded stays out of the store, uncommitted).
    """

    def __init__(
        self,
        store: Store,
        committed: Mapping[str, str] | None = None,
        batch_bytes: int = 32 * 1024 * 1024,
    ):
        self.store = store
        self.committed = committed or {}
        self.batch_bytes = batch_bytes
        self.batch: list[tuple[ox.NamedNode, str, bytes]] = []
        self.size = 0
        self.pool = ThreadPoolExecutor(1, thread_name_prefix="kg-bulk-load")
        self.running: Future | None = None

    def add(self, graph: ox.NamedNode, version: str, nquads: bytes) -> bool:
        """Write one document; ``True`` when it replaced a graph the store held."""
        if graph.value in self.committed or self.store.oxigraph.contains_named_graph(graph):
            self.store.replace_document(graph, version, nquads)
            return True
        self.batch.append((graph, version, nquads))
        self.size += len(nquads)
        if self.size >= self.batch_bytes:
            self.load(self.batch)
            self.batch, self.size = [], 0
        return False

    def finish(self) -> None:
        """Load the last batch and wait until it is committed."""
        self.load(self.batch)
        self.batch, self.size = [], 0
        self.wait()

    def load(self, batch: list[tuple[ox.NamedNode, str, bytes]]) -> None:
        self.wait()
        if batch:
            self.running = self.pool.submit(self.store.bulk_add_documents, batch)

    def wait(self) -> None:
        if self.running is not None:
            running, self.running = self.running, None
            running.result()

    def __enter__(self) -> BatchLoader:
        return self

    def __exit__(self, *exc_info: object) -> None:
        try:
            self.wait()
        finally:
            self.pool.shutdown(wait=True)


def _start_method() -> str:
    """``fork`` where it exists (Linux), else ``spawn``.

    ``spawn`` re-imports the caller's ``__main__`` in every worker, so ``ingest()`` called from
    a script without an ``if __name__ == "__main__"`` guard re-ran the script in each worker,
    which then tried to start its own pool and died (a "broken process pool" with the default
    ``jobs``, while ``jobs=1`` worked). Forked workers need no re-import; they only parse,
    extract and map, and never touch the store (its RocksDB threads stay in the parent), and
    they leave through ``os._exit``, so no inherited store handle is ever closed or flushed
    by a child.
    """
    methods = multiprocessing.get_all_start_methods()
    return "fork" if "fork" in methods and sys.platform.startswith("linux") else "spawn"


def _results(
    todo: list[tuple[Path, str]], version: str, jobs: int | None
) -> Iterator[tuple[str, object]]:
    workers = min(jobs or os.cpu_count() or 1, len(todo))
    if workers <= 1:
        for file, recorded in todo:
            yield recorded, _safe_process(str(file), recorded, version)
        return
    context = multiprocessing.get_context(_start_method())
    window = workers * 4  # bounded: at most this many mapped documents wait in memory
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=_warm_up, initargs=(os.getpid(),)
    ) as pool:
        pending: list[tuple[str, Future]] = []
        items = iter(todo)
        for file, recorded in items:
            pending.append((recorded, pool.submit(_safe_process, str(file), recorded, version)))
            if len(pending) >= window:
                break
        while pending:
            recorded, future = pending.pop(0)
            result = future.result()
            for file, rec in items:
                pending.append((rec, pool.submit(_safe_process, str(file), rec, version)))
                break
            yield recorded, result


__all__ = [
    "BatchLoader",
    "IngestSummary",
    "analyse_file",
    "discover",
    "extract_document",
    "ingest",
    "pipeline_version",
    "process_file",
]
