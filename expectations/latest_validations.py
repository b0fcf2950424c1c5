"""Each rule's latest GX validation result, kept with the warehouse, so that Data Docs show every rule.

An incremental run validates only the rules with rows to judge (scope.py); the others keep their
verdicts in quality.violations and, here, the validation result that made them:
``quality.gx_validations`` holds one row per rule, with the run that made it, which rows it judged
(or why the rule could not run), the result as GX serialises it (JSON) and its index entry: the same
result without its expectations' results, all that the Data Docs' index reads of it (success, batch,
meta). A carried-over rule whose page the previous site has needs its entry only, not the result (tens
of MB at 100k reports: every failing row's index). It is written in the
transaction of the quality tables, so it always matches quality.check_results, and it is published
with the warehouse (a failed run publishes neither). No GX import here: reading and writing rows only.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import astuple, dataclass, fields, replace
from datetime import datetime

import duckdb

TABLE = "quality.gx_validations"


@dataclass(frozen=True)
class Validation:
    """One rule's latest validation result (GX's key: suite, run name and time, batch)."""

    check_name: str
    suite: str
    run_name: str
    run_time: datetime  # with its time zone; GX's key carries it to the microsecond
    batch_identifier: str
    success: bool
    judged: str  # the rows it judged, or why the rule could not run
    result: str | None  # GX's JSON of the ExpectationSuiteValidationResult (None: not read, see index_entry)
    index_entry: str | None = None  # the result without its expectations' results (index_entry())


_COLUMNS = ", ".join(f.name for f in fields(Validation))
_LIGHT = ", ".join("null" if f.name == "result" else f.name for f in fields(Validation))  # all but the result


def index_entry(result: str) -> str:
    """The result's JSON without its expectations' results: what GX's site index reads of a result."""
    entry = json.loads(result)
    entry["results"] = []
    return json.dumps(entry, sort_keys=True)


def kept_validations(
    con: duckdb.DuckDBPyConnection, check_names: list[str], needs_result: Callable[[Validation], bool],
) -> dict[str, Validation]:
    """check_name → the validation an earlier run stored for these rules (none for a warehouse without).
    The full result is read only for those that ``needs_result`` (their page is to be rendered) or that
    have no index entry (stored before entries were: the entry is made and stored here, once)."""
    if not check_names:
        return {}
    try:
        _add_entry_column(con)
        rows = con.execute(
            f"select {_LIGHT} from {TABLE} where check_name in (select unnest(?::VARCHAR[]))", [check_names]
        ).fetchall()
    except duckdb.CatalogException:
        return {}
    kept = {row[0]: Validation(*row) for row in rows}
    full = [name for name, v in kept.items() if v.index_entry is None or needs_result(v)]
    if full:
        for name, result in con.execute(
            f"select check_name, result from {TABLE} where check_name in (select unnest(?::VARCHAR[]))", [full]
        ).fetchall():
            entry = kept[name].index_entry
            if entry is None:
                entry = index_entry(result)
                con.execute(f"update {TABLE} set index_entry = ? where check_name = ?", [entry, name])
            kept[name] = replace(kept[name], result=result, index_entry=entry)
    return kept


def _add_entry_column(con: duckdb.DuckDBPyConnection) -> None:
    """A table stored before index entries were gets their column (empty: made on first use)."""
    con.execute(f"alter table {TABLE} add column if not exists index_entry VARCHAR")


def write_validations(con: duckdb.DuckDBPyConnection, validations: list[Validation], changed_only: bool) -> None:
    """Store this run's validations (in the caller's transaction): a run that judged everything
    replaces the table; an incremental one replaces its rules' rows and keeps the others'."""
    con.execute(
        f"create table if not exists {TABLE} (check_name VARCHAR, suite VARCHAR, run_name VARCHAR, "
        "run_time TIMESTAMPTZ, batch_identifier VARCHAR, success BOOLEAN, judged VARCHAR, result VARCHAR, "
        "index_entry VARCHAR)"
    )
    _add_entry_column(con)
    validations = [replace(v, index_entry=v.index_entry or index_entry(v.result)) for v in validations]
    names = [v.check_name for v in validations]
    if changed_only:
        con.execute(f"delete from {TABLE} where check_name in (select unnest(?::VARCHAR[]))", [names])
    else:
        con.execute(f"delete from {TABLE}")
    if validations:
        con.executemany(f"insert into {TABLE} values ({', '.join('?' * len(fields(Validation)))})",
                        [astuple(v) for v in validations])
