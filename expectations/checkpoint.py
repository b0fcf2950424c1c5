"""Run every finance rule over the marts and replace the quality tables.

``run_quality_checks`` opens the DuckDB file and lets DuckDB compute each rule's
check rows (``expectations/sql``) into a table ``q_check_<check_name>`` of a
compressed in-memory scratch database (``rowid`` = the SQL's row order). GX
judges a slim frame holding only what the expectations compare (``check_name``
as a category, ``abs_diff``/``tolerance`` as float64, the two text columns only
for the text rules) with one checkpoint (``fiscal_quality``, result format
COMPLETE). The failing rows GX reports (``unexpected_index_list``) are fetched
back from those tables with all their context columns and become
``quality.violations``; ``quality.check_results`` is written with them in one
transaction. Memory thus grows with rows × a few numeric columns, not with the
descriptive text of every checked instance. Violations are findings: nothing
here raises because the documents break a rule, and missing marts are read as
empty.
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from time import perf_counter

import duckdb
import great_expectations as gx
import numpy as np
import pandas as pd
import pyarrow as pa
from great_expectations.checkpoint import UpdateDataDocsAction
from great_expectations.checkpoint.checkpoint import CheckpointResult
from great_expectations.core.run_identifier import RunIdentifier

from .context import DATA_DOCS_SITE_NAME, build_context, check_rows_batch_definition
from .marts import create_check_views
from .rules import CHECK_ROW_COLUMNS, Rule, all_rules
from .suites import build_suites
from .violations import clean, violation_row, violations_table

log = logging.getLogger(__name__)

CHECKPOINT_NAME = "fiscal_quality"
DATA_DOCS_DIRNAME = "gx_data_docs"
EXAMPLES_PER_CHECK = 5

CHECK_RESULTS_SCHEMA = pa.schema(
    [
        ("check_name", pa.string()),
        ("suite", pa.string()),
        ("severity", pa.string()),
        ("evaluated_count", pa.int64()),
        ("violation_count", pa.int64()),
        ("success", pa.bool_()),
        ("description", pa.string()),
        ("expectation_type", pa.string()),
        ("error", pa.string()),  # why the rule could not be evaluated, if it could not
    ]
)


@dataclass(frozen=True)
class CheckSummary:
    """One rule's outcome."""

    check_name: str
    suite: str
    severity: str
    description: str
    expectation_type: str
    evaluated_count: int
    violation_count: int
    success: bool
    examples: tuple[dict, ...] = ()  # the first violation rows
    error: str | None = None


@dataclass
class QualityRunSummary:
    """What a run checked and found."""

    checks: list[CheckSummary]
    duration_seconds: float
    marts_present: dict[str, bool]
    data_docs_index: Path | None = None
    checkpoint_result: CheckpointResult | None = field(default=None, repr=False)

    @property
    def violation_count(self) -> int:
        return sum(check.violation_count for check in self.checks)

    @property
    def by_check(self) -> dict[str, CheckSummary]:
        return {check.check_name: check for check in self.checks}


def run_quality_checks(db_path: str | Path, report_dir: str | Path | None = None) -> QualityRunSummary:
    """Check the marts in ``db_path``; replace quality.violations and quality.check_results.

    With ``report_dir``, GX Data Docs (static HTML) are rebuilt under
    ``<report_dir>/gx_data_docs/`` (``index.html``).
    """
    started = perf_counter()
    rules = all_rules()
    with duckdb.connect(str(db_path)) as con:
        marts_present = create_check_views(con)
        _attach_scratch(con)
        try:
            rows = collect_check_rows(con, rules)
            docs_dir = _fresh_docs_dir(report_dir)
            result = validate(rows.frame, rules, docs_dir)
            rows.frame = None  # GX is done with it; only the failing rows' details are needed now
            checks, records = interpret(con, result, rows, rules)
        finally:
            con.execute(f"DETACH DATABASE IF EXISTS {SCRATCH_DB}")
        write_quality_tables(con, records, checks)
    summary = QualityRunSummary(
        checks=checks,
        duration_seconds=round(perf_counter() - started, 3),
        marts_present=marts_present,
        data_docs_index=docs_dir / "index.html" if docs_dir else None,
        checkpoint_result=result,
    )
    log.info("quality checks: %s violations in %.1fs", summary.violation_count, summary.duration_seconds)
    return summary


SCRATCH_DB = "q_scratch"
CHECK_TABLE_PREFIX = f"{SCRATCH_DB}.q_check_"


def _attach_scratch(con: duckdb.DuckDBPyConnection) -> None:
    """An in-memory database for the check rows, compressed where DuckDB can (repeated texts)."""
    try:
        con.execute(f"ATTACH ':memory:' AS {SCRATCH_DB} (COMPRESS)")
    except duckdb.Error:  # a DuckDB without in-memory compression
        con.execute(f"ATTACH ':memory:' AS {SCRATCH_DB}")


@dataclass
class CheckRows:
    """Every rule's check rows: all columns in DuckDB, the judged columns in one slim frame.

    ``frame`` has one row per check row, rules in order and each rule's rows in
    its SQL order; row ``spans[check]`` = (start, count) of the frame holds the
    rows of scratch table ``tables[check]`` with ``rowid`` 0 … count − 1.
    """

    frame: pd.DataFrame | None
    tables: dict[str, str]
    spans: dict[str, tuple[int, int]]
    errors: dict[str, str]  # rules whose SQL failed


def judged_columns(rule: Rule) -> list[str]:
    """The check-row columns the rule's expectation compares (column / column_A / column_B)."""
    fields = rule.expectation_class.__fields__
    return [
        fields[name].default
        for name in ("column", "column_A", "column_B")
        if name in fields and isinstance(fields[name].default, str)
    ]


def slim_columns(rules: list[Rule]) -> dict[str, str]:
    """column → dtype of the frame GX judges: check_name and every judged column."""
    judged = {column for rule in rules for column in judged_columns(rule)}
    return {column: dtype for column, dtype in CHECK_ROW_COLUMNS.items() if column in judged}


def _table_columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    return {row[0] for row in con.execute(f"DESCRIBE {table}").fetchall()}


def collect_check_rows(con: duckdb.DuckDBPyConnection, rules: list[Rule]) -> CheckRows:
    """Materialise each rule's rows in DuckDB; build the slim frame GX judges."""
    tables, counts, errors = {}, {}, {}
    for rule in rules:
        table = CHECK_TABLE_PREFIX + rule.check_name
        try:  # CREATE … AS <query with ORDER BY> keeps that order as rowid order
            con.execute(f"CREATE OR REPLACE TABLE {table} AS\n{rule.sql}")
        except duckdb.Error as exc:  # a broken rule must not hide the others' findings
            log.warning("rule %s could not be evaluated: %s", rule.check_name, exc)
            errors[rule.check_name] = str(exc)
            continue
        tables[rule.check_name] = table
        counts[rule.check_name] = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]

    columns = slim_columns(rules)
    total = sum(counts.values())
    codes = np.zeros(total, dtype=np.int16)
    data = {
        column: np.full(total, np.nan) if dtype == "float64" else np.full(total, None, dtype=object)
        for column, dtype in columns.items()
    }
    spans, start = {}, 0
    for code, rule in enumerate(rules):
        if rule.check_name not in tables:
            continue
        table, count = tables[rule.check_name], counts[rule.check_name]
        spans[rule.check_name] = (start, count)
        codes[start : start + count] = code
        wanted = [c for c in judged_columns(rule) if c in _table_columns(con, table)] if count else []
        if wanted:
            part = con.execute(f"SELECT {', '.join(wanted)} FROM {table} ORDER BY rowid").df()
            for column in wanted:
                data[column][start : start + count] = part[column].astype(columns[column]).to_numpy()
            del part
        start += count
    check_name = pd.Categorical.from_codes(codes, categories=[rule.check_name for rule in rules])
    frame = pd.DataFrame({"check_name": check_name, **data})
    return CheckRows(frame=frame, tables=tables, spans=spans, errors=errors)


def failing_rows(con: duckdb.DuckDBPyConnection, table: str, row_ids: list[int]) -> pd.DataFrame:
    """All check-row columns of the given rows of a rule's scratch table, in the given order."""
    columns = CHECK_ROW_COLUMNS
    if not row_ids:
        return pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in columns.items()})
    found = con.execute(
        f"SELECT rowid AS q_row_id, * FROM {table} WHERE rowid IN (SELECT unnest(?::BIGINT[]))", [row_ids]
    ).df()
    found = found.set_index("q_row_id").loc[row_ids].reset_index(drop=True)
    return found.reindex(columns=list(columns)).astype(columns)


def _fresh_docs_dir(report_dir: str | Path | None) -> Path | None:
    if report_dir is None:
        return None
    docs_dir = Path(report_dir) / DATA_DOCS_DIRNAME
    shutil.rmtree(docs_dir, ignore_errors=True)  # this run's docs only, like the tables
    docs_dir.mkdir(parents=True, exist_ok=True)
    return docs_dir


def validate(rows: pd.DataFrame, rules: list[Rule], docs_dir: Path | None) -> CheckpointResult:
    """Run the ``fiscal_quality`` checkpoint over the check rows."""
    context = build_context(docs_dir)
    batch_definition = check_rows_batch_definition(context)
    validation_definitions = [
        context.validation_definitions.add(
            gx.ValidationDefinition(name=suite.name.removesuffix("_suite"), data=batch_definition, suite=suite)
        )
        for suite in build_suites(context, rules)
    ]
    checkpoint = context.checkpoints.add(
        gx.Checkpoint(
            name=CHECKPOINT_NAME,
            validation_definitions=validation_definitions,
            actions=[UpdateDataDocsAction(name="update_data_docs", site_names=[DATA_DOCS_SITE_NAME])]
            if docs_dir
            else [],
            result_format={"result_format": "COMPLETE"},
        )
    )
    return checkpoint.run(batch_parameters={"dataframe": rows}, run_id=RunIdentifier(run_name=CHECKPOINT_NAME))


def interpret(
    con: duckdb.DuckDBPyConnection, result: CheckpointResult, rows: CheckRows, rules: list[Rule]
) -> tuple[list[CheckSummary], list[dict]]:
    """GX's per-expectation results → one CheckSummary per rule and the violation rows.

    Each rule's failing frame rows are looked up in its scratch table (dropped afterwards).
    """
    outcomes = {}
    for suite_result in result.run_results.values():
        for expectation_result in suite_result.results:
            config = expectation_result.expectation_config
            outcomes[config.meta["check_name"]] = expectation_result
    checks, records = [], []
    for rule in rules:
        outcome = outcomes.get(rule.check_name)
        error = rows.errors.get(rule.check_name)
        if outcome is not None and outcome.exception_info and outcome.exception_info.get("raised_exception"):
            error = outcome.exception_info.get("exception_message") or "GX raised an exception"
        failing = list(outcome.result.get("unexpected_index_list") or []) if outcome and not error else []
        start, evaluated = rows.spans.get(rule.check_name, (0, 0))
        table = rows.tables.get(rule.check_name)
        rule_records = []
        if failing and table:
            details = failing_rows(con, table, [int(index) - start for index in failing])
            rule_records = [
                violation_row({k: clean(v) for k, v in details.iloc[i].items()}, rule)
                for i in range(len(details))
            ]
            del details
        if table:
            con.execute(f"DROP TABLE IF EXISTS {table}")
        records.extend(rule_records)
        checks.append(
            CheckSummary(
                check_name=rule.check_name,
                suite=rule.suite_name,
                severity=rule.severity,
                description=rule.description,
                expectation_type=rule.expectation_type,
                evaluated_count=evaluated,
                violation_count=len(rule_records),
                success=error is None and not rule_records,
                examples=tuple(rule_records[:EXAMPLES_PER_CHECK]),
                error=error,
            )
        )
    return checks, records


def write_quality_tables(con: duckdb.DuckDBPyConnection, records: list[dict], checks: list[CheckSummary]) -> None:
    """Replace quality.violations and quality.check_results in one transaction."""
    violations = violations_table(records)
    check_results = pa.Table.from_pylist(
        [
            {
                "check_name": c.check_name,
                "suite": c.suite,
                "severity": c.severity,
                "evaluated_count": c.evaluated_count,
                "violation_count": c.violation_count,
                "success": c.success,
                "description": c.description,
                "expectation_type": c.expectation_type,
                "error": c.error,
            }
            for c in checks
        ],
        schema=CHECK_RESULTS_SCHEMA,
    )
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("CREATE SCHEMA IF NOT EXISTS quality")
        con.register("new_violations", violations)
        con.register("new_check_results", check_results)
        con.execute(
            "CREATE OR REPLACE TABLE quality.violations AS SELECT * FROM new_violations "
            "ORDER BY severity, check_name, source_file, report_seq, table_seq, line_no"
        )
        con.execute("CREATE OR REPLACE TABLE quality.check_results AS SELECT * FROM new_check_results")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    finally:
        con.unregister("new_violations")
        con.unregister("new_check_results")

