"""The closing rows: 总分 and 评分等级, and a family's own (绩效跟踪总体判断, 纠偏措施)."""

from __future__ import annotations

from .. import vocabulary
from ..records import FIELD, HEADER
from ..text import Line, value_or_none
from .cells import cell_amount
from .indicator_block import flush_pending_deviation
from .state import ReportState


def _numbers_after(line: Line, keys: tuple[str, ...], labels: tuple[str, ...]) -> list[str]:
    start = next((i for i, k in enumerate(keys) if k in labels), -1)
    return [c for c in line.cells[start + 1 :] if c]


def _closing_row(st: ReportState) -> None:
    """A 总分 / 评分等级 row: the indicators are over (a deviation reason held for the last one is
    written) and no closing text continues past it."""
    flush_pending_deviation(st)
    st.section = "closing"
    st.closing_field = None


def read_total_row(st: ReportState, line: Line, keys: tuple[str, ...]) -> None:
    _closing_row(st)
    if "total_line_no" in st.fields:
        st.issue(line.no, "duplicate_total_row")
        return
    cells = _numbers_after(line, keys, vocabulary.TOTAL_LABELS)
    numbers = [c for c in cells if value_or_none(c) is not None]
    st.fields["total_line_no"] = line.no
    if numbers:
        st.fields["total_weight"] = cell_amount(numbers[0])
    if len(numbers) > 1:
        st.fields["total_score"] = cell_amount(numbers[1])
    if len(numbers) != 2 or any(cell_amount(n) is None for n in numbers):
        st.issue(line.no, "unexpected_total_row", numbers=numbers)
    st.mark(line, FIELD)


def read_grade_row(st: ReportState, line: Line, keys: tuple[str, ...]) -> None:
    _closing_row(st)
    values = [value_or_none(c) for c in _numbers_after(line, keys, vocabulary.GRADE_LABELS)]
    values = [v for v in values if v]
    if not values:
        st.issue(line.no, "missing_value", label="评分等级")
        return
    st.fields["grade"] = values[0]
    st.fields["grade_line_no"] = line.no
    st.mark(line, FIELD)


def read_closing_row(st: ReportState, line: Line, keys: tuple[str, ...], keys_text: str) -> bool:
    """A family's closing row (绩效跟踪总体判断: 年度项目预算完成可能性 …, 纠偏措施): label, then text."""
    spec = st.spec
    if not spec.closing_words.search(keys_text):
        return False  # no closing label in any cell: the usual case, decided without the loops below
    hits = [
        (i, name)
        for i, k in enumerate(keys)
        if k  # a blank cell is no label: not tested against each one
        for label, name in spec.closing_labels
        if k == label or (k.endswith(label) and len(k) <= len(label) + 8)
    ]
    heading = spec.closing_heading
    judgement = heading is not None and any(heading in k for k in keys)
    if not hits and not judgement:
        return False
    flush_pending_deviation(st)
    st.section = "closing"
    if not hits:
        st.mark(line, HEADER)
        return True
    for pos, (i, name) in enumerate(hits):
        end = hits[pos + 1][0] if pos + 1 < len(hits) else len(line.cells)
        parts = [c for c, k in zip(line.cells[i + 1 : end], keys[i + 1 : end]) if c and not (heading and heading in k)]
        st.fields.setdefault(name + "_parts", []).extend(parts)
        st.closing_field = name
    st.mark(line, FIELD)
    return True
