"""Atomic publish while an analyst holds a read-only connection in another process."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from dagster_project import publish as publishing
from dagster_project.publish import PublishRefused, begin_build, build_path, prepare_build, publish

READER = textwrap.dedent(
    """
    import sys, duckdb
    con = duckdb.connect(sys.argv[1], read_only=True)
    print(con.execute("select count(*) from marts.fct_report").fetchone()[0], flush=True)
    sys.stdin.readline()  # hold the connection until the writer has published
    print(con.execute("select count(*) from marts.fct_report").fetchone()[0], flush=True)
    """
)


def make_warehouse(path: Path, reports: int) -> None:
    with duckdb.connect(str(path)) as con:
        for schema in ("raw", "marts", "quality"):
            con.execute(f"create schema if not exists {schema}")
        con.execute("create or replace table raw.source_files as select 'a.txt' as source_file")
        con.execute(f"create or replace table marts.fct_report as select range as report_seq from range({reports})")
        con.execute("create or replace table quality.violations as select 1 as x where false")


def start_reader(path: Path) -> subprocess.Popen:
    """An analyst's process holding a read-only connection on path (READER: its row count now and on request)."""
    return subprocess.Popen(
        [sys.executable, "-c", READER, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )


def test_publish_swaps_in_the_build_while_a_reader_holds_the_old_file(tmp_path):
    published = tmp_path / "fiscal.duckdb"
    make_warehouse(published, reports=3)
    reader = start_reader(published)
    try:
        assert reader.stdout.readline().strip() == "3"
        build = begin_build(published)  # copies the published file: the reader does not block it
        make_warehouse(build, reports=5)
        counts = publish(published)
        assert counts["marts.fct_report"] == 5
        out, _ = reader.communicate("go\n", timeout=30)
    finally:
        reader.kill()
    assert out.strip() == "3"  # the open connection kept its consistent snapshot
    assert reader.returncode == 0
    with duckdb.connect(str(published), read_only=True) as con:
        assert con.execute("select count(*) from marts.fct_report").fetchone()[0] == 5
    assert not build_path(published).exists()


def test_incomplete_build_is_refused_and_the_published_file_kept(tmp_path):
    published = tmp_path / "fiscal.duckdb"
    make_warehouse(published, reports=3)
    build = begin_build(published)
    with duckdb.connect(str(build)) as con:
        con.execute("drop table marts.fct_report")
    with pytest.raises(PublishRefused, match="marts.fct_report"):
        publish(published)
    with duckdb.connect(str(published), read_only=True) as con:
        assert con.execute("select count(*) from marts.fct_report").fetchone()[0] == 3


def _reports(path: Path) -> int:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("select count(*) from marts.fct_report").fetchone()[0]


def test_a_copy_made_before_the_lock_is_kept_only_if_the_published_file_is_unchanged(tmp_path):
    published = tmp_path / "fiscal.duckdb"
    make_warehouse(published, reports=3)
    prepare_build(published, "run-1")
    build = build_path(published, "run-1")
    publishing._prepared[build][0].join()
    copied_at = build.stat().st_mtime_ns
    assert begin_build(published, "run-1") == build
    assert build.stat().st_mtime_ns == copied_at and _reports(build) == 3  # kept, not copied again

    # another run published in between: the early copy is of the old file, so the run copies the new one
    prepare_build(published, "run-2")
    publishing._prepared[build_path(published, "run-2")][0].join()
    newer = tmp_path / "newer.duckdb"
    make_warehouse(newer, reports=5)
    newer.replace(published)
    assert _reports(begin_build(published, "run-2")) == 5
    assert not build.exists()  # run-1's build, left behind, cleared as before


def _publish_as(published: Path, run_id: str, reports: int) -> Path:
    """One run's build and publish, returning the build file it started from (its contents as published)."""
    build = begin_build(published, run_id)
    make_warehouse(build, reports)
    publish(published, run_id)
    return build


def _bytes(path: Path) -> bytes:
    return path.read_bytes()


def test_the_file_a_publish_replaces_is_the_next_runs_build_brought_up_to_date(tmp_path):
    published = tmp_path / "fiscal.duckdb"
    spare = publishing.spare_path(published)
    make_warehouse(published, reports=3)
    _publish_as(published, "run-1", reports=5)
    assert spare.is_file() and _reports(spare) == 3  # the file run-1 replaced
    assert spare.stat().st_ino != published.stat().st_ino

    prepare_build(published, "run-2")  # as `make run` does, before the lock
    build = begin_build(published, "run-2")
    assert not spare.exists()  # taken: a crash from here on leaves no spare to trust
    assert _bytes(build) == _bytes(published)  # what a copy gives, byte for byte
    origin = publishing.build_origin(published, "run-2")
    assert origin.startswith("the spare brought up to date (") and "MB rewritten" in origin

    # without prepare_build (a run the daemon launched): begin_build takes the spare itself
    make_warehouse(build, reports=7)
    publish(published, "run-2")
    build = begin_build(published, "run-3")
    assert _bytes(build) == _bytes(published) and _reports(build) == 7
    assert publishing.build_origin(published, "run-3").startswith("the spare brought up to date")


def test_a_spare_of_another_length_or_content_is_rewritten_to_the_published_bytes(tmp_path):
    published = tmp_path / "fiscal.duckdb"
    make_warehouse(published, reports=200_000)  # a larger file than the spare below
    spare = publishing.spare_path(published)
    spare.write_bytes(b"not a warehouse" * 1000)
    build = begin_build(published, "run-1")
    assert _bytes(build) == _bytes(published) and _reports(build) == 200_000
    # and a longer spare is cut to the published file's length
    make_warehouse(tmp_path / "big.duckdb", reports=2_000_000)
    (tmp_path / "big.duckdb").replace(spare)
    build = begin_build(published, "run-2")
    assert _bytes(build) == _bytes(published)


def test_a_spare_a_reader_holds_is_not_written_into_the_run_copies(tmp_path):
    published = tmp_path / "fiscal.duckdb"
    make_warehouse(published, reports=3)
    reader = start_reader(published)
    try:
        assert reader.stdout.readline().strip() == "3"  # open on the file that becomes the spare
        _publish_as(published, "run-1", reports=5)
        spare = publishing.spare_path(published)
        build = begin_build(published, "run-2")
        assert publishing.build_origin(published, "run-2") == (
            "copied from the published file (the spare not used: a reader holds it open)"
        )
        assert _bytes(build) == _bytes(published)
        make_warehouse(build, reports=9)  # the run writes its build: never the reader's file
        out, _ = reader.communicate("go\n", timeout=30)
    finally:
        reader.kill()
    assert out.strip() == "3"  # the reader kept reading its old data to the end
    assert reader.returncode == 0
    assert not spare.exists()  # unlinked for the run; the reader kept its open file
    assert build.stat().st_ino != os.stat(published).st_ino


def test_a_run_that_fails_after_taking_the_spare_leaves_a_state_the_next_run_handles(tmp_path):
    published = tmp_path / "fiscal.duckdb"
    make_warehouse(published, reports=3)
    _publish_as(published, "run-1", reports=5)
    good = _bytes(published)
    crashed = begin_build(published, "run-2")  # took the spare …
    with duckdb.connect(str(crashed)) as con:  # … half built, then the process died
        con.execute("delete from marts.fct_report where report_seq > 1")
    assert not publishing.spare_path(published).exists()
    assert _bytes(published) == good  # the published file untouched

    build = begin_build(published, "run-3")
    assert not crashed.exists()  # cleared, not trusted
    assert publishing.build_origin(published, "run-3") == "copied from the published file (no spare)"
    assert _bytes(build) == good and _reports(build) == 5


def test_a_spare_that_shares_its_file_with_another_name_is_not_written_into(tmp_path):
    published = tmp_path / "fiscal.duckdb"
    make_warehouse(published, reports=3)
    spare = publishing.spare_path(published)
    os.link(published, spare)  # e.g. an operator's link: writing it would write the published file
    before = _bytes(published)
    build = begin_build(published, "run-1")
    assert "not a file of its own" in publishing.build_origin(published, "run-1")
    make_warehouse(build, reports=8)
    assert _bytes(published) == before
