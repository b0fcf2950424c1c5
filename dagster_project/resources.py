"""Resources: where the warehouse lives and how dbt runs, from the environment."""


import dataclasses
import sys
from functools import cached_property
from importlib.metadata import version as installed_version
from pathlib import Path

import dagster as dg
import dagster_dbt.core.resource
from dagster_dbt.core.dbt_cli_invocation import DbtCliInvocation
from dagster_dbt.core.resource import DbtCliResource
from packaging import version
from pydantic import PrivateAttr

from . import dbt_warm
from .publish import begin_build, current_build, readable_path, report_build_dir
from .settings import DBT_PROJECT_DIR, Settings, load_settings


class FiscalWarehouse(dg.ConfigurableResource):
    """Paths of the raw folder, the DuckDB file and the report folder.

    Empty fields fall back to FISCAL_RAW_DIR / FISCAL_DB_PATH / FISCAL_REPORT_DIR,
    read when a run starts (not when the code loads).

    Inside a run, each run has its own build file and report folder (publish.py):
    settings().report_dir is then the run's private report folder, which is
    published together with the warehouse; published_settings() has the real one.
    """

    raw_dir: str = ""
    db_path: str = ""
    report_dir: str = ""
    _run_id: str = PrivateAttr(default="")

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        self._run_id = context.run.run_id if context.run else ""

    @property
    def run_id(self) -> str:
        return self._run_id

    def published_settings(self) -> Settings:
        base = load_settings()
        return Settings(
            raw_dir=Path(self.raw_dir) if self.raw_dir else base.raw_dir,
            db_path=Path(self.db_path) if self.db_path else base.db_path,
            report_dir=Path(self.report_dir) if self.report_dir else base.report_dir,
            parse_workers=base.parse_workers,
            limits=base.limits,
            decisions_path=base.decisions_path,
        )

    def settings(self) -> Settings:
        published = self.published_settings()
        if not self._run_id:
            return published
        return dataclasses.replace(published, report_dir=report_build_dir(published.report_dir, self._run_id))

    def build_db(self, fresh: bool = False) -> Path:
        """The private DuckDB file this run writes to (see publish.py)."""
        published = self.published_settings()
        if fresh:
            return begin_build(published.db_path, self._run_id, published.report_dir)
        return current_build(published.db_path, self._run_id)

    def read_db(self) -> Path:
        """The newest state to read: this run's build, else the published file."""
        return readable_path(self.published_settings().db_path, self._run_id)


class FiscalDbtCliResource(DbtCliResource):
    """dagster-dbt's dbt CLI without two start-up costs of each run it does not need (~5 CPU s).

    dagster-dbt asks `dbt --version` in a subprocess (a Python start importing dbt: ~2.6 CPU s)
    for the version of the dbt it runs: it is the dbt-core installed beside this code. And it
    builds a dbt adapter in this process (profile, project, every macro parsed: ~2.3 CPU s) that
    it uses only to fetch row counts or column metadata, which the dbt asset does not ask for.
    """

    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(installed_version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args):  # dagster-dbt calls it with the dbt args
        return None


class WarmDbtCliInvocation(DbtCliInvocation):
    """dagster-dbt's dbt invocation, run by the dbt process run.py started early when there is one
    (dbt_warm.py: dbt's imports already done); else a new dbt process, as dagster-dbt does."""

    @classmethod
    def run(cls, args, env, manifest, dagster_dbt_translator, project_dir, target_path, raise_on_error,
            context, adapter, cli_version, dbt_project=None):  # fmt: skip
        process = dbt_warm.take(list(args), env, project_dir)
        if process is None:
            return super().run(args, env, manifest, dagster_dbt_translator, project_dir, target_path,
                               raise_on_error, context, adapter, cli_version, dbt_project)  # fmt: skip
        # (dagster-dbt would also seed target_path with dbt/target's partial parse: the dbt asset does)
        invocation = cls(
            process=process, manifest=manifest, project=dbt_project, dagster_dbt_translator=dagster_dbt_translator,
            project_dir=project_dir, target_path=target_path, raise_on_error=raise_on_error, context=context,
            adapter=adapter, cli_version=cli_version,
        )  # fmt: skip
        dg.get_dagster_logger().info(f"Running dbt command: `{invocation.dbt_command}` (dbt started early).")
        return invocation


# DbtCliResource.cli builds its invocation by this module-level name (dagster-dbt 0.29)
dagster_dbt.core.resource.DbtCliInvocation = WarmDbtCliInvocation


def dbt_resource() -> DbtCliResource:
    # dbt is installed in the same environment as this code (the project's venv).
    dbt = Path(sys.executable).parent / "dbt"
    return FiscalDbtCliResource(
        project_dir=str(DBT_PROJECT_DIR),
        profiles_dir=str(DBT_PROJECT_DIR),
        dbt_executable=str(dbt) if dbt.exists() else "dbt",
    )
