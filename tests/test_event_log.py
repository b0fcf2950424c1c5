"""The run's event log (dagster_project/event_log.py): connections kept open, Dagster's own files and rows."""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import time

from dagster._core.events.log import EventLogEntry
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

from dagster_project.event_log import ENGINES_KEPT, ReusingSqliteEventLogStorage


def _entry(run_id: str, text: str) -> EventLogEntry:
    return EventLogEntry(error_info=None, level=logging.INFO, user_message=text, run_id=run_id, timestamp=time.time())


def _rows_in_file(path) -> int:
    with contextlib.closing(sqlite3.connect(f"file:{path}?immutable=1", uri=True)) as con:  # the WAL unread
        return con.execute("select count(*) from event_logs").fetchone()[0]


def test_events_are_stored_in_the_files_dagster_reads(tmp_path):
    storage = ReusingSqliteEventLogStorage(str(tmp_path))
    for n in range(3):
        storage.store_event(_entry("run-a", f"event {n}"))
        # in the run's file itself, not only in its WAL (checkpointed): Dagster's UI watches the file
        assert _rows_in_file(tmp_path / "run-a.db") == n + 1
    for n in range(ENGINES_KEPT + 3):  # more runs than connections kept: the oldest are closed
        storage.store_event(_entry(f"run-{n}", "other run"))
    assert len(storage._engines) == ENGINES_KEPT
    plain = SqliteEventLogStorage(str(tmp_path))  # Dagster's own class reads the same rows
    read = [r.event_log_entry.user_message for r in plain.get_records_for_run("run-a").records]
    assert read == ["event 0", "event 1", "event 2"]
    assert [r.event_log_entry.user_message for r in storage.get_records_for_run("run-a").records] == read
    storage.dispose()
    assert storage._engines == {}
