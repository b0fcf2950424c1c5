"""Self-evaluation and tracking reports as offices circulate them: Word, Excel, and PDF printed from Word.

The fixtures are rendered from the committed TAB-text samples in the test run
(tests/office_fixtures.py): a Word table per report with real merged cells, an
Excel sheet with merged ranges and numbers stored as numbers, and a PDF that
LibreOffice prints from the Word file. The records read from each must be the
records read from the text, line numbers aside.
"""

from __future__ import annotations

import dataclasses
import zipfile
from pathlib import Path

import pytest
from office_fixtures import soffice, write_docx, write_pdf_from_docx, write_xlsx

from dagster_project.parsers import parse_file, readers

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ["000_2cba3ecfd7271be6", "001_ebc302d94fc8039c", "004_eaeb872d98338714"]  # self-eval ×2, tracking
LINE_FIELDS = {"source_file", "line_no", "line_start", "line_end", "total_line_no", "grade_line_no"}


def plain(records) -> list[dict]:
    return [{k: v for k, v in dataclasses.asdict(r).items() if k not in LINE_FIELDS} for r in records]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("office")
    for stem in SEEDS:
        text = (ROOT / "raw" / f"{stem}.txt").read_text(encoding="utf-8")
        write_docx(text, out / f"{stem}.docx")
        write_xlsx(text, out / f"{stem}.xlsx")
    return out


@pytest.mark.parametrize("ext", ["docx", "xlsx"])
@pytest.mark.parametrize("stem", SEEDS)
def test_word_and_excel_give_the_records_of_the_text(rendered, stem, ext):
    seed = parse_file(ROOT / "raw" / f"{stem}.txt")
    office = parse_file(rendered / f"{stem}.{ext}")
    assert seed.reports and seed.indicators
    for kind in ("reports", "fund_rows", "indicators"):
        assert plain(getattr(office, kind)) == plain(getattr(seed, kind)), kind
    assert [i.code for i in office.issues] == [i.code for i in seed.issues]
    lines = office.source_lines
    assert [s.line_no for s in lines] == list(range(1, len(lines) + 1))
    if ext == "xlsx":
        assert {s.sheet_name for s in lines} == {"报表"}
    # every record's line_no points at a line holding its value
    text = {s.line_no: s.text for s in lines}
    for row in office.indicators[:20]:
        assert row.indicator_name in text[row.line_no].replace("\t", "")


def test_renderings_hold_real_merges_and_numbers(rendered):
    stem = SEEDS[0]
    xml = zipfile.ZipFile(rendered / f"{stem}.docx").read("word/document.xml").decode()
    assert "w:gridSpan" in xml and 'w:vMerge w:val="restart"' in xml and "<w:vMerge/>" in xml
    import openpyxl

    sheet = openpyxl.load_workbook(rendered / f"{stem}.xlsx").active
    assert sheet.merged_cells.ranges
    numbers = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, (int, float))]
    assert any(c.value == 1203 and c.number_format == "0.00" for c in numbers)  # printed 1203.00
    assert readers.detect((rendered / f"{stem}.docx").read_bytes()) == readers.DOCX
    assert readers.detect((rendered / f"{stem}.xlsx").read_bytes()) == readers.XLSX

    # The model keeps each merge as one cell with its (row_span, col_span); the cells it covers are (0, 0).
    for ext in ("docx", "xlsx"):
        data = (rendered / f"{stem}.{ext}").read_bytes()
        blocks = readers.read_document(data, readers.detect(data)).blocks
        name = next(b for b in blocks if b.cells[:1] == ("项目名称",))
        assert list(zip(name.cells, name.spans))[:3] == [("项目名称", (1, 2)), ("", (0, 0)), ("职业培训", (1, 8))], ext
        goal = next(b for b in blocks if b.cells[:1] == ("年度 总体 目标",))  # merged over two rows
        assert list(zip(goal.cells, goal.spans))[:3] == [("年度 总体 目标", (2, 1)), ("预期目标", (1, 3)), ("", (0, 0))], ext
        below = blocks[blocks.index(goal) + 1]
        assert (below.cells[0], below.spans[0]) == ("", (0, 0)), ext


@pytest.mark.skipif(soffice() is None, reason="LibreOffice (libreoffice-writer-nogui) not installed")
@pytest.mark.parametrize("stem", SEEDS)
def test_pdf_printed_from_word(rendered, stem, tmp_path):
    pdf = write_pdf_from_docx(rendered / f"{stem}.docx", tmp_path)
    seed = parse_file(ROOT / "raw" / f"{stem}.txt")
    got = parse_file(pdf)
    assert readers.detect(pdf.read_bytes()) == readers.PDF
    keys = ("report_type", "fiscal_year", "project_name", "supervising_dept", "implementing_unit",
            "money_unit", "total_weight", "total_score", "grade")
    assert [[getattr(r, k) for k in keys] for r in got.reports] == [[getattr(r, k) for k in keys] for r in seed.reports]
    assert all(s.page_no for s in got.source_lines)
    assert plain(got.fund_rows) == plain(seed.fund_rows)
    # Rows LibreOffice breaks across two pages are not all rejoined yet (README: known gaps):
    # most indicators match exactly (their content; a split row shifts the sequence).
    for kind, share in (("indicators", 0.8),):
        want = [{k: v for k, v in r.items() if k != "indicator_seq"} for r in plain(getattr(seed, kind))]
        have = [{k: v for k, v in r.items() if k != "indicator_seq"} for r in plain(getattr(got, kind))]
        same = sum(1 for row in have if row in want)
        assert same >= share * len(want), (kind, same, len(want))


def test_a_level_label_reaches_only_the_rows_its_stored_merge_covers(rendered, tmp_path):
    """Excel stores the 二级 label's merge: it applies to each row it covers. With that merge
    removed (the label typed once, plain blanks below) the rows below state no 二级."""
    import openpyxl

    stem = SEEDS[1]  # the smallest workbook
    merged = parse_file(rendered / f"{stem}.xlsx")
    book = openpyxl.load_workbook(rendered / f"{stem}.xlsx")
    sheet = book.active
    first = min((m for m in sheet.merged_cells.ranges if m.max_row > m.min_row
                 and sheet.cell(m.min_row, m.min_col).value == "数量指标"), key=lambda m: m.min_row)
    sheet.unmerge_cells(str(first))
    book.save(tmp_path / "unmerged.xlsx")
    typed_once = parse_file(tmp_path / "unmerged.xlsx")
    changed = [(a.indicator_name, a.level2, b.level2) for a, b in zip(merged.indicators, typed_once.indicators)
               if (a.level1, a.level2) != (b.level1, b.level2)]
    assert first.max_row - first.min_row == 3 and [(was, now) for _, was, now in changed] == [("数量指标", None)] * 3
    assert [i.indicator_name for i in typed_once.indicators] == [i.indicator_name for i in merged.indicators]
