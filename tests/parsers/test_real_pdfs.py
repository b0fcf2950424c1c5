"""Real published department budgets (PDF), read as published: ../shared/real.

Values were read off the printed pages by hand. The folder sits beside the
clone (CI: a read-only copy at ../shared); the tests skip only when it is absent.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
from pipeline_helpers import shared_folder

from dagster_project.parsers import parse_file, readers

ROOT = Path(__file__).resolve().parents[2]
REAL = shared_folder("real")
pytestmark = pytest.mark.skipif(REAL is None, reason="../shared/real (published budget PDFs) not present")

WANLI_2023 = "01_sh_putuo_wanli_jiedao_2023_dept_budget.pdf"
SHANGWU_2025 = "03_sh_putuo_shangwuwei_2025_dept_budget.pdf"
CAIZHENG_2025 = "05_sh_putuo_caizhengju_2025_dept_budget.pdf"
JIANGSU_2019 = "09_jiangsu_jianchayuan_2019_dept_budget.pdf"
SHANGHAI_TABLES = [
    "部门财务收支预算总表",
    "部门收入预算总表",
    "部门支出预算总表",
    "部门财政拨款收支预算总表",
    "部门一般公共预算支出功能分类预算表",
    "部门政府性基金预算支出功能分类预算表",
    "部门国有资本经营预算支出功能分类预算表",
    "部门一般公共预算基本支出部门预算经济分类预算表",
    "部门“三公”经费和机关运行经费预算表",
]
D = Decimal


@cache
def parsed(name: str):
    return parse_file(REAL / name, name)


def page_of(result, line_no: int) -> int | None:
    return next(s.page_no for s in result.source_lines if s.line_no == line_no)


def cell(result, title_part: str, measure: str, *, code: str = "", name: str | None = None, side=None):
    seq = {t.table_seq for t in result.budget_tables if title_part in t.table_title}
    found = [
        c
        for c in result.budget_cells
        if c.table_seq in seq
        and c.measure == measure
        and c.subject_code == code
        and (name is None or c.subject_name == name)
        and (side is None or c.side == side)
    ]
    assert len(found) == 1, found
    return found[0]


def test_detected_as_pdf_by_content():
    data = (REAL / WANLI_2023).read_bytes()
    assert readers.detect(data) == readers.PDF
    assert readers.detect(b"\t2020\xe5\xb9\xb4\n") == readers.TEXT


@pytest.mark.parametrize(
    ("name", "year"), [(WANLI_2023, 2023), (SHANGWU_2025, 2025), (CAIZHENG_2025, 2025)]
)
def test_shanghai_template_tables_all_found_in_order(name, year):
    result = parsed(name)
    assert [t.table_title for t in result.budget_tables] == [f"{year}年{t}" for t in SHANGHAI_TABLES]
    assert {t.fiscal_year for t in result.budget_tables} == {year}
    # 元 everywhere except the 三公 table, which states 万元
    assert [t.money_unit for t in result.budget_tables] == ["元"] * 8 + ["万元"]
    assert not [i for i in result.issues if i.severity in ("error", "warning")]


def test_wanli_2023_values_and_pages():
    r = parsed(WANLI_2023)
    total = cell(r, "财务收支预算总表", "预算数", name="收入总计")
    assert (total.amount, total.side, page_of(r, total.line_no)) == (D("164978640"), "收入", 10)
    cls = cell(r, "部门收入预算总表", "合计", code="201")
    assert (cls.code_level, cls.subject_name, cls.amount) == ("类", "一般公共服务支出", D("2976800"))
    item = cell(r, "部门支出预算总表", "合计", code="2080505")  # wrapped name joined
    assert item.subject_name == "机关事业单位基本养老保险缴费支出"
    # the table continues on the next page without its header: still one table
    assert page_of(r, cell(r, "部门收入预算总表", "合计", code="204").line_no) == 12
    three = {c.measure: c.amount for c in r.budget_cells if c.table_seq == 9}
    assert three == {
        "合计": D("22.91"),
        "因公出国(境)费": D("0"),
        "公务接待费": D("1.35"),
        "公务用车购置及运行费-小计": D("21.56"),
        "公务用车购置及运行费-购置费": D("0"),
        "公务用车购置及运行费-运行费": D("21.56"),
        "机关运行经费": D("786.09"),
    }
    prose = {(n.subject_name, n.amount, n.unit) for n in r.narrative_amounts}
    assert ("收入预算", D("16497.86"), "万元") in prose
    assert ("三公经费", D("22.91"), "万元") in prose


def test_wanli_2023_five_target_tables():
    r = parsed(WANLI_2023)
    targets = [t for t in r.reports if t.report_type == "target"]
    assert [t.project_name for t in targets] == [
        "新建万里街道社区公共服务中心",
        "就业援助基地补贴",
        "社区环境整治和建设经费",
        "各类工作经费",
        "公共服务设施运行经费",
    ]
    first = targets[0]
    assert (first.fiscal_year, first.budget_amount, first.budget_amount_unit) == (2023, D("4100000.00"), "元")
    assert first.supervising_dept == first.implementing_unit == "上海市普陀区人民政府万里街道办事处"
    assert first.goal_annual.startswith("建成后作为万里街道社区事务受理")
    indicators = [i for i in r.indicators if i.report_seq == first.report_seq]
    assert [(i.level1, i.level2, i.indicator_name, i.target_text) for i in indicators[:2]] == [
        ("产出指标", "数量指标", "规划建筑面积", "≥13459.00(平方米)"),
        ("产出指标", "质量指标", "完工及时率", "及时率"),
    ]
    # the merged 一级指标 label is read once and inherited, never repeated as a value
    assert indicators[-1].level1 == "满意度指标" and indicators[-1].indicator_name == "居民满意度"
    assert Counter(i.report_seq for i in r.indicators) == {1: 5, 2: 4, 3: 4, 4: 43, 5: 9}
    assert page_of(r, targets[-1].line_start) == 35


@pytest.mark.parametrize(
    ("name", "total", "cls", "three_public", "operating"),
    [
        (SHANGWU_2025, D("371514655.00"), ("215", D("293810000.00")), D("1.00"), D("171.01")),
        (CAIZHENG_2025, D("31214205.80"), ("201", D("22186440.80")), D("0.95"), D("229.43")),
    ],
)
def test_shanghai_2025_values(name, total, cls, three_public, operating):
    r = parsed(name)
    assert cell(r, "财务收支预算总表", "预算数", name="支出总计").amount == total
    assert cell(r, "部门收入预算总表", "合计", name="合计").amount == total
    assert cell(r, "部门收入预算总表", "合计", code=cls[0]).amount == cls[1]
    assert cell(r, "三公", "合计").amount == three_public
    assert cell(r, "三公", "机关运行经费").amount == operating
    # the empty 政府性基金 / 国有资本经营 tables are printed with a line saying so: tables, no cells
    empty = {t.table_seq for t in r.budget_tables if "政府性基金" in t.table_title or "国有资本" in t.table_title}
    assert len(empty) == 2 and not [c for c in r.budget_cells if c.table_seq in empty]


def test_jiangsu_2019_template():
    r = parsed(JIANGSU_2019)
    titles = [t.table_title for t in r.budget_tables]
    assert len(titles) == 12 and titles[0] == "收支预算总表" and titles[-1] == "政府采购支出预算表"
    assert {t.money_unit for t in r.budget_tables} == {"万元"}
    assert {t.department for t in r.budget_tables[:11]} == {"江苏省人民检察院"}
    func = cell(r, "财政拨款支出预算表（功能科目）", "金额", code="204")
    assert (func.code_level, func.subject_name, func.amount) == ("类", "公共安全支出", D("16593.12"))
    joined = cell(r, "财政拨款支出预算表（功能科目）", "金额", code="2040401")  # 类款项 joined in one cell
    assert (joined.code_level, joined.amount) == ("项", D("12268.62"))
    assert cell(r, "财政拨款支出预算表（功能科目）", "金额", code="20404").amount == D("16593.12")
    econ = cell(r, "财政拨款基本支出预算表（经济科目）", "金额", code="301")
    assert (econ.subject_name, econ.amount) == ("工资福利支出", D("11960.62"))
    three = {c.measure: c.amount for c in r.budget_cells if "三公" in r.budget_tables[c.table_seq - 1].table_title}
    assert three["“三公”经费-小计"] == D("418.26")
    assert three["公务接待费"] == D("101.26") and three["培训费"] == D("700")
    assert page_of(r, cell(r, "三公", "会议费").line_no) == 20
    # 公开04: each side's 项目名称 | 金额 printed on its own header row (收入 left, 支出用途 right)
    appropriation = {(c.side, c.subject_name): c.amount for c in r.budget_cells if c.table_seq == 4}
    assert appropriation == {
        ("收入", "一般公共预算"): D("24169.74"),
        ("支出", "基本支出"): D("15844.04"),
        ("支出", "项目支出"): D("4335.3"),
        ("支出", "单位预留机动经费"): D("3990.4"),
        ("收入", "收入合计"): D("24169.74"),
        ("支出", "支出合计"): D("24169.74"),
    }


@pytest.mark.parametrize("name", [WANLI_2023, SHANGWU_2025, CAIZHENG_2025, JIANGSU_2019])
def test_every_line_accounted_and_readable(name):
    r = parsed(name)
    assert r.source_lines and [s.line_no for s in r.source_lines] == list(range(1, len(r.source_lines) + 1))
    assert all(s.page_no for s in r.source_lines)
    marked = {d.line_no for d in r.lines}
    assert all(s.line_no in marked for s in r.source_lines if s.text.strip())
    # page numbers (where printed: the Jiangsu file numbers its pages) are page furniture, not prose
    dispositions = {d.line_no: d.disposition for d in r.lines}
    numbers = [s for s in r.source_lines if s.text.strip().isdigit()]
    assert all(dispositions[s.line_no] == "boilerplate" for s in numbers)
    assert len(numbers) >= (30 if name == JIANGSU_2019 else 0)


def test_ruled_header_keeps_its_drawn_merges_and_names_columns_by_them():
    """A ruled PDF table's drawn boxes are merged cells in the model (text at the first column,
    (row_span, col_span), covered positions (0, 0)), carried through the column compaction; the
    grid names a bare 小计 after the label whose drawn box covers it (09, 公开09 “三公”经费表)."""
    from dagster_project.parsers import grid

    document = readers.read_document((REAL / JIANGSU_2019).read_bytes(), readers.PDF)
    at = next(i for i, b in enumerate(document.blocks) if b.cells[:2] == ("合计", "“三公”经费"))
    header = document.blocks[at : at + 3]
    assert header[0].cells == ("合计", "“三公”经费", "", "", "", "", "", "会议费", "培训费")
    assert header[0].spans == ((3, 1), (1, 6), (0, 0), (0, 0), (0, 0), (0, 0), (0, 0), (3, 1), (3, 1))
    assert header[1].cells[3:6] == ("公务用车购置及运行维护费", "", "")  # printed centred over its 3 columns
    assert header[1].spans[1:7] == ((2, 1), (2, 1), (1, 3), (0, 0), (0, 0), (2, 1))
    rows = document.rows(document.lines())  # as the budget walker reads them
    first = next(k for k, row in enumerate(rows) if row.cells[0].text == "合计" and "三公" in row.cells[1].text)
    rows = rows[first : first + 3]
    assert [c.span for c in rows[1].cells][3:6] == [(1, 3), (0, 0), (0, 0)]
    names = grid.nested_labels(rows, str)
    assert names[1] == "“三公”经费-小计" and names[3] == "公务用车购置及运行维护费-小计"
    three = {c.measure: c.amount for c in parsed(JIANGSU_2019).budget_cells if c.table_seq == 9}
    assert three["公务用车购置及运行维护费-小计"] == D("237") and three["“三公”经费-小计"] == D("418.26")
