"""Each rule's latest GX validation result, kept with the warehouse, so that Data Docs show every rule.

An incremental run validates only the rules with rows to judge (scope.py); the others keep their
verdicts in quality.violations and, here, the validation result that made them:
``quality.gx_validations`` holds one row per rule, with the run that made it, which rows it judged
(or why the rule could not run) and the result as GX serialises it (JSON). It is written in the
transaction of the quality tables, so it always matches quality.check_results, and it is published
with the warehouse (a failed run publishes neither). No GX import here: reading and writing rows only.
"""

from __future__ import annotations

from dataclasses import astuple, dataclass, fields
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
    result: str  # GX's JSON of the ExpectationSuiteValidationResult


_COLUMNS = ", ".join(f.name for f in fields(Validation))


def kept_validations(con: duckdb.DuckDBPyConnection, check_names: list[str]) -> dict[str, Validation]:
    """check_name → the validation an earlier run stored for these rules (none for a warehouse without)."""
    if not check_names:
        return {}
    try:
        rows = con.execute(
            f"select {_COLUMNS} from {TABLE} where check_name in (select unnest(?::VARCHAR[]))", [check_names]
        ).fetchall()
    except duckdb.CatalogException:
        return {}
    return {row[0]: Validation(*row) for row in rows}


def write_validations(con: duckdb.DuckDBPyConnection, validations: list[Validation], changed_only: bool) -> None:
    """Store this run's validations (in the caller's transaction): a run that judged everything
    replaces the table; an incremental one replaces its rules' rows and keeps the others'."""
    con.execute(
        f"create table if not exists {TABLE} (check_name VARCHAR, suite VARCHAR, run_name VARCHAR, "
        "run_time TIMESTAMPTZ, batch_identifier VARCHAR, success BOOLEAN, judged VARCHAR, result VARCHAR)"
    )
    names = [v.check_name for v in validations]
    if changed_only:
        con.execute(f"delete from {TABLE} where check_name in (select unnest(?::VARCHAR[]))", [names])
    else:
        con.execute(f"delete from {TABLE}")
    if validations:
        con.executemany(f"insert into {TABLE} values ({', '.join('?' * len(fields(Validation)))})",
                        [astuple(v) for v in validations])
