"""Quality: Great Expectations judges each rule's dbt check rows into quality.violations."""


import dagster as dg
import duckdb

from expectations.registry import RULES

from ..db import connect
from ..resources import FiscalWarehouse
from ..review_decisions import apply_decisions
from .dbt import BUILD_STATE

# The dbt models holding the rules' check rows (quality.chk_<check_name>), built from the marts.
CHECK_MODEL_KEYS = [dg.AssetKey(["quality", rule.model]) for rule in RULES]
VIOLATIONS_KEY = dg.AssetKey(["quality", "violations"])
# where each budget check row sits in the subject tree: the violations' root causes are grouped by it
FINDING_PLACES_KEY = dg.AssetKey(["quality", "finding_places"])


@dg.asset(key=VIOLATIONS_KEY, deps=[*CHECK_MODEL_KEYS, FINDING_PLACES_KEY], group_name="quality", kinds={"great_expectations", "duckdb"})
def quality_violations(context: dg.AssetExecutionContext, warehouse: FiscalWarehouse) -> dg.MaterializeResult:
    """One row per failed check instance (contract: quality.violations), plus GX Data Docs.

    Violations are findings about the documents, not failures of the run.
    """
    # here, not at import: Great Expectations costs ~4 CPU s to import, which loading the
    # definitions (the UI, the sensor's ticks) need not pay
    from expectations.checkpoint import run_quality_checks

    settings = warehouse.settings()
    # one connection for the step: opening the warehouse and closing it (a checkpoint) cost each time
    with connect(warehouse.build_db()) as con:
        # the marts rebuilt whole (a full refresh): every rule judges every row; else only the changed files'
        changed_only = not _marts_rebuilt_whole(con)
        summary = run_quality_checks(
            con, settings.report_dir, changed_only=changed_only,
            # Data Docs start from the published ones (the carried-over rules' pages); named after the run
            published_report_dir=warehouse.published_settings().report_dir, run_name=warehouse.run_id or None,
        )
        decisions = apply_decisions(con)  # quality.review_decisions: each decision applied or stale
    by_check = {c.check_name: c.violation_count for c in summary.checks}
    context.log.info(f"quality checks: {by_check}")
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": sum(by_check.values()),
            "violations_by_check": by_check,
            "checks_run": len(summary.checks),
            "changed_files_only": changed_only,
            "hints": sum(c.hint_count for c in summary.checks),  # rounding-only differences, not violations
            "decisions_applied": decisions.get("applied", 0),
            "decisions_stale": decisions.get("stale", 0),
        }
    )


def _marts_rebuilt_whole(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether this run's dbt build was a full refresh (raw.dbt_build_state; none recorded: yes)."""
    try:
        rows = con.execute(f"select full_refresh from {BUILD_STATE}").fetchall()
    except duckdb.CatalogException:
        return True
    return not rows or bool(rows[0][0])
