"""The quality step stays lean: GX judges a slim numeric frame, details come from DuckDB.

The rules' findings themselves are covered by ``test_rules.py``; these tests pin
how the rows travel (only the compared columns go to GX, the failing rows'
context is joined back from DuckDB, a broken rule does not hide the others, and
no scratch table is left in the warehouse).
"""

from __future__ import annotations

import dataclasses

import duckdb
import pandas as pd
import pytest
from test_rules import _merge, failing_marts, passing_marts

from expectations import checkpoint
from expectations.checkpoint import judged_columns, run_quality_checks
from expectations.rules import all_rules


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory, marts_writer):
    folder = tmp_path_factory.mktemp("lean")
    return marts_writer(folder / "fiscal.duckdb", _merge(passing_marts(), failing_marts()))


def _violations(db) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT * FROM quality.violations ORDER BY ALL").fetchall()


def test_gx_gets_only_the_compared_columns(warehouse, monkeypatch):
    seen = []
    validate = checkpoint.validate

    def spy(rows, rules, docs_dir):
        seen.append(rows)
        return validate(rows, rules, docs_dir)

    monkeypatch.setattr(checkpoint, "validate", spy)
    summary = run_quality_checks(warehouse, None)
    (frame,) = seen
    assert list(frame.columns) == ["check_name", "abs_diff", "tolerance", "expected_text", "observed_text"]
    assert isinstance(frame["check_name"].dtype, pd.CategoricalDtype)
    assert frame["abs_diff"].dtype == "float64" and frame["tolerance"].dtype == "float64"
    assert len(frame) == sum(c.evaluated_count for c in summary.checks)
    # each rule's rows are a contiguous block, in rule order
    order = [c.check_name for c in summary.checks if c.evaluated_count]
    assert list(dict.fromkeys(frame["check_name"].astype(str))) == order
    # text columns are only filled for the rules comparing texts
    numeric = {r.check_name for r in all_rules() if judged_columns(r) == ["tolerance", "abs_diff"]}
    assert frame.loc[frame["check_name"].isin(numeric), ["expected_text", "observed_text"]].isna().all().all()


def test_judged_columns_follow_the_expectations():
    judged = {rule.check_name: judged_columns(rule) for rule in all_rules()}
    assert judged["fund_total_mismatch"] == ["tolerance", "abs_diff"]
    assert judged["grade_mismatch"] == ["expected_text", "observed_text"]
    assert judged["missing_deviation_reason"] == ["observed_text"]


def test_no_scratch_tables_left(warehouse):
    run_quality_checks(warehouse, None)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        names = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        databases = {r[0] for r in con.execute("SELECT database_name FROM duckdb_databases()").fetchall()}
    assert not {n for n in names if n.startswith("q_check_")}
    assert checkpoint.SCRATCH_DB not in databases


def test_a_broken_rule_does_not_hide_the_others(warehouse, monkeypatch):
    run_quality_checks(warehouse, None)
    expected = [v for v in _violations(warehouse) if v[0] != "score_sum_mismatch"]

    def rules_with_a_broken_one():
        rules = all_rules()
        index = next(i for i, r in enumerate(rules) if r.check_name == "score_sum_mismatch")
        broken = dataclasses.replace(rules[index])
        broken.__dict__["sql"] = "SELECT * FROM no_such_table"  # the cached_property's slot
        rules[index] = broken
        return rules

    monkeypatch.setattr(checkpoint, "all_rules", rules_with_a_broken_one)
    summary = run_quality_checks(warehouse, None)
    broken = summary.by_check["score_sum_mismatch"]
    assert broken.error and "no_such_table" in broken.error
    assert broken.evaluated_count == broken.violation_count == 0 and not broken.success
    assert _violations(warehouse) == expected
    assert all(c.error is None for c in summary.checks if c.check_name != "score_sum_mismatch")
