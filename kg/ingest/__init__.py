"""Ingest: turn files into document graphs in the store.

Two engines share the same stages (read → extract → analyse → map): :mod:`kg.ingest.local`
runs them in worker processes on this machine and loads the store directly;
:mod:`kg.ingest.spark` runs them inside Spark executors and writes N-Quads, Parquet records
and a manifest (:mod:`kg.ingest.spark_output`) that :mod:`kg.ingest.load` bulk-loads into a
store. The local engine's API is re-exported here.
"""

from kg.ingest.local import (
    IngestSummary,
    analyse_file,
    discover,
    extract_document,
    ingest,
    pipeline_version,
    process_file,
)

__all__ = [
    "IngestSummary",
    "analyse_file",
    "discover",
    "extract_document",
    "ingest",
    "pipeline_version",
    "process_file",
]
