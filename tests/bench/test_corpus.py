"""The synthetic corpus: deterministic, self-consistent ground truth, and the real parser agrees with it.

Generates ~50 report tables (self-evaluation, tracking and a department budget
with 绩效目标 tables) into a temporary folder, parses every file with
``dagster_project.parsers.parse_file`` and compares with the truth written by
the generator.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from bench import corpus
from bench.compare import compare_file, summarise

N = 50
FAMILIES = ("self_eval", "tracking", "budget")


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> tuple[Path, list[dict]]:
    out = tmp_path_factory.mktemp("corpus") / "c"
    corpus.generate(N, out, seed=7, inject_rate=0.2, workers=1, quiet=True, cycle=FAMILIES)
    return out, corpus.read_truth(out)


@pytest.fixture(scope="module")
def parsed(generated) -> dict[str, tuple[dict, object]]:
    from dagster_project.parsers import parse_file  # here, so the generator tests run even if it breaks

    out, truth = generated
    return {t["file"]: (t, parse_file(out / t["file"], t["file"])) for t in truth}


def _diffs(parsed, family: str, aspects: set[str]) -> list[dict]:
    diffs = [d for t, r in parsed.values() if t["family"] == family for d in compare_file(t, r)]
    return [d for d in diffs if d["aspect"] in aspects]


# ---------------------------------------------------------------- the generator itself


def test_counts_reports_not_files(generated):
    out, truth = generated
    manifest = json.loads((out / ".manifest.json").read_text(encoding="utf-8"))
    assert sum(len(t["reports"]) for t in truth) == N == manifest["reports"]
    assert {t["family"] for t in truth} == set(FAMILIES)
    assert {r["report_type"] for t in truth for r in t["reports"]} == {"self_eval", "tracking", "target"}
    # the truth files are hidden, so the loader's discover() never takes them for reports
    assert all(p.name.startswith(".") for p in out.iterdir() if p.is_file())


def test_deterministic(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    corpus.generate(40, a, seed=3, workers=1, quiet=True)
    corpus.generate(40, b, seed=3, workers=2, quiet=True)
    files = sorted(p.relative_to(a) for p in a.rglob("*.txt"))
    assert files == sorted(p.relative_to(b) for p in b.rglob("*.txt"))
    assert all((a / f).read_bytes() == (b / f).read_bytes() for f in files)
    assert (a / ".truth.jsonl").read_bytes() == (b / ".truth.jsonl").read_bytes()


def test_truth_obeys_the_rules_except_where_injected(generated):
    """Clean reports satisfy DOMAIN.md's rules; each injected one breaks the rule it names."""
    _out, truth = generated
    checked = injected = 0
    for t in truth:
        for r in t["reports"]:
            kinds = {i["check_name"] for i in r["injected"]}
            injected += len(kinds)
            if r["report_type"] != "self_eval":
                continue
            f = r["funds"]
            tot = f["total"]
            parts = [f[k] for k in ("current_year_appropriation", "carryover", "other")]
            executed_ok = all(p["executed"] is not None for p in parts) and Decimal(tot["executed"]) == sum(
                Decimal(p["executed"]) for p in parts
            )
            rate = Decimal(tot["executed"]) / Decimal(tot["budget_adjusted"]) * 100
            rate_ok = abs(rate - Decimal(tot["execution_rate_pct"])) <= Decimal("0.05")
            score_ok = abs(
                Decimal(tot["weight"]) * min(Decimal(tot["execution_rate_pct"]), Decimal(100)) / 100
                - Decimal(tot["score"])
            ) <= Decimal("0.05")
            wsum = Decimal(tot["weight"]) + sum(Decimal(i["weight"]) for i in r["indicators"])
            ssum = Decimal(tot["score"]) + sum(Decimal(i["score"]) for i in r["indicators"])
            exceeds = any(Decimal(i["score"]) > Decimal(i["weight"]) for i in r["indicators"])
            no_reason = any(
                Decimal(i["score"]) < Decimal(i["weight"]) and not i["deviation_reason"]
                for i in r["indicators"]
            )
            if "fund_total_mismatch" not in kinds and all(p["executed"] is not None for p in parts):
                assert executed_ok, r["project_name"]
            assert rate_ok == ("execution_rate_mismatch" not in kinds)
            assert score_ok == ("fund_score_mismatch" not in kinds)
            assert (wsum == Decimal(r["total_weight"])) == ("weight_sum_mismatch" not in kinds)
            assert (ssum == Decimal(r["total_score"])) == ("score_sum_mismatch" not in kinds)
            assert exceeds == ("score_exceeds_weight" in kinds)
            assert no_reason == ("missing_deviation_reason" in kinds)
            checked += 1
    assert checked > 10 and injected > 0


# ---------------------------------------------------------------- the real parser against the truth


@pytest.mark.parametrize("family", ["self_eval", "tracking"])
def test_parser_report_counts_and_types(parsed, family):
    assert _diffs(parsed, family, {"report_count", "report_missing", "report_type"}) == []


@pytest.mark.parametrize("family", ["self_eval", "tracking"])
def test_parser_project_unit_year(parsed, family):
    assert _diffs(parsed, family, {"project_name", "money_unit", "fiscal_year"}) == []


@pytest.mark.parametrize("family", ["self_eval", "tracking"])
def test_parser_fund_values(parsed, family):
    diffs = _diffs(parsed, family, {"fund_row", "fund_value"})
    assert diffs == [], summarise(diffs)


@pytest.mark.parametrize("family", ["self_eval", "tracking"])
def test_parser_indicators(parsed, family):
    diffs = _diffs(parsed, family, {"indicator_count", "indicator_names"})
    assert diffs == [], diffs[:5]


def test_parser_totals(parsed):
    assert _diffs(parsed, "self_eval", {"total_weight", "total_score"}) == []


def test_parser_targets(parsed):
    """绩效目标 tables inside budget documents: count, names, indicators."""
    diffs = _diffs(
        parsed,
        "budget",
        {"report_count", "report_type", "project_name", "indicator_count", "indicator_names"},
    )
    assert diffs == [], diffs[:5]


def test_parser_budget_tables(parsed):
    diffs = _diffs(parsed, "budget", {"budget_table_count", "budget_table_titles", "budget_cell_count"})
    assert diffs == [], diffs[:3]
