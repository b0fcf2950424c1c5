"""DuckDB's memory bound reaches every connection of a run (dagster_project/db.py, dbt/profiles.yml)."""

import re
from pathlib import Path

import duckdb
import yaml

from dagster_project.db import connect
from dagster_project.publish import begin_build
from dagster_project.settings import DBT_PROJECT_DIR, DUCKDB_MEMORY_LIMIT

SETTINGS = "select current_setting('memory_limit'), current_setting('temp_directory')"


def test_connect_bounds_memory_and_spills_beside_the_file(tmp_path, monkeypatch):
    db = tmp_path / "fiscal.duckdb.build-run1"
    monkeypatch.delenv("FISCAL_DUCKDB_MEMORY_LIMIT", raising=False)
    with connect(db) as con:
        con.execute("create table t as select 1 as x")
        assert con.execute(SETTINGS).fetchone() == ("953.6 MiB", f"{db}.tmp")  # 1GB, DuckDB's MiB
    with connect(db) as con:  # nothing of connect's own queries is left unfinished (DuckDB 2)
        assert con.sql("select x from t").fetchall() == [(1,)]
    monkeypatch.setenv("FISCAL_DUCKDB_MEMORY_LIMIT", "512MB")
    with connect(db, read_only=True) as con:  # the report's and the checks' connections
        assert con.execute(SETTINGS).fetchone() == ("488.2 MiB", f"{db}.tmp")


def test_a_second_connection_to_an_open_file_keeps_working(tmp_path, monkeypatch):
    # DuckDB refuses a connection whose config differs from an open one's, and a temp directory
    # that was used cannot be set again: the bound is SET, the temp directory only when it differs.
    monkeypatch.setenv("FISCAL_DUCKDB_MEMORY_LIMIT", "300MB")
    db = tmp_path / "w.duckdb"
    with connect(db) as first:
        first.execute("create table t as select range as x from range(1000)")
        with connect(db) as second, duckdb.connect(str(db)) as plain:
            assert second.execute(SETTINGS).fetchone() == ("286.1 MiB", f"{db}.tmp")
            assert plain.execute("select sum(x) from t").fetchone() == (499500,)


def test_dbt_profile_falls_back_to_the_same_bound():
    options = yaml.safe_load((DBT_PROJECT_DIR / "profiles.yml").read_text(encoding="utf-8"))
    options = options["fiscal"]["outputs"]["dev"]["settings"]
    fallback = re.fullmatch(r"\{\{ env_var\('FISCAL_DUCKDB_MEMORY_LIMIT', '([^']+)'\) \}\}", options["memory_limit"])
    assert fallback and fallback.group(1) == DUCKDB_MEMORY_LIMIT == "1GB"
    assert "preserve_insertion_order" not in options  # kept: aggregates list inputs in row order


def test_a_crashed_runs_spill_folder_is_cleared_with_its_build(tmp_path):
    published = tmp_path / "fiscal.duckdb"
    with duckdb.connect(str(published)) as con:
        con.execute("create table t as select 42 as x")
    spill = Path(f"{published}.build-crashed.tmp")
    spill.mkdir()
    (spill / "duckdb_temp_storage-0.tmp").write_bytes(b"\0" * 10)
    build = begin_build(published, "run2")
    assert not spill.exists()
    assert build.name == "fiscal.duckdb.build-run2"
    with duckdb.connect(str(build), read_only=True) as con:
        assert con.execute("select x from t").fetchone() == (42,)
