"""`make run` on the samples: exit 0, and every table and column of CONTRACT.md exists."""

from __future__ import annotations

import pytest

CONTRACT_COLUMNS = {
    "raw.parse_issues": "source_file, line_no, severity, code, message, raw_text",
    "marts.fct_report": (
        "report_id, source_file, report_seq, report_type, fiscal_year, project_name, supervising_dept, "
        "implementing_unit, money_unit, total_weight, total_score, grade, tracking_period_start, "
        "tracking_period_end, line_start, line_end, goal_expected, goal_actual, goal_total, goal_annual, "
        "budget_amount_yuan, budget_completion_likelihood, goal_completion_likelihood, corrective_measures"
    ),
    "marts.fct_project_fund": (
        "report_id, source_file, report_seq, fund_source, budget_initial_yuan, budget_adjusted_yuan, "
        "budget_tracking_yuan, executed_yuan, weight, execution_rate_pct, score, line_no"
    ),
    "marts.fct_indicator": (
        "report_id, source_file, report_seq, indicator_seq, level1, level2, indicator_name, target_text, "
        "actual_text, planned_text, weight, score, deviation_reason, line_no, target_operator, target_value, "
        "target_value_max, target_unit, actual_value, actual_unit, achievement"
    ),
    "marts.fct_budget_line": (
        "source_file, fiscal_year, table_seq, table_title, side, row_seq, subject_code, code_level, "
        "subject_name, measure, amount_yuan, line_no"
    ),
    "quality.violations": (
        "check_name, severity, source_file, report_seq, table_seq, subject, expected_value, "
        "observed_value, message, line_no"
    ),
}
CONTRACT_TABLES = [
    "marts.dim_unit",
    "marts.dim_year",
    "marts.dim_indicator_category",
    "marts.dim_fund_source",
    "marts.dim_budget_subject",
]


@pytest.mark.parametrize("table", sorted(CONTRACT_COLUMNS))
def test_contract_columns_exist(sample_run, table):
    schema, name = table.split(".")
    columns = {
        row[0]
        for row in sample_run.query(
            "select column_name from information_schema.columns where table_schema = ? and table_name = ?",
            [schema, name],
        )
    }
    expected = {c.strip() for c in CONTRACT_COLUMNS[table].split(",")}
    assert expected <= columns, f"{table} lacks {sorted(expected - columns)}"


@pytest.mark.parametrize("table", CONTRACT_TABLES)
def test_dimension_tables_exist_and_are_filled(sample_run, table):
    assert sample_run.scalar(f"select count(*) from {table}") > 0


def test_run_exits_zero_even_with_violations(sample_run):
    assert sample_run.result.returncode == 0
    assert sample_run.scalar("select count(*) from quality.violations") > 0


def test_amounts_are_two_decimal_yuan(sample_run):
    types = dict(
        sample_run.query(
            """
            select column_name, data_type from information_schema.columns
            where table_schema = 'marts' and column_name like '%\\_yuan' escape '\\'
            """
        )
    )
    assert types and all(t == "DECIMAL(18,2)" for t in types.values()), types
