"""XLSX → Document (openpyxl): every sheet, row by row, each row knowing its sheet.

A merged range keeps its value in its top-left cell; the other cells of the
range read as empty, which is the model's convention for merged cells.
Numbers stored as numbers are printed the way the sheet formats them (the
number format's decimals and thousands separator: 1203 with ``0.00`` → 1203.00),
so the family parsers see the figure the office saw.
"""

from __future__ import annotations

import datetime as dt
import io
import re

from ..model import Document

_DECIMALS = re.compile(r"0\.(0+)")


def read_xlsx(data: bytes) -> Document:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)  # cached values, not formulas
    out = Document("xlsx")
    for table_no, sheet in enumerate(book.worksheets, start=1):
        for row in sheet.iter_rows():
            cells = [_text(c.value, c.number_format) for c in row]
            while cells and not cells[-1]:
                cells.pop()
            if any(cells):
                out.add_row(cells, sheet_name=sheet.title, table_no=table_no)
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
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.strftime("%Y-%m-%d")
    return str(value)
