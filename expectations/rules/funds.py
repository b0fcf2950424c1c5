"""Rules on the fund rows of a report (marts.fct_project_fund)."""

from __future__ import annotations

from . import ERROR, ExpectDifferenceWithinTolerance, Rule


class ExpectFundTotalEqualsSumOfSources(ExpectDifferenceWithinTolerance):
    """年度资金总额 = 当年财政拨款 + 上年结转资金 + 其他资金 (each amount column)."""

    description: str = "年度资金总额应等于当年财政拨款、上年结转资金与其他资金之和（逐列，每项容差 0.01 个填报单位）"


class ExpectExecutionRateEqualsExecutedOverBudget(ExpectDifferenceWithinTolerance):
    """执行率 = 执行数 / 全年预算数 × 100 (tracking: 跟踪期预算数)."""

    description: str = "执行率应等于执行数 ÷ 全年预算数（跟踪表：跟踪期预算数）× 100（容差 ±0.05 个百分点）"


class ExpectFundScoreEqualsWeightTimesCappedRate(ExpectDifferenceWithinTolerance):
    """资金得分 = 分值 × min(执行率, 100) / 100 (self-evaluation total row)."""

    description: str = "资金得分应等于分值 × min(执行率, 100%)（容差 ±0.05 分）"


RULES = [
    Rule(
        check_name="fund_total_mismatch",
        mart="fct_project_fund",
        severity=ERROR,
        expectation_class=ExpectFundTotalEqualsSumOfSources,
        value_kind="amount",
        message=(
            "{who}的项目资金“{measure}”：年度资金总额应为各资金来源之和 {expected}（{detail}），"
            "实际填报 {observed}，相差 {difference}（容差 {tolerance}）。"
        ),
    ),
    Rule(
        check_name="execution_rate_mismatch",
        mart="fct_project_fund",
        severity=ERROR,
        expectation_class=ExpectExecutionRateEqualsExecutedOverBudget,
        value_kind="rate",
        message=(
            "{who}的“{subject}”执行率应为 {expected}（{detail}），实际填报 {observed}，"
            "相差 {difference}（容差 {tolerance}）。"
        ),
    ),
    Rule(
        check_name="fund_score_mismatch",
        mart="fct_project_fund",
        severity=ERROR,
        expectation_class=ExpectFundScoreEqualsWeightTimesCappedRate,
        value_kind="score",
        message=(
            "{who}的资金得分应为 {expected}（{detail}），实际填报 {observed}，"
            "相差 {difference}（容差 {tolerance}）。"
        ),
    ),
]
