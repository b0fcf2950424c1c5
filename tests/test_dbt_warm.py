"""The dbt process started early (dagster_project/dbt_warm.py) runs the command the dbt step hands it."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from dagster_project import dbt_warm
from dagster_project.assets.dbt import dbt_target
from dagster_project.publish import build_path
from dagster_project.resources import dbt_resource
from dagster_project.settings import DBT_PROJECT_DIR


def test_without_a_waiting_process_or_for_another_dbt_the_step_starts_dbt_itself():
    assert dbt_warm.take(["dbt", "build"], dict(os.environ), DBT_PROJECT_DIR) is None  # none started
    other = str(Path(sys.executable).parent.parent / "elsewhere" / "dbt")
    dbt_warm.start()
    waiting, folder = dbt_warm._waiting, dbt_warm._parse_dir
    assert dbt_warm.take([other, "build"], dict(os.environ), DBT_PROJECT_DIR) is None
    assert waiting.returncode is not None and not folder.exists()  # ended, not left waiting


def run_waiting(command: list[str], env: dict[str, str], profile_path: Path) -> tuple[int, list[str], list]:
    """A waiting process started for profile_path, given command: its exit code, its plain lines, and
    the tests dbt ran (unique id, status)."""
    dbt_warm.start(profile_path)
    folder = dbt_warm._parse_dir
    process = dbt_warm.take(command, env, DBT_PROJECT_DIR)
    assert process.args == command  # what dagster-dbt logs as the command
    assert dbt_warm.take(command, env, DBT_PROJECT_DIR) is None  # one command per process
    lines = process.stdout.read().decode().splitlines()
    code = process.wait(timeout=120)
    process.stdout.close()
    assert not folder.exists()  # its parse folder is gone
    events = [json.loads(line) for line in lines if line.startswith("{")]
    finished = [(e["data"]["node_info"]["unique_id"], e["data"]["node_info"]["node_status"])
                for e in events if e["info"]["name"] == "LogTestResult"]  # fmt: skip
    return code, [line for line in lines if not line.startswith("{")], finished


def test_the_project_parsed_ahead_runs_the_command_as_dbt_would_and_another_environment_parses(tmp_path, monkeypatch):
    """The waiting process parses the project while it waits; the command runs in the environment it is
    given with that manifest (the same nodes, the same exit code for a failing test, a valid parse state
    left for the next run), unless something it parses differs: then dbt parses as it always did."""
    import duckdb

    # make's parse is made for the build file of FISCAL_DB_PATH (the Makefile's): the parse ahead starts from it
    published = Path(os.environ.get("FISCAL_DB_PATH") or DBT_PROJECT_DIR.parent / "warehouse" / "fiscal.duckdb")
    monkeypatch.setenv("FISCAL_DBT_RUNS_DIR", str(tmp_path / "runs"))  # no earlier run: make's parse
    empty = tmp_path / "empty.duckdb"  # no tables: the test's query fails
    duckdb.connect(str(empty)).close()
    target = tmp_path / "target"
    test = "unique_fund_sources_fund_source"
    command = [dbt_resource().dbt_executable, "test", "--select", test]
    runs = {}
    made = not published.parent.exists()
    published.parent.mkdir(parents=True, exist_ok=True)  # the link's folder (a fresh clone has none yet)
    with dbt_target(empty, alias=build_path(published)) as seen:
        env = {**os.environ, "DBT_TARGET_PATH": str(target), "DBT_LOG_PATH": str(target), "DBT_LOG_FORMAT": "json",
               "DBT_PROJECT_DIR": str(DBT_PROJECT_DIR), "DBT_PROFILES_DIR": str(DBT_PROJECT_DIR)}  # as dagster-dbt
        runs["ahead"] = run_waiting(command, env, seen)
        state = (target / dbt_warm.PARTIAL_PARSE).read_bytes()
        runs["parsed"] = run_waiting(command, {**env, "DBT_PRINTER_WIDTH": "100"}, seen)
    if made:
        published.parent.rmdir()
    assert runs["ahead"][1] == ["fiscal: dbt runs with the project parsed ahead"]
    assert runs["parsed"][1] == ["fiscal: dbt parses the project: environment variables differ: DBT_PRINTER_WIDTH"]
    assert runs["ahead"][0] == runs["parsed"][0] == 1  # dbt's exit code for a failed node
    (node, status), *more = runs["ahead"][2]
    assert node.startswith(f"test.fiscal.{test}.") and status == "error" and not more  # no such table
    assert runs["parsed"][2] == runs["ahead"][2]
    # the parse state the first left is where the second's dbt started: valid, so dbt left it as it was
    assert (target / dbt_warm.PARTIAL_PARSE).read_bytes() == state


def test_a_command_for_other_vars_a_target_or_a_project_does_not_run_with_the_parse_ahead(monkeypatch):
    monkeypatch.chdir(DBT_PROJECT_DIR)  # where the waiting process runs dbt (dbt's defaults are from there)
    base = ["dbt", "build", "--exclude", "resource_type:seed"]
    key = dbt_warm.parse_key(base)
    assert dbt_warm.parse_key([*base, "--select", "fqn:*"]) == key  # what it builds is not what it parses
    for other in (["--vars", "{money_units: x}"], ["--target", "prod"], ["--profile", "other"],
                  ["--project-dir", "/elsewhere"], ["--profiles-dir", "/elsewhere"]):  # fmt: skip
        assert dbt_warm.parse_key([*base, *other]) != key, other
    assert dbt_warm.parse_key(["dbt", "--debug", "build"]) != dbt_warm.parse_key(["dbt", "build"])
