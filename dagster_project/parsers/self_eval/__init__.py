"""财政项目支出绩效自评表 — project self-evaluation (year-end) tables.

One segment = one project table, title line first. The grid shared with the tracking
table is read by ``report_table``; this package declares what the family adds: its fund
columns (分值, 得分), its indicator rows anchored by their weight/score pair, and the rows
it requires (总分, a year line).
"""

from __future__ import annotations

from .. import vocabulary
from ..ledger import Ledger
from ..records import ParseResult
from ..report_table import ReportFamily, parse_report_table
from ..text import Line
from .indicator_cells import read_indicator_cells

SELF_EVAL_TABLE = ReportFamily(
    name=vocabulary.SELF_EVAL,
    fund_columns=vocabulary.FUND_COLUMNS[vocabulary.SELF_EVAL],
    indicator_cells=read_indicator_cells,
    total_row_required=True,
    year_required=True,
)


def parse_self_eval(lines: list[Line], ledger: Ledger, source_file: str) -> ParseResult:
    """Parse one self-evaluation segment into a Report, its FundRows and IndicatorRows."""
    return parse_report_table(lines, ledger, source_file, SELF_EVAL_TABLE)
