"""`python -m dagster_project.reporting`: write the quality report again from the published
warehouse (FISCAL_DB_PATH), e.g. after `make docs` so that the page links the new docs."""

from __future__ import annotations

from ..settings import load_settings
from . import render_quality_report

if __name__ == "__main__":
    settings = load_settings()
    written = render_quality_report(settings.db_path, settings.report_dir, settings.raw_dir)
    print(f"quality report: {written['html']}")
