"""The finance office's data-quality report: an HTML page and an Excel workbook, in Chinese.

Pure given its input (a DuckDB file): no Dagster import here; the report asset calls
render_quality_report. Everything comes from the warehouse by SQL (counts in DuckDB, the
source lines from raw.source_lines), so the time follows what the page shows and the rows the
workbook holds, never the raw files.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from . import html
from .labels import CHECK_LABELS, check_label
from .queries import QualityData, Violation, load_quality_data, quality_data
from .sheet_cache import CACHE_DIR, SheetCache
from .summary import check_rows, headline
from .workbook import write_workbook

__all__ = [
    "CHECK_LABELS",
    "QualityData",
    "Violation",
    "check_label",
    "load_quality_data",
    "quality_data",
    "render_quality_report",
]

GX_DOCS = Path("gx_data_docs") / "index.html"
# dbt's index.html fetches manifest.json and catalog.json, which browsers refuse from file://;
# static_index.html (`dbt docs generate --static`, as `make docs` runs it) has them inside.
DBT_DOCS = Path("dbt_docs") / "static_index.html"


def _published(report_dir: Path) -> Path:
    """The published report folder: a run writes its report into a build folder inside it (publish.report_build_dir)."""
    return report_dir.parent if report_dir.name.startswith(".build") else report_dir


def _doc_links(report_dir: Path) -> dict[str, str]:
    """Relative links from quality/index.html to the docs that exist next to it.

    A run writes its report into a build folder inside the published one (publish.report_build_dir)
    and publishes only the folders it wrote: dbt's docs (`make docs`), and GX's when no rule had rows
    to judge, stay in the published folder, so they count where the page is going too.
    """
    places = list(dict.fromkeys([report_dir, _published(report_dir)]))
    links = {}
    for key, docs in (("gx", GX_DOCS), ("dbt", DBT_DOCS)):
        if any((place / docs).is_file() for place in places):
            links[key] = f"../{docs.as_posix()}"
    return links


def _replace(path: Path, write: Callable[[Path], object]) -> None:
    """Write next to path, then rename: readers never see half a report."""
    tmp = path.with_name(f".{path.stem}.tmp{path.suffix}")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _sheet_worker(db_path: Path, data: QualityData, cache: SheetCache) -> contextlib.AbstractContextManager:
    """A second process building the large sheets (sheet_worker.py) when the workbook is written from scratch
    (no sheet's chunks kept: a full build, another code version) and large enough for it to pay
    (sheet_worker.MIN_ROWS); else nothing (None). A run with kept chunks builds only its changed rows."""
    from . import sheet_worker  # here: `python -m` runs that module, which the package must not have imported

    kinds = [*sheet_worker.ELSEWHERE, *(f"check:{c.check_name}" for c in check_rows(data))]
    rows = headline(data)["violations"] + sum(data.coverage.totals.values())
    if rows < sheet_worker.MIN_ROWS or any(cache.has_chunks(kind) for kind in kinds):
        return contextlib.nullcontext()
    return sheet_worker.SheetWorker(db_path, list(sheet_worker.ELSEWHERE))


def render_quality_report(db_path: Path, report_dir: Path, raw_dir: Path) -> dict:
    """Write <report_dir>/quality/index.html and violations.xlsx from the warehouse at db_path.

    Returns {"html": path, "xlsx": path, "counts": headline counts (files, reports, parse_issues…,
    violations, violation_errors, violation_warnings), "violations_by_check": {check_name: n},
    "sheets": {sheet name: rows}, "workbook_cache": {sheets_copied, rows_kept, rows_built}}.
    """
    report_dir, raw_dir = Path(report_dir), Path(raw_dir)
    out = report_dir / "quality"
    out.mkdir(parents=True, exist_ok=True)
    html_path, xlsx_path = out / "index.html", out / html.WORKBOOK
    sheets: dict[str, int] = {}
    # unchanged sheets copied from the last report's (kept beside the published reports)
    cache = SheetCache(_published(report_dir) / CACHE_DIR)
    with (
        quality_data(Path(db_path), listed_per_check=html.MAX_ROWS_PER_CHECK) as data,
        _sheet_worker(Path(db_path), data, cache) as worker,
    ):
        page = html.render_page(data, raw_dir, _doc_links(report_dir), datetime.now())
        _replace(html_path, lambda tmp: tmp.write_text(page, encoding="utf-8"))
        _replace(xlsx_path, lambda tmp: sheets.update(write_workbook(data, tmp, cache, worker)))
    return {
        "html": html_path,
        "xlsx": xlsx_path,
        "counts": headline(data),
        "violations_by_check": {c.check_name: c.violations for c in check_rows(data)},
        "sheets": sheets,
        "workbook_cache": cache.stats,
    }
