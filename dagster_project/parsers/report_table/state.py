"""What the grid reader holds while it reads one report table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from ..grid import MergedLabels
from ..ledger import Ledger
from ..records import FundRow
from ..text import BLANKS, Line, join_wrapped
from .family import ReportFamily


@dataclass
class IndicatorBuilder:
    """One indicator row while it is read: each column's pieces, joined when the report is assembled.

    ``values``: a column's text as its row printed it (None: blank), or the list of its pieces once
    a wrapped piece was added: a list per column only where one wraps (few), not per cell."""

    line_no: int
    level1: str | None
    level2: str | None
    values: dict[str, str | list[str] | None] = field(default_factory=dict)
    weight: Decimal | None = None
    score: Decimal | None = None

    def add(self, column: str, text: str, prepend: bool = False) -> None:
        parts = self.values.get(column)
        if parts is None:
            parts = self.values[column] = []
        elif parts.__class__ is str:
            parts = self.values[column] = [parts]
        if prepend:
            parts.insert(0, text)
        else:
            parts.append(text)

    def text(self, column: str) -> str | None:
        part = self.values.get(column)
        if part.__class__ is str:
            if "<" not in part and "&" not in part:
                # the usual column: one piece, a line's cell or a joined text, both cleaned already;
                # cleaning it again would only blank a blank marker (as rows.make_row)
                return None if part in BLANKS else part
            return join_wrapped([part])
        if not part:
            return None  # join_wrapped([]) is None too
        if len(part) == 1 and "<" not in (piece := part[0]) and "&" not in piece:
            return None if piece in BLANKS else piece
        return join_wrapped(part)


@dataclass
class ReportState:
    """One report table while it is read: its family, the block being read, what was found so far."""

    spec: ReportFamily
    source_file: str
    ledger: Ledger
    report_seq: int
    section: str = "header"
    fields: dict = field(default_factory=dict)
    fund_columns: list[tuple[str, int | None]] = field(default_factory=list)
    fund_rows: list[FundRow] = field(default_factory=list)
    goal_cols: tuple[int | None, int | None] = (None, None)
    goal_parts: dict[str, list[str]] = field(default_factory=lambda: {"expected": [], "actual": []})
    indicator_header: dict[str, int] = field(default_factory=dict)
    indicators: list[IndicatorBuilder] = field(default_factory=list)
    pending_deviation: list[tuple[int, str]] = field(default_factory=list)
    levels: MergedLabels = field(default_factory=lambda: MergedLabels(2))  # 一级, 二级 merged over rows
    closing_field: str | None = None
    pending_label: tuple[str, str, int] | None = None

    # mark(line, disposition): where the line went (Ledger.marker: one call a line, not two)
    mark: Callable[[Line, str], None] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.mark = self.ledger.marker(self.spec.name)

    def issue(self, line_no: int, code: str, **facts: object) -> None:
        self.ledger.issue(line_no, code, self.spec.name, **facts)
