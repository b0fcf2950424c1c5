"""Old Excel (.xls, BIFF8) read by content into the same document model as .xlsx.

Fixture: tests/data/xls/tracking_004.xls, the committed tracking sample
raw/004_eaeb872d98338714.txt rendered as an Excel sheet (tests/office_fixtures.py:
merged ranges, numbers stored as numbers with their number format) and saved
as Excel 97 by LibreOffice (``soffice --headless --convert-to xls``), once.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

from dagster_project.parsers import parse_bytes, parse_file, readers
from dagster_project.parsers.model import Document

ROOT = Path(__file__).resolve().parents[2]
XLS = ROOT / "tests" / "data" / "xls" / "tracking_004.xls"
TEXT = ROOT / "raw" / "004_eaeb872d98338714.txt"
LINE_FIELDS = {"source_file", "line_no", "line_start", "line_end", "total_line_no", "grade_line_no"}


def plain(records) -> list[dict]:
    return [{k: v for k, v in dataclasses.asdict(r).items() if k not in LINE_FIELDS} for r in records]


def test_recognised_by_content_not_by_name():
    data = XLS.read_bytes()
    assert data[:4] == b"\xd0\xcf\x11\xe0"
    assert readers.detect(data) == readers.XLS
    # an OLE2 file without a workbook stream (a Word .doc, say) is not taken for Excel
    assert readers.detect(data.replace("Workbook".encode("utf-16-le"), b"\0" * 16)) == readers.TEXT
    renamed = parse_bytes(data, "tracking.txt")
    assert len(renamed.reports) == 9


def test_gives_the_records_of_the_text():
    xls, text = parse_file(XLS, "tracking_004.xls"), parse_file(TEXT)
    assert (len(xls.reports), len(xls.fund_rows), len(xls.indicators)) == (9, 36, 78)
    for kind in ("reports", "fund_rows", "indicators"):
        assert plain(getattr(xls, kind)) == plain(getattr(text, kind)), kind
    assert [i.code for i in xls.issues] == [i.code for i in text.issues]
    assert {s.sheet_name for s in xls.source_lines} == {"报表"}


def test_merged_cells_and_number_formats():
    r = parse_file(XLS, "tracking_004.xls")
    lines = {s.line_no: s.text for s in r.source_lines}
    total = r.fund_rows[0]
    # 0.5 stored as a number, formatted 0.00: printed and loaded as 0.50
    assert (total.label, total.budget_tracking, total.executed) == (
        "年度资金总额",
        Decimal("6.89"),
        Decimal("0.50"),
    )
    assert "\t0.50\t" in lines[total.line_no] + "\t"
    # the 一级指标 label merged over its rows is read once, then inherited
    first = r.indicators[0]
    assert (first.level1, first.level2, first.indicator_name) == (
        "成本指标",
        "经济成本指标",
        "成本控制有效性",
    )
    assert lines[r.indicators[1].line_no].split("\t")[1] == ""
    # the model keeps the merge: one cell spanning three rows and, on the row right of it, four columns
    blocks = readers.read_document(XLS.read_bytes(), readers.XLS).blocks
    goal = next(b for b in blocks if b.cells[:1] == ("年度 总体 目标",))
    assert list(zip(goal.cells, goal.spans))[:3] == [("年度 总体 目标", (3, 1)), ("预期目标", (1, 4)), ("", (0, 0))]


def test_cells_padded_with_tabs_and_newlines_are_trimmed():
    doc = Document("xls")
    doc.add_row(["\t项目名称\n", "\n\t网络运维\t\n", " 12.50\r\n"])
    assert doc.blocks[0].cells == ("项目名称", "网络运维", "12.50")
