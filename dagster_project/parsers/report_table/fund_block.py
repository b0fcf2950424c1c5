"""The fund block: a label row naming the money unit and the columns, then one row per fund source."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from functools import lru_cache
from operator import itemgetter

from .. import vocabulary
from ..amounts import money_unit
from ..records import FIELD, HEADER, FundRow
from ..text import Line, value_or_none
from .cells import align_cells, cell_amount, complete_columns, header_fields
from .state import ReportState

fund_column = vocabulary.fund_column
_TEXT = itemgetter(1)  # an (at, text) pair's text
# One regex search in C: any(map(key.__contains__, words)) calls a slot wrapper per word (a tuple each).
_FUND_WORD_IN = re.compile("|".join(map(re.escape, vocabulary.FUND_BLOCK_WORDS))).search


def is_fund_header(line: Line, family: str) -> bool:
    key = line.key
    if not _FUND_WORD_IN(key):  # one regex search in C (see reader._TITLE_WORD_IN)
        return False
    return money_unit(key) is not None or sum(1 for c in line.texts if fund_column(c, family)) >= 2


def read_fund_header(st: ReportState, line: Line) -> None:
    st.section = "fund"
    unit = next((u for c in line.texts if (u := money_unit(c)) is not None), None)
    columns: list[tuple[str, int | None]] = list(header_fields(line.cells, _fund_field_of(st.spec.name)))
    if unit is None:
        st.issue(line.no, "missing_money_unit")
    elif "money_unit" in st.fields and st.fields["money_unit"] != unit:
        st.issue(line.no, "conflicting_money_unit")
    else:
        st.fields["money_unit"] = unit
    st.fund_columns = complete_columns(columns, st.spec.fund_columns)
    st.mark(line, HEADER)


@lru_cache(maxsize=8)
def _fund_field_of(family: str) -> Callable[[str], str | None]:
    """The family's fund column of a header label, one function per family (a cache key)."""
    return lambda label: fund_column(label, family)


def fund_row_source(keys: tuple[str, ...]) -> tuple[str, int] | None:
    first = next(filter(None, keys), None)  # only the first non-empty cell counts (found in C: asked of every row)
    if first is None:
        return None
    source = fund_source_of(first)
    return (source, keys.index(first)) if source is not None else None


@lru_cache(maxsize=4096)  # first cells repeat (labels); avoids four regex tries per line
def fund_source_of(key: str) -> str | None:
    return vocabulary.fund_source_of(key)


def read_fund_row(st: ReportState, line: Line, source: str, label_at: int) -> None:
    if not st.fund_columns:
        st.fund_columns = [(c, None) for c in st.spec.fund_columns]
        st.issue(line.no, "missing_fund_header")
    st.section = "fund"
    if any(r.fund_source == source for r in st.fund_rows):
        st.issue(line.no, "duplicate_fund_row", label=line.cells[label_at])
        return
    # (at, text) of the text cells after the label, made in C
    cells = list(filter(_TEXT, enumerate(line.cells[label_at + 1 :], label_at + 1)))
    values, how = align_cells(cells, st.fund_columns)
    if how == "ambiguous":
        st.issue(line.no, "fund_row_ambiguous_columns")
    elif how == "extra":
        st.issue(line.no, "fund_row_extra_cells", text="（多于表头列数的部分）")
    amounts = {col: cell_amount(text) for col, text in values.items()}
    for col, text in values.items():
        if amounts[col] is None and value_or_none(text) is not None:
            st.issue(line.no, "unreadable_amount", text=text)
    st.fund_rows.append(
        FundRow(  # source_file, report_seq, fund_source, label, line_no, then the amounts in field order
            st.source_file, st.report_seq, source, line.cells[label_at], line.no,
            *map(amounts.get, _amount_fields(st.spec.fund_columns)),
        )
    )
    st.mark(line, FIELD)


@lru_cache(maxsize=8)
def _amount_fields(columns: tuple[str, ...]) -> tuple[str | None, ...]:
    """FundRow's amount fields in order, each the family's column of that name or None (left None):
    a row's amounts passed by position (a dict of keywords per row cost more)."""
    kept = {*columns, "forecast_executed"}
    return tuple(f.name if f.name in kept else None for f in dataclasses.fields(FundRow)[5:])
