"""The nodes an incremental run builds (dagster_project/dbt_selection.py), by real dbt on a real DuckDB
file: a two-model project (a staging view over a raw table, a mart with a contract over the view).
A changed row reaches both; the view is not re-created (its SQL is the last build's), yet its test
runs, and a changed row that breaks the test or the mart's contract still fails the build.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tiny_project import TinyProject

from dagster_project import dbt_selection

FILES = {
    "sources.yml": f"""
sources:
  - name: {dbt_selection.SOURCE}
    schema: main
    tables: [{{name: src}}, {{name: {dbt_selection.CHANGED_FILES}}}]
""",
    "stg_src.sql": "{{ config(materialized='view') }} select k, v from {{ source('fiscal_txt', 'src') }}",
    "stg_src.yml": """
models:
  - name: stg_src
    columns: [{name: k, data_tests: [unique]}]
""",
    "mart.sql": "{{ config(materialized='table') }} select k, v from {{ ref('stg_src') }}",
    "mart.yml": """
models:
  - name: mart
    config: {contract: {enforced: true}}
    columns:
      - {name: k, data_type: varchar, constraints: [{type: not_null}]}
      - {name: v, data_type: integer}
""",
}


class Small(TinyProject):
    def __init__(self, root: Path):
        super().__init__(root, "small", FILES, ("materializations",), self._seen)
        self.started: list[str] = []  # the nodes dbt ran, in order

    def _seen(self, event) -> None:
        if event.info.name == "NodeStart":
            self.started.append(event.data.node_info.unique_id)

    def build(self, *args: str):
        self.started.clear()
        return self.invoke("build", *args)

    def manifest(self) -> dict:
        return json.loads((self.root / "target" / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Small:
    s = Small(tmp_path_factory.mktemp("small"))
    s.sql("create table src (k varchar, v integer); insert into src values ('a', 1), ('b', 2);"
          "create table changed_files (source_file varchar)")  # fmt: skip
    assert s.build().success  # the first build: every node
    return s


def test_an_incremental_run_keeps_the_views_and_runs_their_tests(small):
    manifest = small.manifest()
    selection = dbt_selection.select(manifest, ["src"])
    assert (selection.built, selection.kept) == (("model.small.mart",), ("model.small.stg_src",))
    assert [uid.split(".")[2] for uid in selection.tests] == ["unique_stg_src_k"]
    args = selection.exclude_args(manifest)
    assert args == ["--indirect-selection", "empty", "--exclude", "resource_type:seed stg_src"]

    small.sql("insert into src values ('c', 3)")
    assert small.build(*args).success
    assert [uid.split(".")[2] for uid in small.started] == ["unique_stg_src_k", "mart"]  # no view re-created
    assert small.sql("select k, v from mart order by k") == [("a", 1), ("b", 2), ("c", 3)]

    small.sql("insert into src values ('a', 4)")  # a changed row breaks the view's test
    result = small.build(*args)
    assert not result.success
    assert {r.node.name: str(r.status) for r in result.result.results} == {"unique_stg_src_k": "fail", "mart": "skipped"}

    small.sql("delete from src where v = 4; insert into src values (null, 5)")  # … the mart's contract
    result = small.build(*args)
    assert not result.success
    failed = {r.node.name: r.message for r in result.result.results if str(r.status) == "error"}
    assert list(failed) == ["mart"] and "NOT NULL constraint failed" in failed["mart"], failed
    assert small.sql("select k, v from mart order by k") == [("a", 1), ("b", 2), ("c", 3)]  # rows kept
