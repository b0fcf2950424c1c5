"""The indicator block: a column-header row, then one row per 三级指标.

一级/二级 labels are printed only on the first row of their group (a merged cell); a
family reads the rest of a row's cells (``ReportFamily.indicator_cells``); a row with a
single text cell is a wrapped piece of a neighbouring indicator's cell.
"""

from __future__ import annotations

import re
from functools import lru_cache
from operator import itemgetter

from .. import vocabulary
from ..compiled import mypyc_attr
from ..records import FIELD, HEADER
from ..text import Line
from .cells import header_fields
from .state import IndicatorBuilder, ReportState

indicator_column = vocabulary.indicator_column
_WHITESPACE = re.compile(r"\s+")
_TEXT = itemgetter(1)  # an (at, text) pair's text


@lru_cache(maxsize=4096)  # level labels repeat on every report
def _label_text(cell: str) -> str:
    """A level label as printed, without the spaces of a wrapped cell (服务对象满意度 指标)."""
    return _WHITESPACE.sub("", cell)


def is_indicator_header(joined: str) -> bool:
    """``joined``: the row's cell keys joined by TAB (see _dispatch)."""
    if "指标" not in joined:  # every header word below contains 指标; most rows have none
        return False
    return (
        vocabulary.NAME_COLUMN in joined
        or (vocabulary.LEVEL1_COLUMN in joined and vocabulary.LEVEL2_COLUMN in joined)
        or ("指标值" in joined and (vocabulary.LEVEL1_COLUMN in joined or "分值" in joined))
    )


def read_indicator_header(st: ReportState, line: Line) -> None:
    flush_pending_deviation(st)
    st.section = "indicators"
    header = dict(header_fields(line.cells, indicator_column))
    if header:
        st.indicator_header = header
    st.mark(line, HEADER)


def _strip_labels(
    cells: list[tuple[int, str]], needed_after: int, keys: tuple[str, ...], family: str
) -> tuple[list[tuple[int, str]], str | None, str | None]:
    """Take the outer label and the 一级/二级 labels off the front of an indicator row.

    Labels are recognised by vocabulary wherever they sit (a 二级 label may be
    printed in the 一级 or the 三级 column). A loose 二级 candidate (any short
    ``…指标``) only counts when enough cells remain for the indicator itself.
    ``keys`` are the line's normalised cells (norm of each), by cell position;
    ``family`` names whose level words count (vocabulary.is_level1).
    """
    kinds = _cell_kinds(family)
    if not cells or kinds[keys[cells[0][0]]] == _NO_LABEL:
        return cells, None, None  # the usual row: no label first (the loop's first break); no copy
    level1 = level2 = None
    taken = 0  # cells taken off the front (a count, not a pop(0) per label)
    remaining = len(cells)
    for at, text in cells:
        remaining -= 1  # the cells after this one
        is_outer, is_level1, is_level2, is_loose_level2 = kinds[keys[at]]
        if is_outer and remaining >= 1:
            pass  # the outer 「绩效指标」 column
        elif level1 is None and level2 is None and is_level1:
            level1 = _label_text(text)
        elif level2 is None and (is_level2 or (remaining >= needed_after and is_loose_level2)):
            level2 = _label_text(text)
        else:
            break
        taken += 1
    return cells[taken:], level1, level2


_NO_LABEL = (False, False, False, False)


@mypyc_attr(native_class=False)  # a dict subclass: mypyc keeps it a Python class
class _CellKinds(dict):
    """A cell key → what label it is to one family (_kinds): a dict lookup per cell, where an
    lru_cache of (key, family) cost ~4× as much a hit. Emptied when full: the level labels, which
    repeat on every report, are back after one miss each; the misses are indicator names."""

    def __init__(self, family: str):
        super().__init__()
        self.family = family

    def __missing__(self, key: str) -> tuple[bool, bool, bool, bool]:
        if len(self) >= 4096:
            self.clear()
        kinds = self[key] = _kinds(key, self.family)
        return kinds


@lru_cache(maxsize=8)
def _cell_kinds(family: str) -> _CellKinds:
    return _CellKinds(family)


def _kinds(key: str, family: str) -> tuple[bool, bool, bool, bool]:
    """Whether a cell key is the outer label (vocabulary.GRID_OUTER_LABELS), then vocabulary.is_level1,
    is_level2 and is_level2 loosely (strict=False)."""
    return (
        key in vocabulary.GRID_OUTER_LABELS,
        vocabulary.is_level1(key, family),
        vocabulary.is_level2(key, family),
        vocabulary.is_level2(key, family, strict=False),
    )


def _plain_levels(st: ReportState, line: Line) -> list[int]:
    """The levels (0: 一级, 1: 二级) whose column's cell on this row is blank and stored as no
    merge's (Word, Excel): the label above does not reach this row (grid.MergedLabels)."""
    if line.spans is None:
        return []
    at = [st.indicator_header.get(name) for name in ("level1", "level2")]
    return [
        k
        for k, i in enumerate(at)
        if i is not None and i < len(line.cells) and not line.cells[i] and line.spans[i] == (1, 1)
    ]


def read_indicator_row(st: ReportState, line: Line, keys: tuple[str, ...]) -> None:
    cells = list(filter(_TEXT, enumerate(line.cells)))  # (at, text) of each text cell, made in C
    rest, level1, level2 = _strip_labels(cells, 2, keys, st.spec.name)
    plain = _plain_levels(st, line) if line.spans is not None else ()
    if level1 or level2 or plain:
        held1, held2 = st.levels.apply(level1, level2, plain=plain)
    else:  # most rows print no level label: the labels above hold (what apply would return)
        held1, held2 = st.levels.held

    if not rest:
        # a row holding only labels (merged cells printed on a row of their own)
        st.mark(line, FIELD if (level1 or level2) else HEADER)
        return

    parsed = st.spec.indicator_cells(rest, st.indicator_header, keys)
    if parsed is None:
        _fragment(st, line, rest, had_labels=bool(level1 or level2))
        return

    name, values, weight, score, notes = parsed
    # Each column's text as printed (IndicatorBuilder.values), made in C; a family's values never
    # name the indicator (it is returned apart).
    ind = IndicatorBuilder(line.no, held1, held2, {"indicator_name": name, **values}, weight, score)
    if st.pending_deviation:
        prev = st.indicators[-1] if st.indicators else None
        if (
            prev is not None
            and not ind.values.get("deviation_reason")
            and prev.values.get("deviation_reason")
        ):
            for _no, piece in st.pending_deviation:  # the previous note continues below its row
                prev.add("deviation_reason", piece)
        else:  # the note starts above its row and continues in it
            for _no, piece in reversed(st.pending_deviation):
                ind.add("deviation_reason", piece, prepend=True)
        st.pending_deviation.clear()
    st.indicators.append(ind)
    st.mark(line, FIELD)
    for code, facts in notes:
        st.issue(line.no, code, **facts)


def _fragment(st: ReportState, line: Line, rest: list[tuple[int, str]], had_labels: bool) -> None:
    """A row with a single text cell: a wrapped piece of a neighbouring indicator's cell."""
    header = st.indicator_header
    idx = rest[0][0]
    column = None
    if header:
        nearest = min(header.items(), key=lambda kv: (abs(kv[1] - idx), -kv[1]))
        column = nearest[0]
        if idx > max(header.values()):
            column = "deviation_reason"
    if column == "deviation_reason" or (column is None and not had_labels):
        # Scoring notes start above their indicator row and continue in it:
        # keep the piece until the next indicator row decides where it goes.
        for _i, t in rest:
            st.pending_deviation.append((line.no, t))
        st.mark(line, FIELD)
        return
    if st.indicators and column not in (None, "level1", "level2"):
        prev = st.indicators[-1]
        for _, t in rest:
            prev.add(column, t)
        st.mark(line, FIELD)
        return
    st.issue(line.no, "unplaced_indicator_fragment", text="")


def flush_pending_deviation(st: ReportState) -> None:
    """Place scoring-note pieces still pending when the indicator block ends.

    (While the block goes on, the next indicator row decides: the pieces go in
    front of its deviation text, or after the previous row's when only that one
    has a deviation text.) At the end of the block they follow the last indicator.
    """
    if not st.pending_deviation:
        return
    if st.indicators:
        prev = st.indicators[-1]
        for _no, piece in st.pending_deviation:
            prev.add("deviation_reason", piece)
        st.pending_deviation.clear()
        return
    for no, _piece in st.pending_deviation:
        st.issue(no, "unplaced_indicator_fragment", text="（偏差说明，找不到所属指标）")
    st.pending_deviation.clear()
