"""The one entry point: a Definitions built from explicit lists, with no import side effects."""

from __future__ import annotations

import dagster as dg

# first: dagster-dbt without dbt-core's modules, before the modules below import it (~2 CPU s)
from . import dagster_dbt_import  # noqa: F401
from .assets.dbt import fiscal_dbt_assets
from .assets.ingest import raw_tables
from .assets.publish import published_warehouse
from .assets.quality import quality_violations
from .assets.report import dq_report
from .assets.scaleout import fiscal_parquet_scaleout, raw_parquet
from .checks import every_line_accounted, finance_rule_checks, no_parse_errors
from .jobs import fiscal_daily, fiscal_full_build, raw_dir_sensor
from .resources import FiscalWarehouse, dbt_resource

defs = dg.Definitions(
    assets=[raw_tables, fiscal_dbt_assets, quality_violations, dq_report, published_warehouse, raw_parquet],
    asset_checks=[every_line_accounted, no_parse_errors, finance_rule_checks],
    jobs=[fiscal_full_build, fiscal_parquet_scaleout],
    schedules=[fiscal_daily],
    sensors=[raw_dir_sensor],
    resources={"dbt": dbt_resource(), "warehouse": FiscalWarehouse()},
    # DuckDB has one writer at a time: steps run one after another in the run process.
    executor=dg.in_process_executor,
)
