"""Change claims of budget prose (比…增加/减少 P%): the real documents and the clause forms."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from dagster_project.parsers import change_claims, parse_file

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
S003 = "003_7cadc0ecdd172fe9.txt"


def _real(folder: str, name: str):
    path = SHARED / folder / name
    if not path.exists():
        pytest.skip(f"{path} not present")
    return parse_file(path, name)


def _row(c):
    return (c.line_no, c.form, c.base_amount, c.budget_amount, c.change_amount, c.direction, c.percent)


def test_wanli_2023_stated_claims_with_page_lines():
    result = _real("real", "01_sh_putuo_wanli_jiedao_2023_dept_budget.pdf")
    claims = result.narrative_changes
    assert len(claims) == 34  # items 1–34 of the 说明 (items 8 and 10: 持平 without a percent)
    first = claims[0]
    assert _row(first) == (101, "stated", D("1.48"), D("2.63"), None, "increase", D("77.70"))
    assert (first.subject_name, first.base_year, first.budget_year, first.unit, first.percent_places,
            first.base_places, first.budget_places) == (
        "一般公共服务支出(类)统计信息事务(款)统计管理(项)", 2022, 2023, "万元", 2, 2, 2)
    by_line = {c.line_no: c for c in claims}
    assert _row(by_line[131]) == (131, "stated", D("132.59"), D("441.25"), None, "increase", D("60.54"))
    assert _row(by_line[135]) == (135, "stated", D("667.32"), D("635.10"), None, "decrease", D("4.83"))
    assert (by_line[115].direction, by_line[115].percent) == ("flat", None)
    assert all(c.fiscal_year == 2023 for c in claims)


def test_jiangsu_implied_claims():
    result = _real("real", "09_jiangsu_jianchayuan_2019_dept_budget.pdf")
    by_line = {c.line_no: c for c in result.narrative_changes}
    assert len(by_line) == 19
    assert _row(by_line[803]) == (803, "implied", None, D("4335.3"), D("1237.7"), "decrease", D("13.22"))
    assert (by_line[803].budget_places, by_line[803].change_places) == (1, 1)
    # the amount compared is the one right before 与上年相比, even across a sentence about its use
    assert _row(by_line[793]) == (793, "implied", None, D("16593.12"), D("134.37"), "increase", D("0.82"))
    assert by_line[793].subject_name == "公共安全(类)支出"


def test_sample_003_two_claims_on_one_line():
    result = parse_file(ROOT / "raw" / S003, S003)
    assert [_row(c) for c in result.narrative_changes] == [
        (246, "implied", None, D("42924.24"), D("10732.20"), "increase", D("33.34")),
        (246, "implied", None, D("42925.24"), D("11361.92"), "increase", D("35.57")),
    ]


@pytest.mark.parametrize("text", [
    # a template's placeholder verb states no direction
    "（2）政府性基金收入预算0万元，与上年相比增加（减少）0万元，增长（减少）0%。",
    # a change without a percent: nothing to check
    "支出预算3,121.42万元，其中：财政拨款支出预算3,121.42万元，比2024年预算增加107.62万元。",
    # a change in 万元 whose percent says the other direction: not read as a claim
    "项目支出预算数为100万元。与上年相比增加10万元，减少10%。",
])
def test_not_claims(text):
    assert change_claims(text) == []


def test_percent_precision_is_kept():
    (claim,) = change_claims("一般公共预算收入预算 21,940.96 万元，与上年相比增加 3,959.28 万元，增长 22 %。")
    assert (claim.budget, claim.budget_places, claim.change, claim.percent, claim.percent_places) == (
        D("21940.96"), 2, D("3959.28"), D(22), 0)


def test_item_amount_before_the_claim():
    """The amount an item states after its subject, to compare with its 预算安排 (…/real_templates/16 p.9)."""
    (claim,) = change_claims(
        "31. “住房保障支出（类）住房改革支出（款）住房公积金（项）”350.35万元，主要用于住房公积金。"
        "2023年当年预算执行数为348.52万元，2024年预算安排352.67万元，比2023年预算执行数增加0.53%。")
    assert (claim.item_amount, claim.item_places, claim.budget) == (D("350.35"), 2, D("352.67"))
    (plain,) = change_claims(
        "（一）住房公积金（01项）96.4万元。主要用于按规定为职工缴存的住房公积金。"
        "2025年当年预算执行数为90.12万元，2026年预算安排93.70万元，比2025年预算执行数增加3.97%。")
    assert (plain.subject, plain.item_amount, plain.item_places) == ("住房公积金(01项)", D("96.4"), 1)
    # an item opening with last year's execution states no amount of its own
    (none,) = change_claims("2022年当年预算执行数为1.48万元，2023年预算安排2.63万元，比2022年预算执行数增加77.70%。")
    assert none.item_amount is None
