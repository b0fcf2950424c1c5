"""One Expectation Suite per mart, each rule's expectation scoped to its rows.

All rules' check rows travel in one DataFrame (column ``check_name``), so the
single checkpoint validates one batch; each expectation carries
``row_condition = check_name == <rule>`` and sees only its own rows, and its
``meta.check_name`` ties GX's result back to the rule.
"""

from __future__ import annotations

import great_expectations as gx
from great_expectations.data_context import AbstractDataContext
from great_expectations.expectations.metadata_types import FailureSeverity
from great_expectations.expectations.row_conditions import Column

from .rules import ERROR, Rule

MARTS = ("fct_report", "fct_project_fund", "fct_indicator", "fct_budget_line", "fct_narrative_amount")


def suite_name(mart: str) -> str:
    return f"{mart}_suite"


def build_suites(context: AbstractDataContext, rules: list[Rule]) -> list[gx.ExpectationSuite]:
    """fct_report_suite, fct_project_fund_suite, … holding each rule's expectation."""
    suites = {mart: context.suites.add(gx.ExpectationSuite(name=suite_name(mart))) for mart in MARTS}
    for rule in rules:
        suites[rule.mart].add_expectation(
            rule.expectation_class(
                row_condition=Column("check_name") == rule.check_name,
                severity=FailureSeverity.CRITICAL if rule.severity == ERROR else FailureSeverity.WARNING,
                meta={"check_name": rule.check_name, "severity": rule.severity},
            )
        )
    return [suite for suite in suites.values() if suite.expectations]

