"""Counts the page and the workbook both show: headline figures, per check, per grouping."""

from __future__ import annotations

from dataclasses import dataclass

from .labels import CHECK_RULES, check_label, severity_rank
from .queries import QualityData


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
    root_causes: int = 0  # its violations that are a root cause (the others are listed under theirs)


@dataclass(frozen=True)
class GroupRow:
    name: str
    errors: int
    warnings: int
    total: int


def headline(data: QualityData) -> dict[str, int]:
    counts = data.violation_counts.values()
    return {
        "files": len(data.files),
        "reports": data.report_count,
        "parse_issues": sum(data.parse_issues_by_severity.values()),
        "parse_errors": data.parse_issues_by_severity.get("error", 0),
        "parse_warnings": data.parse_issues_by_severity.get("warning", 0),
        "parse_infos": data.parse_issues_by_severity.get("info", 0),
        "violations": sum(c["total"] for c in counts),
        "violation_errors": sum(c["errors"] for c in counts),
        "violation_warnings": sum(c["warnings"] for c in counts),
        "root_causes": data.root_causes,  # errors and warnings, once per root cause
        "hints": data.hint_count,  # rounding hints, apart
    }


def check_rows(data: QualityData) -> list[CheckRow]:
    """Every check that ran (quality.check_results) or fired, errors first, then by count."""
    results = {r["check_name"]: r for r in data.check_results}
    rows = []
    counts = data.violation_counts
    for name in sorted(set(results) | set(counts)):
        found = counts.get(name, {"severities": [], "errors": 0, "warnings": 0, "total": 0})
        severities = sorted(
            set(found["severities"]) or {results.get(name, {}).get("severity") or "warning"},
            key=severity_rank,
        )
        result = results.get(name, {})
        evaluated = result.get("evaluated_count")
        rule = (
            CHECK_RULES.get(name)
            or result.get("description")
            or next((v.rule_description for v in data.violations if v.check_name == name and v.rule_description), "")
        )
        rows.append(
            CheckRow(
                check_name=name,
                label=check_label(name),
                severity="/".join(severities),
                rule=rule,
                evaluated=None if evaluated is None else int(evaluated),
                violations=found["total"],
                errors=found["errors"],
                warnings=found["warnings"],
                run_error=result.get("error") or None,
                root_causes=found.get("roots", found["total"]),
            )
        )
    return sorted(rows, key=lambda r: (severity_rank(r.severity.split("/")[0]), -r.violations, r.check_name))


def group_rows(data: QualityData, column: str) -> list[GroupRow]:
    """Violations counted by a column (e.g. district), most first; a missing value shows as '（未知）'."""
    return [GroupRow(r["name"], r["errors"], r["warnings"], r["total"]) for r in data.violation_groups.get(column, [])]


# (element id, title, column of the counted violations: queries.GROUP_COLUMNS)
GROUPINGS: list[tuple[str, str, str]] = [
    ("district", "按区", "district"),
    ("supervising-dept", "按主管部门", "supervising_dept"),
    ("implementing-unit", "按实施单位", "implementing_unit"),
    ("year", "按年度", "fiscal_year"),
]
