"""The cross-document checks on the corpus generator's triples: one project in a 绩效目标 table, a
tracking report and a self-evaluation, consistent except for the drift its truth records.

The whole path runs: generated files → parser and loader → dbt (marts, check rows) → GX. Each
recorded drift must be found where it is, and nothing else in the triples: a drift in the 绩效目标
table (the reference) shows on both other documents, a drift elsewhere on that document.
"""

from __future__ import annotations

from decimal import Decimal

import duckdb
import pytest
from conftest import dbt_build

from bench import corpus
from dagster_project.loading import load_directory
from expectations.checkpoint import run_quality_checks

CHECKS = ("target_changed_between_documents", "budget_initial_mismatch_across_documents")


@pytest.fixture(scope="module")
def triples(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("triples")
    raw = tmp / "raw"
    corpus.generate(4, raw, seed=11, workers=1, quiet=True, triples=12, drift_rate=0.5)
    db = tmp / "fiscal.duckdb"
    load_directory(raw, db)
    result = dbt_build(db, tmp)
    assert result.returncode == 0, result.stdout[-6000:]
    summary = run_quality_checks(db, None)
    with duckdb.connect(str(db), read_only=True) as con:
        found = con.execute(
            "SELECT check_name, source_file, line_no, expected_value, observed_value FROM quality.violations "
            "WHERE check_name IN (?, ?) ORDER BY ALL",
            list(CHECKS),
        ).fetchall()
    return corpus.read_truth(raw), found, summary


def _text(value: str) -> str:
    return f"{Decimal(value):.2f}" if value.replace(".", "").isdigit() else value


def expected_findings(truth) -> list[tuple]:
    """What each recorded drift should raise: (check, file, line, expected, observed)."""
    out = []
    for file in truth:
        for report in file["reports"]:
            for drift in report.get("injected") or []:
                if drift["check_name"] not in CHECKS:
                    continue
                docs = {d["report_type"]: d for d in drift["documents"]}
                reference = docs["target"]
                flagged = [docs["tracking"], docs["self_eval"]] if report["report_type"] == "target" else [
                    docs[report["report_type"]]]
                out += [(drift["check_name"], d["file"], d["line_no"], _text(reference["value"]), _text(d["value"]))
                        for d in flagged]
    return sorted(out)


def test_every_recorded_drift_is_found_and_nothing_else(triples):
    truth, found, _ = triples
    expected = expected_findings(truth)
    assert {e[0] for e in expected} == set(CHECKS)  # the corpus drifts in both ways
    assert found == expected


def test_consistent_triples_were_checked(triples):
    truth, _, summary = triples
    projects = {r["triple"]["id"] for f in truth for r in f["reports"] if "triple" in r}
    for check in CHECKS:
        # two non-reference documents per project are compared with its 绩效目标 table
        assert summary.by_check[check].evaluated_count >= 2 * len(projects) > summary.by_check[check].violation_count
