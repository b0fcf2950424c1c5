"""Tables whose TABs a converter turned into runs of spaces.

Cells are found by TABs. In a space-aligned table each row is one cell, so its
titles are still recognised but every field comes out empty: a report with no
name, funds or indicators. Column positions in such text drift with the width of
Chinese characters and with cells that themselves hold spaces, so rather than
guess (and load wrong values), each such table is rejected with one clear error
and its lines are accounted as issues.
"""

from __future__ import annotations

import dataclasses
import re

from . import issues
from .records import ISSUE, ParseResult
from .text import Line

_SPACE_RUN = re.compile(r"(?:^|\S)(?: {2,}|\u3000+)\S")  # a gap or an indent where a TAB would be
CODE = "space_aligned_table"


def _is_space_aligned(lines: list[Line], start: int, end: int) -> bool:
    """Lines start..end (1-based, as numbered by split_lines) hold no TAB but gaps of spaces."""
    table = lines[max(start - 1, 0) : end]
    if table and table[0].no != start:  # lines not numbered 1..n: find them by number
        table = [line for line in lines if start <= line.no <= end]
    if any("\t" in line.raw for line in table):  # the usual case: stops at the table's first line
        return False
    return sum(1 for line in table if _SPACE_RUN.search(line.raw)) >= 2


def reject_space_aligned_tables(result: ParseResult, lines: list[Line]) -> None:
    """Replace every space-aligned report or budget table by one error; account its lines as issues."""
    reports = {r.report_seq: r for r in result.reports if _is_space_aligned(lines, r.line_start, r.line_end)}
    tables = {t.table_seq: t for t in result.budget_tables if _is_space_aligned(lines, t.line_start, t.line_end)}
    if not reports and not tables:
        return
    spans = [(r.line_start, r.line_end, "报表") for r in reports.values()]
    spans += [(t.line_start, t.line_end, "预算表") for t in tables.values()]

    def inside(line_no: int) -> bool:
        return any(start <= line_no <= end for start, end, _ in spans)

    result.reports = [r for r in result.reports if r.report_seq not in reports]
    result.fund_rows = [f for f in result.fund_rows if f.report_seq not in reports]
    result.indicators = [i for i in result.indicators if i.report_seq not in reports]
    result.indicator_values = [v for v in result.indicator_values if v.report_seq not in reports]
    result.budget_tables = [t for t in result.budget_tables if t.table_seq not in tables]
    result.budget_cells = [c for c in result.budget_cells if c.table_seq not in tables]
    # The layout's side effects (every row "unrecognised") say nothing more than the one error.
    result.issues = [i for i in result.issues if not inside(i.line_no)]
    for start, end, kind in spans:
        result.issues.append(issues.make(
            CODE, result.source_file, start, lines[start - 1].raw if 0 < start <= len(lines) else None,
            start=start, end=end, kind=kind,
        ))
    result.issues.sort(key=lambda i: i.line_no)
    result.lines = [dataclasses.replace(d, disposition=ISSUE) if inside(d.line_no) else d for d in result.lines]
