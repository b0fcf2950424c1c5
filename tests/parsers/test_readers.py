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
