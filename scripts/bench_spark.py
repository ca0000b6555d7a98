"""Benchmark: local ingest against Spark ``local[2]`` ingest of the same corpus, in one run.

Run ``python scripts/bench_spark.py [--documents 2000] [--jobs 2]`` (needs the ``spark``
extra and Java; not part of the test suite). In a temporary folder it writes ``--documents``
synthetic disclosures (``kg synth``, seed layout), then times, one after the other on the same
machine:

* local ingest (:func:`kg.ingest.ingest`, ``--jobs`` worker processes) into a new store;
* Spark session start-up (JVM, once per job on a cluster: reported apart);
* Spark ingest (:func:`kg.spark.ingest.spark_ingest`) into an output folder;
* a second Spark run over the same folder (every document skipped: the manifest at work);
* ``kg load`` of that output into a new store.

It prints the per-document costs, Spark's overhead ratio (Spark ingest time / local ingest
time) and the sizes docs/scale.md extrapolates from (gzip N-Quads and store bytes per
document), and writes them to ``bench-out/bench_spark.json``. Wall times; the machine is
shared, so compare figures of the same run only.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

from typer.testing import CliRunner

from kg.cli import app
from kg.ingest import ingest
from kg.spark import get_spark
from kg.spark.ingest import spark_ingest
from kg.spark.load import load_output
from kg.store import Store


def folder_bytes(path: Path) -> int:
    """Bytes of every file under ``path``."""
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--jobs", type=int, default=2, help="local workers = Spark cores")
    args = parser.parse_args()
    results: dict[str, float | int | str] = {"documents": args.documents, "cores": args.jobs}
    with tempfile.TemporaryDirectory(prefix="kg-bench-spark-") as tmp:
        root = Path(tmp)
        corpus = root / "corpus"
        made = CliRunner().invoke(app, ["synth", "-n", str(args.documents), "-o", str(corpus)])
        assert made.exit_code == 0, made.output
        results["corpus_mb"] = round(folder_bytes(corpus) / 2**20, 1)

        start = time.perf_counter()
        with Store(root / "local-store") as store:
            local = ingest([corpus], store, jobs=args.jobs)
        results["local_s"] = round(time.perf_counter() - start, 1)
        results["triples"] = local.triples
        results["local_store_mb"] = round(folder_bytes(root / "local-store") / 2**20, 1)

        start = time.perf_counter()
        spark = get_spark(f"local[{args.jobs}]", app_name="pikg-bench")
        results["spark_startup_s"] = round(time.perf_counter() - start, 1)
        start = time.perf_counter()
        first = spark_ingest([corpus], root / "out", spark=spark)
        results["spark_s"] = round(time.perf_counter() - start, 1)
        assert first.triples == local.triples, (first.triples, local.triples)
        start = time.perf_counter()
        again = spark_ingest([corpus], root / "out", spark=spark)
        results["spark_rerun_s"] = round(time.perf_counter() - start, 1)
        assert again.skipped == args.documents
        spark.stop()
        nquads = sum(f.stat().st_size for f in (root / "out").rglob("*.nq.gz"))
        results["nquads_gz_mb"] = round(nquads / 2**20, 1)
        results["parquet_mb"] = round(
            sum(f.stat().st_size for f in (root / "out").rglob("*.parquet")) / 2**20, 2
        )

        start = time.perf_counter()
        with Store(root / "spark-store") as store:
            loaded = load_output(root / "out", store)
        results["load_s"] = round(time.perf_counter() - start, 1)
        assert loaded.loaded == args.documents

    n = args.documents
    results["local_ms_per_doc"] = round(1000 * float(results["local_s"]) / n, 1)
    results["spark_ms_per_doc"] = round(1000 * float(results["spark_s"]) / n, 1)
    results["load_ms_per_doc"] = round(1000 * float(results["load_s"]) / n, 1)
    results["overhead_ratio"] = round(float(results["spark_s"]) / float(results["local_s"]), 2)
    results["overhead_ratio_with_startup"] = round(
        (float(results["spark_s"]) + float(results["spark_startup_s"])) / float(results["local_s"]),
        2,
    )
    results["nquads_gz_kb_per_doc"] = round(float(results["nquads_gz_mb"]) * 1024 / n, 1)
    results["store_kb_per_doc"] = round(float(results["local_store_mb"]) * 1024 / n, 1)
    results["triples_per_doc"] = round(int(results["triples"]) / n)
    results["load_average"] = " ".join(f"{x:.1f}" for x in os.getloadavg())
    width = max(map(len, results))
    for key, value in results.items():
        print(f"{key:<{width}}  {value}")
    out = Path("bench-out")
    out.mkdir(exist_ok=True)
    (out / "bench_spark.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
