"""Findings a reviewer can trust, on every real document (issue 21, items 1 and 4).

One pipeline run (what `make run` does) over a raw folder holding every published document of
../shared/real and ../shared/real_templates, the text samples and one sample as DOCX and XLSX
(the session's run, shared with the other real-document modules: conftest.py). Pinned: a
difference that only the printed precision explains is a hint, never an error; the findings on
the four published budgets of ../shared/real are exactly the genuine ones, each read at its
line (their tables add up and their 说明 restates them at its printed precision: no rounding
finding); every finding carries its evidence.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from pipeline_helpers import PipelineRun, shared_folder

from expectations.registry import rule

SHARED = shared_folder("real").parent if shared_folder("real") else None
pytestmark = pytest.mark.skipif(SHARED is None, reason="../shared/real (published documents) not present")

# The four published budgets of ../shared/real.
REAL_PDFS = (
    "01_sh_putuo_wanli_jiedao_2023_dept_budget.pdf",
    "03_sh_putuo_shangwuwei_2025_dept_budget.pdf",
    "05_sh_putuo_caizhengju_2025_dept_budget.pdf",
    "09_jiangsu_jianchayuan_2019_dept_budget.pdf",
)
WANLI_2023, JIANGSU_2019 = REAL_PDFS[0], REAL_PDFS[3]
# Genuine inconsistencies in them, read by hand at their line: (check_name, severity, file, page, line).
GENUINE_IN_REAL: set[tuple] = {
    # 2022年执行数 11.67 万元, 2023年预算 45.41 万元: +289.12%, printed 增加314.82%
    ("narrative_change_mismatch", "error", WANLI_2023, 6, 105),
    # item 16 opens with 220.63 万元, then 2023年预算安排441.25万元 (and 132.59 → 441.25 is +232.79%, not 60.54%)
    ("narrative_change_mismatch", "error", WANLI_2023, 7, 131),
    ("narrative_subject_amounts_differ", "error", WANLI_2023, 7, 131),
    # 绩效目标填报表 公共服务设施运行经费: 其中：当年财政拨款 11,419,043.00 > 年度资金申请总额 10,903,043.00
    ("sub_item_exceeds_total", "error", WANLI_2023, 35, 1133),
    # 24,169.74 万元, 增加 2214.39 万元: +10.09% on 21,955.35, printed 增长 10.06 %
    ("narrative_change_mismatch", "error", JIANGSU_2019, 25, 783),
    # 4335.3 万元, 减少了1237.7万元: −22.21% on 5,573.0, printed 减少 13.22 %
    ("narrative_change_mismatch", "error", JIANGSU_2019, 26, 803),
    # 1442.74 万元, 增加368.97万元: +34.36% on 1,073.77, printed 增加34.38 %
    ("narrative_change_mismatch", "error", JIANGSU_2019, 29, 859),
}

# Rules whose tolerance follows the printed precision (model column tolerance_yuan).
AMOUNT_RULES = (
    "fund_total_mismatch",
    "budget_hierarchy_mismatch",
    "budget_column_sum_mismatch",
    "budget_balance_mismatch",
    "budget_cross_table_mismatch",
    "budget_economic_total_mismatch",
    "narrative_amount_mismatch",
    "budget_initial_mismatch_across_documents",
)


@pytest.fixture(scope="module")
def real_run(real_documents_run) -> PipelineRun:
    """The session's run over every real document and the samples (conftest.py)."""
    return real_documents_run


def test_real_budgets_give_exactly_their_genuine_findings(real_run):
    found = real_run.query(
        "select check_name, severity, source_file, page_no, line_no from quality.violations "
        "where source_file in (select unnest(?::varchar[]))",
        [list(REAL_PDFS)],
    )
    assert set(found) == GENUINE_IN_REAL
    # the checks did run on them: each budget's tables were compared
    checked = dict(
        real_run.query(
            "select source_file, count(*) from quality.chk_budget_hierarchy_mismatch group by all"
        )
    )
    assert all(checked.get(name, 0) > 20 for name in REAL_PDFS), checked


def test_no_rounding_difference_is_an_error(real_run):
    # every amount finding beyond its rounding tolerance is an error, every one within it a hint
    rows = real_run.query(
        "select check_name, severity, abs(difference), tolerance, source_file, line_no from quality.violations "
        "where check_name in (select unnest(?::varchar[]))",
        [list(AMOUNT_RULES)],
    )
    assert [r for r in rows if (r[1] == "hint") != (r[2] <= r[3])] == []
    # the 说明 compared at its printed precision: 16,497.86万元 for 164,978,640 元 is no finding
    narrative = real_run.query(
        "select expected_yuan, as_printed_yuan, observed_yuan, tolerance_yuan from quality.chk_narrative_amount_mismatch "
        "where source_file = ? and line_no = 93",
        [REAL_PDFS[0]],
    )
    assert narrative == [(Decimal("164978640.00"), Decimal("164978600.00"), Decimal("164978600.00"), Decimal("100.00"))]


def test_a_kuan_code_printed_without_its_leading_zero_nests_under_its_class(real_run):
    # 16 (Putuo 2024) prints 301 | 2 | 津贴补贴: the 款 is 02, so 301's children add up
    rows = real_run.query(
        "select subject_code, amount_yuan from marts.fct_budget_line where source_file = ? "
        "and line_no in (783, 787) and measure = '合计' order by line_no",
        ["16_sh_putuo_wanli_jiedao_2024_dept_budget.pdf"],
    )
    assert rows == [("301", Decimal("88282511.00")), ("30102", Decimal("16623810.00"))]
    assert real_run.query(
        "select count(*) from quality.violations where source_file like '16_%' and check_name = "
        "'budget_hierarchy_mismatch'"
    ) == [(0,)]


def test_every_finding_carries_its_evidence(real_run):
    rows = real_run.query(
        """
        select check_name, severity, source_file, line_no, page_no, coalesce(table_title, project_name), subject,
               measure, expected_value, observed_value, message, line_text, value_unit, expected_number,
               observed_number, difference, tolerance
        from quality.violations
        """
    )
    assert len(rows) > 40 and {r[1] for r in rows} == {"error", "warning", "hint"}
    for row in rows:
        check_name, _, source_file, line_no, page_no, table, *texts, unit, expected, observed, difference, tolerance = row
        assert source_file and line_no and table, row
        assert page_no is not None or not source_file.endswith(".pdf"), row
        assert all(text and text.strip() for text in texts), row  # subject … the printed line
        if unit:  # a numeric rule: the numbers, their difference and, where the rule has one, the tolerance
            assert None not in (expected, observed, difference), row
            assert tolerance is not None or rule(check_name).tolerance is None, row
