"""The dbt project as assets: seeds, staging views and marts, downstream of the raw tables."""


import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource, DbtProject, dbt_assets

from ..resources import FiscalWarehouse
from ..settings import DBT_PROJECT_DIR, load_settings
from ..translator import FiscalDbtTranslator

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)

# Each run's dbt artefacts (run_results.json, compiled SQL, dbt.log: ~7 MB) go to their own folder
# under dbt/target/runs (FISCAL_DBT_RUNS_DIR); only the newest few are kept, so it stays bounded.
RUNS_KEPT = 3
PARTIAL_PARSE = "partial_parse.msgpack"


def run_target_path(run_id: str, runs_dir: Path | None = None, keep: int = RUNS_KEPT) -> Path:
    """This run's dbt target folder, seeded with the newest run's parse state; older folders pruned.

    The newest run parsed dbt with the same profile (the build file next to FISCAL_DB_PATH), so
    its partial_parse.msgpack lets dbt skip a full parse; dbt/target's own one (from `dbt parse`)
    was made for another path and makes dbt say "profile has changed" and parse again.
    """
    runs_dir = runs_dir or load_settings().dbt_runs_dir
    runs_dir.mkdir(parents=True, exist_ok=True)
    earlier = sorted(
        (p for p in runs_dir.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime, reverse=True
    )
    target = runs_dir / run_id[:8]
    target.mkdir(exist_ok=True)
    seed = next((p / PARTIAL_PARSE for p in earlier if (p / PARTIAL_PARSE).is_file()), None)
    if seed is not None and not (target / PARTIAL_PARSE).exists():
        shutil.copy2(seed, target / PARTIAL_PARSE)
    for old in [p for p in earlier if p != target][keep - 1 :]:
        shutil.rmtree(old, ignore_errors=True)
    return target


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
        target = run_target_path(context.run_id)
        # No colour codes: dbt's output ends up in log files and the Dagster UI, not a terminal.
        yield from dbt.cli(["build", "--no-use-colors"], context=context, target_path=target).stream()
