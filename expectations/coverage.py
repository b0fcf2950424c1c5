"""quality.check_coverage: for each document and each rule that applies to it, whether the rule ran.

A document is a source file; its families are the report types of its report tables and
``budget`` when it holds budget tables or a budget's prose. A rule applies to a document when they
share a family (``Rule.applies_to``). Its status there:

- ``found``: the rule found errors or warnings in the document;
- ``ran_clean``: it checked rows of the document and found nothing (rounding hints are no finding);
- ``not_run``: it checked nothing there, with ``reason`` (Chinese, for the report): the first input
  of ``Rule.needs`` the document lacks (INPUTS), else that no row met the rule's conditions, or the
  rule itself could not be evaluated. A not-run rule is never counted as passed.

Each input is declared once here: the reason shown when it is missing and the SQL listing the
documents that have it. ``table:<kind>|<kind>`` needs a budget table of any of those kinds
(seed budget_table_kinds, whose Chinese titles make the reason).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pyarrow as pa

from .registry import Rule

FOUND, RAN_CLEAN, NOT_RUN = "found", "ran_clean", "not_run"
STATUS_LABELS = {FOUND: "发现问题", RAN_CLEAN: "已检查无问题", NOT_RUN: "未检查"}
NOTHING_TO_CHECK = "无符合规则条件的数据"  # every input present, yet no row the rule could compare
RULE_FAILED = "规则未能运行："


@dataclass(frozen=True)
class Input:
    reason: str  # why a rule needing it could not run on a document without it
    sql: str  # source_file of every document that has it


INPUTS: dict[str, Input] = {
    "fund_rows": Input("表格缺失：项目资金表（无资金行）", "select source_file from marts.fct_project_fund"),
    "fund_total_row": Input(
        "缺少年度资金总额行", "select source_file from marts.fct_project_fund where fund_source = 'total'"
    ),
    "fund_parts": Input(
        "年度资金总额未分列资金来源（当年财政拨款、上年结转资金、其他资金）",
        "select source_file from marts.fct_project_fund where fund_source <> 'total' and coalesce("
        "budget_initial_yuan, budget_adjusted_yuan, budget_tracking_yuan, executed_yuan) is not null",
    ),
    # fund_total_mismatch also checks a 绩效目标填报表's 项目资金总额 against its 财政资金 + 其他资金
    "fund_totals": Input(
        "表格缺失：项目资金表（无资金总额）",
        "select source_file from marts.fct_project_fund where fund_source = 'total' "
        "union select source_file from marts.fct_report where project_total_yuan is not null",
    ),
    "fund_breakdown": Input(
        "资金总额未分列资金来源（当年财政拨款、上年结转资金、其他资金，或财政资金、其他资金）",
        "select source_file from marts.fct_project_fund where fund_source <> 'total' and coalesce("
        "budget_initial_yuan, budget_adjusted_yuan, budget_tracking_yuan, executed_yuan) is not null "
        "union select source_file from marts.fct_report "
        "where coalesce(project_total_fiscal_yuan, project_total_other_yuan) is not null",
    ),
    "execution_rate": Input(
        "数值无法读取：执行率（或执行数、预算数）",
        "select source_file from marts.fct_project_fund where execution_rate_pct is not null "
        "and executed_yuan is not null and coalesce(budget_adjusted_yuan, budget_tracking_yuan) <> 0",
    ),
    "fund_score": Input(
        "数值无法读取：资金分值或得分",
        "select source_file from marts.fct_project_fund where fund_source = 'total' "
        "and weight is not null and score is not null",
    ),
    "indicators": Input("表格缺失：绩效指标表", "select source_file from marts.fct_indicator"),
    "indicator_weights": Input(
        "数值无法读取：指标分值", "select source_file from marts.fct_indicator where weight is not null"
    ),
    "indicator_scores": Input(
        "数值无法读取：指标得分", "select source_file from marts.fct_indicator where score is not null"
    ),
    "total_score": Input(
        "数值无法读取：总得分", "select source_file from marts.fct_report where total_score is not null"
    ),
    "grade": Input("未填写评分等级", "select source_file from marts.fct_report where grade is not null"),
    "compared_project": Input(
        "无同一项目的绩效目标表或跟踪表可对照",
        "select source_file from intermediate.int_project_documents_matched where not is_reference_kind",
    ),
    "budget_tables": Input(
        "表格缺失：本文件无预算表", "select source_file from intermediate.int_budget_lines_classified"
    ),
    "coded_rows": Input(
        "预算表无科目编码",
        "select source_file from intermediate.int_budget_lines_classified where coalesce(subject_code, '') <> ''",
    ),
    "balance_totals": Input(
        "收支总表中未读到收入总计与支出总计两行",
        "select source_file from intermediate.int_budget_lines_classified "
        "where coalesce(subject_code, '') = '' and amount_yuan is not null group by source_file, table_seq "
        "having bool_or(subject_name like '%收入总计%') and bool_or(subject_name like '%支出总计%')",
    ),
    "known_template": Input(
        "模板未知（所含标准表不足任一模板的一半）", "select source_file from quality.chk_budget_table_missing"
    ),
    "narrative_amounts": Input(
        "说明中无可读取的金额", "select source_file from marts.fct_narrative_amount where amount_yuan is not null"
    ),
    "narrative_changes": Input(
        "说明中无增减变动表述（比……增加/减少……%）", "select source_file from staging.stg_fiscal_txt__narrative_changes"
    ),
    "narrative_items": Input(
        "说明中无先列科目金额、后写预算安排的条目",
        "select source_file from staging.stg_fiscal_txt__narrative_changes "
        "where form = 'stated' and item_amount is not null",
    ),
    "empty_tables": Input(
        "无空表：各标准表均列有金额", "select source_file from quality.chk_empty_table_without_statement"
    ),
    "unit_comparisons": Input(
        "无可按单位对照的金额（说明金额或成本指标上限）", "select source_file from quality.chk_unit_label_implausible"
    ),
    "source_lines": Input("无可读取的文本行", "select source_file from raw.source_lines where trim(text) <> ''"),
}
TABLE_INPUT = "table:"  # table:<kind>|<kind>: a budget table of any of these kinds

# Document families: the report types of its reports, and budget.
FAMILIES_SQL = """
select distinct source_file, report_type as family from marts.fct_report where report_type is not null
union select source_file, 'budget' from raw.budget_tables
union select source_file, 'budget' from raw.narrative_amounts
union select source_file, 'budget' from raw.narrative_changes
"""

COVERAGE_SCHEMA = pa.schema(
    [
        ("source_file", pa.string()),
        ("families", pa.string()),  # the document's families, comma-separated
        ("check_name", pa.string()),
        ("severity", pa.string()),  # the rule's
        ("status", pa.string()),  # found | ran_clean | not_run
        ("reason", pa.string()),  # why not_run (Chinese); null otherwise
        ("checked_count", pa.int64()),  # check rows of the rule in the document
        ("finding_count", pa.int64()),  # errors and warnings
        ("hint_count", pa.int64()),
    ]
)


def _table_input(con: duckdb.DuckDBPyConnection, need: str) -> Input:
    kinds = [kind for kind in need.removeprefix(TABLE_INPUT).split("|") if kind.isidentifier()]
    try:
        labels = dict(con.execute("select table_kind, label_zh from seeds.budget_table_kinds").fetchall())
    except duckdb.Error:
        labels = {}
    return Input(
        "表格缺失：" + "或".join(labels.get(kind, kind) for kind in kinds),
        "select source_file from intermediate.int_budget_lines_classified "
        f"where table_kind in ({', '.join(repr(kind) for kind in kinds)})",
    )


def input_of(con: duckdb.DuckDBPyConnection, need: str) -> Input:
    return _table_input(con, need) if need.startswith(TABLE_INPUT) else INPUTS[need]


def coverage_rows(con: duckdb.DuckDBPyConnection, rules: tuple[Rule, ...], errors: dict[str, str | None]) -> list[dict]:
    """One row per (document, rule applying to it); ``errors``: check_name → why GX could not evaluate it."""
    families: dict[str, set[str]] = {}
    for source_file, family in _rows(con, FAMILIES_SQL):
        families.setdefault(source_file, set()).add(family)
    findings: dict[tuple[str, str], list[int]] = {
        (check, source_file): [found, hints]
        for check, source_file, found, hints in _rows(
            con,
            "select check_name, source_file, count(*) filter (where severity <> 'hint'), "
            "count(*) filter (where severity = 'hint') from quality.violations group by all",
        )
    }
    inputs: dict[str, tuple[str, set[str]]] = {}
    rows = []
    for rule in rules:
        try:
            checked = dict(con.execute(f"select source_file, count(*) from quality.{rule.model} group by all").fetchall())
        except duckdb.Error as exc:  # the rule's model is missing: GX could not evaluate it either
            checked = {}
            errors = {**errors, rule.check_name: errors.get(rule.check_name) or str(exc)}
        error = errors.get(rule.check_name)
        for need in rule.needs:
            if need not in inputs:
                found_input = input_of(con, need)
                # distinct in DuckDB: an input lists a file once per row (a line, an indicator)
                documents = _rows(con, f"select distinct source_file from ({found_input.sql})")
                inputs[need] = (found_input.reason, {row[0] for row in documents})
        for source_file in sorted(f for f, fams in families.items() if fams & set(rule.applies_to)):
            found, hints = findings.get((rule.check_name, source_file), (0, 0))
            count = checked.get(source_file, 0)
            if error:
                status, reason = NOT_RUN, RULE_FAILED + error[:200]
            elif found:
                status, reason = FOUND, None
            elif count:
                status, reason = RAN_CLEAN, None
            else:
                missing = (inputs[n][0] for n in rule.needs if source_file not in inputs[n][1])
                status, reason = NOT_RUN, next(missing, NOTHING_TO_CHECK)
            rows.append(
                {
                    "source_file": source_file,
                    "families": ",".join(sorted(families[source_file])),
                    "check_name": rule.check_name,
                    "severity": rule.severity,
                    "status": status,
                    "reason": reason,
                    "checked_count": count,
                    "finding_count": found,
                    "hint_count": hints,
                }
            )
    return rows


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    """A query's rows; none where the warehouse lacks its table (no documents, findings or inputs)."""
    try:
        return con.execute(sql).fetchall()
    except duckdb.Error:
        return []


def write_check_coverage(
    con: duckdb.DuckDBPyConnection, rules: tuple[Rule, ...], errors: dict[str, str | None]
) -> int:
    """Replace quality.check_coverage (after quality.violations is written); returns its row count."""
    table = pa.Table.from_pylist(coverage_rows(con, rules, errors), schema=COVERAGE_SCHEMA)
    con.register("new_check_coverage", table)
    try:
        con.execute(
            "CREATE OR REPLACE TABLE quality.check_coverage AS SELECT * FROM new_check_coverage "
            "ORDER BY source_file, check_name"
        )
    finally:
        con.unregister("new_check_coverage")
    return table.num_rows
