"""One Expectation Suite per rule (``chk_<check_name>_suite``), built from the registry."""

from __future__ import annotations

import great_expectations as gx
from great_expectations.data_context import AbstractDataContext
from great_expectations.expectations.metadata_types import FailureSeverity
from great_expectations.expectations.row_conditions import Column

from .gx_rules import EXPECTATIONS
from .registry import ERROR, WARNING, Rule

_GX_SEVERITY = {ERROR: FailureSeverity.CRITICAL, WARNING: FailureSeverity.WARNING}


def build_suite(context: AbstractDataContext, rule: Rule) -> gx.ExpectationSuite:
    """The rule's expectations, each carrying the rule's name, formula and severity in meta."""
    suite = context.suites.add(gx.ExpectationSuite(name=rule.suite_name))
    for spec in rule.expectations:
        scope = {"row_condition": Column(spec.where[0]) == spec.where[1]} if spec.where else {}
        severity = spec.severity or rule.severity
        suite.add_expectation(
            EXPECTATIONS[spec.kind](
                **spec.kwargs,
                **scope,
                severity=_GX_SEVERITY.get(severity, FailureSeverity.INFO),
                meta={"check_name": rule.check_name, "formula": rule.formula, "severity": severity},
            )
        )
    return suite
