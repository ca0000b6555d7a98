"""Benchmark of the knowledge graph: ingest vs bulk load, named-query latency, rdflib baseline.

For one synthetic corpus (``kg.synth.generate_corpus``), in the same run:

(a) end-to-end ``kg ingest FOLDER`` (a subprocess: start-up, reading, extraction, NLP, mapping,
    store writes) against pyoxigraph's ``bulk_load`` of the N-Quads that ingest produced (also
    a subprocess, into a fresh on-disk store): the ratio is the target (≤ 2×);
(b) every named query on the resulting on-disk store (defaults; ``trace-line`` on a file of the
    corpus): the answer as ``kg query -o json`` and the endpoint give it (evaluated and
    serialised as SPARQL results JSON by oxigraph), first run and best of three, target < 1 s
    each (~1 M triples by default, ~5 M with ``size="large"``); also the best of three through
    ``Store.select`` (Python values, as the library API returns them);
(c) every named query over the same ~100,000 triples of the corpus with rdflib's own SPARQL
    engine and with pyoxigraph in memory (each in a subprocess with a time limit): seconds,
    the ratio, and whether both return the same number of rows. rdflib is not run on the
    1 M / 5 M stores: parsing alone takes ~10 s and ~1.7 kB of RAM per triple.

Peak RSS of every subprocess comes from ``wait4``. Run ``python scripts/bench_kg.py [size]``;
``BENCH_KG_WORKDIR=DIR`` keeps the corpus and store in DIR, and
``python scripts/bench_kg.py --store DIR/kg-store`` re-times the named queries on it.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path, PurePath
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SIZES = {
    # documents for ~0.9 M / ~5 M triples; "small" is for a quick check while developing
    "small": {"documents": 12, "rdflib_triples": 20_000, "rdflib_timeout_s": 60},
    "default": {"documents": 280, "rdflib_triples": 100_000, "rdflib_timeout_s": 300},
    "large": {"documents": 1610, "rdflib_triples": 100_000, "rdflib_timeout_s": 300},
}


def _measure(command: list[str], timeout_s: float | None = None) -> dict[str, Any]:
    """Wall time, exact peak RSS (``wait4``) and stdout of a subprocess, killed at the timeout."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=REPO, stdout=out, stderr=err)
        timed_out = False
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if timeout_s is not None and time.perf_counter() - started > timeout_s:
                process.kill()
                timed_out = True
                pid, status, usage = os.wait4(process.pid, 0)
                break
            time.sleep(0.05)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if process.returncode != 0 and not timed_out:
        raise RuntimeError(f"{command[:4]} failed: {stderr.decode()[-1000:]}")
    return {
        "seconds": round(wall, 2),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "timed_out": timed_out,
        "stdout": stdout,
    }


_BULK_LOAD = """
import sys, pyoxigraph as ox
store = ox.Store(sys.argv[2])
store.bulk_load(path=sys.argv[1], format=ox.RdfFormat.N_QUADS)
store.flush()
print(len(store))
"""

_SUBSET_QUERIES = """
import json, sys, time
from kg.graph import queries
engine, path, trace_file = sys.argv[1:4]
if engine == "rdflib":
    import rdflib
    from kg.graph.namespace import sparql_prolog
    dataset = rdflib.Dataset(default_union=True)
    dataset.parse(path, format="nquads")
    run = lambda text: list(dataset.query(sparql_prolog() + "\\n" + text))
else:
    from kg.graph.store import Store
    import pyoxigraph as ox
    store = Store()
    store.oxigraph.bulk_load(path=path, format=ox.RdfFormat.N_QUADS)
    run = lambda text: list(store.query(text))
for query in queries.all_queries():
    params = {"file": trace_file, "line": "40"} if query.name == "trace-line" else None
    started = time.perf_counter()
    rows = run(query.render(params))
    seconds = time.perf_counter() - started
    print(json.dumps({"query": query.name, "seconds": round(seconds, 4), "rows": len(rows)}))
    sys.stdout.flush()
"""
"""Every named query on the same N-Quads subset, with rdflib's engine or in-memory pyoxigraph:
one JSON line per query as it finishes, so a run cut by the time limit still reports the rest."""


def _python(code: str, *args: str) -> list[str]:
    return [sys.executable, "-c", code, *args]


def _load_average() -> str:
    """The 1/5/15-minute load average: the machine is shared, so timings need it beside them."""
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def _trace_params(corpus: Path) -> dict[str, str]:
    """``trace-line`` on a line of the corpus (its default names a seed file, absent here)."""
    first = min(corpus.glob("*.txt"))
    return {"file": first.name, "line": "40"}


def query_latencies(
    store_dir: Path, params: dict[str, dict[str, str]] | None = None, repeat: int = 3
) -> dict[str, dict[str, float]]:
    """Seconds per named query on an on-disk store: ``first_s`` / ``best_s`` for the answer as
    SPARQL results JSON (oxigraph evaluates and serialises), ``select_s`` for the best of
    ``Store.select`` (Python values), and the row count."""
    import pyoxigraph as ox

    from kg.graph import queries
    from kg.graph.store import Store

    latencies: dict[str, dict[str, float]] = {}
    with Store(store_dir, read_only=True) as store:
        for query in queries.all_queries():
            text = query.render((params or {}).get(query.name))
            answer, select = [], []
            for _ in range(repeat):
                started = time.perf_counter()
                result = store.query(text)
                assert isinstance(result, ox.QuerySolutions)
                result.serialize(format=ox.QueryResultsFormat.JSON)
                answer.append(time.perf_counter() - started)
            for _ in range(repeat):
                started = time.perf_counter()
                rows = store.select(text)
                select.append(time.perf_counter() - started)
            latencies[query.name] = {
                "first_s": round(answer[0], 3),
                "best_s": round(min(answer), 3),
                "select_s": round(min(select), 3),
                "rows": len(rows),
            }
    return latencies


def _compare(runs: dict[str, dict[str, Any]], timeout_s: float) -> dict[str, dict[str, Any]]:
    """Per named query: rdflib and pyoxigraph seconds on the same subset, their ratio, and
    whether both engines returned the same number of rows (a query rdflib did not reach
    before the time limit is reported as such)."""
    lines = {
        engine: {
            row["query"]: row
            for row in map(json.loads, run["stdout"].decode().splitlines())
            if row.get("query")
        }
        for engine, run in runs.items()
    }
    table = {}
    for name, ox_row in lines["pyoxigraph"].items():
        rd_row = lines["rdflib"].get(name)
        if rd_row is None:
            table[name] = {"pyoxigraph_s": ox_row["seconds"], "rdflib_s": f"> {timeout_s} (run)"}
            continue
        table[name] = {
            "pyoxigraph_s": ox_row["seconds"],
            "rdflib_s": rd_row["seconds"],
            "rdflib_vs_pyoxigraph": round(rd_row["seconds"] / max(ox_row["seconds"], 1e-4), 1),
            "same_rows": rd_row["rows"] == ox_row["rows"],
            "rows": ox_row["rows"],
        }
    return table


def run(size: str = "default") -> dict[str, Any]:
    """Run the benchmark; returns the metrics (seconds, ratios, triples, peak RSS in MB)."""
    from kg.graph.namespace import ONTOLOGY_GRAPH, VOCAB_GRAPH
    from kg.graph.store import Store
    from kg.synth import generate_corpus

    params = SIZES[size]
    result: dict[str, Any] = {"size": size, "documents": params["documents"]}
    keep = os.environ.get("BENCH_KG_WORKDIR")  # keep corpus and store there (re-time with --store)
    with (
        contextlib.nullcontext(keep)
        if keep
        else tempfile.TemporaryDirectory(prefix="bench-kg-") as tmp
    ):
        work = Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        corpus = work / "corpus"
        generate_corpus(corpus, params["documents"], seed=7, jobs=0)

        # (a) kg ingest end to end, then bulk load of the same N-Quads
        store_dir = work / "kg-store"
        ingest = _measure(
            [sys.executable, "-m", "kg", "ingest", str(corpus), "--store", str(store_dir), "-q"]
        )
        result["ingest_seconds"] = ingest["seconds"]
        result["ingest_peak_rss_mb"] = ingest["peak_rss_mb"]
        result["ingest_summary"] = ingest["stdout"].decode().strip().splitlines()[0]
        nquads = work / "all.nq"
        with Store(store_dir, read_only=True) as store:
            result["store_triples"] = len(store)
            with nquads.open("wb") as out:
                for graph in store.document_graphs():
                    out.write(store.dump("nquads", graph))
        bulk = _measure(_python(_BULK_LOAD, str(nquads), str(work / "bulk-store")))
        result["document_triples"] = int(bulk["stdout"].decode().strip())
        result["bulk_load_seconds"] = bulk["seconds"]
        result["ingest_vs_bulk_load"] = round(ingest["seconds"] / max(bulk["seconds"], 1e-6), 2)

        # (b) named queries on the on-disk store
        result["load_average_before_queries"] = _load_average()
        result["queries"] = query_latencies(store_dir, {"trace-line": _trace_params(corpus)})
        result["load_average_after_queries"] = _load_average()
        result["slowest_query_s"] = max(v["best_s"] for v in result["queries"].values())
        result["slowest_query_first_s"] = max(v["first_s"] for v in result["queries"].values())

        # (c) rdflib's SPARQL engine on ~100k triples of the same corpus; the ontology and
        # vocabulary graphs go in too, as the queries read concepts (issue codes, categories)
        subset = work / "subset.nq"
        written = 0
        with Store(store_dir, read_only=True) as store, subset.open("wb") as out:
            for graph in (ONTOLOGY_GRAPH, VOCAB_GRAPH, *store.document_graphs()):
                if written >= params["rdflib_triples"]:
                    break
                data = store.dump("nquads", graph)
                out.write(data)
                written += data.count(b"\n")
        trace_file = _trace_params(corpus)["file"]
        runs = {
            engine: _measure(
                _python(_SUBSET_QUERIES, engine, str(subset), trace_file),
                timeout_s=params["rdflib_timeout_s"],
            )
            for engine in ("rdflib", "pyoxigraph")
        }
        result["rdflib_triples"] = written
        result["subset_queries"] = _compare(runs, params["rdflib_timeout_s"])
        result["rdflib_timed_out"] = runs["rdflib"]["timed_out"]
        result["rdflib_peak_rss_mb"] = runs["rdflib"]["peak_rss_mb"]
        result["bulk_load_peak_rss_mb"] = bulk["peak_rss_mb"]
    return result


def _print(result: dict[str, Any]) -> None:
    print(f"bench_kg size={result['size']}: {result['documents']} synthetic documents")
    print(f"  {result['ingest_summary']}")
    rows = [
        ("store triples (incl. ontology, vocab)", result["store_triples"]),
        ("document triples (N-Quads)", result["document_triples"]),
        ("kg ingest end to end (s)", result["ingest_seconds"]),
        ("pyoxigraph bulk_load of its N-Quads (s)", result["bulk_load_seconds"]),
        ("ratio ingest / bulk load (target ≤ 2)", result["ingest_vs_bulk_load"]),
        ("kg ingest peak RSS (MB)", result["ingest_peak_rss_mb"]),
        ("slowest named query, best of 3 (s, target < 1)", result["slowest_query_s"]),
        ("slowest named query, first run (s)", result["slowest_query_first_s"]),
        (
            "load average (1/5/15 min, 2 cores) before | after queries",
            f"{result['load_average_before_queries']} | {result['load_average_after_queries']}",
        ),
        ("bulk load peak RSS (MB)", result["bulk_load_peak_rss_mb"]),
        ("rdflib peak RSS (MB)", result["rdflib_peak_rss_mb"]),
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"  {name:<{width}}  {value}")
    _print_queries(result["queries"])
    print(f"  every named query on {result['rdflib_triples']:,} triples of the corpus, seconds:")
    print(f"    {'query':<28} {'oxigraph':>9} {'rdflib':>9} {'ratio':>7} {'same rows':>10}")
    for name, q in result["subset_queries"].items():
        print(
            f"    {name:<28} {q['pyoxigraph_s']:>9} {q['rdflib_s']:>9}"
            f" {q.get('rdflib_vs_pyoxigraph', '-'):>7} {q.get('same_rows', '-')!s:>10}"
        )


def _print_queries(latencies: dict[str, dict[str, float]]) -> None:
    print("  named queries, seconds (answer as SPARQL JSON: first, best of 3; Store.select best):")
    print(f"    {'query':<28} {'first':>7} {'best':>7} {'select':>7} {'rows':>7}")
    for name, q in latencies.items():
        print(
            f"    {name:<28} {q['first_s']:>7.3f} {q['best_s']:>7.3f} {q['select_s']:>7.3f}"
            f" {q['rows']:>7}"
        )


if __name__ == "__main__":
    if "--store" in sys.argv:
        # named-query latency only, on a store built earlier (e.g. by a previous `large` run)
        store_arg = Path(sys.argv[sys.argv.index("--store") + 1])
        print(f"bench_kg on {store_arg}, load average {_load_average()}")
        from kg.graph.store import Store

        with Store(store_arg, read_only=True) as existing:
            first_file = min(PurePath(d.file_path).name for d in existing.documents())
        _print_queries(
            query_latencies(store_arg, {"trace-line": {"file": first_file, "line": "40"}})
        )
        print(f"  load average after: {_load_average()}")
        sys.exit(0)
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    outcome = run(args[0] if args else "default")
    _print(outcome)
    if "--json" in sys.argv:
        print(json.dumps(outcome, ensure_ascii=False, default=str))
