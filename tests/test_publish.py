"""Atomic publish while an analyst holds a read-only connection in another process."""

from __future__ import annotations

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


def test_publish_swaps_in_the_build_while_a_reader_holds_the_old_file(tmp_path):
    published = tmp_path / "fiscal.duckdb"
    make_warehouse(published, reports=3)
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(published)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
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
