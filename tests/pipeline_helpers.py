"""Running the real pipeline (what `make run` does) against a temporary warehouse."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "raw"
VENV_BIN = Path(sys.executable).parent
# The sample rendered as Word and Excel in the real-documents run (conftest.real_documents_run).
OFFICE_SAMPLE = "001_ebc302d94fc8039c"


def shared_folder(name: str) -> Path | None:
    """``../shared/<name>`` (real, real_templates) beside the clone, or beside its parent; None when absent."""
    return next(
        (p / name for p in (ROOT.parent / "shared", ROOT.parent.parent / "shared") if (p / name).is_dir()), None
    )


@dataclass
class PipelineRun:
    raw_dir: Path
    db_path: Path
    report_dir: Path
    result: subprocess.CompletedProcess

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        with duckdb.connect(str(self.db_path), read_only=True) as con:
            return con.execute(sql, params or []).fetchall()

    def scalar(self, sql: str, params: list | None = None):
        return self.query(sql, params)[0][0]

    def to_json(self) -> str:
        result = self.result
        return json.dumps({"raw_dir": str(self.raw_dir), "db_path": str(self.db_path),
                           "report_dir": str(self.report_dir), "args": result.args,
                           "returncode": result.returncode, "stdout": result.stdout, "stderr": result.stderr})

    @classmethod
    def from_json(cls, text: str) -> PipelineRun:
        d = json.loads(text)
        result = subprocess.CompletedProcess(d["args"], d["returncode"], d["stdout"], d["stderr"])
        return cls(Path(d["raw_dir"]), Path(d["db_path"]), Path(d["report_dir"]), result)


def shared_run(tmp_path_factory, name: str, build: Callable[[Path], PipelineRun]) -> PipelineRun:
    """A session's pipeline run (build(folder)), made once even under pytest-xdist.

    Each xdist worker is a session of its own: the first worker that needs the run makes it in
    the temporary folder common to the workers; the others wait on a file lock and read it.
    """
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return build(tmp_path_factory.mktemp(name))
    common = tmp_path_factory.getbasetemp().parent  # <session basetemp>/popen-gwN → the session's
    outcome = common / f"{name}.json"
    with open(common / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not outcome.exists():
            (common / name).mkdir(exist_ok=True)
            outcome.write_text(build(common / name).to_json(), encoding="utf-8")
    return PipelineRun.from_json(outcome.read_text(encoding="utf-8"))


def pipeline_env(tmp: Path, raw_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        FISCAL_RAW_DIR=str(raw_dir),
        FISCAL_DB_PATH=str(tmp / "warehouse" / "fiscal.duckdb"),
        FISCAL_REPORT_DIR=str(tmp / "reports"),
        DAGSTER_HOME=str(tmp / "dagster_home"),
        DBT_PROFILES_DIR=str(ROOT / "dbt"),
        DO_NOT_TRACK="1",
    )
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:  # pytest -n: each worker prunes only its own dbt run folders, never another's running one
        env["FISCAL_DBT_RUNS_DIR"] = str(ROOT / "dbt" / "target" / f"runs-{worker}")
    (tmp / "dagster_home").mkdir(parents=True, exist_ok=True)
    return env


def run_pipeline(tmp: Path, raw_dir: Path) -> PipelineRun:
    """What `make run` does, against a temporary warehouse."""
    env = pipeline_env(tmp, raw_dir)
    result = subprocess.run(
        [sys.executable, "-m", "dagster_project.run"],  # the command of `make run`
        check=False,  # the tests assert on the exit code
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    return PipelineRun(raw_dir, Path(env["FISCAL_DB_PATH"]), Path(env["FISCAL_REPORT_DIR"]), result)


# The command of `make run`, run as a process the test can watch (start) and wait for (finish).
COMMAND = [str(VENV_BIN / "python"), "-m", "dagster_project.run"]
# Root reads files whatever their mode: drop that power so chmod 000 means unreadable, as for any operator.
NO_OVERRIDE = (
    ["setpriv", "--inh-caps=-dac_override,-dac_read_search", "--bounding-set=-dac_override,-dac_read_search"]
    if os.geteuid() == 0 and shutil.which("setpriv") else []
)


def start(tmp: Path, raw_dir: Path, **extra: str) -> subprocess.Popen:
    env = pipeline_env(tmp, raw_dir) | extra
    return subprocess.Popen([*NO_OVERRIDE, *COMMAND], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def finish(proc: subprocess.Popen, tmp: Path, raw_dir: Path) -> PipelineRun:
    out, err = proc.communicate(timeout=900)
    env = pipeline_env(tmp, raw_dir)
    result = subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
    return PipelineRun(raw_dir, Path(env["FISCAL_DB_PATH"]), Path(env["FISCAL_REPORT_DIR"]), result)
