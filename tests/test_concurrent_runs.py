"""Two runs of one warehouse at once, the sensor after them, and the lock that orders them.

Split from test_robustness (its `story` of runs) so the two module fixtures, each a few real
pipeline runs, go to different xdist workers and run side by side.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import dagster as dg
import pytest
from pipeline_helpers import ROOT, SAMPLES, VENV_BIN, finish, pipeline_env, run_pipeline, start
from test_robustness import SELF_EVAL_001, TRACKING_004, reports_per_file

from dagster_project import locking
from dagster_project.definitions import defs
from dagster_project.reporting.sheet_cache import CACHE_DIR
from dagster_project.run import prepare_home

# --- two runs at once, and the sensor after them ----------------------------------------


def lock_is_held(lock: Path) -> bool:
    if not lock.exists():
        return False
    with lock.open("rb") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(fh, fcntl.LOCK_UN)
        return False


@pytest.fixture(scope="module")
def concurrent(tmp_path_factory):
    """Two runs of 001 and 004 at once, 004 removed while the first holds the lock: (tmp, raw, first, second).

    The folder stays as the second run published it (001 only), except the module's last test, which runs again.
    """
    tmp = tmp_path_factory.mktemp("concurrent")
    raw = tmp / "raw"
    raw.mkdir()
    for name in (SELF_EVAL_001, TRACKING_004):
        shutil.copy2(SAMPLES / name, raw / name)
    lock = Path(pipeline_env(tmp, raw)["FISCAL_DB_PATH"] + ".lock")
    first = start(tmp, raw)
    deadline = time.monotonic() + 300
    while not lock_is_held(lock):
        assert first.poll() is None and time.monotonic() < deadline, "first run never took the lock"
        time.sleep(0.2)
    (raw / TRACKING_004).unlink()  # the second run sees a different folder
    second = start(tmp, raw)
    return tmp, raw, finish(first, tmp, raw), finish(second, tmp, raw)


def test_second_run_waits_for_the_first_and_publishes_the_folder_as_it_is(concurrent):
    _tmp, _raw, first, second = concurrent
    assert first.result.returncode == 0, first.result.stderr[-3000:]
    assert second.result.returncode == 0, second.result.stderr[-3000:]
    assert "waiting for the run building" in second.result.stdout + second.result.stderr
    # Every layer describes the same folder: 001 only.
    assert second.query("select source_file from raw.source_files") == [(SELF_EVAL_001,)]
    assert reports_per_file(second.db_path) == {SELF_EVAL_001: 6}
    assert second.scalar("select count(*) from quality.violations where source_file <> ?", [SELF_EVAL_001]) == 0
    html = (second.report_dir / "quality" / "index.html").read_text(encoding="utf-8")
    assert TRACKING_004 not in html
    leftovers = [p.name for p in second.db_path.parent.iterdir() if ".build" in p.name]
    # (the workbook's sheet cache is kept on purpose: reporting/sheet_cache.py)
    leftovers += [p.name for p in second.report_dir.iterdir() if p.name.startswith(".") and p.name != CACHE_DIR]
    assert leftovers == []


def test_sensor_skips_at_start_up_and_runs_when_the_folder_returns_to_an_earlier_state(concurrent, monkeypatch):
    tmp, raw, _first, _second = concurrent
    monkeypatch.setenv("FISCAL_RAW_DIR", str(raw))
    instance = dg.DagsterInstance.from_config(str(tmp / "dagster_home"))
    sensor = defs.resolve_sensor_def("raw_dir_sensor")

    def tick(cursor):
        result = sensor.evaluate_tick(dg.build_sensor_context(cursor=cursor, definitions=defs, instance=instance))
        return result, result.cursor

    at_start, cursor = tick(None)
    assert at_start.run_requests == [] and "unchanged since the last published run" in at_start.skip_message
    shutil.copy2(SAMPLES / TRACKING_004, raw / TRACKING_004)
    added, cursor = tick(cursor)
    (raw / TRACKING_004).unlink()  # back to the published state
    removed, cursor = tick(cursor)
    keys = [r.run_requests[0].run_key for r in (added, removed)]
    assert len(keys) == 2 and keys[0] != keys[1]
    assert json.loads(cursor)["changes"] == 2


READER = textwrap.dedent(
    """
    import sys, duckdb
    con = duckdb.connect(sys.argv[1], read_only=True)
    print(con.execute("select count(*) from marts.fct_report").fetchone()[0], flush=True)
    sys.stdin.readline()
    print(con.execute("select count(*) from marts.fct_indicator").fetchone()[0], flush=True)
    """
)


def test_rerun_with_an_analyst_connected_is_identical_and_does_not_fail(concurrent):
    """A third run of the same folder (001 only, as the second run published it): the last test of
    `concurrent`, since it publishes anew. Its dbt follows two runs of the same warehouse path."""
    tmp, raw, _first, published = concurrent
    marts = ("fct_report", "fct_project_fund", "fct_indicator")
    before = {m: sorted(published.query(f"select * from marts.{m}"), key=repr) for m in marts}

    reader = subprocess.Popen([sys.executable, "-c", READER, str(published.db_path)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline().strip() == "6"
        # a newer modification time, same content: a real run (nothing changed is skipped)
        os.utime(raw / SELF_EVAL_001, ns=(time.time_ns(), time.time_ns()))
        second = run_pipeline(tmp, raw)  # the analyst's read-only connection stays open
        out, _ = reader.communicate("done\n", timeout=60)
    finally:
        reader.kill()
    assert second.result.returncode == 0, second.result.stderr[-3000:]
    assert "no change since" not in second.result.stdout  # a real run, not the no-change shortcut
    assert out.strip() == "57"  # the open connection still reads a complete warehouse
    assert {m: sorted(second.query(f"select * from marts.{m}"), key=repr) for m in marts} == before
    # dbt saw the same database path both times (assets/dbt.py): the second run reused the parse
    log = (tmp / "dagster_home" / "logs" / "fiscal.log").read_text(encoding="utf-8")
    second_dbt = log[log.rindex("Running dbt command") :]
    assert "Unable to do partial parsing" not in second_dbt


def test_dagster_queues_a_second_run_of_the_job(tmp_path):
    prepare_home(tmp_path)  # the instance config make run / make dev write
    instance = dg.DagsterInstance.from_config(str(tmp_path))
    limits = instance.get_concurrency_config().run_queue_config.tag_concurrency_limits
    tags = defs.resolve_job_def("fiscal_full_build").tags
    assert [(limit["key"], limit["limit"]) for limit in limits] == [("fiscal/warehouse", 1)]
    assert "fiscal/warehouse" in tags


HOLD_LOCK = (
    "import sys, pathlib; from dagster_project import locking; "
    "locking.acquire(pathlib.Path(sys.argv[1]), 'run A'); print('held', flush=True); sys.stdin.readline()"
)


def test_a_run_that_cannot_get_the_lock_in_time_names_the_holder(tmp_path):
    db = tmp_path / "fiscal.duckdb"
    holder = subprocess.Popen(
        [str(VENV_BIN / "python"), "-c", HOLD_LOCK, str(db)],
        cwd=ROOT, env=pipeline_env(tmp_path, tmp_path), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(locking.WarehouseBusy, match="run A, pid"):
            locking.acquire(db, "run B", timeout=0.5, log=lambda _: None)
        holder.communicate("done\n", timeout=30)
        locking.acquire(db, "run B", timeout=5)  # free again once the holder is gone
        assert locking.holder(db).startswith("run B")
    finally:
        holder.kill()
        locking.release(db)
