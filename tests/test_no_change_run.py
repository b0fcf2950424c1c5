"""A run with nothing to do costs next to nothing: same raw files, decisions file, bounds and code
as the published warehouse was built from → no parse, dbt, checks, report or publish."""

from __future__ import annotations

import dataclasses
import os
import re
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
from pipeline_helpers import ROOT, pipeline_env

from dagster_project.run_inputs import code_fingerprint, inputs_fingerprint
from dagster_project.settings import Limits, Settings


def test_a_run_with_nothing_changed_leaves_the_published_files_alone_and_says_so(sample_run, tmp_path):
    # The session's published run, copied with its files' sizes and modification times (copy2).
    shutil.copytree(sample_run.raw_dir, tmp_path / "raw")
    shutil.copytree(sample_run.db_path.parent, tmp_path / "warehouse")
    shutil.copytree(sample_run.report_dir, tmp_path / "reports")
    env = pipeline_env(tmp_path, tmp_path / "raw")
    db, report = Path(env["FISCAL_DB_PATH"]), Path(env["FISCAL_REPORT_DIR"]) / "quality" / "index.html"
    with duckdb.connect(str(db), read_only=True) as con:
        recorded = con.execute("select fingerprint, raw_fingerprint from raw.run_inputs").fetchall()
    assert len(recorded) == 1 and len(recorded[0][0]) == 64 and recorded[0][0] != recorded[0][1]
    before = [(p.stat().st_ino, p.stat().st_mtime_ns, p.stat().st_size) for p in (db, report)]

    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = subprocess.run([sys.executable, "-m", "dagster_project.run", "--timings"], check=False, cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=300)  # fmt: skip
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)

    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout.splitlines()
    assert out[0] == (f"fiscal: no change since {db} was published (same raw files, decisions file, "
                      "bounds and code): nothing to do")  # fmt: skip
    assert out[-3].split()[:2] == ["warehouse:", str(db)] and out[-2].split()[:2] == ["report:", str(report)]
    assert [(p.stat().st_ino, p.stat().st_mtime_ns, p.stat().st_size) for p in (db, report)] == before
    assert not [p.name for p in db.parent.iterdir() if ".build" in p.name]  # no build was started
    assert not (tmp_path / "dagster_home" / "storage").exists()  # Dagster never started a run
    log = (tmp_path / "dagster_home" / "logs" / "fiscal.log").read_text(encoding="utf-8")
    assert log.count(" INFO fiscal: no change since ") == 1
    # the whole cost, Python's start included: DuckDB opening the published file, hashing the folder
    # and the code (a full run of the samples costs ~60 s of CPU, loading Dagster alone ~8 s)
    cpu = sum(getattr(cpu_after, f) - getattr(cpu_before, f) for f in ("ru_utime", "ru_stime"))
    assert cpu < 3.0, cpu
    assert re.search(r"^  timing total: wall [\d.]+ s, cpu [\d.]+ s$", result.stdout, re.MULTILINE)


def _settings(tmp: Path, **changes) -> Settings:
    base = Settings(raw_dir=tmp / "raw", db_path=tmp / "w.duckdb", report_dir=tmp / "reports", parse_workers=1)
    return dataclasses.replace(base, **changes)


def test_the_fingerprint_changes_with_every_input_and_only_with_them(tmp_path):
    (tmp_path / "raw").mkdir()
    report = tmp_path / "raw" / "a.txt"
    report.write_text("报告\n", encoding="utf-8")
    settings = _settings(tmp_path)
    first = inputs_fingerprint(settings)
    assert inputs_fingerprint(settings) == first
    assert inputs_fingerprint(_settings(tmp_path, parse_workers=4)) == first  # workers change no result

    stat = report.stat()
    os.utime(report, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1))  # touched: read again
    assert inputs_fingerprint(settings) != first
    os.utime(report, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert inputs_fingerprint(settings) == first

    (tmp_path / "raw" / "b.txt").write_text("新\n", encoding="utf-8")  # added
    assert inputs_fingerprint(settings) != first
    (tmp_path / "raw" / "b.txt").unlink()
    assert inputs_fingerprint(settings) == first

    (tmp_path / "decisions.csv").write_text("发现编号,决定\n", encoding="utf-8")  # beside the raw folder
    assert inputs_fingerprint(settings) != first
    (tmp_path / "decisions.csv").unlink()

    assert inputs_fingerprint(_settings(tmp_path, limits=Limits(lines=1000))) != first  # another bound


def test_the_code_fingerprint_is_the_code_not_what_it_generates(tmp_path):
    model = tmp_path / "dbt" / "models" / "marts" / "fct_report.sql"
    model.parent.mkdir(parents=True)
    model.write_text("select 1 as report_id\n", encoding="utf-8")
    (tmp_path / "dbt" / "target").mkdir()
    (tmp_path / "dagster_project").mkdir()
    (tmp_path / "dagster_project" / "run.py").write_text("RUN = 1\n", encoding="utf-8")
    first = code_fingerprint(tmp_path)

    (tmp_path / "dbt" / "target" / "manifest.json").write_text("{}", encoding="utf-8")  # generated by dbt
    (tmp_path / "dagster_project" / "__pycache__").mkdir()
    (tmp_path / "dagster_project" / "__pycache__" / "run.cpython-312.pyc").write_bytes(b"\0")
    assert code_fingerprint(tmp_path) == first

    model.write_text("select 2 as report_id\n", encoding="utf-8")  # a changed model: rebuild
    assert code_fingerprint(tmp_path) != first
