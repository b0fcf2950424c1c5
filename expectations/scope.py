"""What an incremental run's quality step judges, and what it keeps of the previous run's verdicts.

A run builds into a copy of the published warehouse (dagster_project/publish.py), so the build
file's quality.violations already holds the previous verdicts on every check row of the files this
run's load did not touch. An incremental run has GX judge, of each per-file rule, only the check
rows of the files the load changed (raw.changed_files: added, changed, moved and removed ones), and
keeps the violations of the other files as they are; a removed file's go with it. A rule with no
check row in the changed files needs no GX validation. A cross-file rule (registry.CROSS_FILE_RULES)
is judged on every row.

Kept verdicts must be this code's: quality.check_state holds a fingerprint of this package (the
rules, their expectations, how a violation row is written), stored with the verdicts. A missing or
different one, or a run that rebuilt the marts whole, judges everything.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb

STATE_TABLE = "quality.check_state"
# a check row of a file the load touched (rows naming no file are judged on every run)
CHANGED_ROWS = "(source_file in (select source_file from raw.changed_files) or source_file is null)"
KEPT_ROWS = "source_file not in (select source_file from raw.changed_files)"
# added to quality.violations by root_causes.py over the whole table, after every write
ROOT_CAUSE_COLUMNS = ("root_cause_id", "is_root_cause", "root_cause_places")


def rules_fingerprint() -> str:
    """A hash of this package's code: what decides a verdict and the violation row it writes."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def can_keep_verdicts(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the warehouse holds verdicts made by this code, and the load's list of changed files."""
    try:
        state = con.execute(f"select rules_fingerprint from {STATE_TABLE}").fetchall()
        con.execute("select count(*) from raw.changed_files, quality.violations, quality.check_results limit 0").fetchall()
    except duckdb.CatalogException:
        return False
    return state == [(rules_fingerprint(),)]


def record_state(con: duckdb.DuckDBPyConnection, changed_only: bool) -> None:
    """Stamp the verdicts just written (in the caller's transaction)."""
    con.execute(
        f"create or replace table {STATE_TABLE} as "
        "select ? as rules_fingerprint, ? as changed_only, current_timestamp as checked_at",
        [rules_fingerprint(), changed_only],
    )


def kept_counts(con: duckdb.DuckDBPyConnection, check_names: list[str]) -> dict[str, tuple[int, int]]:
    """check_name → (violations, hints) of the unchanged files, kept from the previous run."""
    if not check_names:
        return {}
    return {
        name: (violations, hints)
        for name, violations, hints in con.execute(
            "select check_name, count(*) filter (where severity <> 'hint'), count(*) filter (where severity = 'hint') "
            f"from quality.violations where check_name in (select unnest(?::VARCHAR[])) and {KEPT_ROWS} group by all",
            [check_names],
        ).fetchall()
    }


def keep_violations(con: duckdb.DuckDBPyConnection, check_names: list[str]) -> None:
    """Copy the kept violations into temp table kept_violations, before quality.violations is replaced."""
    con.execute(
        f"create or replace temp table kept_violations as "
        f"select * exclude ({', '.join(ROOT_CAUSE_COLUMNS)}) from quality.violations "
        f"where check_name in (select unnest(?::VARCHAR[])) and {KEPT_ROWS}",
        [check_names],
    )
