"""One root cause, one finding: a wrong cell seen at several places is one finding, two slips are two.

The tables are the 208 社会保障和就业支出 block of …/real/01 (万里街道 2023, 部门支出预算总表 page 12 lines
265–273: 208, 20802 民政管理事务 215,000, 2080206 社会组织管理 215,000, 20805 行政事业单位养老支出
6,851,259, 2080501 行政单位离退休 177,240), cut to those rows (2080505 holding the rest of 20805) and
made to add up, then edited by one 元 where each case says; and the sample budget (raw/003) with two
slips, through the real parser. One warehouse for every case (dbt and GX are the slow part), also
rendered as the quality report.
"""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal as D
from pathlib import Path

import duckdb
import pytest
from conftest import budget, budget_table, merge
from openpyxl import load_workbook

from dagster_project.parsers import parse_text
from dagster_project.reporting import render_quality_report
from expectations.checkpoint import run_quality_checks

INCOME, EXPENDITURE = "2023年部门收入预算总表", "2023年部门支出预算总表"
DEPT = "上海市普陀区人民政府万里街道办事处"
PROPAGATED, TWO_SLIPS, ROUNDING = "one_slip.pdf", "two_slips.pdf", "rounding.pdf"
SAMPLE = Path(__file__).resolve().parents[2] / "raw" / "003_7cadc0ecdd172fe9.txt"  # 松江区人社局 2020 budget
EDITED = "003_edited.txt"


def _edited_sample() -> dict[str, list[dict]]:
    """The sample budget with two slips in the 合计 cell of 项 2011099 其他人力资源事务支出 (6,411,395.20),
    parsed by the real parser: +1.00 元 in the 部门支出预算总表, +2.00 元 in the 一般公共预算支出功能分类
    预算表. Its tables and cells only (its prose has findings of its own)."""
    lines = SAMPLE.read_text(encoding="utf-8").split("\n")
    for title, edited in (("2020年部门支出预算总表", "6,411,396.20"), ("2020年部门一般公共预算支出功能分类预算表", "6,411,397.20")):
        start = lines.index(f"\t{title}")
        # the 项 row (code cells 201 | 10 | 99, then its name): its first amount is its 合计
        cell = next(i for i in range(start, len(lines)) if lines[i - 2 : i + 1] == ["\t99", "\t其他人力资源事务支出",
                                                                                   "\t6,411,395.20"])
        lines[cell] = f"\t{edited}"
    parsed = parse_text("\n".join(lines), EDITED)
    return {table: [dataclasses.asdict(r) for r in getattr(parsed, table)]
            for table in ("budget_tables", "budget_cells")}


def _expenditure(f, table_seq, line, *, slip_2080505=0, slip_2080206=0, propagated=False):
    """部门支出预算总表 (合计 = 基本支出 + 项目支出); a slip in a 项 row's 合计 cell, and with ``propagated`` the
    document's own sums carry it into the 款 and the 合计 row (the 类 row typed from the right figure)."""
    up = slip_2080505 if propagated else 0
    return [
        *budget(f, table_seq, 1, "", "合计", {"合计": 7066259 + up, "基本支出": 6851259, "项目支出": 215000}, line),
        *budget(f, table_seq, 2, "208", "社会保障和就业支出",
                {"合计": 7066259, "基本支出": 6851259, "项目支出": 215000}, line + 3),
        *budget(f, table_seq, 3, "20802", "民政管理事务", {"合计": 215000, "项目支出": 215000}, line + 6),
        *budget(f, table_seq, 4, "2080206", "社会组织管理", {"合计": 215000 + slip_2080206, "项目支出": 215000},
                line + 8),
        *budget(f, table_seq, 5, "20805", "行政事业单位养老支出", {"合计": 6851259 + up, "基本支出": 6851259},
                line + 10),
        *budget(f, table_seq, 6, "2080501", "行政单位离退休", {"合计": 177240, "基本支出": 177240}, line + 12),
        *budget(f, table_seq, 7, "2080505", "机关事业单位基本养老保险缴费支出",
                {"合计": 6674019 + slip_2080505, "基本支出": 6674019}, line + 14),
    ]


def _income(f, table_seq, line):
    """部门收入预算总表, as printed right: 合计 = 财政拨款收入."""
    rows = [("", "合计", 7066259), ("208", "社会保障和就业支出", 7066259), ("20802", "民政管理事务", 215000),
            ("2080206", "社会组织管理", 215000), ("20805", "行政事业单位养老支出", 6851259),
            ("2080501", "行政单位离退休", 177240), ("2080505", "机关事业单位基本养老保险缴费支出", 6674019)]
    return [cell for n, (code, name, amount) in enumerate(rows, start=1)
            for cell in budget(f, table_seq, n, code, name, {"合计": amount, "财政拨款收入": amount}, line + 2 * n)]


def raw() -> dict[str, list[dict]]:
    tables = [
        budget_table(PROPAGATED, 1, INCOME, 100, year=2023, department=DEPT),
        budget_table(PROPAGATED, 2, EXPENDITURE, 200, year=2023, department=DEPT),
        budget_table(TWO_SLIPS, 1, EXPENDITURE, 200, year=2023, department=DEPT),
        budget_table(ROUNDING, 1, EXPENDITURE, 300, money_unit="万元", year=2023, department=DEPT),
    ]
    cells = [
        # 2080505's 合计 printed 6,674,020: seen at the row, its 款, its 类, the 合计 row and the income table
        *_income(PROPAGATED, 1, 100),
        *_expenditure(PROPAGATED, 2, 200, slip_2080505=1, propagated=True),
        # two slips of the same size in two branches, each left where it was made
        *_expenditure(TWO_SLIPS, 1, 200, slip_2080505=1, slip_2080206=1),
        # 万元 to two decimals: 0.01 万元 off is rounding (a hint)
        *budget(ROUNDING, 1, 1, "208", "社会保障和就业支出", {"合计": "706.63"}, 303),
        *budget(ROUNDING, 1, 2, "20802", "民政管理事务", {"合计": "21.50"}, 305),
        *budget(ROUNDING, 1, 3, "20805", "行政事业单位养老支出", {"合计": "685.12"}, 307),
    ]
    return merge({"budget_tables": tables, "budget_cells": cells}, _edited_sample())


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory, warehouse_builder):
    db = warehouse_builder(tmp_path_factory.mktemp("root_causes"), raw())
    run_quality_checks(db)
    return db


def _rows(db, sql: str) -> list[dict]:
    with duckdb.connect(str(db), read_only=True) as con:
        cursor = con.execute(sql)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _places(db, source_file: str) -> list[tuple]:
    return [
        (r["check_name"], r["table_seq"], r["line_no"], r["subject"], r["difference"], r["is_root_cause"],
         r["root_cause_id"], r["root_cause_places"])
        for r in _rows(db, f"select * from quality.violations where source_file = '{source_file}' "
                           "order by table_seq, line_no, check_name")
    ]


def test_one_slip_seen_at_eight_places_is_one_root_cause(warehouse):
    places = _places(warehouse, PROPAGATED)
    # difference = printed − expected; the root: the 2080505 row of the expenditure table (合计 ≠ 基本支出)
    assert [p[:6] for p in places] == [
        # the income table's rows differ from the expenditure table's
        ("budget_cross_table_mismatch", 1, 102, "合计", D("-1.00"), False),
        ("budget_cross_table_mismatch", 1, 110, "20805 行政事业单位养老支出", D("-1.00"), False),
        ("budget_cross_table_mismatch", 1, 114, "2080505 机关事业单位基本养老保险缴费支出", D("-1.00"), False),
        ("budget_column_sum_mismatch", 2, 200, "合计", D("1.00"), False),
        ("budget_hierarchy_mismatch", 2, 200, "合计", D("1.00"), False),  # 合计 row ≠ Σ 类
        ("budget_hierarchy_mismatch", 2, 203, "208 社会保障和就业支出", D("-1.00"), False),  # 类 ≠ Σ 款
        ("budget_column_sum_mismatch", 2, 210, "20805 行政事业单位养老支出", D("1.00"), False),
        ("budget_column_sum_mismatch", 2, 214, "2080505 机关事业单位基本养老保险缴费支出", D("1.00"), True),
    ]
    root = places[-1][6]
    (finding_id,) = _rows(warehouse, "select finding_id from quality.violations where is_root_cause "
                                     f"and source_file = '{PROPAGATED}'")
    assert root == finding_id["finding_id"]  # the root's stable finding id names its root cause
    assert {p[6] for p in places} == {root} and {p[7] for p in places} == {8}
    (group,) = _rows(warehouse, f"select * from quality.finding_groups where source_file = '{PROPAGATED}'")
    assert (group["root_cause_id"], group["severity"], group["places"], group["line_no"]) == (root, "error", 8, 214)
    assert (group["expected_number"], group["observed_number"]) == (D("6674019.00"), D("6674020.00"))
    assert group["checks"] == ["budget_column_sum_mismatch", "budget_cross_table_mismatch", "budget_hierarchy_mismatch"]
    assert len(group["other_places"]) == 7
    assert "budget_hierarchy_mismatch one_slip.pdf:203 208 社会保障和就业支出 · 合计" in group["other_places"]


def test_two_slips_of_the_same_size_stay_two_root_causes(warehouse):
    places = _places(warehouse, TWO_SLIPS)
    assert [(p[0], p[2], p[5], p[7]) for p in places] == [
        ("budget_hierarchy_mismatch", 206, False, 2),  # 20802 ≠ Σ 项
        ("budget_column_sum_mismatch", 208, True, 2),  # the 2080206 row
        ("budget_hierarchy_mismatch", 210, False, 2),  # 20805 ≠ Σ 项
        ("budget_column_sum_mismatch", 214, True, 2),  # the 2080505 row
    ]
    first, second = places[1][6], places[3][6]
    assert first != second and [p[6] for p in places] == [first, first, second, second]


def test_the_sample_budget_with_two_slips_in_one_row_has_two_root_causes(warehouse):
    """Same row, two tables, two different slips: each seen at three places, two root causes."""
    places = _places(warehouse, EDITED)
    by_root = {root: [(p[0], p[1], p[2], abs(p[4])) for p in places if p[6] == root] for root in {p[6] for p in places}}
    roots = sorted((p[1], p[2]) for p in places if p[5])
    assert roots == [(3, 854), (5, 1403)]  # the edited 项 rows: 支出预算总表, 一般公共预算支出功能分类预算表
    assert sorted(sorted(group) for group in by_root.values()) == [
        [("budget_column_sum_mismatch", 3, 854, D("1.00")),  # the row: 合计 ≠ 基本支出 + 项目支出
         ("budget_cross_table_mismatch", 2, 343, D("1.00")),  # 收入预算总表 合计 ≠ 支出预算总表 合计
         ("budget_hierarchy_mismatch", 3, 844, D("1.00"))],  # 款 20110 ≠ Σ 项
        [("budget_column_sum_mismatch", 5, 1403, D("2.00")),
         ("budget_cross_table_mismatch", 2, 344, D("2.00")),  # 财政拨款收入 ≠ 功能分类预算表 合计
         ("budget_hierarchy_mismatch", 5, 1393, D("2.00"))],
    ]


def test_hints_are_grouped_apart_and_other_findings_are_their_own_root(warehouse):
    (hint,) = _rows(warehouse, f"select * from quality.violations where source_file = '{ROUNDING}'")
    assert (hint["severity"], hint["difference"], hint["is_root_cause"], hint["root_cause_places"]) == (
        "hint", D("100.00"), True, 1)
    counts = _rows(warehouse, "select count(*) as places, count(distinct root_cause_id) as roots, "
                              "count(*) filter (where is_root_cause) as root_rows from quality.violations "
                              f"where source_file <> '{EDITED}'")
    assert counts == [{"places": 13, "roots": 4, "root_rows": 4}]


@pytest.fixture(scope="module")
def report(warehouse, tmp_path_factory):
    out = tmp_path_factory.mktemp("root_cause_report")
    return render_quality_report(warehouse, out, out / "raw")


def test_report_counts_root_causes_and_lists_the_other_places_under_each(report):
    page = report["html"].read_text(encoding="utf-8")
    # one_slip.pdf 1 root cause at 8 places, two_slips.pdf 2 at 2 each, the edited sample 2 at 3 each
    assert report["counts"]["root_causes"] == 5 and report["counts"]["violations"] == 18
    assert '<span class="n" id="root-cause-count" data-value="5" data-places="18">5</span>' in page
    assert "5 个问题（根因），涉及 18 处" in page
    # each root cause once (a row of its rule), its other places collapsed under it
    assert page.count('<tbody class="violation"') == 5
    # the largest difference first (the sample's 2.00), then by file
    assert re.findall(r'data-root-cause="[^"]+" data-other-places="(\d+)"', page) == [
        "2", "2", "7", "1", "1"]
    assert "另有 7 处由同一差错引起" in page and "<li>跨表金额不一致：one_slip.pdf 第 114 行 2080505" in page
    # every place of the cross-table rule lies under a root cause of another rule
    assert 'class="violation" data-check="budget_cross_table_mismatch"' not in page
    assert "本规则的 5 处违规均由其他问题（根因）引起" in page


def test_hints_are_shown_apart_and_not_counted(report):
    page = report["html"].read_text(encoding="utf-8")
    hints = page[page.index('<section id="hints">'):]
    hints = hints[: hints.index("</section>")]
    assert "舍入提示" in hints and 'data-value="1"' in hints and "rounding.pdf" in hints
    details = page[page.index('<section id="violations">'):page.index('<section id="hints">')]
    assert "rounding.pdf" not in details and "two_slips.pdf" in details
    assert report["counts"]["violation_errors"] == 18 and report["counts"]["hints"] == 1
    book = load_workbook(report["xlsx"], read_only=True)
    sheet = [row for row in book["舍入提示"].iter_rows(values_only=True)]
    assert len(sheet) == 2 and "rounding.pdf" in sheet[1]
    roots = [row for row in book["根因"].iter_rows(values_only=True)]
    assert len(roots) == 6  # header + 5 root causes, each seen at several places
    assert [r[11] for r in roots[1:]] == [2 + 1] * 2 + [8, 2, 2]  # 涉及处数, errors first, by file and line
