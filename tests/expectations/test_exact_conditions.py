"""GX's custom conditions judge Arrow decimal columns with Arrow's arithmetic and give the verdicts
the value-by-value Python path gives (gx_rules.py); a result's JSON is GX's own text (gx_run.py)."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pyarrow as pa

from expectations import gx_import

D = Decimal


def _frames(columns: dict[str, pa.Array]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows as the check rows reach GX (Arrow dtypes), and as Python objects (the fallback)."""
    arrow = pa.table(columns).to_pandas(types_mapper=pd.ArrowDtype)
    arrow.index = pd.RangeIndex(400_000, 400_000 + len(arrow))  # a later chunk's row numbers
    return arrow, arrow.astype(object)


def _gx_rules():
    gx_import.load()  # GX as the quality step imports it
    from expectations import gx_rules

    return gx_rules


def test_within_tolerance_arrow_and_python_agree_to_the_cent():
    gx_rules = _gx_rules()
    amounts = pa.decimal128(18, 2)
    arrow, python = _frames({
        "expected_yuan": pa.array([D("100.00"), D("100.00"), None, D("-5.00"), D("999999999999999.99")], amounts),
        "observed_yuan": pa.array([D("100.01"), D("100.02"), D("1.00"), D("-5.01"), D("-999999999999999.99")], amounts),
        "tolerance_yuan": pa.array([D("0.01"), D("0.01"), D("0.00"), D("0.00"), D("0.01")], amounts),
    })
    assert gx_rules._exact(arrow["expected_yuan"]) is not None and gx_rules._exact(python["expected_yuan"]) is None
    by_column = [True, False, True, False, False]  # |B − A| ≤ tolerance; a missing value passes
    assert gx_rules.within_tolerance(arrow).tolist() == gx_rules.within_tolerance(python).tolist() == by_column
    assert gx_rules.within_tolerance(arrow).index.tolist() == list(range(400_000, 400_005))
    # a constant tolerance (float parameter, read as its printed decimal) against 4-place rates
    rates = pa.decimal128(18, 4)
    arrow, python = _frames({"expected_rate_pct": pa.array([D("80.0000"), D("80.0000"), D("80.0000")], rates),
                             "observed_rate_pct": pa.array([D("80.0500"), D("80.0501"), D("79.9500")], rates)})
    assert gx_rules.within_tolerance(arrow, 0.05).tolist() == gx_rules.within_tolerance(python, 0.05).tolist() \
        == [True, False, True]


def test_points_lost_need_a_reason_arrow_and_python_agree():
    gx_rules = _gx_rules()
    points = pa.decimal128(18, 4)
    arrow, python = _frames({
        "weight": pa.array([D("10"), D("10"), D("10"), D("10"), None, D("10")], points),
        "score": pa.array([D("9.5"), D("9.5"), D("10"), D("10"), D("3"), D("10")], points),
        "observed_reason": pa.array(["进度滞后", " 无 ", None, "", None, None], pa.string()),
        "achievement": pa.array(["达成", "达成", "未达成", "达成", "达成", None], pa.string()),
    })
    # lost points with a reason; a blank word; missed target, no reason; nothing lost; no weight; nothing lost
    expected = [True, False, False, True, True, True]
    for frame in (arrow, python):
        assert gx_rules.reason_when_points_lost(frame, ["无"], "未达成").tolist() == expected


def test_a_result_with_failing_rows_is_serialised_as_gx_does(tmp_path):
    gx_run = gx_import.load()
    from great_expectations.core.expectation_validation_result import (
        ExpectationSuiteValidationResult,
        ExpectationValidationResult,
    )

    rows = {"source_file": ["a.txt", "b \"q\" 文.txt"], "line_no": [3, 70], "check_row": [11, 2**40 + 5]}
    result = ExpectationSuiteValidationResult(
        success=False, suite_name="chk_x_suite", results=[ExpectationValidationResult(success=False, result={
            "element_count": 9, "unexpected_count": 2, "unexpected_index_list": [rows],
            "partial_unexpected_index_list": [{k: v[:1] for k, v in rows.items()}], "details": {"n": [1.5]},
        })], statistics={"evaluated_expectations": 1}, meta={"batch_markers": {"judged_rows": "every check row (9)"}},
    )
    store = gx_run.build_context().validation_results_store
    with gx_run._no_profiler_lookup():
        gx_text = store.serialize(result)
    ours = gx_run._serialised(store, result)
    assert ours == gx_text and '"check_row": [\n' in ours
    assert result.results[0].result["unexpected_index_list"] == [rows]  # the result itself unchanged
