"""100,000 findings: the report is written in seconds, the page stays small and opens in Chromium,
the workbook still holds every finding."""

from __future__ import annotations

import time
import zipfile
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook
from quality_warehouse import build_warehouse
from test_quality_report import _chromium, browser  # noqa: F401 - the browser fixture

from dagster_project.reporting import quality_data, render_quality_report
from dagster_project.reporting.html import MAX_ROWS_PER_CHECK, render_page
from dagster_project.reporting.labels import check_label

FINDINGS = 100_000
CHECKS = ("fund_total_mismatch", "score_sum_mismatch", "missing_deviation_reason", "budget_hierarchy_mismatch")
FILES = 2_000


def _add_findings(db: Path) -> None:
    """FINDINGS violations over FILES files, each pointing at a loaded line; the largest difference of
    each check is in the last file, so a page listing by file order would miss it."""
    checks = ", ".join(f"'{c}'" for c in CHECKS)
    with duckdb.connect(str(db)) as con:
        con.execute(
            f"""
            insert into quality.violations
            select check_name, case when check_name = 'missing_deviation_reason' then 'warning' else 'error' end,
                   printf('scale/f%04d.txt', i % {FILES}), 1, null, printf('科目%d', i),
                   '100.00', printf('%d.00', 100 + i), printf('第 %d 条', i), 1 + i // {FILES},
                   null, null
            from range({FINDINGS}) t(i), (select unnest([{checks}]) as check_name, generate_subscripts([{checks}], 1) as c)
            where i % {len(CHECKS)} = c - 1
            """
        )
        con.execute(
            f"""
            insert into raw.source_lines
            select printf('scale/f%04d.txt', f), l, null, null, printf('第%d行\t合计\t%d.00', l, l)
            from range({FILES}) a(f), range(1, 2 + {FINDINGS} // {FILES}) b(l)
            """
        )


@pytest.fixture(scope="module")
def scaled(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("report_scale")
    raw, db = tmp / "raw", tmp / "fiscal.duckdb"
    raw.mkdir()
    build_warehouse(db, raw)
    _add_findings(db)
    started = time.perf_counter()
    result = render_quality_report(db, tmp / "reports", raw)
    return result, time.perf_counter() - started


class _Listed(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, int] = {}
        self.hidden: dict[str, int] = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tbody" and a.get("class") == "violation":
            self.rows[a["data-check"]] = self.rows.get(a["data-check"], 0) + 1
        if "data-hidden" in a:
            self.hidden[a["data-check"]] = int(a["data-hidden"])


def test_counts_every_finding_but_lists_the_worst(scaled):
    result, seconds = scaled
    total = FINDINGS + 6  # and the small warehouse's own six
    assert result["counts"]["violations"] == total
    page = result["html"].read_text(encoding="utf-8")
    listed = _Listed()
    listed.feed(page)
    per_check = FINDINGS // len(CHECKS)
    for check in CHECKS:
        own = 1 if check in ("fund_total_mismatch", "budget_hierarchy_mismatch") else 0
        own += 2 if check == "missing_deviation_reason" else 0
        assert listed.rows[check] == MAX_ROWS_PER_CHECK
        assert listed.hidden[check] == per_check + own - MAX_ROWS_PER_CHECK
    # the worst first: the largest difference of fund_total_mismatch is its last finding
    last = max(i for i in range(FINDINGS) if i % len(CHECKS) == 0)
    assert f"+{last:,}.00" in page
    size = result["html"].stat().st_size
    print(f"\n{FINDINGS:,} findings: report (page and workbook) written in {seconds:.1f} s, page {size / 1e6:.2f} MB")
    assert size < 1_000_000


def test_page_costs_what_it_shows(scaled, tmp_path):
    """Counting 100k findings and listing the worst is SQL: seconds, whatever the workbook costs."""
    result, _ = scaled
    db = result["html"].parents[2] / "fiscal.duckdb"
    started = time.perf_counter()
    with quality_data(db, listed_per_check=MAX_ROWS_PER_CHECK) as data:
        page = render_page(data, tmp_path, {}, datetime.now())
    seconds = time.perf_counter() - started
    print(f"\npage alone: {seconds:.2f} s")
    assert len(data.violations) == MAX_ROWS_PER_CHECK * len(CHECKS) + 2  # and two other checks, one each
    assert 'data-value="100006"' in page
    assert seconds < 15


def test_page_opens_quickly_in_chromium(scaled, browser, tmp_path):  # noqa: F811
    result, _ = scaled
    started = time.perf_counter()
    run = _chromium(tmp_path, "--dump-dom", result["html"].as_uri())
    seconds = time.perf_counter() - started
    assert run.returncode == 0 and 'id="violation-count"' in run.stdout
    print(f"\nChromium: page loaded and DOM dumped in {seconds:.1f} s")
    assert seconds < 30


def test_workbook_holds_every_finding(scaled):
    result, _ = scaled
    wb = load_workbook(result["xlsx"], read_only=True)
    with zipfile.ZipFile(result["xlsx"]) as archive:
        for check in CHECKS:
            # rows counted in the sheet's XML: reading 100k rows cell by cell would take minutes
            sheet = archive.read(wb[check_label(check)]._worksheet_path)
            rows = sheet.count(b"<row>") + sheet.count(b"<row ") - 1  # the header (numbered) and the rows
            assert rows == result["sheets"][check_label(check)] >= FINDINGS // len(CHECKS)
    ws = wb[check_label("fund_total_mismatch")]
    header = [c.value for c in next(ws.iter_rows(max_row=1))]
    first = dict(zip(header, next(ws.iter_rows(min_row=2, max_row=2, values_only=True))))
    assert first["文件"] == "minhang_2022.txt" and first["差额"] == 20000.0  # file order, as before
