"""Readers: one per input format, chosen by content (never by file name).

- ``%PDF`` magic → ``pdf`` (PyMuPDF: ruled tables, prose lines, page furniture);
- a zip holding ``word/document.xml`` → ``docx`` (python-docx), holding
  ``xl/workbook.xml`` → ``xlsx`` (openpyxl);
- a zip whose directory cannot be read → ``damaged`` (no reader);
- an OLE2 compound file (``D0 CF 11 E0``) holding a ``Workbook``/``Book`` stream →
  ``xls`` (xlrd; old Excel 97–2003; a Word .doc is OLE2 too, and stays unread);
- anything else is TAB text (``text``: decoded as ``parsers.text`` decodes, one
  block per line of the file).

Each reader returns a ``model.Document``; the family parsers read the lines built
from its blocks (``Document.lines``).
"""

from __future__ import annotations

import io
import zipfile

from ..model import Document

TEXT = "text"
PDF = "pdf"
DOCX = "docx"
XLSX = "xlsx"
XLS = "xls"
DAMAGED = "damaged"  # a zip package whose directory cannot be read (cut off in transfer)

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Directory entry names of an OLE2 file are UTF-16LE: the workbook stream of BIFF8 / BIFF5.
_WORKBOOK_STREAMS = ("Workbook".encode("utf-16-le"), "Book\x00".encode("utf-16-le"))


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
    if data.startswith(_OLE2) and any(name in data for name in _WORKBOOK_STREAMS):
        return XLS
    return TEXT


def read_document(data: bytes, fmt: str) -> Document:
    """Read a document; raises the library's error on a damaged binary file."""
    if fmt == TEXT:
        from .text import read_text

        return read_text(data)
    if fmt == PDF:
        from .pdf import read_pdf

        return read_pdf(data)
    if fmt == DOCX:
        from .docx import read_docx

        return read_docx(data)
    if fmt == XLSX:
        from .xlsx import read_xlsx

        return read_xlsx(data)
    if fmt == XLS:
        from .xls import read_xls

        return read_xls(data)
    raise ValueError(f"no reader for {fmt}")
