"""Great Expectations' part of a quality run: one ephemeral context, a validation per rule with rows
to judge, Data Docs once at the end. Imported through ``gx_import.load()`` when a rule first has
rows to judge: importing GX is the largest fixed cost of the quality step."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import great_expectations as gx
import great_expectations.util as gx_util
import pandas as pd
import pyarrow as pa
from great_expectations.core.expectation_validation_result import ExpectationSuiteValidationResult

from .chunks import merge_results
from .context import build_context, check_rows_batch_definition
from .data_docs import make_offline
from .registry import Rule
from .suites import build_suite


class GxRun:
    """The run's context; ``docs_dir`` (if given) receives the Data Docs of its validations."""

    def __init__(self, docs_dir: Path | None) -> None:
        self.docs_dir = docs_dir
        self.context = build_context(docs_dir)

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
            with _no_profiler_lookup():
                parts.append(validation.run(batch_parameters={"dataframe": frame}, result_format=result_format))
            del frame, rows  # the next chunk's frame replaces this one
        return merge_results(parts, result_format.get("partial_unexpected_count", 20))  # GX's default

    def build_docs(self) -> Path | None:
        """Data Docs of this run's validations, working offline; their index page."""
        if self.docs_dir is None:
            return None
        self.context.build_data_docs()
        make_offline(self.docs_dir)
        return self.docs_dir / "index.html"


@contextmanager
def _no_profiler_lookup() -> Iterator[None]:
    """GX asks, for every Decimal of a result it stores, whether its rule-based profiler is the
    caller, by walking the whole call stack with its source lines (inspect.stack()): 2.7 of the
    6.8 CPU s of the checks at 1,100 reports, for the ~950 values of the failing rows kept for
    Data Docs. No profiler runs here, so the answer is no, and the walk is skipped meanwhile."""
    walk = gx_util.stack
    gx_util.stack = list  # an empty stack: "not called by the profiler", GX's conversion unchanged
    try:
        yield
    finally:
        gx_util.stack = walk
