"""The scale-out path: one partition per file bucket, written as Hive-partitioned Parquet."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import duckdb

from dagster_project.assets.scaleout import raw_parquet
from dagster_project.loading import discover
from dagster_project.parquet import BUCKETS, bucket_keys, bucket_of
from dagster_project.parsers import parse_file
from dagster_project.resources import FiscalWarehouse

SAMPLES = Path(__file__).resolve().parent.parent / "raw"


def test_buckets_are_stable_and_cover_every_file():
    assert bucket_keys() == [f"{b:02d}" for b in range(BUCKETS)]
    assert bucket_of("a/b.txt") == bucket_of("a/b.txt")
    assert len({bucket_of(f"dept{i}/report{i}.txt") for i in range(400)}) == BUCKETS


def test_each_bucket_materializes_independently_into_hive_parquet(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(SAMPLES, raw)
    warehouse = FiscalWarehouse(
        raw_dir=str(raw), db_path=str(tmp_path / "w" / "fiscal.duckdb"), report_dir=str(tmp_path / "r")
    )
    buckets = sorted({f"{bucket_of(f.source_file):02d}" for f in discover(raw)})
    for key in buckets:
        result = dg.materialize([raw_parquet], partition_key=key, resources={"warehouse": warehouse})
        assert result.success
    parquet = tmp_path / "w" / "parquet"
    with duckdb.connect() as con:
        per_file = dict(
            con.execute(
                f"select source_file, count(*) from read_parquet('{parquet}/reports/*/*.parquet', "
                "hive_partitioning = true) group by all"
            ).fetchall()
        )
        bucket_column = con.execute(
            f"select distinct bucket from read_parquet('{parquet}/reports/*/*.parquet', hive_partitioning = true)"
        ).fetchall()
    expected = {p.name: len(parse_file(p, p.name).reports) for p in sorted(raw.iterdir())}
    assert per_file == expected
    assert sorted(str(b[0]).zfill(2) for b in bucket_column) == buckets
