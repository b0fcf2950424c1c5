"""XLSX → Document (openpyxl): every sheet, row by row, each row knowing its sheet.

A merged range keeps its value in its top-left cell; the other cells of the
range read as empty, which is the model's convention for merged cells, and the
row keeps each cell's span (the range's rows and columns at its top-left cell,
(0, 0) over the rest; rows are the sheet's, empty ones included).
Numbers stored as numbers are printed the way the sheet formats them (the
number format's decimals and thousands separator: 1203 with ``0.00`` → 1203.00),
so the family parsers see the figure the office saw. A whole number is never
printed in E notation: a 21-digit 项目编码 stored as a float prints as Excel shows it
(15 significant digits, then zeros), with a ``number_precision_lost`` warning
naming the sheet and cell, since the digits after the 15th are not in the file.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

from ..model import Document

_DECIMALS = re.compile(r"0\.(0+)")
_EXACT_FLOAT_DIGITS = 15  # significant digits Excel shows of a number
_EXACT_FLOAT_INT = 2**53  # beyond this a float cannot hold every whole number


def read_xlsx(data: bytes) -> Document:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)  # cached values, not formulas
    out = Document("xlsx")
    for table_no, sheet in enumerate(book.worksheets, start=1):
        merges = [(m.min_row, m.max_row + 1, m.min_col, m.max_col + 1) for m in sheet.merged_cells.ranges]
        span_at = merged_spans(merges)
        for row in sheet.iter_rows():
            cells = [_text(c.value, c.number_format) for c in row]
            spans = [span_at.get((c.row, c.column), (1, 1)) for c in row]
            while cells and not cells[-1]:
                cells.pop()
            del spans[len(cells):]
            if any(cells):
                for c in row:
                    if _precision_lost(c.value):
                        out.add_cell_problem(
                            "number_precision_lost", sheet=sheet.title, cell=c.coordinate,
                            text=_text(c.value, c.number_format), digits=_EXACT_FLOAT_DIGITS,
                        )
                out.add_row(cells, spans, sheet_name=sheet.title, table_no=table_no)
    return out


def merged_spans(merges) -> dict[tuple[int, int], tuple[int, int]]:
    """(row, column) → (row_span, col_span) of merged ranges given as (row0, row1, col0, col1),
    ends excluded: the range's size at its first cell, (0, 0) at every cell it covers."""
    out = {}
    for r0, r1, c0, c1 in merges:
        for r in range(r0, r1):
            for c in range(c0, c1):
                out[(r, c)] = (0, 0)
        out[(r0, c0)] = (r1 - r0, c1 - c0)
    return out


def _text(value, number_format: str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        fmt = number_format or "General"
        m = _DECIMALS.search(fmt)
        decimals = len(m.group(1)) if m else None
        grouping = "," if "#,##" in fmt else ""
        if fmt.endswith("%"):
            return f"{value * 100:{grouping}.{decimals or 0}f}%"
        if decimals is not None:
            return f"{value:{grouping}.{decimals}f}"
        if grouping:
            return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"
        if isinstance(value, int):
            return str(value)
        if value.is_integer() and abs(value) < _EXACT_FLOAT_INT:
            return str(int(value))
        if value.is_integer():  # never 4.4e+20: the digits Excel shows, as a whole number
            return f"{Decimal(f'{value:.{_EXACT_FLOAT_DIGITS}g}'):f}"
        return repr(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.strftime("%Y-%m-%d")
    return str(value)


def _precision_lost(value) -> bool:
    """A float holding a whole number too long for a float to keep exactly (a long code)."""
    return isinstance(value, float) and value.is_integer() and abs(value) >= _EXACT_FLOAT_INT
