"""Each finance rule on tiny marts: a passing and a failing instance, judged by GX.

One warehouse holds every case (isolated by source_file) and is checked once
per module, because building a GX context is the slow part.
"""

from __future__ import annotations

from decimal import Decimal as D

import duckdb
import pytest
from great_expectations.checkpoint.checkpoint import CheckpointResult
from great_expectations.core.expectation_validation_result import ExpectationValidationResult

from expectations.checkpoint import run_quality_checks

CONTRACT_COLUMNS = [
    "check_name", "severity", "source_file", "report_seq", "table_seq", "subject",
    "expected_value", "observed_value", "message", "line_no",
]


def report(report_id, source_file, seq, project, unit, money_unit, *, report_type="self_eval", **kw):
    return {
        "report_id": report_id, "source_file": source_file, "report_seq": seq, "report_type": report_type,
        "fiscal_year": 2024, "project_name": project, "implementing_unit": unit, "money_unit": money_unit,
        "line_start": kw.pop("line_start", 1), "line_end": kw.pop("line_end", 40), **kw,
    }


def fund(report_id, source_file, seq, source, line, **amounts):
    return {"report_id": report_id, "source_file": source_file, "report_seq": seq, "fund_source": source,
            "line_no": line, **{k: D(str(v)) if v is not None else None for k, v in amounts.items()}}


def indicator(report_id, source_file, seq, n, name, weight, score, line, reason=None):
    return {"report_id": report_id, "source_file": source_file, "report_seq": seq, "indicator_seq": n,
            "level1": "产出指标", "level2": "数量指标", "indicator_name": name,
            "weight": D(str(weight)), "score": D(str(score)), "deviation_reason": reason, "line_no": line}


def budget(source_file, table_seq, title, row_seq, code, name, cells, line, side=None):
    """cells: {measure: amount in 元}; one line per cell, numbered from ``line``."""
    level = {3: "类", 5: "款", 7: "项"}.get(len(code))
    return [
        {"source_file": source_file, "fiscal_year": 2020, "table_seq": table_seq, "table_title": title,
         "side": side, "row_seq": row_seq, "subject_code": code, "code_level": level, "subject_name": name,
         "measure": measure, "amount_yuan": D(str(amount)), "line_no": line + i}
        for i, (measure, amount) in enumerate(cells.items())
    ]


def narrative(source_file, name, context, amount_wan, line):
    return {"source_file": source_file, "fiscal_year": 2020, "subject_name": name, "context": context,
            "amount_stated": D(str(amount_wan)), "unit": "万元", "amount_yuan": D(str(amount_wan)) * 10000,
            "line_no": line, "raw_text": f"“{name}”科目{amount_wan}万元"}


INCOME = "2020年部门收入预算总表"
EXPENDITURE = "2020年部门支出预算总表"
GPB = "2020年部门一般公共预算支出功能分类预算表"
SUMMARY = "2020年部门财务收支预算总表"
APPROPRIATION = "2020年部门财政拨款收支预算总表"
ECONOMIC = "2020年部门一般公共预算拨款基本支出经济分类预算表"
THREE_PUBLIC = "部门“三公”经费和机关运行经费预算表"


def passing_marts() -> dict[str, list[dict]]:
    """Everything consistent: a 万元 self-evaluation, a tracking report, a full budget file."""
    reports = [
        report("r1", "ok.txt", 1, "就业补贴项目", "松江区就业促进中心", "万元",
               total_weight=D(100), total_score=D(95), grade="优"),
        report("t1", "ok_tracking.txt", 1, "创业扶持项目", "闵行区创业指导中心", "元", report_type="tracking"),
    ]
    funds = [
        # 万元 document: 全年执行数 parts differ by 100 元 = 0.01 万元, within 2 × 0.01 万元
        fund("r1", "ok.txt", 1, "total", 10, budget_initial_yuan=1000000, budget_adjusted_yuan=1200000,
             executed_yuan=1140000, weight=10, execution_rate_pct=95, score=9.5),
        fund("r1", "ok.txt", 1, "current_year_appropriation", 11, budget_initial_yuan=800000,
             budget_adjusted_yuan=1000000, executed_yuan=949900),
        fund("r1", "ok.txt", 1, "carryover", 12, budget_initial_yuan=200000, budget_adjusted_yuan=200000,
             executed_yuan=190000),
        fund("r1", "ok.txt", 1, "other", 13),
        fund("t1", "ok_tracking.txt", 1, "total", 110, budget_initial_yuan=300000, budget_tracking_yuan=200000,
             executed_yuan=150000, execution_rate_pct=75),
        fund("t1", "ok_tracking.txt", 1, "current_year_appropriation", 111, budget_initial_yuan=300000,
             budget_tracking_yuan=200000, executed_yuan=150000),
    ]
    indicators = [
        indicator("r1", "ok.txt", 1, 1, "培训人数", 40, 40, 20),
        indicator("r1", "ok.txt", 1, 2, "结业率", 30, 28, 21, reason="部分学员未按期结业"),
        indicator("r1", "ok.txt", 1, 3, "满意度", 20, 17.5, 22, reason="调查样本偏少"),
    ]
    f = "budget_ok.txt"
    lines = [
        *budget(f, 1, INCOME, 1, "", "合计", {"合计": 10000000, "财政拨款收入": 8000000, "其他收入": 2000000}, 100),
        *budget(f, 1, INCOME, 2, "208", "社会保障和就业支出",
                {"合计": 10000000, "财政拨款收入": 8000000, "其他收入": 2000000}, 103),
        *budget(f, 1, INCOME, 3, "20801", "人力资源和社会保障管理事务",
                {"合计": 10000000, "财政拨款收入": 8000000, "其他收入": 2000000}, 106),
        *budget(f, 1, INCOME, 4, "2080101", "行政运行", {"合计": 6000000, "财政拨款收入": 5000000, "其他收入": 1000000}, 109),
        *budget(f, 1, INCOME, 5, "2080102", "一般行政管理事务",
                {"合计": 4000000, "财政拨款收入": 3000000, "其他收入": 1000000}, 112),
        *budget(f, 2, EXPENDITURE, 1, "", "合计", {"合计": 10000000, "基本支出": 6000000, "项目支出": 4000000}, 200),
        *budget(f, 2, EXPENDITURE, 2, "208", "社会保障和就业支出",
                {"合计": 10000000, "基本支出": 6000000, "项目支出": 4000000}, 203),
        *budget(f, 2, EXPENDITURE, 3, "20801", "人力资源和社会保障管理事务",
                {"合计": 10000000, "基本支出": 6000000, "项目支出": 4000000}, 206),
        # trailing 项目支出 omitted on a 项 row: counts as 0
        *budget(f, 2, EXPENDITURE, 4, "2080101", "行政运行", {"合计": 6000000, "基本支出": 6000000}, 209),
        *budget(f, 2, EXPENDITURE, 5, "2080102", "一般行政管理事务",
                {"合计": 4000000, "基本支出": 0, "项目支出": 4000000}, 211),
        *budget(f, 3, GPB, 1, "", "合计", {"合计": 8000000, "基本支出": 5000000, "项目支出": 3000000}, 300),
        *budget(f, 3, GPB, 2, "208", "社会保障和就业支出", {"合计": 8000000, "基本支出": 5000000, "项目支出": 3000000}, 303),
        *budget(f, 3, GPB, 3, "20801", "人力资源和社会保障管理事务",
                {"合计": 8000000, "基本支出": 5000000, "项目支出": 3000000}, 306),
        *budget(f, 3, GPB, 4, "2080101", "行政运行", {"合计": 5000000, "基本支出": 5000000, "项目支出": 0}, 309),
        *budget(f, 3, GPB, 5, "2080102", "一般行政管理事务", {"合计": 3000000, "基本支出": 0, "项目支出": 3000000}, 312),
        *budget(f, 4, SUMMARY, 1, "", "一、财政拨款收入", {"预算数": 8000000}, 400, side="收入"),
        *budget(f, 4, SUMMARY, 2, "", "收入总计", {"预算数": 10000000}, 401, side="收入"),
        *budget(f, 4, SUMMARY, 1, "", "社会保障和就业支出", {"预算数": 10000000}, 402, side="支出"),
        *budget(f, 4, SUMMARY, 2, "", "支出总计", {"预算数": 10000000}, 403, side="支出"),
        *budget(f, 5, ECONOMIC, 1, "", "合计", {"合计": 5000000, "人员经费": 4000000, "公用经费": 1000000}, 500),
        *budget(f, 5, ECONOMIC, 2, "301", "工资福利支出", {"合计": 4000000, "人员经费": 4000000}, 503),
        *budget(f, 5, ECONOMIC, 3, "30101", "基本工资", {"合计": 4000000, "人员经费": 4000000}, 505),
        *budget(f, 5, ECONOMIC, 4, "302", "商品和服务支出", {"合计": 1000000, "人员经费": 0, "公用经费": 1000000}, 507),
        *budget(f, 5, ECONOMIC, 5, "30201", "办公费", {"合计": 1000000, "人员经费": 0, "公用经费": 1000000}, 510),
        *budget(f, 6, THREE_PUBLIC, 1, "", None,
                {"合计": 106000, "因公出国(境)费": 0, "公务接待费": 31000, "小计": 75000, "购置费": 0,
                 "运行费": 75000, "机关运行经费预算数": 6645900}, 600),
    ]
    narratives = [
        narrative(f, "行政运行", "subject", "500.00", 50),
        narrative(f, "预算支出总额", "total", "1000.00", 49),
        narrative(f, "三公经费", "three_public", "10.60", 60),
        narrative(f, "公务接待费", "three_public", "3.10", 61),
        narrative(f, "机关运行经费", "operating_cost", "664.59", 62),
    ]
    return {"fct_report": reports, "fct_project_fund": funds, "fct_indicator": indicators,
            "fct_budget_line": lines, "fct_narrative_amount": narratives}


def failing_marts() -> dict[str, list[dict]]:
    """One broken instance per rule, each in its own source_file where possible."""
    reports = [
        report("r2", "bad.txt", 2, "职业培训项目", "闵行区职业技能鉴定中心", "元", line_start=50, line_end=90,
               total_weight=D(100), total_score=D(85), grade="优"),
        report("r4", "bad_weights.txt", 1, "人才引进项目", "松江区人才服务中心", "元", line_start=120, line_end=140,
               total_weight=D(100)),
    ]
    funds = [
        # rate should be 90 (450000 / 500000); score uses the stated 95 → 9.5; parts execute 440000
        fund("r2", "bad.txt", 2, "total", 60, budget_initial_yuan=500000, budget_adjusted_yuan=500000,
             executed_yuan=450000, weight=10, execution_rate_pct=95, score=9),
        fund("r2", "bad.txt", 2, "current_year_appropriation", 61, budget_initial_yuan=400000,
             budget_adjusted_yuan=400000, executed_yuan=350000),
        fund("r2", "bad.txt", 2, "carryover", 62, budget_initial_yuan=100000, budget_adjusted_yuan=100000,
             executed_yuan=90000),
        fund("r4", "bad_weights.txt", 1, "total", 130, weight=10),
    ]
    indicators = [
        indicator("r2", "bad.txt", 2, 1, "鉴定人次", 50, 52, 70),
        indicator("r2", "bad.txt", 2, 2, "取证率", 40, 22.5, 71),  # lost points, no reason
        indicator("r4", "bad_weights.txt", 1, 1, "引进人数", 50, 50, 131),
        indicator("r4", "bad_weights.txt", 1, 2, "留用率", 30, 30, 132),  # 10 + 50 + 30 = 90
    ]
    lines = [
        *budget("hier.txt", 1, EXPENDITURE, 1, "", "合计", {"合计": 1000}, 10),
        *budget("hier.txt", 1, EXPENDITURE, 2, "208", "社会保障和就业支出", {"合计": 1000}, 11),
        *budget("hier.txt", 1, EXPENDITURE, 3, "20801", "人力资源和社会保障管理事务", {"合计": 1000}, 12),
        *budget("hier.txt", 1, EXPENDITURE, 4, "2080101", "行政运行", {"合计": 600}, 13),
        *budget("hier.txt", 1, EXPENDITURE, 5, "2080102", "一般行政管理事务", {"合计": 300}, 14),
        *budget("cols.txt", 1, EXPENDITURE, 1, "2080101", "行政运行", {"合计": 700, "基本支出": 600, "项目支出": 50}, 20),
        *budget("cols.txt", 2, THREE_PUBLIC, 1, "", None,
                {"合计": 116000, "因公出国(境)费": 0, "公务接待费": 31000, "小计": 75000, "购置费": 0,
                 "运行费": 75000}, 30),
        *budget("balance.txt", 1, APPROPRIATION, 1, "", "收入总计", {"预算数": 1000}, 40, side="收入"),
        *budget("balance.txt", 1, APPROPRIATION, 1, "", "支出总计", {"合计": 990}, 41, side="支出"),
        *budget("cross.txt", 1, INCOME, 1, "2080101", "行政运行", {"合计": 600}, 50),
        *budget("cross.txt", 2, EXPENDITURE, 1, "2080101", "行政运行", {"合计": 650}, 55),
        *budget("econ.txt", 1, GPB, 1, "", "合计", {"合计": 500, "基本支出": 400, "项目支出": 100}, 60),
        *budget("econ.txt", 2, ECONOMIC, 1, "", "合计", {"合计": 450, "人员经费": 350, "公用经费": 100}, 70),
        *budget("narr.txt", 1, GPB, 1, "2080102", "一般行政管理事务", {"合计": "215124774.00"}, 80),
        *budget("narr.txt", 1, GPB, 2, "2080101", "行政运行", {"合计": "13982245.67"}, 81),
    ]
    narratives = [
        narrative("narr.txt", "一般行政管理事务", "subject", "19601.92", 5),
        narrative("narr.txt", "行政运行", "subject", "1398.22", 6),  # 45.67 元 off: within 0.01 万元
    ]
    return {"fct_report": reports, "fct_project_fund": funds, "fct_indicator": indicators,
            "fct_budget_line": lines, "fct_narrative_amount": narratives}


def _merge(*parts: dict[str, list[dict]]) -> dict[str, list[dict]]:
    return {table: [row for part in parts for row in part[table]] for table in parts[0]}


@pytest.fixture(scope="module")
def checked(tmp_path_factory, marts_writer):
    """(summary, violations rows as dicts, DuckDB path) for a warehouse holding every case."""
    folder = tmp_path_factory.mktemp("quality")
    db = marts_writer(folder / "fiscal.duckdb", _merge(passing_marts(), failing_marts()))
    summary = run_quality_checks(db, folder / "reports")
    with duckdb.connect(str(db), read_only=True) as con:
        cursor = con.execute("SELECT * FROM quality.violations")
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return summary, rows, db


def _only(rows, check_name):
    found = [r for r in rows if r["check_name"] == check_name]
    assert len(found) == 1, found
    return found[0]


def _key(row):
    return (row["check_name"], row["severity"], row["source_file"], row["report_seq"], row["table_seq"],
            row["subject"], row["expected_value"], row["observed_value"], row["line_no"])


# (check_name, severity, source_file, report_seq, table_seq, subject, expected, observed, line_no), text in message
EXPECTED = [
    (("fund_total_mismatch", "error", "bad.txt", 2, None, "年度资金总额", "440000.00", "450000.00", 60),
     ["职业培训项目", "闵行区职业技能鉴定中心", "全年执行数", "440,000.00 元", "450,000.00 元"]),
    (("execution_rate_mismatch", "error", "bad.txt", 2, None, "年度资金总额", "90.00", "95.00", 60),
     ["职业培训项目", "90.00%", "95.00%"]),
    (("fund_score_mismatch", "error", "bad.txt", 2, None, "年度资金总额", "9.50", "9.00", 60),
     ["职业培训项目", "9.50 分"]),
    (("score_exceeds_weight", "error", "bad.txt", 2, None, "鉴定人次", "50.00", "52.00", 70),
     ["职业培训项目", "鉴定人次", "52.00 分"]),
    (("weight_sum_mismatch", "error", "bad_weights.txt", 1, None, "总分（分值）", "100.00", "90.00", 140),
     ["人才引进项目", "松江区人才服务中心"]),
    (("score_sum_mismatch", "error", "bad.txt", 2, None, "总分（得分）", "83.50", "85.00", 90),
     ["职业培训项目", "83.50 分", "85.00 分"]),
    (("grade_mismatch", "error", "bad.txt", 2, None, "评分等级", "良", "优", 90),
     ["职业培训项目", "“良”", "“优”"]),
    (("missing_deviation_reason", "warning", "bad.txt", 2, None, "取证率", "填写偏差原因", "未填写", 71),
     ["职业培训项目", "取证率", "偏差原因"]),
    (("budget_hierarchy_mismatch", "error", "hier.txt", None, 1, "20801 人力资源和社会保障管理事务",
      "900.00", "1000.00", 12),
     ["《2020年部门支出预算总表》", "所属各项（2080101、2080102）之和"]),
    (("budget_balance_mismatch", "error", "balance.txt", None, 1, "收入总计 / 支出总计", "1000.00", "990.00", 41),
     ["《2020年部门财政拨款收支预算总表》", "1,000.00 元", "990.00 元"]),
    (("budget_cross_table_mismatch", "error", "cross.txt", None, 1, "2080101 行政运行", "650.00", "600.00", 50),
     ["《2020年部门收入预算总表》", "《2020年部门支出预算总表》"]),
    (("budget_economic_total_mismatch", "error", "econ.txt", None, 2, "合计", "400.00", "450.00", 70),
     ["经济分类预算表", "基本支出合计"]),
    (("narrative_amount_mismatch", "error", "narr.txt", None, None, "一般行政管理事务",
      "215124774.00", "196019200.00", 5),
     ["一般行政管理事务", "19,601.92 万元", "21,512.48 万元"]),
]


@pytest.mark.parametrize(("key", "message_parts"), EXPECTED, ids=[e[0][0] for e in EXPECTED])
def test_each_rule_reports_its_failing_instance(checked, key, message_parts):
    _, rows, _ = checked
    row = _only(rows, key[0])
    assert _key(row) == key
    for part in message_parts:
        assert part in row["message"], row["message"]


def test_column_sums_include_three_public_table(checked):
    _, rows, _ = checked
    found = sorted(_key(r) for r in rows if r["check_name"] == "budget_column_sum_mismatch")
    assert found == [
        ("budget_column_sum_mismatch", "error", "cols.txt", None, 1, "2080101 行政运行", "650.00", "700.00", 20),
        ("budget_column_sum_mismatch", "error", "cols.txt", None, 2, "“三公”经费", "106000.00", "116000.00", 30),
    ]
    three_public = next(r for r in rows if r["table_seq"] == 2 and r["source_file"] == "cols.txt")
    assert "10.60 万元" in three_public["message"] and "11.60 万元" in three_public["message"]


def test_passing_instances_raise_nothing(checked):
    _, rows, _ = checked
    assert not [r for r in rows if r["source_file"] in {"ok.txt", "ok_tracking.txt", "budget_ok.txt"}]


def test_every_rule_evaluated_passing_and_failing_rows(checked):
    summary, rows, _ = checked
    by_check = summary.by_check
    assert set(by_check) >= {key[0] for key, _ in EXPECTED} | {"budget_column_sum_mismatch"}
    for name, check in by_check.items():
        assert check.error is None, (name, check.error)
        assert check.evaluated_count > check.violation_count >= 1, name
        assert check.violation_count == sum(r["check_name"] == name for r in rows)
    assert summary.violation_count == len(rows)


def test_check_results_table(checked):
    summary, _, db = checked
    with duckdb.connect(str(db), read_only=True) as con:
        results = con.execute(
            "SELECT check_name, suite, severity, evaluated_count, violation_count, success "
            "FROM quality.check_results ORDER BY check_name"
        ).fetchall()
        columns = [r[0] for r in con.execute("DESCRIBE quality.violations").fetchall()]
    assert columns[: len(CONTRACT_COLUMNS)] == CONTRACT_COLUMNS
    assert {r[0] for r in results} == set(summary.by_check)
    grade = next(r for r in results if r[0] == "grade_mismatch")
    assert grade[:3] == ("grade_mismatch", "fct_report_suite", "error")
    assert all(r[5] is False for r in results)


def test_gx_really_judged_the_rows(checked):
    summary, _, _ = checked
    result = summary.checkpoint_result
    assert isinstance(result, CheckpointResult)
    assert result.name == "fiscal_quality"
    suites = {r.suite_name for r in result.run_results.values()}
    assert suites == {"fct_report_suite", "fct_project_fund_suite", "fct_indicator_suite",
                      "fct_budget_line_suite", "fct_narrative_amount_suite"}
    outcomes = {
        r.expectation_config.type: r for run in result.run_results.values() for r in run.results
    }
    fund_total = outcomes["expect_fund_total_equals_sum_of_sources"]
    assert isinstance(fund_total, ExpectationValidationResult)
    assert fund_total.success is False
    assert len(fund_total.result["unexpected_index_list"]) == 1
    expectation = fund_total.expectation_config.to_domain_obj()
    assert type(expectation).__name__ == "ExpectFundTotalEqualsSumOfSources"
    assert expectation.description.startswith("年度资金总额")


def test_data_docs_written(checked):
    summary, _, _ = checked
    assert summary.data_docs_index.name == "index.html" and summary.data_docs_index.exists()
    pages = list(summary.data_docs_index.parent.glob("validations/**/*.html"))
    assert len(pages) == 5
    assert any("年度资金总额" in p.read_text(encoding="utf-8") for p in pages)


def test_consistent_warehouse_has_no_violations(tmp_path, marts_writer):
    db = marts_writer(tmp_path / "ok.duckdb", passing_marts())
    summary = run_quality_checks(db, None)
    assert summary.violation_count == 0
    assert summary.data_docs_index is None
    assert all(c.evaluated_count > 0 for c in summary.checks), [
        c.check_name for c in summary.checks if not c.evaluated_count
    ]


def test_missing_marts_are_empty(tmp_path, marts_writer):
    db = marts_writer(tmp_path / "reports_only.duckdb", {"fct_report": passing_marts()["fct_report"]})
    summary = run_quality_checks(db, None)
    assert summary.marts_present["fct_budget_line"] is False
    assert summary.violation_count == 0
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM quality.violations").fetchone() == (0,)
        assert con.execute("SELECT count(*) FROM quality.check_results").fetchone()[0] == len(summary.checks)
