"""Rules on indicators and report totals (marts.fct_indicator, marts.fct_report)."""

from __future__ import annotations

import great_expectations.expectations as gxe

from . import ERROR, WARNING, ExpectDifferenceWithinTolerance, Rule


class ExpectIndicatorScoreWithinWeight(ExpectDifferenceWithinTolerance):
    """0 ≤ 指标得分 ≤ 指标分值 (abs_diff = distance outside that range)."""

    description: str = "指标得分不得超过该指标分值，且得分、分值均不得为负"


class ExpectWeightsSumToTotalWeight(ExpectDifferenceWithinTolerance):
    """资金分值 + Σ 指标分值 = 总分 (100)."""

    description: str = "资金分值与各指标分值之和应等于总分分值（通常为 100，容差 ±0.05）"


class ExpectScoresSumToTotalScore(ExpectDifferenceWithinTolerance):
    """资金得分 + Σ 指标得分 = 总得分."""

    description: str = "资金得分与各指标得分之和应等于总得分（容差 ±0.05）"


class ExpectGradeMatchesTotalScore(gxe.ExpectColumnPairValuesToBeEqual):
    """评分等级 follows the total score: 优 ≥ 90, 良 80–<90, 中 60–<80, 差 < 60."""

    column_A: str = "expected_text"
    column_B: str = "observed_text"
    description: str = "评分等级应与总得分相符：优 ≥ 90，良 80–90，中 60–80，差 < 60"


class ExpectDeviationReasonWhenPointsLost(gxe.ExpectColumnValuesToNotBeNull):
    """An indicator scoring below its weight states 偏差原因分析及改进措施."""

    column: str = "observed_text"
    description: str = "指标得分低于分值时，应填写偏差原因分析及改进措施"


RULES = [
    Rule(
        check_name="score_exceeds_weight",
        mart="fct_indicator",
        severity=ERROR,
        expectation_class=ExpectIndicatorScoreWithinWeight,
        value_kind="score",
        message=(
            "{who}的指标“{subject}”（{detail}）：得分应在 0 与分值 {expected} 之间，"
            "实际得分 {observed}。"
        ),
    ),
    Rule(
        check_name="weight_sum_mismatch",
        mart="fct_report",
        severity=ERROR,
        expectation_class=ExpectWeightsSumToTotalWeight,
        value_kind="weight",
        message=(
            "{who}：资金分值与各指标分值之和应等于总分 {expected}，实际为 {observed}（{detail}），"
            "相差 {difference}。"
        ),
    ),
    Rule(
        check_name="score_sum_mismatch",
        mart="fct_report",
        severity=ERROR,
        expectation_class=ExpectScoresSumToTotalScore,
        value_kind="score",
        message=(
            "{who}：总得分应为资金得分与各指标得分之和 {expected}（{detail}），实际填报 {observed}，"
            "相差 {difference}。"
        ),
    ),
    Rule(
        check_name="grade_mismatch",
        mart="fct_report",
        severity=ERROR,
        expectation_class=ExpectGradeMatchesTotalScore,
        value_kind="grade",
        message="{who}：按总得分评分等级应为“{expected}”，实际为“{observed}”（{detail}）。",
    ),
    Rule(
        check_name="missing_deviation_reason",
        mart="fct_indicator",
        severity=WARNING,
        expectation_class=ExpectDeviationReasonWhenPointsLost,
        value_kind="text",
        message="{who}的指标“{subject}”未得满分（{detail}），但未填写偏差原因分析及改进措施。",
    ),
]
