"""violations.xlsx: a summary sheet and one sheet per check (a check without findings says 无)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path

from .coverage import COVERAGE_COLUMNS, COVERAGE_SHEET
from .labels import check_label, severity_label
from .queries import QualityData, as_number
from .review import write_decision_sheets
from .summary import check_rows, headline
from .xlsx import HEADER, PLAIN, WRAPPED, Sheet, Workbook, column_letter

SUMMARY_SHEET = "汇总"
# each root cause seen at several places once, its other places in one cell (a root cause seen at
# one place is its rule sheet's row: the sheet costs what the grouping adds)
ROOT_CAUSE_SHEET = "根因"
HINT_SHEET = "舍入提示"  # rounding hints, apart from errors and warnings
NONE_FOUND = "无"  # the only cell of a check's sheet when it found nothing
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")

# (header, width, value of a violation); numeric cells are written as numbers.
VIOLATION_COLUMNS: list[tuple[str, int, object]] = [
    ("严重程度", 9, lambda v: severity_label(v.severity)),
    ("文件", 28, lambda v: v.source_file),
    ("行号", 7, lambda v: v.line_no),
    ("报表序号", 9, lambda v: v.report_seq),
    ("预算表序号", 10, lambda v: v.table_seq),
    ("年度", 7, lambda v: v.fiscal_year),
    ("区", 8, lambda v: v.district),
    ("主管部门", 26, lambda v: v.supervising_dept),
    ("实施单位", 26, lambda v: v.implementing_unit),
    ("项目名称", 24, lambda v: v.project_name),
    ("检查对象", 22, lambda v: v.subject),
    ("规则应为", 14, lambda v: _cell_value(v.expected_value)),
    ("文件所载", 14, lambda v: _cell_value(v.observed_value)),
    ("差额", 12, lambda v: v.difference),
    ("单位", 6, lambda v: v.value_unit),
    ("容差", 8, lambda v: v.tolerance),
    ("表名", 22, lambda v: v.table_title),
    ("栏目", 12, lambda v: v.measure),
    ("说明", 48, lambda v: v.message),
    ("原文", 60, lambda v: v.source_text),
]


# Long text, wrapped in its column: 说明 and 原文
WRAPPED_COLUMNS = frozenset(i for i, (title, _, _) in enumerate(VIOLATION_COLUMNS) if title in ("说明", "原文"))


def _cell_value(value: str | None) -> Decimal | str | None:
    number = as_number(value)
    return number if number is not None else value


def sheet_name(check_name: str, taken: set[str]) -> str:
    """The check's Chinese name as a valid, unique sheet title (≤ 31 characters)."""
    base = _BAD_SHEET_CHARS.sub("_", check_label(check_name))[:31] or "sheet"
    name, n = base, 2
    while name in taken:
        suffix = f"_{n}"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name)
    return name


def _styles(wrapped: frozenset[int], width: int) -> list[int]:
    """The text style of each column: the `wrapped` ones wrapped (xlsx quote-prefixes formula-like text)."""
    return [WRAPPED if i in wrapped else PLAIN for i in range(width)]


def _sheet(wb: Workbook, title: str, headers: list[tuple[str, int]]) -> Sheet:
    """A sheet with its header row, column widths and frozen header."""
    ws = wb.add_sheet(title, [width for _, width in headers])
    ws.append([name for name, _ in headers], [HEADER] * len(headers))
    return ws


def _write_rows(ws: Sheet, rows: Iterable[list], width: int, wrapped: frozenset[int] = frozenset()) -> int:
    """Append the rows; the filter covers them. Returns how many were written."""
    styles, n = _styles(wrapped, width), 0
    for n, values in enumerate(rows, start=1):
        ws.append(values, styles)
    ws.auto_filter = f"A1:{column_letter(width)}{n + 1}"
    return n


def _table_sheet(wb: Workbook, title: str, columns: list[tuple[str, int, Callable]],
                 items: Iterable, wrapped: frozenset[int] = frozenset(), none_found: bool = True):
    """A sheet of one row per item, each column (header, width, value of an item); a sheet of a
    check or list that found nothing says 无 when none_found. Returns (sheet, rows written)."""
    ws = _sheet(wb, title, [(header, width) for header, width, _ in columns])
    n = _write_rows(ws, ([get(item) for _, _, get in columns] for item in items), len(columns), wrapped)
    if not n and none_found:
        _write_rows(ws, [[NONE_FOUND]], len(columns))
    return ws, n


def _summary_sheet(wb: Workbook, data: QualityData) -> None:
    h = headline(data)
    headers = [("规则", 28), ("代码", 30), ("严重程度", 12), ("检查条数", 10), ("违规数", 10), ("规则要求", 60)]
    ws = _sheet(wb, SUMMARY_SHEET, headers)
    rows = [
        [
            c.label,
            c.check_name,
            "/".join(severity_label(s) for s in c.severity.split("/")),
            c.evaluated,
            c.violations,
            c.rule,
        ]
        for c in check_rows(data)
    ]
    _write_rows(ws, rows, len(headers), wrapped=frozenset({0, 5}))
    ws.append([])
    for label, key in [
        ("已载入文件", "files"),
        ("已载入报表", "reports"),
        ("解析问题", "parse_issues"),
        ("违规总数", "violations"),
        ("其中错误", "violation_errors"),
        ("其中警告", "violation_warnings"),
        ("问题（根因）", "root_causes"),
        ("舍入提示（不计入违规）", "hints"),
    ]:
        ws.append([label, None, None, None, h[key]], [HEADER])


def _place(v) -> str:
    """One other place of a root cause, on one line."""
    where = f"{v.source_file} 第 {v.line_no} 行" if v.line_no else v.source_file
    what = " · ".join(x for x in (v.subject, v.measure, v.table_title) if x)
    return f"{check_label(v.check_name)}：{where} {what}，差额 {v.difference if v.difference is not None else '—'}"


# The 根因 sheet: each root cause seen at several places once, with the places besides its own.
ROOT_CAUSE_COLUMNS: list[tuple[str, int, object]] = [
    ("严重程度", 9, lambda v: severity_label(v.severity)),
    ("规则", 22, lambda v: check_label(v.check_name)),
    ("文件", 28, lambda v: v.source_file),
    ("行号", 7, lambda v: v.line_no),
    ("表名", 22, lambda v: v.table_title),
    ("检查对象", 22, lambda v: v.subject),
    ("栏目", 12, lambda v: v.measure),
    ("规则应为", 14, lambda v: _cell_value(v.expected_value)),
    ("文件所载", 14, lambda v: _cell_value(v.observed_value)),
    ("差额", 12, lambda v: v.difference),
    ("单位", 6, lambda v: v.value_unit),
    ("涉及处数", 9, lambda v: 1 + len(v.other_places)),
    ("其他位置", 80, lambda v: "\n".join(_place(p) for p in v.other_places) or None),
]


def _root_cause_sheet(wb: Workbook, data: QualityData) -> int:
    """Each root cause (error or warning) seen at several places once, its other places in one wrapped cell."""
    wrapped = frozenset({len(ROOT_CAUSE_COLUMNS) - 1})
    return _table_sheet(wb, ROOT_CAUSE_SHEET, ROOT_CAUSE_COLUMNS, data.grouped_root_causes(), wrapped)[1]


def write_workbook(data: QualityData, path: Path) -> dict[str, int]:
    """Write the workbook, streaming each check's violations (data.violations_of) into its sheet's
    XML (xlsx.py): memory and time follow the rows. Returns {sheet name: data rows}."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with Workbook(path) as wb:
        _summary_sheet(wb, data)
        taken, written = {SUMMARY_SHEET}, {}
        for check in (c.check_name for c in check_rows(data)):
            ws, n = _table_sheet(wb, sheet_name(check, taken), VIOLATION_COLUMNS, data.violations_of(check),
                                 WRAPPED_COLUMNS)
            written[ws.title] = n
        written[ROOT_CAUSE_SHEET] = _root_cause_sheet(wb, data)
        written[HINT_SHEET] = _table_sheet(wb, HINT_SHEET, VIOLATION_COLUMNS, data.all_hints(), WRAPPED_COLUMNS)[1]
        if data.coverage.document_count:  # 检查覆盖: every (document, rule) with its status and reason
            ws, n = _table_sheet(wb, COVERAGE_SHEET, COVERAGE_COLUMNS, data.coverage.rows(), none_found=False)
            written[ws.title] = n
        written |= write_decision_sheets(wb, data, _table_sheet)  # 审核决定, to fill in
    return written
