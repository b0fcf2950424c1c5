"""The sheets a second process builds (reporting/sheet_worker.py) are the ones the report's process would
build: the same chunks, the same workbook bytes; a worker that gives nothing leaves them to the writer."""

from __future__ import annotations

import contextlib
from pathlib import Path

import duckdb
from quality_warehouse import build_warehouse

from dagster_project.reporting import _sheet_worker, render_quality_report, sheet_worker
from dagster_project.reporting.queries import quality_data, sheet_sources
from dagster_project.reporting.sheet_cache import CACHE_DIR, SheetCache
from dagster_project.reporting.workbook import built_chunks, layout, write_workbook


def _with_findings_and_coverage(db: Path, raw: Path) -> None:
    """The test warehouse with finding ids, one root cause seen at two places and check coverage rows: every
    kind the worker builds has rows."""
    raw.mkdir()
    build_warehouse(db, raw)
    with duckdb.connect(str(db)) as con:
        con.execute(
            "alter table quality.violations add column finding_id varchar; "
            "alter table quality.violations add column root_cause_id varchar; "
            "alter table quality.violations add column is_root_cause boolean; "
            "alter table quality.violations add column root_cause_places integer; "
            "update quality.violations set finding_id = md5(concat_ws('|', check_name, source_file, line_no, subject)); "
            "update quality.violations set root_cause_id = finding_id, is_root_cause = true, root_cause_places = 1"
        )
        # the first two findings (by file and line) are one root cause: the second is the first's other place
        first, second = con.execute(
            "select finding_id from quality.violations where severity <> 'hint' order by source_file, line_no limit 2"
        ).fetchall()
        con.execute("update quality.violations set root_cause_places = 2 where finding_id = ?", [first[0]])
        con.execute(
            "update quality.violations set root_cause_id = ?, is_root_cause = false, root_cause_places = 2 "
            "where finding_id = ?",
            [first[0], second[0]],
        )
        con.execute(
            "create table quality.check_coverage as select source_file, families, check_name, 'error' as severity, "
            "'ran_clean' as status, null::varchar as reason, 3 as checked_count, 0 as finding_count, "
            "0 as hint_count from raw.source_files, (select distinct check_name from quality.check_results)"
        )


def test_worker_builds_the_chunks_the_writer_would(tmp_path):
    raw, db = tmp_path / "raw", tmp_path / "fiscal.duckdb"
    _with_findings_and_coverage(db, raw)
    with sheet_sources(db) as sheet_rows:
        here = {
            kind: list(built_chunks(sheet_rows(kind).fetch(), *layout(kind)))
            for kind in sheet_worker.ELSEWHERE
        }
    with sheet_worker.SheetWorker(db, list(sheet_worker.ELSEWHERE)) as worker:
        there = {kind: worker.chunks(kind) for kind in sheet_worker.ELSEWHERE}
        assert worker.chunks("hints") is None  # not one of its kinds
    assert there == here
    # rows per kind: the one root cause at two places, (4 files × 6 rules), the 6 errors and warnings
    assert {kind: sum(chunk.rows for _, _, chunk, _ in chunks) for kind, chunks in there.items()} == {
        "roots": 1,
        "coverage": 24,
        "review": 6,
    }


def test_workbook_with_a_worker_is_the_same_bytes(tmp_path, monkeypatch):
    raw, db = tmp_path / "raw", tmp_path / "fiscal.duckdb"
    _with_findings_and_coverage(db, raw)
    alone = render_quality_report(db, tmp_path / "alone", raw)  # below MIN_ROWS: no worker
    monkeypatch.setattr(sheet_worker, "MIN_ROWS", 0)
    shared = render_quality_report(db, tmp_path / "shared", raw)
    # 6 findings on the rule sheets, 1 root cause, 24 coverage rows, 6 to review
    assert (
        shared["workbook_cache"]
        == alone["workbook_cache"]
        == {"sheets_copied": 0, "rows_kept": 0, "rows_built": 37}
    )
    assert shared["xlsx"].read_bytes() == alone["xlsx"].read_bytes()
    assert shared["sheets"] == alone["sheets"]
    # the next run copies what the worker built, as it would the writer's own, and starts no worker
    with quality_data(db) as data:
        kept = SheetCache(tmp_path / "shared" / CACHE_DIR)
        assert isinstance(_sheet_worker(db, data, kept), contextlib.nullcontext)
    again = render_quality_report(db, tmp_path / "shared", raw)
    assert again["workbook_cache"]["rows_built"] == 0
    assert again["xlsx"].read_bytes() == alone["xlsx"].read_bytes()


def test_a_worker_that_fails_leaves_the_sheets_to_the_writer(tmp_path):
    raw, db = tmp_path / "raw", tmp_path / "fiscal.duckdb"
    _with_findings_and_coverage(db, raw)
    with (
        quality_data(db) as data,
        sheet_worker.SheetWorker(tmp_path / "absent.duckdb", list(sheet_worker.ELSEWHERE)) as failing,
    ):
        write_workbook(data, tmp_path / "alone.xlsx")
        write_workbook(data, tmp_path / "fallback.xlsx", worker=failing)
        assert failing.chunks("review") is None  # it ended without the sheet
    assert (tmp_path / "fallback.xlsx").read_bytes() == (tmp_path / "alone.xlsx").read_bytes()
