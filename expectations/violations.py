"""Failing check rows (as GX named them) → quality.violations rows (Chinese message, file, line).

``expected_value`` / ``observed_value`` are text (the contract's columns; grades and reasons are
words): amounts in 元 with two decimals (like every ``_yuan`` column), rates in percent, scores
and weights in points. The numbers themselves travel as DECIMAL(18,2) (``expected_number``,
``observed_number``, ``difference``, ``tolerance``), never as floats. The message restates them in
the document's own unit (万元 documents in 万元) for the finance office.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pyarrow as pa

from .registry import HINT, Rule, expected_grade

MONEY = pa.decimal128(18, 2)
CENT = Decimal("0.01")

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
        ("page_no", pa.int32()),
        ("report_id", pa.string()),
        ("report_type", pa.string()),
        ("project_name", pa.string()),
        ("implementing_unit", pa.string()),
        ("department", pa.string()),  # 主管部门 of a report, 编制部门 of a budget
        ("district", pa.string()),
        ("fiscal_year", pa.int32()),
        ("table_title", pa.string()),
        ("measure", pa.string()),
        ("value_unit", pa.string()),  # unit of expected/observed/difference/tolerance: 元, %, 分 or empty
        ("expected_number", MONEY),
        ("observed_number", MONEY),
        ("difference", MONEY),  # observed − expected
        ("tolerance", MONEY),
        ("rule_description", pa.string()),
        ("suite", pa.string()),
        ("expectation_type", pa.string()),
        ("check_row", pa.int64()),  # the row of quality.chk_<check_name> GX found unexpected
        ("line_text", pa.string()),  # the line as printed (raw.source_lines), filled when written
        ("finding_id", pa.string()),  # stable across runs (finding_ids.py): what reviewers' decisions name
    ]
)

_VALUE_UNIT = {"amount": "元", "rate": "%", "score": "分", "weight": "分"}


def _cents(number: Decimal | None) -> Decimal | None:
    if number is None:
        return None
    # a Decimal (DuckDB's DECIMAL columns) is quantized as it is: Decimal(d) would only copy it
    return (number if type(number) is Decimal else Decimal(number)).quantize(CENT, rounding=ROUND_HALF_UP)


def _unit_factor(money_unit: str | None) -> int:
    return 10000 if money_unit == "万元" else 1


def display(number: Decimal | None, kind: str, money_unit: str | None) -> str:
    """A number as the finance office reads it: amounts in the document's unit."""
    if number is None:
        return "（空）"
    if kind == "amount":
        unit = money_unit or "元"
        return f"{_cents(Decimal(number) / _unit_factor(money_unit)):,.2f} {unit}"
    if kind == "rate":
        return f"{_cents(number):.2f}%"
    return f"{_cents(number):.2f} 分"


def _who(row: dict) -> str:
    if row.get("project_name"):
        return f"项目「{row['project_name']}」（实施单位：{row.get('implementing_unit') or '未填'}）"
    if row.get("table_title") == "预算编制说明":
        return "预算编制说明"
    if row.get("table_title"):
        return f"《{row['table_title']}》"
    return row.get("source_file") or ""


def _tolerance(row: dict, rule: Rule) -> Decimal | None:
    if isinstance(rule.tolerance, Decimal):
        return rule.tolerance
    return row.get(rule.tolerance) if rule.tolerance else None


def compared(row: dict, rule: Rule) -> tuple[str | Decimal | None, str | Decimal | None]:
    """(expected, observed) of a failing row: numbers for numeric rules, words for grade/text rules."""
    if rule.value_kind == "grade":
        return expected_grade(row.get("observed_score")), row.get(rule.observed)
    if rule.value_kind == "text":
        return "填写偏差原因", row.get(rule.observed)
    return row.get(rule.expected), row.get(rule.observed)


def message_fields(row: dict, rule: Rule) -> dict[str, str]:
    """The fields a rule's message template may use."""
    kind, unit = rule.value_kind, row.get("money_unit")
    expected, observed = compared(row, rule)
    if kind in ("grade", "text", "word"):
        shown_expected, shown_observed = expected or "", observed or "未填写"
        difference = tolerance = ""
    else:
        shown_expected, shown_observed = display(expected, kind, unit), display(observed, kind, unit)
        diff = None if expected is None or observed is None else abs(observed - expected)
        difference = display(diff, kind, unit)
        tolerance = display(_tolerance(row, rule), kind, unit)
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


# Said of a hint, after the rule's message: why it is no error.
HINT_NOTE = "差额在印刷精度（四舍五入或截位）可解释的范围内，仅作提示。"


_TEXTUAL = ("grade", "text", "word")


def violation_row(row: dict, rule: Rule, severity: str | None = None) -> dict:
    """One quality.violations row from one failing check row (severity: GX's verdict, else the rule's)."""
    return violation_rows([row], rule, [severity])[0]


def violation_rows(rows: list[dict], rule: Rule, severities: list[str | None]) -> list[dict]:
    """quality.violations rows from failing check rows, each with its severity (GX's verdict, None:
    the rule's). The rule's constants are made once and each value is rounded once: the same rows as
    a row at a time, in a third less time (201,215 rows at 100k reports)."""
    textual = rule.value_kind in _TEXTUAL
    value_unit, suite = _VALUE_UNIT.get(rule.value_kind, ""), rule.suite_name
    expectation_type = ", ".join(spec.kind for spec in rule.expectations)
    template, check_name = rule.message.format, rule.check_name
    records = []
    for row, severity in zip(rows, severities, strict=True):
        severity = severity or rule.severity
        if textual:
            expected, observed = compared(row, rule)
            message = template(**message_fields(row, rule))
            expected_value, observed_value = expected, observed or "未填写"
            expected_number = observed_number = difference = tolerance = None
        else:
            expected, observed = row.get(rule.expected), row.get(rule.observed)
            expected_number, observed_number = _cents(expected), _cents(observed)
            tolerance = _cents(_tolerance(row, rule))
            both = expected is not None and observed is not None
            difference = _cents(observed - expected) if both else None
            message = template(
                **_numeric_fields(row, rule, expected, observed, expected_number, observed_number, tolerance)
            )
            expected_value = None if expected is None else f"{expected_number:.2f}"
            observed_value = None if observed is None else f"{observed_number:.2f}"
        get = row.get
        records.append(
            {
                "check_name": check_name,
                "severity": severity,
                "source_file": get("source_file"),
                "report_seq": get("report_seq"),
                "table_seq": get("table_seq"),
                "subject": get("subject"),
                "expected_value": expected_value,
                "observed_value": observed_value,
                "message": message + HINT_NOTE if severity == HINT else message,
                "line_no": get("line_no"),
                "page_no": get("page_no"),
                "report_id": get("report_id"),
                "report_type": get("report_type"),
                "project_name": get("project_name"),
                "implementing_unit": get("implementing_unit"),
                "department": get("department"),
                "district": get("district"),
                "fiscal_year": get("fiscal_year"),
                "table_title": get("table_title"),
                "measure": get("measure"),
                "value_unit": value_unit,
                "expected_number": expected_number,
                "observed_number": observed_number,
                "difference": difference,
                "tolerance": tolerance,
                "rule_description": rule.formula,
                "suite": suite,
                "expectation_type": expectation_type,
                "check_row": get("check_row"),
                "line_text": None,
                "finding_id": None,  # set over all of a run's records (finding_ids.assign_finding_ids)
            }
        )
    return records


def _numeric_fields(
    row: dict, rule: Rule, expected, observed, expected_cents, observed_cents, tolerance_cents
) -> dict:
    """message_fields of a numeric rule's row, from its values already rounded to cents (a rate or a
    score is shown as its cents; an amount in the document's unit is rounded after the division)."""
    kind, unit = rule.value_kind, row.get("money_unit")
    diff = None if expected is None or observed is None else abs(observed - expected)
    if kind == "amount":
        shown = [
            display(expected, kind, unit),
            display(observed, kind, unit),
            display(diff, kind, unit),
            display(_tolerance(row, rule), kind, unit),
        ]
    else:
        suffix = "%" if kind == "rate" else " 分"
        shown = [
            "（空）" if c is None else f"{c:.2f}{suffix}"
            for c in (expected_cents, observed_cents, _cents(diff), tolerance_cents)
        ]
    return {
        "who": _who(row),
        "subject": row.get("subject") or "",
        "measure": row.get("measure") or "",
        "detail": row.get("detail") or "",
        "expected": shown[0],
        "observed": shown[1],
        "difference": shown[2],
        "tolerance": shown[3],
    }


def violations_table(records: list[dict]) -> pa.Table:
    return pa.Table.from_pylist(records, schema=VIOLATION_SCHEMA)


STAGED = "new_violations"  # temp table: a run's violation rows, added rule by rule, until written


def stage_violations(con, records: list[dict]) -> None:
    """Append violation rows to the temp table STAGED (made on first use): a run's violations wait
    in DuckDB, which spills to disk, not as Python objects (201,199 of them at 100k reports)."""
    con.register("violation_rows", violations_table(records))
    try:
        con.execute(f"CREATE TEMP TABLE IF NOT EXISTS {STAGED} AS FROM violation_rows LIMIT 0")
        con.execute(f"INSERT INTO {STAGED} FROM violation_rows")
    finally:
        con.unregister("violation_rows")
