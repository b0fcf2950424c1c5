"""The benchmark runs end to end at a tiny size and writes sensible numbers.

Only the Python-side stages (floors, parse, load): dbt, the quality checks,
the report and the Dagster run each cost several seconds of start-up and are
exercised by the pipeline tests; `make bench` runs them all.
"""

from __future__ import annotations

import json

from bench import run

STAGES = ("floor_duckdb", "floor_python", "parse", "parse_1core", "load", "load_only")


def test_bench_smoke(tmp_path, capsys):
    rc = run.main(
        [
            "--sizes", "100",
            "--stages", ",".join(STAGES),
            "--no-dagster",
            "--single-cap", "50",  # parse_1core and load_only on the files of the first ~50 reports
            "--corpus-dir", str(tmp_path / "corpus"),
            "--work-dir", str(tmp_path / "work"),
            "--results-dir", str(tmp_path / "results"),
        ]
    )  # fmt: skip
    assert rc == 0
    printed = capsys.readouterr().out
    assert "parse / DuckDB read_csv floor" in printed

    (path,) = (tmp_path / "results").glob("*.json")
    doc = json.loads(path.read_text(encoding="utf-8"))
    (result,) = doc["results"]
    assert result["n"] == 100 and result["corpus"]["reports"] == 100
    rows = {r["stage"]: r for r in result["stages"]}
    assert set(STAGES) <= set(rows)
    for stage in STAGES:
        row = rows[stage]
        assert row["status"] == "ok", (stage, row["note"])
        assert row["wall_s"] > 0 and row["reports_per_s"] > 0 and row["mb_per_s"] > 0, row
        assert row["peak_mb"] is not None and row["peak_mb"] > 0, row
    assert rows["load"]["extra"]["rows"]["reports"] > 0
    for stage in ("parse_1core", "load_only"):  # a prefix: whole files holding at least 50 reports
        assert 50 <= rows[stage]["n_reports"] < 100, rows[stage]
    assert rows["load_only"]["extra"]["rows"]["reports"] == rows["load_only"]["n_reports"]
    assert result["parse_over_floor"] > 0
    assert "parse_reports_per_s_per_core" in doc["targets"]


def test_big_sizes_run_only_the_make_runs(tmp_path, capsys):
    """Above --runs-only-above only e2e_dagster runs; with --no-dagster such a size is skipped whole
    (no 100k corpus generated for nothing)."""
    args = run.argparse.Namespace(stages=list(run.ALL_STAGES), runs_only_above=10_000, no_dagster=False)
    assert run.stages_at(10_000, args) == set(run.ALL_STAGES)
    assert run.stages_at(100_000, args) == {"e2e_dagster"}
    args.no_dagster = True
    assert run.stages_at(100_000, args) == set()
    assert run.stages_at(1_000, args) == set(run.ALL_STAGES) - {"e2e_dagster"}

    rc = run.main(["--sizes", "100000", "--runs-only-above", "10000", "--no-dagster",
                   "--corpus-dir", str(tmp_path / "corpus"), "--work-dir", str(tmp_path / "work"),
                   "--results-dir", str(tmp_path / "results")])  # fmt: skip
    assert rc == 0
    assert "100000 reports: nothing to run" in capsys.readouterr().out
    assert not (tmp_path / "corpus").exists() and not (tmp_path / "results").exists()
