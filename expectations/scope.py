"""What an incremental run's quality step judges, and what it keeps of the previous run's verdicts.

A run builds into a copy of the published warehouse (dagster_project/publish.py), so the build
file's quality.violations already holds the previous verdicts on every check row of the files this
run's load did not touch. An incremental run has GX judge, of each per-file rule, only the check
rows of the files the load changed (raw.changed_files: added, changed, moved and removed ones), and
keeps the violations of the other files as they are; a removed file's go with it. A rule with no
check row in the changed files needs no GX validation. A cross-file rule (registry.CROSS_FILE_RULES)
is judged on every row, unless dbt rebuilds it per entity (registry.ENTITY_RULES: a project, a
department-year; dbt/macros/per_file.sql): then the rows of the entities the change touched
(quality.cross_file_touched, written by the model's pre-hook) and the other rows of their files are
judged, and the other entities' violations kept (their check rows keep their keys).

Kept verdicts must be this code's: quality.check_state holds a fingerprint of this package (the
rules, their expectations, how a violation row is written), stored with the verdicts. A missing or
different one, or a run that rebuilt the marts whole, judges everything.
"""

from __future__ import annotations

import hashlib
from importlib import metadata
from pathlib import Path

import duckdb

from .registry import ENTITY_RULES, Rule

STATE_TABLE = "quality.check_state"
# a check row of a file the load touched (rows naming no file are judged on every run)
CHANGED_ROWS = "(source_file in (select source_file from raw.changed_files) or source_file is null)"
KEPT_ROWS = "source_file not in (select source_file from raw.changed_files)"
TOUCHED_TABLE = "quality.cross_file_touched"


def rules_fingerprint() -> str:
    """A hash of this package's code: what decides a verdict and the violation row it writes."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    # the verdicts (and the Data Docs pages an incremental run copies) are GX's, judged on pandas
    # frames: another release of either may judge or render differently
    for dist in ("great_expectations", "pandas"):
        digest.update(f"{dist}=={metadata.version(dist)}\0".encode())
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


def _touched(model: str) -> str:
    return f"(select entity_key from {TOUCHED_TABLE} where model = '{model}')"


def _entity_judged(model: str) -> str:
    """An entity rule's rows judged anew: the touched entities', and every other row of their files.
    A finding's occurrence number (#2, finding_ids.py) counts within its file, among the records
    judged together: a file's rows in an untouched entity judged apart could be numbered otherwise
    than by a full refresh (two equal findings of one file in two entities)."""
    touched = f"entity_key in {_touched(model)}"
    return f"({touched} or coalesce(source_file in (select source_file from quality.{model} where {touched}), false))"


def judged_rows(rule: Rule) -> str:
    """A condition on the rule's check rows: those an incremental run judges anew."""
    if rule.check_name in ENTITY_RULES:
        return _entity_judged(rule.model)
    return CHANGED_ROWS


def scoped_rules(con: duckdb.DuckDBPyConnection, rules: tuple[Rule, ...]) -> list[str]:
    """The rules an incremental run judges on part of their rows: the per-file ones, and the
    entity ones whose touched entities this build listed (else every row is judged)."""
    has_touched = con.execute(
        "select count(*) from information_schema.tables "
        "where table_schema || '.' || table_name = ?", [TOUCHED_TABLE]
    ).fetchone()[0]
    return [rule.check_name for rule in rules
            if not rule.cross_file or (has_touched and rule.check_name in ENTITY_RULES)]


def _kept(check_names: list[str]) -> tuple[str, list[str]]:
    """A condition on quality.violations: the rows of these rules kept from the previous run."""
    per_file = [name for name in check_names if name not in ENTITY_RULES]
    kept = [f"(check_name in (select unnest(?::VARCHAR[])) and {KEPT_ROWS})"]
    for name in sorted(set(check_names) & ENTITY_RULES):  # names from the registry, never from data
        model = f"chk_{name}"  # Rule.model
        kept.append(f"(check_name = '{name}' and check_row in "
                    f"(select check_row from quality.{model} where not {_entity_judged(model)}))")
    return "(" + " or ".join(kept) + ")", per_file


def kept_counts(con: duckdb.DuckDBPyConnection, check_names: list[str]) -> dict[str, tuple[int, int]]:
    """check_name → (violations, hints) of the unchanged files, kept from the previous run."""
    if not check_names:
        return {}
    kept, per_file = _kept(check_names)
    return {
        name: (violations, hints)
        for name, violations, hints in con.execute(
            "select check_name, count(*) filter (where severity <> 'hint'), count(*) filter (where severity = 'hint') "
            f"from quality.violations where {kept} group by all",
            [per_file],
        ).fetchall()
    }


REJUDGED_FILES = "rejudged_files"  # temp table: the files whose violations a run replaced


def drop_unkept_violations(con: duckdb.DuckDBPyConnection, check_names: list[str]) -> None:
    """Delete from quality.violations every row but the kept ones of these rules (in the caller's
    transaction), listing their files in temp table REJUDGED_FILES: the table is changed in place,
    not rewritten whole (201,215 rows at 100k reports, for a new file's few)."""
    kept, per_file = _kept(check_names)
    unkept = f"not coalesce({kept}, false)"  # a row the condition cannot decide is not kept
    con.execute(f"create or replace temp table {REJUDGED_FILES} as "
                f"select distinct source_file from quality.violations where {unkept}", [per_file])
    con.execute(f"delete from quality.violations where {unkept}", [per_file])
