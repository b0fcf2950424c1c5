"""The funds of a 财政项目支出绩效目标填报表 form become the target report's fund rows (budget_initial)."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from dagster_project.parsers import parse_file, parse_text

REAL = Path(__file__).resolve().parents[2].parent / "shared" / "real"
WANLI_2023 = "01_sh_putuo_wanli_jiedao_2023_dept_budget.pdf"


@pytest.fixture(scope="module")
def wanli():
    if not (REAL / WANLI_2023).exists():
        pytest.skip("../shared/real not present")
    return parse_file(REAL / WANLI_2023, WANLI_2023)


def test_form_funds_of_the_year(wanli):
    targets = {r.report_seq: r for r in wanli.reports if r.report_type == "target"}
    assert len(targets) == 5
    rows = {(f.report_seq, f.fund_source): f for f in wanli.fund_rows}
    assert len(rows) == 20  # 年度资金申请总额, 其中:当年财政拨款, 上年结转资金, 其他资金 (the year's) of each form
    # page 35: the 其中 item printed larger than its total, loaded as printed
    last = max(targets)
    assert targets[last].project_name == "公共服务设施运行经费"
    total, appropriation = rows[(last, "total")], rows[(last, "current_year_appropriation")]
    assert (total.label, total.line_no, total.budget_initial) == ("年度资金申请总额", 1131, D("10903043.00"))
    assert (appropriation.label, appropriation.line_no, appropriation.budget_initial) == (
        "其中:当年财政拨款", 1133, D("11419043.00"))
    assert rows[(last, "carryover")].budget_initial == D("0.00")
    other = rows[(last, "other")]  # the year's 其他资金, right of the project's on line 1137
    assert (other.label, other.line_no, other.budget_initial) == ("其他资金", 1137, D("0.00"))
    assert all(f.executed is None and f.budget_adjusted is None for f in wanli.fund_rows)


def test_sample_targets_without_a_form_have_no_fund_rows():
    root = Path(__file__).resolve().parents[2] / "raw"
    result = parse_file(root / "003_7cadc0ecdd172fe9.txt", "003_7cadc0ecdd172fe9.txt")
    assert result.reports and not result.fund_rows


def test_form_project_funds_and_their_fiscal_part(wanli):
    """项目资金总额 and its 其中：财政资金 (the project's column, left of the year's) on each form, pages 31–35."""
    got = [(r.project_name, r.project_total_amount, r.project_total_fiscal_amount, r.project_total_unit)
           for r in wanli.reports if r.report_type == "target"]
    assert got == [
        ("新建万里街道社区公共服务中心", D("4100000.00"), D("4100000.00"), "元"),  # p.31, line 925
        ("就业援助基地补贴", D("6351000.00"), D("6351000.00"), "元"),
        ("社区环境整治和建设经费", D("4563800.00"), D("4563800.00"), "元"),
        ("各类工作经费", D("7595500.00"), D("7595500.00"), "元"),  # p.34 prints 7595500.00 without separators
        # p.35: 其中：财政资金 10,903,043.00 beside 其中：当年财政拨款 11,419,043.00, each read from its own column
        ("公共服务设施运行经费", D("10903043.00"), D("10903043.00"), "元"),
    ]


def test_fiscal_part_is_read_from_its_own_cell(wanli):
    # the first form as text, its project column changed: 财政资金 3,600,000.00 and 其他资金 500,000.00
    first = next(r for r in wanli.reports if r.report_type == "target")
    lines = [s.text for s in wanli.source_lines if first.line_start <= s.line_no <= first.line_end]
    text = "\n".join(lines).replace("其中：财政资金\t\t4,100,000.00", "其中：财政资金\t\t3,600,000.00")
    text = text.replace("其他资金\t\t0.00\t其他资金", "其他资金\t\t500,000.00\t其他资金", 1)
    result = parse_text(text + "\n", "form.txt")
    (report,) = result.reports
    assert (report.project_total_amount, report.project_total_fiscal_amount) == (D("4100000.00"), D("3600000.00"))
    # the project's 其他资金 (500,000.00) is not the year's (0.00, the fund row)
    assert {f.fund_source: f.budget_initial for f in result.fund_rows} == {
        "total": D("4100000.00"), "current_year_appropriation": D("4100000.00"), "carryover": D("0.00"),
        "other": D("0.00")}
    assert not [i for i in result.issues if i.severity != "info"]
