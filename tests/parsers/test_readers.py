"""Readers chosen by content, and files they cannot read: always one clear issue, never silence."""

from __future__ import annotations

import io
import zipfile

import pymupdf

from dagster_project.parsers import parse_bytes, parse_text, readers


def _scan_pdf() -> bytes:
    """A page holding only a picture (a scan): no text layer."""
    doc = pymupdf.open()
    page = doc.new_page()
    pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 40, 40), False)
    pix.clear_with(200)
    page.insert_image(pymupdf.Rect(50, 50, 300, 300), pixmap=pix)
    return doc.tobytes()


def test_scanned_pdf_asks_for_ocr():
    result = parse_bytes(_scan_pdf(), "scan.pdf")
    assert [(i.severity, i.code) for i in result.issues] == [("error", "pdf_without_text_layer")]
    assert "OCR" in result.issues[0].message


def test_damaged_pdf_is_one_error_naming_the_format():
    result = parse_bytes(b"%PDF-1.7\n this is not a pdf body", "broken.pdf")
    assert [(i.severity, i.code) for i in result.issues] == [("error", "damaged_document")]
    assert result.issues[0].message.startswith("PDF")


def test_format_by_content_not_name():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
    assert readers.detect(buf.getvalue()) == readers.XLSX
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("notes.txt", "hello")
    assert readers.detect(buf.getvalue()) == readers.TEXT  # a zip of something else: not an office file
    assert readers.detect(b"%PDF-1.4\n") == readers.PDF


def test_budget_without_any_table_is_an_error():
    # what a plain text extraction of a budget PDF looks like: titles, then one value per line
    text = "2023年部门收入预算总表\n编制部门：某局\n单位：元\n项目\n收入预算\n201\n一般公共服务支出\n2,976,800\n"
    result = parse_text(text, "plain.txt")
    assert result.families == ["budget"] and not result.budget_cells
    assert ("error", "budget_without_table") in [(i.severity, i.code) for i in result.issues]


def _box(page, x0: float, y0: float, x1: float, y1: float, text: str = "") -> None:
    """A ruled cell, its text centred in it."""
    page.draw_rect(pymupdf.Rect(x0, y0, x1, y1), color=(0, 0, 0), width=0.8)
    if text:
        page.insert_text(((x0 + x1) / 2 - 2.5 * len(text), (y0 + y1) / 2 + 3), text, fontsize=9)


def test_ruled_pdf_table_keeps_its_drawn_merges_across_a_page_break():
    """A drawn box over two columns (a parent header) or two rows (a level label) is one cell with
    its (row_span, col_span), its text at its first column although printed centred; the cells it
    covers are (0, 0). On the next page the table continues, its level column blank: a blank box at
    the top of a continued page continues the cell above it, so the level label spans four rows."""
    from dagster_project.parsers import grid

    doc = pymupdf.open()
    one = doc.new_page()
    _box(one, 50, 100, 150, 160, "Level")
    _box(one, 150, 100, 350, 130, "Indicator")
    _box(one, 150, 130, 250, 160, "Name")
    _box(one, 250, 130, 350, 160, "Value")
    _box(one, 50, 160, 150, 220, "Output")
    for y, name, value in ((160, "staff", "12.50"), (190, "sites", "3.00")):
        _box(one, 150, y, 250, y + 30, name)
        _box(one, 250, y, 350, y + 30, value)
    two = doc.new_page()
    _box(two, 50, 60, 150, 120)
    for y, name, value in ((60, "visits", "7.00"), (90, "hours", "8.00")):
        _box(two, 150, y, 250, y + 30, name)
        _box(two, 250, y, 350, y + 30, value)
    document = readers.read_document(doc.tobytes(), readers.PDF)
    assert [(b.cells, b.spans, b.page_no, b.table_no) for b in document.blocks] == [
        (("Level", "Indicator", ""), ((2, 1), (1, 2), (0, 0)), 1, 1),
        (("", "Name", "Value"), ((0, 0), (1, 1), (1, 1)), 1, 1),
        (("Output", "staff", "12.50"), ((4, 1), (1, 1), (1, 1)), 1, 1),
        (("", "sites", "3.00"), ((0, 0), (1, 1), (1, 1)), 1, 1),
        (("", "visits", "7.00"), ((0, 0), (1, 1), (1, 1)), 2, 1),
        (("", "hours", "8.00"), ((0, 0), (1, 1), (1, 1)), 2, 1),
    ]
    header = document.rows(document.lines())[:2]
    columns = grid.header_columns(header)  # the parent's reach from its stored merge, not a guess
    assert [(c.labels, c.groups, c.head) for c in columns] == [
        (("Level",), (), 0), (("Indicator", "Name"), ("Indicator",), 1), (("Indicator", "Value"), ("Indicator",), 2)]
