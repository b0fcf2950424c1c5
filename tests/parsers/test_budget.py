"""部门预算 budget tables: golden fixtures and the Songjiang 2020 sample (003).

Golden pairs live in tests/data/budget/<case>.txt + <case>.expected.json: small
hand-made documents, one layout trouble each (a header label wrapped over two
rows, blanks that keep positions, a 项 row with its trailing columns omitted,
a two-sided table with ordinal cells, the 三公 grid with a spanning header, a
target table whose rows are split). They cover the target and narrative
parsers too. The sample tests pin values read off the document by hand.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import golden
import pytest

from dagster_project.parsers import parse_file, parse_text

ROOT = Path(__file__).resolve().parents[2]
S003 = "003_7cadc0ecdd172fe9.txt"
D = Decimal






KINDS = ("budget_tables", "budget_cells", "narrative_amounts", "reports", "indicators")
CASES = golden.cases("budget")


def test_golden_folder_is_not_empty():
    assert CASES, "no golden fixtures in tests/data/budget"


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_golden(case: Path):
    golden.assert_golden(case, KINDS)


@pytest.fixture(scope="module")
def s003():
    return parse_file(ROOT / "raw" / S003, S003)


def table(result, title_part: str):
    return next(t for t in result.budget_tables if title_part in t.table_title)


def cells(result, title_part: str, **match):
    seq = table(result, title_part).table_seq
    return [
        c
        for c in result.budget_cells
        if c.table_seq == seq and all(getattr(c, k) == v for k, v in match.items())
    ]


def amounts(result, title_part: str, **match) -> dict[str, Decimal]:
    return {c.measure: c.amount for c in cells(result, title_part, **match)}


# ---------------------------------------------------------------- 003: tables


def test_003_has_eight_budget_tables_in_document_order(s003):
    assert [(t.table_seq, t.table_title, t.line_start) for t in s003.budget_tables] == [
        (1, "2020年部门财务收支预算总表", 154),
        (2, "2020年部门收入预算总表", 265),
        (3, "2020年部门支出预算总表", 788),
        (4, "2020年部门财政拨款收支预算总表", 1220),
        (5, "2020年部门一般公共预算支出功能分类预算表", 1337),
        (6, "2020年部门政府性基金预算支出功能分类预算表", 1769),
        (7, "2020年部门一般公共预算拨款基本支出经济分类预算表", 1860),
        (8, "部门“三公”经费和机关运行经费预算表", 2334),
    ]
    assert {t.fiscal_year for t in s003.budget_tables} == {2020}
    assert {t.department for t in s003.budget_tables} == {"松江区人力资源和社会保障局"}
    assert [t.money_unit for t in s003.budget_tables] == ["元"] * 7 + ["万元"]


def test_003_cell_counts_per_table(s003):
    counts = [len(cells(s003, t.table_title)) for t in s003.budget_tables]
    assert counts == [10, 144, 114, 23, 114, 3, 141, 7]


def test_003_income_table_total_row_and_wrapped_header(s003):
    assert amounts(s003, "部门收入预算总表", subject_name="合计", subject_code="") == {
        "合计": D("429252413.20"),
        "财政拨款收入": D("392417913.20"),
        "事业收入": D("0.00"),
        "事业单位经营收入": D("0.00"),  # header wrapped as 事业单位 / 经营收入
        "其他收入": D("36834500"),  # printed without decimals
    }


def test_003_item_rows_keep_blank_positions(s003):
    # 2080101 行政运行: 事业收入 and 事业单位经营收入 are blank, 其他收入 is 0.00.
    assert amounts(s003, "部门收入预算总表", subject_code="2080101") == {
        "合计": D("11354668.68"),
        "财政拨款收入": D("11354668.68"),
        "其他收入": D("0.00"),
    }
    row = cells(s003, "部门收入预算总表", subject_code="2080101")
    assert {(c.code_level, c.subject_name, c.side) for c in row} == {("项", "行政运行", None)}
    assert [c.line_no for c in row] == [415, 416, 419]


def test_003_expenditure_tables(s003):
    assert amounts(s003, "部门支出预算总表", subject_code="208") == {
        "合计": D("383295909.97"),
        "基本支出": D("74082471.77"),
        "项目支出": D("309213438.20"),
    }
    assert amounts(s003, "一般公共预算支出功能分类预算表", subject_code="208") == {
        "合计": D("368295909.97"),
        "基本支出": D("74082471.77"),
        "项目支出": D("294213438.20"),
    }
    assert amounts(s003, "部门支出预算总表", subject_name="合计") == {
        "合计": D("429252413.20"),
        "基本支出": D("83601988.60"),
        "项目支出": D("345650424.6"),
    }
    kuan = cells(s003, "部门支出预算总表", subject_code="20801")
    assert {(c.code_level, c.subject_name) for c in kuan} == {("款", "人力资源和社会保障管理事务")}


def test_003_economic_classification_table(s003):
    assert amounts(s003, "经济分类预算表", subject_code="30217") == {
        "合计": D("31000.00"),
        "人员经费": D("0.00"),
        "公用经费": D("31000.00"),
    }
    assert {c.subject_name for c in cells(s003, "经济分类预算表", subject_code="30217")} == {"*公务接待费"}
    assert amounts(s003, "经济分类预算表", subject_name="合计")["合计"] == D("83601988.60")
    assert {c.code_level for c in cells(s003, "经济分类预算表", subject_code="301")} == {"类"}


def test_003_empty_fund_table_keeps_only_its_total(s003):
    # Three template rows (no code, no name, 0.00) carry no subject: not loaded.
    assert amounts(s003, "政府性基金预算支出功能分类预算表") == {
        "合计": D("0.00"),
        "基本支出": D("0.00"),
        "项目支出": D("0.00"),
    }
    dispositions = {d.line_no: d.disposition for d in s003.lines}
    assert dispositions[1815] == "boilerplate"


def test_003_two_sided_summary_table(s003):
    income = {c.subject_name: c.amount for c in cells(s003, "财务收支预算总表", side="收入")}
    spend = {c.subject_name: c.amount for c in cells(s003, "财务收支预算总表", side="支出")}
    assert income == {
        "财政拨款收入": D("392417913.2"),
        "其他收入": D("36834500"),
        "收入总计": D("429252413.20"),
    }
    assert spend["一般公共服务支出"] == D("6411395.20")  # '一、' is a cell of its own
    assert spend["住房保障支出"] == D("6274009.25")
    assert spend["支出总计"] == D("429252413.20")
    assert len(spend) == 7
    assert {c.measure for c in cells(s003, "财务收支预算总表")} == {"预算数"}


def test_003_appropriation_summary_has_three_expenditure_columns(s003):
    assert amounts(s003, "财政拨款收支预算总表", side="支出", subject_name="教育支出") == {
        "合计": D("6600000.00"),
        "一般公共预算": D("6600000.00"),
        "政府性基金预算": D("0.00"),
    }
    assert amounts(s003, "财政拨款收支预算总表", side="收入") == {"预算数": D("392417913.20")}


def test_003_three_public_table(s003):
    got = cells(s003, "三公")
    assert [(c.measure, c.amount) for c in got] == [
        ("合计", D("10.60")),
        ("因公出国(境)费", D("0.00")),
        ("公务接待费", D("3.10")),
        ("公务用车购置及运行费-小计", D("7.50")),
        ("公务用车购置及运行费-购置费", D("0.00")),
        ("公务用车购置及运行费-运行费", D("7.50")),
        ("机关运行经费", D("664.59")),
    ]
    assert {(c.subject_code, c.subject_name, c.line_no) for c in got[:1]} == {("", None, 2377)}
    assert table(s003, "三公").fiscal_year == 2020  # from the header 2020年“三公”经费预算数


def test_003_values_are_loaded_as_printed(s003):
    # 收支总表 prints 392,417,913.2 (one decimal): kept, not normalised.
    first = cells(s003, "财务收支预算总表", side="收入", subject_name="财政拨款收入")[0]
    assert str(first.amount) == "392417913.2"


def test_003_every_line_is_placed(s003):
    assert [i for i in s003.issues if i.code == "unplaced_line"] == []
    assert {i.code for i in s003.issues} == {"target_budget_not_totalled"}
    assert all(i.severity == "info" for i in s003.issues)
    non_blank = {
        n
        for n, line in enumerate((ROOT / "raw" / S003).read_text(encoding="utf-8").split("\n"), 1)
        if line.replace("\t", "").strip()
    }
    assert non_blank <= {d.line_no for d in s003.lines}


# ---------------------------------------------------------------- edge cases


def test_joined_codes_and_unit_on_the_compiler_row():
    rows = [
        "\t2022年部门支出预算总表",
        "",
        "\t编制部门：某区民政局\t单位：万元",
        "",
        "\t科目编码\t科目名称\t合计\t基本支出\t项目支出",
        "",
        "\t2080201\t行政运行\t10.00\t10.00\t0.00",
        "",
        "\t合计\t10.00\t10.00\t0.00",
    ]
    r = parse_text("\n".join(rows), "x.txt")
    (t,) = r.budget_tables
    assert (t.fiscal_year, t.money_unit, t.department) == (2022, "万元", "某区民政局")
    assert [
        (c.subject_code, c.code_level, c.subject_name, c.measure, c.amount) for c in r.budget_cells[:3]
    ] == [
        ("2080201", "项", "行政运行", "合计", D("10.00")),
        ("2080201", "项", "行政运行", "基本支出", D("10.00")),
        ("2080201", "项", "行政运行", "项目支出", D("0.00")),
    ]
    assert not [i for i in r.issues if i.code == "unplaced_line"]


def test_more_values_than_columns_is_reported_not_guessed():
    rows = [
        "\t2022年部门支出预算总表",
        "",
        "\t科目编码\t科目名称\t合计\t基本支出\t项目支出",
        "",
        "\t合计\t10.00\t10.00\t0.00\t99.00",
    ]
    r = parse_text("\n".join(rows), "x.txt")
    assert [c.measure for c in r.budget_cells] == ["合计", "基本支出", "项目支出"]
    assert [(i.line_no, i.code) for i in r.issues] == [(5, "budget_extra_value")]


def test_garbage_after_a_title_never_raises():
    for text in (
        "\t2022年部门收入预算总表\n\n\t合计\n\t1\t2\t3\t4\t5\t6\t7\t8",
        "\t2022年部门收入预算总表\n\n\t项目\t项目\n\n\tx\t1.00",
        "\t部门“三公”经费和机关运行经费预算表\n\n\t5\n",
    ):
        r = parse_text(text, "x.txt")
        assert not [i for i in r.issues if i.code in ("parser_failed", "unplaced_line")]


def test_unit_printed_in_column_labels():
    rows = [
        "\t2022年部门支出预算总表",
        "",
        "\t编制部门：某区民政局",
        "",
        "\t科目编码\t科目名称\t合计（万元）\t基本支出（万元）\t项目支出（万元）",
        "",
        "\t208\t社会保障和就业支出\t10.00\t4.00\t6.00",
    ]
    r = parse_text("\n".join(rows), "x.txt")
    assert r.budget_tables[0].money_unit == "万元"
    assert [(c.subject_code, c.code_level, c.measure, c.amount) for c in r.budget_cells] == [
        ("208", "类", "合计", D("10.00")),
        ("208", "类", "基本支出", D("4.00")),
        ("208", "类", "项目支出", D("6.00")),
    ]


def test_two_sided_rows_printing_only_one_side_are_placed_by_meaning():
    """Income-side rows beyond the expenditure rows are printed without the blank expenditure
    cells (and vice versa): the label's meaning, not the right-aligned position, gives the side."""
    rows = [
        "\t2022年部门财务收支预算总表",
        "",
        "\t编制部门：某区民政局\t单位：元",
        "",
        "\t项目\t预算数\t项目\t预算数\t",  # 5
        "",
        "\t一、财政拨款收入\t90.00\t一、\t社会保障和就业支出\t100.00\t",  # 7
        "",
        "\t1. 一般公共预算资金\t",  # 9: income label only, no amount
        "",
        "\t四、其他收入\t10.00\t",  # 11: income only, narrow
        "",
        "\t二、\t住房保障支出\t0.00\t",  # 13: expenditure only, ordinal in its own cell
        "",
        "\t三、卫生健康支出\t5.00",  # 15: expenditure only, ordinal in the label
        "",
        "\t收入总计\t100.00\t支出总计\t105.00\t",  # 17
    ]
    r = parse_text("\n".join(rows), "x.txt")
    assert [(c.line_no, c.side, c.subject_name, c.measure, c.amount) for c in r.budget_cells] == [
        (7, "收入", "财政拨款收入", "预算数", D("90.00")),
        (7, "支出", "社会保障和就业支出", "预算数", D("100.00")),
        (11, "收入", "其他收入", "预算数", D("10.00")),
        (13, "支出", "住房保障支出", "预算数", D("0.00")),
        (15, "支出", "卫生健康支出", "预算数", D("5.00")),
        (17, "收入", "收入总计", "预算数", D("100.00")),
        (17, "支出", "支出总计", "预算数", D("105.00")),
    ]
    assert r.issues == []


def test_appropriation_summary_income_only_rows():
    """财政拨款收支预算总表: an income-only row is read onto the income column (预算数),
    a label without 收入 in the income label's column is income too."""
    rows = [
        "\t2022年部门财政拨款收支预算总表",
        "",
        "\t项目\t预算数\t项目\t合计\t一般公共预算\t政府性基金预算\t",
        "",
        "\t一、一般公共预算资金\t80.00\t一、\t教育支出\t80.00\t80.00\t0.00\t",  # 5
        "",
        "\t二、政府性基金\t20.00\t",  # 7
        "",
        "\t收入总计\t100.00\t支出总计\t80.00\t80.00\t0.00\t",
    ]
    r = parse_text("\n".join(rows), "x.txt")
    assert [(c.side, c.subject_name, c.measure, c.amount) for c in r.budget_cells if c.line_no == 7] == [
        ("收入", "政府性基金", "预算数", D("20.00")),
    ]
    assert len(r.budget_cells) == 1 + 3 + 1 + 1 + 3
    assert r.issues == []


def test_two_sided_cells_that_cannot_be_loaded_are_reported_not_dropped():
    """A text under an amount column and an amount of no named row: each a warning at its line,
    the row's other side still loaded."""
    rows = [
        "\t2022年部门财务收支预算总表",
        "",
        "\t项目\t预算数\t项目\t预算数\t",
        "",
        "\t一、财政拨款收入\t待定\t一、社会保障和就业支出\t100.00\t",  # 5
        "",
        "\t\t90.00\t二、住房保障支出\t10.00\t",  # 7: the income label left blank
    ]
    r = parse_text("\n".join(rows), "x.txt")
    assert [(c.line_no, c.side, c.subject_name, c.amount) for c in r.budget_cells] == [
        (5, "支出", "社会保障和就业支出", D("100.00")),
        (7, "支出", "住房保障支出", D("10.00")),
    ]
    assert [(i.line_no, i.code) for i in r.issues] == [
        (5, "budget_value_not_number"),
        (7, "budget_value_without_label"),
    ]
    assert "待定" in r.issues[0].message and "90.00" in r.issues[1].message
