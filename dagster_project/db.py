"""Every DuckDB connection of a run: its memory bounded, spilling to disk beside the file."""

from __future__ import annotations

import contextlib
from pathlib import Path

import duckdb

from .settings import duckdb_memory_limit


def connect(path: str | Path, read_only: bool = False, config: dict | None = None) -> duckdb.DuckDBPyConnection:
    """duckdb.connect with the run's memory bound (settings.duckdb_memory_limit).

    Set after connecting, not in `config`: DuckDB refuses a second connection to an open file
    whose config differs, and these are settings of the database instance, not of the file.
    Threads stay DuckDB's default, one per core (the limit covers them all).
    """
    con = duckdb.connect(str(path), read_only=read_only, config=config or {})
    try:
        con.execute(f"set memory_limit = '{_quoted(duckdb_memory_limit())}'")
        # DuckDB's default for a file, stated: `<file>.tmp`, removed when the last connection
        # closes; a crashed run's is cleared with its build file (publish.begin_build).
        temp = f"{path}.tmp"
        # fetchall: DuckDB 2 refuses other work on a connection while a result is unfinished
        if con.execute("select current_setting('temp_directory')").fetchall()[0][0] != temp:
            with contextlib.suppress(duckdb.NotImplementedException):  # in use: an open instance keeps its own
                con.execute(f"set temp_directory = '{_quoted(temp)}'")
    except BaseException:
        con.close()
        raise
    return con


def _quoted(text: str) -> str:
    return text.replace("'", "''")
