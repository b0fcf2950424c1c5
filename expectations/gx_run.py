"""Great Expectations' part of a quality run: one ephemeral context, a validation per rule with rows
to judge, then Data Docs of every rule's latest validation (gx_docs.py). Imported through
``gx_import.load()`` when a rule first has rows to judge: importing GX is the largest fixed cost of
the quality step."""

from __future__ import annotations

import json
import os
import re
import shutil
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import great_expectations as gx
import great_expectations.util as gx_util
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from great_expectations.core.expectation_validation_result import (
    ExpectationSuiteValidationResult,
    ExpectationValidationResult,
)
from great_expectations.core.run_identifier import RunIdentifier
from great_expectations.execution_engine import pandas_execution_engine as gx_pandas
from great_expectations.expectations.expectation import Expectation
from great_expectations.expectations.metrics.map_metric_provider import (
    map_condition_auxilliary_methods as gx_map,
)
from pandas.arrays import ArrowExtensionArray
from pandas.core.util.hashing import hash_array

from .chunks import merge_results
from .context import DATASOURCE_NAME, build_context, check_rows_batch_definition
from .data_docs import make_offline
from .gx_docs import CARRIED_OVER, NOT_RUN, OTHER_ROWS_FOUND, build_site, has_page
from .latest_validations import Validation
from .registry import Rule
from .suites import build_suite

NOT_KEPT = "no validation result of an earlier run was kept for it"


class GxRun:
    """The run's context and run id; ``docs_dir`` (if given) receives the Data Docs of every rule's
    latest validation, starting from the pages of the site in ``previous_docs`` (``same_rules``: a site
    made by this code, whose suite pages are this run's)."""

    def __init__(self, docs_dir: Path | None, previous_docs: Path | None = None, run_name: str | None = None,
                 same_rules: bool = False) -> None:
        self.docs_dir, self.previous_docs, self.same_rules = docs_dir, previous_docs, same_rules
        self.context = build_context()  # the site is built by gx_docs.build_site
        now = datetime.now(UTC)
        self.run_id = RunIdentifier(run_name=run_name or f"quality-{now:%Y%m%dT%H%M%SZ}", run_time=now)
        self._latest: list[tuple[Validation, str | None]] = []

    def validate(self, rule: Rule, chunks: Iterable[pa.Table], result_format: dict) -> ExpectationSuiteValidationResult:
        """The rule's suite run on its check rows, a chunk at a time (DECIMAL columns as exact Arrow
        decimals); one result for all of them (chunks.py)."""
        validation = self.context.validation_definitions.add(
            gx.ValidationDefinition(
                name=rule.check_name,
                data=check_rows_batch_definition(self.context, rule.model),
                suite=build_suite(self.context, rule),
            )
        )
        parts, start = [], 0
        for rows in chunks:
            frame = rows.to_pandas(types_mapper=pd.ArrowDtype)
            frame.index = pd.RangeIndex(start, start + len(frame))  # row numbers as in one frame
            start += len(frame)
            with (_no_profiler_lookup(), _indices_by_column(), _not_stored(self.context),
                  _fingerprinted(not parts), _configuration_once()):
                parts.append(validation.run(batch_parameters={"dataframe": frame}, result_format=result_format,
                                            run_id=self.run_id))
            del frame, rows  # the next chunk's frame replaces this one
        return merge_results(parts, result_format.get("partial_unexpected_count", 20))  # GX's default

    def latest(
        self, rules: tuple[Rule, ...], results: dict[str, ExpectationSuiteValidationResult], judged: dict[str, str],
        checks: list, carried: dict[str, Validation],
    ) -> list[Validation]:
        """Every rule's latest validation, for the Data Docs: this run's (``judged``: which rows
        each judged), a failed one saying why for a rule that could not run (``checks``' errors), the
        stored one of a rule this run carried over (``carried``). A validation of part of the rows that
        passes, of a rule whose kept findings fail it (``checks``), says so. Returns those this run made."""
        errors = {check.check_name: check.error for check in checks if check.error}
        failing = {check.check_name for check in checks if not check.success}
        self._latest = []
        for rule in rules:
            name = rule.check_name
            if name in results:
                made = self._validation(rule, results[name], judged[name])
                note = NOT_RUN if name in errors else OTHER_ROWS_FOUND if made.success and name in failing else None
                self._latest.append((made, note))
            elif name in carried:
                build_suite(self.context, rule)  # its suite's page and the index need it
                self._latest.append((carried[name], CARRIED_OVER))
            else:
                self._latest.append((self._not_run(rule, errors.get(name, NOT_KEPT)), NOT_RUN))
        return [validation for validation, note in self._latest if note != CARRIED_OVER]

    def needs_result(self, validation: Validation) -> bool:
        """Whether a carried-over validation's page is to be rendered: Data Docs are built and the
        previous site lacks it (else its index entry is all the site needs)."""
        return self.docs_dir is not None and not has_page(self.previous_docs, validation)

    def _validation(self, rule: Rule, result: ExpectationSuiteValidationResult, judged: str) -> Validation:
        """The result (its chunks' merged) as GX's JSON, with the rows it judged among its batch markers."""
        result.meta.setdefault("batch_markers", {})["judged_rows"] = judged
        text = _serialised(self.context.validation_results_store, result)
        return Validation(rule.check_name, rule.suite_name, self.run_id.run_name, self.run_id.run_time,
                          result.batch_id, bool(result.success), judged, text)

    def _not_run(self, rule: Rule, reason: str) -> Validation:
        """A failed result for a rule GX could not judge: each expectation raised ``reason``."""
        suite = build_suite(self.context, rule)
        judged = f"none: the rule could not run ({reason})"
        result = ExpectationSuiteValidationResult(
            success=False,
            suite_name=suite.name,
            results=[
                ExpectationValidationResult(
                    success=False, expectation_config=expectation.configuration,
                    exception_info={"raised_exception": True, "exception_message": reason, "exception_traceback": reason},
                )
                for expectation in suite.expectations
            ],
            statistics={"evaluated_expectations": len(suite.expectations), "successful_expectations": 0,
                        "unsuccessful_expectations": len(suite.expectations), "success_percent": 0.0},
            meta={"great_expectations_version": gx.__version__, "run_id": self.run_id.to_json_dict(),
                  "batch_markers": {"judged_rows": judged},
                  "active_batch_definition": {"datasource_name": DATASOURCE_NAME, "data_asset_name": rule.model}},
            batch_id=f"{DATASOURCE_NAME}-{rule.model}",
        )
        with _no_profiler_lookup():
            text = self.context.validation_results_store.serialize(result)
        return Validation(rule.check_name, suite.name, self.run_id.run_name, self.run_id.run_time,
                          result.batch_id, False, judged, text)

    def build_docs(self) -> Path | None:
        """Data Docs of every rule's latest validation (``latest``), working offline; their index page.
        Built beside ``docs_dir`` and renamed into place: the previous site may be ``docs_dir`` itself."""
        if self.docs_dir is None:
            return None
        work = self.docs_dir.with_name(f".{self.docs_dir.name}.new")
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        build_site(self.context, work, self._latest, self.previous_docs, self.same_rules)
        make_offline(work)
        shutil.rmtree(self.docs_dir, ignore_errors=True)
        os.replace(work, self.docs_dir)
        return self.docs_dir / "index.html"


# a result's lists of failing rows (every row's file, line and check row: 201,215 rows at 100k reports)
_ROW_LISTS = ("unexpected_index_list", "partial_unexpected_index_list")


def _serialised(store, result: ExpectationSuiteValidationResult) -> str:
    """GX's JSON of the result, the same text, but its lists of failing rows written by ``json``
    directly: GX deep-copies and converts every value of them several times over (0.75 of the
    checks' 8 CPU s at 10k reports). Each such list of plain values (text, integers) stands as a
    token while GX serialises the rest, then the token is replaced by the list's JSON, indented
    as GX's ``json.dumps(indent=2, sort_keys=True)`` does at that depth."""
    prefix = f"gx-run-rows-{uuid.uuid4().hex}-"  # no document text holds it
    swapped = []
    for expectation_result in result.results:
        found = expectation_result.result or {}
        for key in _ROW_LISTS:
            if type(found.get(key)) is list and _plain(found[key]):
                swapped.append((found, key, found[key]))
                found[key] = f"{prefix}{len(swapped) - 1}"
    try:
        with _no_profiler_lookup():
            text = store.serialize(result)
    finally:
        for found, key, value in swapped:
            found[key] = value

    def listed(token: re.Match) -> str:
        line_start = text.rfind("\n", 0, token.start()) + 1
        indent = len(text[line_start:token.start()]) - len(text[line_start:token.start()].lstrip(" "))
        value = swapped[int(token.group(1))][2]
        return json.dumps(value, indent=2, sort_keys=True).replace("\n", "\n" + " " * indent)

    return re.sub(f'"{re.escape(prefix)}(\\d+)"', listed, text) if swapped else text


def _plain(value) -> bool:
    """Lists, dicts, text, integers and None only (what GX's JSON conversion leaves as it is)."""
    if value is None or type(value) in (str, int, bool):
        return True
    if type(value) is list:
        return all(map(_plain, value))
    if type(value) is dict:
        return all(type(k) is str for k in value) and all(map(_plain, value.values()))
    return False


@contextmanager
def _replaced(owner: object, name: str, value: object) -> Iterator[None]:
    """owner.name (GX's or pandas' own) is value meanwhile, then what it was again. Each of GX's
    costs cut below is one such replacement, for the time of a validation or a serialisation."""
    before = getattr(owner, name)
    setattr(owner, name, value)
    try:
        yield
    finally:
        setattr(owner, name, before)


def _no_profiler_lookup():
    """GX asks, for every Decimal of a result it stores, whether its rule-based profiler is the
    caller, by walking the whole call stack with its source lines (inspect.stack()): 2.7 of the
    6.8 CPU s of the checks at 1,100 reports, for the ~950 values of the failing rows kept for
    Data Docs. No profiler runs here, so the answer is no, and the walk is skipped meanwhile:
    an empty stack, "not called by the profiler", GX's conversion unchanged."""
    return _replaced(gx_util, "stack", list)


@contextmanager
def _not_stored(context) -> Iterator[None]:
    """GX stores each validation's result as it is made, serialising it whole (the unexpected_index_list
    of every failing row: 0.8 of the checks' 12 CPU s at 10k reports); the result is serialised
    once, by ``latest``, and the Data Docs are built from those (gx_docs.build_site). Not stored meanwhile."""
    store = context.validation_results_store
    store.store_validation_results = lambda **kwargs: None  # the instance's, over the class's method
    try:
        yield
    finally:
        del store.store_validation_results


def _fingerprinted(first_chunk: bool):
    """GX hashes every row of each batch it is given for its batch markers (``pandas_data_fingerprint``:
    ~10 % of judging); a rule's result keeps its first chunk's markers (chunks.merge_results), so the
    later chunks' hashes are never seen and are not computed. The first chunk's DECIMAL columns are
    hashed value by distinct value (_decimals_by_distinct_value): the same fingerprint."""
    if first_chunk:
        return _decimals_by_distinct_value()
    return _replaced(gx_pandas, "hash_pandas_dataframe", lambda df: "")


def _decimals_by_distinct_value():
    """pandas hashes a DECIMAL column by making each value a Python Decimal, grouping equal ones in
    a Python hash table, then hashing each distinct value's text (``hash_array``: categorize):
    ~1 CPU s per 200,000-row chunk of a rule with four amounts. Here Arrow groups the values
    (``dictionary_encode``, as pandas does for text columns) and pandas hashes the distinct ones as
    it would: each row the same hash, a missing value its u8max. Other columns are pandas' own."""
    pandas_hash = ArrowExtensionArray._hash_pandas_object

    def by_distinct(self, *, encoding: str, hash_key: str, categorize: bool):
        if not categorize or not pa.types.is_decimal(self._pa_array.type):
            return pandas_hash(self, encoding=encoding, hash_key=hash_key, categorize=categorize)
        encoded = pc.dictionary_encode(self._pa_array.combine_chunks())
        distinct = encoded.dictionary.to_numpy(zero_copy_only=False)  # Python Decimals, as pandas hashes them
        hashed = hash_array(distinct, encoding, hash_key, categorize=False)
        codes = encoded.indices.fill_null(0).to_numpy()
        result = hashed.take(codes) if len(hashed) else np.zeros(len(codes), dtype=np.uint64)
        result[encoded.indices.is_null().to_numpy(zero_copy_only=False)] = np.iinfo(np.uint64).max
        return result

    return _replaced(ArrowExtensionArray, "_hash_pandas_object", by_distinct)


def _configuration_once():
    """GX builds an expectation's configuration anew (pydantic ``dict()``, a new ExpectationConfiguration)
    each time it reads one of its parameters: ~60 times per expectation and chunk, ~20 % of judging.
    Nothing changes an expectation while a suite is validated, so each one's configuration is built
    once meanwhile (the object GX would have built first) and given to every later reader."""
    # id → (the expectation, held so that its id stays its own meanwhile; its configuration)
    kept: dict[int, tuple[Expectation, object]] = {}
    gx_configuration = Expectation.configuration

    def once(self):
        entry = kept.get(id(self))
        if entry is None:
            entry = kept[id(self)] = (self, gx_configuration.fget(self))
        return entry[1]

    return _replaced(Expectation, "configuration", property(once))


def _indices_by_column():
    """GX lists the failing rows' index columns (RESULT_FORMAT: their values, not the compared ones)
    a cell at a time (``DataFrame.at``: ~75 µs apiece, 2.1 of the checks' 12 CPU s at 10k reports,
    22,000 failing rows × 3 columns); here a column at a time, the same values in the same order.
    Any other case (a named index, the compared values asked for, no failing row, an unknown
    column) is GX's own."""
    gx_indices = gx_map.compute_unexpected_pandas_indices

    def by_column(domain_records_df, expectation_domain_column_list, result_format, execution_engine, metrics):
        names = result_format.get("unexpected_index_column_names")
        if (domain_records_df.index.names[0] is not None or not names or not len(domain_records_df)
                or not result_format.get("exclude_unexpected_values") or not set(names) <= set(metrics["table.columns"])):
            return gx_indices(domain_records_df=domain_records_df, result_format=result_format,
                              execution_engine=execution_engine, metrics=metrics,
                              expectation_domain_column_list=expectation_domain_column_list)
        return [{name: list(domain_records_df[name]) for name in names}]

    return _replaced(gx_map, "compute_unexpected_pandas_indices", by_column)
