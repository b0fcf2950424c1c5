"""The one place configuration is read: environment → paths and bounds, at call time."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt"


@dataclass(frozen=True)
class Limits:
    """What one input file may cost; a file beyond a bound is one `file_too_large` (or `parse_timeout`) issue.

    The defaults are 10-20× the largest real document (a 35-page budget PDF: ~5,000 lines,
    a few MB) and keep a run with two parse workers under 2 GB: parsing costs about
    1.7 KB of memory per text line. Each is overridden by the environment variable
    in its metadata (README, operators).
    """

    file_mb: float = field(default=100, metadata={"env": "FISCAL_MAX_FILE_MB"})
    unpacked_mb: float = field(default=50, metadata={"env": "FISCAL_MAX_UNPACKED_MB"})  # Word/Excel zip content
    unpacked_ratio: float = field(default=100, metadata={"env": "FISCAL_MAX_UNPACKED_RATIO"})  # unpacked / packed
    lines: int = field(default=200_000, metadata={"env": "FISCAL_MAX_LINES"})  # text lines (a document: rendered)
    cells: int = field(default=2_000_000, metadata={"env": "FISCAL_MAX_CELLS"})
    seconds: float = field(default=300, metadata={"env": "FISCAL_MAX_SECONDS"})  # parse time of one file

    @staticmethod
    def env(name: str) -> str:
        """The variable that sets the bound `name` (for messages naming what to raise)."""
        return next(f.metadata["env"] for f in fields(Limits) if f.name == name)


# What DuckDB may hold in memory, per connection's database (FISCAL_DUCKDB_MEMORY_LIMIT, DuckDB's
# syntax: '1GB', '512MB'); past it, DuckDB spills to a folder beside the file (db.py). Its own
# default is 80 % of RAM: 8.4 GB in dbt at 100k reports. 1 GB keeps a run's processes under 2 GB:
# the Dagster process (~0.4 GB) and dbt's Python (~0.3 GB) come on top. dbt/profiles.yml falls
# back to the same value (tests/test_settings.py checks).
DUCKDB_MEMORY_LIMIT = "1GB"


def duckdb_memory_limit() -> str:
    return os.environ.get("FISCAL_DUCKDB_MEMORY_LIMIT", "").strip() or DUCKDB_MEMORY_LIMIT


def load_limits() -> Limits:
    values = {}
    for f in fields(Limits):
        text = os.environ.get(f.metadata["env"], "").strip()
        if text:
            values[f.name] = int(text) if f.type in (int, "int") else float(text)
    return Limits(**values)


@dataclass(frozen=True)
class Settings:
    raw_dir: Path
    db_path: Path
    report_dir: Path
    parse_workers: int
    limits: Limits = field(default_factory=Limits)
    # where each dbt run keeps its artefacts (assets/dbt.py); runs side by side (test workers) need their own
    dbt_runs_dir: Path = DBT_PROJECT_DIR / "target" / "runs"
    decisions_path: Path | None = None  # FISCAL_DECISIONS_PATH; unset: decisions.xlsx/.csv beside raw_dir


def load_settings() -> Settings:
    """Read FISCAL_* variables now (not at import time); relative paths are from the project root."""

    def path(var: str, default: str) -> Path:
        value = Path(os.environ.get(var) or default)
        return value if value.is_absolute() else PROJECT_ROOT / value

    return Settings(
        raw_dir=path("FISCAL_RAW_DIR", "raw"),
        db_path=path("FISCAL_DB_PATH", "warehouse/fiscal.duckdb"),
        report_dir=path("FISCAL_REPORT_DIR", "reports"),
        parse_workers=int(os.environ.get("FISCAL_PARSE_WORKERS") or os.cpu_count() or 1),
        limits=load_limits(),
        dbt_runs_dir=path("FISCAL_DBT_RUNS_DIR", "dbt/target/runs"),
        decisions_path=path("FISCAL_DECISIONS_PATH", "") if os.environ.get("FISCAL_DECISIONS_PATH") else None,
    )
