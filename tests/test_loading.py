"""Incremental, idempotent loads of the raw layer (real parser, real DuckDB file)."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from dagster_project.loading import RAW_TABLES, load_directory

SAMPLES = Path(__file__).resolve().parent.parent / "raw"

SELF_EVAL_SAMPLE = "000_2cba3ecfd7271be6.txt"
TRACKING_SAMPLE = "004_eaeb872d98338714.txt"


def snapshot(db: Path) -> dict[str, list[tuple]]:
    """Every raw table's rows, sorted, without load timestamps."""
    with duckdb.connect(str(db), read_only=True) as con:
        out = {t: sorted(con.execute(f"select * from raw.{t}").fetchall(), key=repr) for t in RAW_TABLES}
        out["source_files"] = sorted(
            con.execute("select source_file, sha256, size_bytes, families, line_count from raw.source_files").fetchall()
        )
    return out


def rows_of(db: Path, table: str, source_file: str) -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(f"select count(*) from raw.{table} where source_file = ?", [source_file]).fetchone()[0]


@pytest.fixture
def raw_dir(tmp_path) -> Path:
    raw = tmp_path / "raw"
    (raw / "sub").mkdir(parents=True)
    shutil.copy(SAMPLES / SELF_EVAL_SAMPLE, raw / SELF_EVAL_SAMPLE)
    shutil.copy(SAMPLES / TRACKING_SAMPLE, raw / "sub" / TRACKING_SAMPLE)
    return raw


def test_files_are_found_recursively_with_relative_names(raw_dir, tmp_path):
    db = tmp_path / "w.duckdb"
    summary = load_directory(raw_dir, db)
    assert summary.files_parsed == 2
    with duckdb.connect(str(db), read_only=True) as con:
        names = [r[0] for r in con.execute("select source_file from raw.source_files order by 1").fetchall()]
    assert names == [SELF_EVAL_SAMPLE, f"sub/{TRACKING_SAMPLE}"]


def test_second_load_without_changes_parses_nothing_and_changes_nothing(raw_dir, tmp_path):
    db = tmp_path / "w.duckdb"
    load_directory(raw_dir, db)
    before = snapshot(db)
    summary = load_directory(raw_dir, db)
    assert (summary.files_parsed, summary.files_unchanged) == (0, 2)
    assert snapshot(db) == before


def test_changed_file_replaces_exactly_its_own_rows(raw_dir, tmp_path):
    db = tmp_path / "w.duckdb"
    load_directory(raw_dir, db)
    tracking_before = {t: rows_of(db, t, f"sub/{TRACKING_SAMPLE}") for t in RAW_TABLES}
    target = raw_dir / SELF_EVAL_SAMPLE
    lines = target.read_text(encoding="utf-8").splitlines(keepends=True)
    cut = len(lines) // 2  # keep the first half of the file: fewer reports, no duplicates
    target.write_text("".join(lines[:cut]), encoding="utf-8")
    summary = load_directory(raw_dir, db)
    assert summary.files_parsed == 1
    full = len(lines)
    with duckdb.connect(str(db), read_only=True) as con:
        max_line = con.execute(
            "select max(line_no) from raw.line_accounting where source_file = ?", [SELF_EVAL_SAMPLE]
        ).fetchone()[0]
        dup = con.execute(
            "select count(*) from (select source_file, line_no from raw.line_accounting group by all having count(*) > 1)"
        ).fetchone()[0]
    assert max_line <= cut < full
    assert dup == 0
    assert {t: rows_of(db, t, f"sub/{TRACKING_SAMPLE}") for t in RAW_TABLES} == tracking_before


def test_removed_file_leaves_the_raw_layer(raw_dir, tmp_path):
    db = tmp_path / "w.duckdb"
    load_directory(raw_dir, db)
    (raw_dir / "sub" / TRACKING_SAMPLE).unlink()
    summary = load_directory(raw_dir, db)
    assert summary.files_removed == 1
    for table in [*RAW_TABLES, "source_files"]:
        assert rows_of(db, table, f"sub/{TRACKING_SAMPLE}") == 0


def test_same_report_under_two_names_is_reported_not_double_counted(raw_dir, tmp_path):
    db = tmp_path / "w.duckdb"
    shutil.copy(raw_dir / SELF_EVAL_SAMPLE, raw_dir / "copy_of_000.txt")
    summary = load_directory(raw_dir, db)
    assert summary.duplicates == 1
    with duckdb.connect(str(db), read_only=True) as con:
        issues = con.execute(
            "select source_file, line_no, code, message from raw.parse_issues where code = 'duplicate_file'"
        ).fetchall()
        copies = con.execute("select count(*) from raw.reports where source_file = 'copy_of_000.txt'").fetchone()[0]
    # Sorted discovery: '000_…' comes before 'copy_of_000.txt', so the copy is the duplicate.
    assert [(f, n, c) for f, n, c, _ in issues] == [("copy_of_000.txt", 0, "duplicate_file")]
    assert SELF_EVAL_SAMPLE in issues[0][3]
    assert copies == 0


def test_read_ahead_keeps_order_raises_the_source_error_and_closes_the_source_when_stopped():
    from dagster_project.loading import _read_ahead

    closed = []

    def source(n, fail=False):
        try:
            yield from range(n)
            if fail:
                raise ValueError("parse pool broke")
        finally:
            closed.append(n)

    assert list(_read_ahead(source(5))) == [0, 1, 2, 3, 4]
    failing = _read_ahead(source(3, fail=True))
    assert [next(failing) for _ in range(3)] == [0, 1, 2]
    with pytest.raises(ValueError, match="parse pool broke"):
        next(failing)
    early = _read_ahead(source(1000))
    assert [next(early), next(early)] == [0, 1]
    early.close()  # the consumer stops (an insert failed): the source is closed before close() returns
    assert closed == [5, 3, 1000]


def test_an_insert_failing_mid_load_stops_the_read_ahead_and_the_workers_and_is_raised(tmp_path, monkeypatch):
    import multiprocessing
    import threading

    from dagster_project import loading
    from dagster_project.discovery import scan

    raw = tmp_path / "raw"
    raw.mkdir()
    for sample in sorted(SAMPLES.glob("*.txt")):
        shutil.copy(sample, raw / sample.name)
    monkeypatch.setattr(loading, "LOAD_BATCH_FILES", 1)  # the first file's insert fails, three still to come
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        loading.create_raw_tables(con)
        con.execute("drop table raw.source_lines")  # every file has lines: its first insert fails
        with pytest.raises(duckdb.CatalogException, match="source_lines"):
            loading.sync_raw(con, scan(raw), workers=2)
        assert con.execute("select count(*) from raw.source_files").fetchone()[0] == 0  # rolled back
    assert multiprocessing.active_children() == []
    assert not [t for t in threading.enumerate() if t.name == "load-read-ahead"]
