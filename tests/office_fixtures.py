"""Render a TAB-text report as offices produce it: a Word table, an Excel sheet, a PDF printed from Word.

The seed texts are exports of such tables, so their layout says where the
merged cells were: a label followed by empty cells spans them (horizontal
merge); an empty cell at the start of a row, under a one-column cell, belongs
to the cell above (vertical merge: the 一级指标 / 二级指标 labels). Lines
without a TAB are paragraphs. Numbers go into Excel as numbers, with the
number format that prints them as the text did (1203.00 → 1203 with ``0.00``).

Run as a script to write the fixtures of the committed samples:
    python tests/office_fixtures.py OUT_DIR
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

_TITLE = re.compile(r"绩效自评表|绩效跟踪表|绩效目标")
_NUMBER = re.compile(r"^(?:0|[1-9]\d{0,2}(?:,\d{3})+|[1-9]\d*)(?:\.(\d+))?$")


@dataclass
class _Cell:
    text: str
    span: int = 1  # grid columns
    merged_from: int | None = None  # row index of the vertical merge's first cell


def _blocks(text: str) -> list[tuple[str, list[list[str]]]]:
    """('table', rows) for runs of TAB lines, ('para', [[line]]) for the other non-blank lines."""
    out: list[tuple[str, list[list[str]]]] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        if "\t" in line:
            cells = [c.strip() for c in line.split("\t")]
            if out and out[-1][0] == "table":
                out[-1][1].append(cells)
            else:
                out.append(("table", [cells]))
        elif line.strip():
            out.append(("para", [[line.strip()]]))
        elif out and out[-1][0] == "table":
            out.append(("gap", []))
    # A blank line ends a table, unless a table row follows that is no report's title
    # (the export's page break inside a table: the rows around it are one table).
    merged: list[tuple[str, list[list[str]]]] = []
    for i, block in enumerate(out):
        if block[0] == "gap":
            continue
        after_gap = i > 0 and out[i - 1][0] == "gap"
        if (after_gap and block[0] == "table" and merged and merged[-1][0] == "table"
                and not _TITLE.search("".join(block[1][0]))):
            merged[-1][1].extend(block[1])
        else:
            merged.append(block)
    return merged


def _layout(rows: list[list[str]]) -> tuple[int, list[list[_Cell | None]]]:
    """Grid width and, per row, the cell starting at each grid column (None: covered by a span)."""
    width = max(len(r) for r in rows)
    grid: list[list[_Cell | None]] = []
    for r, raw in enumerate(rows):
        raw = raw + [""] * (width - len(raw))
        row: list[_Cell | None] = [None] * width
        first = next((j for j, t in enumerate(raw) if t), width)
        for j in range(first):  # leading blanks: the cell above continues, if it is one column wide
            above = grid[r - 1][j] if r else None
            if above is not None and above.span == 1 and (above.text or above.merged_from is not None):
                row[j] = _Cell("", 1, above.merged_from if above.merged_from is not None else r - 1)
            else:
                row[j] = _Cell("")
        j = first
        while j < width:
            end = j + 1
            while end < width and not raw[end]:
                end += 1
            row[j] = _Cell(raw[j], end - j)
            j = end
        grid.append(row)
    return width, grid


def write_docx(text: str, path: Path) -> None:
    """A Word file: paragraphs and tables, merges written as Word writes them (w:gridSpan, w:vMerge)."""
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def element(tag: str, **attrs) -> object:
        el = OxmlElement(tag)
        for key, value in attrs.items():
            el.set(qn(f"w:{key}"), str(value))
        return el

    document = docx.Document()
    for kind, rows in _blocks(text):
        if kind == "para":
            document.add_paragraph(rows[0][0])
            continue
        width, grid = _layout(rows)
        if document.tables:
            document.add_paragraph()  # tables with nothing between them would be one table to Word
        table = document.add_table(rows=0, cols=width)
        table.style = "Table Grid"
        tbl = table._tbl
        starts = {(r, j) for r, row in enumerate(grid) for j, c in enumerate(row)
                  if c is not None and c.merged_from is None}
        for r, row in enumerate(grid):
            tr = element("w:tr")
            for j, cell in enumerate(row):
                if cell is None:
                    continue
                tc = element("w:tc")
                props = element("w:tcPr")
                props.append(element("w:tcW", w=int(9000 * cell.span / width), type="dxa"))
                if cell.span > 1:
                    props.append(element("w:gridSpan", val=cell.span))
                if cell.merged_from is not None:
                    props.append(element("w:vMerge"))
                elif r + 1 < len(grid) and (below := grid[r + 1][j]) is not None and below.merged_from == r:
                    props.append(element("w:vMerge", val="restart"))
                tc.append(props)
                paragraph = element("w:p")
                if cell.text and (r, j) in starts:
                    run = element("w:r")
                    t = element("w:t")
                    t.text = cell.text
                    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                    run.append(t)
                    paragraph.append(run)
                tc.append(paragraph)
                tr.append(tc)
            tbl.append(tr)
    document.save(path)


def write_xlsx(text: str, path: Path, sheet: str = "报表") -> None:
    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    r0 = 1
    for kind, rows in _blocks(text):
        if kind == "para":
            ws.cell(r0, 1, rows[0][0])
            r0 += 1
            continue
        _width, grid = _layout(rows)
        for r, row in enumerate(grid):
            for j, cell in enumerate(row):
                if cell is None:
                    continue
                if cell.merged_from is not None:
                    continue
                target = ws.cell(r0 + r, j + 1)
                _put(target, cell.text)
                bottom = r
                while bottom + 1 < len(grid) and (below := grid[bottom + 1][j]) is not None and below.merged_from == r:
                    bottom += 1
                if cell.span > 1 or bottom > r:
                    ws.merge_cells(start_row=r0 + r, start_column=j + 1, end_row=r0 + bottom,
                                   end_column=j + cell.span)
        r0 += len(grid)
    book.save(path)


def _put(target, text: str) -> None:
    m = _NUMBER.match(text)
    if not m:
        target.value = text or None
        if text.startswith("="):
            target.data_type = "s"  # text typed with a leading =, not a formula
        return
    decimals = len(m.group(1) or "")
    target.value = float(text.replace(",", "")) if decimals else int(text.replace(",", ""))
    grouping = "#,##" if "," in text else ""
    target.number_format = (grouping + "0" + ("." + "0" * decimals if decimals else "")) if (grouping or decimals) else "General"


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def write_pdf_from_docx(docx_path: Path, out_dir: Path) -> Path:
    """Print the Word file to PDF with LibreOffice headless (its own profile: runs may overlap)."""
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [soffice(), f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
             "--outdir", str(out_dir), str(docx_path)],
            check=True, capture_output=True, timeout=300,
        )
    return out_dir / (docx_path.stem + ".pdf")


if __name__ == "__main__":
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    for seed in sorted((Path(__file__).resolve().parents[1] / "raw").glob("*.txt")):
        text = seed.read_text(encoding="utf-8")
        write_docx(text, out / f"{seed.stem}.docx")
        write_xlsx(text, out / f"{seed.stem}.xlsx")
        if soffice():
            write_pdf_from_docx(out / f"{seed.stem}.docx", out)
