"""Real documents of further templates, regions and years: ../shared/real_templates (README there).

Values were read off the printed pages.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
from pipeline_helpers import shared_folder

from dagster_project.parsers import parse_file

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = shared_folder("real_templates")
pytestmark = pytest.mark.skipif(TEMPLATES is None, reason="../shared/real_templates not present")
D = Decimal


@cache
def parsed(name: str):
    return parse_file(TEMPLATES / name, name)


def test_codes_printed_without_their_leading_zero_read_as_meant():
    # Putuo 2024, 一般公共预算基本支出经济分类: 301 | 2 | 津贴补贴 and 301 | 7 | 绩效工资
    r = parsed("16_sh_putuo_wanli_jiedao_2024_dept_budget.pdf")
    seq = {t.table_seq for t in r.budget_tables if "经济分类" in t.table_title}
    econ = {
        c.subject_code: (c.code_level, c.subject_name, c.amount)
        for c in r.budget_cells
        if c.table_seq in seq and c.measure == "合计"
    }
    assert econ["30102"] == ("款", "津贴补贴", D("16623810"))
    assert econ["30107"] == ("款", "绩效工资", D("11447100"))
    assert econ["301"] == ("类", "工资福利支出", D("88282511"))  # a 类 row gets no invented 款
    # the 款 rows now add up to their 类, as printed
    assert sum(a for code, (_lvl, _n, a) in econ.items() if code.startswith("301") and len(code) == 5) == D(
        "88282511"
    )
    notes = [i for i in r.issues if i.code == "subject_code_unpadded"]
    assert [(i.severity, i.message.split(" (")[0]) for i in notes] == [
        ("info", "科目编码中的“2”缺少前导零，按“02”读作 30102（津贴补贴）"),
        ("info", "科目编码中的“7”缺少前导零，按“07”读作 30107（绩效工资）"),
    ]
    lines = {s.line_no: s.text for s in r.source_lines}
    assert [lines[i.line_no].split("\t")[1:4] for i in notes] == [
        ["301", "2", "津贴补贴"],
        ["301", "7", "绩效工资"],
    ]
    assert not [c for c in r.budget_cells if c.subject_code and len(c.subject_code) not in (3, 5, 7)]


def test_jiangsu_2018_titles_after_their_table_number():
    # 公开01 表：收支预算总表 … 公开12表: the number before the title, joined by a colon
    r = parsed("13_jiangsu_jianchayuan_2018_dept_budget.pdf")
    titles = [t.table_title for t in r.budget_tables]
    assert titles[:4] == ["收支预算总表", "收入预算总表", "支出预算总表", "财政拨款收支预算总表"]
    assert {t.fiscal_year for t in r.budget_tables} == {2018}
    total = [c for c in r.budget_cells if c.table_seq == 3 and c.measure == "合计"]
    assert [c.amount for c in total] == [D("21955.35")]


def test_jiangsu_procurement_table_and_two_level_labels():
    # 2019年政府采购预算表: 专项名称 | 经济科目 | 采购物品名称 | 采购组织形式 are labels, 总计 the amount;
    # 部门： and the department's name printed in two cells
    r = parse_file(TEMPLATES / "15_jiangsu_renda_2019_dept_budget_tables.pdf", "15.pdf")
    procurement = next(t for t in r.budget_tables if "政府采购" in t.table_title)
    assert (procurement.table_title, procurement.department) == (
        "2019年政府采购预算表",
        "江苏省人大常委会办公厅",
    )
    rows = [
        (c.subject_name, c.measure, c.amount) for c in r.budget_cells if c.table_seq == procurement.table_seq
    ]
    assert rows[:4] == [
        ("合计", "总计", D("2416.43")),
        ("货物A", "总计", D("233.10")),
        ("办公设备购置费-办公设备购置", "总计", D("53.10")),
        ("台式计算机（20万以下）-分散自行组织", "总计", D("17.92")),
    ]
    assert len(rows) == 26 and rows[-1] == ("物业管理服务-分散自行组织", "总计", D("410.40"))
    # 收入预算总表: 一般公共预算资金 | 小计, the group and its subtotal
    income = {c.subject_name: c.amount for c in r.budget_cells if c.table_seq == 2}
    assert income == {
        "收入总计": D("18330.37"),
        "一般公共预算资金-小计": D("18330.37"),
        "公共财政拨款(补助)资金": D("18330.37"),
    }


def test_jiangsu_2018_header_labels_wrapped_over_rows():
    # 采购品目大 / 类, 采购物品 / 名称, 采购组织 / 形式 wrapped over three header rows; 总计 in the middle one
    r = parsed("13_jiangsu_jianchayuan_2018_dept_budget.pdf")
    procurement = next(t for t in r.budget_tables if "政府采购" in t.table_title)
    rows = [
        (c.subject_name, c.measure, c.amount) for c in r.budget_cells if c.table_seq == procurement.table_seq
    ]
    assert rows[:2] == [("合计", "总计", D("3096.24")), ("货物A", "总计", D("268.00"))]


def test_jiangsu_summary_with_a_label_column_per_block():
    # 收支预算总表: 收入 (项目名称 | 金额) and 支出 in two blocks, 功能分类 (功能科目名称 | 金额) and
    # 支出用途 (项目名称 | 金额); the totals' labels printed across the blocks
    r = parse_file(TEMPLATES / "15_jiangsu_renda_2019_dept_budget_tables.pdf", "15.pdf")
    summary = {(c.side, c.subject_name, c.measure): c.amount for c in r.budget_cells if c.table_seq == 1}
    assert summary == {
        ("收入", "财政拨款", "金额"): D("18330.37"),
        ("收入", "一般公共预算", "金额"): D("18330.37"),
        ("支出", "一般公共服务支出", "功能分类-金额"): D("13907.78"),
        ("支出", "社会保障和就业支出", "功能分类-金额"): D("1121.39"),
        ("支出", "住房保障支出", "功能分类-金额"): D("3301.20"),
        ("支出", "基本支出", "支出用途-金额"): D("9312.90"),
        ("支出", "项目支出", "支出用途-金额"): D("6459.58"),
        ("支出", "单位预留机动经费", "支出用途-金额"): D("2557.89"),
        ("收入", "当年收入小计", "金额"): D("18330.37"),
        ("支出", "当年支出小计", "支出用途-金额"): D("18330.37"),
        ("收入", "收入合计", "金额"): D("18330.37"),
        ("支出", "支出合计", "支出用途-金额"): D("18330.37"),
    }
    assert not [i for i in r.issues if i.severity in ("error", "warning")]
    # 2017 (p.3): the side labels centred over their blocks (收入 over its one, 支出 between 功能分类 and
    # 支出用途): both expenditure blocks are 支出 (before: 功能分类's amounts were loaded as 收入)
    r = parsed("12_jiangsu_renda_2017_dept_budget.pdf")
    table = next(t for t in r.budget_tables if t.table_title == "收支预算总表")
    summary = {(c.side, c.subject_name, c.measure): c.amount for c in r.budget_cells if c.table_seq == table.table_seq}
    assert summary == {
        ("收入", "财政拨款", "金额"): D("13649.07"),
        ("收入", "一般公共预算", "金额"): D("13649.07"),
        ("支出", "一般公共服务支出", "功能分类-金额"): D("10528.33"),
        ("支出", "社会保障和就业支出", "功能分类-金额"): D("1608.51"),
        ("支出", "住房保障支出", "功能分类-金额"): D("1512.23"),
        ("支出", "基本支出", "支出用途-金额"): D("7666.68"),
        ("支出", "项目支出", "支出用途-金额"): D("5853.96"),
        ("支出", "单位预留机动经费", "支出用途-金额"): D("128.43"),
        ("收入", "当年收入", "金额"): D("13649.07"),
        ("支出", "当年支出小计", "支出用途-金额"): D("13649.07"),
    }


def test_every_cell_has_its_own_key_and_wrapped_three_public_labels_are_joined():
    # fct_budget_line's key (table, row, side, measure) holds in every template; the 2018 三公 table
    # (p.19) wraps 会议 / 费 and 公务用车 / 运行维护 / 费 over its header rows, with the department's
    # name printed above them: the labels are joined, and named as the 2017 and 2019 tables name them
    for name in ("12_jiangsu_renda_2017_dept_budget.pdf", "13_jiangsu_jianchayuan_2018_dept_budget.pdf"):
        r = parsed(name)
        keys = [(c.table_seq, c.row_seq, c.side, c.measure) for c in r.budget_cells]
        assert len(keys) == len(set(keys)), name
    r = parsed("13_jiangsu_jianchayuan_2018_dept_budget.pdf")
    assert not [i for i in r.issues if i.code == "budget_measure_ambiguous"]
    three = next(t for t in r.budget_tables if "三公" in t.table_title)
    assert three.department == "江苏省人民检察院"  # 部门： left blank, the name printed in the caption above
    assert [(c.measure, c.amount) for c in r.budget_cells if c.table_seq == three.table_seq] == [
        ("合计", D("1384.74")),
        ("“三公”经费-小计", D("484.30")),
        ("因公出国（境）费", D("100.00")),
        ("公务用车购置及运行维护费-小计", D("267.80")),
        ("公务用车运行维护费", D("267.80")),
        ("公务接待费", D("116.50")),
        ("会议费", D("200.44")),
        ("培训费", D("700.00")),
    ]


def test_header_labels_wrapped_around_the_main_row_and_three_level_headers():
    """The rule that joins a label wrapped over header rows, on two more header shapes than the 三公 table."""

    def measures(name: str, title_word: str) -> list[tuple[str, Decimal]]:
        r = parsed(name)
        table = next(t for t in r.budget_tables if title_word in t.table_title)
        return [(c.measure, c.amount) for c in r.budget_cells if c.table_seq == table.table_seq]

    # 2018 公开03表 支出预算总表 (p.15): 单位预留机动经 above the main row, 费 below it, blank between:
    # one label, its figure under it (not "结转下年资金-费"); the parts add up to 合计 as printed
    expense = measures("13_jiangsu_jianchayuan_2018_dept_budget.pdf", "支出预算总表")
    assert expense == [
        ("合计", D("21955.35")), ("基本支出", D("13994.31")), ("项目支出", D("5573.00")),
        ("单位预留机动经费", D("2388.04")),
    ]
    assert sum(a for _, a in expense[1:]) == expense[0][1]
    # 2017 三公 table (p.20): three header rows, each label whole on its own row; a label ending one
    # (…费) is never glued to the one below it (公务用车购置及运行维护费 over 小计 | 公务用车购置费)
    assert measures("12_jiangsu_renda_2017_dept_budget.pdf", "三公") == [
        ("合计", D("2542.60")), ("“三公”经费-小计", D("833.60")), ("因公出国（境）费", D("222.50")),
        ("公务用车购置及运行维护费-小计", D("183.60")), ("公务用车购置费", D("0")),
        ("公务用车运行维护费", D("183.60")), ("公务接待费", D("427.50")), ("会议费", D("1305.25")),
        ("培训费", D("403.75")),
    ]
    # Shanghai 2024 (p.31): the group 2024年“三公”经费预算数 ends a label: no wrap, sub-labels named
    # after the group they sit under
    assert measures("16_sh_putuo_wanli_jiedao_2024_dept_budget.pdf", "三公") == [
        ("合计", D("47.91")), ("因公出国(境)费", D("0")), ("公务接待费", D("1.35")),
        ("公务用车购置及运行费-小计", D("46.56")), ("公务用车购置及运行费-购置费", D("25")),
        ("公务用车购置及运行费-运行费", D("21.56")), ("机关运行经费", D("443.18")),
    ]


def test_amounts_printed_a_line_below_their_subject_join_it():
    # Jiangsu 2018 公开06表 (p.16): 301 | 工资福利支出 | blank, and the next printed line | | | 10,204.52
    r = parsed("13_jiangsu_jianchayuan_2018_dept_budget.pdf")
    basic = next(t for t in r.budget_tables if t.table_title.endswith("财政拨款基本支出预算表"))
    classes = [
        (c.subject_code, c.subject_name, c.amount)
        for c in r.budget_cells
        if c.table_seq == basic.table_seq and c.code_level == "类"
    ]
    assert classes == [
        ("301", "工资福利支出", D("10204.52")),
        ("302", "商品和服务支出", D("2722.57")),
        ("303", "对个人和家庭的补助", D("1052.83")),
    ]
    # traced to the line that prints the amount
    wages = next(c for c in r.budget_cells if c.table_seq == basic.table_seq and c.subject_code == "301")
    assert "10,204.52" in next(s.text for s in r.source_lines if s.line_no == wages.line_no)


def test_subjects_with_blank_amounts_do_not_end_the_table():
    # Jiangsu 2018 公开02表 (p.14): 专项收入 | blank comes before 其他非税收入 小计 14.39 and 其他收入 14.39
    r = parsed("13_jiangsu_jianchayuan_2018_dept_budget.pdf")
    income = next(t for t in r.budget_tables if t.table_title.endswith("收入预算总表") and "收支" not in t.table_title)
    rows = [(c.subject_name, c.amount) for c in r.budget_cells if c.table_seq == income.table_seq]
    assert rows[-2:] == [("小计", D("14.39")), ("其他收入", D("14.39"))]
