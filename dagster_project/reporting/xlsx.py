"""A small streaming .xlsx writer: each sheet's XML built from escaped strings straight into the zip.

openpyxl (even write-only) builds an object per cell, ~20 µs each; the report writes tens of
thousands of cells per run, so this writes the few things the report needs directly: text as
inline strings (never a formula: there is no formula cell here at all), numbers as numbers, a
fixed set of styles, column widths, a frozen header row, an autofilter and list validations.
Sheets are written one after another (a sheet is finished when the next starts or the book closes),
so memory stays flat whatever the rows.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Self

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


class Sheet:
    """One worksheet being written: rows are appended; the filter and validations close it."""

    def __init__(self, book: Workbook, index: int, title: str, widths: Sequence[float], freeze_header: bool):
        self.title, self.index = title, index
        self.rows = 0  # the last row number used
        self.auto_filter: str | None = None
        self._validations: list[tuple[str, Sequence[str]]] = []
        self._buffer: list[str] = []
        self._stream = book._zip.open(f"xl/worksheets/sheet{index}.xml", "w", force_zip64=True)
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
        self.rows += 1
        r = self.rows
        cells = []
        for i, value in enumerate(values):
            if value is None:
                continue
            ref = f"{_LETTERS[i]}{r}"
            if isinstance(value, str):
                style = styles[i] if i < len(styles) else PLAIN
                if value.startswith(FORMULA_STARTS):
                    style = _QUOTED.get(style, style)
                space = ' xml:space="preserve"' if value[:1].isspace() or value[-1:].isspace() else ""
                s = f' s="{style}"' if style else ""
                cells.append(f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{text(value)}</t></is></c>')
            elif isinstance(value, bool):
                cells.append(f'<c r="{ref}" t="b"><v>{int(value)}</v></c>')
            elif isinstance(value, Decimal):
                cells.append(f'<c r="{ref}" s="{NUMBER}"><v>{float(value)!r}</v></c>')
            elif isinstance(value, int | float):
                cells.append(f'<c r="{ref}"><v>{value!r}</v></c>')
            else:  # dates and the like: as the text they print
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{text(str(value))}</t></is></c>')
        if cells:  # an empty row only moves the row number on
            self._buffer.append(f'<row r="{r}">{"".join(cells)}</row>')
            if len(self._buffer) >= _ROWS_PER_WRITE:
                self._flush()

    def list_validation(self, sqref: str, choices: Iterable[str]) -> None:
        """A drop-down of `choices` on the cells of sqref (e.g. B2:B1000)."""
        self._validations.append((sqref, list(choices)))

    def _write(self, xml: str) -> None:
        self._stream.write(xml.encode("utf-8"))

    def _flush(self) -> None:
        self._write("".join(self._buffer))
        self._buffer.clear()

    def close(self) -> None:
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
        self._stream.close()


class Workbook:
    """An .xlsx written sheet by sheet to path; close() (or the with block) finishes it."""

    def __init__(self, path: Path):
        self._zip = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1)  # fast: text compresses anyway
        self.sheets: list[Sheet] = []

    def add_sheet(self, title: str, widths: Sequence[float] = (), freeze_header: bool = True) -> Sheet:
        if self.sheets:
            self.sheets[-1].close()
        sheet = Sheet(self, len(self.sheets) + 1, title, widths, freeze_header)
        self.sheets.append(sheet)
        return sheet

    @property
    def sheetnames(self) -> list[str]:
        return [s.title for s in self.sheets]

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self.sheets:
            self.sheets[-1].close()
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
            self._zip.writestr(name, xml.encode("utf-8"))
        self._zip.close()


def _quoted_title(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


def _absolute(ref: str) -> str:
    """A1:T9 → $A$1:$T$9."""
    return ":".join(re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", part) for part in ref.split(":"))
