"""A reviewer's decisions about findings (issue 21 item 6): read the decisions file, load it each run.

The file sits beside the raw folder (``FISCAL_DECISIONS_PATH``, default ``<raw>/../decisions.xlsx``,
else ``decisions.csv``): one row per decision, columns found by their header words, in any order
and among any others — so the report workbook's 审核决定 sheet, filled in, is such a file. Rows
without a decision are findings not decided yet and are skipped; a row that cannot be applied
(no or malformed finding id, an unknown decision word, an unreadable date) is a ``raw.parse_issues``
row naming the file and line, and the other rows load. Every cell is read as data: a reviewer's
note starting with ``=`` is text (openpyxl gives a formula cell's text, never its result).

Plain Python over a DuckDB connection: no Dagster here.
"""

from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb

from .parsers import issues as registry

DEFAULT_NAMES = ("decisions.xlsx", "decisions.csv")  # beside the raw folder, first found
SHEET = "审核决定"  # the report workbook's decision sheet (any sheet with the headers is read)

# Decision words as the reviewer writes them (stored as written).
DECISIONS = ("确认", "忽略", "已整改")
IGNORED = "忽略"

# Header words → field; the first row holding an id and a decision header is the header row.
HEADERS: dict[str, tuple[str, ...]] = {
    "finding_id": ("发现编号", "finding_id", "编号"),
    "decision": ("决定", "审核决定", "decision"),
    "note": ("备注", "note"),
    "reviewer": ("审核人", "reviewer"),
    "decided_on": ("日期", "审核日期", "date"),
}
HEADER_ROWS_SEARCHED = 10
ID_PATTERN = re.compile(r"^F[0-9a-f]{12}$")  # expectations/finding_ids.py
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+[\d:]+)?$")

TABLE_SQL = """
create table if not exists raw.review_decisions (
    finding_id     varchar not null,
    decision       varchar not null,  -- 确认 | 忽略 | 已整改
    note           varchar,
    reviewer       varchar,
    decided_on     date,
    decisions_file varchar not null,  -- the file, relative to the raw folder
    line_no        integer not null   -- its row (a sheet's row number, a CSV's line)
)
"""
ISSUE_CODES = ("decision_malformed", "decision_duplicate", "decisions_unreadable")


@dataclass(frozen=True)
class Decision:
    finding_id: str
    decision: str
    note: str | None
    reviewer: str | None
    decided_on: date | None
    line_no: int


@dataclass(frozen=True)
class Issue:
    line_no: int
    severity: str
    code: str
    message: str
    raw_text: str | None = None


def _issue(line_no: int, code: str, raw_text: str | None = None, **facts: object) -> Issue:
    """A row's issue, worded by the issue registry (parsers/issues.py)."""
    return Issue(line_no, registry.severity(code), code, registry.message(code, **facts), raw_text)


class Unreadable(Exception):
    """The file cannot be read as a decisions file at all."""


def decisions_file(raw_dir: Path, configured: Path | None = None) -> Path | None:
    """The decisions file of this run: the configured one, else the first default beside raw_dir."""
    if configured is not None:
        return configured if configured.is_file() else None  # set but not written yet: no decisions
    return next((raw_dir.parent / n for n in DEFAULT_NAMES if (raw_dir.parent / n).is_file()), None)


def _rows_xlsx(path: Path) -> list[tuple[int, list]]:
    # here: a run without a workbook (or with no change) need not import openpyxl
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)  # formulas come back as their text, never evaluated
    try:
        sheets = sorted(book.worksheets, key=lambda ws: ws.title != SHEET)  # the decision sheet first
        for ws in sheets:
            rows = [(n, list(values)) for n, values in enumerate(ws.iter_rows(values_only=True), start=1)]
            if _header(rows) is not None:
                return rows
        return []
    finally:
        book.close()


def _rows_csv(path: Path) -> list[tuple[int, list]]:
    # here: the parsers package is heavy to import, and decisions_file() needs none of it
    from .parsers.text import decode

    text, _ = decode(path.read_bytes())  # UTF-8 (BOM or not), GB18030 as Excel saves it on Chinese Windows
    sample = text[:4096]
    dialect = csv.excel_tab if sample.count("\t") > sample.count(",") else csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    return [(reader.line_num, row) for row in reader]


def _read_rows(path: Path) -> list[tuple[int, list]]:
    try:
        with path.open("rb") as f:
            zipped = f.read(4) == b"PK\x03\x04"  # by content, like every input: an xlsx is a zip
        return _rows_xlsx(path) if zipped else _rows_csv(path)
    except Exception as exc:  # a damaged or foreign file: one issue, the previous decisions kept
        raise Unreadable(f"{type(exc).__name__}: {exc}") from exc


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    return str(value).strip()


def _header(rows: list[tuple[int, list]]) -> tuple[int, dict[str, int]] | None:
    """(index in rows, field → column) of the header row, or None."""
    for index, (_, values) in enumerate(rows[:HEADER_ROWS_SEARCHED]):
        names = [_cell_text(v).lower() for v in values]
        columns = {
            field: names.index(word.lower())
            for field, words in HEADERS.items()
            for word in reversed(words)  # the first word listed wins where a row holds several
            if word.lower() in names
        }
        if {"finding_id", "decision"} <= columns.keys():
            return index, columns
    return None


def _date(value) -> date | None:
    """A date cell or a written date (2026-12-06, 2026/12/6, 2026年12月6日); ValueError otherwise."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _cell_text(value)
    if not text:
        return None
    match = _DATE.match(text)
    if not match:
        raise ValueError(text)
    return date(*map(int, match.groups()))


def read_decisions(path: Path) -> tuple[list[Decision], list[Issue]]:
    """The decisions of a file (the last row of an id wins) and the issues of its rows.

    Raises Unreadable when the file cannot be read or holds no 发现编号 / 决定 header.
    """
    rows = _read_rows(path)
    header = _header(rows)
    if header is None:
        raise Unreadable("no header row with 发现编号 and 决定 columns")
    start, columns = header
    found: dict[str, Decision] = {}
    issues: list[Issue] = []
    for line_no, values in rows[start + 1 :]:

        def cell(name: str, values=values):
            col = columns.get(name)
            return values[col] if col is not None and col < len(values) else None

        finding, decision = _cell_text(cell("finding_id")), _cell_text(cell("decision"))
        raw_text = "\t".join(_cell_text(v) for v in values).strip()
        if not decision:
            continue  # not decided yet (the report's sheet lists every finding)

        def malformed(reason: str, line_no=line_no, raw_text=raw_text) -> None:
            issues.append(_issue(line_no, "decision_malformed", raw_text, reason=reason))

        if not ID_PATTERN.match(finding):
            malformed(f"发现编号“{finding}”不是有效编号（F 加 12 位十六进制）" if finding else "缺少发现编号")
            continue
        if decision not in DECISIONS:
            malformed(f"决定“{decision}”不是 {'/'.join(DECISIONS)} 之一")
            continue
        try:
            decided_on = _date(cell("decided_on"))
        except ValueError:
            malformed(f"日期“{_cell_text(cell('decided_on'))}”无法识别（应为 YYYY-MM-DD）")
            continue
        if finding in found:
            issues.append(
                _issue(line_no, "decision_duplicate", raw_text, finding=finding, earlier=found[finding].line_no)
            )
        found[finding] = Decision(
            finding, decision, _cell_text(cell("note")) or None, _cell_text(cell("reviewer")) or None,
            decided_on, line_no,
        )
    return list(found.values()), issues


def load_decisions(con: duckdb.DuckDBPyConnection, raw_dir: Path, path: Path | None) -> int:
    """Replace raw.review_decisions with the file's decisions and its issues in raw.parse_issues.

    No file: no decisions. An unreadable file keeps the previous decisions (a read error is not
    a deletion), with one error. Returns the number of decisions loaded.
    """
    con.execute(TABLE_SQL)
    name = os.path.relpath(path, raw_dir) if path is not None else None
    codes = ", ".join(f"'{c}'" for c in ISSUE_CODES)
    con.execute("begin transaction")
    try:
        con.execute(f"delete from raw.parse_issues where code in ({codes})")
        if path is None:
            con.execute("delete from raw.review_decisions")
        else:
            try:
                decisions, issues = read_decisions(path)
            except (Unreadable, OSError) as exc:
                issues = [_issue(0, "decisions_unreadable", reason=exc)]
            else:
                con.execute("delete from raw.review_decisions")
                _insert(con, "raw.review_decisions", 7,
                        [(d.finding_id, d.decision, d.note, d.reviewer, d.decided_on, name, d.line_no)
                         for d in decisions])
            _insert(con, "raw.parse_issues (source_file, line_no, severity, code, message, raw_text)", 6,
                    [(name, i.line_no, i.severity, i.code, i.message, i.raw_text) for i in issues])
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return con.execute("select count(*) from raw.review_decisions").fetchone()[0]


def _insert(con: duckdb.DuckDBPyConnection, table: str, width: int, rows: list[tuple]) -> None:
    if rows:
        con.executemany(f"insert into {table} values ({', '.join('?' * width)})", rows)


STATUS_SQL = """
create or replace table quality.review_decisions as
select d.*, case when v.finding_id is null then 'stale' else 'applied' end as status,
       v.check_name, v.source_file, v.line_no as finding_line_no
from raw.review_decisions d
left join (select finding_id, any_value(check_name) as check_name, any_value(source_file) as source_file,
                  min(line_no) as line_no
           from quality.violations group by finding_id) v using (finding_id)
order by status desc, d.line_no
"""


def apply_decisions(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """quality.review_decisions: every loaded decision with the finding it names (status 'applied'),
    or 'stale' when no finding of this run has its id (the finding changed or disappeared).
    Returns {status: decisions}."""
    con.execute("create schema if not exists raw")
    con.execute(TABLE_SQL)
    con.execute("create schema if not exists quality")
    con.execute(STATUS_SQL)
    return dict(con.execute("select status, count(*) from quality.review_decisions group by 1").fetchall())
