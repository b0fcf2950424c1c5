"""Tiny marts with the contract's columns, written to a DuckDB file per test module."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

MART_DDL = {
    "fct_report": """
        report_id VARCHAR, source_file VARCHAR, report_seq INTEGER, report_type VARCHAR, fiscal_year INTEGER,
        project_name VARCHAR, supervising_dept VARCHAR, implementing_unit VARCHAR, money_unit VARCHAR,
        total_weight DECIMAL(18,2), total_score DECIMAL(18,2), grade VARCHAR,
        tracking_period_start VARCHAR, tracking_period_end VARCHAR, line_start INTEGER, line_end INTEGER,
        goal_expected VARCHAR, goal_actual VARCHAR, goal_total VARCHAR, goal_annual VARCHAR,
        budget_amount_yuan DECIMAL(18,2), budget_completion_likelihood VARCHAR,
        goal_completion_likelihood VARCHAR, corrective_measures VARCHAR""",
    "fct_project_fund": """
        report_id VARCHAR, source_file VARCHAR, report_seq INTEGER, fund_source VARCHAR,
        budget_initial_yuan DECIMAL(18,2), budget_adjusted_yuan DECIMAL(18,2), budget_tracking_yuan DECIMAL(18,2),
        executed_yuan DECIMAL(18,2), weight DECIMAL(18,2), execution_rate_pct DECIMAL(18,2),
        score DECIMAL(18,2), line_no INTEGER""",
    "fct_indicator": """
        report_id VARCHAR, source_file VARCHAR, report_seq INTEGER, indicator_seq INTEGER, level1 VARCHAR,
        level2 VARCHAR, indicator_name VARCHAR, target_text VARCHAR, actual_text VARCHAR, planned_text VARCHAR,
        weight DECIMAL(18,2), score DECIMAL(18,2), deviation_reason VARCHAR, line_no INTEGER""",
    "fct_budget_line": """
        source_file VARCHAR, fiscal_year INTEGER, table_seq INTEGER, table_title VARCHAR, side VARCHAR,
        row_seq INTEGER, subject_code VARCHAR, code_level VARCHAR, subject_name VARCHAR, measure VARCHAR,
        amount_yuan DECIMAL(18,2), line_no INTEGER""",
    "fct_narrative_amount": """
        source_file VARCHAR, fiscal_year INTEGER, subject_name VARCHAR, context VARCHAR,
        amount_stated DECIMAL(18,2), unit VARCHAR, amount_yuan DECIMAL(18,2), line_no INTEGER, raw_text VARCHAR""",
}


def write_marts(path: Path, tables: dict[str, list[dict]]) -> Path:
    """Create marts.<table> with the contract columns and insert the given rows (others empty)."""
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE SCHEMA IF NOT EXISTS marts")
        for table, rows in tables.items():
            con.execute(f"CREATE OR REPLACE TABLE marts.{table} ({MART_DDL[table]})")
            for row in rows:
                columns = ", ".join(row)
                marks = ", ".join("?" for _ in row)
                con.execute(f"INSERT INTO marts.{table} ({columns}) VALUES ({marks})", list(row.values()))
    return path


@pytest.fixture(scope="module")
def marts_writer():
    return write_marts
