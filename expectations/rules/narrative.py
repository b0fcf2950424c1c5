"""Rule on amounts restated in the budget narrative (marts.fct_narrative_amount)."""

from __future__ import annotations

from . import ERROR, ExpectDifferenceWithinTolerance, Rule


class ExpectNarrativeAmountMatchesTables(ExpectDifferenceWithinTolerance):
    """An amount in the 预算编制说明 agrees with the budget tables (0.01 万元)."""

    description: str = "预算编制说明及“三公”说明中的金额应与预算表一致（容差 0.01 个说明单位，即 100 元/万元）"


RULES = [
    Rule(
        check_name="narrative_amount_mismatch",
        mart="fct_narrative_amount",
        severity=ERROR,
        expectation_class=ExpectNarrativeAmountMatchesTables,
        value_kind="amount",
        message=(
            "{who}：说明中“{subject}”为 {observed}，与预算表金额 {expected}（{detail}）不一致，"
            "相差 {difference}。"
        ),
    ),
]
