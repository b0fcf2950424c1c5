"""GX validation results → quality.violations rows (Chinese message, line_no).

``expected_value`` / ``observed_value`` are text: amounts in 元 with two
decimals (like every ``_yuan`` column), rates in percent, scores and weights in
points, grades and reasons as words. The message restates them in the
document's own unit (万元 documents in 万元) for the finance office.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import pyarrow as pa

from .rules import Rule

VIOLATION_SCHEMA = pa.schema(
    [
        # contract columns, in contract order
        ("check_name", pa.string()),
        ("severity", pa.string()),
        ("source_file", pa.string()),
        ("report_seq", pa.int32()),
        ("table_seq", pa.int32()),
        ("subject", pa.string()),
        ("expected_value", pa.string()),
        ("observed_value", pa.string()),
        ("message", pa.string()),
        ("line_no", pa.int32()),
        # extras
        ("report_id", pa.string()),
        ("project_name", pa.string()),
        ("implementing_unit", pa.string()),
        ("fiscal_year", pa.int32()),
        ("table_title", pa.string()),
        ("measure", pa.string()),
        ("value_unit", pa.string()),  # unit of expected/observed/difference/tolerance: 元, %, 分 or empty
        ("difference", pa.float64()),  # observed − expected
        ("tolerance", pa.float64()),
        ("rule_description", pa.string()),
        ("suite", pa.string()),
        ("expectation_type", pa.string()),
    ]
)

_VALUE_UNIT = {"amount": "元", "rate": "%", "score": "分", "weight": "分"}


def clean(value: Any) -> Any:
    """pandas missing markers → None; numpy scalars → Python."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def _unit_factor(money_unit: str | None) -> int:
    return 10000 if money_unit == "万元" else 1


def display(number: float | None, kind: str, money_unit: str | None) -> str:
    """A number as the finance office reads it: amounts in the document's unit."""
    if number is None:
        return "（空）"
    if kind == "amount":
        unit = money_unit or "元"
        return f"{number / _unit_factor(money_unit):,.2f} {unit}"
    if kind == "rate":
        return f"{number:.2f}%"
    return f"{number:.2f} 分"


def _who(row: dict) -> str:
    if row.get("project_name"):
        return f"项目「{row['project_name']}」（实施单位：{row.get('implementing_unit') or '未填'}）"
    if row.get("table_title") == "预算编制说明":
        return "预算编制说明"
    if row.get("table_title"):
        return f"《{row['table_title']}》"
    return row.get("source_file") or ""


def message_fields(row: dict, rule: Rule) -> dict[str, str]:
    """The fields a rule's message template may use."""
    kind, unit = rule.value_kind, row.get("money_unit")
    expected, observed = row.get("expected_number"), row.get("observed_number")
    if kind in ("grade", "text"):
        shown_expected = row.get("expected_text") or ""
        shown_observed = row.get("observed_text") or "未填写"
        difference = tolerance = ""
    else:
        shown_expected, shown_observed = display(expected, kind, unit), display(observed, kind, unit)
        diff = None if expected is None or observed is None else abs(observed - expected)
        difference = display(diff, kind, unit)
        tolerance = display(row.get("tolerance"), kind, unit)
    return {
        "who": _who(row),
        "subject": row.get("subject") or "",
        "measure": row.get("measure") or "",
        "detail": row.get("detail") or "",
        "expected": shown_expected,
        "observed": shown_observed,
        "difference": difference,
        "tolerance": tolerance,
    }


def _plain(number: float | None) -> str | None:
    return None if number is None else f"{number:.2f}"


def violation_row(row: dict, rule: Rule) -> dict:
    """One quality.violations row from one failing check row."""
    textual = rule.value_kind in ("grade", "text")
    expected, observed = row.get("expected_number"), row.get("observed_number")
    return {
        "check_name": rule.check_name,
        "severity": rule.severity,
        "source_file": row.get("source_file"),
        "report_seq": row.get("report_seq"),
        "table_seq": row.get("table_seq"),
        "subject": row.get("subject"),
        "expected_value": row.get("expected_text") if textual else _plain(expected),
        "observed_value": (row.get("observed_text") or "未填写") if textual else _plain(observed),
        "message": rule.message.format(**message_fields(row, rule)),
        "line_no": row.get("line_no"),
        "report_id": None if row.get("report_id") is None else str(row["report_id"]),
        "project_name": row.get("project_name"),
        "implementing_unit": row.get("implementing_unit"),
        "fiscal_year": row.get("fiscal_year"),
        "table_title": row.get("table_title"),
        "measure": row.get("measure"),
        "value_unit": _VALUE_UNIT.get(rule.value_kind, ""),
        "difference": None if textual or expected is None or observed is None else round(observed - expected, 6),
        "tolerance": None if textual else row.get("tolerance"),
        "rule_description": rule.description,
        "suite": rule.suite_name,
        "expectation_type": rule.expectation_type,
    }


def violations_table(records: list[dict]) -> pa.Table:
    return pa.Table.from_pylist(records, schema=VIOLATION_SCHEMA)
