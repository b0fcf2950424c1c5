"""财政项目支出绩效自评表 — project self-evaluation (year-end) tables.

One segment = one project table, title line first. The layout shared with the
tracking table lives in ``report_table``; this module fixes the family.
"""

from __future__ import annotations

from ..ledger import Ledger
from ..records import ParseResult
from ..report_table import SELF_EVAL, parse_report_table
from ..text import Line


def parse_self_eval(lines: list[Line], ledger: Ledger, source_file: str) -> ParseResult:
    """Parse one self-evaluation segment into a Report, its FundRows and IndicatorRows."""
    return parse_report_table(lines, ledger, source_file, SELF_EVAL)
