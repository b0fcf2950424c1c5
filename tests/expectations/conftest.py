"""Tiny warehouses for the rule tests: hand-made raw rows, built into marts and check rows by dbt.

Rows are given as the parser would load them (amounts in the document's unit); the project's
loader creates the raw tables and the real dbt project builds staging, marts and the
``quality.chk_*`` models from them, so the rules are tested on marts exactly as the pipeline makes them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from decimal import Decimal as D
from pathlib import Path

import duckdb
import pytest

from dagster_project.loading import create_raw_tables

ROOT = Path(__file__).resolve().parents[2]
DBT_DIR = ROOT / "dbt"
DBT = Path(sys.executable).parent / "dbt"


def _decimal(value):
    return None if value is None else D(str(value))


def report(source_file, seq, project, unit, money_unit, *, report_type="self_eval", year=2024, **kw):
    return {
        "source_file": source_file, "report_seq": seq, "report_type": report_type, "fiscal_year": year,
        "project_name": project, "implementing_unit": unit, "money_unit": money_unit,
        "supervising_dept": kw.pop("dept", "上海市松江区人力资源和社会保障局"),
        "line_start": kw.pop("line_start", 1), "line_end": kw.pop("line_end", 40),
        **{k: _decimal(v) if k in ("total_weight", "total_score", "budget_amount") else v for k, v in kw.items()},
    }


FUND_LABELS = {"total": "年度资金总额", "current_year_appropriation": "其中:当年财政拨款",
               "carryover": "上年结转资金", "other": "其他资金"}


def fund(source_file, seq, source, line, **amounts):
    """amounts in the report's money_unit: budget_initial, budget_adjusted, budget_tracking, executed, …"""
    return {"source_file": source_file, "report_seq": seq, "fund_source": source, "label": FUND_LABELS[source],
            "line_no": line, **{k: _decimal(v) for k, v in amounts.items()}}


def indicator(source_file, seq, n, name, weight, score, line, reason=None, target=None, actual=None, planned=None):
    return {"source_file": source_file, "report_seq": seq, "indicator_seq": n, "line_no": line,
            "level1": "产出指标", "level2": "数量指标", "indicator_name": name,
            "target_text": target, "actual_text": actual, "planned_text": planned,
            "weight": _decimal(weight), "score": _decimal(score), "deviation_reason": reason}


def reading(source_file, seq, n, line, achievement, operator=None, value=None, unit=None, actual=None):
    """The parser's reading of an indicator's target and actual text (raw.indicator_values)."""
    return {"source_file": source_file, "report_seq": seq, "indicator_seq": n, "line_no": line,
            "target_operator": operator, "target_value": _decimal(value), "target_value_max": None,
            "target_unit": unit, "actual_operator": None, "actual_value": _decimal(actual), "actual_unit": None,
            "achievement": achievement}


def budget_table(source_file, table_seq, title, line_start, money_unit="元", year=2020,
                 department="松江区人力资源和社会保障局"):
    return {"source_file": source_file, "table_seq": table_seq, "table_title": title, "line_start": line_start,
            "line_end": line_start + 50, "fiscal_year": year, "money_unit": money_unit, "department": department}


def budget(source_file, table_seq, row_seq, code, name, cells, line, side=None):
    """cells: {measure: amount in the table's unit}; one line per cell, numbered from ``line``."""
    level = {3: "类", 5: "款", 7: "项"}.get(len(code))
    return [
        {"source_file": source_file, "table_seq": table_seq, "row_seq": row_seq, "measure": measure,
         "amount": _decimal(amount), "line_no": line + i, "side": side, "subject_code": code,
         "code_level": level, "subject_name": name}
        for i, (measure, amount) in enumerate(cells.items())
    ]


def narrative(source_file, name, context, amount_wan, line, year=2020):
    return {"source_file": source_file, "line_no": line, "subject_name": name, "amount": _decimal(amount_wan),
            "unit": "万元", "context": context, "raw_text": f"“{name}”科目{amount_wan}万元", "fiscal_year": year}


RAW_TABLES = ("reports", "fund_rows", "indicators", "indicator_values", "budget_tables", "budget_cells",
              "narrative_amounts", "narrative_changes", "source_lines", "line_accounting")


def merge(*parts: dict[str, list[dict]]) -> dict[str, list[dict]]:
    return {table: [row for part in parts for row in part.get(table, [])] for table in RAW_TABLES}


def dbt_build(db_path: Path, work: Path) -> subprocess.CompletedProcess:
    """Seeds and models (no data tests: hand-made rows need not satisfy every structural test)."""
    env = dict(os.environ, FISCAL_DB_PATH=str(db_path), DBT_PROFILES_DIR=str(DBT_DIR), DO_NOT_TRACK="1")
    return subprocess.run(
        [str(DBT), "build", "--exclude-resource-type", "test", "unit_test", "--profiles-dir", str(DBT_DIR),
         "--target-path", str(work / "target"), "--log-path", str(work / "logs")],
        check=False, cwd=DBT_DIR, env=env, capture_output=True, text=True, timeout=600,
    )


def build_warehouse(folder: Path, raw: dict[str, list[dict]]) -> Path:
    """Load the raw rows into a fresh DuckDB file and `dbt build` it; returns the file."""
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "fiscal.duckdb"
    with duckdb.connect(str(db)) as con:
        create_raw_tables(con)
        for table, rows in raw.items():
            for row in rows:
                columns = ", ".join(row)
                marks = ", ".join("?" for _ in row)
                con.execute(f"INSERT INTO raw.{table} ({columns}) VALUES ({marks})", list(row.values()))
    result = dbt_build(db, folder)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    return db


@pytest.fixture(scope="module")
def warehouse_builder():
    return build_warehouse
