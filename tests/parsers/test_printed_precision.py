"""The printed precision of amounts travels with them: the checks' tolerances follow it."""

from __future__ import annotations

from decimal import Decimal

from pipeline_helpers import SAMPLES

from dagster_project.parsers import parse_file
from dagster_project.parsers.amounts import parse_amount, printed_decimals

BUDGET_SAMPLE = SAMPLES / "003_7cadc0ecdd172fe9.txt"


def test_decimals_as_printed():
    cases = {"17,192": 0, "39,241.79": 2, "1203.00": 2, "0": 0, "9480.1": 1, "１２.５万元": 1, "100.00%": 2}
    assert {text: printed_decimals(parse_amount(text)) for text in cases} == cases
    assert printed_decimals(None) is None


def test_budget_cells_and_narrative_amounts_carry_their_printed_decimals():
    result = parse_file(BUDGET_SAMPLE, BUDGET_SAMPLE.name)
    narrative = {(n.line_no, n.subject_name): (n.amount, n.decimals) for n in result.narrative_amounts}
    # line 115: 一般公共预算拨款支出预算39,241.78万元 … 政府性基金拨款支出预算0万元
    assert narrative[(115, "一般公共预算拨款支出预算")] == (Decimal("39241.78"), 2)
    assert narrative[(115, "政府性基金拨款支出预算")] == (Decimal(0), 0)
    assert all(c.decimals == -c.amount.as_tuple().exponent for c in result.budget_cells if c.amount is not None)
    assert {c.decimals for c in result.budget_cells} >= {0, 2}
