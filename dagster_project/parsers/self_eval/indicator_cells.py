"""The cells of one self-evaluation indicator row: the weight/score pair anchors the row.

三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因: the two numbers are found first
(the right-most adjacent pair of plain numbers, or blank markers standing for one, followed
only by text); what stands before them is the name and the two values, what follows the note.
"""

from __future__ import annotations

from operator import itemgetter

from ..amounts import is_plain_number
from ..report_table import IndicatorCells, cell_amount
from ..text import join_wrapped, value_or_none

_AT, _TEXT = itemgetter(0), itemgetter(1)  # an (at, text) pair's cell position and text


def _is_pair_cell(cell: str, plain: bool) -> bool:
    """A weight/score cell: a plain number, or a blank marker (-, —) standing for one."""
    return plain or value_or_none(cell) is None


def _pair_at(texts: list[str], ats: list[int], keys: tuple[str, ...]) -> int | None:
    """Where the weight/score pair starts: the right-most two adjacent pair cells, one of them a plain
    number, followed only by text (``ats``: each text's cell position, for its key). Such a pair holds
    the right-most plain number, first or second: found from the right, is_plain_number runs on the
    cells after the pair and one more, not on every cell."""
    last = len(ats) - 1
    while last >= 0 and not is_plain_number(keys[ats[last]]):
        last -= 1
    if last < 0:
        return None
    if last + 1 < len(texts) and _is_pair_cell(texts[last + 1], False):  # the number, then a blank marker
        return last
    if last >= 1 and _is_pair_cell(texts[last - 1], is_plain_number(keys[ats[last - 1]])):
        return last - 1
    return None


def read_indicator_cells(
    rest: list[tuple[int, str]], header: dict[str, int], keys: tuple[str, ...]
) -> IndicatorCells | None:
    """name, target, actual, weight, score, deviation: the numeric pair anchors the row."""
    texts = list(map(_TEXT, rest))
    pair_at = _pair_at(texts, list(map(_AT, rest)), keys)
    if pair_at is None or pair_at == 0:
        if len(texts) <= 1:
            return None
        if pair_at == 0:
            return None
        # an indicator row without weight/score
        name, *others = texts
        values: dict[str, str | None] = dict(zip(("target_text", "actual_text", "deviation_reason"), others))
        if len(others) > 3:
            values["deviation_reason"] = join_wrapped(others[2:])
        return (
            name,
            values,
            None,
            None,
            [("indicator_without_weight", {})],
        )
    before = texts[:pair_at]
    weight, score = cell_amount(texts[pair_at]), cell_amount(texts[pair_at + 1])
    deviation = join_wrapped(texts[pair_at + 2 :])
    notes = []
    name = before[0]
    values = {"target_text": None, "actual_text": None, "deviation_reason": deviation}
    if len(before) == 3:
        values["target_text"], values["actual_text"] = before[1], before[2]
    elif len(before) == 2:
        # one of target/actual is blank: decide by the header, measured from the weight cell
        column = "target_text"
        if "weight" in header and "target_text" in header and "actual_text" in header:
            shift = header["weight"] - rest[pair_at][0]
            at = rest[1][0] + shift
            if abs(at - header["actual_text"]) < abs(at - header["target_text"]):
                column = "actual_text"
        values[column] = before[1]
        notes.append(("indicator_value_missing", {"how": "按表头位置归属", "how_en": "placed by the header"}))
    elif len(before) > 3:
        values["target_text"], values["actual_text"] = before[-2], before[-1]
        name = join_wrapped(before[:-2]) or before[0]
        notes.append(("indicator_extra_cells", {"into": "三级指标名称", "into_en": "indicator name"}))
    return name, values, weight, score, notes
