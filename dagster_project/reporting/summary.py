"""Counts the page and the workbook both show: headline figures, per check, per grouping."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from .labels import CHECK_RULES, check_label, severity_rank
from .queries import QualityData, Violation


@dataclass(frozen=True)
class CheckRow:
    check_name: str
    label: str
    severity: str  # the check's severity; 'error/warning' style when rows disagree
    rule: str
    evaluated: int | None
    violations: int
    errors: int
    warnings: int
    run_error: str | None = None  # why the check could not run, from quality.check_results


@dataclass(frozen=True)
class GroupRow:
    name: str
    errors: int
    warnings: int
    total: int


def headline(data: QualityData) -> dict[str, int]:
    by_severity = Counter(v.severity for v in data.violations)
    return {
        "files": len(data.files),
        "reports": data.report_count,
        "parse_issues": sum(data.parse_issues_by_severity.values()),
        "parse_errors": data.parse_issues_by_severity.get("error", 0),
        "parse_warnings": data.parse_issues_by_severity.get("warning", 0),
        "parse_infos": data.parse_issues_by_severity.get("info", 0),
        "violations": len(data.violations),
        "violation_errors": by_severity.get("error", 0),
        "violation_warnings": by_severity.get("warning", 0),
    }


def check_rows(data: QualityData) -> list[CheckRow]:
    """Every check that ran (quality.check_results) or fired, errors first, then by count."""
    by_check: dict[str, list[Violation]] = defaultdict(list)
    for v in data.violations:
        by_check[v.check_name].append(v)
    results = {r["check_name"]: r for r in data.check_results}
    rows = []
    for name in sorted(set(results) | set(by_check)):
        found = by_check.get(name, [])
        severities = sorted(
            {v.severity for v in found} or {results.get(name, {}).get("severity") or "warning"},
            key=severity_rank,
        )
        result = results.get(name, {})
        evaluated = result.get("evaluated_count")
        rule = (
            CHECK_RULES.get(name)
            or result.get("description")
            or next((v.rule_description for v in found if v.rule_description), "")
        )
        rows.append(
            CheckRow(
                check_name=name,
                label=check_label(name),
                severity="/".join(severities),
                rule=rule,
                evaluated=None if evaluated is None else int(evaluated),
                violations=len(found),
                errors=sum(v.severity == "error" for v in found),
                warnings=sum(v.severity == "warning" for v in found),
                run_error=result.get("error") or None,
            )
        )
    return sorted(rows, key=lambda r: (severity_rank(r.severity.split("/")[0]), -r.violations, r.check_name))


def group_rows(violations: list[Violation], key: Callable[[Violation], object]) -> list[GroupRow]:
    """Violations counted by key (e.g. district), most first; a missing key shows as '（未知）'."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for v in violations:
        value = key(v)
        counts["（未知）" if value in (None, "") else str(value)][v.severity] += 1
    rows = [GroupRow(name, c["error"], c["warning"], sum(c.values())) for name, c in counts.items()]
    return sorted(rows, key=lambda r: (-r.total, r.name))


GROUPINGS: list[tuple[str, str, Callable[[Violation], object]]] = [
    ("district", "按区", lambda v: v.district),
    ("supervising-dept", "按主管部门", lambda v: v.supervising_dept),
    ("implementing-unit", "按实施单位", lambda v: v.implementing_unit),
    ("year", "按年度", lambda v: v.fiscal_year),
]
