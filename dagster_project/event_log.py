"""The Dagster instance's event log: Dagster's own SQLite storage, keeping each database's connection open.

Dagster's ``SqliteEventLogStorage`` makes a new SQLAlchemy engine and SQLite connection for every event
it stores and closes them after: a run of fiscal_full_build stores ~500 (each asset and check planned,
dbt's outputs and tests, the finance rules' results), and each paid an engine, its SQL compiled anew
(SQLAlchemy caches compiled SQL per engine) and the connection opened and closed. Here each database
keeps its engine and one connection, used under the storage's lock as before; only the few newest
databases (a UI process reads many runs' files). Same files, tables and rows as Dagster's class.

Each commit was also synced to disk (SQLite's ``synchronous=FULL``) and, the connection closed, the WAL
checkpointed into the file (more syncs): ~20 ms of wall time per event on this machine, several seconds
a run. In WAL mode (Dagster's) ``synchronous=NORMAL`` syncs at checkpoints only: a power cut may lose
the last events, never corrupt the file (https://www.sqlite.org/pragma.html#pragma_synchronous). The
WAL is checkpointed by SQLite when it grows (1,000 pages) and when the last connection closes. Dagster
switches a new run's file to WAL only after creating its tables and indexes, each of them committed and
synced in SQLite's default journal mode (~70 syncs of the file, its journal and the folder before the run
starts): here each connection asks for WAL first, so the file is in WAL from its first table on (6 syncs).

Dagster's UI follows a live run by watching its database file (``<run_id>.db``) change (watchdog: a
write or an attribute change); its reads see the WAL. So a run's file has its time touched after each
use instead of a checkpoint. run.py names this class in the dagster.yaml it writes (``event_log_storage``).

Dagster also asks the index about its own schema again and again: whether a table exists (before each
asset event's tags, each check event, …: a new SQLAlchemy engine and SQLite connection each time), whether
``asset_keys`` has a column, whether a data migration was applied (twice per asset-record look-up, which
each materialization's data provenance makes). A one-file run asked ~670 times. Migrations only add
tables, columns and marks, so a "yes" is kept for the storage's life; a "no" is asked again next time.

Creating a run stores its ~190 planned events (each asset and check it will run): Dagster hands them over
as one batch when ``DAGSTER_EVENT_BATCH_SIZE`` is set (run.py sets it), and its SQLite class stored a batch
event by event, three or four transactions each. ``store_event_batch`` stores them in one transaction per
database (the run's file, the index): the same rows; if the batch fails, nothing of it is kept and Dagster
stores its events again one by one.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager

import sqlalchemy as db
from dagster._core.storage.event_log.sqlite.sqlite_event_log import (
    INDEX_SHARD_NAME,
    SQLITE_BUSY_TIMEOUT_SECONDS,
    SqliteEventLogStorage,
)
from sqlalchemy.engine import Connection
from sqlalchemy.pool import QueuePool

ENGINES_KEPT = 8  # databases with an open connection: the index and the newest runs'


def _sync_at_checkpoints(dbapi_connection, _record) -> None:
    """Each new SQLite connection: in WAL mode, synced at its checkpoints, not at every commit (see above)."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # a new run's file from its first table on (see above)
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class ReusingSqliteEventLogStorage(SqliteEventLogStorage):
    """Dagster's SQLite event log with one engine (and connection) per database, kept open."""

    def __init__(self, base_dir: str, inst_data=None):
        self._engines: OrderedDict[str, db.Engine] = OrderedDict()
        self._schema_has: set[tuple[str, str]] = set()  # ("table" | "column" | "index", name) answered yes
        self._batch = threading.local()  # .shards: shard → connection in this thread's open batch
        super().__init__(base_dir, inst_data)

    @classmethod
    def from_config_value(cls, inst_data, config_value) -> ReusingSqliteEventLogStorage:
        return cls(inst_data=inst_data, **config_value)

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        batch = getattr(self._batch, "shards", None)
        if batch is None:
            with self._db_lock, self._transaction(shard) as conn:
                yield conn
        else:  # inside store_event_batch (which holds the lock): its transaction on this database
            if shard not in batch:
                batch[shard] = self._batch.stack.enter_context(self._transaction(shard))
            yield batch[shard]

    @contextmanager
    def _transaction(self, shard: str) -> Iterator[Connection]:
        engine = self._engine(shard)
        if shard not in self._initialized_dbs:
            self._initdb(engine)
            self._initialized_dbs.add(shard)
        with engine.connect() as conn:
            with conn.begin():
                yield conn
            if shard != INDEX_SHARD_NAME:  # a run's file: the UI's watcher sees it change
                os.utime(self.path_for_shard(shard))

    def store_event_batch(self, events: Sequence) -> None:
        """The events in one transaction per database (a run's planned events: ~190 when it is created)."""
        with self._db_lock, ExitStack() as stack:
            self._batch.shards, self._batch.stack = {}, stack
            try:
                for event in events:
                    self.store_event(event)
            finally:
                self._batch.shards = None

    # Dagster's schema questions, a yes kept (see above)
    def _yes_kept(self, question: tuple[str, str], ask, *args) -> bool:
        if question not in self._schema_has and ask(*args):
            self._schema_has.add(question)
        return question in self._schema_has

    def has_table(self, table_name: str) -> bool:
        return self._yes_kept(("table", table_name), super().has_table, table_name)

    def _has_asset_key_col_on_connection(self, conn: Connection, column_name: str) -> bool:
        return self._yes_kept(
            ("column", column_name), super()._has_asset_key_col_on_connection, conn, column_name
        )

    def has_secondary_index(self, name: str) -> bool:
        return self._yes_kept(("index", name), super().has_secondary_index, name)

    def _engine(self, shard: str) -> db.Engine:
        engine = self._engines.pop(shard, None)
        if engine is None:
            engine = db.create_engine(
                self.conn_string_for_shard(shard),
                # one connection kept, used under _db_lock (creating a database inspects it with another)
                poolclass=QueuePool,
                pool_size=1,
                max_overflow=2,
                connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
            )
            db.event.listen(engine, "connect", _sync_at_checkpoints)
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
        self._schema_has.clear()  # the index's contents go, data migrations' marks with them
        super().wipe()

    def dispose(self) -> None:
        self._dispose_engines()
        super().dispose()
