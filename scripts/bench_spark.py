"""Benchmark: local ingest against Spark ``local[2]`` ingest of the same corpus, in one run.

Run ``python scripts/bench_spark.py [--documents 2000] [--jobs 2]`` (needs the ``spark``
extra and Java; not part of the test suite). In a temporary folder it writes ``--documents``
synthetic disclosures (``kg synth``, seed layout), then times, one after the other on the same
machine:

* local ingest (:func:`kg.ingest.ingest`, ``--jobs`` worker processes) into a new store;
* Spark session start-up (JVM, once per job on a cluster: reported apart);
* Spark ingest (:func:`kg.ingest.spark.spark_ingest`) into an output folder;
* a second Spark run over the same folder (every document skipped: the manifest at work);
* ``kg load`` of that output into a new store.

It prints the per-document costs, Spark's overhead ratio (Spark ingest time / local ingest
time) and the sizes docs/scale.md extrapolates from (gzip N-Quads and store bytes per
document), and writes them to ``bench-out/bench_spark.json``. Wall times; the machine is
shared, so compare figures of the same run only.

Copy detection (``--records N``, default 1,000,000; ``--records 0`` skips it,
``--no-ingest`` runs only it): ``N`` synthetic indicator records
(:func:`kg.synth.copies.generate`) as JSON Lines and as Parquet, then the
single-process detector in a child process (wall time and peak RSS) beside
:func:`kg.duplicates.spark.write_clusters` in Spark ``local[cores]`` (wall time, seconds per
layer, and the lowest MemAvailable of the machine while it runs), and a check that both
assign every record to the same cluster, every sub-activity to the same copied-block cluster
and find the same reused ladders (members and clusters). ``--driver-memory`` sets Spark's
heap (default 2g; 10⁷ records need more). Above 10⁶ records the set is made of 10⁶-record
generated sets (seeds 7, 8, …; ids prefixed ``c<k>.``), streamed to disk, so the generator
never holds more than one; ``--no-local`` skips the single-process detector (at 10⁷ it would
need about the whole machine) and with it the equality check.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from typer.testing import CliRunner

from kg.cli import app
from kg.duplicates.spark import write_clusters
from kg.graph.store import Store
from kg.ingest import ingest
from kg.ingest.load import load_output
from kg.ingest.spark import spark_ingest
from kg.records.indicators import IndicatorRecord, read_assignments, write_records
from kg.spark import LOCAL_CONF, get_spark
from kg.synth.copies import generate


def folder_bytes(path: Path) -> int:
    """Bytes of every file under ``path``."""
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


LOCAL_DETECT = """
import json, resource, sys, time
from kg.duplicates import detect, read_records, write_assignments
records = read_records(sys.argv[1])
start = time.perf_counter()
result = detect(records)
seconds = time.perf_counter() - start
write_assignments(result.assignments(), sys.argv[2])
write_assignments(result.block_assignments(), sys.argv[2] + ".blocks", key="sub_id")
with open(sys.argv[2] + ".reused", "w") as out:
    json.dump([[r.id, r.members, r.clusters] for r in result.reused_ladders], out)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"seconds": seconds, "peak_rss": peak, "clusters": len(result.clusters),
                  "reused": len(result.reused_ladders), "blocks": len(result.block_clusters)}))
"""


def mem_available() -> int:
    """The machine's MemAvailable in bytes (Linux)."""
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) * 1024
    return 0


GENERATED_SET = 1_000_000
"""The largest set generated at once; bigger benchmarks are made of several."""


def synthetic_records(n: int) -> Iterator[IndicatorRecord]:
    """``n`` records: one generated set up to 10⁶, then sets of 10⁶ with distinct seeds and
    ``c<k>.`` id prefixes (the vocabulary is shared, so copies also cross sets)."""
    if n <= GENERATED_SET:
        yield from generate(7, n)[0]
        return
    for k in range(-(-n // GENERATED_SET)):
        records, _labels = generate(7 + k, min(GENERATED_SET, n - k * GENERATED_SET))
        for record in records:
            yield dataclasses.replace(
                record, id=f"c{k}.{record.id}", sub_id=f"c{k}.{record.sub_id}"
            )


def bench_duplicates(
    root: Path, n: int, cores: int, driver_memory: str = "2g", local: bool = True
) -> dict[str, float | int | str]:
    """Local detector (child process: time, peak RSS) against Spark on the same records."""
    results: dict[str, float | int | str] = {"dup_records": n}
    start = time.perf_counter()
    write_records(synthetic_records(n), root / "records.jsonl")
    results["dup_generate_s"] = round(time.perf_counter() - start, 1)
    if local:
        results.update(_local_detector(root))
    results.update(_spark_detector(root, cores, driver_memory, compare=local))
    if local:
        results["dup_ratio"] = round(
            float(results["dup_spark_s"]) / float(results["dup_local_s"]), 1
        )
    return results


def _local_detector(root: Path) -> dict[str, float | int | str]:
    """The single-process detector in a child process: wall time, peak RSS, what it found."""
    results: dict[str, float | int | str] = {}
    child = subprocess.run(
        [sys.executable, "-c", LOCAL_DETECT, str(root / "records.jsonl"), str(root / "local.jsonl")],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    local = json.loads(child.stdout.splitlines()[-1])
    results["dup_local_s"] = round(local["seconds"], 1)
    results["dup_local_peak_gb"] = round(local["peak_rss"] / 2**30, 2)
    results["dup_clusters"] = local["clusters"]
    results["dup_reused_ladders"] = local["reused"]
    results["dup_block_clusters"] = local["blocks"]
    return results


def _spark_detector(
    root: Path, cores: int, driver_memory: str, compare: bool
) -> dict[str, float | int | str]:
    """Spark copy detection on the same records; with ``compare``, checked against local."""
    results: dict[str, float | int | str] = {}
    LOCAL_CONF["spark.driver.memory"] = driver_memory
    spark = get_spark(f"local[{cores}]", app_name="pikg-bench-duplicates")
    schema = (
        "id string, department string, activity string, sub_activity string, sub_id string, "
        "pos int, content string, text string, grades array<string>, source string, line int"
    )
    spark.read.schema(schema).json(str(root / "records.jsonl")).coalesce(1).write.parquet(
        str(root / "records.parquet")
    )  # one file: Spark reads the records in the order the local detector did
    lowest = [mem_available()]
    before = lowest[0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(1.0):
            lowest[0] = min(lowest[0], mem_available())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    start = time.perf_counter()
    stats = write_clusters(spark.read.parquet(str(root / "records.parquet")), str(root / "dups"))
    results["dup_spark_s"] = round(time.perf_counter() - start, 1)
    done.set()
    sampler.join()
    results["dup_spark_machine_gb"] = round((before - lowest[0]) / 2**30, 2)
    results["dup_spark_components"] = stats["components"]
    results["dup_spark_largest_component"] = stats["largest_component"]
    results["dup_spark_rounds"] = stats["component_rounds"]
    results["dup_spark_minhash_blocks"] = stats["minhash_blocks"]
    results["dup_spark_layer_s"] = " ".join(f"{k}={v}" for k, v in stats["layer_seconds"].items())
    dups = root / "dups"
    if not compare:
        spark.stop()
        return results
    assigned = {
        row.id: row.cluster for row in spark.read.parquet(str(dups / "assignments")).collect()
    }
    blocks = {row.sub_id: row.block for row in spark.read.parquet(str(dups / "blocks")).collect()}
    reused = [
        [row.id, list(row.members), list(row.clusters)]
        for row in spark.read.parquet(str(dups / "reused_ladders")).orderBy("id").collect()
    ]
    spark.stop()
    expected = {k: v for k, v in read_assignments(root / "local.jsonl").items() if v is not None}
    expected_blocks = read_assignments(root / "local.jsonl.blocks", key="sub_id")
    expected_blocks = {k: v for k, v in expected_blocks.items() if v is not None}
    expected_reused = json.loads((root / "local.jsonl.reused").read_text())
    results["dup_equal"] = "yes" if assigned == expected else "NO"
    results["dup_blocks_equal"] = "yes" if blocks == expected_blocks else "NO"
    results["dup_reused_equal"] = "yes" if reused == expected_reused else "NO"
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--jobs", type=int, default=2, help="local workers = Spark cores")
    parser.add_argument("--records", type=int, default=1_000_000, help="copy detection size")
    parser.add_argument("--no-ingest", action="store_true", help="only copy detection")
    parser.add_argument("--driver-memory", default="2g", help="Spark heap for copy detection")
    parser.add_argument(
        "--no-local", action="store_true", help="skip the single-process detector (10⁷ records)"
    )
    args = parser.parse_args()
    results: dict[str, float | int | str] = {"cores": args.jobs}
    with tempfile.TemporaryDirectory(prefix="kg-bench-spark-") as tmp:
        root = Path(tmp)
        if args.records:
            results.update(
                bench_duplicates(
                    root, args.records, args.jobs, args.driver_memory, local=not args.no_local
                )
            )
        if not args.no_ingest:
            results.update(bench_ingest(root, args.documents, args.jobs))
    results["load_average"] = " ".join(f"{x:.1f}" for x in os.getloadavg())
    width = max(map(len, results))
    for key, value in results.items():
        print(f"{key:<{width}}  {value}")
    out = Path("bench-out")
    out.mkdir(exist_ok=True)
    (out / "bench_spark.json").write_text(json.dumps(results, indent=2) + "\n")


def bench_ingest(root: Path, documents: int, jobs: int) -> dict[str, float | int | str]:
    """Local ingest against Spark ingest of ``documents`` synthetic disclosures."""
    results: dict[str, float | int | str] = {"documents": documents}
    corpus = root / "corpus"
    made = CliRunner().invoke(app, ["synth", "-n", str(documents), "-o", str(corpus)])
    assert made.exit_code == 0, made.output
    results["corpus_mb"] = round(folder_bytes(corpus) / 2**20, 1)

    start = time.perf_counter()
    with Store(root / "local-store") as store:
        local = ingest([corpus], store, jobs=jobs)
    results["local_s"] = round(time.perf_counter() - start, 1)
    results["triples"] = local.triples
    results["local_store_mb"] = round(folder_bytes(root / "local-store") / 2**20, 1)

    start = time.perf_counter()
    spark = get_spark(f"local[{jobs}]", app_name="pikg-bench")
    results["spark_startup_s"] = round(time.perf_counter() - start, 1)
    start = time.perf_counter()
    first = spark_ingest([corpus], root / "out", spark=spark)
    results["spark_s"] = round(time.perf_counter() - start, 1)
    assert first.triples == local.triples, (first.triples, local.triples)
    start = time.perf_counter()
    again = spark_ingest([corpus], root / "out", spark=spark)
    results["spark_rerun_s"] = round(time.perf_counter() - start, 1)
    assert again.skipped == documents
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
    assert loaded.loaded == documents

    n = documents
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
    return results


if __name__ == "__main__":
    main()
