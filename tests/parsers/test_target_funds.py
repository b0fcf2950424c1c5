"""The funds of a 财政项目支出绩效目标填报表 form become the target report's fund rows (budget_initial)."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from dagster_project.parsers import parse_file

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
    assert len(rows) == 15  # 年度资金申请总额, 其中:当年财政拨款, 上年结转资金 of each form
    # page 35: the 其中 item printed larger than its total, loaded as printed
    last = max(targets)
    assert targets[last].project_name == "公共服务设施运行经费"
    total, appropriation = rows[(last, "total")], rows[(last, "current_year_appropriation")]
    assert (total.label, total.line_no, total.budget_initial) == ("年度资金申请总额", 1131, D("10903043.00"))
    assert (appropriation.label, appropriation.line_no, appropriation.budget_initial) == (
        "其中:当年财政拨款", 1133, D("11419043.00"))
    assert rows[(last, "carryover")].budget_initial == D("0.00")
    assert all(f.executed is None and f.budget_adjusted is None for f in wanli.fund_rows)


def test_sample_targets_without_a_form_have_no_fund_rows():
    root = Path(__file__).resolve().parents[2] / "raw"
    result = parse_file(root / "003_7cadc0ecdd172fe9.txt", "003_7cadc0ecdd172fe9.txt")
    assert result.reports and not result.fund_rows
