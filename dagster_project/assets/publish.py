"""Publish: swap the finished build in for the analysts' DuckDB file, atomically."""


import dagster as dg

from ..publish import publish
from ..resources import FiscalWarehouse
from .quality import VIOLATIONS_KEY
from .report import DQ_REPORT_KEY

PUBLISHED_KEY = dg.AssetKey(["warehouse", "fiscal_duckdb"])


@dg.asset(key=PUBLISHED_KEY, deps=[VIOLATIONS_KEY, DQ_REPORT_KEY], group_name="publish", kinds={"duckdb"})
def published_warehouse(context: dg.AssetExecutionContext, warehouse: FiscalWarehouse) -> dg.MaterializeResult:
    """The DuckDB file at FISCAL_DB_PATH that analysts query: replaced only by a complete, checked build."""
    counts = publish(warehouse.settings().db_path)
    context.log.info(f"published {warehouse.settings().db_path}: {counts}")
    return dg.MaterializeResult(metadata={"path": str(warehouse.settings().db_path), **counts})
