"""The whole pipeline on real documents: the published budget PDFs and Word/Excel renderings of a sample.

One run (what `make run` does; the session's, shared with the other real-document modules) over
a raw folder holding ../shared/real's PDFs, the text samples and one sample as DOCX and XLSX
(besides ../shared/real_templates' documents). The checks must find no false alarm in the PDFs
(only the genuine inconsistencies listed here), the marts must carry the PDF page, and the office
renderings must give the marts the text gives.
"""

from __future__ import annotations

import pytest
from pipeline_helpers import OFFICE_SAMPLE as SAMPLE
from pipeline_helpers import PipelineRun, shared_folder

REAL = shared_folder("real")
REAL_PDFS = sorted(p.name for p in REAL.glob("*.pdf")) if REAL else []
pytestmark = pytest.mark.skipif(REAL is None, reason="../shared/real (published budget PDFs) not present")


@pytest.fixture(scope="module")
def documents_run(real_documents_run) -> PipelineRun:
    """The session's run over every real document (conftest.py); this module reads ../shared/real's PDFs."""
    return real_documents_run


# Every finding on the published PDFs, each read at its line: genuine inconsistencies of the documents.
GENUINE_PDF_FINDINGS = [
    # 01 p.6: 11.67 → 45.41 万元 is +289.12 %, printed 314.82 %
    ("narrative_change_mismatch", "01_sh_putuo_wanli_jiedao_2023_dept_budget.pdf", 105, "289.12", "314.82"),
    # 01 p.7: 132.59 → 441.25 万元 is +232.79 %, printed 60.54 %
    ("narrative_change_mismatch", "01_sh_putuo_wanli_jiedao_2023_dept_budget.pdf", 131, "232.79", "60.54"),
    # 01 p.7: one item states 220.63 and 441.25 万元 for the same subject
    ("narrative_subject_amounts_differ", "01_sh_putuo_wanli_jiedao_2023_dept_budget.pdf", 131, "2206300.00",
     "4412500.00"),
    # 01 p.35: 其中：当年财政拨款 11,419,043 above its 年度资金申请总额 10,903,043
    ("sub_item_exceeds_total", "01_sh_putuo_wanli_jiedao_2023_dept_budget.pdf", 1133, "10903043.00",
     "11419043.00"),
    # … so that 年度资金申请总额 is not 11,419,043 + 上年结转资金 0 + 其他资金 0 (one root cause with the above)
    ("fund_total_mismatch", "01_sh_putuo_wanli_jiedao_2023_dept_budget.pdf", 1131, "11419043.00", "10903043.00"),
    # 01 p.29: 编报绩效目标的项目5个，涉及项目预算资金3328.13万元; its five target tables (pp.31–35) add up to
    # 4,100,000 + 6,351,000 + 4,563,800 + 7,595,500 + 10,903,043 = 33,513,343 元
    ("narrative_amount_mismatch", "01_sh_putuo_wanli_jiedao_2023_dept_budget.pdf", 875, "33513343.00",
     "33281300.00"),
    # 09: 24,169.74 万元, up 2,214.39 is +10.09 %, printed 10.06 %
    ("narrative_change_mismatch", "09_jiangsu_jianchayuan_2019_dept_budget.pdf", 783, "10.09", "10.06"),
    # 09: 4,335.3 万元, down 1,237.7 is −22.21 %, printed 13.22 %
    ("narrative_change_mismatch", "09_jiangsu_jianchayuan_2019_dept_budget.pdf", 803, "-22.21", "-13.22"),
    # 09: 1,442.74 万元, up 368.97 is +34.36 %, printed 34.38 %
    ("narrative_change_mismatch", "09_jiangsu_jianchayuan_2019_dept_budget.pdf", 859, "34.36", "34.38"),
]


def test_no_false_alarm_on_the_published_budgets(documents_run):
    found = documents_run.query(
        "select check_name, source_file, line_no, expected_value, observed_value from quality.violations"
        " where source_file in (select unnest(?::varchar[])) order by source_file, line_no, check_name",
        [REAL_PDFS],
    )
    assert found == sorted(GENUINE_PDF_FINDINGS, key=lambda f: (f[1], f[2], f[0]))
    # the checks did run on them: every PDF has budget lines in the marts
    files = documents_run.query("select distinct source_file from marts.fct_budget_line order by 1")
    assert [f for (f,) in files if f in REAL_PDFS] == REAL_PDFS


def test_pdf_lines_carry_their_page(documents_run):
    rows = documents_run.query(
        """
        select b.amount_yuan, b.page_no, s.text
        from marts.fct_budget_line b
        join raw.source_lines s using (source_file, line_no)
        where b.source_file = '01_sh_putuo_wanli_jiedao_2023_dept_budget.pdf'
          and b.table_title = '2023年部门财务收支预算总表' and b.subject_name = '收入总计'
        """
    )
    assert len(rows) == 1
    amount, page, text = rows[0]
    assert (float(amount), page) == (164978640.0, 10) and "收入总计" in text
    pages = documents_run.query(
        "select count(*), count(page_no) from raw.source_lines where source_file like '%.pdf'"
    )[0]
    assert pages[0] > 1000 and pages[0] == pages[1]
    target_pages = documents_run.query(
        "select page_no from marts.fct_report where source_file like '01_%' and report_type = 'target' order by 1"
    )
    assert [p for (p,) in target_pages] == [31, 32, 33, 34, 35]


@pytest.mark.parametrize("ext", ["docx", "xlsx"])
def test_office_renderings_build_the_marts_of_the_text(documents_run, ext):
    def marts(source_file: str) -> dict:
        return {
            "reports": documents_run.query(
                "select report_seq, report_type, fiscal_year, project_name, implementing_unit, money_unit,"
                " total_weight, total_score, grade from marts.fct_report where source_file = ? order by 1",
                [source_file],
            ),
            "funds": documents_run.query(
                "select report_seq, fund_source, budget_initial_yuan, budget_adjusted_yuan, executed_yuan, score"
                " from marts.fct_project_fund where source_file = ? order by all",
                [source_file],
            ),
            "indicators": documents_run.query(
                "select report_seq, indicator_seq, level1, level2, indicator_name, target_text, actual_text,"
                " weight, score from marts.fct_indicator where source_file = ? order by 1, 2",
                [source_file],
            ),
            "violations": documents_run.query(
                "select check_name, report_seq, subject, expected_value, observed_value"
                " from quality.violations where source_file = ? order by all",
                [source_file],
            ),
        }

    text = marts(f"{SAMPLE}.txt")
    assert text["reports"] and text["indicators"]
    assert marts(f"office/{SAMPLE}.{ext}") == text
    sheets = documents_run.query(
        "select distinct sheet_name from raw.source_lines where source_file = ?", [f"office/{SAMPLE}.{ext}"]
    )
    assert sheets == ([("报表",)] if ext == "xlsx" else [(None,)])


def test_target_forms_fiscal_part_of_the_project_funds_reaches_fct_report(documents_run):
    # 01 pp.31–35: each 财政项目支出绩效目标填报表 prints 项目资金总额 N, 其中：财政资金 M (元)
    got = documents_run.query(
        "select report_seq, project_name, project_total_yuan, project_total_fiscal_yuan, project_total_other_yuan"
        " from marts.fct_report where source_file = ? and report_type = 'target' order by report_seq",
        ["01_sh_putuo_wanli_jiedao_2023_dept_budget.pdf"],
    )
    # and the project's 其他资金, printed 0.00 on each form
    assert [str(other) for *_, other in got] == ["0.00"] * 5
    assert [(name, str(total), str(fiscal)) for _seq, name, total, fiscal, _other in got] == [
        ("新建万里街道社区公共服务中心", "4100000.00", "4100000.00"),
        ("就业援助基地补贴", "6351000.00", "6351000.00"),
        ("社区环境整治和建设经费", "4563800.00", "4563800.00"),
        ("各类工作经费", "7595500.00", "7595500.00"),
        ("公共服务设施运行经费", "10903043.00", "10903043.00"),
    ]
    # a report of another kind has no such figure
    assert documents_run.query(
        "select count(*) from marts.fct_report where report_type <> 'target' and project_total_fiscal_yuan is not null"
    ) == [(0,)]
