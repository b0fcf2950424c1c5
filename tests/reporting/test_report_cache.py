"""The workbook written with the last one's sheets (reporting/sheet_cache.py) is the workbook a full
rewrite gives: the same bytes, the same cells; a damaged cache is a full rewrite, never a wrong sheet."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
from openpyxl import load_workbook
from quality_warehouse import BUDGET_2020, MINHANG_2022, SONGJIANG_2023, SONGJIANG_2024, build_warehouse

from dagster_project.db import connect
from dagster_project.reporting import queries, render_quality_report, sheet_cache, workbook
from dagster_project.reporting.labels import check_label
from dagster_project.reporting.sheet_cache import CACHE_DIR
from dagster_project.review_decisions import SHEET


def _cells(path: Path) -> dict[str, list[tuple]]:
    book = load_workbook(path, read_only=True)
    return {name: list(book[name].iter_rows(values_only=True)) for name in book.sheetnames}


def _change(db: Path) -> None:
    """What a run adds and removes: a new file's finding, a corrected file's finding gone."""
    with duckdb.connect(str(db)) as con:
        con.execute(
            "insert into quality.violations by name select 'fund_total_mismatch' as check_name, 'error' as severity, "
            "'zz_new.txt' as source_file, 1 as report_seq, '年度资金总额·全年预算数' as subject, "
            "'100.00' as expected_value, '=120.00' as observed_value, '新文件的发现' as message, 3 as line_no"
        )
        con.execute("delete from quality.violations where source_file = ? and line_no = 40", [SONGJIANG_2023])


def test_report_after_a_change_equals_a_full_rewrite(tmp_path, monkeypatch):
    monkeypatch.setattr(workbook, "CHUNK_ROWS", 1)  # a chunk per row: only the new row is built
    raw, db, reports = tmp_path / "raw", tmp_path / "fiscal.duckdb", tmp_path / "reports"
    raw.mkdir()
    build_warehouse(db, raw)
    first = render_quality_report(db, reports, raw)
    assert first["workbook_cache"] == {"sheets_copied": 0, "rows_kept": 0, "rows_built": 6}
    assert (reports / CACHE_DIR).is_dir()

    unchanged = render_quality_report(db, reports, raw)  # nothing changed: every sheet copied
    assert unchanged["workbook_cache"]["rows_built"] == 0
    assert unchanged["workbook_cache"]["sheets_copied"] == len(first["sheets"])  # every sheet but the summary (汇总)

    _change(db)
    # as a run writes it: into its build folder, the cache beside the published reports
    changed = render_quality_report(db, reports / ".build-run2", raw)
    full = render_quality_report(db, tmp_path / "full", raw)  # no cache: every row built
    assert full["workbook_cache"]["sheets_copied"] == 0
    # the two changed rule sheets: 1 of fund_total_mismatch's 2 rows and none of missing_deviation_reason's 1 built
    assert changed["workbook_cache"] == {"sheets_copied": len(first["sheets"]) - 2, "rows_kept": 2, "rows_built": 1}
    assert changed["xlsx"].read_bytes() == full["xlsx"].read_bytes()
    cells = _cells(changed["xlsx"])
    assert cells == _cells(full["xlsx"])
    fund = cells[check_label("fund_total_mismatch")]
    assert [(row[1], row[12]) for row in fund[1:]] == [(MINHANG_2022, 500000.0), ("zz_new.txt", "=120.00")]
    assert len(cells[check_label("missing_deviation_reason")]) == 2  # header and the 2024 finding


def test_a_damaged_cache_means_a_full_rewrite(tmp_path):
    raw, db, reports = tmp_path / "raw", tmp_path / "fiscal.duckdb", tmp_path / "reports"
    raw.mkdir()
    build_warehouse(db, raw)
    render_quality_report(db, reports, raw)
    kept = sorted((reports / CACHE_DIR).iterdir())
    assert {p.suffix for p in kept} == {".part", ".json"}
    for entry in kept:  # every stored byte string damaged, the index files left as they are
        if entry.suffix == ".part":
            data = bytearray(entry.read_bytes())
            data[len(data) // 2] ^= 0xFF
            entry.write_bytes(bytes(data))
    _change(db)
    again = render_quality_report(db, reports, raw)
    assert again["workbook_cache"]["sheets_copied"] == again["workbook_cache"]["rows_kept"] == 0
    full = render_quality_report(db, tmp_path / "full", raw)
    assert again["xlsx"].read_bytes() == full["xlsx"].read_bytes()


def test_sample_report_again_copies_every_sheet(sample_run, tmp_path):
    """The pipeline's own report on the samples (rule sheets, 根因, 检查覆盖, 审核决定) written again
    with nothing changed: each sheet copied from the cache the run left, the same bytes."""
    reports = tmp_path / "reports"
    shutil.copytree(sample_run.report_dir, reports, ignore=shutil.ignore_patterns("gx_data_docs", "dbt_docs"))
    published = reports / "quality" / "violations.xlsx"
    before = published.read_bytes()
    again = render_quality_report(sample_run.db_path, reports, sample_run.raw_dir)
    assert again["workbook_cache"]["rows_built"] == 0
    assert again["workbook_cache"]["sheets_copied"] == len(again["sheets"])  # every sheet but the summary (汇总)
    assert published.read_bytes() == before


def test_another_code_version_means_a_full_rewrite(tmp_path, monkeypatch):
    """The cache keys carry the report code's version: a changed source of it (here a copy of labels.py
    with one more byte) gives another version, and nothing kept under the old one is copied."""
    sources = []
    for source in sheet_cache._SOURCES:
        copy = tmp_path / "code" / f"{len(sources)}_{source.name}"
        copy.parent.mkdir(exist_ok=True)
        copy.write_bytes(source.read_bytes())
        sources.append(copy)
    monkeypatch.setattr(sheet_cache, "_SOURCES", tuple(sources))
    sheet_cache.code_version.cache_clear()
    raw, db, reports = tmp_path / "raw", tmp_path / "fiscal.duckdb", tmp_path / "reports"
    raw.mkdir()
    build_warehouse(db, raw)
    first = render_quality_report(db, reports, raw)
    written, entries = first["xlsx"].read_bytes(), sorted(p.name for p in (reports / CACHE_DIR).iterdir())
    before = sheet_cache.code_version()
    labels = next(p for p in sources if p.name.endswith("_labels.py"))
    labels.write_bytes(labels.read_bytes() + b"\n")
    sheet_cache.code_version.cache_clear()
    try:
        assert sheet_cache.code_version() != before
        again = render_quality_report(db, reports, raw)
    finally:
        sheet_cache.code_version.cache_clear()  # the real sources' version for the other tests
    assert again["workbook_cache"] == {"sheets_copied": 0, "rows_kept": 0, "rows_built": 6}
    assert again["xlsx"].read_bytes() == written
    # as many entries, all new: the old version's are pruned
    now = sorted(p.name for p in (reports / CACHE_DIR).iterdir())
    assert len(now) == len(entries) and not set(now) & set(entries)


def _group(db: Path, places: list[tuple[str, int]]) -> None:
    """The 2024 missing_deviation_reason finding as a root cause also seen at `places` (file, line_no)."""
    with duckdb.connect(str(db)) as con:
        for column in ("root_cause_id varchar", "is_root_cause boolean", "root_cause_places integer"):
            con.execute(f"alter table quality.violations add column if not exists {column}")
        con.execute("delete from quality.violations where root_cause_id = 'g1' and not is_root_cause")
        con.execute("update quality.violations set root_cause_id = 'g1', is_root_cause = true, root_cause_places = ? "
                    "where check_name = 'missing_deviation_reason' and source_file = ?", [1 + len(places), SONGJIANG_2024])
        for source_file, line_no in places:
            con.execute(
                "insert into quality.violations by name select 'missing_deviation_reason' as check_name, "
                "'warning' as severity, ? as source_file, 1 as report_seq, '补贴发放及时率' as subject, "
                "'同一偏差' as message, ? as line_no, 'g1' as root_cause_id, false as is_root_cause, "
                "? as root_cause_places", [source_file, line_no, 1 + len(places)])


def test_root_cause_sheet_after_a_change_equals_a_full_rewrite(tmp_path, monkeypatch):
    """The 根因 sheet keyed by its root causes and their places' keys (queries._root_keys): a place added
    rebuilds the rows it changes only, and the workbook is the bytes a full rewrite gives."""
    monkeypatch.setattr(workbook, "CHUNK_ROWS", 1)
    raw, db, reports = tmp_path / "raw", tmp_path / "fiscal.duckdb", tmp_path / "reports"
    raw.mkdir()
    build_warehouse(db, raw)
    _group(db, [(MINHANG_2022, 7)])
    render_quality_report(db, reports, raw)
    _group(db, [(MINHANG_2022, 7), ("zz_new.txt", 3)])  # a new file shows the same root cause
    changed = render_quality_report(db, reports, raw)
    full = render_quality_report(db, tmp_path / "full", raw)
    assert changed["xlsx"].read_bytes() == full["xlsx"].read_bytes()
    # the 根因 row, and on the rule sheet the group's three rows (each says how many places it has)
    assert changed["workbook_cache"]["rows_built"] == 4
    roots = _cells(changed["xlsx"])[workbook.ROOT_CAUSE_SHEET]
    assert [(row[2], row[11]) for row in roots[1:]] == [(SONGJIANG_2024, 3)]
    assert roots[1][12].splitlines()[1].startswith(f"{check_label('missing_deviation_reason')}：zz_new.txt 第 3 行")


def _decide(db: Path, decisions: dict[tuple[str, str], str]) -> None:
    """Findings with ids, and a reviewer's decisions on some, by (rule, file) (quality.review_decisions)."""
    with duckdb.connect(str(db)) as con:
        con.execute("alter table quality.violations add column if not exists finding_id varchar")
        con.execute("update quality.violations set finding_id = 'F' || substr(md5(concat_ws('|', check_name, "
                    "source_file, line_no, subject)), 1, 12) where finding_id is null")
        con.execute("create or replace table quality.review_decisions (finding_id varchar, decision varchar, "
                    "note varchar, reviewer varchar, decided_on date, decisions_file varchar, line_no integer, "
                    "status varchar)")
        for n, ((check, source_file), decision) in enumerate(decisions.items(), start=2):
            con.execute("insert into quality.review_decisions select finding_id, ?, null, '李四', date '2026-12-01', "
                        "'decisions.xlsx', ?, 'applied' from quality.violations where check_name = ? "
                        "and source_file = ?", [decision, n, check, source_file])


def test_review_sheet_after_decisions_equals_a_full_rewrite(tmp_path, monkeypatch):
    """The 审核决定 sheet's keys come from the rule sheets' order, sorted again by decided or not and severity
    (queries._review_keys): with decided, ignored and new findings of both severities, a run's sheet after a
    change is the bytes a full rewrite gives, new findings first, errors before warnings."""
    monkeypatch.setattr(workbook, "CHUNK_ROWS", 1)
    raw, db, reports = tmp_path / "raw", tmp_path / "fiscal.duckdb", tmp_path / "reports"
    raw.mkdir()
    build_warehouse(db, raw)
    _decide(db, {("budget_hierarchy_mismatch", BUDGET_2020): "确认", ("fund_score_mismatch", SONGJIANG_2024): "忽略"})
    render_quality_report(db, reports, raw)
    _change(db)  # a new error, a warning gone, and one more decision
    _decide(db, {("budget_hierarchy_mismatch", BUDGET_2020): "确认", ("fund_score_mismatch", SONGJIANG_2024): "忽略",
                 ("missing_deviation_reason", SONGJIANG_2024): "已整改"})
    changed = render_quality_report(db, reports, raw)
    full = render_quality_report(db, tmp_path / "full", raw)
    assert changed["workbook_cache"]["rows_kept"] > 0
    assert changed["xlsx"].read_bytes() == full["xlsx"].read_bytes()
    review = _cells(changed["xlsx"])[SHEET]
    assert [(row[1], row[5], row[7]) for row in review[1:]] == [
        (None, check_label("fund_total_mismatch"), MINHANG_2022),
        (None, check_label("fund_total_mismatch"), "zz_new.txt"),
        (None, check_label("custom_rule_x"), SONGJIANG_2023),
        ("确认", check_label("budget_hierarchy_mismatch"), BUDGET_2020),
        ("忽略", check_label("fund_score_mismatch"), SONGJIANG_2024),
        ("已整改", check_label("missing_deviation_reason"), SONGJIANG_2024),
    ]


def test_a_finding_key_hashes_its_whole_row(tmp_path):
    """report_violations leaves a finding's long texts out (read back by row for the rows shown, queries._texts):
    its key is still the hash of its whole row as shown, long texts included, also for the places whose root
    cause a reviewer set aside (忽略), which become roots after the key was first made."""
    raw, db = tmp_path / "raw", tmp_path / "fiscal.duckdb"
    raw.mkdir()
    build_warehouse(db, raw)
    _group(db, [(MINHANG_2022, 7), ("zz_new.txt", 3)])
    _decide(db, {("missing_deviation_reason", SONGJIANG_2024): "忽略"})  # the root cause set aside
    with duckdb.connect(str(db)) as con:  # every other finding its own root cause, as the checks write them
        con.execute("update quality.violations set root_cause_id = finding_id, is_root_cause = true, "
                    "root_cause_places = 1 where root_cause_id is null")
    with connect(db, read_only=True) as con:
        reader = queries._Reader(con, queries._tables(con))
        assert reader.build_violations()
        shown = con.execute(f"select source_file, is_root_cause, message, hash(q), hash(q, 1) "
                            f"from ({reader._wide('report_violations')}) q").fetchall()
        keys = con.execute("select source_file, key1, key2 from report_violations").fetchall()
    places = sorted((f, root) for f, root, message, _, _ in shown if message == "同一偏差")
    assert places == [(MINHANG_2022, True), ("zz_new.txt", True)]
    assert len(shown) == 7 and all(message for _, _, message, _, _ in shown)
    assert sorted((f, h1, h2) for f, _, _, h1, h2 in shown) == sorted(keys)
