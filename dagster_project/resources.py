"""Resources: where the warehouse lives and how dbt runs, from the environment."""


import sys
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource

from .publish import begin_build, current_build, readable_path
from .settings import DBT_PROJECT_DIR, Settings, load_settings


class FiscalWarehouse(dg.ConfigurableResource):
    """Paths of the raw folder, the DuckDB file and the report folder.

    Empty fields fall back to FISCAL_RAW_DIR / FISCAL_DB_PATH / FISCAL_REPORT_DIR,
    read when a run starts (not when the code loads).
    """

    raw_dir: str = ""
    db_path: str = ""
    report_dir: str = ""

    def settings(self) -> Settings:
        base = load_settings()
        return Settings(
            raw_dir=Path(self.raw_dir) if self.raw_dir else base.raw_dir,
            db_path=Path(self.db_path) if self.db_path else base.db_path,
            report_dir=Path(self.report_dir) if self.report_dir else base.report_dir,
            parse_workers=base.parse_workers,
        )

    def build_db(self, fresh: bool = False) -> Path:
        """The private DuckDB file this run writes to (see publish.py)."""
        published = self.settings().db_path
        return begin_build(published) if fresh else current_build(published)

    def read_db(self) -> Path:
        """The newest state to read: the build under way, else the published file."""
        return readable_path(self.settings().db_path)


def dbt_resource() -> DbtCliResource:
    # dbt is installed in the same environment as this code (the project's venv).
    dbt = Path(sys.executable).parent / "dbt"
    return DbtCliResource(
        project_dir=str(DBT_PROJECT_DIR),
        profiles_dir=str(DBT_PROJECT_DIR),
        dbt_executable=str(dbt) if dbt.exists() else "dbt",
    )
