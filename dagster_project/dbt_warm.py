"""dbt's start-up paid while the run does something else: a dbt process started early, waiting for its command.

A `dbt build` spends ~4 CPU s before its first node whatever it builds: ~2.7 importing dbt (hundreds
of mashumaro dataclasses compiling their serialisers) and ~0.7 building the JSON schemas that it
checks dbt_project.yml and the profile against. A one-file run waited for all of it in the dbt step.
run.py starts this module as a process at the run's beginning: it imports dbt and builds those
schemas while the run loads its definitions and the raw files (on the other core), then waits for
one command on its stdin. The dbt step hands it the command dagster-dbt would have started
(arguments, environment, working folder); it then runs as the `dbt` executable would, in a fresh
environment that is the step's, so dagster-dbt reads the same JSON log from its stdout, stops it
with the same signal and sees the same exit code. Without a waiting process (the Dagster UI, a
run that is not run.py's, a process that died) the step starts dbt as before.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from .settings import DBT_PROJECT_DIR, PROJECT_ROOT

_waiting: subprocess.Popen | None = None  # this process's dbt, started by start(), not yet given a command


def start() -> None:
    """Start a dbt process that prepares itself and waits (run.py, once per run)."""
    global _waiting
    discard()
    # the module by name: the project on the path, as this process has it; stdout unbuffered, as
    # dagster-dbt runs dbt, so that its events reach the step as they happen
    path = os.pathsep.join(p for p in (str(PROJECT_ROOT), os.environ.get("PYTHONPATH", "")) if p)
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": path}
    _waiting = subprocess.Popen(
        [sys.executable, "-m", __name__], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, cwd=DBT_PROJECT_DIR, env=env,
    )  # fmt: skip


def take(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.Popen | None:
    """The waiting dbt process, now running `args` in env and cwd; None when there is none to use."""
    global _waiting
    process, _waiting = _waiting, None
    # only for the dbt installed beside this Python (the one the process imported)
    if process is None or Path(args[0]).parent != Path(sys.executable).parent:
        _end(process)
        return None
    if process.poll() is not None:  # it died preparing: dbt as before
        _end(process)
        return None
    try:
        process.stdin.write(json.dumps({"args": args, "env": env, "cwd": str(cwd)}).encode() + b"\n")
        process.stdin.close()
    except OSError:
        _end(process)
        return None
    process.args = args  # what dagster-dbt logs as the dbt command
    return process


def discard() -> None:
    """End the waiting process, if the run did not use it (a run that failed before dbt)."""
    global _waiting
    process, _waiting = _waiting, None
    _end(process)


def _end(process: subprocess.Popen | None) -> None:
    """An unused process has opened nothing (no warehouse, no log): killed, it loses nothing and
    spends no more CPU on its imports."""
    if process is None:
        return
    process.kill()
    process.wait()
    for stream in (process.stdin, process.stdout):
        stream.close()


def prepare() -> None:
    """What every dbt command does first, done before its command is known."""
    import dbt.adapters.duckdb  # the profile's adapter, loaded when the profile is read
    import dbt.cli.main
    import dbt.task.build  # noqa: F401
    from dbt.adapters.duckdb.credentials import DuckDBCredentials
    from dbt.contracts.project import PackageConfig, ProfileConfig, Project, ProjectFlags
    from dbt.contracts.selection import SelectorFile

    # their JSON schemas are built on first use and cached (dbtClassMixin.json_schema: lru_cache)
    for contract in (DuckDBCredentials, PackageConfig, ProfileConfig, Project, ProjectFlags, SelectorFile):
        contract.json_schema()


def serve() -> int:
    """The waiting process: prepare, read one command, run it as the `dbt` executable does."""
    prepare()
    line = sys.stdin.readline()
    if not line.strip():
        return 0  # the run ended without a dbt step
    request = json.loads(line)
    os.environ.clear()
    os.environ.update(request["env"])
    os.chdir(request["cwd"])
    sys.argv = ["dbt", *request["args"][1:]]
    from dbt.cli.main import cli

    return cli()


if __name__ == "__main__":
    sys.exit(serve())
