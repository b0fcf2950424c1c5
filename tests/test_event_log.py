"""Dagster's run history through run.py's dagster.yaml: FastSqliteEventLogStorage, same files, same events."""

from __future__ import annotations

import dagster as dg
from dagster._core.storage.event_log import SqliteEventLogStorage

from dagster_project.event_log import FastSqliteEventLogStorage
from dagster_project.run import prepare_home


@dg.op
def one(context) -> int:
    context.log.info("counted")
    return 1


@dg.job
def tiny():
    one()


def test_the_home_run_py_writes_keeps_the_run_history_in_dagsters_files(tmp_path):
    home = tmp_path / "home"
    prepare_home(home)
    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert type(instance.event_log_storage) is FastSqliteEventLogStorage
        runs = [tiny.execute_in_process(instance=instance).run_id]
        for run_id in runs:
            types = [r.event_log_entry.dagster_event_type for r in instance.get_records_for_run(run_id).records]
            assert types.count(dg.DagsterEventType.STEP_SUCCESS) == 1
            assert types[-1] == dg.DagsterEventType.RUN_SUCCESS
    # Dagster's own storage reads the same files: each run's shard and the index
    assert sorted(p.stem for p in (home / "history" / "runs").glob("*.db")) == sorted([*runs, "index"])
    with dg.DagsterInstance.from_config(str(home)) as again:
        plain = SqliteEventLogStorage(str(home / "history" / "runs"))
        assert len(plain.get_records_for_run(runs[0]).records) == len(again.get_records_for_run(runs[0]).records) > 5


def test_few_shard_files_stay_open(tmp_path):
    storage = FastSqliteEventLogStorage(str(tmp_path))
    storage.keep_engines = 2
    for n in range(4):
        with storage.run_connection(f"run{n}") as conn:
            conn.exec_driver_sql("select 1")
    assert list(storage._engines) == ["run2", "run3"]  # the latest two
    storage.wipe()  # deletes the run files: their engines go first
    assert set(storage._engines) <= {"index"}
    assert [p.name for p in tmp_path.glob("run*.db")] == []
