"""Amounts stated in budget prose (预算编制说明, 三公 说明), sample 003 and the clause rules."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from dagster_project.parsers import parse_file, stated_amounts
from dagster_project.parsers.prose import prose_kind

ROOT = Path(__file__).resolve().parents[2]
S003 = "003_7cadc0ecdd172fe9.txt"
D = Decimal


@pytest.fixture(scope="module")
def s003():
    return parse_file(ROOT / "raw" / S003, S003)


def found(result, context):
    return [
        (n.line_no, n.subject_name, n.amount, n.unit)
        for n in result.narrative_amounts
        if n.context == context
    ]


def test_003_totals(s003):
    assert found(s003, "total") == [
        (115, "预算支出总额", D("42925.24"), "万元"),
        (115, "财政拨款支出预算", D("39241.79"), "万元"),
        (115, "一般公共预算拨款支出预算", D("39241.78"), "万元"),
        (115, "政府性基金拨款支出预算", D("0"), "万元"),
        # The note under the first table states 收入预算 42924.24 (the tables say 42925.24): kept as printed.
        (246, "收入预算", D("42924.24"), "万元"),
        (246, "支出预算", D("42925.24"), "万元"),
    ]


def test_003_subject_list(s003):
    subjects = found(s003, "subject")
    assert len(subjects) == 23
    assert subjects[:3] == [
        (116, "其他人力资源事务支出", D("312.74"), "万元"),
        (118, "行政运行", D("1398.22"), "万元"),
        (120, "一般行政管理事务", D("19601.92"), "万元"),
    ]
    by_name = {name: amount for _no, name, amount, _u in subjects}
    assert by_name["事业单位医疗"] == D("250.520")  # printed with three decimals
    assert by_name["其他就业补助支出"] == D("3672.26")  # opening quote missing in the document
    assert by_name["培训支出"] == D("660")


def test_003_three_public_and_operating_cost(s003):
    assert found(s003, "three_public") == [
        (2412, "三公经费", D("10.6"), "万元"),
        (2415, "因公出国(境)费", D("0"), "万元"),
        (2418, "公务用车购置及运行费-购置费", D("0"), "万元"),
        (2418, "公务用车购置及运行费-运行费", D("7.5"), "万元"),
        (2421, "公务接待费", D("3.1"), "万元"),
    ]
    assert found(s003, "operating_cost") == [(2427, "机关运行经费", D("664.59"), "万元")]


def test_003_three_public_subjects_join_the_table_measures(s003):
    seq = next(t.table_seq for t in s003.budget_tables if "三公" in t.table_title)
    measures = {c.measure for c in s003.budget_cells if c.table_seq == seq}
    named = {
        n.subject_name for n in s003.narrative_amounts if n.context in ("three_public", "operating_cost")
    }
    assert named - measures == {"三公经费"}  # the table's measure 合计


def test_003_narrative_lines_are_marked(s003):
    marks = {d.line_no: d.disposition for d in s003.lines}
    assert marks[115] == marks[2433] == marks[2445] == "narrative"
    assert marks[113] == "title"
    assert marks[2448] == marks[64] == "boilerplate"
    assert all(n.fiscal_year == 2020 for n in s003.narrative_amounts)
    # the 说明's summary figures: the procurement total (not the part set aside for small firms, line
    # 2436) and the projects with 绩效目标 with their count
    assert [(n.line_no, n.subject_name, n.amount, n.context) for n in s003.narrative_amounts
            if n.line_no in (2433, 2436, 2445)] == [(2433, "政府采购预算", D("3048.21"), "procurement"),
                                                    (2445, "编报绩效目标的项目37个", D("31790.34"), "target_projects")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "2020年本部门收入预算42924.24万元，比上年增加10732.20万元，增长33.34%",
            [("收入预算", D("42924.24"), "万元", "total")],
        ),
        (
            "（二）公务用车保有量3辆，公务用车购置费为0万元、运行费为7.5万元，比2019年预算增加7.5万元",
            [
                ("公务用车购置及运行费-购置费", D("0"), "万元", "three_public"),
                ("公务用车购置及运行费-运行费", D("7.5"), "万元", "three_public"),
            ],
        ),
        ("公务用车购置及运行费8万元", [("公务用车购置及运行费-小计", D("8"), "万元", "three_public")]),
        # …/real/01 p.29: the total printed 公务车 (without 用) is the total, not its 运行费
        ("（二）、公务车购置及运行费21.56万元", [("公务用车购置及运行费-小计", D("21.56"), "万元", "three_public")]),
        ("2020年本部门政府采购预算3,048.21万元", [("政府采购预算", D("3048.21"), "万元", "procurement")]),
        ("其中：政府采购货物预算10.00万元、政府采购工程预算550.00万元", []),  # parts of it
        ("2023年本部门面向中小企业预留政府采购项目预算金额332.00万元", []),
        # …/real/01 p.29; …/real_templates/13 p.30 (Jiangsu 2018)
        ("编报绩效目标的项目5个，涉及项目预算资金3328.13万元。",
         [("编报绩效目标的项目5个", D("3328.13"), "万元", "target_projects")]),
        ("2018 年本部门共 5 个项目实行绩效目标管理，涉及财政性资金合计  5,086 万元。",
         [("编报绩效目标的项目5个", D("5086"), "万元", "target_projects")]),
        ("主要原因是由于财政拨款增加9480.1万元", []),
        # a part's amount is not the total's (Jiangsu 2019: 基本支出预算, …费预算支出)
        ("省检察院2019年度财政拨款基本支出预算 15,844.04 万元。其中：", []),
        ("省检察院2019年度一般公共预算拨款安排的培训费预算支出700万元，与上年持平", []),
        ("2019年度政府采购支出预算总额2744.84万元", [("政府采购预算", D("2744.84"), "万元", "procurement")]),
        ("省检察院2018 年政府性基金支出预算支出 0 万元。", []),
        ("省检察院2019年度财政拨款预算支出24,169.74万元", [("财政拨款预算支出", D("24169.74"), "万元", "total")]),
        (
            "5. “社会保险业务管理事务”科目721.70万元，主要用于基本支出",
            [("社会保险业务管理事务", D("721.70"), "万元", "subject")],
        ),
    ],
)
def test_clause_rules(text, expected):
    assert stated_amounts(text) == expected


def test_prose_kind():
    assert prose_kind("一、项目概述") == "title"
    assert prose_kind("[bookmark:_GoBack]") == "boilerplate"
    assert prose_kind("……") == "boilerplate"
    assert prose_kind("2020年全年") == "narrative"
