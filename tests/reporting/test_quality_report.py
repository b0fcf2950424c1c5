"""The finance office's quality report, rendered from a small warehouse and opened in a real browser."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook
from quality_warehouse import (
    BUDGET_2020,
    HOSTILE,
    MINHANG_2022,
    SJ_UNIT,
    SONGJIANG_2024,
    VIOLATIONS,
    Warehouse,
    build_warehouse,
)

from dagster_project.reporting import render_quality_report
from dagster_project.reporting.charts import rate_bins
from dagster_project.reporting.labels import check_label
from dagster_project.reporting.workbook import HINT_SHEET, ROOT_CAUSE_SHEET, SUMMARY_SHEET, sheet_name

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class _Elements(HTMLParser):
    """Start tags and their attributes, as the browser left them in the DOM."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def by_id(self, element_id: str) -> dict[str, str | None]:
        return next(a for _, a in self.tags if a.get("id") == element_id)

    def having(self, attr: str, tag: str | None = None) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags if attr in a and (tag is None or t == tag)]


def _elements(markup: str) -> _Elements:
    parser = _Elements()
    parser.feed(markup)
    return parser


def _chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    profile = tmp_path / "chromium-profile"
    profile.mkdir(exist_ok=True)
    return subprocess.run(
        [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def browser(tmp_path_factory) -> str:
    """The chromium binary, or a skip saying why there is none (make test installs it)."""
    if not Path(CHROMIUM).exists():
        pytest.skip(
            "chromium is not installed (apt-get install -y chromium fonts-noto-cjk; `make test` does it)"
        )
    probe = _chromium(tmp_path_factory.mktemp("probe"), "--dump-dom", "data:text/html,<p id=x>ok</p>")
    if 'id="x"' not in probe.stdout:
        pytest.skip(f"chromium is installed but cannot render headless here: {probe.stderr[-500:]}")
    return CHROMIUM


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> tuple[Warehouse, dict]:
    tmp = tmp_path_factory.mktemp("quality_report")
    wh = Warehouse(tmp / "fiscal.duckdb", tmp / "raw", tmp / "reports")
    wh.raw_dir.mkdir()
    build_warehouse(wh.db_path, wh.raw_dir)
    (wh.report_dir / "gx_data_docs").mkdir(parents=True)
    (wh.report_dir / "gx_data_docs" / "index.html").write_text("<html></html>", encoding="utf-8")
    return wh, render_quality_report(wh.db_path, wh.report_dir, wh.raw_dir)


@pytest.fixture(scope="module")
def dom(report, browser, tmp_path_factory) -> str:
    _, result = report
    run = _chromium(tmp_path_factory.mktemp("dom"), "--dump-dom", result["html"].as_uri())
    assert run.returncode == 0, run.stderr[-2000:]
    assert "<html" in run.stdout
    return run.stdout


def test_returns_paths_and_headline_counts(report):
    wh, result = report
    assert result["html"] == wh.report_dir / "quality" / "index.html"
    assert result["xlsx"] == wh.report_dir / "quality" / "violations.xlsx"
    assert result["counts"] == {
        "files": 4,
        "reports": 6,
        "parse_issues": 3,
        "parse_errors": 1,
        "parse_warnings": 1,
        "parse_infos": 1,
        "violations": len(VIOLATIONS),
        "violation_errors": 3,
        "violation_warnings": 3,
        "root_causes": len(VIOLATIONS),  # a warehouse without root causes: each violation is its own
        "hints": 0,
    }
    assert result["violations_by_check"]["missing_deviation_reason"] == 2
    assert result["violations_by_check"]["execution_rate_mismatch"] == 0


def test_page_shows_the_warehouse_counts(report, dom):
    wh, _ = report
    page = _elements(dom)
    assert page.by_id("violation-count")["data-value"] == str(len(VIOLATIONS))
    assert page.by_id("violation-error-count")["data-value"] == "3"
    assert page.by_id("violation-warning-count")["data-value"] == "3"
    assert page.by_id("file-count")["data-value"] == "4"
    assert page.by_id("report-count")["data-value"] == "6"
    assert page.by_id("parse-issue-count")["data-value"] == "3"
    per_check = {a["data-check"]: int(a["data-value"]) for a in page.having("data-check", "td")}
    expected = dict(wh.query("select check_name, count(*) from quality.violations group by 1"))
    assert per_check == expected | {"execution_rate_mismatch": 0}
    shown = [(a["data-check"], a["data-file"], a["data-line"]) for a in page.having("data-line", "tbody")]
    assert sorted(shown) == sorted((v[0], v[2], str(v[9])) for v in VIOLATIONS)


def test_page_shows_each_violation_in_context(dom):
    assert "资金得分不符" in dom and "扣分未说明偏差原因" in dom and "custom_rule_x" in dom
    assert "中央就业补助资金" in dom and "上海市松江区就业促进中心" in dom
    assert f"{SONGJIANG_2024} 第 120 行" in dom
    # the source line as loaded (raw.source_lines: TAB cells joined), also of a GB18030 file
    assert "年度资金总额 │ 1203.00 │ 1158.10 │ 1158.10 │ 10.00 │ 100.00 │ 9.50" in dom
    assert "208 │ 01 │ 人力资源和社会保障管理事务 │ 12,345,678.00" in dom
    assert "+678.00" in dom  # difference observed − expected
    assert "-0.50" in dom
    page = _elements(dom)
    districts = {a["data-name"] for a in page.having("data-group") if a["data-group"] == "district"}
    assert districts == {"松江区", "闵行区"}
    years = {a["data-name"]: a["data-value"] for a in page.having("data-group") if a["data-group"] == "year"}
    assert years == {"2020": "1", "2022": "1", "2023": "2", "2024": "2"}
    for chart in (
        "chart-violations-by-check",
        "chart-execution-rate",
        "chart-unit-scores",
        "chart-unit-years",
    ):
        page.by_id(chart)
    # a line chart for the unit seen in two years; every unit in the unit × year table
    assert [a["data-unit"] for a in page.having("data-unit", "figure")] == ["上海市松江区就业促进中心"]
    assert len(page.having("data-unit", "tr")) == 2


def test_document_text_is_escaped(dom):
    assert "<script>alert(1)</script>" not in dom
    assert "职业培训&lt;script&gt;alert(1)&lt;/script&gt;&amp;补贴" in dom
    assert not any(tag == "script" for tag, _ in _elements(dom).tags)
    assert HOSTILE  # shown as text, see above


def test_docs_links_only_when_present(report, dom, tmp_path):
    assert _elements(dom).by_id("link-gx-docs")["href"] == "../gx_data_docs/index.html"
    assert 'id="link-dbt-docs"' not in dom
    wh, _ = report
    other = render_quality_report(wh.db_path, tmp_path / "reports", wh.raw_dir)
    assert "link-gx-docs" not in other["html"].read_text(encoding="utf-8")


def test_page_makes_no_network_reference(report):
    _, result = report
    markup = result["html"].read_text(encoding="utf-8")
    assert not re.search(
        r"""(?:src|href|xlink:href|action)\s*=\s*["']?\s*(?:https?:)?//""", markup, re.IGNORECASE
    )
    assert not re.search(r"url\(\s*['\"]?\s*(?:https?:)?//", markup, re.IGNORECASE)
    assert not re.search(r"@import|<link\b|<script\b|<iframe\b|<img\b", markup, re.IGNORECASE)


def test_screenshot_renders(report, browser, tmp_path):
    _, result = report
    shot = tmp_path / "shot.png"
    run = _chromium(tmp_path, f"--screenshot={shot}", "--window-size=1280,2000", result["html"].as_uri())
    assert run.returncode == 0, run.stderr[-2000:]
    assert shot.exists() and shot.stat().st_size > 50_000
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_workbook_matches_violations(report):
    wh, result = report
    wb = load_workbook(result["xlsx"])
    per_check = dict(wh.query("select check_name, count(*) from quality.violations group by 1"))
    assert wb.sheetnames[0] == SUMMARY_SHEET
    every_check = per_check.keys() | {c for (c,) in wh.query("select check_name from quality.check_results")}
    assert wb.sheetnames[-2:] == [ROOT_CAUSE_SHEET, HINT_SHEET]
    assert sorted(wb.sheetnames[1:-2]) == sorted(check_label(c) for c in every_check)  # one sheet per rule
    # no violation of this warehouse shows at several places: the 根因 sheet says 无
    assert [[c.value for c in row] for row in wb[ROOT_CAUSE_SHEET].iter_rows(min_row=2, max_col=2)] == [["无", None]]
    quiet = wb[check_label("execution_rate_mismatch")]  # ran, found nothing
    assert [[c.value for c in row] for row in quiet.iter_rows(min_row=2, max_col=2)] == [["无", None]]
    summary = {row[1]: row for row in wb[SUMMARY_SHEET].iter_rows(min_row=2, values_only=True) if row[1]}
    for check, count in per_check.items():
        assert summary[check][0] == check_label(check)
        assert summary[check][4] == count
        ws = wb[check_label(check)]
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref
        assert ws.max_row - 1 == count
    ws = wb["资金合计不符"]
    header = [c.value for c in ws[1]]
    row = dict(zip(header, next(ws.iter_rows(min_row=2, values_only=True))))
    assert row["文件"] == MINHANG_2022 and row["行号"] == 7
    assert row["规则应为"] == 480000.0 and row["文件所载"] == 500000.0 and row["差额"] == 20000.0
    assert row["严重程度"] == "错误" and row["区"] == "闵行区" and row["年度"] == 2022
    assert "500,000.00" in row["原文"]
    budget = dict(zip(header, next(wb["科目层级合计不符"].iter_rows(min_row=2, values_only=True))))
    assert budget["文件"] == BUDGET_2020 and budget["预算表序号"] == 2 and budget["报表序号"] is None
    warn = [dict(zip(header, r)) for r in wb["扣分未说明偏差原因"].iter_rows(min_row=2, values_only=True)]
    assert {r["严重程度"] for r in warn} == {"警告"} and all(r["规则应为"] is None for r in warn)


def test_missing_quality_and_marts_give_zeros(tmp_path, browser):
    raw_dir = tmp_path / "raw"
    raw_dir.mkdir()
    build_warehouse(tmp_path / "fiscal.duckdb", raw_dir, with_quality=False, with_marts=False)
    result = render_quality_report(tmp_path / "fiscal.duckdb", tmp_path / "reports", raw_dir)
    assert result["counts"]["violations"] == 0 and result["counts"]["reports"] == 0
    assert result["counts"]["files"] == 4
    assert load_workbook(result["xlsx"]).sheetnames == [SUMMARY_SHEET, ROOT_CAUSE_SHEET, HINT_SHEET]  # no checks ran
    run = _chromium(tmp_path, "--dump-dom", result["html"].as_uri())
    assert _elements(run.stdout).by_id("violation-count")["data-value"] == "0"


def test_missing_database_gives_an_empty_report(tmp_path):
    result = render_quality_report(tmp_path / "absent.duckdb", tmp_path / "reports", tmp_path / "raw")
    assert result["counts"]["files"] == 0 and result["html"].exists()


def test_extra_violation_columns_are_used(tmp_path):
    raw_dir = tmp_path / "raw"
    raw_dir.mkdir()
    db = tmp_path / "fiscal.duckdb"
    build_warehouse(db, raw_dir)
    with duckdb.connect(str(db)) as con:
        con.execute("alter table quality.violations add column project_name varchar")
        con.execute("alter table quality.violations add column difference decimal(18,2)")
        con.execute("alter table quality.violations add column value_unit varchar")
        con.execute("alter table quality.violations add column table_title varchar")
        con.execute(
            "update quality.violations set project_name = '列中的项目名', difference = 1.25, value_unit = '元', "
            "table_title = '部门支出预算总表'"
        )
        con.execute("alter table quality.check_results add column error varchar")
        con.execute(
            "update quality.check_results set error = 'Binder Error: column x' "
            "where check_name = 'execution_rate_mismatch'"
        )
    result = render_quality_report(db, tmp_path / "reports", raw_dir)
    markup = result["html"].read_text(encoding="utf-8")
    assert "列中的项目名" in markup and "+1.25 元" in markup and "部门支出预算总表" in markup
    assert 'id="checks-not-run" data-value="1"' in markup
    assert "检查未能执行：Binder Error: column x" in markup
    sheet = load_workbook(result["xlsx"])["资金合计不符"]
    header = [c.value for c in sheet[1]]
    assert dict(zip(header, next(sheet.iter_rows(min_row=2, values_only=True))))["单位"] == "元"


def test_rate_bins_separate_exactly_100_and_over():
    bins = dict(rate_bins([100.0, 100.001, 99.9, 120.0, 42.0, 85.0]))
    assert bins["100"] == 2 and bins[">100"] == 1 and bins["90–<100"] == 1 and bins["<50"] == 1
    assert sum(bins.values()) == 6


def test_sheet_names_are_valid_and_unique():
    taken: set[str] = {SUMMARY_SHEET}
    assert sheet_name("fund_total_mismatch", taken) == "资金合计不符"
    long = sheet_name("a_check_name_of_more_than_thirty_one_chars", taken)
    again = sheet_name("a_check_name_of_more_than_thirty_one_chars", taken)
    assert len(long) <= 31 and len(again) <= 31 and long != again
    assert sheet_name("weird/name:[x]", taken) == "weird_name__x_"


def test_page_lists_a_capped_number_per_check_but_counts_all(tmp_path, monkeypatch):
    from dagster_project.reporting import html

    raw_dir = tmp_path / "raw"
    raw_dir.mkdir()
    build_warehouse(tmp_path / "fiscal.duckdb", raw_dir)
    monkeypatch.setattr(html, "MAX_ROWS_PER_CHECK", 1)
    result = render_quality_report(tmp_path / "fiscal.duckdb", tmp_path / "reports", raw_dir)
    markup = result["html"].read_text(encoding="utf-8")
    assert markup.count('class="violation" data-check="missing_deviation_reason"') == 1
    assert "另有 1 条未在页面列出" in markup
    assert 'data-check="missing_deviation_reason" data-value="2"' in markup
    assert result["sheets"]["扣分未说明偏差原因"] == 2


def test_source_lines_come_from_the_warehouse_not_the_raw_folder(tmp_path):
    """The report opens no input file (none outside the folder, no FIFO, no PDF read again): the
    line text is raw.source_lines, so it is shown even with the raw folder gone."""
    raw_dir = tmp_path / "raw"
    raw_dir.mkdir()
    build_warehouse(tmp_path / "fiscal.duckdb", raw_dir)
    shutil.rmtree(raw_dir)
    result = render_quality_report(tmp_path / "fiscal.duckdb", tmp_path / "reports", raw_dir)
    markup = result["html"].read_text(encoding="utf-8")
    assert "年度资金总额 │ 1203.00 │ 1158.10 │ 1158.10 │ 10.00 │ 100.00 │ 9.50" in markup
    assert "（未能读取原文行）" not in markup


def test_a_violation_written_with_its_line_shows_that_line(tmp_path):
    """quality.violations.line_text (the line the checks wrote with the violation) is the line the
    report shows; a violation without it is looked up in raw.source_lines. Same page either way."""
    raw_dir = tmp_path / "raw"
    db = tmp_path / "fiscal.duckdb"
    build_warehouse(db, raw_dir)

    def page(name: str) -> str:
        result = render_quality_report(db, tmp_path / name, raw_dir)
        return re.sub(r"生成时间：[0-9: -]+", "", result["html"].read_text(encoding="utf-8"))

    looked_up = page("looked_up")
    with duckdb.connect(str(db)) as con:
        con.execute("alter table quality.violations add column line_text varchar")
        con.execute(
            "update quality.violations v set line_text = s.text from raw.source_lines s "
            "where s.source_file = v.source_file and s.line_no = v.line_no and v.check_name <> 'fund_total_mismatch'"
        )
        assert (
            con.execute("select count(*) from quality.violations where line_text is null").fetchone()[0] == 1
        )
        # the written line is used, not looked up: the report shows it with the source line gone
        con.execute(f"delete from raw.source_lines where source_file = '{SONGJIANG_2024}' and line_no = 120")
    written = page("written")
    assert written == looked_up
    assert "年度资金总额 │ 1203.00 │ 1158.10 │ 1158.10 │ 10.00 │ 100.00 │ 9.50" in written  # line_text
    assert "500,000.00 │ 480,000.00 │ 470,000.00" in written  # looked up (no line_text)


def test_a_report_row_loaded_twice_counts_its_violations_once(tmp_path):
    """A violation joins one row of its report: a warehouse whose fct_report has a report twice (no key
    constraint) still counts and lists each violation once, with that report's names."""
    raw_dir = tmp_path / "raw"
    db = tmp_path / "fiscal.duckdb"
    build_warehouse(db, raw_dir)
    with duckdb.connect(str(db)) as con:
        con.execute("insert into marts.fct_report select * from marts.fct_report where report_id = 'r1'")
    result = render_quality_report(db, tmp_path / "reports", raw_dir)
    assert result["counts"]["violations"] == len(VIOLATIONS)
    assert result["violations_by_check"]["fund_score_mismatch"] == 1
    sheet = load_workbook(result["xlsx"])[sheet_name("fund_score_mismatch", {SUMMARY_SHEET})]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    header = [c.value for c in sheet[1]]
    assert len(rows) == 1 and dict(zip(header, rows[0]))["实施单位"] == SJ_UNIT
