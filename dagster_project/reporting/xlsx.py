"""A small streaming .xlsx writer: each sheet's XML built from escaped strings straight into the zip.

openpyxl (even write-only) builds an object per cell, ~20 µs each; the report writes tens of
thousands of cells per run, so this writes the few things the report needs directly: text as
inline strings (never a formula: there is no formula cell here at all), numbers as numbers, a
fixed set of styles, column widths, a frozen header row, an autofilter and list validations.
Sheets are written one after another (a sheet is finished when the next starts or the book closes),
so memory stays flat whatever the rows. The zip container is written here too: each sheet is one
deflate stream, which a SheetCache can keep and a later book copy as it is (reuse_sheet).
"""

from __future__ import annotations

import re
import struct
import tempfile
import zlib
from collections.abc import Iterable, Sequence
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import IO, NamedTuple, Self

from .sheet_cache import Chunk, PartInfo, SheetCache

# Style ids: the index of each <xf> in _STYLES_XML below.
PLAIN, HEADER, WRAPPED, NUMBER, QUOTED, QUOTED_WRAPPED = range(6)
# A text cell starting with one of these would be a formula when edited in a spreadsheet: it is
# written quote-prefixed so that editing it keeps it text (=HYPERLINK(…) never becomes a link).
FORMULA_STARTS = ("=", "+", "-", "@")
_QUOTED = {PLAIN: QUOTED, WRAPPED: QUOTED_WRAPPED}
# Characters XML 1.0 forbids (C0 controls but tab, LF, CR; lone surrogates; U+FFFE/FFFF): dropped.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SPECIAL = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")  # most text has none
_ROWS_PER_WRITE = 500
# Where a row template's row number goes: text never holds it (text() drops NUL like every
# character XML forbids), so the row XML made with it and then numbered is the row XML made with the number.
ROW_MARK = b"\x00"
# Zip members dated 1980-01-01 (DOS date 33): the same sheets give the same bytes. No zip64: a sheet
# holds at most 1,048,576 rows, far below 4 GB.
_ZIP_DATE, _ZIP_LIMIT = 33, 0xFFFFFFFF

_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_STYLES_XML = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="{_NS}">'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b val="1"/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="00DDE5EE"/></patternFill></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="6">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'  # PLAIN
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" applyAlignment="1">'
    '<alignment vertical="center"/></xf>'  # HEADER: bold on a light blue fill
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">'
    '<alignment vertical="top" wrapText="1"/></xf>'  # WRAPPED: long text
    '<xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'  # NUMBER: #,##0.00
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/>'  # QUOTED
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1" applyAlignment="1">'
    '<alignment vertical="top" wrapText="1"/></xf>'  # QUOTED_WRAPPED
    '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)


def column_letter(n: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


_LETTERS = [column_letter(i) for i in range(1, 703)]  # A … ZZ


def text(value: str) -> str:
    """Text as XML character data: illegal characters dropped, & < > escaped, CR kept as a reference."""
    if not _SPECIAL.search(value):
        return value
    if _ILLEGAL.search(value):
        value = _ILLEGAL.sub("", value)
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return value.replace("\r", "&#13;") if "\r" in value else value


def _attr(value: str) -> str:
    return text(value).replace('"', "&quot;")


def _cell(ref: str, value, style: int) -> str:
    """One cell's XML; ref is its ` r="…"` attribute, or empty for a cell placed after the previous one."""
    if isinstance(value, str):
        if value.startswith(FORMULA_STARTS):
            style = _QUOTED.get(style, style)
        space = ' xml:space="preserve"' if value[:1].isspace() or value[-1:].isspace() else ""
        s = f' s="{style}"' if style else ""
        return f'<c{ref}{s} t="inlineStr"><is><t{space}>{text(value)}</t></is></c>'
    if isinstance(value, bool):
        return f'<c{ref} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, Decimal):
        return f'<c{ref} s="{NUMBER}"><v>{float(value)!r}</v></c>'
    if isinstance(value, int | float):
        return f"<c{ref}><v>{value!r}</v></c>"
    return f'<c{ref} t="inlineStr"><is><t>{text(str(value))}</t></is></c>'  # dates and the like: as printed


def row_template(values: Sequence, styles: Sequence[int] = ()) -> bytes:
    """A row's XML (UTF-8) with ROW_MARK where its number goes (Sheet.append_row puts it in): the
    same row at another place is the same template. Empty when no cell has a value."""
    cells = [
        _cell(f' r="{_LETTERS[i]}\x00"', value, styles[i] if i < len(styles) else PLAIN)
        for i, value in enumerate(values)
        if value is not None
    ]
    return f'<row r="\x00">{"".join(cells)}</row>'.encode() if cells else b""


@lru_cache(maxsize=1 << 16)  # names, labels and places recur across a sheet's rows
def _text_cell(value: str, style: int) -> str:
    """A text cell placed after the previous one (as _cell makes it)."""
    return _cell("", value, style)


# a Decimal cell placed after the previous one, as _cell makes it
_NUMBER_CELL = f'<c s="{NUMBER}"><v>{{!r}}</v></c>'


def row_xml(values: Sequence, styles: Sequence[int] = ()) -> bytes:
    """A row's XML (UTF-8) without its number or its cells' references: a spreadsheet places such a row
    after the previous one and each cell after the previous cell (an empty one is `<c/>`), so the same
    row is the same bytes wherever it lands and chunks of rows can be kept compressed (Chunk)."""
    n = len(values)
    while n and values[n - 1] is None:
        n -= 1
    cells = []
    for i in range(n):  # the hot loop of a full workbook (millions of cells): no call per empty cell
        value = values[i]
        if value is None:
            cells.append("<c/>")
        else:
            kind = type(value)
            if kind is str:
                cells.append(_text_cell(value, styles[i] if i < len(styles) else PLAIN))
            elif kind is int:  # as _cell writes them, without its tests of every other type first
                cells.append(f"<c><v>{value!r}</v></c>")
            elif kind is Decimal:
                cells.append(_NUMBER_CELL.format(float(value)))
            else:
                cells.append(_cell("", value, styles[i] if i < len(styles) else PLAIN))
    return f"<row>{''.join(cells)}</row>".encode()


def _multmodp(a: int, b: int) -> int:
    """a × b modulo the CRC-32 polynomial (bit-reflected, as zlib's crc32_combine)."""
    m, p = 1 << 31, 0
    while True:
        if a & m:
            p ^= b
            if not a & (m - 1):
                return p
        m >>= 1
        b = (b >> 1) ^ 0xEDB88320 if b & 1 else b >> 1


_X2N = [1 << 30]  # x^(2^k) modulo the polynomial
for _ in range(31):
    _X2N.append(_multmodp(_X2N[-1], _X2N[-1]))


def crc_shift(size: int) -> int:
    """The factor that moves a CRC-32 past `size` more bytes (x^(8·size) modulo the polynomial)."""
    p, k = 1 << 31, 3  # x^0; a byte is 2^3 bits
    while size:
        if size & 1:
            p = _multmodp(_X2N[k & 31], p)
        size, k = size >> 1, k + 1
    return p


def crc32_combine(crc1: int, crc2: int, size2: int, shift: int | None = None) -> int:
    """The CRC-32 of A + B from crc32(A), crc32(B) and len(B) (Python's zlib does not offer it);
    shift: crc_shift(size2), when known (the costly part)."""
    return _multmodp(crc_shift(size2) if shift is None else shift, crc1) ^ crc2


def make_chunk(rows: Sequence[bytes]) -> Chunk:
    """Rows (row_xml) compressed on their own: the same rows, the same bytes, whatever precedes them."""
    xml = b"".join(rows)
    deflate = zlib.compressobj(1, zlib.DEFLATED, -15)
    data = deflate.compress(xml) + deflate.flush(zlib.Z_SYNC_FLUSH)
    return Chunk(data, zlib.crc32(xml), len(xml), len(rows), crc_shift(len(xml)))


class Sheet:
    """One worksheet being written: rows are appended; the filter and validations close it."""

    def __init__(self, index: int, title: str, widths: Sequence[float], freeze_header: bool, out: IO[bytes]):
        self.title, self.index = title, index
        self.rows = 0  # the last row number used
        self.data_rows = 0  # what the writer counts as its rows (kept with a stored sheet)
        self.key: str | None = None  # the cache key it is kept under (Workbook.add_sheet)
        # its chunks (append_chunk) by digest: offset in out, deflated size, CRC, size, rows, shift
        self.chunks: dict[str, list[int]] = {}
        self.auto_filter: str | None = None
        self._validations: list[tuple[str, Sequence[str]]] = []
        self._buffer: list[str] = []
        self.out = out  # the sheet's deflated XML
        self._deflate = zlib.compressobj(1, zlib.DEFLATED, -15)  # raw deflate, as a zip member; fast
        self._crc = self._size = 0
        self._pending = False  # data given to self._deflate since its last flush
        view = (
            '<sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView>'
            if freeze_header
            else '<sheetView workbookViewId="0"/>'
        )
        cols = "".join(
            f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>' for i, w in enumerate(widths, start=1)
        )
        self._write(
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_NS}">'
            f'<sheetViews>{view}</sheetViews><sheetFormatPr defaultRowHeight="15"/>'
            f"{f'<cols>{cols}</cols>' if cols else ''}<sheetData>"
        )

    def append(self, values: Sequence, styles: Sequence[int] = ()) -> None:
        """One row. styles[i] is the style of text in column i (PLAIN when absent); a Decimal is a
        number shown #,##0.00, an int or float a plain number, None an empty cell, anything else text."""
        self.append_row(row_template(values, styles))

    def append_row(self, template: bytes) -> None:
        """One row from its row_template (made now, or kept from an earlier workbook), numbered here."""
        self.rows += 1
        if template:  # an empty row only moves the row number on
            self._buffer.append(template.replace(ROW_MARK, str(self.rows).encode("ascii")))
            if len(self._buffer) >= _ROWS_PER_WRITE:
                self._flush()

    def append_chunk(self, chunk: Chunk, digest: str) -> None:
        """Rows compressed on their own (make_chunk, now or in an earlier workbook) after those written,
        listed under digest (what its rows are) for a later workbook to copy."""
        self._flush()
        if self._pending:  # what the sheet's own stream holds, ended on a byte boundary
            self.out.write(self._deflate.flush(zlib.Z_SYNC_FLUSH))
            self._pending = False
        self.chunks[digest] = [self.out.tell(), len(chunk.data), chunk.crc, chunk.size, chunk.rows, chunk.shift]
        self.out.write(chunk.data)
        self._crc = crc32_combine(self._crc, chunk.crc, chunk.size, chunk.shift)
        self._size += chunk.size
        self.rows += chunk.rows
        # what follows must not refer back past the chunk: a fresh stream, without history
        self._deflate = zlib.compressobj(1, zlib.DEFLATED, -15)

    def list_validation(self, sqref: str, choices: Iterable[str]) -> None:
        """A drop-down of `choices` on the cells of sqref (e.g. B2:B1000)."""
        self._validations.append((sqref, list(choices)))

    def _write(self, xml: str | bytes) -> None:
        data = xml.encode("utf-8") if isinstance(xml, str) else xml
        if not data:
            return
        self._crc, self._size = zlib.crc32(data, self._crc), self._size + len(data)
        self.out.write(self._deflate.compress(data))
        self._pending = True

    def _flush(self) -> None:
        self._write(b"".join(self._buffer))
        self._buffer.clear()

    def close(self) -> PartInfo:
        """Finish the XML; returns its member info (the bytes are in self.out)."""
        self._flush()
        tail = "</sheetData>"
        if self.auto_filter:
            tail += f'<autoFilter ref="{self.auto_filter}"/>'
        if self._validations:
            tail += f'<dataValidations count="{len(self._validations)}">'
            for sqref, choices in self._validations:
                listed = _attr(",".join(choices))
                tail += (
                    f'<dataValidation type="list" allowBlank="1" sqref="{sqref}">'
                    f"<formula1>&quot;{listed}&quot;</formula1></dataValidation>"
                )
            tail += "</dataValidations>"
        self._write(tail + '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/>'
                    "</worksheet>")
        self.out.write(self._deflate.flush())
        return PartInfo(self._crc, self._size, self.out.tell())


class _Placed(NamedTuple):
    """A sheet copied whole from the cache: what the workbook's own parts name of it."""

    title: str
    index: int
    auto_filter: str | None


class Workbook:
    """An .xlsx written sheet by sheet to path; close() (or the with block) finishes it.

    With a cache, a sheet added with a key is kept in it, and reuse_sheet copies a kept one."""

    def __init__(self, path: Path, cache: SheetCache | None = None):
        self._file = open(path, "wb")  # noqa: SIM115 - close() closes it
        self._members: list[tuple[bytes, PartInfo, int]] = []  # name, info, offset of its header
        self._cache = cache
        self._open: tuple[Sheet, bool] | None = None  # the sheet being written, whether the cache keeps it
        self.sheets: list[Sheet | _Placed] = []

    def add_sheet(self, title: str, widths: Sequence[float] = (), freeze_header: bool = True,
                  key: str | None = None, keep: bool = False) -> Sheet:
        """A new sheet, kept in the cache under its key when it is finished: key, or the key set on
        the sheet before then when keep."""
        self._finish_sheet()
        stored = self._cache.new() if self._cache and (key or keep) else None
        out = stored or tempfile.TemporaryFile()  # noqa: SIM115 - _finish_sheet closes it
        sheet = Sheet(len(self.sheets) + 1, title, widths, freeze_header, out)
        sheet.key = key
        self.sheets.append(sheet)
        self._open = (sheet, stored is not None)
        return sheet

    def reuse_sheet(self, title: str, key: str | None) -> int | None:
        """Add the sheet kept under key as it was written; its data rows, or None when not kept."""
        hit = self._cache.get(key) if self._cache and key else None
        if hit is None:
            return None
        self._finish_sheet()
        data, info, meta = hit
        self._cache.stats["sheets_copied"] += 1
        index = len(self.sheets) + 1
        self._member(f"xl/worksheets/sheet{index}.xml", info, data)
        self.sheets.append(_Placed(title, index, meta["auto_filter"]))
        return meta["data_rows"]

    def _finish_sheet(self) -> None:
        if self._open is None:
            return
        (sheet, stored), self._open = self._open, None
        info = sheet.close()
        sheet.out.seek(0)
        data = sheet.out.read()
        self._member(f"xl/worksheets/sheet{sheet.index}.xml", info, data)
        if stored and sheet.key:
            meta = {"auto_filter": sheet.auto_filter, "data_rows": sheet.data_rows, "chunks": sheet.chunks}
            self._cache.put(sheet.key, sheet.out, data, info, meta)
        else:
            sheet.out.close()
            if stored:
                Path(sheet.out.name).unlink(missing_ok=True)

    def _member(self, name: str, info: PartInfo, data: bytes) -> None:
        """One zip member (deflated data), its local header first."""
        encoded, offset = name.encode("ascii"), self._file.tell()
        if max(offset + len(data), info.size) > _ZIP_LIMIT:
            raise ValueError(f"{name}: the workbook exceeds 4 GB")
        self._file.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, _ZIP_DATE, info.crc, info.csize,
                                     info.size, len(encoded), 0) + encoded)
        self._file.write(data)
        self._members.append((encoded, info, offset))

    def _directory(self) -> None:
        """The zip's central directory and its end record."""
        start = self._file.tell()
        for name, info, offset in self._members:
            self._file.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, _ZIP_DATE, info.crc,
                                         info.csize, info.size, len(name), 0, 0, 0, 0, 0, offset) + name)
        n, size = len(self._members), self._file.tell() - start
        self._file.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, n, n, size, start, 0))

    @property
    def sheetnames(self) -> list[str]:
        return [s.title for s in self.sheets]

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._finish_sheet()
        n = len(self.sheets)
        sheets = "".join(
            f'<sheet name="{_attr(s.title)}" sheetId="{s.index}" r:id="rId{s.index}"/>' for s in self.sheets
        )
        filters = "".join(  # what Excel itself writes beside an autofilter
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="{s.index - 1}" hidden="1">'
            f"{_attr(_quoted_title(s.title))}!{_absolute(s.auto_filter)}</definedName>"
            for s in self.sheets
            if s.auto_filter
        )
        parts = {
            "[Content_Types].xml": (
                '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/>'
                f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
                f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.styles+xml"/>'
                + "".join(
                    f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_CT}.worksheet+xml"/>'
                    for i in range(1, n + 1)
                )
                + "</Types>"
            ),
            "_rels/.rels": (
                f'<Relationships xmlns="{_PKG_REL_NS}"><Relationship Id="rId1" '
                f'Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
            ),
            "xl/workbook.xml": (
                f'<workbook xmlns="{_NS}" xmlns:r="{_REL_NS}"><bookViews><workbookView activeTab="0"/></bookViews>'
                f"<sheets>{sheets}</sheets>{f'<definedNames>{filters}</definedNames>' if filters else ''}</workbook>"
            ),
            "xl/_rels/workbook.xml.rels": (
                f'<Relationships xmlns="{_PKG_REL_NS}">'
                + "".join(
                    f'<Relationship Id="rId{i}" Type="{_REL_NS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                    for i in range(1, n + 1)
                )
                + f'<Relationship Id="rId{n + 1}" Type="{_REL_NS}/styles" Target="styles.xml"/></Relationships>'
            ),
            "xl/styles.xml": _STYLES_XML,
        }
        for name, xml in parts.items():
            data = xml.encode("utf-8")
            deflate = zlib.compressobj(1, zlib.DEFLATED, -15)
            packed = deflate.compress(data) + deflate.flush()
            self._member(name, PartInfo(zlib.crc32(data), len(data), len(packed)), packed)
        self._directory()
        self._file.close()


def _quoted_title(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


def _absolute(ref: str) -> str:
    """A1:T9 → $A$1:$T$9."""
    return ":".join(re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", part) for part in ref.split(":"))
