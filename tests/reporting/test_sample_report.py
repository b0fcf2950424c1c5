"""The report of the real pipeline on the samples: one name per unit, Chinese throughout, a sheet per rule."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from openpyxl import load_workbook

from dagster_project.reporting.charts import Bar, Segment, bar_chart, wrap_label
from dagster_project.reporting.coverage import COVERAGE_SHEET
from dagster_project.reporting.labels import check_label
from dagster_project.reporting.workbook import HINT_SHEET, ROOT_CAUSE_SHEET


class _Groups(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.groups: dict[str, list[str]] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tr" and "data-group" in attrs:
            self.groups.setdefault(attrs["data-group"], []).append(attrs["data-name"])


@pytest.fixture(scope="module")
def page(sample_run) -> str:
    return (sample_run.report_dir / "quality" / "index.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def workbook(sample_run):
    return load_workbook(sample_run.report_dir / "quality" / "violations.xlsx")


def test_departments_and_units_have_one_name(sample_run, page):
    groups = _Groups()
    groups.feed(page)
    keys = {k for (k,) in sample_run.query("select unit_name from marts.dim_unit")}
    for group in ("supervising-dept", "implementing-unit"):
        names = groups.groups[group]
        assert len(names) == len(set(names))
        assert set(names) <= keys, f"{group}: {set(names) - keys} are not dim_unit keys"
    assert "松江区人力资源和社会保障局" in groups.groups["supervising-dept"]
    assert "（未知）" not in groups.groups["implementing-unit"]  # budget findings: their department


def test_department_level_findings_name_their_department(sample_run, workbook):
    budget_checks = [
        c for (c,) in sample_run.query("select distinct check_name from quality.violations where report_seq is null")
    ]
    assert budget_checks  # the samples' budget has findings
    for check in budget_checks:
        ws = workbook[check_label(check)]
        header = [c.value for c in ws[1]]
        for row in ws.iter_rows(min_row=2, values_only=True):
            values = dict(zip(header, row))
            assert values["实施单位"] == values["主管部门"] == "松江区人力资源和社会保障局"


def test_workbook_is_chinese_and_has_a_sheet_per_rule(sample_run, workbook):
    rules = {c for (c,) in sample_run.query("select check_name from quality.check_results")}
    # + 根因 and 舍入提示, the decision sheet and the coverage sheet
    assert set(workbook.sheetnames[1:]) == {check_label(c) for c in rules} | {
        ROOT_CAUSE_SHEET, HINT_SHEET, "审核决定", COVERAGE_SHEET}
    # the rounding hints on their own sheet; each root cause seen at several places once on its own
    hints = sample_run.scalar("select count(*) from quality.violations where severity = 'hint'")
    roots = sample_run.scalar("select count(*) from quality.violations "
                              "where severity <> 'hint' and is_root_cause and root_cause_places > 1")
    assert hints > 0 and workbook[HINT_SHEET].max_row - 1 == hints
    assert workbook[ROOT_CAUSE_SHEET].max_row - 1 == max(roots, 1)  # 无 when there is none
    found = dict(  # rounding hints are not in the workbook
        sample_run.query("select check_name, count(*) from quality.violations where severity <> 'hint' group by 1")
    )
    for rule in rules:
        ws = workbook[check_label(rule)]
        rows = list(ws.iter_rows(min_row=2, values_only=True))
        if rule in found:
            assert len(rows) == found[rule]
        else:
            assert rows == [("无",) + (None,) * (len(rows[0]) - 1)]
        header = [c.value for c in ws[1]]
        for row in rows:
            values = dict(zip(header, row))
            for column in ("检查对象", "栏目"):
                assert not re.fullmatch(r"[a-z_]+", str(values.get(column) or "")), (rule, column, values[column])


def test_page_shows_no_english_codes_as_subjects(page):
    for code in ("total", "subject", "three_public", "operating_cost"):
        assert f">{code}<" not in page and f"{code} · " not in page
    for family in ("self_eval", "tracking", "budget", "target"):
        assert not re.search(rf"<td>[^<]*\b{family}\b", page), family  # document families in Chinese
    # 003 is a department budget holding its projects' target forms: both families, in Chinese.
    assert "<td>绩效自评表</td>" in page and "<td>部门预算、绩效目标表</td>" in page


def test_chart_labels_are_whole():
    label = "上海市松江区人力资源和社会保障局劳动保障监察大队执法队（12）"
    assert "".join(wrap_label(label, 14)) == label
    svg = bar_chart([Bar(label, (Segment(3, "#000"),))], "t", label_chars=14)
    assert f"<title>{label}</title>" in svg
    assert "".join(re.findall(r"<tspan[^>]*>([^<]*)</tspan>", svg)) == label
    very_long = "很长的单位名称" * 10
    lines = wrap_label(very_long, 14)
    assert len(lines) == 3 and lines[-1].endswith("…")  # abbreviated, and whole in the tooltip


def test_sample_chart_labels_are_not_cut(page):
    for full, shown in re.findall(r'data-label="([^"]*)"><title>[^<]*</title>((?:<tspan[^>]*>[^<]*</tspan>)+)', page):
        text = "".join(re.findall(r">([^<]*)</tspan>", shown))
        assert text == full or (text.endswith("…") and full.startswith(text[:-1]))
