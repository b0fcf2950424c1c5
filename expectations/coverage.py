"""quality.check_coverage: for each document and each rule that applies to it, whether the rule ran.

A document is a source file; its families are the report types of its report tables and
``budget`` when it holds budget tables or a budget's prose. A rule applies to a document when they
share a family (``Rule.applies_to``). Its status there:

- ``found``: the rule found errors or warnings in the document;
- ``ran_clean``: it checked rows of the document and found nothing (rounding hints are no finding);
- ``not_run``: it checked nothing there, with ``reason`` (Chinese, for the report): the first input
  of ``Rule.needs`` the document lacks (INPUTS), else that no row met the rule's conditions, or the
  rule itself could not be evaluated. A not-run rule is never counted as passed.

An incremental run (its check rows and violations changed in raw.changed_files only, scope.py)
computes again the rows of the changed files, and those of the rules whose rows can change in
other files (a cross-file rule, or one needing a cross-file input); it rewrites the files whose
rows differ, each whole and in order, as a full rebuild would have written them.

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
    cross_file: bool = False  # whether a document has it can depend on other documents


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
        cross_file=True,
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
        "说明中无可读取的金额",
        "select source_file from marts.fct_narrative_amount where amount_yuan is not null",
    ),
    "narrative_changes": Input(
        "说明中无增减变动表述（比……增加/减少……%）",
        "select source_file from staging.stg_fiscal_txt__narrative_changes",
    ),
    "narrative_items": Input(
        "说明中无先列科目金额、后写预算安排的条目",
        "select source_file from staging.stg_fiscal_txt__narrative_changes "
        "where form = 'stated' and item_amount is not null",
    ),
    "empty_tables": Input(
        "无空表：各标准表均列有金额",
        "select source_file from quality.chk_empty_table_without_statement",
        cross_file=True,
    ),
    "unit_comparisons": Input(
        "无可按单位对照的金额（说明金额或成本指标上限）",
        "select source_file from quality.chk_unit_label_implausible",
        cross_file=True,
    ),
    # kept per file (TEXT_FILES): listing them from raw.source_lines' 7.45 M lines at 100k cost 1 CPU s a run
    "source_lines": Input("无可读取的文本行", "select source_file from quality.coverage_text_files"),
}
TEXT_FILES = "quality.coverage_text_files"  # the files with a non-blank line
CHANGED_FILES = "source_file in (select source_file from raw.changed_files)"
TEXT_FILES_SQL = "select distinct source_file from raw.source_lines where trim(text) <> ''"
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


# What the coverage is made of, in temp tables (DuckDB joins them: 111,713 rows at 100k reports)
_PARTS = """
create or replace temp table coverage_families (source_file varchar, family varchar);
create or replace temp table coverage_findings (check_name varchar, source_file varchar, found bigint, hints bigint);
create or replace temp table coverage_checked (check_name varchar, source_file varchar, checked bigint);
create or replace temp table coverage_inputs (need varchar, source_file varchar);
"""

# One row per (document, rule applying to it): the rule's error first, then findings, then rows
# checked, else the first input of the rule's needs (in its order) the document lacks. {pairs}: a
# condition on the (document, rule) pairs to compute (f, r: the document's family, the rule's; all: true).
_COVERAGE = f"""
with documents as (
    select source_file, string_agg(family, ',' order by family) as families
    from (select distinct source_file, family from coverage_families) group by source_file
),
pairs as (
    select distinct f.source_file, r.check_name
    from coverage_families as f join coverage_rule_families as r using (family) where {{pairs}}
),
missing as (
    select p.source_file, p.check_name, arg_min(n.reason, n.need_order::int) as reason
    from pairs as p join coverage_needs as n using (check_name)
    anti join coverage_inputs as i on i.need = n.need and i.source_file = p.source_file
    group by all
)
select
    p.source_file, d.families, p.check_name, r.severity,
    case when r.error is not null then '{NOT_RUN}' when coalesce(v.found, 0) > 0 then '{FOUND}'
         when coalesce(c.checked, 0) > 0 then '{RAN_CLEAN}' else '{NOT_RUN}' end as status,
    case when r.error is not null then r.error when coalesce(v.found, 0) > 0 or coalesce(c.checked, 0) > 0 then null
         else coalesce(m.reason, '{NOTHING_TO_CHECK}') end as reason,
    coalesce(c.checked, 0) as checked_count, coalesce(v.found, 0) as finding_count, coalesce(v.hints, 0) as hint_count
from pairs as p
join documents as d using (source_file)
join coverage_rules as r using (check_name)
left join coverage_checked as c using (check_name, source_file)
left join coverage_findings as v using (check_name, source_file)
left join missing as m using (check_name, source_file)
"""


def _coverage_parts(
    con: duckdb.DuckDBPyConnection,
    rules: tuple[Rule, ...],
    errors: dict[str, str | None],
    whole: frozenset[str] | None = None,
) -> dict[str, str | None]:
    """Fill the temp tables _COVERAGE reads; ``errors``: check_name → why GX could not evaluate it.
    ``whole``: the rules counted over every file, the others over raw.changed_files only (an
    incremental run's: _update); None: every rule over every file. Returns ``errors`` with the rules
    whose model is missing."""
    con.execute(_PARTS)
    _fill(con, f"insert into coverage_families {FAMILIES_SQL}")
    _fill(
        con,
        "insert into coverage_findings select check_name, source_file, count(*) filter (where severity <> 'hint'), "
        "count(*) filter (where severity = 'hint') from quality.violations group by all",
    )
    inputs: dict[str, str] = {}  # need → its reason
    whole_needs = {need for rule in rules if whole is None or rule.check_name in whole for need in rule.needs}
    for rule in rules:
        changed = "" if whole is None or rule.check_name in whole else f" where {CHANGED_FILES}"
        try:
            con.execute(
                f"insert into coverage_checked select ?, source_file, count(*) from quality.{rule.model}{changed} "
                "group by all",
                [rule.check_name],
            )
        except duckdb.Error as exc:  # the rule's model is missing: GX could not evaluate it either
            errors = {**errors, rule.check_name: errors.get(rule.check_name) or str(exc)}
        for need in rule.needs:
            if need not in inputs:
                found_input = input_of(con, need)
                inputs[need] = found_input.reason
                changed = "" if need in whole_needs else f" where {CHANGED_FILES}"
                # distinct in DuckDB: an input lists a file once per row (a line, an indicator)
                _fill(
                    con,
                    f"insert into coverage_inputs select distinct ?, source_file from ({found_input.sql}){changed}",
                    [need],
                )
    error = {
        r.check_name: RULE_FAILED + errors[r.check_name][:200] for r in rules if errors.get(r.check_name)
    }
    _register(
        con,
        "coverage_rules",
        "check_name severity error",
        [(r.check_name, r.severity, error.get(r.check_name)) for r in rules],
    )
    _register(
        con,
        "coverage_rule_families",
        "check_name family",
        [(r.check_name, f) for r in rules for f in r.applies_to],
    )
    _register(
        con,
        "coverage_needs",
        "check_name need_order need reason",
        [(r.check_name, str(i), n, inputs[n]) for r in rules for i, n in enumerate(r.needs)],
    )
    return errors


def _register(con: duckdb.DuckDBPyConnection, name: str, columns: str, rows: list[tuple]) -> None:
    """A temp table of text columns from Python rows (a few per rule)."""
    names = columns.split()
    con.register(
        "coverage_rows",
        pa.table({c: pa.array([row[i] for row in rows], pa.string()) for i, c in enumerate(names)}),
    )
    try:
        con.execute(f"create or replace temp table {name} as select * from coverage_rows")
    finally:
        con.unregister("coverage_rows")


def _fill(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> None:
    """Run an insert; nothing where the warehouse lacks its table (no documents, findings or inputs)."""
    try:
        con.execute(sql, params or [])
    except duckdb.Error:
        pass


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    """A query's rows; none where the warehouse lacks its table (no documents, findings or inputs)."""
    try:
        return con.execute(sql).fetchall()
    except duckdb.Error:
        return []


def update_text_files(con: duckdb.DuckDBPyConnection, changed_only: bool) -> None:
    """Keep TEXT_FILES: whether a file has a non-blank line depends on its own lines only, so an
    incremental run (``changed_only``: the warehouse holds this code's verdicts, scope.py) lists
    again only raw.changed_files; any other run, or a warehouse without the table, lists all."""
    try:
        if (
            changed_only
            and con.execute(
                "select count(*) from information_schema.tables where table_schema || '.' || table_name = ?",
                [TEXT_FILES],
            ).fetchone()[0]
        ):
            con.execute(f"delete from {TEXT_FILES} where {CHANGED_FILES}")
            con.execute(f"insert into {TEXT_FILES} {TEXT_FILES_SQL} and {CHANGED_FILES}")
        else:
            con.execute(f"create or replace table {TEXT_FILES} as {TEXT_FILES_SQL}")
    except duckdb.CatalogException:  # no raw.source_lines: no document has text lines
        con.execute(f"create or replace table {TEXT_FILES} (source_file varchar)")


def write_check_coverage(
    con: duckdb.DuckDBPyConnection,
    rules: tuple[Rule, ...],
    errors: dict[str, str | None],
    changed_only: bool = False,
) -> int:
    """Replace quality.check_coverage (after quality.violations is written); returns its row count.
    ``changed_only``: an incremental run's (update_text_files, _update)."""
    update_text_files(con, changed_only)
    try:
        if not (changed_only and _can_update(con, rules, errors) and _update(con, rules)):
            _coverage_parts(con, rules, errors)
            con.execute(
                f"CREATE OR REPLACE TABLE quality.check_coverage AS SELECT {_COLUMNS} FROM ({_COVERAGE.format(pairs='true')}) "
                "ORDER BY source_file, check_name"
            )
    finally:
        for table in (
            "families",
            "findings",
            "checked",
            "inputs",
            "rules",
            "rule_families",
            "needs",
            "new",
            "redone",
        ):
            con.execute(f"DROP TABLE IF EXISTS temp.coverage_{table}")
    return con.execute("SELECT count(*) FROM quality.check_coverage").fetchone()[0]


def whole_rules(con: duckdb.DuckDBPyConnection, rules: tuple[Rule, ...]) -> frozenset[str]:
    """The rules whose coverage rows can change in a file the run did not change: the cross-file
    ones (their check rows and violations, scope.py) and those needing a cross-file input."""
    return frozenset(
        rule.check_name
        for rule in rules
        if rule.cross_file or any(input_of(con, need).cross_file for need in rule.needs)
    )


def _can_update(
    con: duckdb.DuckDBPyConnection, rules: tuple[Rule, ...], errors: dict[str, str | None]
) -> bool:
    """Whether the stored coverage can be updated in place: it exists, of these rules, and no rule
    could not be evaluated, now or then (such a rule's reason is on every one of its rows)."""
    if any(errors.values()):
        return False
    try:
        failed, others = con.execute(
            "select count(*) filter (where starts_with(reason, ?)), "
            "count(*) filter (where check_name not in (select unnest(?::VARCHAR[]))) from quality.check_coverage",
            [RULE_FAILED, [rule.check_name for rule in rules]],
        ).fetchone()
    except duckdb.CatalogException:
        return False
    return not failed and not others


def _update(con: duckdb.DuckDBPyConnection, rules: tuple[Rule, ...]) -> bool:
    """Rewrite the rows of the files whose coverage changed (in one transaction): the changed files'
    and the files where a whole rule's rows differ; each file's rows whole, in (file, rule) order as
    a full rebuild writes them. False (nothing written) when a rule's model is missing."""
    whole = whole_rules(con, rules)
    if _coverage_parts(con, rules, {}, whole):
        return False
    _register(con, "coverage_whole", "check_name", [(name,) for name in sorted(whole)])
    in_whole = "check_name in (select check_name from coverage_whole)"
    # the whole rules' pairs and the changed files' only: every pair (111,745 at 100k reports) cost ~0.15 CPU s more
    pairs = f"r.{in_whole} or f.{CHANGED_FILES}"
    con.execute(
        f"create or replace temp table coverage_new as SELECT {_COLUMNS} FROM ({_COVERAGE.format(pairs=pairs)})"
    )
    # the files to rewrite: the changed ones, and those where a whole rule's rows differ (either way)
    old_whole = f"select * from quality.check_coverage where {in_whole}"
    new_whole = f"select * from coverage_new where {in_whole}"
    con.execute(
        "create or replace temp table coverage_redone as "
        f"select source_file from raw.changed_files union select source_file from ({old_whole} except all {new_whole}) "
        f"union select source_file from ({new_whole} except all {old_whole})"
    )
    redone = "source_file in (select source_file from coverage_redone)"
    rows = (
        f"select * from coverage_new where {redone} and ({in_whole} or {CHANGED_FILES}) "
        f"union all select * from quality.check_coverage where {redone} and not {in_whole} and not {CHANGED_FILES}"
    )
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(f"create or replace temp table coverage_rows_ as {rows}")
        con.execute(f"delete from quality.check_coverage where {redone}")
        con.execute(
            "insert into quality.check_coverage select * from coverage_rows_ order by source_file, check_name"
        )
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    finally:
        con.execute("DROP TABLE IF EXISTS temp.coverage_rows_")
        con.execute("DROP TABLE IF EXISTS temp.coverage_whole")
    return True


_SQL_TYPES = {pa.string(): "VARCHAR", pa.int64(): "BIGINT"}
_COLUMNS = ", ".join(f"{field.name}::{_SQL_TYPES[field.type]} as {field.name}" for field in COVERAGE_SCHEMA)
