"""`make run` as an operator sees it: a short account, the paths at the end, the details in a log."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from pipeline_helpers import ROOT, SAMPLES, pipeline_env

from dagster_project.assets.dbt import PARTIAL_PARSE, dbt_target, run_target_path
from dagster_project.resources import dbt_resource


def test_run_prints_a_short_account_ending_with_the_paths(sample_run):
    out = sample_run.result.stdout.splitlines()
    assert 5 <= len(out) <= 12, sample_run.result.stdout
    assert out[0].startswith("fiscal: building ")
    stages = "\n".join(out[1:-4])
    assert "parse and load: 4 files (4 parsed, 0 unchanged, 0 removed)" in stages
    assert "dbt build: " in stages and "(0 failed)" in stages
    assert "quality checks: " in stages and " violations (findings, not failures)" in stages
    assert "quality report: 13 errors, 41 warnings" in stages
    assert out[-4].startswith("fiscal: done in ")
    assert out[-3].split()[:2] == ["warehouse:", str(sample_run.db_path)]
    assert out[-2].split()[:2] == ["report:", str(sample_run.report_dir / "quality" / "index.html")]
    assert out[-1].split()[0] == "log:"
    combined = sample_run.result.stdout + sample_run.result.stderr
    assert "\x1b[" not in combined  # no colour codes in piped output
    assert "DEBUG" not in combined
    assert "Warning" not in sample_run.result.stderr, sample_run.result.stderr[-3000:]
    assert "dagster.yaml" not in sample_run.result.stderr


def test_dagster_logs_at_info_to_a_file_in_its_home(sample_run):
    home = sample_run.db_path.parent.parent / "dagster_home"
    assert (home / "dagster.yaml").read_text(encoding="utf-8").count("enabled: false") == 1  # telemetry off
    assert "class: ReusingSqliteEventLogStorage" in (home / "dagster.yaml").read_text(encoding="utf-8")
    log = (home / "logs" / "fiscal.log").read_text(encoding="utf-8")
    assert " INFO " in log and " DEBUG " not in log
    assert "Running dbt command" in log  # dbt's output is in the log, not on the console
    assert "(dbt started early)" in log and "Completed successfully" in log  # dbt_warm.py's process ran the build


def test_dbt_run_folders_are_bounded_and_reuse_the_parse(tmp_path):
    runs = tmp_path / "runs"
    made = []
    for n in range(6):
        target = run_target_path(f"{n:08d}-run", runs_dir=runs, keep=3)
        assert target.is_dir()
        if n:
            assert (target / PARTIAL_PARSE).read_bytes() == b"parse of run %d" % (n - 1)
        (target / PARTIAL_PARSE).write_bytes(b"parse of run %d" % n)
        os.utime(target, (1_000_000 + n, 1_000_000 + n))  # mtimes in run order, whatever the clock
        made.append(target.name)
    assert sorted(p.name for p in runs.iterdir()) == made[-3:]


def test_the_dbt_resource_knows_the_version_of_the_dbt_it_runs_without_asking_it():
    """The run no longer asks `dbt --version` (a Python start): the version it assumes is the executable's."""
    dbt = dbt_resource()
    printed = subprocess.run([dbt.dbt_executable, "--version"], capture_output=True, text=True, check=True).stdout
    assert re.search(r"installed:\s*(\S+)", printed).group(1) == str(dbt._cli_version)
    assert dbt._initialize_dbt_core_adapter(["build"]) is None  # no adapter built in the Dagster process


def test_dbt_run_folders_go_where_the_operator_says(tmp_path, monkeypatch):
    monkeypatch.setenv("FISCAL_DBT_RUNS_DIR", str(tmp_path / "worker_runs"))  # what each pytest -n worker gets
    assert run_target_path("abcdef12-3456") == tmp_path / "worker_runs" / "abcdef12"
    assert [p.name for p in (tmp_path / "worker_runs").iterdir()] == ["abcdef12"]


def test_the_parse_seed_is_the_newest_made_for_the_same_database_path(tmp_path):
    runs = tmp_path / "runs"
    for n, path in enumerate(["/w/a.duckdb.build", "/w/b.duckdb.build"]):
        target = run_target_path(f"{n:08d}-run", runs_dir=runs, profile_path=path, fallback=None)
        (target / PARTIAL_PARSE).write_bytes(path.encode())
        os.utime(target, (1_000_000 + n, 1_000_000 + n))
    again = run_target_path("00000002-run", runs_dir=runs, profile_path="/w/a.duckdb.build", fallback=None)
    assert (again / PARTIAL_PARSE).read_bytes() == b"/w/a.duckdb.build"  # not the newer run's, made for b
    make_parse = tmp_path / "make_parse.msgpack"
    make_parse.write_bytes(b"make")
    first = run_target_path("00000003-run", runs_dir=tmp_path / "fresh", fallback=make_parse)
    assert (first / PARTIAL_PARSE).read_bytes() == b"make"  # no run yet: `make`'s own parse


def test_dbt_sees_the_build_file_under_a_fixed_name(tmp_path, monkeypatch):
    import duckdb

    monkeypatch.delenv("FISCAL_DB_PATH", raising=False)
    build = tmp_path / "fiscal.duckdb.build-1234"
    duckdb.connect(str(build)).close()
    alias = tmp_path / "fiscal.duckdb.build"
    with dbt_target(build, alias=alias) as seen:
        assert seen == alias and os.environ["FISCAL_DB_PATH"] == str(alias)
        assert alias.is_symlink() and alias.resolve() == build.resolve()
        with duckdb.connect(str(seen)) as con:  # what dbt does: write through the fixed name
            con.execute("create table t as select 42 as answer")
    assert not alias.exists() and not alias.is_symlink() and "FISCAL_DB_PATH" not in os.environ
    assert sorted(p.name for p in tmp_path.iterdir()) == [build.name]  # no WAL left beside the link
    with duckdb.connect(str(build), read_only=True) as con:
        assert con.execute("select answer from t").fetchone() == (42,)


def test_a_run_that_cannot_run_exits_non_zero_and_says_why(tmp_path):
    env = pipeline_env(tmp_path, SAMPLES)
    blocker = tmp_path / "not_a_folder"
    blocker.write_text("a file where the warehouse folder should be", encoding="utf-8")
    env["FISCAL_DB_PATH"] = str(blocker / "fiscal.duckdb")
    result = subprocess.run(
        [sys.executable, "-m", "dagster_project.run"], cwd=ROOT, env=env,
        capture_output=True, text=True, timeout=600, check=False,
    )
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-2:]  # the cause is in the last lines, not only in the log
    assert last[0].startswith("fiscal: the run failed after") and "raw_tables: " in last[0]
    assert "FileExistsError: [Errno 17] File exists: " in last[0] and "not_a_folder" in last[0]
    assert "dagster._core" not in last[0]  # the cause, not Dagster's wrapper
    assert last[1].lstrip().startswith("log: ")


@pytest.fixture
def full_disk(tmp_path):
    """A 1 MB file system (tmpfs), for a warehouse that cannot fit; skipped where mounting is not allowed."""
    mount = tmp_path / "full"
    mount.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)],
                          capture_output=True, check=False) if os.geteuid() == 0 else None
    if made is None or made.returncode != 0:
        pytest.skip("cannot mount a small file system here (needs root)")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_is_named_on_the_console(tmp_path, full_disk):
    env = pipeline_env(tmp_path, SAMPLES)
    env["FISCAL_DB_PATH"] = str(full_disk / "fiscal.duckdb")
    result = subprocess.run(
        [sys.executable, "-m", "dagster_project.run"], cwd=ROOT, env=env,
        capture_output=True, text=True, timeout=600, check=False,
    )
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-2:]
    assert last[0].startswith("fiscal: the run failed after") and "No space left on device" in last[0], last
    assert not (full_disk / "fiscal.duckdb").exists()  # nothing published


def test_our_unedited_dagster_yaml_is_brought_up_to_date_an_edited_one_stays(tmp_path):
    from dagster_project.run import _EARLIER_YAML, prepare_home

    for home, extra in ((tmp_path / "ours", ""), (tmp_path / "edited", "# the operator's line\n")):
        home.mkdir()
        earlier = _EARLIER_YAML.format(log_file=(home / "logs" / "fiscal.log").as_posix(), storage_dir="") + extra
        (home / "dagster.yaml").write_text(earlier, encoding="utf-8")
        prepare_home(home)
        now = (home / "dagster.yaml").read_text(encoding="utf-8")
        assert now == earlier if extra else f'base_dir: "{(home / "storage").as_posix()}"' in now


def test_gx_is_imported_while_dbt_builds_once_the_load_changed_files():
    """run.py imports GX in a background thread when the load step ends with changed files (dbt then
    runs in its own process), so the quality step finds it imported; with no changed file it does not."""
    import io
    import threading
    import time

    from dagster_project.run import Progress

    progress = Progress(io.StringIO(), time.monotonic())
    progress.metadata["raw_tables"]["raw/source_files"] = {"files_parsed": 0, "files_removed": 0}
    progress.preload_checks("raw_tables")
    assert not [t for t in threading.enumerate() if t.name == "gx-preload"]
    progress.metadata["raw_tables"]["raw/source_files"] = {"files_parsed": 1, "files_removed": 0}
    progress.preload_checks("raw_tables")
    for thread in [t for t in threading.enumerate() if t.name == "gx-preload"]:
        thread.join(timeout=300)
    assert "expectations.gx_run" in sys.modules and "great_expectations" in sys.modules


def test_the_instance_holds_each_materialization_with_its_provenance(sample_run):
    """What the UI shows of the run, read back through Dagster (event_log.py stores it): each asset's
    latest materialization is the run's, with a data version; each input it names is its parent's
    latest materialization (by storage id and data version), as is each check's target."""
    import dagster as dg
    from dagster._core.definitions.data_version import DATA_VERSION_TAG

    home = sample_run.db_path.parent.parent / "dagster_home"
    with dg.DagsterInstance.from_config(str(home)) as instance:
        (run,) = instance.get_runs()
        events = [r.event_log_entry.dagster_event for r in instance.get_records_for_run(run.run_id).records]
        materialized = [
            e.asset_key for e in events if e and e.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION
        ]
        latest = {key: instance.fetch_materializations(key, limit=1).records[0] for key in materialized}
        assert len(latest) == len(materialized) > 80  # each asset once (87 here): dbt's models and seeds among them
        pointers = 0
        for key, record in latest.items():
            assert record.run_id == run.run_id
            tags = record.asset_materialization.tags
            assert tags[DATA_VERSION_TAG]
            for tag, storage_id in tags.items():
                if tag.startswith("dagster/input_event_pointer/") and storage_id != "NULL":
                    parent = dg.AssetKey.from_user_string(tag.split("/", 2)[2])
                    assert int(storage_id) == latest[parent].storage_id, (key, parent)
                    assert (
                        tags[f"dagster/input_data_version/{parent.to_user_string()}"]
                        == (latest[parent].asset_materialization.tags[DATA_VERSION_TAG])
                    )
                    pointers += 1
        assert pointers > 100  # 205 here: most models are built from assets of the same run
        checks = [
            e.event_specific_data
            for e in events
            if e and e.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION
        ]
        targeted = [c for c in checks if c.target_materialization_data]
        assert len(targeted) == len(checks) > 80  # each check (86 here) names the materialization it checked
        assert all(
            c.target_materialization_data.storage_id == latest[c.asset_key].storage_id for c in targeted
        )
        # the planned events Dagster stores when it creates the run (one batch: event_log.py) are all
        # there, and each check's planned execution was then resolved by its evaluation
        planned = {
            e.asset_key
            for e in events
            if e and e.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION_PLANNED
        }
        assert planned >= set(materialized)
        assert instance.get_latest_planned_materialization_info(materialized[0]).run_id == run.run_id
        planned_checks = {
            e.event_specific_data.asset_check_key
            for e in events
            if e and e.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION_PLANNED
        }
        assert planned_checks >= {c.asset_check_key for c in checks}
        history = instance.event_log_storage.get_asset_check_execution_history
        for check in checks:
            (execution,) = history(check.asset_check_key, limit=1)
            status = "SUCCEEDED" if check.passed else "FAILED"
            assert (execution.run_id, execution.status.value) == (run.run_id, status)
