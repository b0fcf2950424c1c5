"""Held-out robustness (issue 20): variants of the real documents, derived programmatically.

Other departments, cities and years of the same templates differ from ../shared/real* in
ways that must not change what is loaded: sheets reordered or renamed, a code stored as a
number or as text, blank rows and columns, a label's colon or spaces, another word for a
column header, an old-format copy, the other numbering style of a template's tables,
another year in a title, a missing 部门： line, amounts with or without thousands
separators. Each variant is made from a real file (openpyxl for the workbook, the
document model for the PDFs) and must give the records of the original, value for value.
"""

from __future__ import annotations

import io
import re
import subprocess
from collections import Counter
from decimal import Decimal
from functools import cache

import pytest
from office_fixtures import soffice
from pipeline_helpers import shared_folder

from dagster_project.parsers import parse_bytes, parse_text, readers
from dagster_project.parsers.model import PROSE, Block, Document

TEMPLATES = shared_folder("real_templates")
REAL = shared_folder("real")
pytestmark = pytest.mark.skipif(TEMPLATES is None or REAL is None, reason="../shared/real* not present")

WORKBOOK = "11_sz_baoan_songgang_2023_perf_target_decl.xlsx"
JIANGSU_2017 = "12_jiangsu_renda_2017_dept_budget.pdf"
JIANGSU_2018 = "13_jiangsu_jianchayuan_2018_dept_budget.pdf"
WANLI_2023 = "01_sh_putuo_wanli_jiedao_2023_dept_budget.pdf"


# ------------------------------------------------------------------ the Shenzhen 申报表 workbook
# Each variant costs a parse of 20 sheets (about a second): several variations share one.


def _book():
    import openpyxl

    return openpyxl.load_workbook(TEMPLATES / WORKBOOK)


def _saved(book) -> bytes:
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


@pytest.fixture(scope="module")
def original():
    return parse_bytes((TEMPLATES / WORKBOOK).read_bytes(), "11.xlsx")


def projects(result) -> dict[str, tuple]:
    """Every field of every project, keyed by its name (sheet order may change)."""
    return {
        r.project_name: (r.report_type, r.project_code, r.implementing_unit, r.supervising_dept, r.budget_amount,
                         r.budget_amount_unit, r.project_total_amount, r.project_total_unit, r.goal_annual,
                         r.goal_total, r.extra_fields)
        for r in result.reports
    }


def grids(result) -> dict[str, list[tuple]]:
    """Every indicator row of every project, keyed by the project's name."""
    names = {r.report_seq: r.project_name for r in result.reports}
    out: dict[str, list[tuple]] = {}
    for i in result.indicators:
        out.setdefault(names[i.report_seq], []).append(
            (i.level1, i.level2, i.indicator_name, i.target_text, i.explanation))
    return out


def assert_same_projects(variant, original) -> None:
    assert len(variant.reports) == 20 and len(variant.indicators) == 175
    assert projects(variant) == projects(original)
    assert grids(variant) == grids(original)
    assert not [i for i in variant.issues if i.code != "number_precision_lost"], variant.issues[:3]
    assert {d.disposition for d in variant.lines} <= {"field", "title", "header"}


def _label_value(sheet, label: str):
    """The cell right of a "label：" cell (the value of the pair)."""
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.strip().startswith(label):
                return sheet.cell(cell.row, cell.column + 1)
    raise LookupError(label)


def _spread(book):
    """Each sheet copied with a blank row after every row and a blank column before the first."""
    import openpyxl

    out = openpyxl.Workbook()
    out.remove(out.active)
    for sheet in book.worksheets:
        new = out.create_sheet(sheet.title)
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is not None:
                    new.cell(2 * cell.row - 1, cell.column + 1, cell.value).number_format = cell.number_format
        for rng in sheet.merged_cells.ranges:
            new.merge_cells(start_row=2 * rng.min_row - 1, start_column=rng.min_col + 1,
                            end_row=2 * rng.max_row - 1, end_column=rng.max_col + 1)
    return out


def test_the_original_is_complete(original):
    assert len(original.reports) == 20 and len(original.indicators) == 175
    assert original.families == ["target"]  # a workbook of target forms is no budget document


def test_sheets_reordered_renamed_padded_codes_and_amounts_as_text(original):
    """Sheets in reverse order, renamed Sheet1…; a blank row after every row and a blank column
    before the first (merged ranges moved with them); 项目编码 as text; amounts as text, with and
    without thousands separators. Then the codes as whole-number floats."""
    book = _book()
    book._sheets.reverse()  # the last project first
    for n, sheet in enumerate(book.worksheets, start=1):
        sheet.title = f"Sheet{n}"
        code = _label_value(sheet, "项目编码")
        code.value = f"{Decimal(repr(code.value)):f}" if isinstance(code.value, float) else str(code.value)
        for label in ("项目总金额", "本年度项目金额"):
            cell = _label_value(sheet, label)
            cell.value = f"{cell.value:,.2f}" if n % 2 else f"{cell.value:.2f}"
    book = _spread(book)
    variant = parse_bytes(_saved(book), "variant.xlsx")
    assert_same_projects(variant, original)
    assert not variant.issues  # the code is text: no digit lost
    assert variant.reports[0].project_name == original.reports[-1].project_name
    assert {s.line_no: s.sheet_name for s in variant.source_lines}[variant.reports[0].line_start] == "Sheet1"
    assert variant.reports[-1].project_code == "440306231391500000000"
    # a code short enough for a float to hold, stored as a number: its digits, never 4.4e+14 or …0.0
    for sheet in book.worksheets[2:]:
        book.remove(sheet)
    for sheet in book.worksheets:
        _label_value(sheet, "项目编码").value = 440306231391500.0
    as_float = parse_bytes(_saved(book), "float.xlsx")
    assert [r.project_code for r in as_float.reports] == ["440306231391500"] * 2
    assert not as_float.issues


@pytest.fixture(scope="module")
def workbook_document() -> Document:
    return readers.read_document((TEMPLATES / WORKBOOK).read_bytes(), readers.XLSX)


def test_label_colons_header_words_and_column_order(original, workbook_document):
    """A label's colon ASCII, spaced, after a full-width space, or left out; the value column
    named 年度指标值 / 指标值 / 年度目标值, on every other sheet the levels 一级指标名称 … and the
    explanation 指标值说明; 目标值 and 指标解释 printed in the other order."""
    endings = (":", " ：", "\u3000：", "", "：\u3000")
    words = ("年度指标值", "指标值", "年度目标值")
    blocks, labels, value_at, sheet_no = [], 0, None, 0
    for b in workbook_document.blocks:
        cells = list(b.cells)
        if "目标值" in cells:  # the grid's header: from here on the two columns change places
            sheet_no += 1
            value_at = cells.index("目标值")
            cells[value_at] = words[sheet_no % len(words)]
            if sheet_no % 2:
                renamed = {"一级指标": "一级指标名称", "二级指标": "二级指标名称", "三级指标": "三级指标名称",
                           "指标解释": "指标值说明"}
                cells = [renamed.get(c, c) for c in cells]
        elif value_at is not None and any(c.endswith("：") for c in cells if len(c) <= 20):
            value_at = None  # the next sheet's pairs
        for k, c in enumerate(cells):
            if c.endswith("：") and len(c) <= 20:
                cells[k] = c[:-1] + endings[labels % len(endings)]
                labels += 1
        if value_at is not None and len(cells) > value_at:
            cells += [""] * (value_at + 2 - len(cells))  # the reader drops a row's blank cells at its end
            cells[value_at], cells[value_at + 1] = cells[value_at + 1], cells[value_at]
        blocks.append(Block(b.kind, tuple(cells), b.page_no, b.sheet_name, b.table_no))
    assert labels == 20 * 14  # the 14 labels of every sheet
    variant = parse_text(Document("xlsx", blocks).text(), "variant.xlsx")
    assert_same_projects(variant, original)


def test_labels_sharing_their_cell_with_the_value(original, workbook_document):
    """项目编码：4403… | | 项目名称：… and 本年度项目金额（万元）：1361862.00, each pair in one cell."""
    blocks, joined = [], 0
    for b in workbook_document.blocks:
        cells, out = list(b.cells), []
        while cells:
            cell = cells.pop(0)
            if cell.endswith("：") and cells:
                cell += cells.pop(0)
                joined += 1
            out.append(cell)
        blocks.append(Block(b.kind, tuple(out), b.page_no, b.sheet_name, b.table_no))
    assert joined == 20 * 14
    variant = parse_text(Document("xlsx", blocks).text(), "variant.xlsx")
    assert_same_projects(variant, original)


def test_a_sheet_without_its_title(original, workbook_document):
    """The fifth sheet's title row left out: its 项目编码： row starts its form; its pairs never
    become indicator rows of the sheet before."""
    fifth = list(dict.fromkeys(b.sheet_name for b in workbook_document.blocks))[4]
    blocks = [b for b in workbook_document.blocks if not (b.sheet_name == fifth and "申报表" in "".join(b.cells))]
    assert len(blocks) == len(workbook_document.blocks) - 1
    variant = parse_text(Document("xlsx", blocks).text(), "variant.xlsx")
    assert_same_projects(variant, original)


def test_other_label_words_and_a_scoring_column(original, workbook_document):
    """项目单位 for 申请单位, 本年度预算金额 for 本年度项目金额, the 三级 column headed just 指标名称
    (right of 一级指标 | 二级指标), and a 评（扣）分标准 column the records have no field for: its
    text is reported naming the column, never loaded as another field or lost."""
    words = {"申请单位：": "项目单位：", "本年度项目金额（万元）：": "本年度预算金额（万元）：", "三级指标": "指标名称"}
    blocks, in_grid, scored = [], False, 0
    for b in workbook_document.blocks:
        cells = [words.get(c, c) for c in b.cells]
        if "目标值" in cells:
            in_grid = True
            cells.append("评（扣）分标准")
        elif in_grid and any(c.endswith("：") for c in cells):
            in_grid = False
        elif in_grid and len(cells) >= 4:  # an indicator row (not a level row without indicator)
            cells += [""] * (5 - len(cells)) + [f"完成得满分{scored}"]
            scored += 1
        blocks.append(Block(b.kind, tuple(cells), b.page_no, b.sheet_name, b.table_no))
    assert scored == 175
    variant = parse_text(Document("xlsx", blocks).text(), "variant.xlsx")
    assert len(variant.reports) == 20 and len(variant.indicators) == 175
    assert projects(variant) == projects(original)
    assert grids(variant) == grids(original)
    unloaded = [i for i in variant.issues if i.code != "number_precision_lost"]
    assert {i.code for i in unloaded} == {"target_unloaded_column"} and len(unloaded) == 175
    assert "“评（扣）分标准”列的内容“完成得满分0”" in unloaded[0].message
    assert [i.line_no for i in unloaded] == [i.line_no for i in variant.indicators]  # where each stands


def test_old_excel_copy(original, tmp_path):
    if soffice() is None:
        pytest.skip("LibreOffice not installed")
    source = tmp_path / "decl.xlsx"
    source.write_bytes((TEMPLATES / WORKBOOK).read_bytes())
    done = subprocess.run(
        [soffice(), f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless", "--convert-to", "xls",
         "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=300, text=True,
    )
    # LibreOffice without Calc exits 0 having written nothing ("source file could not be loaded")
    assert (tmp_path / "decl.xls").exists(), f"LibreOffice Calc wrote no .xls (make system-deps installs it): {done.stderr}"
    data = (tmp_path / "decl.xls").read_bytes()
    assert readers.detect(data) == readers.XLS
    variant = parse_bytes(data, "decl.xls")
    assert_same_projects(variant, original)
    assert variant.reports[0].project_code == original.reports[0].project_code == "440306231391500000000"


# ------------------------------------------------------------------ budgets, through the document model


@cache
def _document(name: str) -> Document:
    path = (TEMPLATES / name) if (TEMPLATES / name).exists() else REAL / name
    return readers.read_document(path.read_bytes(), readers.PDF)


@cache
def _parsed(name: str):
    return parse_text(_document(name).text(), name)


def _with_blocks(name: str, blocks: list[Block]):
    return parse_text(Document(_document(name).format, blocks).text(), name)


def _title_blocks(name: str) -> set[int]:
    """Indexes of the blocks holding a budget table's title (block k is line 2k + 1)."""
    return {(t.line_start - 1) // 2 for t in _parsed(name).budget_tables}


def cells(result) -> Counter:
    """Every loaded amount with its table's title (as loaded: without the template's number) and column."""
    titles = {t.table_seq: t.table_title for t in result.budget_tables}
    return Counter((titles[c.table_seq], c.measure, c.amount) for c in result.budget_cells)


def tables(result) -> list[tuple]:
    return [(t.fiscal_year, t.money_unit, t.department) for t in result.budget_tables]


def assert_same_budget(variant, name: str) -> None:
    original = _parsed(name)
    assert len(variant.budget_cells) == len(original.budget_cells)
    assert cells(variant) == cells(original)
    assert tables(variant) == tables(original)


_ORDINALS = "一二三四五六七八九十"


def _chinese(n: int) -> str:
    return _ORDINALS[n - 1] if n <= 10 else "十" + _ORDINALS[n - 11]


def _renumbered(name: str, number) -> list[Block]:
    """The document with each table's number printed in another style: ``number(n, title)`` → cells."""
    titles = sorted(_title_blocks(name))
    out = []
    for k, block in enumerate(_document(name).blocks):
        if k in titles[1:]:  # the first "title" of the Jiangsu files is the contents list's line
            n = titles.index(k)
            text = next(c for c in block.cells if c)
            bare = re.sub(r"^公开\d{2}\s*表[：:]", "", text)
            out += [Block(PROSE, cs, block.page_no, None, block.table_no) for cs in number(n, bare)]
        else:
            out.append(block)
    return out


def test_jiangsu_2018_numbered_like_2017_tables_one_to_twelve():
    """公开01 表：收支预算总表 → 表一 收支预算总表 (one line), and 表一 on a line above its title."""
    assert sum(cells(_parsed(JIANGSU_2018)).values()) == 195
    one_line = _with_blocks(JIANGSU_2018, _renumbered(JIANGSU_2018, lambda n, t: [(f"表{_chinese(n)}：{t}",)]))
    assert_same_budget(one_line, JIANGSU_2018)
    above = _with_blocks(JIANGSU_2018, _renumbered(JIANGSU_2018, lambda n, t: [(f"表{_chinese(n)}",), (t,)]))
    assert_same_budget(above, JIANGSU_2018)


def test_jiangsu_2018_numbers_after_the_title_in_brackets():
    """收支预算总表（公开01表） and 收支预算总表（表一）: the title is recognised, the number is not part of it."""
    titles = [t.table_title for t in _parsed(JIANGSU_2018).budget_tables]
    assert titles[:3] == ["政府采购支出预算表", "收支预算总表", "收入预算总表"]  # the contents' line, then table 1
    for number in (lambda n: f"（公开{n:02d}表）", lambda n: f"（表{_chinese(n)}）", lambda n: f" (表{n}) "):
        variant = _with_blocks(JIANGSU_2018, _renumbered(JIANGSU_2018, lambda n, t, number=number: [(t + number(n),)]))
        assert_same_budget(variant, JIANGSU_2018)  # all 195 cells under the same titles
        assert [t.table_title for t in variant.budget_tables] == titles


def test_jiangsu_2018_titles_with_a_leading_ordinal():
    """一、收支预算总表 / 1.收支预算总表 (the contents' numbering on the table itself): stored without it."""
    titles = [t.table_title for t in _parsed(JIANGSU_2018).budget_tables]
    for ordinal in (lambda n: f"{_chinese(n)}、", lambda n: f"{n}.", lambda n: f"{n}．"):
        variant = _with_blocks(JIANGSU_2018, _renumbered(JIANGSU_2018, lambda n, t, ordinal=ordinal: [(ordinal(n) + t,)]))
        assert_same_budget(variant, JIANGSU_2018)
        assert [t.table_title for t in variant.budget_tables] == titles


def test_jiangsu_2017_numbered_like_2018():
    assert sum(cells(_parsed(JIANGSU_2017)).values()) == 160
    numbered = _with_blocks(JIANGSU_2017, _renumbered(JIANGSU_2017, lambda n, t: [(f"公开{n:02d} 表：{t}",)]))
    assert_same_budget(numbered, JIANGSU_2017)
    above = _with_blocks(JIANGSU_2017, _renumbered(JIANGSU_2017, lambda n, t: [(f"公开{n:02d}表",), (t,)]))
    assert_same_budget(above, JIANGSU_2017)


def _replace_cells(name: str, change) -> list[Block]:
    return [Block(b.kind, tuple(change(c) for c in b.cells), b.page_no, b.sheet_name, b.table_no)
            for b in _document(name).blocks]


def test_another_year_everywhere():
    variant = _with_blocks(JIANGSU_2017, _replace_cells(JIANGSU_2017, lambda c: c.replace("2017", "2020")))
    assert {t.fiscal_year for t in variant.budget_tables} == {2020}
    assert cells(variant) == Counter({
        (k[0].replace("2017", "2020"), *k[1:]): n for k, n in cells(_parsed(JIANGSU_2017)).items()})


def test_the_year_printed_in_every_title():
    titles = _title_blocks(JIANGSU_2018)
    blocks = [
        Block(b.kind, tuple(re.sub(r"[：:]", "：2018年", c, count=1) if c.startswith("公开") else c for c in b.cells),
              b.page_no, b.sheet_name, b.table_no) if k in titles else b
        for k, b in enumerate(_document(JIANGSU_2018).blocks)
    ]
    variant = _with_blocks(JIANGSU_2018, blocks)
    assert [t.table_title for t in variant.budget_tables][1] == "2018年收支预算总表"
    assert {t.fiscal_year for t in variant.budget_tables} == {2018}
    assert Counter((m, a) for _, m, a in cells(variant).elements()) == Counter(
        (m, a) for _, m, a in cells(_parsed(JIANGSU_2018)).elements())


def test_department_line_missing_or_blank():
    """Without its 部门： cell a table is of the department the document names."""
    departments = {t.department for t in _parsed(JIANGSU_2017).budget_tables[1:]}
    assert departments == {"江苏省人大常委会办公厅"}
    label = re.compile(r"^部门[：:]")
    blank = _with_blocks(JIANGSU_2017, _replace_cells(JIANGSU_2017, lambda c: "部门：" if label.match(c) else c))
    gone = _with_blocks(JIANGSU_2017, [
        Block(b.kind, tuple("" if label.match(c) or (k and label.match(b.cells[k - 1])) else c
                            for k, c in enumerate(b.cells)), b.page_no, b.sheet_name, b.table_no)
        for b in _document(JIANGSU_2017).blocks
    ])
    for variant in (blank, gone):
        assert cells(variant) == cells(_parsed(JIANGSU_2017))
        assert {t.department for t in variant.budget_tables[1:]} == departments


def test_shanghai_tables_without_their_preparer():
    """No 编制部门： cell: the cover's 预算主管部门： names the department, not its title's district
    (上海市普陀区2023年区级部门预算)."""
    label = re.compile(r"^编制(?:部门|单位)")  # 编制部门：上海市普陀区人民政府万里街道办事处 | 单位：元
    variant = _with_blocks(WANLI_2023, _replace_cells(WANLI_2023, lambda c: "" if label.match(c) else c))
    assert not any("编制部门" in s.text for s in variant.source_lines)
    assert {t.department for t in variant.budget_tables} == {"上海市普陀区人民政府万里街道办事处"}
    assert cells(variant) == cells(_parsed(WANLI_2023))
    assert tables(variant) == tables(_parsed(WANLI_2023))  # years, units (单位：元 kept) and departments


_SEPARATED = re.compile(r"^-?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_PLAIN = re.compile(r"^-?\d{4,}\.\d+$")


@pytest.mark.parametrize("name", [WANLI_2023, JIANGSU_2018])  # Shanghai in 元, Jiangsu in 万元
def test_amounts_without_thousands_separators(name):
    stripped = _with_blocks(name, _replace_cells(name, lambda c: c.replace(",", "") if _SEPARATED.match(c) else c))
    assert_same_budget(stripped, name)


def test_amounts_with_thousands_separators():
    """Wanli 2023 prints some amounts without separators (7595500.00): all with them."""
    def separated(c: str) -> str:
        return f"{Decimal(c):,}" if _PLAIN.match(c) else c

    variant = _with_blocks(WANLI_2023, _replace_cells(WANLI_2023, separated))
    assert_same_budget(variant, WANLI_2023)
    assert [(r.project_total_amount, r.budget_amount) for r in variant.reports] == [
        (r.project_total_amount, r.budget_amount) for r in _parsed(WANLI_2023).reports]


# ------------------------------------------------------------------ target forms: 其他资金, families


def test_form_labels_project_unit_and_the_years_budget_amount():
    """The 填报表 with 项目单位 for 实施单位 and 本年度预算金额 for 年度资金申请总额: same unit and amount."""
    words = {"实施单位": "项目单位", "年度资金申请总额": "本年度预算金额"}
    variant = _with_blocks(WANLI_2023, _replace_cells(WANLI_2023, lambda c: words.get(c, c)))
    assert sum("项目单位" in s.text and "本年度预算金额" not in s.text for s in variant.source_lines) == 5

    def forms(result):
        return [(r.implementing_unit, r.budget_amount, r.budget_amount_unit) for r in result.reports
                if r.report_type == "target"]

    assert forms(variant) == forms(_parsed(WANLI_2023))
    assert forms(variant)[0] == ("上海市普陀区人民政府万里街道办事处", Decimal("4100000.00"), "元")


def test_form_other_funds_are_the_reports_fund_rows():
    """The 填报表's 其他资金 of the year (right column) is the target report's fund row ``other``;
    the project's (left column, under 项目资金总额 / 其中：财政资金) its project_total_other_amount."""
    result = _parsed(WANLI_2023)
    assert result.families == ["budget", "target"]
    other = [f for f in result.fund_rows if f.fund_source == "other"]
    assert len(other) == 5 and {f.budget_initial for f in other} == {Decimal("0.00")}
    assert {f.label for f in other} == {"其他资金"}
    targets = [r for r in result.reports if r.report_type == "target"]
    assert [(r.project_total_other_amount, r.project_total_unit) for r in targets] == [(Decimal("0.00"), "元")] * 5
    blocks = list(_document(WANLI_2023).blocks)
    k = next(k for k, b in enumerate(blocks) if [c for c in b.cells if c] == ["其他资金", "0.00", "其他资金", "0.00"])
    cells_ = list(blocks[k].cells)
    first, second = (i for i, c in enumerate(cells_) if c == "0.00")
    cells_[first], cells_[second] = "300,000.00", "120,000.00"  # the project's, then the year's
    blocks[k] = Block(blocks[k].kind, tuple(cells_), blocks[k].page_no, None, blocks[k].table_no)
    variant = _with_blocks(WANLI_2023, blocks)
    first_form = min(r.report_seq for r in variant.reports if r.report_type == "target")
    row = next(f for f in variant.fund_rows if f.report_seq == first_form and f.fund_source == "other")
    assert (row.budget_initial, row.line_no) == (Decimal("120000.00"), 2 * k + 1)
    report = next(r for r in variant.reports if r.report_seq == first_form)
    assert (report.project_total_amount, report.project_total_fiscal_amount, report.project_total_other_amount) == (
        Decimal("4100000.00"), Decimal("4100000.00"), Decimal("300000.00"))
    # the columns swapped (the year's labels left, the project's right): each 其他资金 still goes by its column
    swapped = list(blocks)
    for i in range(k - 3, k + 1):
        c = list(swapped[i].cells)
        swapped[i] = Block(swapped[i].kind, tuple(c[:2] + c[5:] + c[2:5]), swapped[i].page_no, None, swapped[i].table_no)
    variant = _with_blocks(WANLI_2023, swapped)
    report = next(r for r in variant.reports if r.report_seq == first_form)
    row = next(f for f in variant.fund_rows if f.report_seq == first_form and f.fund_source == "other")
    assert (report.project_total_other_amount, row.budget_initial) == (Decimal("300000.00"), Decimal("120000.00"))
