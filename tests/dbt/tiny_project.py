"""A small dbt project on a real DuckDB file, for tests of the project's macros by real dbt.

The tests write its models (and yml) and copy in the macros they test (the materializations, the
tests' `where`); dbt runs in this process (dbtRunner), its events seen by a callback.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import duckdb
from dbt.cli.main import dbtRunner

MACROS = Path(__file__).resolve().parents[2] / "dbt" / "macros"

PROJECT = """
name: {name}
version: "1.0.0"
config-version: 2
profile: {name}
flags:
  send_anonymous_usage_stats: false
"""
PROFILES = """
{name}:
  target: dev
  outputs:
    dev:
      type: duckdb
      path: "{db}"
      threads: 1
"""


class TinyProject:
    """A dbt project `name` in root: models/<file> for each of `models`, macros/<path> copied from the
    project's dbt/macros for each of `macros` (a file or a folder)."""

    def __init__(self, root: Path, name: str, models: dict[str, str], macros: tuple[str, ...] = (),
                 on_event: Callable | None = None):  # fmt: skip
        self.root, self.db = root, root / f"{name}.duckdb"
        (root / "models").mkdir(parents=True)
        (root / "macros").mkdir()
        for macro in macros:
            source, target = MACROS / macro, root / "macros" / macro
            shutil.copytree(source, target) if source.is_dir() else shutil.copy(source, target)
        (root / "dbt_project.yml").write_text(PROJECT.format(name=name), encoding="utf-8")
        (root / "profiles.yml").write_text(PROFILES.format(name=name, db=self.db), encoding="utf-8")
        for file, text in models.items():
            (root / "models" / file).write_text(text, encoding="utf-8")
        self.dbt = dbtRunner(callbacks=[on_event] if on_event else [])

    def invoke(self, command: str, *args: str):
        """`dbt <command> <args>` on this project (quiet; its target and logs inside root)."""
        return self.dbt.invoke([command, "--quiet", "--project-dir", str(self.root), "--profiles-dir", str(self.root),
                                "--target-path", str(self.root / "target"), "--log-path", str(self.root / "logs"),
                                *args])  # fmt: skip

    def sql(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.db)) as con:
            return con.execute(sql).fetchall()

    def run_changed(self, changed_table: str, changed: list[str], *args: str):
        """`dbt run <args>` with `changed` as the rows of changed_table: the one model's result."""
        self.sql(f"delete from {changed_table}")
        for name in changed:
            self.sql(f"insert into {changed_table} values ('{name}')")
        (result,) = self.invoke("run", *args).result.results
        return result
