"""Typed records the parsers emit: the raw layer, as printed.

Amounts are ``Decimal`` in the document's own unit (``money_unit``); the one
conversion to 元 happens in dbt staging. Every record carries the 1-based line
number it came from, so every warehouse value can be traced to its source line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from .frozen import frozen_record, tuple_record

# Where a non-blank input line ended up (raw.line_accounting.disposition).
FIELD = "field"  # fed a parsed value
HEADER = "header"  # a column-header or label row of a table
TITLE = "title"  # a table or section title
NARRATIVE = "narrative"  # prose (budget explanations, project descriptions)
BOILERPLATE = "boilerplate"  # page furniture: units, compiler lines, bookmarks
ISSUE = "issue"  # could not be placed: see raw.parse_issues
DISPOSITIONS = (FIELD, HEADER, TITLE, NARRATIVE, BOILERPLATE, ISSUE)


def renumber(records: list, name: str, numbers: dict) -> None:
    """Set each record's field ``name`` to numbers[its value], in place: only for records that
    nothing else has seen yet (the parser's own, before it returns them). Frozen records refuse
    assignment; their __dict__ is where the fields live (frozen.py). dataclasses.replace, which
    runs __init__ again per record (31 fields for a Report), cost ~5 % of a parse. A tuple_record's
    records (IndicatorRow) are made again in C with their number, in the list's place."""
    if records and isinstance(records[0], tuple):  # a tuple_record's: each made again with its number
        at = records[0]._fields.index(name)
        records[:] = [tuple.__new__(r.__class__, (*r[:at], numbers[r[at]], *r[at + 1 :])) for r in records]
        return
    new = [numbers[record.__dict__[name]] for record in records]  # all read first: a record listed twice
    for record, number in zip(records, new, strict=True):
        record.__dict__[name] = number


@frozen_record
class Report:
    """One report table: a self-evaluation, a tracking report or a target table."""

    source_file: str
    report_seq: int
    report_type: str  # self_eval | tracking | target
    line_start: int
    line_end: int
    fiscal_year: int | None = None
    project_name: str | None = None
    supervising_dept: str | None = None
    implementing_unit: str | None = None
    money_unit: str | None = None  # 元 | 万元
    total_weight: Decimal | None = None
    total_score: Decimal | None = None
    grade: str | None = None
    tracking_period_start: str | None = None  # YYYY-MM
    tracking_period_end: str | None = None
    goal_expected: str | None = None
    goal_actual: str | None = None
    goal_total: str | None = None  # targets: 项目总目标
    goal_annual: str | None = None  # targets: 年度绩效目标
    budget_amount: Decimal | None = None  # targets: 年度预算安排, in budget_amount_unit
    budget_amount_unit: str | None = None
    budget_completion_likelihood: str | None = None
    goal_completion_likelihood: str | None = None
    corrective_measures: str | None = None
    total_line_no: int | None = None  # line of 总分
    grade_line_no: int | None = None  # line of 评分等级
    project_code: str | None = None  # targets: 项目编码, as printed (text, never a number)
    project_total_amount: Decimal | None = None  # targets: 项目总金额（中期规划）, in project_total_unit
    project_total_unit: str | None = None
    project_total_fiscal_amount: Decimal | None = None  # targets: 项目资金总额's 其中：财政资金, in project_total_unit
    project_total_other_amount: Decimal | None = None  # targets: 项目资金总额's 其他资金, in project_total_unit
    extra_fields: str | None = None  # targets: further label/value pairs as printed (JSON object, in order)


@frozen_record
class FundRow:
    """One row of a report's 项目资金 / 预算执行情况 block, in the report's money_unit."""

    source_file: str
    report_seq: int
    fund_source: str  # total | current_year_appropriation | carryover | other
    label: str  # as printed, e.g. 其中:当年财政拨款
    line_no: int
    budget_initial: Decimal | None = None
    budget_adjusted: Decimal | None = None
    budget_tracking: Decimal | None = None
    executed: Decimal | None = None
    weight: Decimal | None = None
    execution_rate_pct: Decimal | None = None
    score: Decimal | None = None
    forecast_executed: Decimal | None = None  # tracking: 全年预计执行数 (the full-year forecast)


@tuple_record  # one per indicator: a tuple made in C (frozen.tuple_record), renumbered as a new one
class IndicatorRow(NamedTuple):
    """One performance indicator (三级指标) with its inherited level labels."""

    source_file: str
    report_seq: int
    indicator_seq: int  # 1-based within the report
    line_no: int
    level1: str | None = None
    level2: str | None = None
    indicator_name: str | None = None
    target_text: str | None = None
    actual_text: str | None = None
    planned_text: str | None = None
    weight: Decimal | None = None
    score: Decimal | None = None
    deviation_reason: str | None = None
    explanation: str | None = None  # targets: 指标解释
    # tracking (central 执行监控表): 全年预计完成值 as printed; the ticked (✔) columns of 偏差原因分析
    # and 完成目标可能性, their labels joined by 、 in the sheet's order; 备注
    forecast_text: str | None = None
    deviation_cause: str | None = None
    completion_likelihood: str | None = None
    remarks: str | None = None


@tuple_record  # one per indicator: a tuple made in C (frozen.tuple_record)
class IndicatorValue(NamedTuple):
    """What an indicator's target and actual texts say (parsers/indicator_values.py), keyed like its IndicatorRow."""

    source_file: str
    report_seq: int
    indicator_seq: int
    line_no: int
    target_operator: str | None = None  # >= <= = > < range qualitative, None when unknown
    target_value: Decimal | None = None
    target_value_max: Decimal | None = None  # range only
    target_unit: str | None = None
    actual_operator: str | None = None  # when the actual is itself a bound (≥10人)
    actual_value: Decimal | None = None
    actual_unit: str | None = None
    achievement: str = "unknown"  # met | not_met | unknown
    # tracking: the full-year forecast (全年预计完成值) against the target, read like the actual;
    # None where no forecast is printed. A mid-year actual short of the year's target is no
    # deviation when the forecast meets it.
    forecast_achievement: str | None = None


@frozen_record
class BudgetTable:
    """One department-budget table (部门收入预算总表 …)."""

    source_file: str
    table_seq: int  # 1-based within the file, document order
    table_title: str
    line_start: int
    line_end: int
    fiscal_year: int | None = None
    money_unit: str | None = None  # 元 | 万元
    department: str | None = None  # 编制部门


@tuple_record  # one per amount of a budget table: a tuple made in C (frozen.tuple_record)
class BudgetCell(NamedTuple):
    """One amount of a budget table: (row, column) → amount, in the table's money_unit."""

    source_file: str
    table_seq: int
    row_seq: int  # 1-based data row within the table
    measure: str  # the column's name as printed, e.g. 合计, 基本支出
    amount: Decimal | None
    line_no: int
    side: str | None = None  # 收入 | 支出 | None
    subject_code: str = ""  # e.g. 2080101; empty for rows without a code
    code_level: str | None = None  # 类 | 款 | 项 | None
    subject_name: str | None = None
    decimals: int | None = None  # decimals as printed (amounts.printed_decimals)


@frozen_record
class NarrativeAmount:
    """An amount stated in prose (预算编制说明, 三公 说明), to check against the tables."""

    source_file: str
    line_no: int
    subject_name: str  # what the amount is of, e.g. 行政运行, 三公经费, 因公出国(境)费
    amount: Decimal
    unit: str  # 元 | 万元, as printed
    context: str  # e.g. subject, total, three_public, operating_cost
    raw_text: str
    fiscal_year: int | None = None
    decimals: int | None = None  # decimals as printed (amounts.printed_decimals)


@frozen_record
class NarrativeChange:
    """A change claim in prose: 'A万元 (base) … B万元 (budget) … 比…增加/减少 P%' (parsers/budget/narrative_changes.py).

    form 'stated' prints base and budget; form 'implied' prints the budget and the change (base =
    budget ∓ change). *_places: decimals each number is printed with (the tolerance follows them).
    """

    source_file: str
    line_no: int
    form: str  # stated | implied
    subject_name: str
    budget_amount: Decimal
    budget_places: int
    unit: str  # 元 | 万元
    direction: str  # increase | decrease | flat
    claim_text: str
    percent: Decimal | None = None
    percent_places: int | None = None
    base_amount: Decimal | None = None
    base_places: int | None = None
    change_amount: Decimal | None = None
    change_places: int | None = None
    base_year: int | None = None
    budget_year: int | None = None
    fiscal_year: int | None = None
    item_amount: Decimal | None = None  # the item's first amount for its subject (stated form), in unit
    item_places: int | None = None


@frozen_record
class ParseIssue:
    """Something the parser could not place, with where and why."""

    source_file: str
    line_no: int
    severity: str  # error | warning | info
    code: str
    message: str
    raw_text: str | None = None


@tuple_record  # one per non-blank line: a tuple made in C (frozen.tuple_record)
class LineDisposition(NamedTuple):
    """Where one non-blank input line ended up (see DISPOSITIONS)."""

    source_file: str
    line_no: int
    disposition: str
    family: str | None = None  # self_eval | tracking | budget | target | None


@tuple_record  # one per line, the biggest output: a tuple made in C (frozen.tuple_record)
class SourceLine(NamedTuple):
    """One line of a file's normalised text (raw.source_lines): what every line_no points at."""

    source_file: str
    line_no: int
    page_no: int | None  # PDF
    sheet_name: str | None  # XLSX
    text: str


@dataclass
class ParseResult:
    """Everything parsed from one file."""

    source_file: str
    families: list[str] = field(default_factory=list)
    reports: list[Report] = field(default_factory=list)
    fund_rows: list[FundRow] = field(default_factory=list)
    indicators: list[IndicatorRow] = field(default_factory=list)
    indicator_values: list[IndicatorValue] = field(default_factory=list)
    budget_tables: list[BudgetTable] = field(default_factory=list)
    budget_cells: list[BudgetCell] = field(default_factory=list)
    narrative_amounts: list[NarrativeAmount] = field(default_factory=list)
    narrative_changes: list[NarrativeChange] = field(default_factory=list)
    issues: list[ParseIssue] = field(default_factory=list)
    # The per-line tables, the biggest part: the parse keeps them as columns (frozen.RecordColumns).
    lines: Sequence[LineDisposition] = field(default_factory=list)
    line_count: int = 0
    source_lines: Sequence[SourceLine] = field(default_factory=list)
