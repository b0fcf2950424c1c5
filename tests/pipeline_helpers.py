"""Running the real pipeline (what `make run` does) against a temporary warehouse."""

from __future__ import annotations

import os
import subprocess
import sys
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
