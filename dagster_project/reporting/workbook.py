"""violations.xlsx: a summary sheet and one sheet per check (a check without findings says 无)."""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .labels import check_label, severity_label
from .queries import QualityData, Violation, as_number
from .summary import check_rows, headline

SUMMARY_SHEET = "汇总"
NONE_FOUND = "无"  # the only cell of a check's sheet when it found nothing
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_HEADER_FILL = PatternFill("solid", fgColor="DDE5EE")
_NUMBER_FORMAT = "#,##0.00"
# A text cell starting with one of these is a formula to a spreadsheet (openpyxl writes a str
# starting with = as one): document text is stored as text, and quote-prefixed so that editing
# the cell in Excel keeps it text (=HYPERLINK(…) in a project name never becomes a link).
_FORMULA_STARTS = ("=", "+", "-", "@")

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


def as_text_if_formula_like(cell) -> None:
    """Keep a cell whose text a spreadsheet would run as a formula as the text it is."""
    if isinstance(cell.value, str) and cell.value.startswith(_FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True


def _header(ws: Worksheet, headers: list[tuple[str, int]]) -> None:
    for col, (title, width) in enumerate(headers, start=1):
        cell = ws.cell(row=1, column=col, value=title)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(vertical="center")
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "A2"


def _write_rows(ws: Worksheet, rows: list[list]) -> None:
    for values in rows:
        ws.append([float(x) if isinstance(x, Decimal) else x for x in values])
        for cell, value in zip(ws[ws.max_row], values):
            if isinstance(value, Decimal):
                cell.number_format = _NUMBER_FORMAT
            as_text_if_formula_like(cell)
    ws.auto_filter.ref = ws.dimensions


def _summary_sheet(ws: Worksheet, data: QualityData) -> None:
    h = headline(data)
    _header(
        ws, [("规则", 28), ("代码", 30), ("严重程度", 12), ("检查条数", 10), ("违规数", 10), ("规则要求", 60)]
    )
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
    _write_rows(ws, rows)
    start = ws.max_row + 2
    for offset, (label, key) in enumerate(
        [
            ("已载入文件", "files"),
            ("已载入报表", "reports"),
            ("解析问题", "parse_issues"),
            ("违规总数", "violations"),
            ("其中错误", "violation_errors"),
            ("其中警告", "violation_warnings"),
        ]
    ):
        ws.cell(row=start + offset, column=1, value=label).font = Font(bold=True)
        ws.cell(row=start + offset, column=5, value=h[key])


def write_workbook(data: QualityData, path: Path) -> dict[str, int]:
    """Write the workbook; return {sheet name: data rows} for the per-check sheets."""
    wb = Workbook()
    _summary_sheet(wb.active, data)
    wb.active.title = SUMMARY_SHEET
    by_check: dict[str, list[Violation]] = defaultdict(list)
    for v in data.violations:
        by_check[v.check_name].append(v)
    taken, written = {SUMMARY_SHEET}, {}
    for check in (c.check_name for c in check_rows(data)):
        ws = wb.create_sheet(sheet_name(check, taken))
        _header(ws, [(title, width) for title, width, _ in VIOLATION_COLUMNS])
        found = [[get(v) for _, _, get in VIOLATION_COLUMNS] for v in by_check[check]]
        _write_rows(ws, found or [[NONE_FOUND]])
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(vertical="top", wrap_text=isinstance(cell.value, str))
        written[ws.title] = len(by_check[check])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return written
