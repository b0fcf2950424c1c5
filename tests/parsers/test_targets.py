"""上海市财政支出项目绩效目标 target tables of a department budget (sample 003).

Fixture-based cases (split rows, wrapped 年度绩效目标, a label row without an
indicator) run as golden pairs in test_budget.py; here: values read off the
Songjiang 2020 document by hand, and the unit / budget rules on their own.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from dagster_project.parsers import budget_amount, implementing_unit, parse_file

ROOT = Path(__file__).resolve().parents[2]
S003 = "003_7cadc0ecdd172fe9.txt"
D = Decimal


@pytest.fixture(scope="module")
def s003():
    return parse_file(ROOT / "raw" / S003, S003)


def report(result, line_start):
    return next(r for r in result.reports if r.line_start == line_start)


def indicators(result, rep):
    return [i for i in result.indicators if i.report_seq == rep.report_seq]


def test_003_has_36_target_tables_numbered_in_order(s003):
    assert len(s003.reports) == 36
    assert {r.report_type for r in s003.reports} == {"target"}
    assert [r.report_seq for r in s003.reports] == list(range(1, 37))
    assert [r.line_start for r in s003.reports][:3] == [2502, 2644, 2841]
    assert {r.fiscal_year for r in s003.reports} == {2020}
    assert len(s003.indicators) == 484


def test_003_first_target_table(s003):
    r = report(s003, 2502)
    assert (r.report_seq, r.project_name, r.implementing_unit) == (
        1,
        "创业就业",
        "松江区人力资源和社会保障局",
    )
    assert r.goal_total == "通过补贴帮助困难毕业生就业创业"
    assert r.goal_annual == "符合条件的学生申领到该项补贴"
    assert (r.budget_amount, r.budget_amount_unit) == (D("1300000"), "元")  # 总预算为1,300,000元
    assert r.line_end == 2560
    assert [(i.level1, i.level2, i.indicator_name, i.target_text) for i in indicators(s003, r)] == [
        ("产出目标", "数量目标", "求职创业补贴发放率", "100%"),
        ("产出目标", "质量目标", "求职创业补贴发放准确率", "100%"),
        ("产出目标", "时效目标", "求职创业补贴信息发布、沟通及时性", "及时"),
        ("产出目标", "时效目标", "求职创业补贴审核、发放及时性", "及时"),
        ("产出目标", "社会效益目标", "扶持对象满意度", "≥90%"),
        ("影响力目标", "满意度目标", "长效管理制度健全性", "健全"),
        ("影响力目标", "满意度目标", "长效管理执行有效性", "执行有效"),
    ]
    assert [i.line_no for i in indicators(s003, r)][:2] == [2529, 2534]


@pytest.mark.parametrize(
    ("line_start", "project", "unit", "amount", "money"),
    [
        (2644, "辅助职能", "松江区人力资源和社会保障局", D("40000"), "元"),  # 预算金额40,000元
        (3010, "业务培训", "松江区人力资源和社会保障局", D("10"), "万元"),  # 预算金额为10万元
        (
            4552,
            "辅助职能",
            "松江区人力资源和社会保障局",
            D("643800.00"),
            "元",
        ),  # 2020年预算643,800.00 (no unit)
        (4711, "人才开发", "松江区人力资源和社会保障局", D("185630000"), "元"),  # 预算总额为185,630,000元
        (5401, "公共服务能力建设补贴", "松江区就业促进中心", D("7347200"), "元"),
        (6091, "宣传与推广", "松江区劳动保障监察大队", D("200000"), "元"),
        (6629, "宣传与推广", "松江区劳动人事争议仲裁院", D("9.50"), "万元"),
        (5244, "“两类人员”退休专项补贴", "松江区机关事业单位福利事业中心", D("10718400"), "元"),
        (8013, "网络信息系统开发", "松江区人才服务中心", D("304110"), "元"),  # 项目当年预算（元）: 304110
    ],
)
def test_003_units_and_budget_amounts(s003, line_start, project, unit, amount, money):
    r = report(s003, line_start)
    assert (r.project_name, r.implementing_unit, r.budget_amount, r.budget_amount_unit) == (
        project,
        unit,
        amount,
        money,
    )


def test_003_budget_without_a_stated_total_stays_empty(s003):
    # 招考 / 三支一扶 / 选聘村官 are listed separately; no total is printed.
    r = report(s003, 3512)
    assert (r.project_name, r.budget_amount, r.budget_amount_unit) == ("招考实习", None, None)
    issue = next(i for i in s003.issues if i.line_no == 3478)
    assert (issue.severity, issue.code) == ("info", "target_budget_not_totalled")


def test_003_wrapped_annual_goal_is_joined(s003):
    r = report(s003, 2841)
    assert r.goal_annual.startswith("1、战略目标：坚持“创新驱动发展、经济转型升级”战略")
    assert "2、工作目标（1）个人补贴类。" in r.goal_annual
    assert r.goal_annual.endswith("提升技能水平。")


def test_003_split_indicator_rows(s003):
    r = report(s003, 4206)  # 部队建设与专业管理: values printed on their own rows
    got = [(i.level2, i.indicator_name, i.target_text) for i in indicators(s003, r)]
    assert got[1] == ("数量目标", "部队训练物资发放完成率", "100%")
    assert got[3] == ("质量目标", "部队训练物资发放准确率", "100%")
    assert got[6] == ("社会效益目标", "预备役干部有责投诉率下降率", "大于0")
    r = report(s003, 8013)  # labels and indicator on separate rows
    first = indicators(s003, r)[0]
    assert (first.level1, first.level2, first.indicator_name, first.target_text) == (
        "产出目标",
        "质量目标",
        "软件交付完成率",
        "100%",
    )


def test_003_edge_cell_tables_and_wrapped_indicator_names(s003):
    r = report(s003, 4711)
    got = indicators(s003, r)
    assert len(got) == 13
    assert got[10].indicator_name == "获得国家或省部级科研奖项（或专利）增长率"
    assert got[10].target_text == "10%"
    assert len(indicators(s003, report(s003, 3159))) == 6  # rows with an empty edge cell first


def test_implementing_unit_rule():
    heading = "松江区人力资源和社会保障局部队建设与专业管理项目经费况说明"
    assert implementing_unit(heading, "部队建设与专业管理") == "松江区人力资源和社会保障局"
    # Project name not at the end: shortest prefix ending in an organisation word.
    assert implementing_unit("某区就业促进中心创业项目经费情况说明", "其他") == "某区就业促进中心"
    assert implementing_unit("某区劳动保障监察大队宣传项目经费情况说明", None) == "某区劳动保障监察大队"
    assert implementing_unit(None, "x") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("预算金额为28,494,500元", (D("28494500"), "元", False)),
        ("2 020年预算资金安排9万元。", (D("9"), "万元", False)),
        ("项目当年预算（元）: 304110", (D("304110"), "元", False)),
        ("上海市松江区人力资源实训基地智能化建设16,856,612元 。", (D("16856612"), "元", False)),
        ("按300元/人发放，共14万元；另按200元*3次=6万元", (None, None, True)),
        ("一年", (None, None, False)),
    ],
)
def test_budget_amount_rule(text, expected):
    assert budget_amount(text) == expected


def test_title_right_after_prose_starts_a_target_table():
    """A 绩效目标 title printed on the line after the section's prose, no empty line between:
    it stands alone in its cell, so it still starts a target table."""
    from dagster_project.parsers import parse_text

    lines = [
        "\t某区民政局养老服务补贴项目经费情况说明",  # 1
        "",
        "一、项目概述",  # 3
        "为老年人提供养老服务补贴。",
        "六、年度预算安排",
        "2022年某区民政局总预算为300,000元。",  # 6
        " 七、绩效目标",
        "（包括总目标、年度目标、分解目标等，具体见表格）",  # 8
        "\t上海市财政支出项目绩效目标",  # 9: no empty line before it
        "",
        "\t(2022年 )",
        "",
        "\t项目名称",
        "\t养老服务补贴",
        "",
        "\t分解目标",
        "",
        "\t一级指标\t二级指标\t三级指标\t指标目标值",
        "",
        "\t产出目标\t数量目标\t补贴发放人数\t≥100人",  # 20
    ]
    r = parse_text("\n".join(lines), "x.txt")
    (rep,) = r.reports
    assert (rep.line_start, rep.fiscal_year, rep.project_name) == (9, 2022, "养老服务补贴")
    assert rep.implementing_unit == "某区民政局"
    assert (rep.budget_amount, rep.budget_amount_unit) == (D("300000"), "元")
    assert [(i.line_no, i.level1, i.level2, i.indicator_name, i.target_text) for i in r.indicators] == [
        (20, "产出目标", "数量目标", "补贴发放人数", "≥100人"),
    ]
    assert {d.disposition for d in r.lines if d.line_no == 9} == {"title"}
