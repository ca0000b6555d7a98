"""The embedded graph store: pyoxigraph on disk (one directory) or in memory.

One named graph per source document (``pig:doc/{sha[:16]}``) plus ``pig:ontology``,
``pig:vocab``, ``pig:audit/{type}`` and ``pig:curation``. Queries see the *union* of all graphs
as their default graph, and every prefix of :data:`kg.graph.namespace.PREFIXES` is declared.

Writes are crash-safe:

* :meth:`Store.replace_graph` swaps one graph in a single transaction (SPARQL ``DROP`` +
  ``INSERT DATA``), so readers see the old or the new graph, never a mixture.
* :meth:`Store.bulk_add_documents` is the fast ingest path: pyoxigraph's bulk loader (not
  transactional) followed by a transactional commit record in ``pig:catalog``. Document graphs
  without a commit record are leftovers of an interrupted run; opening the store read-write
  removes them (:meth:`Store.recover`), so every committed document stays intact.

>>> store = Store()                      # in memory
>>> g = store.replace_graph(PIG["demo"], '<urn:a> <urn:b> "c" .', fmt="ntriples")
>>> store.select("SELECT ?o WHERE { GRAPH pig:demo { ?s ?p ?o } }")
[{'o': 'c'}]
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.errors import KgError
from kg.graph.namespace import (
    DOC_GRAPH_PREFIX,
    GRAPH,
    ONTOLOGY_GRAPH,
    PI,
    PIG,
    PREFIXES,
    VOCAB_GRAPH,
    XSD,
    ontology_files,
    short_hash,
    vocab_files,
)

DEFAULT_STORE = "kg-store"
CATALOG_GRAPH = ox.NamedNode(GRAPH + "catalog")
"""Commit records: ``<doc graph> pi:committedVersion "…"`` once a document graph is complete
(``pi:committedVersion`` has domain ``pi:StoredGraph``: a graph is not a source document)."""
PENDING_GRAPH = ox.NamedNode(GRAPH + "pending")
"""Intent records: ``<doc graph> pi:committedVersion "…"`` written *before* a bulk load."""

RDF_FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "ttl": ox.RdfFormat.TURTLE,
    "trig": ox.RdfFormat.TRIG,
    "nquads": ox.RdfFormat.N_QUADS,
    "nq": ox.RdfFormat.N_QUADS,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nt": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "json-ld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}
QUAD_FORMATS = {ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS, ox.RdfFormat.JSON_LD}


def default_store_path() -> Path:
    """``$KG_STORE`` if set, else ``./kg-store``."""
    return Path(os.environ.get("KG_STORE") or DEFAULT_STORE)


def rdf_format(name: str | ox.RdfFormat) -> ox.RdfFormat:
    if isinstance(name, ox.RdfFormat):
        return name
    try:
        return RDF_FORMATS[name.lower()]
    except KeyError:
        raise KgError(
            f"unknown RDF format {name!r} (choose from {', '.join(sorted(RDF_FORMATS))})"
        ) from None


def to_term(value: Any) -> ox.NamedNode | ox.Literal | ox.BlankNode:
    """A Python value as an RDF term, for query substitutions (never string concatenation).

    ``str`` → plain literal; ``int``/``Decimal``/``float``/``bool`` → typed literals; RDF terms
    pass through. Use a :class:`pyoxigraph.NamedNode` to bind an IRI.
    """
    if isinstance(value, ox.NamedNode | ox.Literal | ox.BlankNode):
        return value
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=XSD.boolean)
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=XSD.integer)
    if isinstance(value, Decimal):
        return ox.Literal(format(value, "f"), datatype=XSD.decimal)
    if isinstance(value, float):
        return ox.Literal(repr(value), datatype=XSD.double)
    if isinstance(value, str):
        return ox.Literal(value)
    raise TypeError(f"cannot bind {type(value).__name__} as an RDF term")


_FROM_DATATYPE = {
    **dict.fromkeys(
        (XSD.integer.value, XSD.int.value, XSD.long.value, XSD.positiveInteger.value), int
    ),
    XSD.decimal.value: Decimal,
    XSD.double.value: float,
    XSD.float.value: float,
    XSD.boolean.value: lambda text: text.strip() in ("true", "1"),  # xsd:boolean allows 1/0
}
"""Literal datatype IRI → converter of its lexical form; other literals stay strings."""


def to_python(term: Any) -> Any:
    """An RDF term as a plain Python value (IRIs as strings, numbers as int/Decimal/float)."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        convert = _FROM_DATATYPE.get(term.datatype.value)
        return term.value if convert is None else convert(term.value)
    return term.value


@dataclass(frozen=True)
class DocumentInfo:
    """One ingested document graph, as listed by :meth:`Store.documents`."""

    graph: str
    sha256: str
    file_path: str
    title: str
    pipeline_version: str


_FAULTS: dict[str, int] = {}


def _fault_point(name: str) -> None:
    """Crash-test hook: ``PIKG_FAULT=before-commit:2`` kills the process (SIGKILL, no clean-up)
    the second time a bulk load reaches its commit, so a test can check that recovery really
    finds a loaded but uncommitted graph. Unset (always, outside tests) it does nothing."""
    fault = os.environ.get("PIKG_FAULT", "")
    if not fault.startswith(name + ":"):
        return
    _FAULTS[name] = _FAULTS.get(name, 0) + 1
    if _FAULTS[name] == int(fault.rpartition(":")[2]):
        import signal

        os.kill(os.getpid(), signal.SIGKILL)


class Store:
    """A pikg graph store.

    ``Store("kg-store")`` opens (or creates) an on-disk store; ``Store()`` is in memory;
    ``Store("kg-store", read_only=True)`` opens without taking the write lock (no recovery,
    no writes), e.g. next to a running ``kg serve``.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None, *, read_only: bool = False):
        self.path = Path(path) if path is not None else None
        self.read_only = read_only
        try:
            if self.path is None:
                self._ox = ox.Store()
            elif read_only:
                if not self.path.is_dir():
                    raise KgError("no graph store here (run `kg ingest` first)", str(self.path))
                self._ox = ox.Store.read_only(str(self.path))
            else:
                self.path.mkdir(parents=True, exist_ok=True)  # RocksDB makes only the last level
                self._ox = ox.Store(str(self.path))
        except OSError as exc:
            raise KgError(f"cannot open the graph store: {exc}", str(self.path)) from None
        self.recovered: list[str] = []  # graphs of an interrupted ingest removed on opening
        if not read_only:
            self.recovered = self.recover()
            self.ensure_ontology()

    # --- reading ------------------------------------------------------------------------------

    @property
    def oxigraph(self) -> ox.Store:
        """The underlying :class:`pyoxigraph.Store` (for tools that need it directly)."""
        return self._ox

    def query(
        self,
        sparql: str,
        substitutions: Mapping[str, Any] | None = None,
        *,
        union: bool = True,
    ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """Run a SPARQL query over the union of all graphs with pikg prefixes declared.

        ``substitutions`` binds variables to values before evaluation (SEP-0007), the safe way
        to pass user input: ``store.query("SELECT ?i WHERE { ?i pi:indicatorName ?n }",
        {"n": Literal("办结率", language="zh")})``.
        """
        subs = None
        if substitutions:
            subs = {ox.Variable(k.lstrip("?$")): to_term(v) for k, v in substitutions.items()}
        try:
            return self._ox.query(
                sparql,
                prefixes=PREFIXES,
                use_default_graph_as_union=union,
                substitutions=subs,
            )
        except SyntaxError as exc:
            raise KgError(f"malformed SPARQL query: {_one_line(exc)}") from None
        except OSError as exc:
            raise KgError(f"query failed: {_one_line(exc)}") from None

    def select(
        self, sparql: str, substitutions: Mapping[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """A SELECT query as a list of ``{variable: python value}`` (unbound variables omitted)."""
        result = self.query(sparql, substitutions)
        if not isinstance(result, ox.QuerySolutions):
            raise KgError("select() needs a SELECT query")
        names = [v.value for v in result.variables]
        return [
            {
                name: to_python(term)
                for name, term in zip(names, solution, strict=True)
                if term is not None
            }
            for solution in result
        ]

    def graphs(self) -> list[str]:
        """IRIs of all named graphs, sorted."""
        return sorted(g.value for g in self._ox.named_graphs() if isinstance(g, ox.NamedNode))

    def document_graphs(self) -> list[str]:
        return [g for g in self.graphs() if g.startswith(DOC_GRAPH_PREFIX)]

    def committed(self) -> dict[str, str]:
        """``{document graph IRI: pipeline version}`` of every complete document graph.

        A store written before ``pi:committedVersion`` and opened read-only (so not migrated,
        see :meth:`_migrate_catalog`) still has ``pi:pipelineVersion`` records: both count.
        """
        return {
            q.subject.value: q.object.value
            for predicate in (PI.pipelineVersion, PI.committedVersion)
            for q in self._ox.quads_for_pattern(None, predicate, None, CATALOG_GRAPH)
            if q.subject.value.startswith(DOC_GRAPH_PREFIX)
        }

    def documents(self) -> list[DocumentInfo]:
        """Every committed document, sorted by file path."""
        rows = self.select(
            """SELECT ?g ?sha ?path ?title ?version WHERE {
                 GRAPH pig:catalog { ?g pi:committedVersion|pi:pipelineVersion ?version }
                 GRAPH ?g { ?doc a pi:SourceDocument ; pi:sha256 ?sha ; pi:filePath ?path .
                            OPTIONAL { ?doc dcterms:title ?title } } }"""
        )
        docs = {
            r["g"]: DocumentInfo(r["g"], r["sha"], r["path"], r.get("title", ""), r["version"])
            for r in rows
        }
        return sorted(docs.values(), key=lambda d: (d.file_path, d.graph))

    def resolve_graph(self, name: str) -> ox.NamedNode:
        """A graph named by full IRI, ``pig:…`` CURIE, document sha prefix or file name."""
        if name.startswith(("http://", "https://", "urn:")):
            iri = name
        elif name.startswith("pig:"):
            iri = GRAPH + name[4:]
        else:
            matches = [
                d.graph
                for d in self.documents()
                if d.sha256.startswith(name.lower())
                or d.file_path == name
                or Path(d.file_path).name == name
            ]
            if len(set(matches)) != 1:
                what = "no document" if not matches else f"{len(set(matches))} documents"
                raise KgError(f"{what} match {name!r} (use a sha prefix, file name or graph IRI)")
            iri = matches[0]
        try:
            node = ox.NamedNode(iri)
        except ValueError as exc:  # '>', spaces, braces: never pasted into a query or a file
            raise KgError(f"not a graph IRI: {name[:200]!r} ({exc})") from None
        if not self._ox.contains_named_graph(node):
            raise KgError(f"no graph {iri} in the store")
        return node

    def __len__(self) -> int:
        return len(self._ox)

    def triple_count(self, graph: ox.NamedNode | str | None = None) -> int:
        """Number of quads in one graph (or in the whole store)."""
        if graph is None:
            return len(self._ox)
        node = graph if isinstance(graph, ox.NamedNode) else ox.NamedNode(graph)
        return sum(1 for _ in self._ox.quads_for_pattern(None, None, None, node))

    def quads(self, graph: ox.NamedNode | None = None) -> Iterator[ox.Quad]:
        return self._ox.quads_for_pattern(None, None, None, graph)

    def dump(
        self, fmt: str | ox.RdfFormat = "nquads", graph: ox.NamedNode | str | None = None
    ) -> bytes:
        """Serialise one graph or all of them (triple formats get the union of all graphs).

        "All" leaves out the store's own bookkeeping (``pig:catalog``, ``pig:pending``): it is
        about graphs, not documents; name it as ``graph`` to get it.
        """
        f = rdf_format(fmt)
        node = ox.NamedNode(graph) if isinstance(graph, str) else graph
        if node is None:
            if f in QUAD_FORMATS:
                internal = (CATALOG_GRAPH, PENDING_GRAPH)
                quads = (q for q in self._ox if q.graph_name not in internal)
                return ox.serialize(quads, format=f, prefixes=PREFIXES) or b""
            union = self._ox.query(  # the union of the graphs: oxigraph gives each triple once
                "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } "
                f"FILTER (?g NOT IN ({CATALOG_GRAPH}, {PENDING_GRAPH})) }}"
            )
            return ox.serialize(union, format=f, prefixes=PREFIXES) or b""
        if f in QUAD_FORMATS:
            quads = self._ox.quads_for_pattern(None, None, None, node)
            return ox.serialize(quads, format=f, prefixes=PREFIXES) or b""
        kwargs: dict[str, Any] = {"format": f, "from_graph": node}
        if f in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG):
            kwargs["prefixes"] = PREFIXES
        return self._ox.dump(**kwargs) or b""

    def rdflib_dataset(self):
        """An :class:`rdflib.Dataset` over this same store (oxrdflib), for rdflib users."""
        import rdflib
        from oxrdflib import OxigraphStore

        return rdflib.Dataset(store=OxigraphStore(store=self._ox), default_union=True)

    # --- writing ------------------------------------------------------------------------------

    def _writable(self) -> None:
        if self.read_only:
            raise KgError("the store is open read-only", str(self.path))

    def replace_graph(
        self,
        graph: ox.NamedNode | str,
        data: str | bytes | Iterable[ox.Triple | ox.Quad],
        *,
        fmt: str | ox.RdfFormat = "nquads",
    ) -> ox.NamedNode:
        """Replace one named graph atomically with new content.

        ``data`` is RDF text (``fmt``: nquads, ntriples, turtle …; the graph names inside quad
        formats are ignored) or an iterable of pyoxigraph triples/quads. Audits write their
        findings this way: ``store.replace_graph(audit_graph("gap"), nquads_text)``.
        """
        self._writable()
        node = ox.NamedNode(graph) if isinstance(graph, str) else graph
        if isinstance(data, str | bytes):
            try:
                parsed = ox.parse(data, format=rdf_format(fmt))
                triples = [
                    q.triple if isinstance(q, ox.Quad) else q for q in parsed
                ]  # materialise so parse errors happen before any write
            except SyntaxError as exc:
                raise KgError(f"invalid RDF for {node.value}: {_one_line(exc)}") from None
        else:
            triples = [q.triple if isinstance(q, ox.Quad) else q for q in data]
        body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
        update = (
            f"DROP SILENT GRAPH {node} ;\n"
            f"INSERT DATA {{ GRAPH {node} {{\n{body.decode('utf-8')}\n}} }}"
        )
        self._ox.update(update)
        if not triples:
            self._ox.add_graph(node)
        return node

    def drop_graph(self, graph: ox.NamedNode | str) -> None:
        """Remove one named graph (and its commit record, for a document graph)."""
        self._writable()
        node = ox.NamedNode(graph) if isinstance(graph, str) else graph
        self._ox.update(
            f"DROP SILENT GRAPH {node} ; "
            f"DELETE WHERE {{ GRAPH {CATALOG_GRAPH} {{ {node} ?p ?o }} }}"
        )

    def bulk_add_documents(self, batch: list[tuple[ox.NamedNode, str, bytes]]) -> None:
        """Load new document graphs fast and commit them.

        ``batch`` holds ``(graph, pipeline_version, nquads)``; every quad of ``nquads`` must be
        in its ``graph`` and the graphs must not exist yet (replace existing ones with
        :meth:`replace_document`). Until the commit record is written the graphs are
        uncommitted and :meth:`recover` would remove them.
        """
        self._writable()
        if not batch:
            return
        entries = [(g, v) for g, v, _ in batch]
        # 1. intent (transactional): whatever a kill leaves of these graphs is known to recover()
        self._ox.update(
            "INSERT DATA { GRAPH "
            + str(PENDING_GRAPH)
            + " { "
            + " ".join(f"{g} {PI.committedVersion} {ox.Literal(v)} ." for g, v in entries)
            + " } }"
        )
        # 2. the fast, non-transactional load
        try:
            self._ox.bulk_load(b"".join(data for _, _, data in batch), format=ox.RdfFormat.N_QUADS)
            self._ox.flush()
        except OSError as exc:  # disk full, I/O error: the next open removes the partial graphs
            raise KgError(
                f"cannot write to the graph store: {_one_line(exc)}",
                str(self.path) if self.path else None,
            ) from None
        _fault_point("before-commit")
        # 3. commit (transactional): intent out, commit record in, in one update
        self._commit(entries, pending=True)

    def replace_document(self, graph: ox.NamedNode, version: str, nquads: bytes) -> None:
        """Replace one document graph atomically (transactional) and commit it."""
        self._writable()
        self.replace_graph(graph, nquads, fmt="nquads")
        self._commit([(graph, version)])

    def _commit(self, entries: list[tuple[ox.NamedNode, str]], *, pending: bool = False) -> None:
        """Write commit records in one transaction (and drop the intent records of a bulk load:
        loads run one at a time, so every intent belongs to this batch)."""
        removals = "\n".join(
            f"DELETE WHERE {{ GRAPH {CATALOG_GRAPH} {{ {g} {PI.committedVersion} ?v }} }} ;"
            for g, _ in entries
        )
        if pending:
            removals += f"\nDROP SILENT GRAPH {PENDING_GRAPH} ;"
        inserts = "\n".join(f"{g} {PI.committedVersion} {ox.Literal(v)} ." for g, v in entries)
        self._ox.update(f"{removals}\nINSERT DATA {{ GRAPH {CATALOG_GRAPH} {{ {inserts} }} }}")

    def recover(self) -> list[str]:
        """Remove what an interrupted ingest left: every graph with an intent record but no
        commit record (even if the kill came before its name was registered), and any
        document graph without a commit record. Intent records go last, so a kill during
        recovery is repaired by the next open."""
        self._writable()
        self._migrate_catalog()
        committed = self.committed()
        pending = {
            q.subject.value
            for q in self._ox.quads_for_pattern(None, PI.committedVersion, None, PENDING_GRAPH)
        }
        leftovers = sorted(
            {g for g in pending if g not in committed}
            | {g for g in self.document_graphs() if g not in committed}
        )
        for g in leftovers:
            node = ox.NamedNode(g)
            self._ox.clear_graph(node)
            if self._ox.contains_named_graph(node):
                self._ox.remove_graph(node)
        if pending:
            self._ox.clear_graph(PENDING_GRAPH)
            self._ox.remove_graph(PENDING_GRAPH)
        for g in committed:
            if not self._ox.contains_named_graph(ox.NamedNode(g)):
                self.drop_graph(g)
        return leftovers

    def _migrate_catalog(self) -> None:
        """Rewrite catalog records of stores written before ``pi:committedVersion`` (they used
        ``pi:pipelineVersion``, whose domain is ``pi:SourceDocument``) in one transaction, so
        recovery still finds every committed graph."""
        old = PI.pipelineVersion
        if not any(
            True
            for graph in (CATALOG_GRAPH, PENDING_GRAPH)
            for _ in self._ox.quads_for_pattern(None, old, None, graph)
        ):
            return
        self._ox.update(
            f"DELETE {{ GRAPH ?c {{ ?g {old} ?v }} }} INSERT {{ GRAPH ?c {{ ?g {PI.committedVersion} ?v }} }}"
            f" WHERE {{ VALUES ?c {{ {CATALOG_GRAPH} {PENDING_GRAPH} }} GRAPH ?c {{ ?g {old} ?v }} }}"
        )

    def ensure_ontology(self) -> bool:
        """Load ``pig:ontology`` and ``pig:vocab`` from ``ontology/`` when they changed.

        Queries can then use labels and ranks (``grade:excellent pi:rank 1``). Returns whether
        anything was (re)loaded.
        """
        self._writable()
        changed = False
        for graph, files in ((ONTOLOGY_GRAPH, ontology_files()), (VOCAB_GRAPH, vocab_files())):
            text = b"".join(p.read_bytes() + b"\n" for p in files)
            fingerprint = short_hash(text.decode("utf-8"))
            marker = ox.Quad(graph, PI.committedVersion, ox.Literal(fingerprint), CATALOG_GRAPH)
            if marker in self._ox:
                continue
            triples = []
            for path in files:
                triples.extend(ox.parse(path=str(path)))
            self.replace_graph(graph, triples)
            self._commit([(graph, fingerprint)])
            changed = True
        return changed

    def flush(self) -> None:
        if not self.read_only and self.path is not None:
            self._ox.flush()

    def close(self) -> None:
        """Flush and release the store (the RocksDB lock goes with the last reference)."""
        self.flush()
        del self._ox

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


__all__ = [
    "CATALOG_GRAPH",
    "PENDING_GRAPH",
    "PIG",
    "DocumentInfo",
    "Store",
    "default_store_path",
    "rdf_format",
    "to_python",
    "to_term",
]
