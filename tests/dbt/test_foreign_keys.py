"""A model's foreign keys in one test node (dbt/macros/tests/foreign_keys.sql), by real dbt on a real
DuckDB file: a child with two keys into one parent, one of them restricted to some parent rows. A
clean child passes; a value no parent row holds fails the build, and the failing rows name the
column, the value and the parent; an incremental run judges its changed files' rows only.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tiny_project import TinyProject

TEST = "test.tiny.child_foreign_keys."

YML = """
sources:
  - name: fiscal_txt
    schema: raw
    tables: [{name: changed_files}, {name: children}]
models:
  - name: parent
  - name: child
    data_tests:
      - foreign_keys:
          name: child_foreign_keys
          config:
            where: "__changed_files__"
          arguments:
            keys:
              - {column: kind, to: "ref('parent')", field: code}
              - {column: top_kind, to: "ref('parent')", field: code, to_condition: "parent.level = 1"}
"""
MODELS = {
    "parent.sql": "{{ config(materialized='table') }} select * from (values ('a', 1), ('b', 2)) as t(code, level)",
    "child.sql": "{{ config(materialized='view') }} select * from {{ source('fiscal_txt', 'children') }}",
    "child.yml": YML,
}


class Tiny(TinyProject):
    def __init__(self, root: Path):
        super().__init__(root, "tiny", MODELS, ("changed_rows_tests.sql", "tests"))

    def build(self, changed: list[str], *args: str):
        """`dbt build` with raw.changed_files = changed: the test's result."""
        self.sql("delete from raw.changed_files")
        for name in changed:
            self.sql(f"insert into raw.changed_files values ('{name}')")
        result = self.invoke("build", *args)
        (test,) = [r for r in result.result.results if r.node.unique_id.startswith(TEST)]
        return test

    def failing_rows(self, test) -> list[tuple]:
        return sorted(self.sql(test.node.compiled_code))


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Tiny:
    t = Tiny(tmp_path_factory.mktemp("tiny_foreign_keys"))
    # a.txt is clean (a null key refers to nothing); b.txt has a kind no parent holds ('x') and a
    # top_kind whose parent is not level 1 ('b')
    t.sql("create schema raw;"
          "create table raw.children (source_file varchar, kind varchar, top_kind varchar);"
          "insert into raw.children values ('a.txt', 'a', 'a'), ('a.txt', 'b', null),"
          " ('b.txt', 'x', 'a'), ('b.txt', 'a', 'b');"
          "create table raw.changed_files (source_file varchar)")  # fmt: skip
    return t


def test_a_value_without_a_parent_fails_and_is_named(tiny):
    test = tiny.build(["a.txt"])  # no recorded build: every row is judged
    assert (test.status, test.failures) == ("fail", 2)
    assert tiny.failing_rows(test) == [("kind", "x", "parent.code"), ("top_kind", "b", "parent.code")]


def test_an_incremental_run_judges_the_changed_files_rows(tiny):
    tiny.sql("create table raw.dbt_build_state as select 'x' as project_fingerprint")  # a build was recorded
    test = tiny.build(["a.txt"])
    assert (test.status, test.failures) == ("pass", 0)  # b.txt's rows were judged by the build that made them
    test = tiny.build(["b.txt"])
    assert (test.status, test.failures) == ("fail", 2)  # a changed row without a parent fails the run
    assert tiny.failing_rows(test) == [("kind", "x", "parent.code"), ("top_kind", "b", "parent.code")]
