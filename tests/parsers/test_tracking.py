"""Tracking tables (财政项目支出绩效跟踪表): golden fixtures and the real sample 004.

Golden pairs live in tests/data/tracking/<case>.txt + <case>.expected.json (blank
cells in the middle of fund rows and labels in the wrong columns; a table with
no 跟踪时段 and no closing rows). The sample tests pin the values of every one of
004's nine tracking tables.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import golden
import pytest

from dagster_project.parsers import parse_file

ROOT = Path(__file__).resolve().parents[2]
S004 = "004_eaeb872d98338714.txt"

D = Decimal




KINDS = ("reports", "fund_rows", "indicators")
CASES = golden.cases("tracking")


def test_golden_folder_is_not_empty():
    assert CASES, "no golden fixtures in tests/data/tracking"


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_golden(case: Path):
    golden.assert_golden(case, KINDS)


# ---------------------------------------------------------------- sample 004


@pytest.fixture(scope="module")
def s004():
    return parse_file(ROOT / "raw" / S004, S004)


def funds(result, rep):
    return {f.fund_source: f for f in result.fund_rows if f.report_seq == rep.report_seq}


def indicators(result, rep):
    return [i for i in result.indicators if i.report_seq == rep.report_seq]


def fund_values(row):
    return (row.budget_initial, row.budget_tracking, row.executed, row.execution_rate_pct)


# (line_start, project, total row (年初, 跟踪期预算, 跟踪期执行, 执行率), budget likelihood,
#  goal likelihood, 纠偏措施, number of indicators)
EXPECTED_004 = [
    (
        9,
        "工伤认定和劳动能力鉴定业务系统（2024年运维）",
        ("6.89", "6.89", "0.50", "7.25"),
        "确定能完成",
        "确定能完成",
        "无偏差",
        10,
    ),
    (37, "鉴定、认定费", ("40.05", "40.05", "36.04", "89.98"), "确定能完成", "确定能完成", "无偏差", 8),
    (63, "外省市差旅费", ("30.00", "30.00", "13.87", "46.23"), "有可能完成", "确定能完成", "无偏差", 8),
    (89, "宣传费", ("6.80", "6.80", "4.70", "69.11"), "确定能完成", "确定能完成", "无", 8),
    (115, "邮寄费", ("12.00", "12.00", "9.93", "82.75"), "确定能完成", "确定能完成", "无", 6),
    (
        139,
        "征地养老费支出",
        ("109491.00", "109491.00", "71049.00", "64.89"),
        "确定能完成",
        "确定能完成",
        "无",
        9,
    ),
    (
        166,
        "征地养老管理信息系统（2024年运维）",
        ("10.11", "10.11", "2.00", "19.78"),
        "确定能完成",
        "确定能完成",
        "无偏差",
        9,
    ),
    (195, "征地养老慰问经费", ("60.00", "60.00", "0.00", "0.00"), "确定能完成", "确定能完成", "无偏差", 8),
    (221, "政府购买辅助服务", ("175.94", "175.94", "0.00", "0.00"), "确定能完成", "确定能完成", "无", 12),
]


def test_004_counts_and_issues(s004):
    assert (len(s004.reports), len(s004.indicators), len(s004.fund_rows)) == (9, 78, 36)
    assert not [i for i in s004.issues if i.code == "unplaced_line"]
    # the only issues: lines 3, 5, 7 stand before the first title (a stray period line,
    # 年度总体目标 and 无): the dispatcher reports them as outside any table.
    assert [(i.line_no, i.code) for i in s004.issues] == [
        (3, "outside_table"),
        (5, "outside_table"),
        (7, "outside_table"),
    ]


@pytest.mark.parametrize("expected", EXPECTED_004, ids=[str(e[0]) for e in EXPECTED_004])
def test_004_each_report(s004, expected):
    line_start, name, total, budget_lh, goal_lh, measures, n_ind = expected
    rep = next(r for r in s004.reports if r.line_start == line_start)
    assert rep.report_type == "tracking"
    assert rep.project_name == name
    assert (rep.tracking_period_start, rep.tracking_period_end, rep.fiscal_year) == (
        "2024-01",
        "2024-08",
        2024,
    )
    assert rep.supervising_dept == "上海市闵行区人力资源和社会保障局(汇总)"
    assert rep.implementing_unit == "上海市闵行区社会保障服务中心"
    assert rep.money_unit == "万元"
    assert (rep.total_weight, rep.total_score, rep.grade) == (None, None, None)
    assert (rep.budget_completion_likelihood, rep.goal_completion_likelihood, rep.corrective_measures) == (
        budget_lh,
        goal_lh,
        measures,
    )
    f = funds(s004, rep)
    assert set(f) == {"total", "current_year_appropriation", "carryover", "other"}
    assert fund_values(f["total"]) == tuple(D(v) for v in total)
    assert fund_values(f["current_year_appropriation"]) == tuple(D(v) for v in total)
    assert all(row.budget_adjusted is None and row.weight is None and row.score is None for row in f.values())
    inds = indicators(s004, rep)
    assert len(inds) == n_ind
    assert [i.indicator_seq for i in inds] == list(range(1, n_ind + 1))
    for ind in inds:
        assert ind.indicator_name and ind.level1 and ind.level2 and ind.target_text, ind
        assert ind.weight is None and ind.score is None
    assert rep.goal_expected and rep.goal_actual


def test_004_second_project_blank_cells_in_fund_rows(s004):
    """`││年度资金总额││40.05││40.05│36.04│89.98`: four values under four columns."""
    rep = next(r for r in s004.reports if r.line_start == 37)
    f = funds(s004, rep)
    assert fund_values(f["carryover"]) == (D("0.00"), D("0.00"), D("0.00"), D("0.00"))
    assert f["total"].line_no == 44
    first = indicators(s004, rep)[0]
    assert (first.level1, first.level2, first.indicator_name) == ("产出指标", "数量指标", "鉴定工作完成率")
    assert (first.target_text, first.planned_text, first.actual_text, first.deviation_reason) == (
        "=100.00(%)",
        "89.98",
        "89.98",
        "无偏差",
    )
    last = indicators(s004, rep)[-1]
    # "服务对象满意度 指标" printed with a wrap space
    assert (last.level2, last.actual_text) == ("服务对象满意度指标", "89.97")


def test_004_labels_in_other_columns(s004):
    by_line = {i.line_no: i for i in s004.indicators}
    # 一级 label in the 二级 column
    assert (by_line[107].level1, by_line[107].level2, by_line[107].indicator_name) == (
        "效益指标",
        "社会效益指标",
        "政策宣传知晓率提升",
    )
    # 二级 labels in the 一级 column, 三级 column empty-shifted
    assert (by_line[108].level1, by_line[108].level2, by_line[108].indicator_name) == (
        "效益指标",
        "社会效益指标",
        "政策宣传覆盖率",
    )
    assert (by_line[108].target_text, by_line[108].planned_text, by_line[108].actual_text) == (
        "=100(%)",
        "100.00",
        "100.00",
    )
    assert (by_line[109].level1, by_line[109].level2) == ("效益指标", "可持续影响指标")
    # an outer 「绩效 指标」 cell before the 一级 label
    assert (by_line[23].level1, by_line[23].level2, by_line[23].indicator_name) == (
        "成本指标",
        "经济成本指标",
        "成本控制有效性",
    )


def test_004_values_as_printed_in_deviation_column(s004):
    """Table at 166: two rows repeat a value in the 偏差原因分析 column; loaded as printed."""
    by_line = {i.line_no: i for i in s004.indicators}
    assert by_line[187].deviation_reason == "建立健全"
    assert (by_line[188].actual_text, by_line[188].deviation_reason) == ("90.00", "90.00")


def test_004_shifted_closing_rows(s004):
    """Lines 189-190 print the 总体判断 labels one cell off; values still found."""
    rep = next(r for r in s004.reports if r.line_start == 166)
    assert (rep.budget_completion_likelihood, rep.goal_completion_likelihood) == ("确定能完成", "确定能完成")
    assert rep.line_end == 191


def test_a_parser_bug_costs_one_line_not_the_report():
    """Both report readers (report_table, the 执行监控表) read line by line through read_each_line:
    a line whose reading fails is a parser_failed error naming the exception; the lines after it are read."""
    from dagster_project.parsers.ledger import Ledger
    from dagster_project.parsers.report_table import read_each_line
    from dagster_project.parsers.text import split_lines

    lines = split_lines("\t项目名称\t甲\n\t主管部门\t乙\n\t实施单位\t丙")
    ledger = Ledger("x.txt", lines)
    read = []

    def read_line(line):
        if line.no == 2:
            raise ValueError("bad cell")
        read.append(line.no)

    read_each_line(lines, read_line, lambda no, code, **facts: ledger.issue(no, code, "tracking", **facts))
    assert read == [1, 3]
    assert [(i.line_no, i.code, i.severity) for i in ledger.issues] == [(2, "parser_failed", "error")]
    assert "ValueError: bad cell" in ledger.issues[0].message and ledger.issues[0].raw_text == "\t主管部门\t乙"
