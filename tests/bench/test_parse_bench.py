"""bench.parse: the parse stage alone on the samples, in one process, with a sampled profile."""

from __future__ import annotations

from pathlib import Path

from bench import parse

RAW = Path(__file__).resolve().parents[2] / "raw"


def test_parse_bench_counts_the_samples_reports_and_profiles(capsys):
    files = parse.load(RAW)
    measured = parse.measure(files, repeat=1)
    # The four samples: 36 + 6 + 36 + 9 report tables (self-evaluation, tracking and target tables).
    assert (measured["files"], measured["reports"]) == (4, 87)
    assert measured["cpu_s"] > 0 and measured["reports_per_cpu_s"] == 87 / measured["cpu_s"]
    # Every result kept (the old way), or each packed for the loader as a worker does: the same reports.
    assert parse.measure(files, repeat=1, keep=True)["reports"] == 87
    assert parse.measure(files, repeat=1, pack=True)["reports"] == 87

    samples, own, inclusive = parse.profile(files, top=5)
    assert samples > 0 and len(own) <= 5 and len(inclusive) <= 5
    # Inclusive rows are the parser's own functions below its entry points, largest first.
    assert all(0 < share < 0.9 for share, _ in inclusive)
    assert [s for s, _ in inclusive] == sorted((s for s, _ in inclusive), reverse=True)
    assert all(".py:" in where and "parse_text" not in where for _, where in inclusive)

    assert parse.main(["--dir", str(RAW), "--repeat", "1"]) == 0
    printed = capsys.readouterr().out
    assert "4 files, 87 reports" in printed and "reports/s per core" in printed
    assert "each result freed, as a worker" in printed
    assert "parsers: plain Python (" in printed  # not a mypyc build (dagster_project/parsers/build.py)
