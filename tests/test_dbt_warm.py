"""The dbt process started early (dagster_project/dbt_warm.py) runs the command the dbt step hands it."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from dagster_project import dbt_warm
from dagster_project.resources import dbt_resource
from dagster_project.settings import DBT_PROJECT_DIR


def test_the_waiting_process_runs_the_command_in_the_environment_it_is_given(tmp_path):
    dbt_warm.start()
    dbt = dbt_resource().dbt_executable
    env = {**os.environ, "DBT_LOG_PATH": str(tmp_path), "DBT_TARGET_PATH": str(tmp_path)}
    process = dbt_warm.take([dbt, "--version"], env, DBT_PROJECT_DIR)
    out = process.stdout.read().decode()
    assert process.wait(timeout=60) == 0
    assert process.args == [dbt, "--version"]  # what dagster-dbt logs as the command
    assert "Core:" in out and "duckdb:" in out, out
    assert dbt_warm.take([dbt, "--version"], env, DBT_PROJECT_DIR) is None  # one command per process


def test_without_a_waiting_process_or_for_another_dbt_the_step_starts_dbt_itself():
    assert dbt_warm.take(["dbt", "build"], dict(os.environ), DBT_PROJECT_DIR) is None  # none started
    other = str(Path(sys.executable).parent.parent / "elsewhere" / "dbt")
    dbt_warm.start()
    waiting = dbt_warm._waiting
    assert dbt_warm.take([other, "build"], dict(os.environ), DBT_PROJECT_DIR) is None
    assert waiting.returncode is not None  # ended, not left waiting
