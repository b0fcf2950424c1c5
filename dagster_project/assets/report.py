"""Report: the finance office's data-quality page and workbook, in Chinese."""


import dagster as dg

from ..reporting import render_quality_report
from ..resources import FiscalWarehouse
from .quality import VIOLATIONS_KEY

DQ_REPORT_KEY = dg.AssetKey(["report", "dq_report"])


@dg.asset(key=DQ_REPORT_KEY, deps=[VIOLATIONS_KEY], group_name="report", kinds={"html", "excel"})
def dq_report(warehouse: FiscalWarehouse) -> dg.MaterializeResult:
    """reports/quality/index.html and violations.xlsx under FISCAL_REPORT_DIR."""
    settings = warehouse.settings()
    written = render_quality_report(warehouse.read_db(), settings.report_dir, settings.raw_dir)
    return dg.MaterializeResult(
        metadata={
            "html": dg.MetadataValue.path(str(written["html"])),
            "xlsx": dg.MetadataValue.path(str(written["xlsx"])),
            **{k: int(v) for k, v in written["counts"].items()},
            # sheets copied from the last workbook, rows whose XML it kept, rows built now
            **{f"workbook_{k}": int(v) for k, v in written["workbook_cache"].items()},
        }
    )
