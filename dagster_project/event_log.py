"""The Dagster instance's event log: Dagster's own SQLite storage, keeping each database's connection open.

Dagster's ``SqliteEventLogStorage`` makes a new SQLAlchemy engine and SQLite connection for every event
it stores and closes them after: a run of fiscal_full_build stores ~500 (each asset and check planned,
dbt's outputs and tests, the finance rules' results), and each paid an engine, its SQL compiled anew
(SQLAlchemy caches compiled SQL per engine) and the connection opened and closed. Here each database
keeps its engine and one connection, used under the storage's lock as before; only the few newest
databases (a UI process reads many runs' files). Same files, tables and rows as Dagster's class.

Dagster's UI follows a live run by watching its database file (``<run_id>.db``) change, and in WAL
mode the file changes when the WAL is checkpointed: closing the last connection did that after each
event; here a run database is checkpointed after each use instead (``PRAGMA wal_checkpoint``).
run.py names this class in the dagster.yaml it writes (``event_log_storage``).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as db
from dagster._core.storage.event_log.sqlite.sqlite_event_log import (
    INDEX_SHARD_NAME,
    SQLITE_BUSY_TIMEOUT_SECONDS,
    SqliteEventLogStorage,
)
from sqlalchemy.engine import Connection
from sqlalchemy.pool import QueuePool

ENGINES_KEPT = 8  # databases with an open connection: the index and the newest runs'


class ReusingSqliteEventLogStorage(SqliteEventLogStorage):
    """Dagster's SQLite event log with one engine (and connection) per database, kept open."""

    def __init__(self, base_dir: str, inst_data=None):
        self._engines: OrderedDict[str, db.Engine] = OrderedDict()
        super().__init__(base_dir, inst_data)

    @classmethod
    def from_config_value(cls, inst_data, config_value) -> ReusingSqliteEventLogStorage:
        return cls(inst_data=inst_data, **config_value)

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        with self._db_lock:
            engine = self._engine(shard)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn:
                with conn.begin():
                    yield conn
                if shard != INDEX_SHARD_NAME:  # a run's file: the UI's watcher sees it change
                    # closed at once: its row, left unread, keeps a statement open on the kept connection
                    # until the result is garbage-collected, and the next commit fails ("SQL statements in progress")
                    conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").close()

    def _engine(self, shard: str) -> db.Engine:
        engine = self._engines.pop(shard, None)
        if engine is None:
            engine = db.create_engine(
                self.conn_string_for_shard(shard),
                # one connection kept, used under _db_lock (creating a database inspects it with another)
                poolclass=QueuePool, pool_size=1, max_overflow=2,
                connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
            )
        self._engines[shard] = engine  # the newest last
        while len(self._engines) > ENGINES_KEPT:
            self._engines.popitem(last=False)[1].dispose()
        return engine

    def _dispose_engines(self) -> None:
        with self._db_lock:
            for engine in self._engines.values():
                engine.dispose()
            self._engines.clear()

    def wipe(self) -> None:
        self._dispose_engines()  # before the run files are deleted
        super().wipe()

    def dispose(self) -> None:
        self._dispose_engines()
        super().dispose()
