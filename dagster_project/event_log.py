"""Dagster's run history in SQLite, without its per-event start-up cost (issue 22: fixed cost of a run).

Dagster's SqliteEventLogStorage builds a new SQLAlchemy engine and opens a new SQLite connection
for every event it stores (two or three for an asset event), so no statement is compiled twice
and each closing connection checkpoints the WAL journal to disk. A run logs ~200 events before
its first step (every asset and asset check "planned"): at 1k reports, 3.2-3.5 of the ingest
step's ~4 CPU s for one new file, and 12-20 s of its wall time on a busy disk.

This storage is Dagster's, same tables in the same files (DAGSTER_HOME/history/runs/), read and
written by the same code. It keeps one engine, with its compiled statements and one pooled
connection, per file for the few files last used (a webserver browsing many runs holds few
files open), and commits with `synchronous=NORMAL`, SQLite's setting for WAL journals (which
Dagster uses): a crashed process loses nothing, a power cut at most the last events of the run
history (the warehouse is DuckDB's, untouched by this). run.py's dagster.yaml names it.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as db
from dagster._core.storage.event_log import SqliteEventLogStorage
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from sqlalchemy.engine import Connection, Engine


def _normal_sync(dbapi_connection, _record) -> None:
    dbapi_connection.execute("PRAGMA synchronous=NORMAL")


class FastSqliteEventLogStorage(SqliteEventLogStorage):
    """SqliteEventLogStorage with one engine, and a pooled connection, per recently used shard file."""

    keep_engines = 8  # shard files (the index, this run's, ...) kept open at once

    @classmethod
    def from_config_value(cls, inst_data, config_value) -> FastSqliteEventLogStorage:
        return cls(inst_data=inst_data, **config_value)  # the parent's makes its own class

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        with self._db_lock:
            engine = self._engine(shard)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    def _engine(self, shard: str) -> Engine:
        engines: OrderedDict[str, Engine] = self.__dict__.setdefault("_engines", OrderedDict())
        if shard in engines:
            engines.move_to_end(shard)
            return engines[shard]
        url = self.conn_string_for_shard(shard)
        engine = db.create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS})
        db.event.listen(engine, "connect", _normal_sync)
        engines[shard] = engine
        while len(engines) > self.keep_engines:
            engines.popitem(last=False)[1].dispose()
        return engine

    def _dispose_engines(self) -> None:
        with self._db_lock:
            for engine in self.__dict__.pop("_engines", {}).values():
                engine.dispose()

    def wipe(self) -> None:
        self._dispose_engines()  # the shard files are deleted: no connection may stay on them
        super().wipe()

    def dispose(self) -> None:
        self._dispose_engines()
        super().dispose()
