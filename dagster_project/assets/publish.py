"""Publish: swap the finished build in for the analysts' DuckDB file, atomically."""


import dagster as dg

from .. import locking
from ..publish import build_origin, publish
from ..resources import FiscalWarehouse
from .quality import VIOLATIONS_KEY
from .report import DQ_REPORT_KEY

PUBLISHED_KEY = dg.AssetKey(["warehouse", "fiscal_duckdb"])


@dg.asset(key=PUBLISHED_KEY, deps=[VIOLATIONS_KEY, DQ_REPORT_KEY], group_name="publish", kinds={"duckdb"})
def published_warehouse(context: dg.AssetExecutionContext, warehouse: FiscalWarehouse) -> dg.MaterializeResult:
    """The DuckDB file at FISCAL_DB_PATH that analysts query: replaced only by a complete, checked build."""
    settings = warehouse.published_settings()
    origin = build_origin(settings.db_path, warehouse.run_id)  # asked before the build file is renamed
    counts = publish(settings.db_path, warehouse.run_id, settings.report_dir)  # the report goes with it
    locking.release(settings.db_path)
    if origin:
        context.log.info(f"the build file was {origin}")
    context.log.info(f"published {settings.db_path}: {counts}")
    return dg.MaterializeResult(
        metadata={"path": str(settings.db_path), **counts, "raw_fingerprint": _ingested_fingerprint(context)}
    )


def _ingested_fingerprint(context: dg.AssetExecutionContext) -> str:
    """The raw folder state this run read (recorded by the ingest step), for the sensor."""
    event = context.instance.get_latest_materialization_event(dg.AssetKey(["raw", "source_files"]))
    if event is None or event.run_id != context.run_id:
        return ""
    value = event.asset_materialization.metadata.get("raw_fingerprint")
    return value.value if value is not None else ""
