"""The whole pipeline on the samples: what lands in the marts, and what the checks find."""

from __future__ import annotations

from decimal import Decimal

from pipeline_helpers import SAMPLES

SELF_EVAL_000 = "000_2cba3ecfd7271be6.txt"
SELF_EVAL_001 = "001_ebc302d94fc8039c.txt"
BUDGET_003 = "003_7cadc0ecdd172fe9.txt"
TRACKING_004 = "004_eaeb872d98338714.txt"


def test_every_report_table_is_in_fct_report(sample_run):
    counts = sample_run.query(
        "select source_file, report_type, count(*) from marts.fct_report group by all order by all"
    )
    assert counts == [
        (SELF_EVAL_000, "self_eval", 36),
        (SELF_EVAL_001, "self_eval", 6),
        (BUDGET_003, "target", 36),
        (TRACKING_004, "tracking", 9),
    ]


def test_fact_row_counts(sample_run):
    assert sample_run.scalar("select count(*) from marts.fct_project_fund") == 4 * (36 + 6 + 9)
    assert sample_run.scalar("select count(*) from marts.fct_indicator") == 378 + 57 + 78 + 484
    assert sample_run.scalar("select count(distinct table_seq) from marts.fct_budget_line") == 8
    assert sample_run.scalar("select count(*) from marts.fct_narrative_amount") == 37  # 003: 政府采购, 绩效目标 too


def test_amounts_are_converted_to_yuan_once(sample_run):
    # 000's first table, 职业培训: 全年预算数 1158.10 万元; 001's first table is printed in 元.
    row = sample_run.query(
        """
        select r.project_name, r.money_unit, f.budget_initial_yuan, f.budget_adjusted_yuan, f.executed_yuan,
               f.weight, f.execution_rate_pct, f.score, f.line_no
        from marts.fct_report r join marts.fct_project_fund f using (report_id)
        where r.source_file = ? and r.report_seq = 1 and f.fund_source = 'total'
        """,
        [SELF_EVAL_000],
    )
    assert row == [("职业培训", "万元", Decimal("12030000.00"), Decimal("11581000.00"), Decimal("11581000.00"),
                    Decimal("10.00"), Decimal("100.00"), Decimal("10.00"), 7)]
    executed = sample_run.scalar(
        """
        select f.executed_yuan from marts.fct_project_fund f
        where f.source_file = ? and f.report_seq = 1 and f.fund_source = 'total'
        """,
        [SELF_EVAL_001],
    )
    assert executed == Decimal("74696.00")


def test_budget_lines_keep_codes_and_convert_the_three_public_table(sample_run):
    rows = sample_run.query(
        """
        select measure, amount_yuan from marts.fct_budget_line
        where source_file = ? and table_title like '%部门收入预算总表%' and subject_code = '2080101'
        order by measure
        """,
        [BUDGET_003],
    )
    assert ("合计", Decimal("11354668.68")) in rows
    three_public_total = sample_run.scalar(
        "select amount_yuan from marts.fct_budget_line where table_title like '%三公%' and measure = '合计'"
    )
    assert three_public_total == Decimal("106000.00")  # 10.60 万元


def test_weight_and_score_sums_hold_except_where_the_document_is_wrong(sample_run):
    broken = sample_run.query(
        """
        with sums as (
            select r.source_file, r.report_seq, r.project_name, r.total_weight, r.total_score,
                   f.weight + (select sum(weight) from marts.fct_indicator i where i.report_id = r.report_id) as w,
                   f.score + (select sum(score) from marts.fct_indicator i where i.report_id = r.report_id) as s
            from marts.fct_report r
            join marts.fct_project_fund f on f.report_id = r.report_id and f.fund_source = 'total'
            where r.report_type = 'self_eval'
        )
        select source_file, project_name from sums
        where abs(w - total_weight) > 0.05 or abs(s - total_score) > 0.05
        order by all
        """
    )
    # Both are genuine: 中央就业补助资金 prints weight 2.50 / score 10.00 for its funds (swapped),
    # and 网络信息系统运行与维护 lists indicators weighing 82 of the 90 its total implies.
    assert broken == [(SELF_EVAL_000, "中央就业补助资金"), (SELF_EVAL_000, "网络信息系统运行与维护")]


# Indicators whose actual meets the target (达成指标, or a number meeting ≥/≤/=) yet lost points:
# each line checked against the sample (score < weight, a reason printed). Warnings, not errors.
POINTS_LOST_THOUGH_MET = [
    (SELF_EVAL_000, line) for line in (
        49, 71, 117, 118, 232, 255, 256, 349, 372, 420, 422, 429, 465, 492, 493, 494, 495, 545, 549, 685,
        687, 689, 707, 710, 712, 744, 745, 792, 793, 815, 816, 837, 838, 859, 891, 973, 974, 975, 976,
    )
] + [(SELF_EVAL_001, 24), (SELF_EVAL_001, 148)]  # ≥95% against ≥90%, scored 8 of 10 by the rubric


def test_points_lost_though_target_met_are_the_warnings(sample_run):
    found = sample_run.query(
        "select source_file, line_no, severity from quality.violations "
        "where check_name = 'points_lost_though_target_met' order by all"
    )
    assert found == [(f, line, "warning") for f, line in POINTS_LOST_THOUGH_MET]
    message = sample_run.scalar(
        "select message from quality.violations where check_name = 'points_lost_though_target_met' "
        "and source_file = ? and line_no = 118",
        [SELF_EVAL_000],
    )
    assert "法律顾问履职评价满意率" in message and "“≥85.00(%)”" in message and "8.00 分" in message


def test_checks_report_the_genuine_inconsistencies_and_nothing_else(sample_run):
    found = sample_run.query(
        "select check_name, source_file, line_no, subject from quality.violations "
        "where check_name <> 'points_lost_though_target_met' and severity <> 'hint' order by all"
    )
    assert found == [
        ("fund_score_mismatch", SELF_EVAL_000, 318, "年度资金总额"),  # 中央就业补助资金: 2.50 × 25.12% ≠ 10.00
        ("fund_total_mismatch", SELF_EVAL_001, 32, "年度资金总额"),  # 当年财政拨款 1637352 > total 1615632
        ("narrative_amount_mismatch", BUDGET_003, 115, "一般公共预算拨款支出预算"),  # 39,241.78 vs 39,241.79 万元
        ("narrative_amount_mismatch", BUDGET_003, 116, "其他人力资源事务支出"),  # 312.74 vs 641.14 万元
        ("narrative_amount_mismatch", BUDGET_003, 118, "行政运行"),  # 1,398.22 vs 1,135.47 万元
        ("narrative_amount_mismatch", BUDGET_003, 120, "一般行政管理事务"),  # 19,601.92 vs 21,512.48 万元
        ("narrative_amount_mismatch", BUDGET_003, 246, "收入预算"),  # 42924.24 vs 42925.24 万元
        # 支出预算42925.24万元，比上年增加11361.92万元: +36.00%, printed 增长35.57%
        ("narrative_change_mismatch", BUDGET_003, 246, "支出预算"),
        ("score_sum_mismatch", SELF_EVAL_000, 331, "总分（得分）"),
        ("score_sum_mismatch", SELF_EVAL_000, 550, "总分（得分）"),
        ("sub_item_exceeds_total", SELF_EVAL_001, 33, "其中：当年财政拨款"),  # 1637352 > its total 1615632
        ("weight_sum_mismatch", SELF_EVAL_000, 331, "总分（分值）"),
        ("weight_sum_mismatch", SELF_EVAL_000, 550, "总分（分值）"),
    ]
    message = sample_run.scalar(
        "select message from quality.violations where check_name = 'fund_score_mismatch'"
    )
    assert "中央就业补助资金" in message and "上海市松江区人力资源和社会保障局" in message


def test_differences_only_rounding_explains_are_hints(sample_run):
    found = sample_run.query(
        "select check_name, source_file, line_no, subject, measure, expected_value, observed_value "
        "from quality.violations where severity = 'hint' order by all"
    )
    assert found == [
        # 195.68 + 0.00 万元 against 195.69: 0.01 万元, within one printed unit per term
        ("fund_total_mismatch", SELF_EVAL_000, 243, "年度资金总额", "全年执行数", "1956800.00", "1956900.00"),
        ("fund_total_mismatch", SELF_EVAL_000, 243, "年度资金总额", "全年预算数", "1956800.00", "1956900.00"),
        # the 说明 prints 74.03 万元 for 740,371.06 元 (74.04 rounded: truncated) …
        ("narrative_amount_mismatch", BUDGET_003, 132, "行政单位医疗", "subject", "740371.06", "740300.00"),
        # … and 250.520 万元 for 2,505,136.52 元 (250.514 rounded; within 0.01 万元)
        ("narrative_amount_mismatch", BUDGET_003, 133, "事业单位医疗", "subject", "2505136.52", "2505200.00"),
    ]


def test_every_non_blank_line_is_accounted_for(sample_run):
    per_file = sample_run.query(
        """
        select source_file, count(*) from raw.line_accounting group by all order by all
        """
    )
    for source_file, accounted in per_file:
        text = (SAMPLES / source_file).read_text(encoding="utf-8")
        non_blank = sum(1 for line in text.splitlines() if line.replace("\t", "").strip())
        assert accounted == non_blank, source_file
    assert sample_run.scalar("select count(*) from raw.parse_issues where code = 'unplaced_line'") == 0


def test_quality_report_and_data_docs_are_written(sample_run):
    quality = sample_run.report_dir / "quality"
    assert (quality / "index.html").stat().st_size > 10_000
    assert (quality / "violations.xlsx").exists()
    assert (sample_run.report_dir / "gx_data_docs" / "index.html").exists()
    html = (quality / "index.html").read_text(encoding="utf-8")
    assert f'id="violation-count" data-value="{13 + len(POINTS_LOST_THOUGH_MET)}"' in html  # hints apart


def test_line_accounting_per_file_is_complete(sample_run):
    rows = sample_run.query(
        "select source_file, report_count, budget_table_count, issue_lines, parsed_share_pct "
        "from marts.fct_source_file order by 1"
    )
    assert rows == [
        (SELF_EVAL_000, 36, 0, 0, Decimal("100.00")),
        (SELF_EVAL_001, 6, 0, 0, Decimal("100.00")),
        (BUDGET_003, 36, 8, 0, Decimal("100.00")),
        (TRACKING_004, 9, 0, 3, Decimal("98.61")),  # three stray lines before the first title
    ]


def test_text_is_cleaned_as_the_contract_says(sample_run):
    # 001 prints "人事档案数字化工作完 成率": a cell wrapped in the PDF, joined in the warehouse.
    names = [r[0] for r in sample_run.query(
        "select indicator_name from marts.fct_indicator where indicator_name like '人事档案数字化工作完%'"
    )]
    assert names == ["人事档案数字化工作完成率"]
    leftovers = sample_run.scalar(
        """
        select count(*) from marts.fct_indicator
        where target_text in ('-', '—', '') or deviation_reason in ('-', '—', '')
           or indicator_name like '%<%>%' or deviation_reason like '%<%>%'
        """
    )
    assert leftovers == 0


def test_budget_findings_are_attributed_to_the_budget_department(sample_run):
    html = (sample_run.report_dir / "quality" / "index.html").read_text(encoding="utf-8")
    by_district = html[html.index("按区") : html.index("按主管部门")]
    # 003's findings belong to its 编制部门 (松江区人力资源和社会保障局), not to an unknown district.
    assert "未知" not in by_district and "松江区" in by_district
