"""The Spark session pikg's Spark engines share: ingest (:mod:`kg.ingest.spark`) and copy
detection (:mod:`kg.duplicates.spark`). Their output is read back without Spark
(:mod:`kg.ingest.spark_output`, :mod:`kg.ingest.load`).

pyspark is an optional extra (``pip install -e '.[spark]'``) and needs a Java runtime, so it
is imported only inside the functions that start Spark: the rest of pikg, and ``kg load``,
work without either.
"""

from __future__ import annotations

import os
import shutil
import sys
from typing import TYPE_CHECKING

from kg.errors import KgError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

LOCAL_CONF: dict[str, str] = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.driver.memory": "2g",
    "spark.sql.shuffle.partitions": "8",
    "spark.python.worker.reuse": "true",
}
"""A local session: no web UI, loopback only, modest memory (the machine is shared)."""


def spark_missing() -> str | None:
    """Why Spark cannot start here (pyspark or java missing), or ``None`` when it can."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed (pip install -e '.[spark]')"
    java_home = os.environ.get("JAVA_HOME")
    if not (java_home and os.path.exists(os.path.join(java_home, "bin", "java"))) and not (
        shutil.which("java")
    ):
        return "no Java runtime (install openjdk-17-jre-headless or set JAVA_HOME)"
    return None


def get_spark(master: str | None = None, app_name: str = "pikg") -> SparkSession:
    """The active Spark session, or a new one.

    Under ``spark-submit`` the cluster's master and settings apply; run from plain Python
    (``kg ingest --engine spark``) the session is ``master`` (default ``local[*]``) with
    :data:`LOCAL_CONF`. A missing pyspark or Java is a :class:`KgError`, not a traceback.
    """
    reason = spark_missing()
    if reason:
        raise KgError(f"cannot run on Spark: {reason}")
    from pyspark import SparkConf
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None and master is None:
        return active
    conf = SparkConf()  # picks up spark-submit's settings when launched by it
    builder = SparkSession.builder.appName(app_name)
    if master is not None or not conf.contains("spark.master"):
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # workers import this kg
        builder = builder.master(master or "local[*]")
        for key, value in LOCAL_CONF.items():
            builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


__all__ = ["LOCAL_CONF", "get_spark", "spark_missing"]
