"""Chinese names the finance office reads: checks, severities, report types."""

from __future__ import annotations

from expectations.registry import RULES

# Both derive from the rule registry (expectations/registry.py): one place per rule.
CHECK_LABELS: dict[str, str] = {rule.check_name: rule.label for rule in RULES}

# What each rule expects, in one sentence (DOMAIN.md "Rules the numbers must obey").
CHECK_RULES: dict[str, str] = {rule.check_name: rule.formula for rule in RULES}

SEVERITY_LABELS: dict[str, str] = {"error": "错误", "warning": "警告", "info": "提示", "hint": "舍入提示"}
SEVERITY_ORDER: dict[str, int] = {"error": 0, "warning": 1, "info": 2, "hint": 3}
SEVERITY_COLORS: dict[str, str] = {"error": "#b83227", "warning": "#c98a00", "info": "#7f8c8d", "hint": "#7f8c8d"}

REPORT_TYPE_LABELS: dict[str, str] = {
    "self_eval": "绩效自评表",
    "tracking": "绩效跟踪表",
    "target": "绩效目标表",
}


def check_label(check_name: str) -> str:
    """The Chinese name of a check; unknown names are shown as they are."""
    return CHECK_LABELS.get(check_name, check_name)


def severity_label(severity: str | None) -> str:
    return SEVERITY_LABELS.get(severity or "", severity or "—")


def severity_rank(severity: str | None) -> int:
    return SEVERITY_ORDER.get(severity or "", 9)


# Codes the checks put in subject / measure (fund_source, the narrative's context), in Chinese.
CODE_LABELS: dict[str, str] = {
    "total": "总额",
    "subject": "科目金额",
    "three_public": "“三公”经费",
    "operating_cost": "机关运行经费",
    "current_year_appropriation": "当年财政拨款",
    "carryover": "上年结转资金",
    "other": "其他资金",
}


def families_label(families: str | None) -> str:
    """raw.source_files.families ('self_eval,tracking') in Chinese: '绩效自评表、绩效跟踪表'."""
    names = {**REPORT_TYPE_LABELS, "budget": "部门预算"}
    return "、".join(names.get(f.strip(), f.strip()) for f in (families or "").split(",") if f.strip())


def code_label(text: str | None) -> str | None:
    """A code the checks wrote ('total', 'subject') in Chinese; any other text as it is."""
    return CODE_LABELS.get(text, text) if text else text
