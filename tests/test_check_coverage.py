"""quality.check_coverage on the committed samples (issue 21, item 5): for each document and each rule
that applies to its families, whether it ran clean, found something, or could not run and why; the
report shows 未检查 with the reason and the workbook has the sheet 检查覆盖. Reuses the session's run.
"""

from __future__ import annotations

import shutil
from html import unescape

import duckdb
import pytest
from openpyxl import load_workbook

from dagster_project.reporting.coverage import COVERAGE_SHEET
from expectations.coverage import INPUTS, NOTHING_TO_CHECK, TABLE_INPUT, write_check_coverage
from expectations.registry import ALL_FAMILIES, RULES

SELF_EVAL, SELF_EVAL_NO_GRADE = "000_2cba3ecfd7271be6.txt", "001_ebc302d94fc8039c.txt"
BUDGET, TRACKING = "003_7cadc0ecdd172fe9.txt", "004_eaeb872d98338714.txt"


@pytest.fixture(scope="module")
def coverage(sample_run) -> dict[tuple[str, str], tuple]:
    rows = sample_run.query(
        "select source_file, check_name, status, reason, checked_count, finding_count, hint_count "
        "from quality.check_coverage"
    )
    return {(r[0], r[1]): r[2:] for r in rows}


def test_every_rule_declares_families_and_inputs_the_coverage_knows():
    for rule in RULES:
        assert rule.applies_to and set(rule.applies_to) <= set(ALL_FAMILIES), rule.check_name
        assert all(need in INPUTS or need.startswith(TABLE_INPUT) for need in rule.needs), rule.check_name


def test_an_input_read_from_other_documents_is_marked_cross_file():
    # an incremental run computes again, for every file, the coverage of the rules needing such an input
    other_documents = {f"quality.{r.model}" for r in RULES if r.cross_file} | {"intermediate.int_project_documents_matched"}
    for need, found_input in INPUTS.items():
        assert found_input.cross_file == any(name in found_input.sql for name in other_documents), need
    assert {"compared_project", "empty_tables", "unit_comparisons"} <= {n for n, i in INPUTS.items() if i.cross_file}


def test_a_rule_appears_only_for_the_documents_of_its_families(coverage):
    by_file: dict[str, set[str]] = {}
    for source_file, check_name in coverage:
        by_file.setdefault(source_file, set()).add(check_name)
    assert set(by_file) == {SELF_EVAL, SELF_EVAL_NO_GRADE, BUDGET, TRACKING}
    # a tracking report has no 资金得分 / 评分等级 and no budget tables: those rules do not apply to it
    assert by_file[TRACKING] == {
        "fund_total_mismatch", "execution_rate_mismatch", "missing_deviation_reason", "sub_item_exceeds_total",
        "target_changed_between_documents", "budget_initial_mismatch_across_documents", "placeholder_text",
    }
    assert not {r.check_name for r in RULES if r.applies_to == ("budget",)} & by_file[SELF_EVAL]
    # 13 budget rules, fund_total_mismatch, sub_item_exceeds_total and unit_label_implausible (its 绩效目标
    # tables), placeholders
    assert len(by_file[BUDGET]) == 16


def test_statuses_and_reasons(coverage):
    # ran and found nothing: 36 reports' grades checked in 000
    assert coverage[(SELF_EVAL, "grade_mismatch")] == ("ran_clean", None, 36, 0, 0)
    assert coverage[(TRACKING, "execution_rate_mismatch")] == ("ran_clean", None, 18, 0, 0)
    # rounding hints are no finding: 000's 年度资金总额 rule ran clean with 2 hints
    assert coverage[(SELF_EVAL, "fund_total_mismatch")] == ("ran_clean", None, 108, 0, 2)
    # found: the two self-evaluations whose weights do not add up to 100
    assert coverage[(SELF_EVAL, "weight_sum_mismatch")] == ("found", None, 36, 2, 0)
    # could not run, and why: 001 prints no 评分等级; 003's 绩效目标 tables have no fund rows; its 说明
    # has no item that first states an amount and then a 预算安排; no project of the samples is in two documents
    assert coverage[(SELF_EVAL_NO_GRADE, "grade_mismatch")] == ("not_run", "未填写评分等级", 0, 0, 0)
    assert coverage[(BUDGET, "sub_item_exceeds_total")] == ("not_run", "表格缺失：项目资金表（无资金行）", 0, 0, 0)
    assert coverage[(BUDGET, "fund_total_mismatch")] == ("not_run", "表格缺失：项目资金表（无资金总额）", 0, 0, 0)
    assert coverage[(BUDGET, "narrative_subject_amounts_differ")] == (
        "not_run", "说明中无先列科目金额、后写预算安排的条目", 0, 0, 0,
    )
    assert coverage[(TRACKING, "budget_initial_mismatch_across_documents")][:2] == (
        "not_run", "无同一项目的绩效目标表或跟踪表可对照",
    )
    # the budget's tables are all there: every table rule ran on 003
    assert coverage[(BUDGET, "budget_economic_total_mismatch")] == ("ran_clean", None, 1, 0, 0)
    # a not-run row always says why; a ran row never claims a reason
    assert all((status == "not_run") == (reason is not None) for status, reason, *_ in coverage.values())
    assert NOTHING_TO_CHECK not in {reason for _, reason, *_ in coverage.values()}


def test_found_and_clean_agree_with_the_violations(sample_run, coverage):
    found = {
        (f, c): n
        for f, c, n in sample_run.query(
            "select source_file, check_name, count(*) from quality.violations where severity <> 'hint' group by all"
        )
    }
    assert {key: row[3] for key, row in coverage.items() if row[0] == "found"} == found


def test_report_shows_not_checked_with_its_reason(sample_run):
    page = unescape((sample_run.report_dir / "quality" / "index.html").read_text(encoding="utf-8"))
    section = page[page.index('<section id="coverage">'):]
    section = section[: section.index("</section>")]
    row = section[section.index(f'data-coverage-file="{SELF_EVAL_NO_GRADE}"'):]
    row = row[: row.index("</tr>")]
    assert '<td class="num" data-status="not_run" data-value="3">3</td>' in row
    assert "未检查：评分等级不符——未填写评分等级" in row
    assert 'id="coverage-not_run" data-value="' in section and "未检查的规则不代表该项无误" in section
    # the workbook: every (document, rule) row, a not-run one with its reason, never as passed
    sheet = load_workbook(sample_run.report_dir / "quality" / "violations.xlsx")[COVERAGE_SHEET]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:7] == ("文件", "文档类别", "规则", "代码", "严重程度", "状态", "未检查原因")
    assert (SELF_EVAL_NO_GRADE, "绩效自评表", "评分等级不符", "grade_mismatch", "错误", "未检查", "未填写评分等级") in [
        r[:7] for r in rows
    ]
    assert len(rows) - 1 == sample_run.scalar("select count(*) from quality.check_coverage")


def test_a_rule_that_could_not_be_evaluated_is_not_run_everywhere(sample_run, tmp_path):
    db = tmp_path / "fiscal.duckdb"
    shutil.copy(sample_run.db_path, db)
    with duckdb.connect(str(db)) as con:
        con.execute("drop table quality.chk_grade_mismatch")
        write_check_coverage(con, RULES, {})
        rows = con.execute(
            "select source_file, status, reason from quality.check_coverage where check_name = 'grade_mismatch'"
        ).fetchall()
    assert [(f, s) for f, s, _ in rows] == [(SELF_EVAL, "not_run"), (SELF_EVAL_NO_GRADE, "not_run")]
    assert all(reason.startswith("规则未能运行：") for _, _, reason in rows)
