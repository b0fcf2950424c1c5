"""XLS (Excel 97–2003, BIFF8, as central-level project systems still export) → Document (xlrd).

The same document as the XLSX reader gives: every sheet, row by row, each row
knowing its sheet; a merged range keeps its value in its top-left cell and its
other cells read as empty (each cell's span kept, as the XLSX reader keeps it); numbers printed by their number format (the one
rule, in ``xlsx``), dates as YYYY-MM-DD. Cells padded with TABs or newlines are
trimmed by the model.
"""

from __future__ import annotations

from ..model import Document
from .xlsx import _text as printed  # one rule for printing a number by its format
from .xlsx import merged_spans


def read_xls(data: bytes) -> Document:
    import xlrd

    # formatting_info: merged ranges and number formats (BIFF8 keeps both)
    book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=False)
    out = Document("xls")
    for table_no, sheet in enumerate(book.sheets(), start=1):
        span_at = merged_spans(sheet.merged_cells)  # xlrd: (row0, row1, col0, col1), ends excluded
        for r in range(sheet.nrows):
            spans = [span_at.get((r, c), (1, 1)) for c in range(sheet.ncols)]
            cells = [
                "" if span == (0, 0) else _cell_text(book, sheet.cell(r, c)) for c, span in enumerate(spans)
            ]
            while cells and not cells[-1].strip():
                cells.pop()
            del spans[len(cells):]
            if any(c.strip() for c in cells):
                out.add_row(cells, spans, sheet_name=sheet.name, table_no=table_no)
    return out


def _cell_text(book, cell) -> str:
    import xlrd

    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return ""
    if cell.ctype == xlrd.XL_CELL_TEXT:
        return cell.value
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return str(bool(cell.value))
    if cell.ctype == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(cell.value, "#ERR")
    if cell.ctype == xlrd.XL_CELL_DATE:
        return printed(xlrd.xldate_as_datetime(cell.value, book.datemode), None)
    fmt = book.format_map.get(book.xf_list[cell.xf_index].format_key)
    return printed(cell.value, fmt.format_str if fmt else None)
