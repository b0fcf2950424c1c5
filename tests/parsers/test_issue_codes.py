"""The issue-code registry (parsers/issues.py): every code a raise site names is registered, every
registered code is raised somewhere and documented in README, and real parses word their issues
as the registry says."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from dagster_project.file_faults import READ_ISSUE_CODES
from dagster_project.parsers import issues, parse_bytes
from dagster_project.review_decisions import ISSUE_CODES as DECISION_CODES

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "dagster_project"
CODE_SHAPE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$")
# the calls that raise an issue by its code (a positional string argument of that shape is a code)
RAISING_CALLS = {"issue", "make", "make_issue", "file_issue", "add_problem", "add_cell_problem", "_problem",
                 "_issue", "_reject", "message", "severity"}
README_HEADING = "### Parse issue codes"


def _name(func: ast.expr) -> str | None:
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None


def _raised_codes() -> dict[str, list[str]]:
    """Code → the places (file:line) that name it as the code of an issue they raise."""
    found: dict[str, list[str]] = {}
    for path in SOURCE.rglob("*.py"):
        if path.name == "issues.py" or "reporting" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            args = []
            if isinstance(node, ast.Call) and _name(node.func) in RAISING_CALLS:
                args = node.args
            elif isinstance(node, ast.Tuple) and len(node.elts) == 2 and isinstance(node.elts[1], ast.Dict):
                args = node.elts[:1]  # a (code, facts) note raised later
            for arg in args:
                for c in ast.walk(arg):
                    if isinstance(c, ast.Constant) and isinstance(c.value, str) and CODE_SHAPE.match(c.value):
                        found.setdefault(c.value, []).append(f"{path.relative_to(ROOT)}:{c.lineno}")
    return found


def test_every_raised_code_is_registered():
    raised = _raised_codes()
    assert {code: places for code, places in raised.items() if code not in issues.CODES} == {}
    # the codes other modules list by name are registered too
    assert set(READ_ISSUE_CODES) | set(DECISION_CODES) <= set(issues.CODES)
    # concrete: the parsers raise the codes of every family, file and folder
    assert {"unplaced_line", "parser_failed", "budget_extra_value", "target_extra_cell", "missing_tracking_period",
            "damaged_document", "symlink_loop", "decision_malformed"} <= set(raised)


def test_every_registered_code_is_raised_somewhere():
    """No dead entry: each code is named by a raise site (directly or through a variable's literal)."""
    text = "\n".join(p.read_text(encoding="utf-8") for p in SOURCE.rglob("*.py") if p.name != "issues.py")
    assert [code for code in issues.CODES if f'"{code}"' not in text] == []


def test_each_code_has_one_severity_and_a_bilingual_message():
    for code, kind in issues.CODES.items():
        assert kind.severity in ("error", "warning", "info"), code
        assert re.search(r"[\u4e00-\u9fff]", kind.message) and "(" in kind.message, code  # Chinese, then (English)
    assert issues.severity("parser_failed") == "error" and issues.severity("missing_fiscal_year") == "info"
    assert issues.message("duplicate_fund_row", label="其他资金") == "资金行重复: 其他资金 (fund row given twice)"
    with pytest.raises(KeyError):
        issues.make("no_such_code", "a.txt")


def readme_table() -> str:
    rows = [f"| `{code}` | {kind.severity} | {kind.message} |" for code, kind in issues.CODES.items()]
    return "\n".join(["| code | severity | message (`{fact}`: filled in at each place) |", "|---|---|---|", *rows])


def test_readme_documents_every_code_as_registered():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split(README_HEADING, 1)[1]
    assert readme_table() in section, "README's issue-code table differs from the registry; it should read:\n" + (
        readme_table()
    )


def test_real_parses_word_their_issues_as_registered():
    """The test inputs' issues, parsed for real: each code registered, with its severity and wording."""
    seen = set()
    for path in sorted((ROOT / "tests" / "data").rglob("*.txt")):
        for issue in parse_bytes(path.read_bytes(), path.name).issues:
            kind = issues.CODES[issue.code]
            assert issue.severity == kind.severity, (path.name, issue)
            fixed = kind.message.split("{", 1)[0]  # the template's text before its first fact
            assert issue.message.startswith(fixed), (path.name, issue)
            seen.add(issue.code)
    # concrete: the fixtures raise these, worded by the registry
    assert {"missing_total_row", "missing_tracking_period", "unplaced_indicator_fragment"} <= seen
