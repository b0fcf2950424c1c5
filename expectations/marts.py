"""The marts as the rules read them: typed temp views, missing tables as empty.

Each rule's SQL reads ``q_report``, ``q_fund``, ``q_indicator``,
``q_budget_line``/``q_budget`` and ``q_narrative``, never the marts directly, so
a file with no budget documents (no ``marts.fct_budget_line``), or a mart still
missing an optional column, simply yields no check rows instead of an error.
"""

from __future__ import annotations

import duckdb

MONEY = "DECIMAL(18,2)"
NUMBER = "DECIMAL(18,4)"  # weights, scores, rates

# view → (mart, [(column, type, default expression when the mart lacks it)])
VIEWS: dict[str, tuple[str, list[tuple[str, str, str]]]] = {
    "q_report": (
        "fct_report",
        [
            ("report_id", "VARCHAR", "NULL"),
            ("source_file", "VARCHAR", "NULL"),
            ("report_seq", "INTEGER", "NULL"),
            ("report_type", "VARCHAR", "NULL"),
            ("fiscal_year", "INTEGER", "NULL"),
            ("project_name", "VARCHAR", "NULL"),
            ("implementing_unit", "VARCHAR", "NULL"),
            ("money_unit", "VARCHAR", "NULL"),
            ("total_weight", NUMBER, "NULL"),
            ("total_score", NUMBER, "NULL"),
            ("grade", "VARCHAR", "NULL"),
            ("line_start", "INTEGER", "NULL"),
            ("line_end", "INTEGER", "NULL"),
            ("total_line_no", "INTEGER", "NULL"),  # optional: line of 总分
            ("grade_line_no", "INTEGER", "NULL"),  # optional: line of 评分等级
        ],
    ),
    "q_fund": (
        "fct_project_fund",
        [
            ("report_id", "VARCHAR", "NULL"),
            ("source_file", "VARCHAR", "NULL"),
            ("report_seq", "INTEGER", "NULL"),
            ("fund_source", "VARCHAR", "NULL"),
            ("budget_initial_yuan", MONEY, "NULL"),
            ("budget_adjusted_yuan", MONEY, "NULL"),
            ("budget_tracking_yuan", MONEY, "NULL"),
            ("executed_yuan", MONEY, "NULL"),
            ("weight", NUMBER, "NULL"),
            ("execution_rate_pct", NUMBER, "NULL"),
            ("score", NUMBER, "NULL"),
            ("line_no", "INTEGER", "NULL"),
        ],
    ),
    "q_indicator": (
        "fct_indicator",
        [
            ("report_id", "VARCHAR", "NULL"),
            ("source_file", "VARCHAR", "NULL"),
            ("report_seq", "INTEGER", "NULL"),
            ("indicator_seq", "INTEGER", "NULL"),
            ("level1", "VARCHAR", "NULL"),
            ("level2", "VARCHAR", "NULL"),
            ("indicator_name", "VARCHAR", "NULL"),
            ("weight", NUMBER, "NULL"),
            ("score", NUMBER, "NULL"),
            ("deviation_reason", "VARCHAR", "NULL"),
            ("line_no", "INTEGER", "NULL"),
        ],
    ),
    "q_budget_line": (
        "fct_budget_line",
        [
            ("source_file", "VARCHAR", "NULL"),
            ("fiscal_year", "INTEGER", "NULL"),
            ("table_seq", "INTEGER", "NULL"),
            ("table_title", "VARCHAR", "NULL"),
            ("side", "VARCHAR", "NULL"),
            ("row_seq", "INTEGER", "NULL"),
            ("subject_code", "VARCHAR", "NULL"),
            ("code_level", "VARCHAR", "NULL"),
            ("subject_name", "VARCHAR", "NULL"),
            ("measure", "VARCHAR", "NULL"),
            ("amount_yuan", MONEY, "NULL"),
            ("line_no", "INTEGER", "NULL"),
            # optional: the table's printed unit; without it, the 三公 table is taken as 万元
            ("money_unit", "VARCHAR", "CASE WHEN table_title LIKE '%三公%' THEN '万元' ELSE '元' END"),
        ],
    ),
    "q_narrative": (
        "fct_narrative_amount",
        [
            ("source_file", "VARCHAR", "NULL"),
            ("fiscal_year", "INTEGER", "NULL"),
            ("subject_name", "VARCHAR", "NULL"),
            ("context", "VARCHAR", "NULL"),
            ("amount_stated", NUMBER, "NULL"),
            ("unit", "VARCHAR", "NULL"),
            ("amount_yuan", MONEY, "NULL"),
            ("line_no", "INTEGER", "NULL"),
            ("raw_text", "VARCHAR", "NULL"),
        ],
    ),
}

# Derived classification of budget lines shared by the budget and narrative rules.
_BUDGET_VIEW = """
CREATE OR REPLACE TEMP VIEW q_budget AS
SELECT
    b.*,
    CASE b.money_unit WHEN '万元' THEN 10000 ELSE 1 END AS unit_factor,
    coalesce(
        b.code_level,
        CASE length(b.subject_code) WHEN 3 THEN '类' WHEN 5 THEN '款' WHEN 7 THEN '项' END
    ) AS level,
    coalesce(b.subject_code, '') = ''
        AND (b.subject_name LIKE '%合计%' OR b.subject_name LIKE '%总计%') AS is_total_row,
    CASE
        WHEN b.table_title LIKE '%三公%' THEN 'three_public'
        WHEN b.table_title LIKE '%经济分类%' THEN 'economic'
        WHEN b.table_title LIKE '%政府性基金%功能分类%' THEN 'gf_function'
        WHEN b.table_title LIKE '%一般公共预算%功能分类%' THEN 'gpb_function'
        WHEN b.table_title LIKE '%财政拨款收支%' THEN 'appropriation'
        WHEN b.table_title LIKE '%收支%总表%' THEN 'finance_summary'
        WHEN b.table_title LIKE '%收入%总表%' THEN 'income'
        WHEN b.table_title LIKE '%支出%总表%' THEN 'expenditure'
        ELSE 'other'
    END AS table_kind,
    CASE
        WHEN b.table_title LIKE '%政府性基金%' THEN 'gf'
        WHEN b.table_title LIKE '%一般公共预算%' THEN 'gpb'
        ELSE 'all'
    END AS fund_scope,
    CASE
        -- a table of 三公, 会议费 and 培训费 has its 合计 over all of them: not the 三公 total
        WHEN b.table_title LIKE '%三公%'
             AND NOT (b.measure = '合计' AND (b.table_title LIKE '%会议费%' OR b.table_title LIKE '%培训费%'))
        THEN three_public_item(b.measure)
    END AS three_public_item,
    normalized_name(b.subject_name) AS name_key
FROM q_budget_line AS b
"""

# 三公 table columns and narrative 三公 amounts map to the same items.
_MACROS = [
    r"""
    CREATE OR REPLACE TEMP MACRO three_public_item(s) AS CASE
        WHEN s LIKE '%机关运行%' THEN 'operating_cost'
        WHEN s LIKE '%出国%' THEN 'overseas_travel'
        WHEN s LIKE '%接待%' THEN 'reception'
        -- '“三公”经费-小计' (Jiangsu template) is the 三公 total
        WHEN s LIKE '%三公%' THEN 'total'
        WHEN s LIKE '%小计%' OR s LIKE '%购置及运行费' THEN 'vehicle'
        -- '公务用车购置及运行费-购置费' is the purchase part, not the vehicle subtotal
        WHEN s LIKE '%购置费' OR s LIKE '%购置' THEN 'vehicle_purchase'
        WHEN s LIKE '%运行费' OR s LIKE '%运行' OR s LIKE '%运行维护费' THEN 'vehicle_running'
        WHEN s LIKE '%合计%' THEN 'total'
    END
    """,
    r"""
    CREATE OR REPLACE TEMP MACRO normalized_name(s) AS
        regexp_replace(s, '[\s“”"‘’''「」《》]', '', 'g')
    """,
]


def existing_marts(con: duckdb.DuckDBPyConnection) -> dict[str, set[str]]:
    """Mart table → its column names, for the marts present in the file."""
    rows = con.execute(
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'marts'"
    ).fetchall()
    found: dict[str, set[str]] = {}
    for table, column in rows:
        found.setdefault(table, set()).add(column)
    return found


def _column_expression(name: str, default: str, present: set[str] | None) -> str:
    if present is None:
        return "NULL"
    return name if name in present else default


def create_check_views(con: duckdb.DuckDBPyConnection) -> dict[str, bool]:
    """Create the q_* temp views; returns mart → present in the file."""
    marts = existing_marts(con)
    for statement in _MACROS:
        con.execute(statement)
    for view, (mart, columns) in VIEWS.items():
        present = marts.get(mart)
        select = ", ".join(
            f"CAST({_column_expression(name, default, present)} AS {type_}) AS {name}"
            for name, type_, default in columns
        )
        source = f"marts.{mart}" if present else "(SELECT 1) AS nothing WHERE false"
        con.execute(f"CREATE OR REPLACE TEMP VIEW {view} AS SELECT {select} FROM {source}")
    con.execute(_BUDGET_VIEW)
    return {mart: mart in marts for mart, _ in VIEWS.values()}
