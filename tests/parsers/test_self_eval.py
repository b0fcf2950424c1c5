"""Self-evaluation tables (财政项目支出绩效自评表): golden fixtures and the real samples.

Golden pairs live in tests/data/self_eval/<case>.txt + <case>.expected.json: small
hand-made tables, each with one layout trouble (a table in 元 with labels in the
wrong columns, a wrapped scoring note, a table cut off before 总分). The samples
pin concrete values read off the documents, and the document inconsistencies
the parser must load as printed.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import golden
import pytest

from dagster_project.parsers import parse_file, parse_text

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT / "raw"
S000 = "000_2cba3ecfd7271be6.txt"
S001 = "001_ebc302d94fc8039c.txt"

D = Decimal




KINDS = ("reports", "fund_rows", "indicators")
CASES = golden.cases("self_eval")


def test_golden_folder_is_not_empty():
    assert CASES, "no golden fixtures in tests/data/self_eval"


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_golden(case: Path):
    golden.assert_golden(case, KINDS)


# ---------------------------------------------------------------- samples


@pytest.fixture(scope="module")
def s000():
    return parse_file(RAW / S000, S000)


@pytest.fixture(scope="module")
def s001():
    return parse_file(RAW / S001, S001)


def report(result, line_start):
    return next(r for r in result.reports if r.line_start == line_start)


def funds(result, rep):
    return {f.fund_source: f for f in result.fund_rows if f.report_seq == rep.report_seq}


def indicators(result, rep):
    return [i for i in result.indicators if i.report_seq == rep.report_seq]


def fund_values(row):
    return (
        row.budget_initial,
        row.budget_adjusted,
        row.executed,
        row.weight,
        row.execution_rate_pct,
        row.score,
    )


def test_sample_counts(s000, s001):
    assert (len(s000.reports), len(s000.indicators), len(s000.fund_rows)) == (36, 378, 144)
    assert (len(s001.reports), len(s001.indicators), len(s001.fund_rows)) == (6, 57, 24)
    assert {r.report_type for r in s000.reports + s001.reports} == {"self_eval"}
    assert [r.report_seq for r in s000.reports] == list(range(1, 37))


def test_no_unplaced_lines_and_known_issues(s000, s001):
    for result in (s000, s001):
        assert not [i for i in result.issues if i.code == "unplaced_line"]
    # 000: the table at line 693 has no "(2024年度)" line (genuine omission in the document);
    # every other table of the file states 2024, so it takes 2024 and says so.
    assert [(i.line_no, i.code) for i in s000.issues] == [(693, "missing_fiscal_year"), (693, "report_year_from_file")]
    assert s001.issues == []


def test_000_first_project(s000):
    rep = s000.reports[0]
    assert (rep.project_name, rep.fiscal_year, rep.money_unit) == ("职业培训", 2024, "万元")
    assert rep.supervising_dept == "上海市松江区人力资源和社会保障局"
    assert rep.implementing_unit == "上海市松江区人力资源和社会保障局(本级)"
    assert (rep.total_weight, rep.total_score, rep.grade) == (D("100.00"), D("95.67"), "优")
    assert (rep.line_start, rep.line_end, rep.total_line_no, rep.grade_line_no) == (3, 26, 25, 26)
    f = funds(s000, rep)
    assert fund_values(f["total"]) == (
        D("1203.00"),
        D("1158.10"),
        D("1158.10"),
        D("10.00"),
        D("100.00"),
        D("10.00"),
    )
    assert fund_values(f["current_year_appropriation"]) == (
        D("1203.00"),
        D("1158.10"),
        D("1158.10"),
        None,
        D("100.00"),
        None,
    )
    assert f["current_year_appropriation"].label == "其中:当年财政拨款"
    assert fund_values(f["carryover"])[:3] == (D("0.00"),) * 3
    assert rep.goal_expected.startswith("及时发放各项培训补贴资助费用")
    assert rep.goal_actual.startswith("2024年度按时发放各项职业培训补贴资助费用")
    inds = indicators(s000, rep)
    assert len(inds) == 11  # lines 14-24
    first = inds[0]
    assert (first.level1, first.level2, first.indicator_name) == (
        "成本指标",
        "经济成本指标",
        "政策扶持补贴享受对象生活费补贴平均成本",
    )
    assert (first.target_text, first.actual_text, first.weight, first.score) == (
        "=300.00(元/人)",
        "300.00(元/人)",
        D("6.67"),
        D("6.67"),
    )
    # 一级/二级 labels are inherited down their merged group
    fifth = inds[4]
    assert (fifth.line_no, fifth.level1, fifth.level2, fifth.score) == (18, "产出指标", "数量指标", D("5"))
    assert fifth.deviation_reason.startswith("根据市场需求增加竞赛场次")
    last = inds[-1]
    assert (last.level1, last.level2, last.indicator_name, last.target_text) == (
        "满意度指标",
        "服务对象满意度指标",
        "服务对象满意度",
        "满意",
    )


def test_000_central_employment_subsidy_fund_score_as_printed(s000):
    """中央就业补助资金: the document prints fund weight 2.50 and score 10.00 at rate 25.12%."""
    rep = next(r for r in s000.reports if r.project_name == "中央就业补助资金")
    assert rep.line_start == 311
    f = funds(s000, rep)
    assert fund_values(f["total"]) == (
        D("447.67"),
        D("4722.67"),
        D("1186.35"),
        D("2.50"),
        D("25.12"),
        D("10.00"),
    )
    assert fund_values(f["current_year_appropriation"]) == (
        D("0.00"),
        D("4275.00"),
        D("1186.35"),
        None,
        D("27.75"),
        None,
    )
    assert fund_values(f["carryover"]) == (D("447.67"), D("447.67"), D("0.00"), None, D("0.00"), None)
    assert (rep.total_weight, rep.total_score) == (D("100.00"), D("92.50"))
    inds = indicators(s000, rep)
    assert [i.weight for i in inds] == [
        D("20.00"),
        D("10.00"),
        D("15.00"),
        D("15.00"),
        D("20.00"),
        D("10.00"),
    ]
    assert inds[1].actual_text == "5296人次"


def test_000_layout_noise(s000):
    by_line = {i.line_no: i for i in s000.indicators}
    # 三级 name printed in the 一级 column: levels inherited
    i = by_line[374]
    assert (i.level1, i.level2, i.indicator_name, i.weight, i.score) == (
        "产出指标",
        "时效指标",
        "培训及时性",
        D("6.00"),
        D("4.80"),
    )
    # 二级 label in the 一级 column; then names in the 二级 column
    assert (by_line[650].level1, by_line[650].level2, by_line[650].indicator_name) == (
        "产出指标",
        "时效指标",
        "依法合规完成审计任务",
    )
    assert (by_line[651].level2, by_line[651].indicator_name) == ("时效指标", "各项补贴发放及时性")
    # 二级 label in the 三级 column, row shifted right by one cell
    assert (by_line[491].level2, by_line[491].indicator_name, by_line[491].weight) == (
        "时效指标",
        "工作完成及时性",
        D("10.00"),
    )
    # a row printed with "≥" alone in the target cell: kept as printed
    assert (by_line[641].target_text, by_line[641].actual_text) == ("≥", "5000.00(人)")
    # fund header missing 年初预算数/全年预算数 with cells spaced by two: data rows complete
    rep = report(s000, 447)
    assert fund_values(funds(s000, rep)["total"]) == (
        D("1.50"),
        D("1.02"),
        D("1.02"),
        D("10.00"),
        D("100.00"),
        D("10.00"),
    )
    rep = report(s000, 749)
    assert fund_values(funds(s000, rep)["total"]) == (
        D("233.21"),
        D("219.24"),
        D("219.24"),
        D("10.00"),
        D("100.00"),
        D("10.00"),
    )
    # thousands separators
    rep = report(s000, 797)
    assert fund_values(funds(s000, rep)["total"])[:3] == (D("2680.71"), D("2333.06"), D("2333.06"))
    # the year on the title line itself, inside <div>
    assert s000.reports[0].fiscal_year == 2024
    assert report(s000, 693).fiscal_year == 2024  # taken from the file's other 35 tables


def test_000_last_line_without_newline(s000):
    rep = s000.reports[-1]
    assert (rep.line_start, rep.line_end, rep.total_weight, rep.total_score) == (
        952,
        981,
        D("100.00"),
        D("96.80"),
    )
    assert (rep.grade, rep.grade_line_no) == ("优", 981)


def test_001_values_in_yuan(s001):
    rep = s001.reports[0]
    assert (rep.project_name, rep.fiscal_year, rep.money_unit, rep.grade) == (
        "闵行区人才服务中心业务管理平台(二期)(2022运维)",
        2022,
        "元",
        None,
    )
    assert (rep.total_weight, rep.total_score) == (D("100"), D("98"))
    f = funds(s001, rep)
    assert fund_values(f["total"]) == (
        D("74696.00"),
        D("74696.00"),
        D("74696"),
        D("10"),
        D("100.00"),
        D("10"),
    )
    assert fund_values(f["current_year_appropriation"]) == (
        D("74696"),
        D("74696"),
        D("74696"),
        None,
        None,
        None,
    )
    # `│上年结转资金│0│0││—│││`: 全年执行数 blank, weight '—'
    assert fund_values(f["carryover"]) == (D("0"), D("0"), None, None, None, None)
    inds = indicators(s001, rep)
    assert len(inds) == 8
    assert (inds[0].level1, inds[0].level2, inds[0].indicator_name, inds[0].target_text) == (
        "产出指标",
        "数量指标",
        "系统维护完成率",
        "100%(按实际需求进行维护)",
    )
    # the scoring note starts on a row of its own above its indicator and continues in it
    note = inds[-1]
    assert (note.line_no, note.indicator_name, note.weight, note.score) == (
        24,
        "使用人员满意度",
        D("10"),
        D("8"),
    )
    assert note.deviation_reason == (
        "①使用者满意度超过98%,得10分;②使用者满意度超过95%,得8分；③使用者满意度超过90%，得5分；④使用者满意度低于90%，不得分。"
    )


def test_001_second_project_keeps_stated_values(s001):
    """当年财政拨款 年初预算数 1637352 exceeds the total 1615632: loaded as printed."""
    rep = s001.reports[1]
    assert rep.project_name == "毕业生支教支农支医"
    f = funds(s001, rep)
    assert fund_values(f["total"]) == (
        D("1615632.00"),
        D("556116.80"),
        D("507277.51"),
        D("10"),
        D("91.22"),
        D("9.12"),
    )
    assert fund_values(f["current_year_appropriation"])[:3] == (D("1637352"), D("556116.8"), D("507277.51"))
    assert rep.goal_expected.startswith("通过实施“毕业生支教支农支医”项目")
    assert (rep.total_weight, rep.total_score, rep.total_line_no) == (D("100"), D("97.02"), 57)
    inds = indicators(s001, rep)
    assert len(inds) == 17
    assert (inds[0].weight, inds[0].score, inds[0].deviation_reason) == (D("3"), D("0.9"), "人数3人")
    # outer 「绩效指标」 column after a page break, 二级 label in the 一级 column
    assert (inds[8].line_no, inds[8].level1, inds[8].level2, inds[8].indicator_name) == (
        48,
        "产出指标",
        "时效指标",
        "招聘及时性",
    )


def test_001_level_labels_in_other_columns(s001):
    by_line = {i.line_no: i for i in s001.indicators}
    # `│││时效指标│工作完成及时性│及时 (...)│及时│10│10`: 二级 label in the 三级 column
    i = by_line[118]
    assert (i.level1, i.level2, i.indicator_name, i.target_text, i.actual_text, i.weight, i.score) == (
        "产出指标",
        "时效指标",
        "工作完成及时性",
        "及时 (符合用人单位及时性要求)",
        "及时",
        D("10"),
        D("10"),
    )
    # name printed in the 二级 column: levels inherited
    assert (by_line[144].level2, by_line[144].indicator_name) == ("社会效益指标", "人才服务效率提升情况")
    # a row after a blank line continues the group
    assert (by_line[122].level1, by_line[122].level2) == ("效益指标", "社会效益指标")
    # the second scoring note (lines 146-148)
    assert by_line[148].deviation_reason.startswith("①使用者满意度超过98%，得10分；")


# Reports whose Σ indicator weights + fund weight ≠ 总分 weight, checked against the source:
KNOWN_WEIGHT_MISMATCHES = {
    # 中央就业补助资金: fund row prints weight 2.50 / score 10.00 (the two look swapped):
    # 2.50 + 90 = 92.50 ≠ 100 (and 10 + 90 = 100 ≠ 92.50 total score).
    (S000, 311): (D("92.50"), D("100.00")),
    # 网络信息系统运行与维护 (就业促进中心): the nine indicator rows printed (lines 541-549)
    # weigh 82 + fund 10 = 92 ≠ 100; their scores add to 88.40 ≠ 96.40 (one 8/8 row missing).
    (S000, 527): (D("92.00"), D("100.00")),
}


def test_weights_add_up_to_total(s000, s001):
    mismatches = {}
    for name, result in ((S000, s000), (S001, s001)):
        for rep in result.reports:
            inds = indicators(result, rep)
            total = funds(result, rep)["total"]
            weights = sum((i.weight for i in inds if i.weight is not None), Decimal(0)) + (total.weight or 0)
            if rep.total_weight is None or abs(weights - rep.total_weight) > D("0.05"):
                mismatches[(name, rep.line_start)] = (weights, rep.total_weight)
    assert mismatches == KNOWN_WEIGHT_MISMATCHES


def test_scores_add_up_to_total_except_known(s000, s001):
    mismatches = set()
    for name, result in ((S000, s000), (S001, s001)):
        for rep in result.reports:
            inds = indicators(result, rep)
            total = funds(result, rep)["total"]
            scores = sum((i.score for i in inds if i.score is not None), Decimal(0)) + (total.score or 0)
            if abs(scores - rep.total_score) > D("0.05"):
                mismatches.add((name, rep.line_start))
    assert mismatches == set(KNOWN_WEIGHT_MISMATCHES)


def test_every_indicator_has_name_weight_and_score(s000, s001):
    for ind in s000.indicators + s001.indicators:
        assert ind.indicator_name and ind.level1 and ind.level2, ind
        assert ind.weight is not None and ind.score is not None, ind
        assert ind.target_text is not None and ind.actual_text is not None, ind


def test_year_from_file_only_when_every_other_table_states_the_same_one():
    text = (ROOT / "raw" / "000_2cba3ecfd7271be6.txt").read_text(encoding="utf-8")
    one = parse_text(text, "000.txt")
    taken = [i for i in one.issues if i.code == "report_year_from_file"]
    assert [(i.line_no, i.severity) for i in taken] == [(693, "info")]
    assert "2024" in taken[0].message
    # a file whose other tables disagree on the year: nothing is taken
    mixed = parse_text(text.replace("2024年度", "2023年度", 1), "mixed.txt")
    assert {r.fiscal_year for r in mixed.reports} == {2023, 2024, None}
    assert not [i for i in mixed.issues if i.code == "report_year_from_file"]


def test_header_labels_and_values_read_by_grid_label_values():
    """项目名称 / 主管部门 / 实施单位 pairs (grid.labelled_cells): a value in the label's cell, a value
    on the next line, a second value that differs (reported, not dropped)."""
    lines = (ROOT / "raw" / "000_2cba3ecfd7271be6.txt").read_text(encoding="utf-8").split("\n")[:27]
    assert lines[3].split("\t")[:3] == ["项目名称", "", "职业培训"] and "实施单位" in lines[4]

    def header(name_line: list[str], dept_line: str):
        result = parse_text("\n".join(lines[:3] + name_line + [dept_line] + lines[5:]) + "\n", "x.txt")
        r = result.reports[0]
        return (r.project_name, r.implementing_unit), [(i.line_no, i.code) for i in result.issues]

    inline = "主管部门\t\t上海市松江区人力资源和社会保障局\t\t实施单位：松江区职业能力建设中心"
    assert header(lines[3:4], inline) == (("职业培训", "松江区职业能力建设中心"), [])
    assert header(["项目名称", "职业培训"], lines[4]) == (
        ("职业培训", "上海市松江区人力资源和社会保障局(本级)"), [])
    twice = header(["项目名称\t\t职业培训\t\t职业技能培训"], lines[4])
    assert twice == (("职业培训", "上海市松江区人力资源和社会保障局(本级)"), [(4, "duplicate_field")])
