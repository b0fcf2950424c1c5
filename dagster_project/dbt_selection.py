"""Which dbt models an incremental run builds: those its changed files' rows can reach.

Plain Python (no Dagster): the dbt asset and the tests call it. A file's rows sit in some raw
tables (the dbt sources fiscal_txt.<table>): a self-evaluation file's in reports, fund_rows,
indicators …, a budget file's in budget_tables, budget_cells …, every file's in source_files,
source_lines, line_accounting. An incremental run builds the models downstream of the raw tables
in which its changed files (raw.changed_files: added, changed, moved, removed) have rows now or
had rows at the last build, with their tests. A removed file's rows are gone by then, so the
tables each file had rows in are recorded (raw.dbt_file_sources, brought up to date by each run).
Every other model keeps its rows: no changed row reaches it, the seeds and the dbt project are
those it was built with (else the build is full: assets/dbt.py).

Most models read the line tables (source_lines, line_accounting) only to find the line of a row
they got from another table (its page, its report's title); such a read changes nothing unless that
other table changed. A source says so in its meta (`incremental_readers_tag`): its changed rows
select only the models with that tag (which read its rows for their own sake), and what is below them.

A view the change reaches is not re-created: its SQL is that of the last build (the project
fingerprint, assets/dbt.py), and DuckDB reads the changed rows through it at each use. Its tests
still run: they check the changed rows too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import duckdb

SOURCE = "fiscal_txt"  # the raw layer as dbt sees it (models/staging/fiscal_txt/__sources.yml)
CHANGED_FILES = "changed_files"  # the load's list of files, not file rows: every incremental model reads it
RECORD = "raw.dbt_file_sources"  # (source_file, source_table): the raw tables each file has rows in
CHANGED = f"source_file in (select source_file from raw.{CHANGED_FILES})"


@dataclass(frozen=True)
class Selection:
    tables: tuple[str, ...] | None  # raw tables the changed files have or had rows in (None: all)
    built: tuple[str, ...]  # models the run builds (unique ids)
    kept: tuple[str, ...]  # models it does not build (unique ids), the views it reaches included
    tests: tuple[str, ...] = ()  # data tests the run runs (unique ids; with None tables: every test)

    def exclude_args(self, manifest: Mapping[str, Any]) -> list[str]:
        """dbt build arguments: every seed, kept model and test the run does not run excluded, by name
        (`--indirect-selection empty`: dbt adds no test of its own, and excluding a view keeps its tests).

        The seeds are those the warehouse was built and tested with (the project fingerprint covers
        them, and a build whose tests failed never published it): neither reloaded nor re-tested.
        """
        run = set(self.tests)
        left_out = [*self.kept] + [uid for uid in _tests(manifest) if uid not in run]
        names = " ".join(manifest["nodes"][uid]["name"] for uid in left_out)
        return ["--indirect-selection", "empty", "--exclude", f"resource_type:seed {names}".strip()]


def data_sources(manifest: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """table name → dbt source node, for the raw tables holding file rows."""
    return {
        s["name"]: s for s in manifest["sources"].values()
        if s["source_name"] == SOURCE and s["name"] != CHANGED_FILES
    }


def _file_rows(tables: Iterable[str], where: str) -> str:
    """(source_file, source_table) of the files matching `where`, one row per table they have rows in."""
    return " union all ".join(
        f"select distinct source_file, '{t}' as source_table from raw.{t} where {where}" for t in sorted(tables)
    )


def record_all(con: duckdb.DuckDBPyConnection, tables: Iterable[str]) -> None:
    """Record, for every file, the raw tables it has rows in (a full build)."""
    con.execute(f"create or replace table {RECORD} as {_file_rows(tables, 'source_file is not null')}")


def touched_tables(con: duckdb.DuckDBPyConnection, tables: Iterable[str]) -> set[str] | None:
    """The raw tables the changed files have rows in now or had at the last build; the record is
    brought up to date. None when the warehouse holds no record (made now): select everything."""
    tables = list(tables)
    try:
        before = {t for (t,) in con.execute(f"select distinct source_table from {RECORD} where {CHANGED}").fetchall()}
    except duckdb.CatalogException:
        record_all(con, tables)
        return None
    con.execute(f"delete from {RECORD} where {CHANGED}")
    con.execute(f"insert into {RECORD} {_file_rows(tables, CHANGED)}")
    now = {t for (t,) in con.execute(f"select distinct source_table from {RECORD} where {CHANGED}").fetchall()}
    return before | now


def _reachable(edges: Mapping[str, list[str]], starts: Iterable[str]) -> set[str]:
    """Every node reached from starts along edges (the manifest's child_map or parent_map)."""
    seen: set[str] = set()
    todo = list(starts)
    while todo:
        for node in edges.get(todo.pop(), []):
            if node not in seen:
                seen.add(node)
                todo.append(node)
    return seen


def _below(manifest: Mapping[str, Any], starts: Iterable[str]) -> set[str]:
    """The nodes in starts and every node downstream of them."""
    starts = set(starts)
    return starts | _reachable(manifest["child_map"], starts)


def _tests(manifest: Mapping[str, Any]) -> list[str]:
    return sorted(uid for uid, node in manifest["nodes"].items() if node["resource_type"] == "test")


def select(manifest: Mapping[str, Any], tables: Iterable[str] | None) -> Selection:
    """The models downstream of these raw tables (None: every model), but the views, and the tests of
    what they reach: a test runs unless all it reads are seeds or models no changed row reaches."""
    models = sorted(uid for uid, node in manifest["nodes"].items() if node["resource_type"] == "model")
    if tables is None:
        return Selection(None, tuple(models), (), tuple(_tests(manifest)))
    sources = data_sources(manifest)
    starts: set[str] = set()
    staged: set[str] = set()  # a tagged table's staging views: their tests check the changed rows
    for table in tables:
        source = sources[table]
        tag = (source.get("meta") or {}).get("incremental_readers_tag")
        if tag:  # only the models reading its rows for their own sake
            staged.update(manifest["child_map"].get(source["unique_id"], []))
            starts |= {uid for uid in _below(manifest, [source["unique_id"]])
                       if tag in manifest["nodes"].get(uid, {}).get("tags", [])}  # fmt: skip
        else:
            starts.add(source["unique_id"])
    reached = _below(manifest, starts) | staged
    unread = {uid for uid, node in manifest["nodes"].items() if node["resource_type"] == "seed"}
    unread |= {uid for uid in models if uid not in reached}
    views = {uid for uid in models if manifest["nodes"][uid]["config"]["materialized"] == "view"}
    tests = [manifest["nodes"][uid] for uid in _tests(manifest)]
    return Selection(
        tuple(sorted(tables)),
        tuple(uid for uid in models if uid in reached and uid not in views),
        tuple(uid for uid in models if uid not in reached or uid in views),
        tuple(
            test["unique_id"]
            for test in tests
            if not set(test["depends_on"]["nodes"]) <= unread and not _judges_no_row(test, reached)
        ),
    )


def _judges_no_row(test: Mapping[str, Any], reached: set[str]) -> bool:
    """A test of the changed files' rows of a model the change does not reach (e.g. a budget file's run
    and fct_report's foreign keys, whose dims it does reach): those files have no rows in that model,
    because its rows of a file come from that file's rows (the premise of `__changed_files__`,
    dbt/macros/changed_rows_tests.sql), so the test has no row to judge."""
    model = test.get("attached_node")
    return bool(model) and model not in reached and "__changed_files__" in (test["config"].get("where") or "")


def upstream(manifest: Mapping[str, Any], uid: str | None) -> set[str]:
    """Every node the node reads, directly or not."""
    return _reachable(manifest["parent_map"], [uid] if uid else [])


def in_graph_order(manifest: Mapping[str, Any], uids: Iterable[str]) -> list[str]:
    """These nodes, each after the ones of them it reads."""
    todo, done = sorted(uids), []
    placed: set[str] = set()
    while todo:
        ready = [uid for uid in todo if not set(manifest["parent_map"].get(uid, [])) & (set(todo) - placed)]
        done += ready
        placed |= set(ready)
        todo = [uid for uid in todo if uid not in placed]
    return done


def forget_touched(con: duckdb.DuckDBPyConnection, kept: list[str]) -> None:
    """A cross-file model the run did not build touched no entity: its list in
    quality.cross_file_touched (dbt/macros/per_file.sql) is the last build's, which the quality
    step would judge again (expectations/scope.py)."""
    listed = con.execute("select count(*) from information_schema.tables "
                         "where table_schema = 'quality' and table_name = 'cross_file_touched'").fetchone()[0]
    if listed and kept:
        con.execute("delete from quality.cross_file_touched where model in (select unnest(?::varchar[]))", [kept])


def describe(selection: Selection, manifest: Mapping[str, Any]) -> str:
    """The selection in words, for the run's log."""
    if selection.tables is None:
        return f"all {len(selection.built)} models (no record of the tables the files had rows in: made now)"

    def names(uids: Iterable[str]) -> str:
        return ", ".join(manifest["nodes"][uid]["name"] for uid in uids)

    return (f"{len(selection.built)} of {len(selection.built) + len(selection.kept)} models: those below the "
            f"raw tables the changed files have or had rows in ({', '.join(selection.tables) or 'none'}), "
            f"but views; {len(selection.tests)} tests; kept as built: {names(selection.kept) or 'none'}")
