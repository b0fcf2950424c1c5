"""The run's event log (dagster_project/event_log.py): connections kept open, Dagster's own files and rows."""

from __future__ import annotations

import contextlib
import logging
import queue
import sqlite3
import time

import pytest
from dagster import AssetKey
from dagster._core.definitions.asset_checks.asset_check_evaluation import AssetCheckEvaluationPlanned
from dagster._core.events import AssetMaterializationPlannedData, DagsterEvent, DagsterEventType
from dagster._core.events.log import EventLogEntry
from dagster._core.storage.event_log.migration import ASSET_KEY_INDEX_COLS
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

from dagster_project.event_log import ENGINES_KEPT, ReusingSqliteEventLogStorage


def _entry(run_id: str, text: str) -> EventLogEntry:
    return EventLogEntry(
        error_info=None, level=logging.INFO, user_message=text, run_id=run_id, timestamp=time.time()
    )


def _synchronous(path) -> int:
    with contextlib.closing(sqlite3.connect(path)) as con:
        return con.execute("pragma journal_mode").fetchone()[0], con.execute("pragma synchronous").fetchone()[
            0
        ]


def test_events_are_stored_in_the_files_dagster_reads(tmp_path):
    storage = ReusingSqliteEventLogStorage(str(tmp_path))
    watcher = SqliteEventLogStorage(str(tmp_path))  # as Dagster's UI follows a live run, in its own storage
    seen = queue.Queue()
    storage.store_event(_entry("run-a", "event 0"))
    watcher.watch("run-a", None, lambda entry, _cursor: seen.put(entry.user_message))
    got = []
    for n in range(1, 3):
        storage.store_event(_entry("run-a", f"event {n}"))
        while f"event {n}" not in got:  # the UI sees each event as it is stored (the WAL not merged)
            got.append(seen.get(timeout=10))
    assert got == ["event 0", "event 1", "event 2"]
    watcher.dispose()
    # each kept connection syncs at the WAL's checkpoints only (a new connection reads SQLite's default, FULL)
    assert [
        storage._engines[shard].pool._pool.queue[0].dbapi_connection.execute("pragma synchronous").fetchone()
        for shard in ("index", "run-a")
    ] == [(1,), (1,)]
    assert _synchronous(tmp_path / "run-a.db") == ("wal", 2)
    for n in range(ENGINES_KEPT + 3):  # more runs than connections kept: the oldest are closed
        storage.store_event(_entry(f"run-{n}", "other run"))
    assert len(storage._engines) == ENGINES_KEPT
    plain = SqliteEventLogStorage(str(tmp_path))  # Dagster's own class reads the same rows
    read = [r.event_log_entry.user_message for r in plain.get_records_for_run("run-a").records]
    assert read == ["event 0", "event 1", "event 2"]
    assert [r.event_log_entry.user_message for r in storage.get_records_for_run("run-a").records] == read
    storage.dispose()
    assert storage._engines == {}


def test_schema_answers_are_dagsters_and_a_no_is_asked_again(tmp_path):
    storage = ReusingSqliteEventLogStorage(str(tmp_path))
    plain = SqliteEventLogStorage(str(tmp_path))

    questions = [
        ("has_table", "asset_event_tags"),
        ("has_table", "asset_check_executions"),
        ("has_table", "no_such_table"),
        ("has_asset_key_col", "cached_status_data"),
        ("has_asset_key_col", "no_such_column"),
        ("has_secondary_index", ASSET_KEY_INDEX_COLS),
        ("has_secondary_index", "no_such_migration"),
    ]
    answers = [getattr(storage, method)(name) for method, name in questions]
    assert answers == [True, True, False, True, False, True, False]
    assert answers == [getattr(plain, method)(name) for method, name in questions]
    # the yeses are kept, the noes are not: a table created later (a migration) is seen
    assert storage._schema_has == {
        ("table", "asset_event_tags"),
        ("table", "asset_check_executions"),
        ("column", "cached_status_data"),
        ("index", ASSET_KEY_INDEX_COLS),
    }
    with contextlib.closing(sqlite3.connect(tmp_path / "index.db")) as con:
        con.execute("create table no_such_table (x int)")
        con.commit()
    assert storage.has_table("no_such_table") is True
    storage.wipe()  # the index emptied (data migrations' marks too): asked anew
    assert [getattr(storage, method)(name) for method, name in questions] == [
        getattr(plain, method)(name) for method, name in questions
    ]
    storage.dispose()
    plain.dispose()


def _planned(run_id: str, n: int) -> list[EventLogEntry]:
    """A run's planned events as Dagster makes them when it creates the run: assets, then checks."""
    events = [
        DagsterEvent.build_asset_materialization_planned_event(
            "job", "step", AssetMaterializationPlannedData(AssetKey(["marts", f"asset_{i}"]), partition=None)
        )
        for i in range(n)
    ] + [
        DagsterEvent(
            event_type_value=DagsterEventType.ASSET_CHECK_EVALUATION_PLANNED.value,
            job_name="job",
            step_key="step",
            event_specific_data=AssetCheckEvaluationPlanned(
                asset_key=AssetKey(["marts", f"asset_{i}"]), check_name="rule"
            ),
        )
        for i in range(n)
    ]
    return [
        EventLogEntry(
            error_info=None,
            level=logging.DEBUG,
            user_message="",
            run_id=run_id,
            timestamp=1e9 + i,
            step_key="step",
            job_name="job",
            dagster_event=event,
        )
        for i, event in enumerate(events)
    ]


# filled by the database with the time of writing, not from the event
_CLOCK_COLUMNS = {"create_timestamp", "update_timestamp", "migration_completed"}


def _rows(folder, database: str) -> dict[str, list[tuple]]:
    with contextlib.closing(sqlite3.connect(folder / database)) as con:
        tables = [
            t for (t,) in con.execute("select name from sqlite_master where type = 'table' order by name")
        ]
        rows = {}
        for table in tables:
            columns = [
                f'"{c}"' for _, c, *_ in con.execute(f"pragma table_info({table})") if c not in _CLOCK_COLUMNS
            ]
            rows[table] = con.execute(f"select {', '.join(columns)} from {table} order by 1").fetchall()
        return rows


def _schema(path) -> list[tuple]:
    with contextlib.closing(sqlite3.connect(path)) as con:
        return con.execute("select type, name, tbl_name, sql from sqlite_master order by name").fetchall()


def test_a_batch_stores_the_rows_dagster_stores_event_by_event(tmp_path):
    """store_event_batch (a run's ~190 planned events, one transaction per database): the same rows, in
    every table of the run's file and of the index, as Dagster's own class storing each event."""
    ours, dagsters = tmp_path / "ours", tmp_path / "dagster"
    storage, plain = ReusingSqliteEventLogStorage(str(ours)), SqliteEventLogStorage(str(dagsters))
    storage.store_event_batch(_planned("run-a", 3))
    for event in _planned("run-a", 3):
        plain.store_event(event)
    for database in ("run-a.db", "index.db"):  # files made in WAL mode from their first table on: the same
        assert _rows(ours, database) == _rows(dagsters, database)
        assert _schema(ours / database) == _schema(dagsters / database)
        assert _synchronous(ours / database)[0] == _synchronous(dagsters / database)[0] == "wal"
    counts = {t: len(rows) for t, rows in _rows(ours, "index.db").items()}
    assert (counts["event_logs"], counts["asset_keys"], counts["asset_check_executions"]) == (6, 3, 3)
    # read back as the UI reads them
    records = storage.get_records_for_run("run-a").records
    assert [r.event_log_entry.dagster_event_type for r in records] == [
        DagsterEventType.ASSET_MATERIALIZATION_PLANNED
    ] * 3 + [DagsterEventType.ASSET_CHECK_EVALUATION_PLANNED] * 3
    storage.dispose()
    plain.dispose()


def test_a_batch_that_fails_leaves_nothing_for_dagsters_retry_to_double(tmp_path):
    """Dagster stores a batch that raised again event by event: the batch's transactions are rolled back."""
    storage = ReusingSqliteEventLogStorage(str(tmp_path))
    events = _planned("run-a", 2)
    broken = events[:3] + ["not an event"]
    with pytest.raises(Exception):  # noqa: B017 — Dagster's check fails on the bad entry
        storage.store_event_batch(broken)
    assert storage.get_records_for_run("run-a").records == []
    assert _rows(tmp_path, "index.db")["asset_check_executions"] == []
    storage.store_event_batch(events)  # and the storage still works (its lock released, connections back)
    assert len(storage.get_records_for_run("run-a").records) == 4
    storage.dispose()
