"""A small warehouse (contract schemas, realistic rows) and the raw files its rows point at."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import duckdb

SONGJIANG_2024 = "songjiang/2024_自评.txt"
SONGJIANG_2023 = "songjiang/2023_自评.txt"
MINHANG_2022 = "minhang_2022.txt"
BUDGET_2020 = "songjiang_budget_2020.txt"  # GB18030-encoded, like some real inputs

SJ_DEPT = "上海市松江区人力资源和社会保障局"
SJ_UNIT = "上海市松江区就业促进中心"
MH_DEPT = "上海市闵行区人力资源和社会保障局"
MH_UNIT = "上海市闵行区人力资源和社会保障局（本级）"
HOSTILE = "职业培训<script>alert(1)</script>&补贴"

# line_no → text of the lines the violations point at
SOURCE_LINES = {
    SONGJIANG_2024: {120: "\t\t年度资金总额\t\t1203.00\t1158.10\t1158.10\t10.00\t100.00\t9.50"},
    SONGJIANG_2023: {
        40: "产出指标\t数量指标\t培训人数\t\t≥600(人)\t520(人)\t10.00\t8.00\t",
        52: "总分\t\t\t\t\t\t100.00\t96.00\t",
    },
    MINHANG_2022: {7: "\t年度资金总额\t<div>500,000.00</div>\t480,000.00\t470,000.00\t10.00\t97.92\t9.79"},
    BUDGET_2020: {310: "208\t01\t\t人力资源和社会保障管理事务\t12,345,678.00"},
}

# fmt: off
REPORTS = [
    # report_id, source_file, seq, type, year, project, dept, unit, money_unit, weight, score, grade, start, end
    ("r1", SONGJIANG_2024, 1, "self_eval", 2024, "中央就业补助资金", SJ_DEPT, SJ_UNIT, "万元", 100, 95.5, "优", 100, 160),
    ("r2", SONGJIANG_2024, 2, "self_eval", 2024, HOSTILE, SJ_DEPT, SJ_UNIT, "万元", 100, 88.0, "良", 161, 200),
    ("r3", SONGJIANG_2023, 1, "self_eval", 2023, "中央就业补助资金", SJ_DEPT, SJ_UNIT, "万元", 100, 96.0, "优", 1, 60),
    ("r4", MINHANG_2022, 1, "self_eval", 2022, "就业困难人员补贴", MH_DEPT, MH_UNIT, "元", 100, 79.0, "中", 1, 40),
    ("r5", MINHANG_2022, 2, "tracking", 2022, "职业技能提升行动", MH_DEPT, MH_UNIT, "元", None, None, None, 41, 80),
    ("r6", BUDGET_2020, 3, "target", 2020, "就业专项资金", SJ_DEPT, SJ_DEPT, "元", None, None, None, 400, 430),
]

FUNDS = [  # report_id, fund_source, execution_rate_pct
    ("r1", "total", 96.27), ("r1", "current_year_appropriation", 96.27), ("r2", "total", 100.0),
    ("r3", "total", 100.0), ("r4", "total", 97.92), ("r5", "total", 61.5), ("r6", "total", None),
]

# check_name, severity, source_file, report_seq, table_seq, subject, expected, observed, message, line_no
VIOLATIONS = [
    ("fund_score_mismatch", "error", SONGJIANG_2024, 1, None, "年度资金总额", "10.00", "9.50",
     "资金得分应为 10.00（分值 10 × 执行率 100%），表中为 9.50", 120),
    ("fund_total_mismatch", "error", MINHANG_2022, 1, None, "年度资金总额·全年预算数", "480,000.00", "500000.00",
     "年度资金总额与各来源之和不符", 7),
    ("missing_deviation_reason", "warning", SONGJIANG_2023, 1, None, "培训人数", None, None,
     "指标扣 2 分但未填写偏差原因", 40),
    ("missing_deviation_reason", "warning", SONGJIANG_2024, 2, None, "补贴发放及时率", None, None,
     "指标扣分但未填写偏差原因", 130),
    ("budget_hierarchy_mismatch", "error", BUDGET_2020, None, 2, "20801", "12345000.00", "12345678.00",
     "款 20801 与其下各项之和相差 678.00 元", 310),
    ("custom_rule_x", "warning", SONGJIANG_2023, 1, None, "总分", "100", "96", "自定义检查", 52),
]

CHECK_RESULTS = [
    ("fund_score_mismatch", "fct_project_fund_suite", "error", 7, 1, False),
    ("fund_total_mismatch", "fct_project_fund_suite", "error", 7, 1, False),
    ("execution_rate_mismatch", "fct_project_fund_suite", "error", 7, 0, True),
    ("missing_deviation_reason", "fct_indicator_suite", "warning", 40, 2, False),
    ("budget_hierarchy_mismatch", "fct_budget_line_suite", "error", 300, 1, False),
    ("custom_rule_x", "fct_report_suite", "warning", 5, 1, False),
]
# fmt: on


@dataclass
class Warehouse:
    db_path: Path
    raw_dir: Path
    report_dir: Path

    def query(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.db_path), read_only=True) as con:
            return con.execute(sql).fetchall()


def _lines(source_file: str) -> list[str]:
    """The file's lines: filler around the cited ones."""
    cited = SOURCE_LINES[source_file]
    return [cited.get(i, f"第{i}行\t填充") for i in range(1, max(cited) + 21)]


def _write_raw(raw_dir: Path) -> dict[str, str]:
    """Write each raw file; return sha256 by file."""
    digests = {}
    for source_file in SOURCE_LINES:
        text = "\n".join(_lines(source_file)) + "\n"
        data = text.encode("gb18030" if source_file == BUDGET_2020 else "utf-8")
        path = raw_dir / source_file
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        digests[source_file] = hashlib.sha256(data).hexdigest()
    return digests


def build_warehouse(
    db_path: Path, raw_dir: Path, *, with_quality: bool = True, with_marts: bool = True
) -> None:
    digests = _write_raw(raw_dir)
    with duckdb.connect(str(db_path)) as con:
        con.execute("create schema raw")
        con.execute(
            "create table raw.source_files (source_file varchar, sha256 varchar, size_bytes bigint, "
            "families varchar, line_count integer, loaded_at timestamp)"
        )
        for f, digest in digests.items():
            families = "budget,target" if f == BUDGET_2020 else "self_eval,tracking"
            con.execute(
                "insert into raw.source_files values (?, ?, 0, ?, ?, now())",
                [f, digest, families, max(SOURCE_LINES[f]) + 20],
            )
        # every line as the loader keeps it (decoded text, TABs as they are): what the report shows
        con.execute(
            "create table raw.source_lines (source_file varchar, line_no integer, page_no integer, "
            "sheet_name varchar, text varchar)"
        )
        con.executemany(
            "insert into raw.source_lines values (?, ?, null, null, ?)",
            [(f, no, text) for f in SOURCE_LINES for no, text in enumerate(_lines(f), start=1)],
        )
        con.execute(
            "create table raw.parse_issues (source_file varchar, line_no integer, severity varchar, "
            "code varchar, message varchar, raw_text varchar)"
        )
        con.executemany(
            "insert into raw.parse_issues values (?, ?, ?, ?, ?, ?)",
            [
                (MINHANG_2022, 90, "error", "unparsed_row", "无法识别的表格行", "合计\t\t???"),
                (SONGJIANG_2024, 201, "warning", "orphan_cell", "单元格无法归属", "备注"),
                (BUDGET_2020, 5, "info", "boilerplate", "页眉", "第1页"),
            ],
        )
        if with_marts:
            con.execute("create schema marts")
            con.execute(
                "create table marts.fct_report (report_id varchar, source_file varchar, report_seq integer, "
                "report_type varchar, fiscal_year integer, project_name varchar, supervising_dept varchar, "
                "implementing_unit varchar, money_unit varchar, total_weight decimal(6,2), "
                "total_score decimal(6,2), grade varchar, line_start integer, line_end integer)"
            )
            con.executemany("insert into marts.fct_report values (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", REPORTS)
            # the mart's district extra (dbt derives it from the unit names)
            con.execute("alter table marts.fct_report add column district varchar")
            con.execute("update marts.fct_report set district = case when supervising_dept = ? then '松江区' "
                        "when supervising_dept = ? then '闵行区' end", [SJ_DEPT, MH_DEPT])
            con.execute(
                "create table marts.fct_project_fund (report_id varchar, source_file varchar, report_seq integer, "
                "fund_source varchar, budget_adjusted_yuan decimal(18,2), executed_yuan decimal(18,2), "
                "weight decimal(6,2), execution_rate_pct decimal(8,2), score decimal(6,2), line_no integer)"
            )
            seq = {r[0]: (r[1], r[2]) for r in REPORTS}
            con.executemany(
                "insert into marts.fct_project_fund values (?, ?, ?, ?, null, null, null, ?, null, null)",
                [(rid, *seq[rid], src, rate) for rid, src, rate in FUNDS],
            )
            con.execute(
                "create table marts.fct_budget_line (source_file varchar, fiscal_year integer, table_seq integer, "
                "subject_code varchar, measure varchar, amount_yuan decimal(18,2), line_no integer)"
            )
            con.execute(
                f"insert into marts.fct_budget_line values ('{BUDGET_2020}', 2020, 2, '20801', '合计', "
                "12345678.00, 310)"
            )
        if with_quality:
            con.execute("create schema quality")
            con.execute(
                "create table quality.violations (check_name varchar, severity varchar, source_file varchar, "
                "report_seq integer, table_seq integer, subject varchar, expected_value varchar, "
                "observed_value varchar, message varchar, line_no integer)"
            )
            con.executemany("insert into quality.violations values (?,?,?,?,?,?,?,?,?,?)", VIOLATIONS)
            # budget findings carry the budget's 编制部门 and district (from the quality models)
            con.execute("alter table quality.violations add column department varchar")
            con.execute("alter table quality.violations add column district varchar")
            con.execute("update quality.violations set department = ?, district = '松江区' where source_file = ?",
                        [SJ_DEPT.removeprefix("上海市"), BUDGET_2020])
            con.execute(
                "create table quality.check_results (check_name varchar, suite varchar, severity varchar, "
                "evaluated_count integer, violation_count integer, success boolean)"
            )
            con.executemany("insert into quality.check_results values (?,?,?,?,?,?)", CHECK_RESULTS)
