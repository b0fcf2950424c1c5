"""Each finance rule on tiny warehouses built by dbt: a passing and a failing instance, judged by GX.

One warehouse holds every case (isolated by source_file), built once per module from hand-made
raw rows (conftest.py), because dbt and GX contexts are the slow part.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
from decimal import Decimal as D

import duckdb
import pytest
import reviewer_cases
from conftest import budget, budget_table, fund, indicator, merge, narrative, reading, report

from expectations import checkpoint, gx_import, registry
from expectations.checkpoint import run_quality_checks
from expectations.gx_rules import INDEX_COLUMNS

CONTRACT_COLUMNS = [
    "check_name", "severity", "source_file", "report_seq", "table_seq", "subject",
    "expected_value", "observed_value", "message", "line_no",
]

INCOME = "2020年部门收入预算总表"
EXPENDITURE = "2020年部门支出预算总表"
GPB = "2020年部门一般公共预算支出功能分类预算表"
SUMMARY = "2020年部门财务收支预算总表"
APPROPRIATION = "2020年部门财政拨款收支预算总表"
ECONOMIC = "2020年部门一般公共预算拨款基本支出经济分类预算表"
THREE_PUBLIC = "部门“三公”经费和机关运行经费预算表"
GOV_FUND = "2020年部门政府性基金预算支出功能分类预算表"
# the twelve tables of a Jiangsu budget as …/real/09 (2019) titles them
JIANGSU_2019 = ("收支预算总表", "收入预算总表", "支出预算总表", "财政拨款收支预算总表", "财政拨款支出预算表",
                "财政拨款基本支出预算表", "一般公共预算支出预算表", "一般公共预算基本支出预算表",
                "“三公”经费、会议费、培训费支出预算表", "政府性基金预算支出预算表",
                "一般公共预算机关运行经费支出预算表", "政府采购支出预算表")


def passing_raw() -> dict[str, list[dict]]:
    """Everything consistent: a 万元 self-evaluation, a tracking report, a full budget file."""
    reports = [
        report("ok.txt", 1, "就业补贴项目", "松江区就业促进中心", "万元", total_weight=100, total_score=95, grade="优"),
        report("ok_tracking.txt", 1, "创业扶持项目", "闵行区创业指导中心", "元", report_type="tracking",
               dept="上海市闵行区人力资源和社会保障局"),
    ]
    funds = [
        # 万元 document: 全年执行数 parts differ by 0.01 万元, within 2 × 0.01 万元: a rounding hint
        fund("ok.txt", 1, "total", 10, budget_initial=100, budget_adjusted=120, executed=114, weight=10,
             execution_rate_pct=95, score=9.5),
        fund("ok.txt", 1, "current_year_appropriation", 11, budget_initial=80, budget_adjusted=100, executed=94.99),
        fund("ok.txt", 1, "carryover", 12, budget_initial=20, budget_adjusted=20, executed=19),
        fund("ok.txt", 1, "other", 13),
        fund("ok_tracking.txt", 1, "total", 110, budget_initial=300000, budget_tracking=200000, executed=150000,
             execution_rate_pct=75),
        fund("ok_tracking.txt", 1, "current_year_appropriation", 111, budget_initial=300000,
             budget_tracking=200000, executed=150000),
    ]
    indicators = [
        indicator("ok.txt", 1, 1, "培训人数", 40, 40, 20, target="≥600(人)", actual="650(人)"),
        indicator("ok.txt", 1, 2, "结业率", 30, 28, 21, reason="部分学员未按期结业", target="≥95%", actual="90%"),
        indicator("ok.txt", 1, 3, "满意度", 20, 17.5, 22, reason="调查样本偏少"),
        # the same project's 绩效目标 table: same target, same budget (100 万元 = 1,000,000 元)
        indicator("targets_ok.txt", 1, 1, "培训人数", None, None, 70, target="≥600人"),
    ]
    readings = [
        reading("ok.txt", 1, 1, 20, "met", ">=", 600, "人", actual=650),
        reading("ok.txt", 1, 2, 21, "not_met", ">=", 95, "%", actual=90),  # lost points, with a reason
        reading("targets_ok.txt", 1, 1, 70, "unknown", ">=", 600, "人"),
    ]
    reports.append(report("targets_ok.txt", 1, "就业补贴项目", "松江区就业促进中心", None, report_type="target",
                          line_start=60, line_end=80, budget_amount=1000000, budget_amount_unit="元"))
    f = "budget_ok.txt"
    tables = [budget_table(f, 1, INCOME, 99), budget_table(f, 2, EXPENDITURE, 199), budget_table(f, 3, GPB, 299),
              budget_table(f, 4, SUMMARY, 399), budget_table(f, 5, ECONOMIC, 499),
              budget_table(f, 6, THREE_PUBLIC, 599, money_unit="万元"),
              # the template's other two tables (2020: eight), so budget_table_missing finds nothing
              budget_table(f, 7, APPROPRIATION, 699), budget_table(f, 8, GOV_FUND, 799)]
    cells = [
        *budget(f, 1, 1, "", "合计", {"合计": 10000000, "财政拨款收入": 8000000, "其他收入": 2000000}, 100),
        *budget(f, 1, 2, "208", "社会保障和就业支出", {"合计": 10000000, "财政拨款收入": 8000000, "其他收入": 2000000}, 103),
        *budget(f, 1, 3, "20801", "人力资源和社会保障管理事务",
                {"合计": 10000000, "财政拨款收入": 8000000, "其他收入": 2000000}, 106),
        *budget(f, 1, 4, "2080101", "行政运行", {"合计": 6000000, "财政拨款收入": 5000000, "其他收入": 1000000}, 109),
        *budget(f, 1, 5, "2080102", "一般行政管理事务", {"合计": 4000000, "财政拨款收入": 3000000, "其他收入": 1000000}, 112),
        *budget(f, 2, 1, "", "合计", {"合计": 10000000, "基本支出": 6000000, "项目支出": 4000000}, 200),
        *budget(f, 2, 2, "208", "社会保障和就业支出", {"合计": 10000000, "基本支出": 6000000, "项目支出": 4000000}, 203),
        *budget(f, 2, 3, "20801", "人力资源和社会保障管理事务",
                {"合计": 10000000, "基本支出": 6000000, "项目支出": 4000000}, 206),
        # trailing 项目支出 omitted on a 项 row: counts as 0
        *budget(f, 2, 4, "2080101", "行政运行", {"合计": 6000000, "基本支出": 6000000}, 209),
        *budget(f, 2, 5, "2080102", "一般行政管理事务", {"合计": 4000000, "基本支出": 0, "项目支出": 4000000}, 211),
        *budget(f, 3, 1, "", "合计", {"合计": 8000000, "基本支出": 5000000, "项目支出": 3000000}, 300),
        *budget(f, 3, 2, "208", "社会保障和就业支出", {"合计": 8000000, "基本支出": 5000000, "项目支出": 3000000}, 303),
        *budget(f, 3, 3, "20801", "人力资源和社会保障管理事务",
                {"合计": 8000000, "基本支出": 5000000, "项目支出": 3000000}, 306),
        *budget(f, 3, 4, "2080101", "行政运行", {"合计": 5000000, "基本支出": 5000000, "项目支出": 0}, 309),
        *budget(f, 3, 5, "2080102", "一般行政管理事务", {"合计": 3000000, "基本支出": 0, "项目支出": 3000000}, 312),
        *budget(f, 4, 1, "", "一、财政拨款收入", {"预算数": 8000000}, 400, side="收入"),
        *budget(f, 4, 2, "", "收入总计", {"预算数": 10000000}, 401, side="收入"),
        *budget(f, 4, 1, "", "社会保障和就业支出", {"预算数": 10000000}, 402, side="支出"),
        *budget(f, 4, 2, "", "支出总计", {"预算数": 10000000}, 403, side="支出"),
        *budget(f, 5, 1, "", "合计", {"合计": 5000000, "人员经费": 4000000, "公用经费": 1000000}, 500),
        *budget(f, 5, 2, "301", "工资福利支出", {"合计": 4000000, "人员经费": 4000000}, 503),
        *budget(f, 5, 3, "30101", "基本工资", {"合计": 4000000, "人员经费": 4000000}, 505),
        *budget(f, 5, 4, "302", "商品和服务支出", {"合计": 1000000, "人员经费": 0, "公用经费": 1000000}, 507),
        *budget(f, 5, 5, "30201", "办公费", {"合计": 1000000, "人员经费": 0, "公用经费": 1000000}, 510),
        *budget(f, 6, 1, "", None, {"合计": 10.60, "因公出国(境)费": 0, "公务接待费": 3.10, "小计": 7.50, "购置费": 0,
                                    "运行费": 7.50, "机关运行经费预算数": 664.59}, 600),
    ]
    narratives = [
        narrative(f, "行政运行", "subject", "500.00", 50),
        narrative(f, "预算支出总额", "total", "1000.00", 49),
        narrative(f, "三公经费", "three_public", "10.60", 60),
        narrative(f, "公务接待费", "three_public", "3.10", 61),
        narrative(f, "机关运行经费", "operating_cost", "664.59", 62),
    ]
    return merge({"reports": reports, "fund_rows": funds, "indicators": indicators, "indicator_values": readings,
                  "budget_tables": tables, "budget_cells": cells, "narrative_amounts": narratives,
                  # tables 7 and 8 are printed empty, each with its 注 (as …/real/01 p.24 line 727 prints it)
                  "source_lines": [reviewer_cases.source_line(f, line, "注：本部门2020年无此项预算，故本表为空表。")
                                   for line in (701, 801)]},
                 reviewer_cases.passing())


def failing_raw() -> dict[str, list[dict]]:
    """One broken instance per rule, each in its own source_file where possible."""
    reports = [
        report("bad.txt", 2, "职业培训项目", "闵行区职业技能鉴定中心", "元", line_start=50, line_end=90,
               total_weight=100, total_score=85, grade="优", dept="上海市闵行区人力资源和社会保障局"),
        report("bad_weights.txt", 1, "人才引进项目", "松江区人才服务中心", "元", line_start=120, line_end=140,
               total_weight=100),
    ]
    funds = [
        # rate should be 90 (450000 / 500000); score uses the stated 95 → 9.5; parts execute 440000
        fund("bad.txt", 2, "total", 60, budget_initial=500000, budget_adjusted=500000, executed=450000, weight=10,
             execution_rate_pct=95, score=9),
        fund("bad.txt", 2, "current_year_appropriation", 61, budget_initial=400000, budget_adjusted=400000,
             executed=350000),
        fund("bad.txt", 2, "carryover", 62, budget_initial=100000, budget_adjusted=100000, executed=90000),
        fund("bad_weights.txt", 1, "total", 130, weight=10),
    ]
    indicators = [
        indicator("bad.txt", 2, 1, "鉴定人次", 50, 52, 70, target="≥800(人次)", actual="900(人次)"),
        indicator("bad.txt", 2, 2, "取证率", 40, 22.5, 71),  # lost points, no reason
        indicator("bad_weights.txt", 1, 1, "引进人数", 50, 50, 131),
        indicator("bad_weights.txt", 1, 2, "留用率", 30, 30, 132),  # 10 + 50 + 30 = 90
        # full points although the actual misses the target; points lost although it meets it
        indicator("semantics.txt", 1, 1, "发放及时率", 10, 10, 15, reason="系统切换", target="≥95%", actual="90%"),
        indicator("semantics.txt", 1, 2, "培训覆盖率", 10, 8, 16, reason="覆盖面可再扩大", target="≥80%", actual="85%"),
        # a tracking report's indicator behind its target, with no reason given
        indicator("track_bad.txt", 1, 1, "补贴发放人数", None, None, 30, target="≥1000(人)", actual="400(人)",
                  planned="700(人)"),
        # bad.txt's project in its 绩效目标 table: another target, another budget (60 万元 ≠ 500,000 元)
        indicator("targets_bad.txt", 1, 1, "鉴定人次", None, None, 90, target="≥1000人次"),
    ]
    readings = [
        reading("bad.txt", 2, 1, 70, "met", ">=", 800, "人次", actual=900),
        reading("semantics.txt", 1, 1, 15, "not_met", ">=", 95, "%", actual=90),
        reading("semantics.txt", 1, 2, 16, "met", ">=", 80, "%", actual=85),
        reading("track_bad.txt", 1, 1, 30, "not_met", ">=", 1000, "人", actual=400),
        reading("targets_bad.txt", 1, 1, 90, "unknown", ">=", 1000, "人次"),
    ]
    reports += [
        report("semantics.txt", 1, "档案管理项目", "松江区档案服务中心", "元",
               line_start=1, line_end=20),
        report("track_bad.txt", 1, "就业补贴发放", "闵行区就业促进中心", "元", report_type="tracking",
               line_start=1, line_end=40, dept="上海市闵行区人力资源和社会保障局"),
        report("targets_bad.txt", 1, "职业培训项目", "上海市闵行区职业技能鉴定中心", None, report_type="target",
               line_start=80, line_end=100, budget_amount=60, budget_amount_unit="万元"),
    ]
    tables = [
        budget_table("hier.txt", 1, EXPENDITURE, 9), budget_table("cols.txt", 1, EXPENDITURE, 19),
        budget_table("cols.txt", 2, THREE_PUBLIC, 29, money_unit="万元"), budget_table("balance.txt", 1, APPROPRIATION, 39),
        budget_table("cross.txt", 1, INCOME, 49), budget_table("cross.txt", 2, EXPENDITURE, 54),
        budget_table("econ.txt", 1, GPB, 59), budget_table("econ.txt", 2, ECONOMIC, 69),
        budget_table("narr.txt", 1, GPB, 79),
        # a 2020 Shanghai budget with seven of its template's eight tables: the 三公 table is missing
        *(budget_table("missing.txt", seq, title, 100 * seq)
          for seq, title in enumerate((SUMMARY, INCOME, EXPENDITURE, APPROPRIATION, GPB, GOV_FUND, ECONOMIC), 1)),
        # a Jiangsu 2019 budget (公开01表 … 公开12表) with eleven of its template's twelve tables: no 政府采购
        *(budget_table("jiangsu_missing.pdf", seq, title, 100 * seq, money_unit="万元", year=2019,
                       department="江苏省人民检察院")
          for seq, title in enumerate(JIANGSU_2019[:11], 1)),
        # a narrative-only file's stray table title (under half of a template): not checked
        budget_table("narrative_only.txt", 1, "十二、政府采购支出预算表", 10, year=2019),
    ]
    cells = [
        *budget("hier.txt", 1, 1, "", "合计", {"合计": 1000}, 10),
        *budget("hier.txt", 1, 2, "208", "社会保障和就业支出", {"合计": 1000}, 11),
        *budget("hier.txt", 1, 3, "20801", "人力资源和社会保障管理事务", {"合计": 1000}, 12),
        *budget("hier.txt", 1, 4, "2080101", "行政运行", {"合计": 600}, 13),
        *budget("hier.txt", 1, 5, "2080102", "一般行政管理事务", {"合计": 300}, 14),
        *budget("cols.txt", 1, 1, "2080101", "行政运行", {"合计": 700, "基本支出": 600, "项目支出": 50}, 20),
        *budget("cols.txt", 2, 1, "", None, {"合计": 11.60, "因公出国(境)费": 0, "公务接待费": 3.10, "小计": 7.50,
                                             "购置费": 0, "运行费": 7.50}, 30),
        *budget("balance.txt", 1, 1, "", "收入总计", {"预算数": 1000}, 40, side="收入"),
        *budget("balance.txt", 1, 1, "", "支出总计", {"合计": 990}, 41, side="支出"),
        *budget("cross.txt", 1, 1, "2080101", "行政运行", {"合计": 600}, 50),
        *budget("cross.txt", 2, 1, "2080101", "行政运行", {"合计": 650}, 55),
        *budget("econ.txt", 1, 1, "", "合计", {"合计": 500, "基本支出": 400, "项目支出": 100}, 60),
        *budget("econ.txt", 2, 1, "", "合计", {"合计": 450, "人员经费": 350, "公用经费": 100}, 70),
        *budget("narr.txt", 1, 1, "2080102", "一般行政管理事务", {"合计": "215124774.00"}, 80),
        *budget("narr.txt", 1, 2, "2080101", "行政运行", {"合计": "13982245.67"}, 81),
    ]
    narratives = [
        narrative("narr.txt", "一般行政管理事务", "subject", "19601.92", 5),
        narrative("narr.txt", "行政运行", "subject", "1398.22", 6),  # 45.67 元 off: within 0.01 万元
    ]
    return merge({"reports": reports, "fund_rows": funds, "indicators": indicators, "indicator_values": readings,
                  "budget_tables": tables, "budget_cells": cells, "narrative_amounts": narratives},
                 reviewer_cases.failing())


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory, warehouse_builder):
    return warehouse_builder(tmp_path_factory.mktemp("rules"), merge(passing_raw(), failing_raw()))


@pytest.fixture(scope="module")
def checked(warehouse, tmp_path_factory):
    """(summary, violations rows as dicts, DuckDB path) for the warehouse holding every case."""
    summary = run_quality_checks(warehouse, tmp_path_factory.mktemp("reports"))
    return summary, _violations(warehouse), warehouse


def _violations(db) -> list[dict]:
    with duckdb.connect(str(db), read_only=True) as con:
        cursor = con.execute("SELECT * FROM quality.violations")
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _only(rows, check_name, source_file=None):
    found = [r for r in rows if r["check_name"] == check_name and source_file in (None, r["source_file"])]
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
    (("missing_deviation_reason", "warning", "track_bad.txt", 1, None, "补贴发放人数", "填写偏差原因", "未填写", 30),
     ["就业补贴发放", "未达年度指标值“≥1000(人)”"]),
    (("score_despite_target_missed", "error", "semantics.txt", 1, None, "发放及时率", "10.00", "10.00", 15),
     ["档案管理项目", "实际完成值“90%”", "却得满分"]),
    (("points_lost_though_target_met", "warning", "semantics.txt", 1, None, "培训覆盖率", "10.00", "8.00", 16),
     ["档案管理项目", "已达目标", "8.00 分"]),
    (("target_changed_between_documents", "warning", "bad.txt", 2, None, "鉴定人次", "≥1000人次", "≥800(人次)", 70),
     ["职业培训项目", "绩效目标表（targets_bad.txt 第 90 行）", "“≥800(人次)”"]),
    (("budget_initial_mismatch_across_documents", "error", "bad.txt", 2, None, "职业培训项目",
      "600000.00", "500000.00", 60),
     ["年初预算数", "500,000.00 元", "绩效目标表（targets_bad.txt 第 80 行）年度预算安排 60.00 万元"]),
    (("budget_hierarchy_mismatch", "error", "hier.txt", None, 1, "20801 人力资源和社会保障管理事务",
      "900.00", "1000.00", 12),
     ["《2020年部门支出预算总表》", "所属各项（2080101、2080102）之和"]),
    (("budget_balance_mismatch", "error", "balance.txt", None, 1, "收入总计 / 支出总计", "1000.00", "990.00", 41),
     ["《2020年部门财政拨款收支预算总表》", "1,000.00 元", "990.00 元"]),
    (("budget_cross_table_mismatch", "error", "cross.txt", None, 1, "2080101 行政运行", "650.00", "600.00", 50),
     ["《2020年部门收入预算总表》", "《2020年部门支出预算总表》"]),
    (("budget_economic_total_mismatch", "error", "econ.txt", None, 2, "合计", "400.00", "450.00", 70),
     ["经济分类预算表", "基本支出合计"]),
    (("budget_table_missing", "warning", "missing.txt", None, None, THREE_PUBLIC,
      f"《{THREE_PUBLIC}》", "未找到", 100),
     ["missing.txt", "上海市区级部门预算模板（2020 年共 8 张标准表）", "文件中未找到"]),
    (("budget_table_missing", "warning", "jiangsu_missing.pdf", None, None, "政府采购支出预算表",
      "《政府采购支出预算表》", "未找到", 100),
     ["jiangsu_missing.pdf", "江苏省省级部门预算模板（2019 年共 12 张标准表）", "文件中未找到"]),
    (("narrative_amount_mismatch", "error", "narr.txt", None, None, "一般行政管理事务",
      "215124774.00", "196019200.00", 5),
     ["一般行政管理事务", "19,601.92 万元", "21,512.48 万元"]),
    (("empty_table_without_statement", "warning", "empty_bare.pdf", None, 6, "部门政府性基金预算支出功能分类预算表",
      "注明本表为空（如“此表为空”“本部门无……预算”）", "表中及说明中均未注明", 691),
     ["《2023年部门政府性基金预算支出功能分类预算表》：本表未列出任何金额，应注明本表为空", "表中及说明中均未注明"]),
    # one finding for a 10^4 slip of the unit, the mismatch for a slip of the digits
    (("unit_label_implausible", "warning", "unit_narr.pdf", None, None, "行政运行", "元", "万元", 7),
     ["标为“万元”", "读作“元”即与《2023年部门一般公共预算支出功能分类预算表》第 310 行一致（887361.00 元）"]),
    (("narrative_amount_mismatch", "error", "digit_narr.pdf", None, None, "行政运行", "873617.00", "8873600.00", 7),
     ["887.36 万元", "87.36 万元"]),
    (("unit_label_implausible", "warning", "unit_target.xlsx", 1, None, "社区工作站管理经费（溪头社区工作站）", "元",
      "万元", 617), ["本年度项目金额", "成本指标“该经费总成本”（第 647 行）不超过 65.329 万元"]),
    # the 说明's total of the projects with 绩效目标 against the sum of the five target tables (…/real/01)
    (("narrative_amount_mismatch", "error", "targets_sum.pdf", None, None, "编报绩效目标的项目5个",
      "33513343.00", "33281300.00", 875),
     ["3,328.13 万元", "5 张绩效目标表之和", "3,351.33 万元"]),
    (("narrative_change_mismatch", "error", "change.txt", None, None,
      "社会保障和就业支出(类)行政事业单位养老支出(款)机关事业单位职业年金缴费支出(项)", "232.79", "60.54", 131),
     ["2022年执行数 132.59 万元", "2023年预算 441.25 万元", "232.79%", "60.54%"]),
    (("narrative_change_mismatch", "error", "change_implied.txt", None, None, "一般行政管理事务(项)支出",
      "0.60", "0.06", 1095),
     ["比上年增加 21.8 万元", "0.60%", "0.06%"]),
    (("narrative_change_mismatch", "error", "change_direction.txt", None, None,
      "社会保障和就业支出(类)就业补助(款)公益性岗位补贴(项)", "-4.83", "4.83", 135),
     ["-4.83%", "4.83%"]),
    (("budget_code_not_nested", "error", "nest.pdf", None, 1, "21805 行政事业单位养老支出", "208", "218", 271),
     ["《2023年部门支出预算总表》", "上级科目 208 社会保障和就业支出（第 265 行）", "应以“208”开头"]),
    (("sub_item_exceeds_total", "error", "target35.pdf", 1, None, "其中:当年财政拨款", "10903043.00", "11419043.00",
      1133), ["公共服务设施运行经费", "年度资金申请数", "11,419,043.00 元", "年度资金申请总额（第 1131 行） 10,903,043.00 元",
              "超出 516,000.00 元"]),
    # the same form's 年度资金申请总额 against its parts (one root cause with the 其中 above it); page 31's
    # 项目资金总额 against its 财政资金 + 其他资金 (the 其他资金 edited)
    (("fund_total_mismatch", "error", "target35.pdf", 1, None, "年度资金申请总额", "11419043.00", "10903043.00",
      1131), ["公共服务设施运行经费", "“年度资金申请数”：年度资金申请总额应为各资金来源之和 11,419,043.00 元",
              "当年财政拨款 11419043.00 + 上年结转资金 0.00 + 其他资金 0.00", "实际填报 10,903,043.00 元"]),
    (("fund_total_mismatch", "error", "target31.pdf", 1, None, "项目资金总额", "4600000.00", "4100000.00", 923),
     ["新建万里街道社区公共服务中心", "“项目全周期”：项目资金总额应为各资金来源之和 4,600,000.00 元",
      "财政资金 4100000.00 + 其他资金 500000.00", "实际填报 4,100,000.00 元"]),
    (("sub_item_exceeds_total", "error", "sub_eval.txt", 1, None, "其中:当年财政拨款", "1100000.00", "1120000.00",
      11), ["全年执行数", "112.00 万元", "110.00 万元"]),
    (("narrative_subject_amounts_differ", "error", "item_amounts.pdf", None, None,
      "住房保障支出(类)住房改革支出(款)住房公积金(项)", "3503500.00", "3526700.00", 167),
     ["先写 350.35 万元", "开头 350.35 万元", "2024年预算安排 352.67 万元", "相差 2.32 万元"]),
    (("budget_subject_name_mismatch", "warning", "names2019.pdf", None, 1, "医疗卫生与计划生育支出",
      "卫生健康支出", "医疗卫生与计划生育支出", 235),
     ["《2019年收支预算总表》", "2019 年预算应为“卫生健康支出”", "原文“九、医疗卫生与计划生育支出”"]),
    (("budget_subject_name_mismatch", "warning", "kuan_names.pdf", None, 2, "20805 就业补助",
      "行政事业单位养老支出", "就业补助", 203),
     ["《2023年部门支出预算总表》", "本文件其他 2 张表写作“行政事业单位养老支出”"]),
    (("placeholder_text", "warning", "placeholder.pdf", None, None, "XX", "", "XX", 39),
     ["placeholder.pdf留有占位符“XX”", "第 39 行", "原文“XX（部门）主要职能”"]),
    (("placeholder_text", "warning", "placeholder_unit.txt", None, None, "〔单位〕", "", "〔单位〕", 12),
     ["〔单位〕", "模板括注"]),
]


@pytest.mark.parametrize(("key", "message_parts"), EXPECTED, ids=[f"{e[0][0]}:{e[0][2]}" for e in EXPECTED])
def test_each_rule_reports_its_failing_instance(checked, key, message_parts):
    _, rows, _ = checked
    row = _only(rows, key[0], key[2])
    assert _key(row) == key
    for part in message_parts:
        assert part in row["message"], row["message"]


def test_a_target_forms_totals_are_checked_and_a_part_above_its_total_is_one_root_cause(checked):
    _, rows, db = checked
    with duckdb.connect(str(db), read_only=True) as con:
        checked_rows = con.execute(
            "select source_file, subject, expected_yuan, observed_yuan, tolerance_yuan from "
            "quality.chk_fund_total_mismatch where source_file like 'target3_.pdf' order by all").fetchall()
    # each form's year (three parts) and project (two), 0.01 元 a part; target35's project total holds
    assert checked_rows == [
        ("target31.pdf", "年度资金申请总额", D("4100000.00"), D("4100000.00"), D("0.03")),
        ("target31.pdf", "项目资金总额", D("4600000.00"), D("4100000.00"), D("0.02")),
        ("target35.pdf", "年度资金申请总额", D("11419043.00"), D("10903043.00"), D("0.03")),
        ("target35.pdf", "项目资金总额", D("10903043.00"), D("10903043.00"), D("0.02")),
    ]
    # the total the 其中 part exceeds is that part's finding (root_causes rule 5); an edited total is its own
    for source_file in ("target35.pdf", "sub_eval.txt"):
        total, part = _only(rows, "fund_total_mismatch", source_file), _only(rows, "sub_item_exceeds_total", source_file)
        assert (part["is_root_cause"], total["is_root_cause"]) == (True, False)
        assert total["root_cause_id"] == part["root_cause_id"] and part["root_cause_places"] == 2
    assert _only(rows, "fund_total_mismatch", "target31.pdf")["is_root_cause"] is True


def test_column_sums_include_three_public_table(checked):
    _, rows, _ = checked
    found = sorted(_key(r) for r in rows if r["check_name"] == "budget_column_sum_mismatch")
    assert found == [
        ("budget_column_sum_mismatch", "error", "cols.txt", None, 1, "2080101 行政运行", "650.00", "700.00", 20),
        ("budget_column_sum_mismatch", "error", "cols.txt", None, 2, "“三公”经费", "106000.00", "116000.00", 30),
    ]
    three_public = next(r for r in rows if r["table_seq"] == 2 and r["source_file"] == "cols.txt")
    assert "10.60 万元" in three_public["message"] and "11.60 万元" in three_public["message"]


def test_budget_table_missing_checks_whole_documents_of_a_template_only(checked):
    summary, rows, db = checked
    found = sorted((r["source_file"], r["subject"]) for r in rows if r["check_name"] == "budget_table_missing")
    assert found == [("jiangsu_missing.pdf", "政府采购支出预算表"), ("missing.txt", THREE_PUBLIC)]
    with duckdb.connect(str(db), read_only=True) as con:
        checked_files = con.execute(
            "select source_file, template, count(*), sum(tables_found) from quality.chk_budget_table_missing "
            "group by all order by 1"
        ).fetchall()
    # budget_ok.txt: eight of eight; missing.txt: seven; jiangsu_missing.pdf: eleven of the Jiangsu twelve;
    # files with a table or two are not budgets to check; the empty-table cases hold the nine tables of a 2023 budget
    empty_cases = [(f"empty_{case}.pdf", "shanghai", 9, 9) for case in ("bare", "ok", "said")]
    assert checked_files == [("budget_ok.txt", "shanghai", 8, 8), *empty_cases,
                             ("jiangsu_missing.pdf", "jiangsu", 12, 11), ("missing.txt", "shanghai", 8, 7)]
    assert summary.by_check["budget_table_missing"].evaluated_count == 16 + 3 * 9 + 12


def test_summary_figures_are_compared_only_with_what_they_summarise(checked):
    # procurement against the 政府采购 table; the targets' total only where every counted table is printed
    *_, db = checked
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("select source_file, measure, expected_yuan, observed_yuan from "
                           "quality.chk_narrative_amount_mismatch where source_file in "
                           "('procurement_ok.pdf', 'targets_sum_ok.pdf', 'targets_partial.pdf') order by 1").fetchall()
    assert rows == [("procurement_ok.pdf", "procurement", D("27448400.00"), D("27448400.00")),
                    ("targets_sum_ok.pdf", "target_projects", D("33513343.00"), D("33513300.00"))]


def test_a_unit_slip_is_not_also_a_narrative_mismatch(checked):
    _, rows, _ = checked
    assert [r["check_name"] for r in rows if r["source_file"] == "unit_narr.pdf"] == ["unit_label_implausible"]
    assert [r["check_name"] for r in rows if r["source_file"] == "digit_narr.pdf"] == ["narrative_amount_mismatch"]


def test_passing_instances_raise_nothing(checked):
    _, rows, _ = checked
    found = [r for r in rows if r["source_file"] in {"ok.txt", "ok_tracking.txt", "budget_ok.txt", "targets_ok.txt",
                                                      "procurement_ok.pdf", "targets_sum_ok.pdf", "targets_partial.pdf",
                                                      "empty_ok.pdf", "empty_said.pdf", "unit_ok.pdf",
                                                      "unit_target_ok.xlsx"}]
    # only the 0.01 万元 that rounding explains, as a hint (never an error)
    assert [_key(r) for r in found] == [
        ("fund_total_mismatch", "hint", "ok.txt", 1, None, "年度资金总额", "1139900.00", "1140000.00", 10)
    ]
    (hint,) = found
    assert (hint["difference"], hint["tolerance"]) == (D("100.00"), D("200.00"))
    assert hint["message"].endswith("仅作提示。")


def test_every_rule_evaluated_passing_and_failing_rows(checked):
    summary, rows, _ = checked
    by_check = summary.by_check
    assert set(by_check) == {rule.check_name for rule in registry.RULES}
    for name, check in by_check.items():
        assert check.error is None, (name, check.error)
        assert check.evaluated_count > check.violation_count >= 1, name
        assert check.violation_count == sum(r["check_name"] == name and r["severity"] != "hint" for r in rows)
        assert check.hint_count == sum(r["check_name"] == name and r["severity"] == "hint" for r in rows)
    assert summary.violation_count == sum(r["severity"] != "hint" for r in rows)


def test_money_stays_decimal_and_rows_carry_their_context(checked):
    _, rows, db = checked
    with duckdb.connect(str(db), read_only=True) as con:
        types = dict(con.execute("SELECT column_name, column_type FROM (DESCRIBE quality.violations)").fetchall())
        model_types = dict(con.execute(
            "SELECT column_name, column_type FROM (DESCRIBE quality.chk_fund_total_mismatch)").fetchall())
        columns = [r[0] for r in con.execute("DESCRIBE quality.violations").fetchall()]
    assert columns[: len(CONTRACT_COLUMNS)] == CONTRACT_COLUMNS
    assert {types[c] for c in ("expected_number", "observed_number", "difference", "tolerance")} == {"DECIMAL(18,2)"}
    assert {model_types[c] for c in ("expected_yuan", "observed_yuan", "tolerance_yuan")} == {"DECIMAL(18,2)"}
    total = _only(rows, "fund_total_mismatch", "bad.txt")
    assert (total["difference"], total["tolerance"]) == (D("10000.00"), D("0.02"))
    assert (total["district"], total["department"]) == ("闵行区", "上海市闵行区人力资源和社会保障局")
    budget_row = _only(rows, "budget_balance_mismatch")
    assert (budget_row["district"], budget_row["department"]) == ("松江区", "松江区人力资源和社会保障局")


def test_check_results_table(checked):
    summary, _, db = checked
    with duckdb.connect(str(db), read_only=True) as con:
        results = con.execute(
            "SELECT check_name, suite, severity, model, evaluated_count, violation_count, success "
            "FROM quality.check_results ORDER BY check_name"
        ).fetchall()
    assert {r[0] for r in results} == set(summary.by_check)
    grade = next(r for r in results if r[0] == "grade_mismatch")
    assert grade[:4] == ("grade_mismatch", "chk_grade_mismatch_suite", "error", "quality.chk_grade_mismatch")
    assert all(r[6] is False for r in results)


def test_gx_names_failing_rows_by_file_and_line_and_carries_the_rule(checked):
    summary, _, _ = checked
    result = summary.validation_results["fund_total_mismatch"]
    outcome, exact = result.results  # beyond rounding (the rule's severity); not exact (a hint)
    assert outcome.success is False and exact.success is False
    config = outcome.expectation_config
    assert config.type == "expect_column_pair_values_to_be_within_tolerance"
    assert config.kwargs["column_list"] == ["expected_yuan", "observed_yuan", "tolerance_yuan"]
    assert (config.meta["severity"], exact.expectation_config.meta["severity"]) == ("error", "hint")
    assert exact.expectation_config.kwargs["tolerance"] == 0
    assert config.meta["formula"].startswith("年度资金总额 = 当年财政拨款")
    # bad.txt's; the 其中 case of sub_item_exceeds_total breaks the self-evaluation's total too (sub_eval.txt)
    # and the target form's (target35.pdf); target31.pdf's project total
    # every failing row by file, line and check row; the compared values of the first 20 (gx_rules.RESULT_FORMAT)
    (index,) = outcome.result["unexpected_index_list"]
    assert index["source_file"].count("bad.txt") == 1 and len(index["check_row"]) == outcome.result["unexpected_count"]
    (failing,) = [f for f in outcome.result["unexpected_rows"].to_dict("records") if f["source_file"] == "bad.txt"]
    assert (failing["source_file"], failing["line_no"]) == ("bad.txt", 60)
    assert (failing["expected_yuan"], failing["observed_yuan"]) == (D("440000.00"), D("450000.00"))
    assert "expected_yuan" not in index  # no values of every failing row: they cost O(findings) in GX
    grade = summary.validation_results["grade_mismatch"].results[0].expectation_config
    assert grade.kwargs["bands"] == [["优", 90], ["良", 80], ["中", 60], ["差", 0]]
    rate = summary.validation_results["execution_rate_mismatch"].results[0].expectation_config
    assert rate.kwargs["tolerance"] == 0.05


def test_violations_are_those_of_the_result_with_every_failing_rows_values(checked, tmp_path, monkeypatch):
    """gx_rules.RESULT_FORMAT leaves out the failing rows' values (their cost grew with the findings):
    quality.violations and quality.check_results are row for row, column for column what the
    COMPLETE result with every value gives. That run judges each rule 2 check rows at a time
    (chunks.py: a large rule's memory follows a chunk): the same verdicts and counts."""
    lean, rows, db = checked
    copy = tmp_path / "with_values.duckdb"
    shutil.copyfile(db, copy)
    with_values = {"result_format": "COMPLETE", "unexpected_index_column_names": INDEX_COLUMNS}
    monkeypatch.setattr(checkpoint, "CHUNK_ROWS", 2)
    chunked = run_quality_checks(copy, None, result_format=with_values)
    for name, result in lean.validation_results.items():
        merged = chunked.validation_results[name]
        assert (merged.success, merged.statistics) == (result.success, result.statistics), name
        for a, b in zip(merged.results, result.results, strict=True):
            counts = ("element_count", "unexpected_count", "missing_count", "unexpected_percent")
            assert [a.result.get(k) for k in counts] == [b.result.get(k) for k in counts], name
    assert sum(r.results[0].result["element_count"] for r in chunked.validation_results.values()) > 100
    # the result keeps its first chunk's batch markers, GX's fingerprint of those rows (later chunks': not made)
    assert all(len(r.meta["batch_markers"]["pandas_data_fingerprint"]) == 32 for r in chunked.validation_results.values())
    for table in ("violations", "check_results"):
        with duckdb.connect(str(copy)) as con:
            con.execute(f"ATTACH '{db}' AS lean (READ_ONLY)")
            counts = con.execute(
                f"SELECT (SELECT count(*) FROM quality.{table}), "
                f"(SELECT count(*) FROM (FROM quality.{table} EXCEPT ALL FROM lean.quality.{table})), "
                f"(SELECT count(*) FROM (FROM lean.quality.{table} EXCEPT ALL FROM quality.{table}))"
            ).fetchone()
        assert counts[1:] == (0, 0), (table, counts)
    assert counts[0] == len(registry.RULES) and len(rows) >= 30  # every rule, many findings compared


def test_the_verdict_is_gxs_parameters(warehouse):
    """Same check rows, a looser tolerance in the expectation: GX, not the model, decides."""
    loose = tuple(
        dataclasses.replace(r, expectations=(registry.Expect(
            "within_tolerance", {"column_list": ["expected_rate_pct", "observed_rate_pct"], "tolerance": 10.0}),))
        if r.check_name == "execution_rate_mismatch" else r
        for r in registry.RULES
    )
    summary = run_quality_checks(warehouse, None, rules=loose)
    assert summary.by_check["execution_rate_mismatch"].violation_count == 0  # |95 − 90| ≤ 10
    # bad.txt, sub_eval.txt, target35.pdf, target31.pdf
    assert summary.by_check["fund_total_mismatch"].violation_count == 4


def test_a_missing_model_does_not_hide_the_others(warehouse):
    broken = (dataclasses.replace(registry.rule("score_sum_mismatch"), check_name="no_such_rule"), *registry.RULES)
    summary = run_quality_checks(warehouse, None, rules=broken)
    failed = summary.by_check["no_such_rule"]
    assert failed.error and "chk_no_such_rule" in failed.error and not failed.success
    assert summary.by_check["score_sum_mismatch"].violation_count == 1
    with duckdb.connect(str(warehouse), read_only=True) as con:
        error = con.execute("SELECT error FROM quality.check_results WHERE check_name = 'no_such_rule'").fetchone()
        stored = con.execute("SELECT success, judged FROM quality.gx_validations WHERE check_name = 'no_such_rule'").fetchall()
    assert "chk_no_such_rule" in error[0]
    # its latest validation, for Data Docs, is a failure saying why: never a pass
    assert stored == [(False, f"none: the rule could not run ({error[0]})")]


def test_data_docs_say_a_rule_could_not_run(warehouse, tmp_path):
    broken = dataclasses.replace(registry.rule("score_sum_mismatch"), check_name="no_such_rule")
    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(warehouse, copy)
    docs = run_quality_checks(copy, tmp_path, rules=(broken, registry.rule("grade_mismatch")), run_name="r1").data_docs_index
    index = docs.read_text(encoding="utf-8")
    assert "'run_name': 'r1 (could not run)'" in index and index.count("'run_name': 'r1'") == 1
    (page,) = docs.parent.glob("validations/chk_no_such_rule_suite/r1/*/*.html")
    text = " ".join(page.read_text(encoding="utf-8").split())
    assert "Status: Failed" in " ".join(re.sub(r"<[^>]+>", " ", text).split())
    assert "raised an exception" in text and "Table with name chk_no_such_rule does not exist" in text


def test_a_carried_over_rules_reused_page_is_indexed_from_its_entry(warehouse, tmp_path):
    """A carried-over rule whose page the previous site has needs only its stored index entry (its
    result without the expectations' results), not the result: the site's index is the same as one
    rendered from the full results. A table stored before entries were gets them on first use."""
    from expectations.context import build_context
    from expectations.gx_docs import CARRIED_OVER, build_site
    from expectations.latest_validations import kept_validations
    from expectations.suites import build_suite

    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(warehouse, copy)
    rules = (registry.rule("grade_mismatch"), registry.rule("score_sum_mismatch"))
    names = [rule.check_name for rule in rules]
    first = run_quality_checks(copy, tmp_path / "first", rules=rules, run_name="r1").data_docs_index.parent
    with duckdb.connect(str(copy)) as con:
        light = kept_validations(con, names, needs_result=lambda v: False)
        full = kept_validations(con, names, needs_result=lambda v: True)
        results = dict(con.execute("select check_name, result from quality.gx_validations").fetchall())
        con.execute("alter table quality.gx_validations drop column index_entry")  # as stored before entries
        filled = kept_validations(con, names, needs_result=lambda v: False)
        entries = dict(con.execute("select check_name, index_entry from quality.gx_validations").fetchall())
        assert dict(con.execute("select check_name, result from quality.gx_validations").fetchall()) == results
    assert [v.result for v in light.values()] == [None, None]
    assert {name: v.result for name, v in full.items()} == {name: v.result for name, v in filled.items()} == results
    assert {name: v.index_entry for name, v in light.items()} == entries == {n: v.index_entry for n, v in filled.items()}
    # score_sum_mismatch fails one row: its entry keeps the verdict and batch, not the failing rows' lists
    assert not light["score_sum_mismatch"].success and "unexpected_index_list" in results["score_sum_mismatch"]
    assert "unexpected_index_list" not in entries["score_sum_mismatch"]
    indexes = []
    for latest, previous in ((light, first), (full, None)):  # pages copied, index from entries / all rendered
        context = build_context()
        for rule in rules:
            build_suite(context, rule)
        docs = tmp_path / f"docs{len(indexes)}"
        docs.mkdir()
        indexes.append(build_site(context, docs, [(latest[n], CARRIED_OVER) for n in names], previous))
    texts = [re.sub(r"\?d=\d{8}T[\d.]+Z", "", index.read_text(encoding="utf-8")) for index in indexes]
    assert texts[0] == texts[1]  # but for the time the logo's link carries (make_offline replaces it)
    assert "'run_name': 'r1 (carried over: nothing it judges changed since)'" in indexes[0].read_text(encoding="utf-8")
    for page in (tmp_path / "docs0").glob("validations/**/*.html"):
        assert page.read_bytes() == (first / page.relative_to(tmp_path / "docs0")).read_bytes()


def test_data_docs_show_the_rules_offline(checked):
    summary, _, _ = checked
    docs = summary.data_docs_index.parent
    pages = list(docs.glob("validations/**/*.html"))
    assert len(pages) == len(registry.RULES)
    page = next(p for p in pages if "chk_fund_total_mismatch" in str(p)).read_text(encoding="utf-8")
    assert "年度资金总额 = 当年财政拨款" in page and "tolerance_yuan" in page and "bad.txt" in page
    # the failing row with its values, in the table gx_rules.FailingRowsTable renders
    flat = " ".join(page.split())
    table = flat[flat.index("<th > source_file </th> <th > line_no </th> <th > check_row </th>") :]
    row = table[table.index(">bad.txt<") : table.index("</tr>", table.index(">bad.txt<"))]
    assert [">60<", ">440000.0<", ">450000.0<"] == [v for v in (">60<", ">440000.0<", ">450000.0<") if v in row], row
    for html in [summary.data_docs_index, *pages]:
        text = html.read_text(encoding="utf-8")
        assert "cdn." not in text and "unpkg.com" not in text and "code.jquery.com" not in text, html
    assert (docs / "static" / "vendor" / "jquery@3.7.1" / "dist" / "jquery.min.js").stat().st_size > 50_000
    assert list((docs / "static" / "vendor").glob("@fortawesome__fontawesome-free@*/webfonts/*.woff2"))


def test_consistent_warehouse_has_no_violations(tmp_path, warehouse_builder):
    db = warehouse_builder(tmp_path, passing_raw())
    summary = run_quality_checks(db, None)
    assert summary.violation_count == 0
    assert summary.data_docs_index is None
    assert all(c.evaluated_count > 0 for c in summary.checks), [
        c.check_name for c in summary.checks if not c.evaluated_count
    ]


def test_gx_sees_only_the_columns_its_expectations_read():
    from expectations.checkpoint import judged_columns

    assert judged_columns(registry.rule("fund_total_mismatch")) == [
        "source_file", "line_no", "check_row", "expected_yuan", "observed_yuan", "tolerance_yuan"]
    assert judged_columns(registry.rule("score_despite_target_missed")) == [
        "source_file", "line_no", "check_row", "expected_max_score", "observed_score", "achievement"]
    assert judged_columns(registry.rule("grade_mismatch"))[3:] == ["observed_score", "observed_grade"]


def test_a_finding_in_a_pdf_carries_its_page(tmp_path, warehouse_builder):
    """page_no of a check row is the page of its line in raw.source_lines (PDF inputs)."""
    raw = {
        "reports": [report("printed.pdf", 1, "就业补贴项目", "松江区就业促进中心", "元", line_start=50, line_end=80)],
        "fund_rows": [
            fund("printed.pdf", 1, "total", 60, budget_initial=500000, budget_adjusted=500000, executed=450000),
            fund("printed.pdf", 1, "current_year_appropriation", 61, budget_initial=400000,
                 budget_adjusted=400000, executed=350000),
        ],
        "source_lines": [
            {"source_file": "printed.pdf", "line_no": n, "page_no": 3 if n >= 58 else 2, "text": f"line {n}"}
            for n in range(50, 81)
        ],
    }
    db = warehouse_builder(tmp_path, raw)
    run_quality_checks(db, None)
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(
            "select line_no, page_no, expected_value, observed_value from quality.violations "
            "where check_name = 'fund_total_mismatch' order by line_no"
        ).fetchall()
    # 年初预算数, 全年预算数 and 全年执行数 each miss their parts by 100000 元, all on line 60 of page 3
    assert sorted(rows) == [(60, 3, "350000.00", "450000.00"), (60, 3, "400000.00", "500000.00"),
                            (60, 3, "400000.00", "500000.00")]


def test_a_run_with_no_rows_to_judge_keeps_every_verdict_without_gx(checked, tmp_path, monkeypatch):
    """An incremental run whose changed files have no check row of any rule it judges loads no GX
    (expectations.gx_import.load, ~3 CPU s) and keeps the verdicts; the published Data Docs stay."""
    _, _, db = checked
    monkeypatch.setattr(gx_import, "load", lambda: pytest.fail("GX loaded with no row to judge"))
    copy = tmp_path / "no_change.duckdb"
    shutil.copyfile(db, copy)
    per_file = tuple(rule for rule in registry.RULES if not rule.cross_file)
    names = [rule.check_name for rule in per_file]
    counts = "SELECT check_name, evaluated_count, violation_count, hint_count FROM quality.check_results"
    with duckdb.connect(str(copy)) as con:
        con.execute("delete from raw.changed_files")  # the load touched no file
        before = {row[0]: row[1:] for row in con.execute(counts).fetchall() if row[0] in names}
    kept = run_quality_checks(copy, tmp_path / "reports", rules=per_file, changed_only=True)
    assert kept.validation_results == {} and kept.data_docs_index is None
    assert not (tmp_path / "reports" / "gx_data_docs").exists()  # nothing written over the published docs
    assert {c.check_name: (c.evaluated_count, c.violation_count, c.hint_count) for c in kept.checks} == before
    assert before["fund_total_mismatch"][1] == 4 and len(before) == len(per_file) >= 15  # as judged by GX above
    only = "check_name IN (SELECT unnest(?::VARCHAR[]))"
    with duckdb.connect(str(copy)) as con:
        con.execute(f"ATTACH '{db}' AS judged (READ_ONLY)")
        assert con.execute(counts).fetchall() and con.execute(
            f"SELECT count(*) FROM ((FROM quality.violations EXCEPT ALL FROM judged.quality.violations WHERE {only}) "
            f"UNION ALL (FROM judged.quality.violations WHERE {only} EXCEPT ALL FROM quality.violations))",
            [names, names],
        ).fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM quality.violations").fetchone()[0] >= 20
