"""A dbt step that fails while reading dbt's events stops dbt (it would hold the build file's lock)."""

import subprocess
import sys

import pytest

from dagster_project.assets.dbt import stopping_on_failure


def sleeper() -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])


def events_then(error: Exception):
    yield "first event"
    raise error


def test_a_failing_event_stops_the_process():
    process = sleeper()
    events = stopping_on_failure(process, events_then(KeyError("model.fiscal.int_budget_files")))
    assert next(events) == "first event"
    with pytest.raises(KeyError, match="int_budget_files"):
        next(events)
    assert process.poll() is not None  # stopped, not left running


def test_a_step_closed_midway_stops_the_process_and_a_finished_one_is_left_alone():
    process = sleeper()
    events = stopping_on_failure(process, iter(["a", "b"]))
    assert next(events) == "a"
    events.close()  # Dagster stopping the step
    assert process.poll() is not None

    done = subprocess.Popen([sys.executable, "-c", "pass"])
    done.wait()
    assert list(stopping_on_failure(done, iter(["a", "b"]))) == ["a", "b"]
    assert done.returncode == 0
