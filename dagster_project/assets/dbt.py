"""The dbt project as assets: seeds, staging views and marts, downstream of the raw tables."""


import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource, DbtProject, dbt_assets

from ..resources import FiscalWarehouse
from ..settings import DBT_PROJECT_DIR
from ..translator import FiscalDbtTranslator

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


@contextmanager
def dbt_target(db_path: Path) -> Iterator[None]:
    """Point dbt's profile (env_var FISCAL_DB_PATH) at db_path for one invocation."""
    before = os.environ.get("FISCAL_DB_PATH")
    os.environ["FISCAL_DB_PATH"] = str(db_path)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("FISCAL_DB_PATH", None)
        else:
            os.environ["FISCAL_DB_PATH"] = before


@dbt_assets(manifest=dbt_project.manifest_path, dagster_dbt_translator=FiscalDbtTranslator())
def fiscal_dbt_assets(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: FiscalWarehouse):
    """`dbt build`: seeds, staging, marts and their tests (reported as asset checks)."""
    with dbt_target(warehouse.build_db()):
        yield from dbt.cli(["build"], context=context).stream()
