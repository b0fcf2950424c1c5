"""The report's own .xlsx writer on a tiny sheet: document text stays text, numbers stay numbers,
and the file reads back in openpyxl with the header frozen, the filter and the drop-down."""

from __future__ import annotations

import zipfile
from decimal import Decimal

from openpyxl import load_workbook

from dagster_project.reporting.xlsx import HEADER, PLAIN, WRAPPED, Workbook, column_letter

FORMULA = '=HYPERLINK("http://x","y")'


def _book(tmp_path):
    path = tmp_path / "t.xlsx"
    with Workbook(path) as wb:
        ws = wb.add_sheet("检查's <表>", [10, 48.5])
        ws.append(["名称", "说明"], [HEADER, HEADER])
        ws.append([FORMULA, "-5 开头"], [PLAIN, WRAPPED])
        ws.append(["a\x00b\x0bc\ud800d", " 前后空格 \r\n第二行"], [PLAIN, WRAPPED])
        ws.append([Decimal("1234567.5"), 42, 0.25, True, None, "+1"])
        ws.append([])  # an empty row moves the row number on
        ws.append(["@me", "<b>&amp;</b>"])
        ws.auto_filter = "A1:B6"
        ws.list_validation("B2:B100", ["确认", "忽略"])
        wb.add_sheet("无冻结", freeze_header=False).append(["无"])
    return path


def test_text_stays_text_and_numbers_stay_numbers(tmp_path):
    book = load_workbook(_book(tmp_path))
    assert book.sheetnames == ["检查's <表>", "无冻结"]
    ws = book["检查's <表>"]
    header = ws["A1"]
    assert (header.value, header.font.b, header.fill.fgColor.rgb) == ("名称", True, "00DDE5EE")
    formula = ws["A2"]
    assert (formula.value, formula.data_type, formula.quotePrefix) == (FORMULA, "s", True)
    minus = ws["B2"]  # quote-prefixed and still wrapped
    assert (minus.value, minus.quotePrefix, minus.alignment.wrap_text) == ("-5 开头", True, True)
    # characters XML forbids are dropped; spaces at the ends and CR are kept
    assert ws["A3"].value == "abcd"
    assert ws["B3"].value == " 前后空格 \r\n第二行" and ws["B3"].alignment.wrap_text and not ws["B3"].quotePrefix
    amount, count, share, flag, empty, plus = ws[4]
    assert (amount.value, amount.data_type, amount.number_format) == (1234567.5, "n", "#,##0.00")
    assert (count.value, type(count.value), count.number_format) == (42, int, "General")
    assert (share.value, flag.value, empty.value) == (0.25, True, None)
    assert (plus.value, plus.data_type, plus.quotePrefix) == ("+1", "s", True)
    assert [c.value for c in ws[5]] == [None] * 6
    assert [(c.value, c.quotePrefix) for c in ws[6][:2]] == [("@me", True), ("<b>&amp;</b>", False)]
    assert not [c.coordinate for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert (ws.freeze_panes, ws.auto_filter.ref) == ("A2", "A1:B6")
    assert (ws.column_dimensions["A"].width, ws.column_dimensions["B"].width) == (10, 48.5)
    (choice,) = ws.data_validations.dataValidation
    assert (str(choice.sqref), choice.type, choice.formula1) == ("B2:B100", "list", '"确认,忽略"')
    assert book["无冻结"].freeze_panes is None and book["无冻结"]["A1"].value == "无"


def test_rows_are_streamed_into_the_zip(tmp_path):
    path = _book(tmp_path)
    with zipfile.ZipFile(path) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
        assert archive.testzip() is None
    assert sheet.count("<row ") == 5  # the empty row is not written
    assert "名称" in sheet and "&lt;b&gt;&amp;amp;&lt;/b&gt;" in sheet  # UTF-8 text, escaped: never markup
    assert [column_letter(n) for n in (1, 26, 27, 702)] == ["A", "Z", "AA", "ZZ"]


def test_a_rows_numbers_are_the_cells_the_general_path_writes():
    """row_xml's shortcuts for int and Decimal give _cell's XML; bool, float and text keep theirs."""
    from dagster_project.reporting.xlsx import NUMBER, _cell, row_xml

    values = [7, -12, Decimal("1203.50"), Decimal("0.1"), True, 2.5, "=x", None, "年度"]
    xml = row_xml(values, [PLAIN] * len(values)).decode()
    general = "".join(_cell("", v, PLAIN) if v is not None else "<c/>" for v in values)
    assert xml == f"<row>{general}</row>"
    number = f'<c s="{NUMBER}">'
    assert f'<c><v>-12</v></c>{number}<v>1203.5</v></c>{number}<v>0.1</v></c><c t="b"><v>1</v></c>' in xml


def test_printed_values_are_numbers_with_or_without_commas_spaces_and_percent():
    from dagster_project.reporting.queries import as_number, line_text

    assert as_number("1203.00") == Decimal("1203.00") and str(as_number("1203.00")) == "1203.00"
    assert as_number("-5") == Decimal(-5)
    assert as_number(" 1,203.00 ") == Decimal("1203.00")
    assert as_number("95.67%") == Decimal("95.67")
    assert as_number("1.2.3") is None and as_number("") is None and as_number(True) is None
    # a line's cells: trimmed, empty ones left out, and cleaned where they hold markup or runs of spaces
    assert line_text("  年度 \t\t 1,203.00\t") == "年度 │ 1,203.00"
    assert line_text("a  b\t<b>c</b>\tx&amp;y\r\nnext", 3) == "（第3页）a b │ c │ x&y"
