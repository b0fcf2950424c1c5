"""Readers: one per input format, chosen by content (never by file name).

- ``%PDF`` magic → ``pdf`` (PyMuPDF: ruled tables, prose lines, page furniture);
- a zip holding ``word/document.xml`` → ``docx`` (python-docx), holding
  ``xl/workbook.xml`` → ``xlsx`` (openpyxl);
- a zip whose directory cannot be read → ``damaged`` (no reader);
- anything else is TAB text, read as today (``parsers.text``).

Each binary reader returns a ``model.Document``; its normalised text is what the
family parsers read.
"""

from __future__ import annotations

import io
import zipfile

from ..model import Document

TEXT = "text"
PDF = "pdf"
DOCX = "docx"
XLSX = "xlsx"
DAMAGED = "damaged"  # a zip package whose directory cannot be read (cut off in transfer)


def detect(data: bytes) -> str:
    """The format of a file's bytes."""
    head = data[:1024]
    if b"%PDF-" in head:
        return PDF
    if data.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except zipfile.BadZipFile:
            return DAMAGED
        if "word/document.xml" in names:
            return DOCX
        if "xl/workbook.xml" in names:
            return XLSX
    return TEXT


def read_document(data: bytes, fmt: str) -> Document:
    """Read a binary document; raises the library's error on a damaged file."""
    if fmt == PDF:
        from .pdf import read_pdf

        return read_pdf(data)
    if fmt == DOCX:
        from .docx import read_docx

        return read_docx(data)
    if fmt == XLSX:
        from .xlsx import read_xlsx

        return read_xlsx(data)
    raise ValueError(f"no reader for {fmt}")
