"""The finance rules: one ``Rule`` per contract ``check_name``.

Each rule is three things kept together:
- its SQL (``expectations/sql/<check_name>.sql``): DuckDB computes one row per
  checked instance with context columns, the two compared values and the
  tolerance (see ``CHECK_ROW_COLUMNS``);
- its Expectation subclass (``Expect<RuleInPlainWords>``) that GX uses to judge
  those rows, with a Chinese ``description``;
- its metadata: severity and the Chinese message template for the finance office.

Numeric rules are judged as ``tolerance >= abs_diff`` (both computed in SQL as
exact decimals, then passed to GX as floats); ``grade_mismatch`` compares two
texts and ``missing_deviation_reason`` requires a non-null text.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import great_expectations.expectations as gxe
from great_expectations.expectations import Expectation


class ExpectDifferenceWithinTolerance(gxe.ExpectColumnPairValuesAToBeGreaterThanB):
    """The numeric rules' shared judgement: a row passes when tolerance ≥ abs_diff."""

    column_A: str = "tolerance"
    column_B: str = "abs_diff"
    or_equal: bool = True


SQL_DIR = Path(__file__).resolve().parent.parent / "sql"

ERROR = "error"
WARNING = "warning"

# The columns every rule's SQL may return (missing ones are filled with NULL). GX is handed
# only the columns its expectations compare; the others are read for the failing rows only.
CHECK_ROW_COLUMNS: dict[str, str] = {
    "source_file": "object",
    "report_id": "object",
    "report_seq": "Int64",
    "table_seq": "Int64",
    "fiscal_year": "Int64",
    "project_name": "object",
    "implementing_unit": "object",
    "table_title": "object",
    "subject": "object",  # what was checked: fund row, indicator, subject code…
    "measure": "object",  # the amount column, where the rule is per column
    "line_no": "Int64",
    "money_unit": "object",  # the document's unit, for the message (元 / 万元)
    "expected_number": "float64",  # amounts in 元, rates in %, scores/weights in 分
    "observed_number": "float64",
    "abs_diff": "float64",
    "tolerance": "float64",
    "expected_text": "object",
    "observed_text": "object",
    "detail": "object",  # the terms of the computation, in the document's unit
}


@dataclass(frozen=True)
class Rule:
    """One contract check: what GX expects, where it reports, how it speaks."""

    check_name: str
    mart: str  # the mart whose rows the rule is about (suite = f"{mart}_suite")
    severity: str  # error | warning
    expectation_class: type[Expectation]
    value_kind: str  # amount | rate | score | weight | grade | text
    message: str  # str.format template, fields: see violations.message_fields

    @property
    def suite_name(self) -> str:
        return f"{self.mart}_suite"

    @property
    def description(self) -> str:
        return self.expectation_class.__fields__["description"].default

    @property
    def expectation_type(self) -> str:
        return self.expectation_class.expectation_type

    @cached_property
    def sql(self) -> str:
        return (SQL_DIR / f"{self.check_name}.sql").read_text(encoding="utf-8")


def all_rules() -> list[Rule]:
    """Every rule, in report order (funds, indicators, budget tables, narrative)."""
    from . import budget, funds, indicators, narrative

    return [*funds.RULES, *indicators.RULES, *budget.RULES, *narrative.RULES]
