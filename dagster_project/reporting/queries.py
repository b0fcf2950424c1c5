"""Read what the report needs from the warehouse, read-only, into plain Python structures.

Every table is optional: a warehouse without marts, budget tables or the
quality schema yields zeros and empty lists, not an error.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

import duckdb
import numpy as np

from ..db import connect
from ..parsers.text import _NEEDS_CLEANING as NEEDS_CLEANING  # what clean_cell does more than trim
from ..parsers.text import clean_cell
from ..review_decisions import IGNORED
from .coverage import CoverageData, read_coverage
from .labels import SEVERITY_ORDER, code_label

_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?").fullmatch  # _NUMBER without space, comma or % around


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
    page_no: int | None = None  # PDF page of the line
    source_text: str | None = None  # the line as loaded (raw.source_lines), cells joined by ' │ '
    # one root cause, one finding (quality.violations.root_cause_id): the root lists its other places
    root_cause_id: str | None = None
    is_root_cause: bool = True
    other_places: list[Violation] = field(default_factory=list)
    finding_id: str | None = None  # stable across runs: what a reviewer's decision names
    decision: str | None = None  # the reviewer's 确认 / 忽略 / 已整改 (quality.review_decisions), None: new
    decision_note: str | None = None
    reviewer: str | None = None
    decided_on: str | None = None


# A row's key: 128 bits of hash over every column (two DuckDB hashes, fetched as two integers: a
# 128-bit integer converts slowly), the same for the same row in any run; also the sheet's last sort
# keys, so that its order is total.
_ROW_HASHES = "hash(q) as h1, hash(q, 1) as h2"
_H1_IN = "where h1 in (select unnest(?::ubigint[]))"  # rows of given keys (their first halves)
# Row keys in sheet order as an array of (h1, h2), big-endian: its bytes are the keys' 16 bytes each
# (what a sheet's and its chunks' digests are made of), without a Python integer per row.
KEYS = np.dtype([("h1", ">u8"), ("h2", ">u8")])


def key_array(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> np.ndarray:
    """The (h1, h2) columns of a query, in its order, as KEYS."""
    found = con.execute(sql, params or []).fetchnumpy()
    keys = np.empty(len(found["h1"]), KEYS)
    keys["h1"], keys["h2"] = found["h1"], found["h2"]
    return keys


def key_ints(keys: np.ndarray) -> list[int]:
    """KEYS as the 128-bit integers SheetRows.fetch yields."""
    return [h1 << 64 | h2 for h1, h2 in keys.tolist()]


@dataclass
class SheetRows:
    """The rows of one workbook sheet in the warehouse (sql, its parameters, the sheet's order, and what
    makes a row an item of the sheet's columns): their keys in sheet order, and the rows of given keys.
    Empty without sql."""

    con: duckdb.DuckDBPyConnection | None = None
    sql: str = ""
    params: list = field(default_factory=list)
    order: str = ""
    item: Callable[[dict[str, Any]], Any] = dict
    known_keys: Callable[[], np.ndarray] | None = None  # the keys, when one query found them for several sheets
    # the rows with their keys (h1, h2) already made, those of given h1 (all: None), as (sql, params): fetch
    # then neither hashes every row of the sheet again nor builds rows it does not want
    keyed: Callable[[list[int] | None], tuple[str, list]] | None = None
    # columns the sheet's items never show, left out of fetch: not converted to Python per row
    unused: tuple[str, ...] = ()

    def keys(self) -> np.ndarray:
        """The rows' keys in sheet order (KEYS)."""
        if self.known_keys is not None:
            return self.known_keys()
        if not self.sql:
            return np.empty(0, KEYS)
        return key_array(
            self.con,
            f"select h1, h2 from (select {_ROW_HASHES}, * from ({self.sql}) q) order by {self.order}, h1, h2",
            self.params,
        )

    def fetch(self, keys: list[int] | None = None, batch: int = 10_000) -> Iterator[tuple[int, Any]]:
        """(key, item) of the rows with these keys (every row: None), in sheet order, streamed."""
        if not self.sql:
            return
        wanted = None if keys is None else set(keys)
        h1s = None if wanted is None else sorted({k >> 64 for k in wanted})
        if self.keyed is not None:
            keyed, params = self.keyed(h1s)
        else:
            where, params = ("", self.params) if h1s is None else (_H1_IN, [*self.params, h1s])
            keyed = f"select * from (select {_ROW_HASHES}, * from ({self.sql}) q) {where}"
        columns = f"* exclude ({', '.join(self.unused)})" if self.unused else "*"
        cursor = self.con.execute(f"select {columns} from ({keyed}) order by {self.order}, h1, h2", params)
        names = [d[0] for d in cursor.description]
        while chunk := cursor.fetchmany(batch):
            for row in chunk:
                key = row[0] << 64 | row[1]
                if wanted is None or key in wanted:  # h1 alone may match another row
                    yield key, self.item(dict(zip(names, row)))


@dataclass
class QualityData:
    """Everything on the page, already aggregated where SQL does it best."""

    files: list[dict[str, Any]] = field(default_factory=list)
    reports_by_type: dict[str, int] = field(default_factory=dict)
    parse_issues_by_severity: dict[str, int] = field(default_factory=dict)
    parse_issues: list[dict[str, Any]] = field(default_factory=list)  # errors and warnings, capped
    parse_issue_codes: list[dict[str, Any]] = field(default_factory=list)  # severity, code, count, example
    violations: list[Violation] = field(default_factory=list)  # the worst few of each check (listed)
    violation_counts: dict[str, dict[str, Any]] = field(default_factory=dict)  # check → errors, warnings, total
    violation_groups: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # column → name, counts
    violations_by_file: dict[str, int] = field(default_factory=dict)
    root_causes: int = 0  # errors and warnings counted once per root cause
    hint_count: int = 0  # rounding hints (舍入提示): never counted with errors or warnings
    hints: list[Violation] = field(default_factory=list)  # the largest few hints (listed)
    check_results: list[dict[str, Any]] = field(default_factory=list)
    execution_rates: list[float] = field(default_factory=list)  # total fund rows
    unit_scores: list[dict[str, Any]] = field(default_factory=list)  # unit, avg_score, reports
    unit_years: list[dict[str, Any]] = field(default_factory=list)  # unit, fiscal_year, avg_rate, avg_score
    coverage: CoverageData = field(default_factory=CoverageData)  # quality.check_coverage (检查覆盖)
    # reviewers' decisions (review.py shows them): findings set aside as 忽略, decisions whose
    # finding changed or disappeared, and every error and warning for the decision sheet, new first
    ignored: list[Violation] = field(default_factory=list)
    stale_decisions: list[dict[str, Any]] = field(default_factory=list)
    # the rows of a workbook sheet (check:<name>, hints, roots, review, coverage) by their keys (SheetRows)
    sheet_rows: Callable[[str], SheetRows] = field(default=lambda kind: SheetRows(), repr=False)

    @property
    def report_count(self) -> int:
        return sum(self.reports_by_type.values())

    @property
    def years(self) -> list[int]:
        return sorted({r["fiscal_year"] for r in self.unit_years if r["fiscal_year"] is not None})


def as_number(value: Any) -> Decimal | None:
    """A printed value as a number when it is one ('1,203.00', '95.67%'), else None."""
    if type(value) is str and _PLAIN_NUMBER(value):  # the usual printed value: nothing to take away first
        return Decimal(value)
    if value is None or isinstance(value, bool):
        return None
    if type(value) is Decimal:  # a DECIMAL column: its text would give it back, digits and exponent
        return value
    if isinstance(value, (int, float, Decimal)):
        return Decimal(str(value))
    text = str(value).strip().replace(",", "").replace("，", "").rstrip("%％").strip()
    if not _NUMBER.match(text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


# A finding's long texts, left out of report_violations (_violations_table) and read back by row (_Reader._texts).
_TEXTS = ("message", "table_title", "rule_description", "source_text")
# A finding's columns in _violations_table's order: its key hashes them in this order, and rows read back have it.
_COLUMNS = (
    "check_name", "severity", "source_file", "line_no", "report_seq", "table_seq", "subject", "expected_value",
    "observed_value", "message", "difference", "value_unit", "tolerance", "table_title", "measure", "rule_description",
    "project_name", "report_type", "fiscal_year", "supervising_dept", "implementing_unit", "district", "page_no",
    "source_text", "finding_id", "decision", "decision_note", "reviewer", "decided_on", "root_cause_id",
    "is_root_cause", "root_cause_places",
)

# Columns of report_violations the page counts violations by (summary.GROUPINGS names them).
GROUP_COLUMNS = ("district", "supervising_dept", "implementing_unit", "fiscal_year")


@contextmanager
def quality_data(db_path: Path, parse_issue_limit: int = 500, listed_per_check: int = 50) -> Iterator[QualityData]:
    """The warehouse at db_path (read-only) as the report shows it; a missing file gives an empty QualityData.

    Counts are computed in DuckDB and only the worst `listed_per_check` violations of each check
    are read into Python, so the cost follows what the page shows; `sheet_rows` streams the rest
    (for the workbook) while the context is open.
    """
    data = QualityData()
    if not Path(db_path).exists():
        yield data
        return
    with connect(db_path, read_only=True) as con:
        reader = _Reader(con, _tables(con))
        data.files = reader.files()
        data.reports_by_type = reader.reports_by_type()
        data.parse_issues_by_severity, data.parse_issues = reader.parse_issues(parse_issue_limit)
        data.parse_issue_codes = reader.parse_issue_codes()
        if reader.build_violations():
            data.violation_counts = reader.violation_counts()
            data.violation_groups = {c: reader.violations_by(c) for c in GROUP_COLUMNS}
            data.violations_by_file = {r["name"]: r["total"] for r in reader.violations_by("source_file")}
            data.violations = reader.listed_violations(listed_per_check)
            data.root_causes = reader.root_cause_count()
            data.hint_count, data.hints = reader.hints(listed_per_check)
            data.ignored = reader.ignored()
        data.stale_decisions = reader.stale_decisions()
        data.check_results = reader.check_results()
        data.execution_rates = reader.execution_rates()
        data.unit_scores = reader.unit_scores()
        data.unit_years = reader.unit_years()
        if reader.has("quality.check_coverage", "status"):
            data.coverage = read_coverage(con)
        data.sheet_rows = reader.sheet_rows
        yield data


@contextmanager
def sheet_sources(db_path: Path, spill_dir: Path | None = None) -> Iterator[Callable[[str], SheetRows]]:
    """The rows of the workbook's keyed sheets (as QualityData.sheet_rows) of the warehouse at db_path, read-only,
    without the page's queries: what sheet_worker.py builds sheets from. spill_dir: where DuckDB spills instead of
    beside the file (another process's instance spills there, and removes it when it closes)."""
    with connect(db_path, read_only=True) as con:
        if spill_dir is not None:
            con.execute(f"set temp_directory = '{str(spill_dir).replace(chr(39), chr(39) * 2)}'")
        reader = _Reader(con, _tables(con))
        reader.build_violations()
        yield reader.sheet_rows


def load_quality_data(db_path: Path, parse_issue_limit: int = 500, listed_per_check: int = 50) -> QualityData:
    """quality_data() read once (the workbook's row sources are not usable afterwards)."""
    with quality_data(db_path, parse_issue_limit, listed_per_check) as data:
        data.sheet_rows = lambda kind: SheetRows()
        return data


def _tables(con: duckdb.DuckDBPyConnection) -> dict[str, set[str]]:
    """'schema.table' → its column names, for every table and view in the file."""
    found: dict[str, set[str]] = defaultdict(set)
    for schema, table, column in con.execute(
        "select table_schema, table_name, column_name from information_schema.columns"
    ).fetchall():
        found[f"{schema}.{table}"].add(column)
    return found


# What a violation takes from its report (fct_report) when its own row does not say.
_REPORT_COLUMNS = ("project_name", "supervising_dept", "implementing_unit", "fiscal_year", "report_type", "district")
_NO_ROW = "left join (select {1}) {0} on false"  # a join target the warehouse lacks: every column null


class _Reader:
    def __init__(self, con: duckdb.DuckDBPyConnection, tables: dict[str, set[str]]):
        self.con = con
        self.tables = tables
        self.built = False  # report_violations, report_hints and ignored_violations made (build_violations)
        self._check_keys: dict[str, np.ndarray] | None = None
        self._order: tuple[np.ndarray, dict[str, np.ndarray]] | None = None  # _finding_order
        self._keys_made = False  # report_finding_keys (_keys_table)
        self._root_keys_made = False  # report_root_keys (_root_keys)

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

    def _unit_column(self) -> str:
        """fct_report's implementing unit: its canonical key when the marts have one."""
        if self.has("marts.fct_report", "implementing_unit_key"):
            return "coalesce(r.implementing_unit_key, r.implementing_unit)"
        return "r.implementing_unit"

    def _report_join(self) -> str:
        """fct_report's names for a violation's report, units under their canonical name (dim_unit key)."""
        if not self.has("marts.fct_report", "source_file", "report_seq"):
            return _NO_ROW.format("r", ", ".join(f"null as {c}" for c in _REPORT_COLUMNS))
        cols = self.tables["marts.fct_report"]
        pick = ["source_file", "report_seq"]
        for name in _REPORT_COLUMNS:
            if name in cols and f"{name}_key" in cols:  # every printed variant of a unit counts as that unit
                pick.append(f"coalesce({name}_key, {name}) as {name}")
            else:
                pick.append(name if name in cols else f"null as {name}")
        # one row per report; the window that keeps one of a duplicate runs only when there is one: fct_report's
        # second key is unique (a constraint), and the window costs ~0.1 CPU s at 110k reports
        duplicates = self.con.execute(
            "select exists (select 1 from marts.fct_report group by source_file, report_seq having count(*) > 1)"
        ).fetchone()[0]
        one_each = "qualify row_number() over (partition by source_file, report_seq) = 1"
        return (
            f"left join (select {', '.join(pick)} from marts.fct_report {one_each if duplicates else ''}) r "
            "on r.source_file = v.source_file and r.report_seq = v.report_seq"
        )

    def _budget_year_join(self) -> str:
        """A budget finding's year: its table's fiscal year."""
        if not self.has("marts.fct_budget_line", "source_file", "table_seq", "fiscal_year"):
            return _NO_ROW.format("b", "null::integer as fiscal_year")
        return (
            "left join (select source_file, table_seq, min(fiscal_year) as fiscal_year from marts.fct_budget_line "
            "group by 1, 2) b on b.source_file = v.source_file and b.table_seq = v.table_seq"
        )

    def _department_join(self) -> str:
        """Printed department name (budgets' 编制部门, reports' 主管部门) → its canonical key."""
        parts = [
            f"select {name} as printed, {name}_key as key, {rank} as rank from {table} where {name}_key is not null"
            for rank, (table, name) in enumerate(
                (("marts.fct_budget_line", "department"), ("marts.fct_report", "supervising_dept"))
            )
            if self.has(table, name, f"{name}_key")
        ]
        if not parts or "department" not in self.tables["quality.violations"]:
            return _NO_ROW.format("d", "null::varchar as key")
        return (
            f"left join (select printed, arg_max(key, rank) as key from ({' union all '.join(parts)}) "
            "group by printed) d on d.printed = v.department"
        )

    def _source_line_join(self) -> str:
        """The line a violation points at, as loaded with its file (raw.source_lines, through report_lines)."""
        if not self.has("raw.source_lines", "source_file", "line_no", "text"):
            return _NO_ROW.format("sl", "null::varchar as text, null::integer as page_no")
        return "left join report_lines sl on sl.source_file = v.source_file and sl.line_no = v.line_no"

    def _report_lines(self) -> None:
        """The lines the violations point at (temp table report_lines): a join with every source line
        would hold every violation with all its columns in memory (~0.5 GB at 200k violations).

        A violation written with its line (quality.violations.line_text, checkpoint.py) needs none: it
        holds that line's text, and its page_no the line's page, as raw.source_lines has them still (a
        file's lines change only with the file, whose violations are then judged again). Only the
        others are looked up: finding them in the 7.45 M source lines at 100k cost ~0.45 CPU s a run."""
        if not self.has("raw.source_lines", "source_file", "line_no", "text"):
            return
        page = "sl.page_no" if self.has("raw.source_lines", "page_no") else "null::integer as page_no"
        without_text = "where line_text is null" if "line_text" in self.tables["quality.violations"] else ""
        wanted = f"select distinct source_file, line_no from quality.violations {without_text}"
        # none wanted: an empty table (DuckDB would still read every source line to probe an empty set)
        none = without_text and not self.con.execute(f"select count(*) from ({wanted})").fetchone()[0]
        self.con.execute(
            f"create or replace temp table report_lines as select sl.source_file, sl.line_no, sl.text, {page} "
            + (
                "from raw.source_lines sl limit 0"
                if none
                else f"from raw.source_lines sl semi join ({wanted}) v "
                "on sl.source_file = v.source_file and sl.line_no = v.line_no"
            )
        )

    def _decision_join(self) -> str:
        """The reviewer's decision about a finding, by its stable id (quality.review_decisions)."""
        if not (self.has("quality.review_decisions", "finding_id", "decision")
                and "finding_id" in self.tables["quality.violations"]):
            return _NO_ROW.format("dec", "null::varchar as decision, null::varchar as note, "
                                         "null::varchar as reviewer, null::date as decided_on")
        return (
            "left join (select finding_id, decision, note, reviewer, decided_on from quality.review_decisions) dec "
            "on dec.finding_id = v.finding_id"
        )

    def build_violations(self) -> bool:
        """Each violation with its report, unit, year and source line: temp table report_violations.

        Everything the page counts and lists is then SQL over it; nothing re-reads the raw files.
        False when the warehouse has no quality.violations.
        """
        if not self.has("quality.violations", "check_name"):
            return False
        have = self.tables["quality.violations"]

        def v(name: str) -> str:
            return f"v.{name}" if name in have else "null"

        department = f"coalesce(r.supervising_dept, {v('supervising_dept')}, d.key, {v('department')})"
        self._report_lines()
        self._violations_table("report_violations", "is distinct from 'hint'", v, department)
        # hints apart (report_hints): rounding hints are not errors or warnings. Without any (the usual case) an
        # empty table of the same columns: the joins over every report again cost ~0.15 CPU s at 100k reports
        if self.con.execute(f"select count(*) from quality.violations v where {v('severity')} = 'hint'").fetchone()[0]:
            self._violations_table("report_hints", "= 'hint'", v, department)
        else:
            self.con.execute("create or replace temp table report_hints as select * from report_violations limit 0")
        # findings a reviewer chose to ignore are kept apart: not counted, not listed with the others
        self.con.execute(f"create or replace temp table ignored_violations as "
                         f"select * from report_violations where decision = '{IGNORED}'")
        self.con.execute(f"delete from report_violations where decision = '{IGNORED}'")
        # a root cause set aside as 忽略: its other places are shown on their own, with the key of their row as it
        # now is (the key hashes every column, long texts too: read back for these rows only)
        columns, joins = self._texts("q")
        row = "struct_pack(" + ", ".join(f"{name} := {'true' if name == 'is_root_cause' else sql}"
                                         for name, sql in columns) + ")"
        self.con.execute(
            f"update report_violations set is_root_cause = true, key1 = n.key1, key2 = n.key2 from ("
            f"select q.vid, hash({row}) as key1, hash({row}, 1) as key2 from report_violations q {joins} "
            "where not q.is_root_cause and q.root_cause_id not in "
            "(select root_cause_id from report_violations where is_root_cause)"
            ") n where report_violations.vid = n.vid"
        )
        self.built = True
        return True

    def _violations_table(self, table: str, severities: str, v: Callable[[str], str], department: str) -> None:
        """Temp table `table`: the violations of these severities with their report, unit, year and line, each with
        its row key (key1, key2: hashed over all of it, long texts included) and its quality.violations row (vid),
        but without its long texts (_TEXTS, read back by _texts for the rows listed or built): writing them into
        the table was most of its cost (~80 MB at 200k findings)."""
        self.con.execute(
            f"""
            create or replace temp table {table} as
            select hash(struct_pack(*columns(* exclude (vid)))) as key1,
                   hash(struct_pack(*columns(* exclude (vid))), 1) as key2,
                   * exclude ({", ".join(_TEXTS)})
            from (
            select v.check_name, coalesce({v('severity')}, 'warning') as severity,
                   coalesce({v('source_file')}, '') as source_file, {v('line_no')} as line_no,
                   {v('report_seq')} as report_seq, {v('table_seq')} as table_seq, {v('subject')} as subject,
                   {v('expected_value')} as expected_value, {v('observed_value')} as observed_value,
                   {v('message')} as message, {v('difference')} as difference, {v('value_unit')} as value_unit,
                   {v('tolerance')} as tolerance, {v('table_title')} as table_title, {v('measure')} as measure,
                   {v('rule_description')} as rule_description,
                   coalesce({v('project_name')}, r.project_name) as project_name,
                   coalesce({v('report_type')}, r.report_type) as report_type,
                   coalesce({v('fiscal_year')}, r.fiscal_year, b.fiscal_year) as fiscal_year,
                   {department} as supervising_dept,
                   -- a department-level finding (no report) counts under its department
                   coalesce(r.implementing_unit, {v('implementing_unit')},
                            case when {v('report_seq')} is null then {department} end) as implementing_unit,
                   coalesce({v('district')}, r.district) as district,
                   coalesce({v('page_no')}, sl.page_no) as page_no, coalesce({v('line_text')}, sl.text) as source_text,
                   {v('finding_id')} as finding_id, dec.decision, dec.note as decision_note, dec.reviewer,
                   dec.decided_on::varchar as decided_on,
                   -- without root causes (an older warehouse) every violation is its own
                   {v('root_cause_id')} as root_cause_id, coalesce({v('is_root_cause')}, true) as is_root_cause,
                   coalesce({v('root_cause_places')}, 1) as root_cause_places, v.rowid as vid
            from quality.violations v {self._report_join()} {self._budget_year_join()}
                 {self._department_join()} {self._source_line_join()} {self._decision_join()}
            where {v('severity')} {severities}
            )
            """
        )

    def _texts(self, alias: str) -> tuple[list[tuple[str, str]], str]:
        """(columns, joins): the columns (_COLUMNS: name, SQL) of the rows `alias` of report_violations (or a table
        of its columns) with their long texts (_TEXTS) back, from quality.violations by row id, as
        _violations_table made them: for the few rows listed or built, not every finding. The joined names are
        unique, so the query's own stay unambiguous."""
        have = self.tables["quality.violations"]
        picked = ", ".join(f"{n if n in have else 'null'} as {n}" for n in ("message", "table_title", "rule_description"))
        line = "line_text" if "line_text" in have else "null::varchar"
        lines = (f"left join (select source_file as text_file, line_no as text_line, text as line_found from "
                 f"report_lines) l{alias} on l{alias}.text_file = t{alias}.vfile and l{alias}.text_line = t{alias}.vline"
                 if self.has("raw.source_lines", "source_file", "line_no", "text")
                 else _NO_ROW.format(f"l{alias}", "null::varchar as line_found"))
        texts = {name: f"t{alias}.{name}" for name in ("message", "table_title", "rule_description")}
        texts["source_text"] = f"coalesce(t{alias}.vtext, l{alias}.line_found)"
        columns = [(name, texts.get(name, f"{alias}.{name}")) for name in _COLUMNS]
        joins = (f"join (select rowid as text_row, {picked}, {line} as vtext, source_file as vfile, line_no as vline "
                 f"from quality.violations) t{alias} on t{alias}.text_row = {alias}.vid {lines}")
        return columns, joins

    def _wide(self, table: str, where: str = "", order: str = "") -> str:
        """The rows of `table` (report_violations' columns) as the page reads them: with their long texts, without
        their keys and row id; `where` and `order` name its columns through q."""
        columns, joins = self._texts("q")
        return f"select {_select(columns)} from {table} q {joins} {where} {order}"

    def violation_counts(self) -> dict[str, dict[str, Any]]:
        """check_name → {severities, errors, warnings, total}, counted in DuckDB."""
        return {
            r["check_name"]: r
            for r in self.rows(
                """
                select check_name, list(distinct severity order by severity) as severities,
                       count(*) filter (where severity = 'error') as errors,
                       count(*) filter (where severity = 'warning') as warnings, count(*) as total,
                       count(*) filter (where is_root_cause) as roots
                from report_violations group by 1
                """
            )
        }

    def violations_by(self, column: str) -> list[dict[str, Any]]:
        """Violations counted by one column of report_violations (district, unit, year…), most first."""
        return self.rows(
            f"""
            select coalesce(nullif({column}::varchar, ''), '（未知）') as name,
                   count(*) filter (where severity = 'error') as errors,
                   count(*) filter (where severity = 'warning') as warnings, count(*) as total
            from report_violations group by 1 order by total desc, name
            """
        )

    def listed_violations(self, per_check: int) -> list[Violation]:
        """The worst `per_check` root causes of each check (most severe first, then the largest
        difference), each with its other places (one root cause, one finding)."""
        found, expected = (_number_sql(c) for c in ("observed_value", "expected_value"))
        magnitude = f"abs(coalesce(difference::double, {found} - {expected}))"
        # new findings (no decision yet) first; total: the same page for the same warehouse
        worst = (
            f"decision is not null, {_severity_sql()}, {magnitude} desc nulls last, source_file, line_no, "
            "subject, finding_id"
        )
        roots = "select distinct check_name from report_violations where is_root_cause order by 1"
        checks = [check for (check,) in self.con.execute(roots).fetchall()]
        if not checks:
            return []
        # each check's worst by a top-N of its own (DuckDB keeps per_check rows), not a window ranking every
        # root cause of every check: half the CPU at 190k root causes. The top-N carries only the columns it
        # orders by and the row id, the chosen rows' others joined after (~0.02 CPU s less at 187k root causes)
        ranked = "check_name, severity, decision, difference, observed_value, expected_value, source_file, line_no, " \
                 "subject, finding_id"
        arms = " union all ".join(
            f"(select rowid as row_id, {ranked} from report_violations where is_root_cause "
            f"and check_name is not distinct from ? order by {worst} limit ?)"
            for _ in checks
        )
        chosen = f"select row_id, row_number() over (order by check_name, {worst}) as pos from ({arms})"
        columns, joins = self._texts("q")
        rows = self.rows(
            f"select {_select(columns)} from ({chosen}) w "
            f"join report_violations q on q.rowid = w.row_id {joins} order by w.pos",
            [p for check in checks for p in (check, per_check)],
        )
        return self._with_other_places([_violation(row) for row in rows])

    def _with_other_places(self, roots: list[Violation]) -> list[Violation]:
        """Attach to each root cause the other places of its group (file and line order)."""
        ids = [v.root_cause_id for v in roots if v.root_cause_id]
        if not ids:
            return roots
        others: dict[str, list[Violation]] = defaultdict(list)
        for row in self.rows(
            self._wide("report_violations", "where not q.is_root_cause and q.root_cause_id in (select unnest(?))",
                       f"order by {_PLACE_ORDER}"),
            [ids],
        ):
            others[row["root_cause_id"]].append(_violation(row))
        for v in roots:
            v.other_places = others.get(v.root_cause_id or "", [])
        return roots

    def root_cause_count(self) -> int:
        return self.con.execute("select count(*) from report_violations where is_root_cause").fetchone()[0]

    def hints(self, limit: int) -> tuple[int, list[Violation]]:
        """How many rounding hints, and the `limit` largest (by difference)."""
        total = self.con.execute("select count(*) from report_hints").fetchone()[0]
        rows = self.rows(
            self._wide("report_hints", order="order by abs(q.difference) desc nulls last, source_file, line_no, "
                       "check_name, subject, finding_id limit ?"),  # total: the same page for the same warehouse
            [limit],
        )
        return total, [_violation(row) for row in rows]

    def sheet_rows(self, kind: str) -> SheetRows:
        """The rows of a workbook sheet, in the order the sheet lists them: `check:<name>` (a rule's
        violations by file and line), `hints`, `review` (every error and warning, ignored ones included,
        new first, then by rule, file and line), `coverage` (by file and rule)."""
        if kind == "coverage" and self.has("quality.check_coverage", "status"):
            return SheetRows(self.con, "select * from quality.check_coverage", [], "source_file, check_name")
        if not self.built:
            return SheetRows()
        by_place = "source_file, line_no, subject, finding_id"
        if kind.startswith("check:"):
            return SheetRows(self.con, "select * from report_violations where check_name = ?", [kind[6:]], by_place,
                             _violation, lambda: self._keys_by_check(by_place).get(kind[6:], np.empty(0, KEYS)),
                             partial(self._keyed_findings, "k.check_name = ?", [kind[6:]], False),
                             _NOT_ON_RULE_SHEETS)
        if kind == "hints":
            return SheetRows(self.con, self._wide("report_hints"), [], "source_file, line_no, check_name", _violation,
                             unused=_NOT_ON_RULE_SHEETS)
        if kind == "roots":  # each root cause seen at several places (errors first), its other places with it
            order = f"{_severity_sql()}, source_file, line_no, check_name"
            return SheetRows(self.con, "select * from report_root_keys", [], order, _root_with_places,
                             lambda: key_array(self.con,
                                               f"select h1, h2 from {self._root_keys()} order by {order}, h1, h2"),
                             self._keyed_roots)
        if kind == "review":  # a warehouse from before finding ids: nothing to decide on
            return SheetRows(self.con, "select * from (select * from report_violations union all by name select * "
                             "from ignored_violations) where finding_id is not null", [],
                             f"decision is not null, {_severity_sql()}, check_name, {by_place}", _violation,
                             lambda: self._review_keys(by_place), partial(self._keyed_findings, "k.finding_id is not null", [], True),
                             _NOT_ON_REVIEW)
        return SheetRows()

    def _keys_table(self) -> str:
        """Every finding's row key (made with its row, _violations_table) for the rule sheets and the review sheet
        (which list the same rows): temp table report_finding_keys with the columns the two sheets sort by. An
        ignored finding keeps the key of its row (ignored_violations has report_violations' columns)."""
        if not self._keys_made:
            columns = "check_name, severity, decision, source_file, line_no, subject, finding_id"
            self.con.execute(
                f"create or replace temp table report_finding_keys as "
                f"select key1 as h1, key2 as h2, false as ignored, rowid as row_id, {columns} from report_violations "
                f"union all select key1, key2, true, rowid, {columns} from ignored_violations"
            )
            self._keys_made = True
        return "report_finding_keys"

    def _keyed_findings(self, where: str, params: list, with_ignored: bool,
                        h1s: list[int] | None = None) -> tuple[str, list]:
        """The findings (report_violations rows, and ignored_violations' when with_ignored, as the review sheet
        unites them) that match `where` (over report_finding_keys k, its parameters params) and have these h1
        (all: None), each with its key: found by row id, not hashed again (SheetRows.keyed).
        The temp tables are not changed once the keys are made, so a row id names the row hashed."""
        keys, of_keys = self._keys_table(), "" if h1s is None else "and k.h1 in (select unnest(?::ubigint[]))"
        arms = (("report_violations", "false"), ("ignored_violations", "true"))[:1 + with_ignored]
        columns, joins = self._texts("q")
        return " union all by name ".join(
            f"select k.h1, k.h2, {_select(columns)} from {keys} k "
            f"join {table} q on q.rowid = k.row_id {joins} where k.ignored = {ignored} and {where} {of_keys}"
            for table, ignored in arms
        ), [*params, *([] if h1s is None else [h1s])] * len(arms)

    def _root_keys(self) -> str:
        """Each root cause seen at several places with its key (temp table report_root_keys): a hash of its
        row and of its places' keys, in place order. Hashing the places' keys, not a list of their rows,
        costs a tenth (~0.6 s at 200k findings); the 根因 sheet's rows then have the same keys every run."""
        if not self._root_keys_made:
            places = (f"select root_cause_id, list([key1, key2] order by {_PLACE_ORDER}) as ph "
                      "from report_violations o where not is_root_cause group by 1")
            columns, joins = self._texts("r")
            row = f"struct_pack({', '.join(f'{name} := {sql}' for name, sql in columns)})"  # the root's whole row
            self.con.execute(
                "create or replace temp table report_root_keys as select r.rowid as row_id, r.root_cause_id, "
                f"hash({row}, p.ph) as h1, hash({row}, p.ph, 1) as h2, r.severity, r.source_file, r.line_no, "
                f"r.check_name from report_violations r join ({places}) p on p.root_cause_id = r.root_cause_id {joins} "
                "where r.is_root_cause and r.root_cause_places > 1"
            )
            self._root_keys_made = True
        return "report_root_keys"

    def _keyed_roots(self, h1s: list[int] | None) -> tuple[str, list]:
        """The 根因 rows (a root cause with the list of its other places) of these h1 (all: None), with their
        keys: only their places are gathered (SheetRows.keyed)."""
        keys, where = self._root_keys(), "" if h1s is None else _H1_IN
        columns, joins = self._texts("r")
        places = self._wide("report_violations", "where not q.is_root_cause and q.root_cause_id in "
                            f"(select root_cause_id from {keys} {where})")
        return (
            f"select k.h1, k.h2, {_select(columns)}, p.places from (select * from {keys} {where}) k "
            f"join report_violations r on r.rowid = k.row_id {joins} join ("
            f"select root_cause_id, list(o order by {_PLACE_ORDER}) as places from ({places}) o group by 1"
            ") p on p.root_cause_id = k.root_cause_id"
        ), [] if h1s is None else [h1s, h1s]

    def _keys_by_check(self, by_place: str) -> dict[str, np.ndarray]:
        """Every rule sheet's row keys in its order, cut by each rule's count from the findings' order."""
        if self._check_keys is None:
            keys, found = self._finding_order(by_place)
            counts = self.con.execute(f"select check_name, count(*) from {self._keys_table()} where not ignored "
                                      "group by 1 order by 1").fetchall()
            keys = keys[~found["ignored"]]
            ends = np.cumsum([n for _, n in counts])
            self._check_keys = {check: keys[end - n:end] for (check, n), end in zip(counts, ends)}
        return self._check_keys

    def _review_keys(self, by_place: str) -> np.ndarray:
        """The review sheet's row keys in its order (SheetRows.keys of kind `review`): its order ends as the rule
        sheets' does (rule, place, key), so a stable sort of the findings' order by what comes first (decided or
        not, severity) gives it, without sorting every finding again in DuckDB."""
        keys, found = self._finding_order(by_place)
        listed = np.flatnonzero(found["reviewable"])
        return keys[listed[np.lexsort((found["rank"][listed], found["decided"][listed]))]]

    def _finding_order(self, by_place: str) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """Every finding's key (ignored ones too) in the order of the rule sheets (KEYS), and per finding whether
        it is ignored, whether the review sheet lists it (it has an id), whether it is decided, its severity's rank:
        one sort of the findings for the rule sheets and the review sheet."""
        if self._order is None:
            found = self.con.execute(
                f"select h1, h2, ignored, finding_id is not null as reviewable, decision is not null as decided, "
                f"{_severity_sql()} as rank from {self._keys_table()} order by check_name, {by_place}, h1, h2"
            ).fetchnumpy()
            keys = np.empty(len(found["h1"]), KEYS)
            keys["h1"], keys["h2"] = found["h1"], found["h2"]
            self._order = keys, {name: np.asarray(found[name]) for name in ("ignored", "reviewable", "decided", "rank")}
        return self._order

    def ignored(self) -> list[Violation]:
        """Every finding set aside as 忽略, by rule, file and line."""
        rows = self.rows(self._wide("ignored_violations", order="order by check_name, source_file, line_no, subject, finding_id"))
        return [_violation(row) for row in rows]

    def stale_decisions(self) -> list[dict[str, Any]]:
        """Decisions naming no finding of this run: the finding changed or disappeared (决定已失效)."""
        if not self.has("quality.review_decisions", "status"):
            return []
        return self.rows(
            "select finding_id, decision, note, reviewer, decided_on::varchar as decided_on, decisions_file, line_no "
            "from quality.review_decisions where status = 'stale' order by line_no"
        )

    def check_results(self) -> list[dict[str, Any]]:
        if not self.has("quality.check_results", "check_name"):
            return []
        return self.rows("select * from quality.check_results order by check_name")

    def execution_rates(self) -> list[float]:
        if not self.has("marts.fct_project_fund", "fund_source", "execution_rate_pct"):
            return []
        # one array, not a Decimal per fund row (~95k at 100k reports); the same doubles (DECIMAL(18,4) as a
        # double is its integer over 10^4, correctly rounded, like float(Decimal))
        return self.con.execute(
            "select execution_rate_pct::double as r from marts.fct_project_fund "
            "where fund_source = 'total' and execution_rate_pct is not null"
        ).fetchnumpy()["r"].tolist()

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


# Columns of report_violations a sheet's cells never show (workbook.VIOLATION_COLUMNS, review.DECISION_COLUMNS)
# nor its order uses: left out of its fetch (each value converted to Python costs, 200k rows a sheet at 100k).
_NOT_SHOWN = ("rule_description", "report_type", "root_cause_id", "is_root_cause", "root_cause_places")
_NOT_ON_RULE_SHEETS = (*_NOT_SHOWN, "decision_note", "reviewer", "decided_on")
_NOT_ON_REVIEW = (*_NOT_SHOWN, "source_text", "report_seq", "table_seq", "difference", "value_unit", "tolerance",
                  "fiscal_year", "supervising_dept", "implementing_unit", "district")

# A root cause's other places: file and line order (then what makes it total).
_PLACE_ORDER = "source_file, line_no, check_name, subject, finding_id"


def _select(columns: list[tuple[str, str]]) -> str:
    """(name, SQL) pairs as a select list."""
    return ", ".join(f"{sql} as {name}" for name, sql in columns)


def _root_with_places(row: dict[str, Any]) -> Violation:
    """A root cause with its other places (the sheet rows of kind `roots`)."""
    root = _violation(row)
    root.other_places = [_violation(place) for place in row["places"]]
    return root


def _severity_sql(column: str = "severity") -> str:
    """labels.SEVERITY_ORDER as an SQL rank (unknown severities last)."""
    whens = " ".join(f"when '{s}' then {rank}" for s, rank in SEVERITY_ORDER.items())
    return f"case {column} {whens} else 9 end"


def _number_sql(column: str) -> str:
    """A printed value as a double when it is a number ('1,203.00', '95.67%'), like as_number."""
    return f"try_cast(regexp_replace(trim({column}), '[,，%％]', '', 'g') as double)"


def line_text(raw: str | None, page_no: int | None = None) -> str | None:
    """A source line as the page shows it: its non-empty cells joined by ' │ ', a PDF line with its page."""
    if raw is None:
        return None
    text = _cells_joined(raw)
    return f"（第{page_no}页）{text}" if page_no else text


_LINE_END = re.compile("[\r\n]")  # where split_lines ends a line (CRLF and CR tolerated)


@lru_cache(maxsize=1 << 14)  # the same line text recurs across findings (labels, copies of a form)
def _cells_joined(raw: str) -> str:
    """The first line's non-empty cells, cleaned as split_lines cleans them, joined by ' │ '.

    The cells only: split_lines would also work out each line's keys for the parsers."""
    end = _LINE_END.search(raw)
    first = raw[: end.start()] if end else raw
    if NEEDS_CLEANING.search(first.replace("\t", "\x01")) is None:  # no cell with more to clean than trimming
        return " │ ".join(filter(None, map(str.strip, first.split("\t"))))
    return " │ ".join(c for c in map(clean_cell, first.split("\t")) if c)


def _violation(row: dict[str, Any]) -> Violation:
    """A report_violations row as the page and the workbook show it."""
    expected, observed = row.get("expected_value"), row.get("observed_value")
    difference = as_number(row.get("difference"))
    if difference is None:  # each printed value parsed once (~200k findings a sheet at 100k reports)
        numbers = as_number(expected), as_number(observed)
        if None not in numbers:
            difference = numbers[1] - numbers[0]
    return Violation(
        check_name=row["check_name"],
        severity=row["severity"],
        source_file=row["source_file"],
        line_no=_int(row.get("line_no")),
        report_seq=_int(row.get("report_seq")),
        table_seq=_int(row.get("table_seq")),
        subject=code_label(_text(row.get("subject"))),
        expected_value=_text(expected),
        observed_value=_text(observed),
        message=_text(row.get("message")),
        difference=difference,
        project_name=row.get("project_name"),
        supervising_dept=row.get("supervising_dept"),
        implementing_unit=row.get("implementing_unit"),
        fiscal_year=_int(row.get("fiscal_year")),
        report_type=row.get("report_type"),
        district=row.get("district"),
        value_unit=_text(row.get("value_unit")) or None,
        tolerance=as_number(row.get("tolerance")),
        table_title=_text(row.get("table_title")),
        measure=code_label(_text(row.get("measure"))),
        rule_description=_text(row.get("rule_description")),
        page_no=_int(row.get("page_no")),
        source_text=line_text(row.get("source_text"), row.get("page_no")),
        root_cause_id=row.get("root_cause_id"),
        is_root_cause=row.get("is_root_cause") is not False,
        finding_id=row.get("finding_id"),
        decision=row.get("decision"),
        decision_note=row.get("decision_note"),
        reviewer=row.get("reviewer"),
        decided_on=row.get("decided_on"),
    )


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def _text(value: Any) -> str | None:
    if value is None or type(value) is str:  # text as it is: the usual case
        return value
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
