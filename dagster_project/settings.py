"""The one place configuration is read: environment → paths, at call time."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt"


@dataclass(frozen=True)
class Settings:
    raw_dir: Path
    db_path: Path
    report_dir: Path
    parse_workers: int


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
    )
