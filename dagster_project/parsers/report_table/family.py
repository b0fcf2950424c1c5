"""What a report family adds to the shared grid, declared as data by the family's package."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from .. import vocabulary

# An indicator row's cells as a family reads them: name, {column: text}, weight, score and
# the issues to raise (code, facts); None when the row is no indicator (a wrapped fragment).
IndicatorCells = tuple[str, dict[str, str | None], Decimal | None, Decimal | None, list[tuple[str, dict]]]


@dataclass(frozen=True)
class ReportFamily:
    """A report family's differences from the shared grid, as data; each family declares its own.

    The grid reads every block the same way; a family says which fund columns it prints,
    how an indicator row's cells are read, which closing rows it has and what it requires.
    """

    name: str  # the family, as the records name it
    fund_columns: tuple[str, ...]  # canonical order (the header's own order wins when complete)
    indicator_cells: Callable[[list[tuple[int, str]], dict[str, int], tuple[str, ...]], IndicatorCells | None]
    total_row_required: bool = False  # a 总分 row (missing_total_row)
    year_required: bool = False  # a year line (missing_fiscal_year); else the period gives the year
    period_required: bool = False  # a 跟踪时段 line (missing_tracking_period)
    closing_heading: str | None = None  # the label over the closing rows (绩效跟踪总体判断)
    closing_labels: tuple[tuple[str, str], ...] = ()  # (label, report field) of each closing row
    missing_closing: str | None = None  # the issue when no closing row is printed

    @cached_property
    def header_labels(self) -> dict[str, str]:
        """label → field of the header block (项目名称, 主管部门, 实施单位 …), from the vocabulary."""
        return vocabulary.labels(self.name)

    @cached_property
    def closing_words(self) -> re.Pattern | None:
        """Any word a closing row needs in one of its cell keys (a cheap first test)."""
        words = [w for w in (self.closing_heading, *(label for label, _ in self.closing_labels)) if w]
        return re.compile("|".join(words)) if words else None
