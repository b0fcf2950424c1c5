"""The Great Expectations side of the rules: expectations that carry the rule in their parameters.

GX validates each rule's check rows (``quality.chk_<check_name>``, pandas frames with DECIMAL
columns kept exact as Arrow decimals) and gives the verdict:
- ``ExpectColumnPairValuesToBeWithinTolerance``: |B − A| ≤ tolerance, the tolerance a constant
  parameter or a third column of the model (amounts: 0.01 per summed term, in the document's unit);
- ``ExpectGradeToMatchScoreBand``: the printed grade is the band its score falls in (bands a parameter);
- ``ExpectReasonWhenPointsLost``: a row whose score is below its weight gives a reason;
- built-in ``A ≥ B`` and ``between`` expectations for 0 ≤ 得分 ≤ 分值.
Every expectation renders in Data Docs with the rule's Chinese formula (``meta.formula``) and its
own columns and parameters; failing rows are named by file, line and check row.
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

import great_expectations.expectations as gxe
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from great_expectations.compatibility import pydantic
from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import MulticolumnMapExpectation
from great_expectations.expectations.metrics.map_metric_provider import MulticolumnMapMetricProvider
from great_expectations.expectations.metrics.map_metric_provider.multicolumn_condition_partial import (
    multicolumn_condition_partial,
)
from great_expectations.render import (
    LegacyDiagnosticRendererType,
    LegacyRendererType,
    RenderedStringTemplateContent,
    RenderedTableContent,
)
from great_expectations.render.renderer.renderer import renderer

from .result_format import INDEX_COLUMNS

_DOMAIN_KEYS = ("batch_id", "table", "column_list", "row_condition", "condition_parser", "ignore_row_if")


def _decimals(series: pd.Series) -> list[Decimal | None]:
    """A column as exact Python Decimals (None for missing), whatever its pandas dtype."""
    return [None if pd.isna(v) else v if isinstance(v, Decimal) else Decimal(str(v)) for v in series.tolist()]


def _exact(series: pd.Series) -> pa.Array | pa.ChunkedArray | None:
    """The column's Arrow values when they are exact (Arrow decimals or integers, as the check
    rows reach GX: checkpoint.check_rows), else None: then judged value by value in Python."""
    dtype = series.dtype
    if not isinstance(dtype, pd.ArrowDtype) or not (
            pa.types.is_decimal(dtype.pyarrow_dtype) or pa.types.is_integer(dtype.pyarrow_dtype)):
        return None
    return pa.array(series.array)  # the frame's own buffers


def _verdicts(passed: pa.Array | pa.ChunkedArray, index: pd.Index) -> pd.Series:
    """An Arrow boolean per row → GX's condition series; a missing comparison passes (as in Python:
    a row without one of the values is no finding)."""
    return pd.Series(pc.fill_null(passed, True).to_numpy(zero_copy_only=False), index=index, dtype=bool)


def _texts(series: pd.Series) -> list[str | None]:
    return [None if pd.isna(v) else str(v) for v in series.tolist()]


def _formula_block(configuration) -> list[RenderedStringTemplateContent]:
    meta = (configuration.meta or {}) if configuration else {}
    if not meta.get("formula"):
        return []
    return [
        RenderedStringTemplateContent(
            content_block_type="string_template",
            string_template={
                "template": "$check_name：$formula",
                "params": {"check_name": meta.get("check_name", ""), "formula": meta["formula"]},
                "styling": {"params": {"check_name": {"classes": ["badge", "badge-info"]}}},
            },
        )
    ]


def _condition_text(condition) -> str:
    """A row condition as people read it: achievement == not_met."""
    if isinstance(condition, dict) and "column" in condition:
        column = condition["column"].get("name") if isinstance(condition["column"], dict) else condition["column"]
        return f"{column} {condition.get('operator', '==')} {condition.get('parameter')}"
    return str(condition)


def _template(template: str, params: dict) -> RenderedStringTemplateContent:
    return RenderedStringTemplateContent(
        content_block_type="string_template",
        string_template={
            "template": template,
            "params": params,
            "styling": {"default": {"classes": ["badge", "badge-secondary"]}},
        },
    )


def _cell(value) -> str:
    return "null" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


class FailingRowsTable:
    """Data Docs: the first failing rows GX kept (file, line, check row and the compared values).

    GX's own table needs every failing row's values in the result (see result_format.py); this one
    shows the ``unexpected_rows`` GX keeps (ROWS_SHOWN) and says where the rest are.
    """

    @classmethod
    @renderer(renderer_type=LegacyDiagnosticRendererType.UNEXPECTED_TABLE)
    def _diagnostic_unexpected_table_renderer(cls, configuration=None, result=None, runtime_configuration=None,
                                              **kwargs):
        found = (result.result or {}) if result is not None else {}
        rows = found.get("unexpected_rows")
        if isinstance(rows, pd.DataFrame):
            rows = rows.to_dict("records")
        if not rows:
            return None
        header = [c for c in INDEX_COLUMNS if c in rows[0]] + [c for c in rows[0] if c not in INDEX_COLUMNS]
        check_name = ((configuration.meta or {}) if configuration else {}).get("check_name", "")
        more = max(int(found.get("unexpected_count") or 0) - len(rows), 0)
        table = RenderedTableContent(
            content_block_type="table",
            table=[[_cell(row.get(column)) for column in header] for row in rows],
            header_row=header,
            styling={"body": {"classes": ["table-bordered", "table-sm", "mt-3"]}},
        )
        if not more:
            return [table]
        note = _template(
            "另有 $more 行未列出：quality.violations where check_name = '$check_name'",
            {"more": more, "check_name": check_name},
        )
        return [table, note]


# ── |B − A| ≤ tolerance ─────────────────────────────────────────────────────────────────────


class MulticolumnValuesWithinTolerance(MulticolumnMapMetricProvider):
    condition_metric_name = "multicolumn_values.within_tolerance"
    condition_domain_keys = _DOMAIN_KEYS
    condition_value_keys = ("tolerance",)

    @multicolumn_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column_list, tolerance=None, **kwargs):
        return within_tolerance(column_list, tolerance)


def within_tolerance(column_list: pd.DataFrame, tolerance=None) -> pd.Series:
    """Per row: |B − A| ≤ tolerance (a parameter, or a third column); a row missing a value passes."""
    names = list(column_list.columns)
    exact = [_exact(column_list[name]) for name in names]
    if all(values is not None for values in exact):  # Arrow's decimal arithmetic, as exact as Decimal's
        distance = pc.abs(pc.subtract(exact[1], exact[0]))
        bound = exact[2] if len(names) > 2 else pa.scalar(Decimal(str(tolerance)))
        return _verdicts(pc.less_equal(distance, bound), column_list.index)
    expected, observed = _decimals(column_list[names[0]]), _decimals(column_list[names[1]])
    if len(names) > 2:
        tolerances = _decimals(column_list[names[2]])
    else:
        tolerances = [Decimal(str(tolerance))] * len(expected)
    return pd.Series(
        [
            a is None or b is None or t is None or abs(b - a) <= t
            for a, b, t in zip(expected, observed, tolerances, strict=True)
        ],
        index=column_list.index,
    )


class ExpectColumnPairValuesToBeWithinTolerance(FailingRowsTable, MulticolumnMapExpectation):
    """column_list = [expected, observed] with ``tolerance``, or [expected, observed, tolerance column]."""

    tolerance: float | None = None
    ignore_row_if: str = "any_value_is_missing"
    map_metric: ClassVar[str] = "multicolumn_values.within_tolerance"
    success_keys: ClassVar[tuple] = ("mostly", "tolerance")

    @classmethod
    @renderer(renderer_type=LegacyRendererType.PRESCRIPTIVE)
    def _prescriptive_renderer(cls, configuration=None, result=None, runtime_configuration=None, **kwargs):
        kw = configuration.kwargs if configuration else {}
        columns = list(kw.get("column_list") or [])
        tolerance = columns[2] if len(columns) > 2 else kw.get("tolerance")
        block = _template(
            "|$observed − $expected| ≤ $tolerance",
            {
                "expected": columns[0] if columns else "",
                "observed": columns[1] if len(columns) > 1 else "",
                "tolerance": tolerance,
            },
        )
        return [*_formula_block(configuration), block]


# ── grade matches score band ────────────────────────────────────────────────────────────────


def band_of(score: Decimal | None, bands: list) -> str | None:
    """The level of the first band whose lowest score the score reaches (bands best first)."""
    if score is None:
        return None
    for level, lowest in bands:
        if score >= Decimal(str(lowest)):
            return level
    return bands[-1][0]


class MulticolumnGradeMatchesBand(MulticolumnMapMetricProvider):
    condition_metric_name = "multicolumn_values.grade_matches_band"
    condition_domain_keys = _DOMAIN_KEYS
    condition_value_keys = ("bands",)

    @multicolumn_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column_list, bands=None, **kwargs):
        names = list(column_list.columns)
        scores, grades = _decimals(column_list[names[0]]), _texts(column_list[names[1]])
        return pd.Series(
            [s is None or g == band_of(s, bands) for s, g in zip(scores, grades, strict=True)],
            index=column_list.index,
        )


class ExpectGradeToMatchScoreBand(FailingRowsTable, MulticolumnMapExpectation):
    """column_list = [score, grade]; bands = [[level, lowest score], …] best first."""

    bands: list[list[float | str]]
    ignore_row_if: str = "any_value_is_missing"
    map_metric: ClassVar[str] = "multicolumn_values.grade_matches_band"
    success_keys: ClassVar[tuple] = ("mostly", "bands")

    @classmethod
    @renderer(renderer_type=LegacyRendererType.PRESCRIPTIVE)
    def _prescriptive_renderer(cls, configuration=None, result=None, runtime_configuration=None, **kwargs):
        kw = configuration.kwargs if configuration else {}
        columns = list(kw.get("column_list") or ["", ""])
        bands = "，".join(f"{level} ≥ {lowest}" for level, lowest in kw.get("bands") or [])
        block = _template("$grade = band($score)：$bands", {"grade": columns[1], "score": columns[0], "bands": bands})
        return [*_formula_block(configuration), block]


# ── a reason where points were lost ─────────────────────────────────────────────────────────


class MulticolumnReasonWhenPointsLost(MulticolumnMapMetricProvider):
    condition_metric_name = "multicolumn_values.reason_when_points_lost"
    condition_domain_keys = _DOMAIN_KEYS
    condition_value_keys = ("blank_values", "missed_value")

    @multicolumn_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column_list, blank_values=None, missed_value=None, **kwargs):
        return reason_when_points_lost(column_list, blank_values, missed_value)


def reason_when_points_lost(column_list: pd.DataFrame, blank_values=None, missed_value=None) -> pd.Series:
    """Per row: no points lost (score < weight, or achievement = missed_value), or a reason given."""
    names = list(column_list.columns)
    blank = {""} | {str(v) for v in blank_values or []}

    def given(reason: str | None) -> bool:
        return reason is not None and reason.strip() not in blank

    lost = _points_lost(column_list, names, missed_value)
    passed = ~lost
    # the reasons are read (Python's strip) only where points were lost: a few rows of many
    passed[lost] = [given(reason) for reason in _texts(column_list[names[2]][lost])]
    return pd.Series(passed, index=column_list.index)


def _points_lost(column_list: pd.DataFrame, names: list[str], missed_value: str | None) -> np.ndarray:
    """Per row: score < weight, or its achievement (a fourth column) is ``missed_value``."""
    weights, scores = _exact(column_list[names[0]]), _exact(column_list[names[1]])
    outcomes = column_list[names[3]] if len(names) > 3 else None
    arrow_text = outcomes is None or (isinstance(outcomes.dtype, pd.ArrowDtype)
                                      and pa.types.is_string(outcomes.dtype.pyarrow_dtype))
    if weights is not None and scores is not None and arrow_text:
        lost = pc.fill_null(pc.less(scores, weights), False)
        if outcomes is not None and missed_value is not None:
            lost = pc.or_(lost, pc.fill_null(pc.equal(pa.array(outcomes.array), missed_value), False))
        return lost.to_numpy(zero_copy_only=False).astype(bool)
    weights, scores = _decimals(column_list[names[0]]), _decimals(column_list[names[1]])
    outcomes = _texts(outcomes) if outcomes is not None else [None] * len(weights)
    return np.array([
        (w is not None and s is not None and s < w) or (missed_value is not None and o == missed_value)
        for w, s, o in zip(weights, scores, outcomes, strict=True)
    ], dtype=bool)


class ExpectReasonWhenPointsLost(FailingRowsTable, MulticolumnMapExpectation):
    """column_list = [weight, score, reason(, achievement)]: a row with score < weight (or its
    achievement = missed_value) requires a reason not in blank_values."""

    blank_values: list[str] = pydantic.Field(default_factory=list)
    missed_value: str | None = None
    ignore_row_if: str = "never"
    map_metric: ClassVar[str] = "multicolumn_values.reason_when_points_lost"
    success_keys: ClassVar[tuple] = ("mostly", "blank_values", "missed_value")

    @classmethod
    @renderer(renderer_type=LegacyRendererType.PRESCRIPTIVE)
    def _prescriptive_renderer(cls, configuration=None, result=None, runtime_configuration=None, **kwargs):
        kw = configuration.kwargs if configuration else {}
        columns = list(kw.get("column_list") or ["", "", ""])
        missed = f" 或 {columns[3]} = {kw.get('missed_value')}" if len(columns) > 3 else ""
        block = _template(
            "$score < $weight$missed ⇒ $reason ∉ {$blank}",
            {"weight": columns[0], "score": columns[1], "reason": columns[2], "missed": missed,
             "blank": "、".join(["空", *(kw.get("blank_values") or [])])},
        )
        return [*_formula_block(configuration), block]


# ── built-ins, rendered with the rule's formula ─────────────────────────────────────────────


class ExpectColumnPairValuesAToBeAtLeastB(FailingRowsTable, gxe.ExpectColumnPairValuesAToBeGreaterThanB):
    @classmethod
    @renderer(renderer_type=LegacyRendererType.PRESCRIPTIVE)
    def _prescriptive_renderer(cls, configuration=None, result=None, runtime_configuration=None, **kwargs):
        kw = configuration.kwargs if configuration else {}
        sign = "≥" if kw.get("or_equal") else ">"
        where = f"（仅 {_condition_text(kw['row_condition'])} 的行）" if kw.get("row_condition") else ""
        block = _template(
            f"$column_A {sign} $column_B$where",
            {"column_A": kw.get("column_A"), "column_B": kw.get("column_B"), "where": where},
        )
        return [*_formula_block(configuration), block]


class ExpectColumnValuesToBeAtLeast(FailingRowsTable, gxe.ExpectColumnValuesToBeBetween):
    @classmethod
    @renderer(renderer_type=LegacyRendererType.PRESCRIPTIVE)
    def _prescriptive_renderer(cls, configuration=None, result=None, runtime_configuration=None, **kwargs):
        kw = configuration.kwargs if configuration else {}
        block = _template("$column ≥ $min_value", {"column": kw.get("column"), "min_value": kw.get("min_value")})
        return [*_formula_block(configuration), block]


class ExpectColumnPairValuesToBeEqualAsRead(FailingRowsTable, gxe.ExpectColumnPairValuesToBeEqual):
    @classmethod
    @renderer(renderer_type=LegacyRendererType.PRESCRIPTIVE)
    def _prescriptive_renderer(cls, configuration=None, result=None, runtime_configuration=None, **kwargs):
        kw = configuration.kwargs if configuration else {}
        block = _template("$column_A = $column_B", {"column_A": kw.get("column_A"), "column_B": kw.get("column_B")})
        return [*_formula_block(configuration), block]


# registry Expect.kind → expectation class
EXPECTATIONS: dict[str, type] = {
    "within_tolerance": ExpectColumnPairValuesToBeWithinTolerance,
    "grade_in_band": ExpectGradeToMatchScoreBand,
    "reason_when_points_lost": ExpectReasonWhenPointsLost,
    "a_at_least_b": ExpectColumnPairValuesAToBeAtLeastB,
    "between": ExpectColumnValuesToBeAtLeast,
    "pair_equal": ExpectColumnPairValuesToBeEqualAsRead,
}
