"""The cells of one tracking indicator row: 三级指标, then its values in the header's order.

年度指标值 | 跟踪期计划完成值 | 跟踪期实际完成值 | 偏差原因 (no weights or scores): a full row
is read in order, a row with a blank cell under the header, extra cells go to the note.
"""

from __future__ import annotations

from operator import itemgetter

from .. import vocabulary
from ..report_table import IndicatorCells, align_cells
from ..text import join_wrapped

_COLUMNS = vocabulary.INDICATOR_COLUMNS[vocabulary.TRACKING]
_TEXT = itemgetter(1)  # an (at, text) pair's text


def read_indicator_cells(
    rest: list[tuple[int, str]], header: dict[str, int], keys: tuple[str, ...]
) -> IndicatorCells | None:
    """name, target, planned, actual, deviation (no weights in a tracking table)."""
    texts = list(map(_TEXT, rest))
    if len(texts) < 2:
        return None
    name, *others = texts
    cols = _COLUMNS
    notes = []
    if len(others) > len(cols):
        values = dict(zip(cols[:-1], others[: len(cols) - 1], strict=True))
        values["deviation_reason"] = join_wrapped(others[len(cols) - 1 :])
        notes.append(("indicator_extra_cells", {"into": "偏差原因", "into_en": "deviation reason"}))
    elif len(others) == len(cols):
        values = dict(zip(cols, others, strict=True))
    else:
        # a blank cell: place the values under the header, allowing the row to be shifted
        columns = [(c, header.get(c)) for c in cols]
        values, how = align_cells(rest[1:], columns)
        if how != "positional" and len(others) < len(cols) - 1:
            notes.append(("indicator_value_missing", {"how": "按从左到右读取", "how_en": "read left to right"}))
    return name, values, None, None, notes
