"""Run every finance rule over the marts and replace the quality tables.

``run_quality_checks`` opens the DuckDB file, lets DuckDB compute each rule's
check rows (``expectations/sql``), validates them with one GX checkpoint
(``fiscal_quality``, result format COMPLETE), turns the failing rows GX reports
(``unexpected_index_list``) into ``quality.violations`` and writes
``quality.check_results``, both in one transaction. Violations are findings:
nothing here raises because the documents break a rule, and missing marts are
read as empty.
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from time import perf_counter

import duckdb
import great_expectations as gx
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
        rows, errors = collect_check_rows(con, rules)
        docs_dir = _fresh_docs_dir(report_dir)
        result = validate(rows, rules, docs_dir)
        checks, records = interpret(result, rows, rules, errors)
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


def collect_check_rows(con: duckdb.DuckDBPyConnection, rules: list[Rule]) -> tuple[pd.DataFrame, dict[str, str]]:
    """All rules' check rows in one frame (column check_name), and the rules whose SQL failed."""
    frames, errors = [], {}
    for rule in rules:
        try:
            frame = con.execute(rule.sql).df()
        except duckdb.Error as exc:  # a broken rule must not hide the others' findings
            log.warning("rule %s could not be evaluated: %s", rule.check_name, exc)
            errors[rule.check_name] = str(exc)
            continue
        frame.insert(0, "check_name", rule.check_name)
        frames.append(frame)
    return _conform(frames), errors


def _conform(frames: list[pd.DataFrame]) -> pd.DataFrame:
    columns = {"check_name": "object", **CHECK_ROW_COLUMNS}
    conformed = [frame.reindex(columns=list(columns)).astype(columns) for frame in frames if len(frame)]
    if not conformed:
        return pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in columns.items()})
    return pd.concat(conformed, ignore_index=True)


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
    result: CheckpointResult, rows: pd.DataFrame, rules: list[Rule], errors: dict[str, str]
) -> tuple[list[CheckSummary], list[dict]]:
    """GX's per-expectation results → one CheckSummary per rule and the violation rows."""
    outcomes = {}
    for suite_result in result.run_results.values():
        for expectation_result in suite_result.results:
            config = expectation_result.expectation_config
            outcomes[config.meta["check_name"]] = expectation_result
    checks, records = [], []
    for rule in rules:
        outcome = outcomes.get(rule.check_name)
        error = errors.get(rule.check_name)
        if outcome is not None and outcome.exception_info and outcome.exception_info.get("raised_exception"):
            error = outcome.exception_info.get("exception_message") or "GX raised an exception"
        failing = list(outcome.result.get("unexpected_index_list") or []) if outcome and not error else []
        rule_records = [
            violation_row({k: clean(v) for k, v in rows.loc[index].items()}, rule)
            for index in failing
        ]
        records.extend(rule_records)
        evaluated = int((rows["check_name"] == rule.check_name).sum())
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

