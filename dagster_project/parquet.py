"""The raw layer as Hive-partitioned Parquet: the scale-out path beyond one DuckDB writer.

Files are spread over a fixed number of buckets by a hash of their name, so a
bucket's files can be parsed on any worker and written without touching any
other bucket: ``<parquet_dir>/<table>/bucket=<kk>/part-0.parquet``. Any engine
that reads Hive-partitioned Parquet (DuckDB, Spark, Trino) sees one table per
raw table; DuckDB: ``read_parquet('<dir>/reports/*/*.parquet', hive_partitioning = true)``.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from .loading import RAW_TABLES, SourceFile, parse_sources, record_frame

BUCKETS = 16


def bucket_of(source_file: str, buckets: int = BUCKETS) -> int:
    """Stable bucket of a file: the same name lands in the same bucket on every machine."""
    return int(hashlib.sha256(source_file.encode("utf-8")).hexdigest()[:8], 16) % buckets


def bucket_keys(buckets: int = BUCKETS) -> list[str]:
    return [f"{b:02d}" for b in range(buckets)]


def write_bucket(files: list[SourceFile], bucket: str, parquet_dir: Path, workers: int = 1) -> dict[str, int]:
    """Parse the files of one bucket and replace that bucket's Parquet files, table by table."""
    chosen = [f for f in files if f"{bucket_of(f.source_file):02d}" == bucket]
    results = list(parse_sources(chosen, workers))
    rows = {}
    for table, (attr, record_type) in RAW_TABLES.items():
        frame = record_frame((rec for r in results for rec in getattr(r, attr)), record_type)
        target = parquet_dir / table / f"bucket={bucket}"
        tmp = target.with_name(target.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        frame.write_parquet(tmp / "part-0.parquet")
        shutil.rmtree(target, ignore_errors=True)
        tmp.rename(target)  # readers see the old bucket or the new one, never half of it
        rows[table] = frame.height
    rows["files"] = len(chosen)
    return rows
