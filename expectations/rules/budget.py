"""Rules on department budget tables (marts.fct_budget_line)."""

from __future__ import annotations

from . import ERROR, ExpectDifferenceWithinTolerance, Rule


class ExpectParentSubjectEqualsSumOfChildren(ExpectDifferenceWithinTolerance):
    """类 = Σ 款, 款 = Σ 项, 合计 = Σ 类 (same table, side and column)."""

    description: str = "预算表中每个类应等于所属各款之和、每个款应等于所属各项之和、合计应等于各类之和（每项容差 0.01 个填报单位）"


class ExpectTotalColumnEqualsSumOfColumns(ExpectDifferenceWithinTolerance):
    """合计 = 基本支出 + 项目支出 / Σ income columns / 人员经费 + 公用经费; 三公 合计 = its parts."""

    description: str = "预算表每行“合计”列应等于其余各列之和（基本支出 + 项目支出、各项收入、人员经费 + 公用经费；“三公”经费合计 = 各分项）"


class ExpectIncomeTotalEqualsExpenditureTotal(ExpectDifferenceWithinTolerance):
    """Two-sided tables: 收入总计 = 支出总计."""

    description: str = "收支总表的收入总计应等于支出总计"


class ExpectSubjectAgreesAcrossTables(ExpectDifferenceWithinTolerance):
    """The same subject and measure agree across the tables of one file and year."""

    description: str = "同一科目在同一文件的收入表、支出表、财政拨款表及功能分类表中的金额应一致"


class ExpectEconomicTotalEqualsBasicExpenditure(ExpectDifferenceWithinTolerance):
    """基本支出经济分类预算表 合计 = 功能分类预算表 基本支出 合计."""

    description: str = "基本支出经济分类预算表合计应等于对应功能分类预算表的基本支出合计"


_WHERE = "{who}“{subject}”"
RULES = [
    Rule(
        check_name="budget_hierarchy_mismatch",
        mart="fct_budget_line",
        severity=ERROR,
        expectation_class=ExpectParentSubjectEqualsSumOfChildren,
        value_kind="amount",
        message=_WHERE + "的“{measure}”应为{detail} {expected}，实际 {observed}，相差 {difference}（容差 {tolerance}）。",
    ),
    Rule(
        check_name="budget_column_sum_mismatch",
        mart="fct_budget_line",
        severity=ERROR,
        expectation_class=ExpectTotalColumnEqualsSumOfColumns,
        value_kind="amount",
        message=_WHERE + "的“{measure}”应为{detail} {expected}，实际 {observed}，相差 {difference}（容差 {tolerance}）。",
    ),
    Rule(
        check_name="budget_balance_mismatch",
        mart="fct_budget_line",
        severity=ERROR,
        expectation_class=ExpectIncomeTotalEqualsExpenditureTotal,
        value_kind="amount",
        message="{who}：支出总计应等于收入总计 {expected}（{detail}），实际 {observed}，相差 {difference}。",
    ),
    Rule(
        check_name="budget_cross_table_mismatch",
        mart="fct_budget_line",
        severity=ERROR,
        expectation_class=ExpectSubjectAgreesAcrossTables,
        value_kind="amount",
        message=_WHERE + "的“{measure}”应与{detail}一致，为 {expected}，实际 {observed}，相差 {difference}。",
    ),
    Rule(
        check_name="budget_economic_total_mismatch",
        mart="fct_budget_line",
        severity=ERROR,
        expectation_class=ExpectEconomicTotalEqualsBasicExpenditure,
        value_kind="amount",
        message="{who}的合计应等于{detail} {expected}，实际 {observed}，相差 {difference}。",
    ),
]
