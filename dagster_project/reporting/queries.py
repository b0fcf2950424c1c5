"""Read what the report needs from the warehouse, read-only, into plain Python structures.

Every table is optional: a warehouse without marts, budget tables or the
quality schema yields zeros and empty lists, not an error.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import duckdb

from expectations.registry import HINT

from .labels import code_label

_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")


@dataclass
class Violation:
    """One quality.violations row, with the report it is about."""

    check_name: str
    severity: str
    source_file: str
    line_no: int | None
    report_seq: int | None
    table_seq: int | None
    subject: str | None
    expected_value: str | None
    observed_value: str | None
    message: str | None
    difference: Decimal | None = None
    project_name: str | None = None
    supervising_dept: str | None = None
    implementing_unit: str | None = None
    fiscal_year: int | None = None
    report_type: str | None = None
    district: str | None = None
    value_unit: str | None = None  # unit of expected/observed/difference: 元, %, 分 (when the checks say)
    tolerance: Decimal | None = None
    table_title: str | None = None
    measure: str | None = None
    rule_description: str | None = None
    source_text: str | None = None  # filled from the raw file, see source_lines.py


@dataclass
class QualityData:
    """Everything on the page, already aggregated where SQL does it best."""

    files: list[dict[str, Any]] = field(default_factory=list)
    reports_by_type: dict[str, int] = field(default_factory=dict)
    parse_issues_by_severity: dict[str, int] = field(default_factory=dict)
    parse_issues: list[dict[str, Any]] = field(default_factory=list)  # errors and warnings, capped
    parse_issue_codes: list[dict[str, Any]] = field(default_factory=list)  # severity, code, count, example
    violations: list[Violation] = field(default_factory=list)  # errors and warnings
    hints: list[Violation] = field(default_factory=list)  # differences only rounding explains, shown apart
    check_results: list[dict[str, Any]] = field(default_factory=list)
    execution_rates: list[float] = field(default_factory=list)  # total fund rows
    unit_scores: list[dict[str, Any]] = field(default_factory=list)  # unit, avg_score, reports
    unit_years: list[dict[str, Any]] = field(default_factory=list)  # unit, fiscal_year, avg_rate, avg_score

    @property
    def report_count(self) -> int:
        return sum(self.reports_by_type.values())

    @property
    def years(self) -> list[int]:
        return sorted({r["fiscal_year"] for r in self.unit_years if r["fiscal_year"] is not None})


def as_number(value: Any) -> Decimal | None:
    """A printed value as a number when it is one ('1,203.00', '95.67%'), else None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float, Decimal)):
        return Decimal(str(value))
    text = str(value).strip().replace(",", "").replace("，", "").rstrip("%％").strip()
    if not _NUMBER.match(text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def load_quality_data(db_path: Path, parse_issue_limit: int = 500) -> QualityData:
    """Read the warehouse at db_path (read-only). A missing file gives an empty QualityData."""
    data = QualityData()
    if not Path(db_path).exists():
        return data
    with duckdb.connect(str(db_path), read_only=True) as con:
        tables = _tables(con)
        reader = _Reader(con, tables)
        data.files = reader.files()
        data.reports_by_type = reader.reports_by_type()
        data.parse_issues_by_severity, data.parse_issues = reader.parse_issues(parse_issue_limit)
        data.parse_issue_codes = reader.parse_issue_codes()
        found = reader.violations()
        data.violations = [v for v in found if v.severity != HINT]
        data.hints = [v for v in found if v.severity == HINT]
        data.check_results = reader.check_results()
        data.execution_rates = reader.execution_rates()
        data.unit_scores = reader.unit_scores()
        data.unit_years = reader.unit_years()
    return data


def _tables(con: duckdb.DuckDBPyConnection) -> dict[str, set[str]]:
    """'schema.table' → its column names, for every table and view in the file."""
    found: dict[str, set[str]] = defaultdict(set)
    for schema, table, column in con.execute(
        "select table_schema, table_name, column_name from information_schema.columns"
    ).fetchall():
        found[f"{schema}.{table}"].add(column)
    return found


class _Reader:
    def __init__(self, con: duckdb.DuckDBPyConnection, tables: dict[str, set[str]]):
        self.con = con
        self.tables = tables

    def has(self, table: str, *columns: str) -> bool:
        return table in self.tables and set(columns) <= self.tables[table]

    def rows(self, sql: str, params: list | None = None) -> list[dict[str, Any]]:
        cursor = self.con.execute(sql, params or [])
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]

    def files(self) -> list[dict[str, Any]]:
        if not self.has("raw.source_files", "source_file"):
            return []
        cols = self.tables["raw.source_files"]
        pick = [c for c in ("source_file", "sha256", "size_bytes", "families", "line_count") if c in cols]
        files = self.rows(f"select {', '.join(pick)} from raw.source_files order by source_file")
        reports = self._count_by_file("marts.fct_report")
        for f in files:
            f["reports"] = reports.get(f["source_file"], 0)
        return files

    def _count_by_file(self, table: str) -> dict[str, int]:
        if not self.has(table, "source_file"):
            return {}
        return dict(self.con.execute(f"select source_file, count(*) from {table} group by 1").fetchall())

    def reports_by_type(self) -> dict[str, int]:
        if not self.has("marts.fct_report", "report_type"):
            return {}
        return dict(
            self.con.execute(
                "select report_type, count(*) from marts.fct_report group by 1 order by 1"
            ).fetchall()
        )

    def parse_issues(self, limit: int) -> tuple[dict[str, int], list[dict[str, Any]]]:
        if not self.has("raw.parse_issues", "severity"):
            return {}, []
        counts = dict(
            self.con.execute("select severity, count(*) from raw.parse_issues group by 1").fetchall()
        )
        listed = self.rows(
            """
            select source_file, line_no, severity, code, message, raw_text from raw.parse_issues
            where severity in ('error', 'warning')
            order by case severity when 'error' then 0 else 1 end, source_file, line_no
            limit ?
            """,
            [limit],
        )
        return counts, listed

    def parse_issue_codes(self) -> list[dict[str, Any]]:
        if not self.has("raw.parse_issues", "severity", "code", "message"):
            return []
        return self.rows(
            """
            select severity, code, count(*) as issues, count(distinct source_file) as files,
                   min(message) as example
            from raw.parse_issues group by 1, 2
            order by case severity when 'error' then 0 when 'warning' then 1 else 2 end, issues desc, code
            """
        )

    def _reports(self) -> dict[tuple[str, int], dict[str, Any]]:
        if not self.has("marts.fct_report", "source_file", "report_seq"):
            return {}
        cols = self.tables["marts.fct_report"]
        pick = ["source_file", "report_seq"] + [
            c
            for c in ("project_name", "supervising_dept", "implementing_unit", "fiscal_year", "report_type", "district")
            if c in cols
        ]
        # A unit under its canonical name (the dim_unit key) where the marts have one, so that
        # every printed variant of a unit counts as that unit; else as printed.
        for name in ("supervising_dept", "implementing_unit"):
            if name in cols and f"{name}_key" in cols:
                pick[pick.index(name)] = f"coalesce({name}_key, {name}) as {name}"
        return {
            (r["source_file"], r["report_seq"]): r
            for r in self.rows(f"select {', '.join(pick)} from marts.fct_report")
        }

    def _unit_column(self) -> str:
        """fct_report's implementing unit: its canonical key when the marts have one."""
        if self.has("marts.fct_report", "implementing_unit_key"):
            return "coalesce(r.implementing_unit_key, r.implementing_unit)"
        return "r.implementing_unit"

    def _budget_years(self) -> dict[tuple[str, int], int]:
        if not self.has("marts.fct_budget_line", "source_file", "table_seq", "fiscal_year"):
            return {}
        return {
            (f, t): y
            for f, t, y in self.con.execute(
                "select source_file, table_seq, min(fiscal_year) from marts.fct_budget_line group by 1, 2"
            ).fetchall()
        }

    def _department_keys(self) -> dict[str, str]:
        """Printed department name → its canonical key (budgets' 编制部门, reports' 主管部门)."""
        keys: dict[str, str] = {}
        for table, name in (("marts.fct_budget_line", "department"), ("marts.fct_report", "supervising_dept")):
            if self.has(table, name, f"{name}_key"):
                query = f"select distinct {name}, {name}_key from {table} where {name}_key is not null"
                keys.update(dict(self.con.execute(query).fetchall()))
        return keys

    def violations(self) -> list[Violation]:
        if not self.has("quality.violations", "check_name"):
            return []
        rows = self.rows("select * from quality.violations")
        reports = self._reports()
        budget_years = self._budget_years()
        departments = self._department_keys()
        found = [_violation(row, reports, budget_years, departments) for row in rows]
        return sorted(found, key=lambda v: (v.check_name, v.source_file, v.line_no or 0, v.subject or ""))

    def check_results(self) -> list[dict[str, Any]]:
        if not self.has("quality.check_results", "check_name"):
            return []
        return self.rows("select * from quality.check_results order by check_name")

    def execution_rates(self) -> list[float]:
        if not self.has("marts.fct_project_fund", "fund_source", "execution_rate_pct"):
            return []
        return [
            float(r)
            for (r,) in self.con.execute(
                "select execution_rate_pct from marts.fct_project_fund "
                "where fund_source = 'total' and execution_rate_pct is not null"
            ).fetchall()
        ]

    def unit_scores(self) -> list[dict[str, Any]]:
        if not self.has("marts.fct_report", "implementing_unit", "total_score"):
            return []
        return self.rows(
            f"""
            select {self._unit_column()} as unit, avg(r.total_score)::double as avg_score, count(*) as reports
            from marts.fct_report r
            where r.total_score is not null and r.implementing_unit is not null
            group by 1 order by avg_score desc, unit
            """
        )

    def unit_years(self) -> list[dict[str, Any]]:
        """Per implementing unit and year: mean execution rate (total rows) and mean total score."""
        if not self.has("marts.fct_report", "report_id", "implementing_unit", "fiscal_year", "total_score"):
            return []
        rate_join, rate_col = "", "null::double"
        if self.has("marts.fct_project_fund", "report_id", "fund_source", "execution_rate_pct"):
            rate_join = (
                "left join marts.fct_project_fund f on f.report_id = r.report_id and f.fund_source = 'total'"
            )
            rate_col = "avg(f.execution_rate_pct)::double"
        return self.rows(
            f"""
            select {self._unit_column()} as unit, r.fiscal_year, {rate_col} as avg_rate,
                   avg(r.total_score)::double as avg_score, count(distinct r.report_id) as reports
            from marts.fct_report r {rate_join}
            where r.implementing_unit is not null and r.fiscal_year is not null
              and (r.report_type = 'self_eval' or r.report_type is null)
            group by 1, 2 order by 1, 2
            """
        )


def _violation(
    row: dict[str, Any],
    reports: dict[tuple[str, int], dict[str, Any]],
    budget_years: dict[tuple[str, int], int],
    departments: dict[str, str],
) -> Violation:
    report = reports.get((row.get("source_file"), row.get("report_seq")), {})

    def pick(name: str) -> Any:
        value = row.get(name)
        return value if value is not None else report.get(name)

    def unit(name: str) -> Any:  # the report's (canonical) name first: one name per unit
        value = report.get(name)
        return value if value is not None else row.get(name)

    expected, observed = row.get("expected_value"), row.get("observed_value")
    difference = as_number(row.get("difference"))
    if difference is None and as_number(expected) is not None and as_number(observed) is not None:
        difference = as_number(observed) - as_number(expected)
    year = pick("fiscal_year")
    if year is None and row.get("table_seq") is not None:
        year = budget_years.get((row.get("source_file"), row.get("table_seq")))
    violation = Violation(
        check_name=row["check_name"],
        severity=row.get("severity") or "warning",
        source_file=row.get("source_file") or "",
        line_no=_int(row.get("line_no")),
        report_seq=_int(row.get("report_seq")),
        table_seq=_int(row.get("table_seq")),
        subject=code_label(_text(row.get("subject"))),
        expected_value=_text(expected),
        observed_value=_text(observed),
        message=_text(row.get("message")),
        difference=difference,
        project_name=pick("project_name"),
        supervising_dept=unit("supervising_dept"),
        implementing_unit=unit("implementing_unit"),
        fiscal_year=_int(year),
        report_type=pick("report_type"),
        value_unit=_text(row.get("value_unit")) or None,
        tolerance=as_number(row.get("tolerance")),
        table_title=_text(row.get("table_title")),
        measure=code_label(_text(row.get("measure"))),
        rule_description=_text(row.get("rule_description")),
    )
    # the quality models carry the report's 主管部门 / the budget's 编制部门 and its district;
    # a department is shown under its canonical name (dim_unit key) where the marts have one
    if violation.supervising_dept is None and row.get("department"):
        violation.supervising_dept = departments.get(row["department"], row["department"])
    if violation.implementing_unit is None and violation.report_seq is None:
        violation.implementing_unit = violation.supervising_dept  # a department-level finding: its department
    violation.district = row.get("district") or report.get("district")
    return violation


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
