"""The project's incremental materialization (dbt/macros/materializations/incremental.sql), by real
dbt on a real DuckDB file: a one-model project that uses the project's materializations, built, then
run incrementally. An incremental run replaces the keys' rows in 4 statements, and a contract
violation, a repeated key (the table's primary key, as the marts' keys) or a changed table schema
still fails the model and leaves its rows as they were.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tiny_project import TinyProject

MODEL = "model.tiny.m"

# like a fact mart: delete+insert on one column, the changed keys read from a table, on_schema_change fail
SQL = """
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='k', on_schema_change='fail') }}
select k, cast(v as {{ var('v_type', 'integer') }}) as v from src
{% if is_incremental() %} where k in (select k from changed) {% endif %}
"""
YML = """
models:
  - name: m
    config:
      contract: {enforced: true}
    columns:
      - name: k
        data_type: varchar
        constraints: [{type: not_null}, {type: primary_key}]  # as the marts' keys
      - name: v
        data_type: integer
"""


class Tiny(TinyProject):
    def __init__(self, root: Path):
        super().__init__(root, "tiny", {"m.sql": SQL, "m.yml": YML}, ("materializations",), self._seen)
        self.statements: list[str] = []

    def _seen(self, event) -> None:
        if event.info.name == "SQLQuery" and event.data.node_info.unique_id == MODEL:
            self.statements.append(event.data.sql)

    def run(self, *args: str):
        self.statements.clear()
        return self.invoke("run", *args)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Tiny:
    t = Tiny(tmp_path_factory.mktemp("tiny"))
    t.sql("create table src (k varchar, v integer); insert into src values ('a', 1), ('b', 2);"
          "create table changed (k varchar)")  # fmt: skip
    assert t.run().success  # the first build: dbt-duckdb's materialization
    return t


def test_an_incremental_run_replaces_the_changed_keys_rows_in_four_statements(tiny):
    tiny.sql("update src set v = 10 where k = 'a'; insert into src values ('c', 3); insert into changed values ('a'), ('c')")
    assert tiny.run().success
    assert tiny.sql("select k, v from m order by k") == [("a", 10), ("b", 2), ("c", 3)]
    # begin, the new rows into a temporary table with (same statement) their columns, the table's and the
    # contract's, delete + insert, commit (dbt-duckdb's: 9, one of them a DESCRIBE binding the model's query);
    # before them dbt-duckdb's catalog look-ups, made once a run (this model is the run's first node),
    # and, as the table has a key, whether a foreign key refers to it (dbt-duckdb, once a keyed model)
    first_words = [s.split("*/")[-1].split()[0].lower() for s in tiny.statements]
    assert first_words == ["select", "select", "select", "begin", "create", "delete", "commit"], first_words
    assert "(describe " in tiny.statements[4]  # the columns, read in the statement that made the rows
    assert "duckdb_databases()" in tiny.statements[0] and "duckdb_constraints()" in tiny.statements[1]
    assert "'FOREIGN KEY'" in tiny.statements[2]
    assert " by name " in tiny.statements[5]  # the columns were the same: no column read back


def test_a_repeated_key_in_the_changed_rows_fails_the_model_and_keeps_its_rows(tiny):
    """The key's uniqueness is the table's primary key, not a dbt test: the insert refuses a
    duplicate, so the model fails, dbt naming the model and DuckDB the rule and the key's value
    (two new rows sharing a key; a new row repeating a kept row's key is told with the column too:
    'Duplicate key "k: c" violates primary key constraint')."""
    before = tiny.sql("select k, v from m order by k")
    tiny.sql("insert into src values ('c', 4); delete from changed; insert into changed values ('c')")
    result = tiny.run()
    tiny.sql("delete from src where k = 'c' and v = 4")
    assert not result.success
    assert result.result.results[0].node.name == "m"
    assert 'PRIMARY KEY or UNIQUE constraint violation: duplicate key "c"' in str(result.result.results[0].message)
    assert tiny.sql("select k, v from m order by k") == before


def test_a_contract_violation_fails_the_model_and_keeps_its_rows(tiny):
    before = tiny.sql("select k, v from m order by k")
    result = tiny.run("--vars", "{v_type: bigint}")  # v is bigint, the contract says integer
    assert not result.success
    message = str(result.result.results[0].message)
    assert "contract" in message.lower() and "| v" in message and "BIGINT" in message and "INTEGER" in message
    assert tiny.sql("select k, v from m order by k") == before


def test_a_changed_table_schema_fails_the_model(tiny):
    tiny.sql("alter table m add column extra varchar")
    result = tiny.run()
    assert not result.success
    message = str(result.result.results[0].message)
    assert "out of sync" in message and "Target columns not in source: [DuckDBColumn(column='extra', dtype='VARCHAR'" in message, message
    # a full refresh (dbt-duckdb's materialization) rebuilds the table as the model says
    assert tiny.run("--full-refresh").success
    assert tiny.sql("select column_name from (describe m)") == [("k",), ("v",)]
    assert tiny.sql("select k, v from m order by k") == [("a", 10), ("b", 2), ("c", 3)]
