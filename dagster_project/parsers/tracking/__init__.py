"""财政项目支出绩效跟踪表 — mid-year tracking tables.

One segment = one project table, title line first. The grid shared with the
self-evaluation is read by ``report_table``; this package declares what the family adds:
a 跟踪时段 (which also gives the year), period budget/execution columns, planned and actual
values per indicator read in the header's order (no weights or scores), and the closing
rows 绩效跟踪总体判断 (年度项目预算/年度绩效目标 完成可能性) and 纠偏措施.
The central template (…绩效目标执行监控表, one grid per sheet) has its own reader, ``monitoring``.
"""

from __future__ import annotations

from .. import vocabulary
from ..ledger import Ledger
from ..records import ParseResult
from ..report_table import ReportFamily, parse_report_table
from ..text import Line
from ..vocabulary import is_monitoring_title
from .indicator_cells import read_indicator_cells
from .monitoring import parse_monitoring

TRACKING_TABLE = ReportFamily(
    name=vocabulary.TRACKING,
    fund_columns=vocabulary.FUND_COLUMNS[vocabulary.TRACKING],
    indicator_cells=read_indicator_cells,
    period_required=True,
    closing_heading=vocabulary.TRACKING_JUDGEMENT,
    closing_labels=vocabulary.TRACKING_CLOSING_LABELS,
    missing_closing="missing_tracking_judgement",
)


def parse_tracking(lines: list[Line], ledger: Ledger, source_file: str) -> ParseResult:
    """Parse one tracking segment into a Report, its FundRows and IndicatorRows.

    The central template (…绩效目标执行监控表, one grid per sheet) has its own reader.
    """
    title = next((line for line in lines if not line.is_blank), None)
    if title is not None and is_monitoring_title(title.key):
        return parse_monitoring(lines, ledger, source_file)
    return parse_report_table(lines, ledger, source_file, TRACKING_TABLE)
