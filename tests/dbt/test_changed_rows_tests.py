"""Data tests of an incremental run judge the changed files' rows (dbt/macros/changed_rows_tests.sql),
by real dbt on a real DuckDB file: a one-view project with the project's macro and a test whose
`where` is `__changed_files__`. A full build (no recorded build, or --full-refresh) judges every row;
an incremental run only the rows of raw.changed_files, and still fails when one of those violates it.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from dbt.cli.main import dbtRunner

MACRO = Path(__file__).resolve().parents[2] / "dbt" / "macros" / "changed_rows_tests.sql"
TEST = "test.tiny.not_null_m_v."

PROJECT = """
name: tiny
version: "1.0.0"
config-version: 2
profile: tiny
flags:
  send_anonymous_usage_stats: false
"""
PROFILES = """
tiny:
  target: dev
  outputs:
    dev:
      type: duckdb
      path: "{db}"
      threads: 1
"""
# the project's source of the changed files (the macro names it), and a per-file view like staging's
YML = """
sources:
  - name: fiscal_txt
    schema: raw
    tables: [{name: changed_files}, {name: lines}]
models:
  - name: m
    config: {materialized: view}
    columns:
      - name: v
        data_tests:
          - not_null:
              config:
                where: "__changed_files__"
"""


class Tiny:
    def __init__(self, root: Path):
        self.root, self.db = root, root / "tiny.duckdb"
        (root / "models").mkdir(parents=True)
        (root / "macros").mkdir()
        (root / "macros" / MACRO.name).write_text(MACRO.read_text(encoding="utf-8"), encoding="utf-8")
        (root / "dbt_project.yml").write_text(PROJECT, encoding="utf-8")
        (root / "profiles.yml").write_text(PROFILES.format(db=self.db), encoding="utf-8")
        (root / "models" / "m.sql").write_text(
            "select * from {{ source('fiscal_txt', 'lines') }}", encoding="utf-8"
        )
        (root / "models" / "m.yml").write_text(YML, encoding="utf-8")
        self.dbt = dbtRunner()

    def failures(self, changed: list[str], *args: str) -> int:
        """`dbt build` with raw.changed_files = changed: the test's failing rows."""
        self.sql("delete from raw.changed_files")
        for name in changed:
            self.sql(f"insert into raw.changed_files values ('{name}')")
        result = self.dbt.invoke(["build", "--quiet", "--project-dir", str(self.root), "--profiles-dir", str(self.root),
                                  "--target-path", str(self.root / "target"), "--log-path", str(self.root / "logs"),
                                  *args])  # fmt: skip
        (test,) = [r for r in result.result.results if r.node.unique_id.startswith(TEST)]
        return test.failures

    def sql(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.db)) as con:
            return con.execute(sql).fetchall()


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Tiny:
    t = Tiny(tmp_path_factory.mktemp("tiny_tests"))
    # b.txt's row violates the test (v is null)
    t.sql("create schema raw; create table raw.lines (source_file varchar, v integer);"
          "insert into raw.lines values ('a.txt', 1), ('b.txt', null), ('b.txt', 2);"
          "create table raw.changed_files (source_file varchar)")  # fmt: skip
    return t


def test_a_warehouse_without_a_recorded_build_tests_every_row(tiny):
    assert tiny.failures(["a.txt"]) == 1


def test_an_incremental_run_tests_the_changed_files_rows_only(tiny):
    tiny.sql("create table raw.dbt_build_state as select 'x' as project_fingerprint")  # a build was recorded
    assert tiny.failures(["a.txt"]) == 0  # b.txt's rows were built and tested by an earlier run
    assert tiny.failures(["b.txt"]) == 1  # a changed row that violates the test fails the run
    assert tiny.failures(["a.txt"], "--full-refresh") == 1  # a full build tests every row
