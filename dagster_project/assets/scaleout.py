"""Scale-out: the raw layer parsed per file bucket into Parquet, one partition per bucket.

Partitions are independent (no shared DuckDB writer), so a backfill spreads
them over workers: the multiprocess executor and concurrent runs here, the
Kubernetes or Celery executors on a cluster.
"""

import dagster as dg

from ..loading import discover
from ..parquet import bucket_keys, write_bucket
from ..resources import FiscalWarehouse

file_buckets = dg.StaticPartitionsDefinition(bucket_keys())


@dg.asset(
    key=dg.AssetKey(["raw_parquet", "parsed_files"]),
    partitions_def=file_buckets,
    backfill_policy=dg.BackfillPolicy.multi_run(max_partitions_per_run=1),
    group_name="scaleout",
    kinds={"python", "parquet"},
)
def raw_parquet(context: dg.AssetExecutionContext, warehouse: FiscalWarehouse) -> dg.MaterializeResult:
    """Every raw table as Hive-partitioned Parquet under <warehouse dir>/parquet, for one file bucket."""
    settings = warehouse.settings()
    rows = write_bucket(discover(settings.raw_dir), context.partition_key, settings.db_path.parent / "parquet")
    return dg.MaterializeResult(metadata={f"rows_{k}": v for k, v in rows.items()})


fiscal_parquet_scaleout = dg.define_asset_job(
    "fiscal_parquet_scaleout",
    selection=[raw_parquet],
    partitions_def=file_buckets,
    executor_def=dg.multiprocess_executor,
    description="Parse one bucket of files per run into Parquet; backfill all buckets to spread over workers.",
)
