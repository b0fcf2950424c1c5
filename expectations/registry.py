"""The rule registry: every finance rule once, with everything the rest of the house derives from it.

A rule's check rows are the dbt model ``quality.chk_<check_name>`` (``dbt/models/quality``);
its verdict is the Great Expectations expectations listed here (``expectations/gx_rules.py``);
the Dagster asset checks (``dagster_project/checks.py``), the report's labels
(``dagster_project/reporting/labels.py``) and the workbook take name, Chinese label, formula,
mart and severity from here. Plain data: importing it imports no GX.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

ERROR = "error"
WARNING = "warning"
# A difference that only the printed precision explains (rounding, or a narrative that truncates):
# shown apart from errors and warnings, never counted as one (DOMAIN.md, "Rules the numbers must obey").
HINT = "hint"
SEVERITY_ORDER: tuple[str, ...] = (ERROR, WARNING, HINT)  # most severe first

# 评分等级 by total score: (level, lowest score of the band), best first; below the last band: 差.
GRADE_BANDS: tuple[tuple[str, int], ...] = (("优", 90), ("良", 80), ("中", 60), ("差", 0))
# Reasons printed only as a placeholder count as not given.
BLANK_REASONS: tuple[str, ...] = ("无", "/", "／")

RATE_TOLERANCE = Decimal("0.05")  # rates and scores: ±0.05 (DOMAIN.md)
# Amounts: equal as printed passes; a difference within the model's tolerance_yuan (one printed unit
# per summed term: what rounding or truncation explains) is a hint; beyond it, the rule's severity.
EXACT = Decimal(0)


# Document families (a file may hold several): report tables by their report_type, and budgets.
REPORT_FAMILIES: tuple[str, ...] = ("self_eval", "tracking", "target")
ALL_FAMILIES: tuple[str, ...] = (*REPORT_FAMILIES, "budget")
MART_FAMILIES: dict[str, tuple[str, ...]] = {
    "fct_report": REPORT_FAMILIES,
    "fct_project_fund": REPORT_FAMILIES,
    "fct_indicator": REPORT_FAMILIES,
    "fct_budget_line": ("budget",),
    "fct_narrative_amount": ("budget",),
}

# Rules whose check rows compare files: a project's documents (int_project_documents_matched), a
# department-year's budget files (int_budget_documents), or another such rule's rows, and every rule
# whose model dbt rebuilds whole rather than per file. A change to
# one file can change another file's rows, so an incremental run judges every row of these
# (expectations/scope.py); the other rules' rows of an unchanged file stay as they were judged.
CROSS_FILE_RULES: frozenset[str] = frozenset({
    "target_changed_between_documents",
    "budget_initial_mismatch_across_documents",
    "narrative_amount_mismatch",
    "narrative_change_mismatch",
    "narrative_subject_amounts_differ",
    "unit_label_implausible",
    "empty_table_without_statement",  # its 说明 may be the department-year's other file
})
# Of those, the rules whose model dbt rebuilds per entity (a project, a department-year: unique_key
# entity_key, dbt/macros/per_file.sql): an incremental run judges the rows of the entities the change
# touched (quality.cross_file_touched) and keeps the others' verdicts (expectations/scope.py).
ENTITY_RULES: frozenset[str] = frozenset({
    "target_changed_between_documents",
    "budget_initial_mismatch_across_documents",
    "narrative_amount_mismatch",
    "unit_label_implausible",
    "empty_table_without_statement",
})


@dataclass(frozen=True)
class Expect:
    """One GX expectation of a rule: its kind (a class in gx_rules.EXPECTATIONS) and parameters."""

    kind: str
    kwargs: dict = field(default_factory=dict)
    where: tuple[str, str] | None = None  # (column, value): the expectation judges only those rows
    severity: str | None = None  # of a row failing this expectation; None: the rule's severity


@dataclass(frozen=True)
class Rule:
    """One contract check_name: where its rows come from, how GX judges them, how it speaks."""

    check_name: str
    label: str  # Chinese name, for the report and the workbook sheet
    formula: str  # Chinese statement of the rule, with its tolerance
    mart: str  # the mart whose rows the rule is about (its Dagster asset check sits there)
    severity: str  # error | warning
    expectations: tuple[Expect, ...]
    expected: str  # the model column shown as expected_value ("" for text rules)
    observed: str  # the model column shown as observed_value
    value_kind: str  # amount | rate | score | weight | grade | text (a reason) | word (two printed texts)
    message: str  # str.format template, fields: see violations.message_fields
    tolerance: str | Decimal | None = None  # model column, or the constant, shown as tolerance
    # Coverage (quality.check_coverage): the document families the rule applies to (() = those of
    # its mart, MART_FAMILIES) and the inputs it needs, in order (names of expectations.coverage.INPUTS):
    # a document lacking one is "not checked" by the rule, with that input's reason.
    families: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()

    @property
    def applies_to(self) -> tuple[str, ...]:
        return self.families or MART_FAMILIES.get(self.mart, ALL_FAMILIES)

    @property
    def cross_file(self) -> bool:
        return self.check_name in CROSS_FILE_RULES

    @property
    def model(self) -> str:
        return f"chk_{self.check_name}"

    @property
    def suite_name(self) -> str:
        return f"{self.model}_suite"


def _within(
    expected: str, observed: str, tolerance: str | Decimal, where: tuple[str, object] | None = None
) -> Expect:
    """|observed − expected| ≤ tolerance (a column of the model, or a constant)."""
    if isinstance(tolerance, Decimal):
        return Expect("within_tolerance", {"column_list": [expected, observed], "tolerance": float(tolerance)},
                      where=where)
    return Expect("within_tolerance", {"column_list": [expected, observed, tolerance]}, where=where)


def _as_printed(
    expected: str, observed: str, rounding: str, as_printed: str | None = None, where: tuple[str, object] | None = None
) -> tuple[Expect, ...]:
    """Amounts at printed precision: beyond ``rounding`` (a model column) the rule's severity; within
    it, a hint unless observed equals the expected figure as printed (``as_printed``: the expected
    amount rounded to the observed figure's decimals; a sum of printed figures is already that).
    ``where``: (column, value) of the rows judged (the others are another rule's)."""
    return (
        _within(expected, observed, rounding, where),
        Expect(
            "within_tolerance", {"column_list": [as_printed or expected, observed], "tolerance": float(EXACT)},
            where=where, severity=HINT,
        ),
    )


def _amount_rule(
    check_name: str, label: str, formula: str, mart: str, message: str, as_printed: str | None = None,
    families: tuple[str, ...] = (), needs: tuple[str, ...] = (),
    where: tuple[str, object] | None = None,
) -> Rule:
    return Rule(
        check_name=check_name,
        label=label,
        formula=formula,
        mart=mart,
        severity=ERROR,
        expectations=_as_printed("expected_yuan", "observed_yuan", "tolerance_yuan", as_printed, where),
        expected="expected_yuan",
        observed="observed_yuan",
        value_kind="amount",
        message=message,
        tolerance="tolerance_yuan",
        families=families,
        needs=needs,
    )


_WHERE = "{who}“{subject}”"

RULES: tuple[Rule, ...] = (
    _amount_rule(
        "fund_total_mismatch",
        "资金合计不符",
        "年度资金总额 = 当年财政拨款 + 上年结转资金 + 其他资金（各金额栏）；绩效目标表另查 项目资金总额 = "
        "财政资金 + 其他资金（每项 0.01 个填报单位以内的差额为舍入提示）",
        "fct_project_fund",
        "{who}的项目资金“{measure}”：{subject}应为各资金来源之和 {expected}（{detail}），"
        "实际填报 {observed}，相差 {difference}（容差 {tolerance}）。",
        families=("self_eval", "tracking", "target"),
        needs=("fund_totals", "fund_breakdown"),
    ),
    Rule(
        check_name="execution_rate_mismatch",
        families=("self_eval", "tracking"),
        needs=("fund_rows", "execution_rate"),
        label="执行率计算不符",
        formula="执行率 = 执行数 ÷ 全年（跟踪期）预算数 × 100（容差 ±0.05 个百分点）",
        mart="fct_project_fund",
        severity=ERROR,
        expectations=(_within("expected_rate_pct", "observed_rate_pct", RATE_TOLERANCE),),
        expected="expected_rate_pct",
        observed="observed_rate_pct",
        value_kind="rate",
        tolerance=RATE_TOLERANCE,
        message="{who}的“{subject}”执行率应为 {expected}（{detail}），实际填报 {observed}，"
        "相差 {difference}（容差 {tolerance}）。",
    ),
    Rule(
        check_name="fund_score_mismatch",
        families=("self_eval",),
        needs=("fund_rows", "fund_score"),
        label="资金得分不符",
        formula="资金得分 = 分值 × min(执行率, 100) ÷ 100（容差 ±0.05 分）",
        mart="fct_project_fund",
        severity=ERROR,
        expectations=(_within("expected_score", "observed_score", RATE_TOLERANCE),),
        expected="expected_score",
        observed="observed_score",
        value_kind="score",
        tolerance=RATE_TOLERANCE,
        message="{who}的资金得分应为 {expected}（{detail}），实际填报 {observed}，"
        "相差 {difference}（容差 {tolerance}）。",
    ),
    Rule(
        check_name="weight_sum_mismatch",
        families=("self_eval",),
        needs=("indicators", "indicator_weights"),
        label="分值合计不符",
        formula="资金分值 + 各指标分值 = 总分值（通常为 100；容差 ±0.05）",
        mart="fct_report",
        severity=ERROR,
        expectations=(_within("expected_weight", "observed_weight", RATE_TOLERANCE),),
        expected="expected_weight",
        observed="observed_weight",
        value_kind="weight",
        tolerance=RATE_TOLERANCE,
        message="{who}：资金分值与各指标分值之和应等于总分 {expected}，实际为 {observed}（{detail}），"
        "相差 {difference}。",
    ),
    Rule(
        check_name="score_sum_mismatch",
        families=("self_eval",),
        needs=("total_score", "indicator_scores"),
        label="得分合计不符",
        formula="资金得分 + 各指标得分 = 总得分（容差 ±0.05）",
        mart="fct_report",
        severity=ERROR,
        expectations=(_within("expected_score", "observed_score", RATE_TOLERANCE),),
        expected="expected_score",
        observed="observed_score",
        value_kind="score",
        tolerance=RATE_TOLERANCE,
        message="{who}：总得分应为资金得分与各指标得分之和 {expected}（{detail}），实际填报 {observed}，"
        "相差 {difference}。",
    ),
    Rule(
        check_name="score_exceeds_weight",
        families=("self_eval",),
        needs=("indicators", "indicator_scores"),
        label="得分超过分值",
        formula="0 ≤ 指标得分 ≤ 指标分值",
        mart="fct_indicator",
        severity=ERROR,
        expectations=(
            Expect("a_at_least_b", {"column_A": "expected_max_score", "column_B": "observed_score", "or_equal": True}),
            Expect("between", {"column": "observed_score", "min_value": 0}),
            Expect("between", {"column": "expected_max_score", "min_value": 0}),
        ),
        expected="expected_max_score",
        observed="observed_score",
        value_kind="score",
        tolerance=EXACT,  # compared as printed: no rounding allowance
        message="{who}的指标“{subject}”（{detail}）：得分应在 0 与分值 {expected} 之间，实际得分 {observed}。",
    ),
    Rule(
        check_name="grade_mismatch",
        families=("self_eval",),
        needs=("total_score", "grade"),
        label="评分等级不符",
        formula="评分等级按总得分：优 ≥ 90，良 80–<90，中 60–<80，差 < 60",
        mart="fct_report",
        severity=ERROR,
        expectations=(
            Expect(
                "grade_in_band",
                {"column_list": ["observed_score", "observed_grade"], "bands": [list(b) for b in GRADE_BANDS]},
            ),
        ),
        expected="",
        observed="observed_grade",
        value_kind="grade",
        message="{who}：按总得分评分等级应为“{expected}”，实际为“{observed}”（{detail}）。",
    ),
    Rule(
        check_name="missing_deviation_reason",
        families=("self_eval", "tracking"),
        needs=("indicators",),
        label="扣分未说明偏差原因",
        formula="得分低于分值或实际完成值未达年度指标值的指标，须填写偏差原因分析及改进措施（“无”“/”视为未填；"
        "跟踪表填有全年预计完成值的，按预计值判断）",
        mart="fct_indicator",
        severity=WARNING,
        expectations=(
            Expect(
                "reason_when_points_lost",
                {
                    "column_list": ["weight", "score", "observed_reason", "achievement"],
                    "blank_values": list(BLANK_REASONS),
                    "missed_value": "not_met",
                },
            ),
        ),
        expected="",
        observed="observed_reason",
        value_kind="text",
        message="{who}的指标“{subject}”未得满分或未达目标（{detail}），但未填写偏差原因分析及改进措施。",
    ),
    Rule(
        check_name="score_despite_target_missed",
        families=("self_eval",),
        needs=("indicators", "indicator_scores"),
        label="未达目标仍得满分",
        formula="实际完成值未达年度指标值（achievement = not_met）的指标，得分应低于分值",
        mart="fct_indicator",
        severity=ERROR,
        expectations=(
            Expect(
                "a_at_least_b",
                {"column_A": "expected_max_score", "column_B": "observed_score", "or_equal": False},
                where=("achievement", "not_met"),
            ),
        ),
        expected="expected_max_score",
        observed="observed_score",
        value_kind="score",
        tolerance=EXACT,  # compared as printed: no rounding allowance
        message="{who}的指标“{subject}”实际未达目标（{detail}），却得满分：得分 {observed}，分值 {expected}。",
    ),
    Rule(
        check_name="points_lost_though_target_met",
        families=("self_eval",),
        needs=("indicators", "indicator_scores"),
        label="已达目标仍扣分",
        formula="实际完成值达到年度指标值（achievement = met）的指标，通常应得满分（得分 = 分值）",
        mart="fct_indicator",
        severity=WARNING,
        expectations=(
            Expect(
                "a_at_least_b",
                {"column_A": "observed_score", "column_B": "expected_score", "or_equal": True},
                where=("achievement", "met"),
            ),
        ),
        expected="expected_score",
        observed="observed_score",
        value_kind="score",
        tolerance=EXACT,  # compared as printed: no rounding allowance
        message="{who}的指标“{subject}”已达目标（{detail}），但得分 {observed} 低于分值 {expected}，相差 {difference}。",
    ),
    _amount_rule(
        "budget_hierarchy_mismatch",
        "科目层级合计不符",
        "类 = Σ款，款 = Σ项，合计 = Σ类（同表、同栏；每项一个印刷末位以内的差额为舍入提示）",
        "fct_budget_line",
        _WHERE + "的“{measure}”应为{detail} {expected}，实际 {observed}，相差 {difference}（容差 {tolerance}）。",
        families=("budget",),
        needs=("budget_tables", "coded_rows"),
    ),
    _amount_rule(
        "budget_column_sum_mismatch",
        "栏目合计不符",
        "合计 = 基本支出 + 项目支出；收入合计 = Σ各收入栏；“三公”合计 = 各分项（每栏一个印刷末位以内的差额为舍入提示）",
        "fct_budget_line",
        _WHERE + "的“{measure}”应为{detail} {expected}，实际 {observed}，相差 {difference}（容差 {tolerance}）。",
        families=("budget",),
        needs=("budget_tables",),
    ),
    _amount_rule(
        "budget_balance_mismatch",
        "收支不平衡",
        "收支总表：收入总计 = 支出总计（一个印刷末位以内的差额为舍入提示）",
        "fct_budget_line",
        "{who}：支出总计应等于收入总计 {expected}（{detail}），实际 {observed}，相差 {difference}。",
        families=("budget",),
        needs=("budget_tables", "table:finance_summary|appropriation", "balance_totals"),
    ),
    _amount_rule(
        "budget_cross_table_mismatch",
        "跨表金额不一致",
        "同一科目在收入表、支出表、财政拨款表、功能分类表中的金额一致（每项一个印刷末位以内的差额为舍入提示）",
        "fct_budget_line",
        _WHERE + "的“{measure}”应与{detail}一致，为 {expected}，实际 {observed}，相差 {difference}。",
        families=("budget",),
        needs=("budget_tables", "table:income|appropriation|finance_summary", "table:expenditure|gpb_function|gf_function"),
    ),
    _amount_rule(
        "budget_economic_total_mismatch",
        "经济分类合计与基本支出不符",
        "基本支出经济分类预算表合计 = 对应功能分类预算表的基本支出合计（一个印刷末位以内的差额为舍入提示）",
        "fct_budget_line",
        "{who}的合计应等于{detail} {expected}，实际 {observed}，相差 {difference}。",
        families=("budget",),
        needs=("budget_tables", "table:economic", "table:expenditure|gpb_function|gf_function"),
    ),
    _amount_rule(
        "narrative_amount_mismatch",
        "说明金额与表格不符",
        "预算编制说明中的金额 = 表格金额按说明印刷的位数四舍五入（如 17,192万元 即 171,915,169 元）；"
        "与表格金额相差不超过一个印刷末位（且不小于 0.01 万元）的，为截位或舍入，仅作提示",
        "fct_narrative_amount",
        "{who}：说明中“{subject}”为 {observed}，与预算表金额 {expected}（{detail}）不一致，相差 {difference}。",
        as_printed="as_printed_yuan",
        families=("budget",),
        needs=("narrative_amounts", "budget_tables"),
        # a figure that agrees when read in the other unit is unit_label_implausible's, not this rule's
        where=("unit_plausible", True),
    ),
)

RULES += (
    Rule(
        check_name="target_changed_between_documents",
        families=("self_eval", "tracking"),
        needs=("indicators", "compared_project"),
        label="跨文件指标值不一致",
        formula="同一项目（规范单位名 + 项目名称 + 年度）在绩效目标表、跟踪表、自评表中的同一指标，年度指标值应一致",
        mart="fct_indicator",
        severity=WARNING,
        expectations=(Expect("pair_equal", {"column_A": "expected_target", "column_B": "observed_target"}),),
        expected="expected_target_text",
        observed="observed_target_text",
        value_kind="word",
        message="{who}的指标“{subject}”年度指标值为“{observed}”，与{detail}不一致。",
    ),
    Rule(
        check_name="budget_initial_mismatch_across_documents",
        families=("self_eval", "tracking"),
        needs=("compared_project",),
        label="跨文件预算数不一致",
        formula="同一项目在绩效目标表（年度预算安排）、跟踪表与自评表（年初预算数）中的预算数应一致（0.01 个填报单位以内的差额为舍入提示）",
        mart="fct_report",
        severity=ERROR,
        expectations=_as_printed("expected_yuan", "observed_yuan", "tolerance_yuan"),
        expected="expected_yuan",
        observed="observed_yuan",
        value_kind="amount",
        tolerance="tolerance_yuan",
        message="{who}的“{measure}”为 {observed}，与{detail}不一致，相差 {difference}。",
    ),
)

RULES += (
    Rule(
        check_name="budget_table_missing",
        families=("budget",),
        needs=("budget_tables", "known_template"),
        label="缺少标准预算表",
        formula="部门预算公开其模板的全部标准表（上海区级 9 张，2023 年起含国有资本经营预算表；江苏省级 12 张；"
        "按文件核对，文件须含该模板至少一半的表才核对）",
        mart="fct_budget_line",
        severity=WARNING,
        expectations=(Expect("between", {"column": "tables_found", "min_value": 1}),),
        expected="expected_table",
        observed="observed_table",
        value_kind="word",
        message="{who}：按{detail}应公开{expected}，文件中{observed}。",
    ),
)

# The checks reviewers make by hand (issue 21): prose against itself, codes and names, 其中 items, placeholders.
RULES += (
    Rule(
        check_name="narrative_change_mismatch",
        families=("budget",),
        needs=("narrative_changes",),
        label="说明增减比例不符",
        formula="说明中“A万元……B万元，比……增加/减少P%”：P = (B − A) ÷ A × 100，方向与增加/减少一致"
        "（容差按 A、B、P 的印刷精度；持平无百分比时 ±1 个百分点）",
        mart="fct_narrative_amount",
        severity=ERROR,
        expectations=(_within("expected_rate_pct", "observed_rate_pct", "tolerance_pct"),),
        expected="expected_rate_pct",
        observed="observed_rate_pct",
        value_kind="rate",
        tolerance="tolerance_pct",
        message="{who}：“{subject}”{detail}，按两数计算变动应为 {expected}，说明写为 {observed}"
        "（减少记为负），相差 {difference}（容差 {tolerance}）。",
    ),
    Rule(
        check_name="budget_code_not_nested",
        families=("budget",),
        needs=("budget_tables", "coded_rows"),
        label="科目编码未嵌套于上级",
        formula="款、项科目编码以其所在上级科目（同表中其上方最近的类或款行）的编码开头",
        mart="fct_budget_line",
        severity=ERROR,
        expectations=(Expect("pair_equal", {"column_A": "expected_parent_code", "column_B": "observed_parent_code"}),),
        expected="expected_parent_code",
        observed="observed_parent_code",
        value_kind="word",
        message="{who}中“{subject}”列在{detail}之下，编码应以“{expected}”开头，实际为“{observed}”。",
    ),
    Rule(
        check_name="sub_item_exceeds_total",
        families=("self_eval", "tracking", "target"),
        needs=("fund_rows", "fund_total_row", "fund_parts"),
        label="其中项大于总额",
        formula="其中项（当年财政拨款、上年结转资金、其他资金）≤ 年度资金总额（绩效目标表：年度资金申请总额），同一金额栏",
        mart="fct_project_fund",
        severity=ERROR,
        expectations=(
            Expect("a_at_least_b", {"column_A": "expected_max_yuan", "column_B": "observed_yuan", "or_equal": True}),
        ),
        expected="expected_max_yuan",
        observed="observed_yuan",
        value_kind="amount",
        tolerance=EXACT,  # compared as printed: no rounding allowance
        message="{who}的“{measure}”：其中项“{subject}”为 {observed}，大于{detail} {expected}，超出 {difference}。",
    ),
    _amount_rule(
        "narrative_subject_amounts_differ",
        "说明同一科目前后金额不一",
        "说明中同一条目对同一科目只写一个预算金额：条目开头的金额 = 其后“YYYY年预算安排B万元”（容差按两数的印刷精度）",
        "fct_narrative_amount",
        "{who}：“{subject}”{detail}，两处金额应一致：开头 {expected}，{measure} {observed}，相差 {difference}。",
        families=("budget",),
        needs=("narrative_items",),
    ),
    Rule(
        check_name="budget_subject_name_mismatch",
        families=("budget",),
        needs=("budget_tables",),
        label="科目名称与编码不符",
        formula="功能分类科目名称与其编码一致：类为标准名称（或本文件其他表中同一编码的名称），款、项与本文件多数表一致；"
        "2019 年起仍用旧名称（如 210 医疗卫生与计划生育支出）亦提示",
        mart="fct_budget_line",
        severity=WARNING,
        expectations=(Expect("pair_equal", {"column_A": "expected_name_key", "column_B": "observed_name_key"}),),
        expected="expected_name_text",
        observed="observed_name_text",
        value_kind="word",
        message="{who}中“{subject}”（{measure}）：应为“{expected}”，实际为“{observed}”（{detail}）。",
    ),
    Rule(
        check_name="placeholder_text",
        families=ALL_FAMILIES,
        needs=("source_lines",),
        label="文本留有占位符",
        formula="公开文本中不留模板占位符（XX、××、ＸＸ、〔单位〕、某某等，见种子表 placeholder_patterns）",
        mart="fct_source_file",
        severity=WARNING,
        expectations=(Expect("pair_equal", {"column_A": "expected_placeholder", "column_B": "observed_placeholder"}),),
        expected="expected_placeholder",
        observed="observed_placeholder",
        value_kind="word",
        message="{who}留有占位符“{observed}”（{detail}），应填写实际内容。",
    ),
)

# The checks reviewers make by hand (issue 21, continued): an empty table says so.
RULES += (
    Rule(
        check_name="empty_table_without_statement",
        label="空表未注明",
        formula="未列出任何金额的标准预算表须注明本表为空（表下或说明中，如“此表为空”“本部门无政府性基金预算收支”；"
        "用语见种子表 empty_table_statements）",
        mart="fct_budget_line",
        severity=WARNING,
        expectations=(Expect("between", {"column": "statements_found", "min_value": 1}),),
        expected="expected_statement",
        observed="observed_statement",
        value_kind="word",
        message="{who}：{detail}，应{expected}，{observed}。",
        families=("budget",),
        needs=("budget_tables", "known_template", "empty_tables"),
    ),
    Rule(
        check_name="unit_label_implausible",
        label="金额单位不合理",
        formula="金额的单位与本文件其他数字相符：说明中的“万元”金额按“元”读即与表格金额一致（或反之，恰差 10⁴ 倍）；"
        "绩效目标表“本年度项目金额（万元）”超过本表成本指标上限、按元读则在上限之内",
        mart="fct_narrative_amount",
        severity=WARNING,
        expectations=(Expect("pair_equal", {"column_A": "expected_unit", "column_B": "observed_unit"}),),
        expected="expected_unit",
        observed="observed_unit",
        value_kind="word",
        message="{who}：“{subject}”（{measure}）标为“{observed}”，{detail}，单位应为“{expected}”。",
        families=("budget", "target"),
        needs=("unit_comparisons",),
    ),
)

MARTS: tuple[str, ...] = tuple(dict.fromkeys(rule.mart for rule in RULES))


def rule(check_name: str) -> Rule:
    return next(r for r in RULES if r.check_name == check_name)


def expected_grade(score: Decimal | None) -> str | None:
    """The level a total score earns under GRADE_BANDS (for the message; GX gives the verdict)."""
    if score is None:
        return None
    return next((level for level, lowest in GRADE_BANDS if score >= lowest), GRADE_BANDS[-1][0])
