"""Which dbt models an incremental run builds (dagster_project/dbt_selection.py): the real loader on
the samples into a real DuckDB file, the selection from the real dbt manifest (no dbt run: cheap;
test_incremental.py runs dbt with it and compares with a full refresh)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb

from dagster_project import dbt_selection
from dagster_project.assets.dbt import dbt_project
from dagster_project.discovery import scan
from dagster_project.loading import create_raw_tables, sync_raw

SAMPLES = Path(__file__).resolve().parent.parent / "raw"
SELF_EVAL, BUDGET = "000_2cba3ecfd7271be6.txt", "003_7cadc0ecdd172fe9.txt"
BUDGET_MODELS = {"fct_budget_line", "int_budget_lines_classified", "dim_budget_subject", "chk_budget_balance_mismatch"}
REPORT_MODELS = {"fct_report", "fct_indicator", "fct_project_fund", "chk_grade_mismatch"}


def _load(raw: Path, db: Path, manifest: dict) -> set[str] | None:
    with duckdb.connect(str(db)) as con:
        create_raw_tables(con)
        sync_raw(con, scan(raw))
        return dbt_selection.touched_tables(con, dbt_selection.data_sources(manifest))


def _names(manifest: dict, uids) -> set[str]:
    return {manifest["nodes"][uid]["name"] for uid in uids}


def test_a_self_evaluation_file_added_or_removed_reaches_no_budget_model(tmp_path):
    manifest = json.loads(dbt_project.manifest_path.read_text(encoding="utf-8"))
    raw, db = tmp_path / "raw", tmp_path / "w.duckdb"
    raw.mkdir()
    shutil.copy(SAMPLES / BUDGET, raw / BUDGET)
    assert _load(raw, db, manifest) is None  # no record yet (made now): every model
    assert len(dbt_selection.select(manifest, None).built) == 60

    shutil.copy(SAMPLES / SELF_EVAL, raw / SELF_EVAL)
    added = _load(raw, db, manifest)
    assert added == {"reports", "fund_rows", "indicators", "indicator_values", "parse_issues",
                     "line_accounting", "source_lines", "source_files"}  # fmt: skip
    selection = dbt_selection.select(manifest, added)
    built, kept = _names(manifest, selection.built), _names(manifest, selection.kept)
    assert REPORT_MODELS <= built and BUDGET_MODELS <= kept
    assert {"fct_source_file", "chk_placeholder_text"} <= built  # they read the file's lines for their own sake
    # the per-file tables under dim_unit and dim_year and the reports' titles are built, int_budget_files
    # is kept; so are the 16 views (10 of them reached: their SQL is the last build's), and their tests
    # run if reached (13: the keys of the marts it builds are checked by the models, not tests, the
    # check models' not-null columns are NOT NULL in their tables, and a mart's foreign keys are one
    # test, run only if the change reaches the mart: 21 before the last two)
    views = {uid for uid in selection.kept if manifest["nodes"][uid]["config"]["materialized"] == "view"}
    assert (len(selection.built), len(selection.kept), len(views), len(selection.tests)) == (27, 33, 16, 13)
    assert {"stg_fiscal_txt__reports", "stg_fiscal_txt__source_lines"} <= _names(manifest, views)
    tests = _names(manifest, selection.tests)
    assert "unique_combination_of_columns_stg_fiscal_txt__source_lines_source_file__line_no" in tests
    assert "unique_stg_fiscal_txt__budget_tables_budget_table_id" not in tests  # no changed budget row
    assert {"fct_report_foreign_keys", "fct_indicator_foreign_keys"} <= tests
    # dim_year and dim_unit are built, but fct_budget_line holds no row of the file: nothing to judge
    assert "fct_budget_line_foreign_keys" not in tests
    args = selection.exclude_args(manifest)
    assert args[:3] == ["--indirect-selection", "empty", "--exclude"]
    excluded = set(args[3].split())
    assert {"resource_type:seed", "fct_budget_line", "stg_fiscal_txt__reports",
            "unique_stg_fiscal_txt__budget_tables_budget_table_id"} <= excluded and not excluded & tests  # fmt: skip

    (raw / SELF_EVAL).unlink()  # its rows leave raw: the record says where they were
    assert _load(raw, db, manifest) == added
    with duckdb.connect(str(db)) as con:
        assert con.execute(f"select distinct source_file from {dbt_selection.RECORD}").fetchall() == [(BUDGET,)]
