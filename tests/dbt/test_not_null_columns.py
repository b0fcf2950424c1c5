"""A check model's not_null constraints made NOT NULL in its table (dbt/macros/not_null_columns.sql), by
real dbt on a real DuckDB file: a one-model project incremental like a check model (no contract), with the
project's materializations and the post-hook. The table made by a build holds the constraint; a null in an
incremental run's new rows, or in a full build's rows, fails the model and leaves its rows as they were.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tiny_project import TinyProject

SQL = """
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='source_file',
          on_schema_change='fail', post_hook="{{ not_null_columns() }}") }}
select source_file, v, note from src
{% if is_incremental() %} where source_file in (select source_file from changed) {% endif %}
"""
YML = """
models:
  - name: m
    columns:
      - name: source_file
        constraints: [{type: not_null}]
      - name: v
        constraints: [{type: not_null}]
"""


class Tiny(TinyProject):
    def __init__(self, root: Path):
        models = {"m.sql": SQL, "m.yml": YML}
        super().__init__(root, "tiny", models, ("materializations", "not_null_columns.sql"))

    def run(self, changed: list[str], *args: str):
        """`dbt run` with `changed` as the changed files: the model's result."""
        return self.run_changed("changed", changed, *args)

    def rows(self) -> list[tuple]:
        return self.sql("select source_file, v, note from m order by all")


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Tiny:
    t = Tiny(tmp_path_factory.mktemp("tiny_not_null"))
    t.sql("create table src (source_file varchar, v integer, note varchar);"
          "insert into src values ('a.txt', 1, null), ('b.txt', 2, 'x'); create table changed (source_file varchar)")  # fmt: skip
    assert t.run([]).status == "success"
    return t


def test_the_built_table_holds_the_not_null_columns(tiny):
    nullable = tiny.sql('select column_name, "null" from (describe m) order by all')
    assert nullable == [("note", "YES"), ("source_file", "NO"), ("v", "NO")]
    tiny.sql("insert into src values ('c.txt', 3, null)")
    assert tiny.run(["c.txt"]).status == "success"  # an incremental run keeps the table and its constraint
    assert tiny.rows() == [("a.txt", 1, None), ("b.txt", 2, "x"), ("c.txt", 3, None)]
    assert tiny.sql("""select count(*) from (describe m) where "null" = 'NO'""") == [(2,)]


def test_a_null_in_an_incremental_runs_rows_fails_the_model_and_keeps_its_rows(tiny):
    before = tiny.rows()
    tiny.sql("insert into src values ('d.txt', null, 'y')")
    result = tiny.run(["d.txt"])
    tiny.sql("delete from src where source_file = 'd.txt'")
    assert result.status == "error" and result.node.name == "m"
    assert "NOT NULL constraint failed: m.v" in str(result.message)
    assert tiny.rows() == before


def test_a_null_in_a_full_build_fails_the_model_and_keeps_the_table(tiny):
    before = tiny.rows()
    tiny.sql("insert into src values ('e.txt', null, null)")
    result = tiny.run([], "--full-refresh")
    tiny.sql("delete from src where source_file = 'e.txt'")
    assert result.status == "error"
    assert "NOT NULL constraint failed: m.v" in str(result.message)
    assert tiny.rows() == before
