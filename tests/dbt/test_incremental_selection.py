"""The nodes an incremental run builds (dagster_project/dbt_selection.py), by real dbt on a real DuckDB
file: a two-model project (a staging view over a raw table, a mart with a contract over the view).
A changed row reaches both; the view is not re-created (its SQL is the last build's), yet its test
runs, and a changed row that breaks the test or the mart's contract still fails the build.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest
from dbt.cli.main import dbtRunner

from dagster_project import dbt_selection

MATERIALIZATIONS = Path(__file__).resolve().parents[2] / "dbt" / "macros" / "materializations"
PROJECT = """
name: small
version: "1.0.0"
config-version: 2
profile: small
flags:
  send_anonymous_usage_stats: false
"""
PROFILES = """
small:
  target: dev
  outputs:
    dev:
      type: duckdb
      path: "{db}"
      threads: 1
"""
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


class Small:
    def __init__(self, root: Path):
        self.root, self.db = root, root / "small.duckdb"
        (root / "models").mkdir(parents=True)
        shutil.copytree(MATERIALIZATIONS, root / "macros" / "materializations")
        (root / "dbt_project.yml").write_text(PROJECT, encoding="utf-8")
        (root / "profiles.yml").write_text(PROFILES.format(db=self.db), encoding="utf-8")
        for name, text in FILES.items():
            (root / "models" / name).write_text(text, encoding="utf-8")
        self.started: list[str] = []  # the nodes dbt ran, in order
        self.dbt = dbtRunner(callbacks=[self._seen])

    def _seen(self, event) -> None:
        if event.info.name == "NodeStart":
            self.started.append(event.data.node_info.unique_id)

    def build(self, *args: str):
        self.started.clear()
        return self.dbt.invoke(["build", "--quiet", "--project-dir", str(self.root), "--profiles-dir", str(self.root),
                                "--target-path", str(self.root / "target"), "--log-path", str(self.root / "logs"),
                                *args])  # fmt: skip

    def manifest(self) -> dict:
        return json.loads((self.root / "target" / "manifest.json").read_text(encoding="utf-8"))

    def sql(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.db)) as con:
            return con.execute(sql).fetchall()


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
