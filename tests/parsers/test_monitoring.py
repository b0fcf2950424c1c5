"""The central 项目支出绩效目标执行监控表 (tracking family) in .xlsx and .xls.

Fixtures (tests/monitoring_fixtures.py): a two-project workbook written with openpyxl
from the template's description (../shared/DOMAIN.md; no real file is shared), and
the same workbook saved as Excel 97 by LibreOffice, committed as
tests/data/xls/monitoring_central.xls. Both go through the real readers and parser.
"""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from decimal import Decimal

import pytest
from monitoring_fixtures import XLS, write_monitoring_xlsx

from dagster_project.parsers import parse_bytes, parse_file, parse_text, readers

D = Decimal


@pytest.fixture(scope="module")
def xlsx(tmp_path_factory):
    path = write_monitoring_xlsx(tmp_path_factory.mktemp("monitoring") / "monitoring_central.xlsx")
    return parse_file(path, "monitoring_central.xlsx")


@pytest.fixture(scope="module")
def xls():
    return parse_file(XLS, "monitoring_central.xls")


def plain(records) -> list[dict]:
    return [{k: v for k, v in dataclasses.asdict(r).items() if k != "source_file"} for r in records]


def test_xls_and_xlsx_give_identical_records(xls, xlsx):
    assert readers.detect(XLS.read_bytes()) == readers.XLS
    for kind in ("reports", "fund_rows", "indicators", "indicator_values", "issues", "lines"):
        assert plain(getattr(xls, kind)) == plain(getattr(xlsx, kind)), kind
    assert [(s.line_no, s.sheet_name, s.text) for s in xls.source_lines] == [
        (s.line_no, s.sheet_name, s.text) for s in xlsx.source_lines
    ]
    assert (len(xls.reports), len(xls.fund_rows), len(xls.indicators)) == (2, 6, 11)


def test_one_tracking_report_per_sheet_with_its_header_fields(xls):
    assert xls.families == ["tracking"]
    sheets = {s.line_no: s.sheet_name for s in xls.source_lines}
    got = [
        (sheets[r.line_start], r.report_seq, r.report_type, r.fiscal_year, r.project_name, r.supervising_dept,
         r.implementing_unit, r.money_unit, r.tracking_period_start, r.tracking_period_end, json.loads(r.extra_fields))
        for r in xls.reports
    ]
    dept = {"主管部门及代码": "[105]教育部"}  # the department as meant; the printed pair with its code kept
    assert got == [
        ("学生资助", 1, "tracking", 2019, "学生资助补助经费", "教育部", "全国学生资助管理中心", "万元",
         "2019-01", "2019-07", dept),
        ("实验室建设", 2, "tracking", 2019, "高校实验室建设", "教育部", "教育部教育装备研究与发展中心", "万元",
         "2019-01", "2019-07", dept),
    ]
    first = xls.reports[0]
    assert first.goal_expected == "资助家庭经济困难学生5000人，培训资助工作人员1200人次，资金拨付及时率100%。"
    assert first.goal_actual == "已资助学生3200人，培训资助工作人员600人次，资金拨付及时率85%。"


def test_fund_rows_execution_so_far_and_forecast(xls):
    got = [
        (f.report_seq, f.fund_source, f.label, f.budget_initial, f.executed, f.execution_rate_pct,
         f.forecast_executed, f.budget_tracking, f.budget_adjusted)
        for f in xls.fund_rows
    ]
    assert got == [
        # 58.33% stored as 0.5833 formatted 0.00%: read as printed
        (1, "total", "年度资金总额", D("12000.00"), D("7000.00"), D("58.33"), D("11800.00"), None, None),
        (1, "current_year_appropriation", "其中：财政拨款", D("11500.00"), D("6800.00"), D("59.13"), D("11400.00"),
         None, None),
        (1, "other", "其他资金", D("500.00"), D("200.00"), D("40.00"), D("400.00"), None, None),
        # 35.00 stored as a number formatted 0.00; an empty rate cell stays empty
        (2, "total", "年度资金总额", D("3000.00"), D("1050.00"), D("35.00"), D("2400.00"), None, None),
        (2, "current_year_appropriation", "其中：财政拨款", D("3000.00"), D("1050.00"), D("35.00"), D("2400.00"),
         None, None),
        (2, "other", "其他资金", D("0.00"), D("0.00"), None, D("0.00"), None, None),
    ]


INDICATORS = [
    # seq, 一级, 二级, 三级, 年度指标值, 1-7月, 全年预计, ticked causes, 原因说明, likelihood, 备注
    (1, 1, "产出指标", "数量指标", "资助学生人数", "≥5000人", "3200人", "5100人", None, None, "确定能", None),
    (1, 2, "产出指标", "数量指标", "培训资助工作人员人次", "≥1200人次", "600人次", "1150人次", "经费保障、人员保障",
     "培训经费下达较晚，师资不足，部分培训延至下半年", "有可能", "下半年集中培训"),
    (1, 3, "产出指标", "质量指标", "培训合格率", "≥95%", "96%", "96%", None, None, "确定能", None),
    (1, 4, "产出指标", "时效指标", "资金拨付及时率", "100%", "85%", "100%", "制度保障", "拨付审批流程调整", "确定能",
     None),
    (1, 5, "效益指标", "社会效益指标", "受助学生辍学率", "≤1%", "0.8%", "0.9%", None, None, "确定能", None),
    (1, 6, "效益指标", "可持续影响指标", "资助长效机制建立情况", "建立", "初步建立", "建立", "其他", "制度文件待审议",
     "有可能", None),
    (1, 7, "满意度指标", "服务对象满意度指标", "受助学生满意度", "≥90%", None, "92%", None, None, "确定能",
     "年底开展问卷调查"),
    # sheet 2: √ as the tick, columns labelled 1-7月执行数 / 全年预计执行数
    (2, 1, "产出指标", "数量指标", "新建实验室数量", "10个", "2个", "6个", "经费保障、硬件条件保障",
     "设备采购招标两次流标", "完全不可能", "申请调整年度目标"),
    (2, 2, "产出指标", "质量指标", "设备验收合格率", "100%", "100%", "100%", None, None, "确定能", None),
    (2, 3, "效益指标", "社会效益指标", "受益学生人数", "≥8000人", "1500人", "5000人", "经费保障", "实验室未按期建成",
     "有可能", None),
    (2, 4, "满意度指标", "服务对象满意度指标", "师生满意度", "≥85%", None, "≥85%", None, None, "确定能", None),
]


def indicator_fields(result) -> list[tuple]:
    return [
        (i.report_seq, i.indicator_seq, i.level1, i.level2, i.indicator_name, i.target_text, i.actual_text,
         i.forecast_text, i.deviation_cause, i.deviation_reason, i.completion_likelihood, i.remarks)
        for i in result.indicators
    ]


def test_indicators_with_ticked_causes_and_likelihood_as_values(xls):
    assert indicator_fields(xls) == INDICATORS
    assert {(i.planned_text, i.weight, i.score) for i in xls.indicators} == {(None, None, None)}
    # the 1-7月 value is read like any actual (≥5000人 against 3200人 so far: not met yet), the
    # forecast likewise (5100人 for the year: met), so the mid-year shortfall is no deviation
    first = xls.indicator_values[0]
    assert (first.target_operator, first.target_value, first.actual_value, first.achievement,
            first.forecast_achievement) == (">=", D("5000"), D("3200"), "not_met", "met")
    # the two forecasts short of their targets state a reason; 10个 (a bare value) against 6个: unknown
    assert [v.forecast_achievement for v in xls.indicator_values] == [
        "met", "not_met", "met", "met", "met", "met", "met", "unknown", "met", "not_met", "met"]


def test_nothing_lost(xls):
    assert xls.issues == []
    lines = {d.line_no: d.disposition for d in xls.lines}
    non_blank = [s.line_no for s in xls.source_lines if s.text.strip()]
    assert sorted(lines) == non_blank
    assert Counter(lines.values()) == {"field": 23, "header": 8, "title": 4}
    # every indicator and fund row points at the line that prints it
    text = {s.line_no: s.text for s in xls.source_lines}
    assert all(i.indicator_name in text[i.line_no] for i in xls.indicators)
    assert all(f.label in text[f.line_no] for f in xls.fund_rows)


def _permuted(result, swaps: list[tuple[int, int]]) -> str:
    """The normalised text with some grid columns swapped in every row (a header moves with its column)."""
    out = []
    for s in result.source_lines:
        cells = s.text.split("\t")
        for a, b in swaps:
            width = max(a, b) + 1
            cells += [""] * (width - len(cells))
            cells[a], cells[b] = cells[b], cells[a]
        out.append("\t".join(cells).rstrip("\t"))
    return "\n".join(out) + "\n"


def test_columns_read_by_header_meaning_not_position(xls):
    # cell k is grid column k (cell 0: the row's leading TAB). 全年预计 before 1-7月, 人员保障 and
    # 硬件条件保障 exchanged, 有可能 after 完全不可能: each group header still heads its group
    moved = parse_text(_permuted(xls, [(6, 7), (10, 11), (15, 16)]), "moved.txt")
    assert indicator_fields(moved) == INDICATORS
    assert plain(moved.fund_rows) == plain(xls.fund_rows)
    assert moved.issues == []


def test_period_from_the_column_labels(xls):
    text = "\n".join(s.text for s in xls.source_lines).replace("1-7月", "1-8月")
    eight = parse_text(text, "eight.txt")
    assert {(r.tracking_period_start, r.tracking_period_end) for r in eight.reports} == {("2019-01", "2019-08")}
    # one label naming another period: the first stands, the conflict is reported at its line
    one = "\n".join(s.text for s in xls.source_lines).replace("全年预计执行数", "1-6月预计执行数", 1)
    mixed = parse_text(one, "mixed.txt")
    assert mixed.reports[0].tracking_period_end == "2019-07"
    assert [(i.line_no, i.code) for i in mixed.issues] == [(9, "conflicting_tracking_period")]


def test_ticks_as_offices_type_them(xls):
    lines = [s.text for s in xls.source_lines]
    row = next(k for k, t in enumerate(lines) if "培训合格率" in t)  # ticked 确定能 only
    cells = lines[row].split("\t")
    cells += [""] * (18 - len(cells))
    cells[8], cells[10], cells[15], cells[16] = "待定", "×", "☑", "✓"  # text, a cross, two more ticks
    lines[row] = "\t".join(cells)
    result = parse_bytes("\n".join(lines).encode("utf-8"), "ticks.txt")
    ind = next(i for i in result.indicators if i.indicator_name == "培训合格率")
    assert (ind.deviation_cause, ind.completion_likelihood) == (None, "确定能、有可能、完全不可能")
    assert [(i.line_no, i.code) for i in result.issues] == [(row + 1, "unreadable_tick_mark")]
    assert "经费保障" in result.issues[0].message and "待定" in result.issues[0].message
    assert {d.disposition for d in result.lines if d.line_no == row + 1} == {"field"}


def test_groups_printed_as_text_columns(xls):
    """A sheet whose 偏差原因分析 and 完成目标可能性 are one text column each (no ✔ row): read as text."""
    rows = {i.line_no for i in xls.indicators}
    lines = []
    for s in xls.source_lines:
        cells = s.text.split("\t")
        if "经费保障" in cells and "原因说明" in cells:
            continue  # no second header row
        if s.line_no in rows:  # the reason and likelihood written out
            cells += [""] * (18 - len(cells))
            likely = next((label for label, t in zip(("确定能", "有可能", "完全不可能"), cells[14:17]) if t), "")
            cells[8:17] = [cells[13], "", "", "", "", "", likely, "", ""]  # 原因说明 under 偏差原因分析
        lines.append("\t".join(cells).rstrip("\t"))
    result = parse_text("\n".join(lines) + "\n", "text_columns.txt")
    got = [(i.indicator_name, i.deviation_cause, i.deviation_reason, i.completion_likelihood, i.remarks)
           for i in result.indicators]
    assert len(got) == 11 and got[:4] == [
        ("资助学生人数", None, None, "确定能", None),
        ("培训资助工作人员人次", None, "培训经费下达较晚，师资不足，部分培训延至下半年", "有可能", "下半年集中培训"),
        ("培训合格率", None, None, "确定能", None),
        ("资金拨付及时率", None, "拨付审批流程调整", "确定能", None),
    ]
    assert result.issues == []


def test_a_value_typed_inside_its_merged_header_belongs_to_it(xls):
    """年初预算数 is merged over grid columns G-I (cells 6-8) and printed at 6: an amount typed in
    H (cell 7) is still its value; a second amount in the same merge is reported, not summed."""
    lines = [s.text for s in xls.source_lines]
    row = next(k for k, t in enumerate(lines) if t.split("\t")[3:4] == ["年度资金总额"])
    cells = lines[row].split("\t")
    assert cells[6:9] == ["12000.00", "", ""]
    cells[6:8] = ["", "12000.00"]
    shifted = parse_text("\n".join(lines[:row] + ["\t".join(cells)] + lines[row + 1 :]) + "\n", "shifted.txt")
    assert plain(shifted.fund_rows) == plain(xls.fund_rows) and shifted.issues == []
    cells[8] = "12.00"
    twice = parse_text("\n".join(lines[:row] + ["\t".join(cells)] + lines[row + 1 :]) + "\n", "twice.txt")
    assert twice.fund_rows[0].budget_initial == D("12000.00")
    assert [(i.line_no, i.code) for i in twice.issues] == [(row + 1, "fund_row_extra_cells")]


def test_a_level_label_reaches_the_rows_its_stored_merge_covers_only(xlsx, tmp_path):
    """The 二级 labels merged over their rows apply to each (the merge is stored); the same sheet
    with the merges removed (each label typed once, the cells below plain blanks) gives those
    rows no 二级: a plain blank states nothing, and the file stores its merges."""
    import openpyxl

    path = write_monitoring_xlsx(tmp_path / "merged.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    for merge in [m for m in sheet.merged_cells.ranges if m.min_col == 3 and m.max_row > m.min_row]:
        sheet.unmerge_cells(str(merge))
    book.save(tmp_path / "unmerged.xlsx")
    unmerged = parse_file(tmp_path / "unmerged.xlsx", "unmerged.xlsx")
    first = [i for i in xlsx.indicators if i.report_seq == 1]
    typed_once = [i for i in unmerged.indicators if i.report_seq == 1]
    assert [i.level2 for i in first][:3] == ["数量指标", "数量指标", "质量指标"]
    assert [i.level2 for i in typed_once][:3] == ["数量指标", None, "质量指标"]
    assert [i.level2 for i in typed_once][3:] == [i.level2 for i in first][3:]  # one row each: nothing to carry
    assert [i.level1 for i in typed_once] == [i.level1 for i in first]  # 一级 still merged
    assert [i.indicator_name for i in typed_once] == [i.indicator_name for i in first]
