"""Data tests of an incremental run judge the changed files' rows (dbt/macros/changed_rows_tests.sql),
by real dbt on a real DuckDB file: a one-view project with the project's macro and a test whose
`where` is `__changed_files__`. A full build (no recorded build, or --full-refresh) judges every row;
an incremental run only the rows of raw.changed_files, and still fails when one of those violates it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tiny_project import TinyProject

TEST = "test.tiny.not_null_m_v."

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


class Tiny(TinyProject):
    def __init__(self, root: Path):
        models = {"m.sql": "select * from {{ source('fiscal_txt', 'lines') }}", "m.yml": YML}
        super().__init__(root, "tiny", models, ("changed_rows_tests.sql",))

    def failures(self, changed: list[str], *args: str) -> int:
        """`dbt build` with raw.changed_files = changed: the test's failing rows."""
        self.sql("delete from raw.changed_files")
        for name in changed:
            self.sql(f"insert into raw.changed_files values ('{name}')")
        result = self.invoke("build", *args)
        (test,) = [r for r in result.result.results if r.node.unique_id.startswith(TEST)]
        return test.failures


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
