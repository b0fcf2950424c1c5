"""What a run's result depends on, as one fingerprint; a run whose inputs are those of the
published warehouse has nothing to do (issue 22: the fixed cost of a run).

The inputs: every entry under the raw folder (path, size, modification time:
discovery.fingerprint, what the sensor watches), the decisions file (path, size, modification
time), the bounds on one input file (settings.Limits), and the code that turns them into the
warehouse (this package, the GX rules, the dbt project and the pinned packages, by content: a
changed rule must not be skipped). The ingest step records the fingerprint in the build file
(raw.run_inputs), so it is published with the warehouse it describes, by the same rename.

Plain Python over DuckDB, cheap to import: `make run` asks before it loads Dagster.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import duckdb

from .db import connect
from .discovery import fingerprint
from .review_decisions import decisions_file
from .settings import PROJECT_ROOT, Settings

# The code a warehouse is built by (relative to the project root); generated folders are not code.
CODE_PARTS = ("dagster_project", "expectations", "dbt", "pyproject.toml", "requirements.lock")
NOT_CODE = {"target", "logs", "dbt_packages", "__pycache__"}

TABLE = "raw.run_inputs"
TABLE_SQL = f"""
create or replace table {TABLE} (
    fingerprint     varchar not null,  -- of raw folder, decisions file, bounds and code (run_inputs.py)
    raw_fingerprint varchar not null,  -- of the raw folder alone (discovery.fingerprint)
    recorded_at     timestamp not null
)
"""


def code_fingerprint(root: Path = PROJECT_ROOT) -> str:
    """A hash of the content of every code file the build runs (about 1 MB: a few ms)."""
    digest = hashlib.sha256()
    for part in CODE_PARTS:
        path = root / part
        files = [path] if path.is_file() else sorted(_code_files(path))
        for file in files:
            digest.update(f"{file.relative_to(root).as_posix()}\0".encode())
            digest.update(hashlib.sha256(file.read_bytes()).digest())
    return digest.hexdigest()


def _code_files(folder: Path):
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [d for d in dirnames if d not in NOT_CODE and not d.startswith(".")]
        for name in filenames:
            if not name.startswith(".") and not name.endswith(".pyc"):
                yield Path(dirpath) / name


def inputs_fingerprint(settings: Settings, raw_state: str | None = None) -> str:
    """The fingerprint of everything a run reads; raw_state is the raw folder's, if already taken."""
    raw_state = raw_state or fingerprint(settings.raw_dir)  # raises RawFolderUnavailable
    decisions = decisions_file(settings.raw_dir, settings.decisions_path)
    if decisions is None:
        decisions_state = "no decisions file"
    else:
        st = decisions.stat()
        decisions_state = f"{decisions.resolve()}\0{st.st_size}\0{st.st_mtime_ns}"
    parts = (raw_state, decisions_state, repr(settings.limits), code_fingerprint())
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def record(con: duckdb.DuckDBPyConnection, inputs: str, raw_state: str) -> None:
    """Write this run's fingerprint into its build file (replacing the published one's)."""
    con.execute(TABLE_SQL)
    con.execute(f"insert into {TABLE} values (?, ?, current_timestamp)", [inputs, raw_state])


def published_fingerprint(db_path: Path) -> str | None:
    """The fingerprint the published warehouse was built from; None without one (older file, none yet)."""
    if not db_path.is_file():
        return None
    try:
        with connect(db_path, read_only=True) as con:
            row = con.execute(f"select fingerprint from {TABLE}").fetchone()
    except duckdb.Error:  # no such table (built before run_inputs), or not readable: build
        return None
    return row[0] if row else None
