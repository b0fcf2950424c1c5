"""Chinese names the finance office reads: checks, severities, report types."""

from __future__ import annotations

CHECK_LABELS: dict[str, str] = {
    "fund_total_mismatch": "资金合计不符",
    "execution_rate_mismatch": "执行率计算不符",
    "fund_score_mismatch": "资金得分不符",
    "weight_sum_mismatch": "分值合计不符",
    "score_sum_mismatch": "得分合计不符",
    "score_exceeds_weight": "得分超过分值",
    "grade_mismatch": "评分等级不符",
    "missing_deviation_reason": "扣分未说明偏差原因",
    "budget_hierarchy_mismatch": "科目层级合计不符",
    "budget_column_sum_mismatch": "栏目合计不符",
    "budget_balance_mismatch": "收支不平衡",
    "budget_cross_table_mismatch": "跨表金额不一致",
    "budget_economic_total_mismatch": "经济分类合计与基本支出不符",
    "narrative_amount_mismatch": "说明金额与表格不符",
}

# What each rule expects, in one sentence (DOMAIN.md "Rules the numbers must obey").
CHECK_RULES: dict[str, str] = {
    "fund_total_mismatch": "年度资金总额 = 当年财政拨款 + 上年结转资金 + 其他资金（各金额栏）",
    "execution_rate_mismatch": "执行率 = 执行数 ÷ 全年（跟踪期）预算数 × 100",
    "fund_score_mismatch": "资金得分 = 分值 × min(执行率, 100) ÷ 100",
    "weight_sum_mismatch": "资金分值 + 各指标分值 = 总分值（100）",
    "score_sum_mismatch": "资金得分 + 各指标得分 = 总得分",
    "score_exceeds_weight": "0 ≤ 指标得分 ≤ 指标分值",
    "grade_mismatch": "优 ≥ 90，良 80–90，中 60–80，差 < 60",
    "missing_deviation_reason": "扣分的指标须填写偏差原因分析及改进措施",
    "budget_hierarchy_mismatch": "类 = Σ款，款 = Σ项，合计 = Σ类",
    "budget_column_sum_mismatch": "合计 = 基本支出 + 项目支出；收入合计 = Σ各收入栏",
    "budget_balance_mismatch": "收入总计 = 支出总计",
    "budget_cross_table_mismatch": "同一科目在各表中的金额一致",
    "budget_economic_total_mismatch": "经济分类合计 = 基本支出合计",
    "narrative_amount_mismatch": "编制说明中的金额（万元）= 表格金额 ÷ 10000",
}

SEVERITY_LABELS: dict[str, str] = {"error": "错误", "warning": "警告", "info": "提示"}
SEVERITY_ORDER: dict[str, int] = {"error": 0, "warning": 1, "info": 2}
SEVERITY_COLORS: dict[str, str] = {"error": "#b83227", "warning": "#c98a00", "info": "#7f8c8d"}

REPORT_TYPE_LABELS: dict[str, str] = {
    "self_eval": "绩效自评表",
    "tracking": "绩效跟踪表",
    "target": "绩效目标表",
}


def check_label(check_name: str) -> str:
    """The Chinese name of a check; unknown names are shown as they are."""
    return CHECK_LABELS.get(check_name, check_name)


def severity_label(severity: str | None) -> str:
    return SEVERITY_LABELS.get(severity or "", severity or "—")


def severity_rank(severity: str | None) -> int:
    return SEVERITY_ORDER.get(severity or "", 9)


# Codes the checks put in subject / measure (fund_source, the narrative's context), in Chinese.
CODE_LABELS: dict[str, str] = {
    "total": "总额",
    "subject": "科目金额",
    "three_public": "“三公”经费",
    "operating_cost": "机关运行经费",
    "current_year_appropriation": "当年财政拨款",
    "carryover": "上年结转资金",
    "other": "其他资金",
}


def families_label(families: str | None) -> str:
    """raw.source_files.families ('self_eval,tracking') in Chinese: '绩效自评表、绩效跟踪表'."""
    names = {**REPORT_TYPE_LABELS, "budget": "部门预算"}
    return "、".join(names.get(f.strip(), f.strip()) for f in (families or "").split(",") if f.strip())


def code_label(text: str | None) -> str | None:
    """A code the checks wrote ('total', 'subject') in Chinese; any other text as it is."""
    return CODE_LABELS.get(text, text) if text else text
