"""The fact marts' keys checked by a post-hook (dbt/macros/unique_keys.sql), not a primary key, by real
dbt on a real DuckDB file: a one-model project incremental on source_file like a fact mart, with the
project's materializations and macros. A duplicate key fails the model, names the model, the key and
its value, and leaves the table's rows as they were; an incremental run groups only the changed files'
keys, a full build every row.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tiny_project import TinyProject

MODEL = "model.tiny.m"

# like a fact mart: delete+insert on source_file, the changed files' rows only on an incremental run
SQL = """
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='source_file',
          on_schema_change='fail') }}
select source_file, k, seq from {{ source('fiscal_txt', 'lines') }}
{% if is_incremental() %} where source_file in (select source_file from {{ source('fiscal_txt', 'changed_files') }}) {% endif %}
"""
YML = """
sources:
  - name: fiscal_txt
    schema: raw
    tables: [{name: changed_files}, {name: lines}]
models:
  - name: m
    config:
      meta: {unique_keys: [[k], [source_file, seq]]}
      post_hook: "{{ assert_unique_keys() }}"
"""


class Tiny(TinyProject):
    def __init__(self, root: Path):
        models = {"m.sql": SQL, "m.yml": YML}
        macros = ("materializations", "unique_keys.sql", "per_file.sql")
        super().__init__(root, "tiny", models, macros, self._seen)
        self.hooks: list[str] = []

    def _seen(self, event) -> None:
        if (
            event.info.name == "SQLQuery"
            and event.data.node_info.unique_id == MODEL
            and "error(" in event.data.sql
        ):
            self.hooks.append(event.data.sql)

    def run(self, changed: list[str], *args: str):
        """`dbt run` with raw.changed_files = changed: the model's result."""
        self.hooks.clear()
        return self.run_changed("raw.changed_files", changed, *args)

    def rows(self) -> list[tuple]:
        return self.sql("select source_file, k, seq from m order by all")


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Tiny:
    t = Tiny(tmp_path_factory.mktemp("tiny_keys"))
    t.sql("create schema raw; create table raw.lines (source_file varchar, k varchar, seq integer);"
          "insert into raw.lines values ('a.txt', 'a#1', 1), ('a.txt', 'a#2', 2), ('b.txt', 'b#1', 1);"
          "create table raw.changed_files (source_file varchar)")  # fmt: skip
    assert t.run([]).status == "success"
    assert "semi join" not in t.hooks[0]  # a first build groups every row
    return t


def test_unique_keys_pass_and_an_incremental_run_groups_the_changed_files_keys(tiny):
    tiny.sql("insert into raw.lines values ('c.txt', 'c#1', 1)")
    assert tiny.run(["c.txt"]).status == "success"
    assert tiny.rows()[-1] == ("c.txt", "c#1", 1)
    (hook,) = tiny.hooks
    assert hook.count("semi join") == 2 and "changed_files" in hook


def test_a_new_row_repeating_a_kept_rows_key_fails_the_model_and_keeps_its_rows(tiny):
    before = tiny.rows()
    tiny.sql("insert into raw.lines values ('d.txt', 'a#1', 1)")  # a.txt's key, in another file
    result = tiny.run(["d.txt"])
    tiny.sql("delete from raw.lines where source_file = 'd.txt'")
    assert result.status == "error" and result.node.name == "m"
    assert 'main.m: duplicate key "k: a#1" (2 rows; key (k))' in str(result.message)
    assert tiny.rows() == before


def test_two_new_rows_sharing_a_composite_key_fail_the_model(tiny):
    before = tiny.rows()
    tiny.sql("insert into raw.lines values ('e.txt', 'e#1', 1), ('e.txt', 'e#2', 1)")
    result = tiny.run(["e.txt"])
    tiny.sql("delete from raw.lines where source_file = 'e.txt'")
    assert result.status == "error"
    assert 'duplicate key "source_file: e.txt, seq: 1" (2 rows; key (source_file, seq))' in str(
        result.message
    )
    assert tiny.rows() == before


def test_a_full_build_checks_every_row(tiny):
    """A duplicate among unchanged files' rows (none changed) fails a full refresh, which keeps the table."""
    before = tiny.rows()
    tiny.sql("insert into raw.lines values ('f.txt', 'b#1', 5)")
    result = tiny.run([], "--full-refresh")
    tiny.sql("delete from raw.lines where source_file = 'f.txt'")
    assert result.status == "error"
    assert 'duplicate key "k: b#1" (2 rows; key (k))' in str(result.message)
    assert "semi join" not in tiny.hooks[0]
    assert tiny.rows() == before
