"""The goal block: 预期目标 | 实际完成情况 labels, then their texts side by side."""

from __future__ import annotations

from .. import vocabulary
from ..records import FIELD, HEADER
from ..text import Line, norm
from .cells import header_fields
from .state import ReportState

_GOAL_LABELS = vocabulary.GOAL_LABELS
_GOAL_LABELS_OR_EMPTY = _GOAL_LABELS | {""}


def is_goal_label_row(keys: tuple[str, ...]) -> bool:
    """Only goal labels on the row, among them 预期目标 / …实际完成情况 or 年度总体目标."""
    if not _GOAL_LABELS_OR_EMPTY.issuperset(keys):  # cheap test first: most rows fail it
        return False
    labels = [k for k in keys if k]
    if not labels:
        return False
    return (
        vocabulary.GOAL_EXPECTED in labels
        or vocabulary.GOAL_ANNUAL_BLOCK in labels
        or any(k.endswith(vocabulary.GOAL_ACTUAL_SUFFIX) for k in labels)
    )


def _goal_side(label: str) -> str | None:
    """The side a goal label heads: 预期目标 → expected, …实际完成情况 → actual."""
    k = norm(label)
    if k == vocabulary.GOAL_EXPECTED:
        return "expected"
    return "actual" if k.endswith(vocabulary.GOAL_ACTUAL_SUFFIX) else None


def read_goal_labels(st: ReportState, line: Line) -> None:
    st.section = "goal"
    sides = dict(header_fields(line.cells, _goal_side))
    if sides:
        st.goal_cols = (sides.get("expected"), sides.get("actual"))
    st.mark(line, HEADER)


def read_goal_text(st: ReportState, line: Line) -> None:
    # a cell's key is its norm (text.Line.keys): no norm call per cell of goal prose
    cells = [(i, c) for i, (c, k) in enumerate(zip(line.cells, line.keys)) if c and k not in _GOAL_LABELS]
    if not cells:
        st.mark(line, HEADER)
        return
    exp_idx, act_idx = st.goal_cols
    if len(cells) == 2:
        st.goal_parts["expected"].append(cells[0][1])
        st.goal_parts["actual"].append(cells[1][1])
    else:
        for idx, text in cells:
            if act_idx is not None and exp_idx is not None:
                side = "actual" if abs(idx - act_idx) < abs(idx - exp_idx) else "expected"
            elif act_idx is not None:
                side = "actual" if idx >= act_idx else "expected"
            else:
                side = "expected"
            st.goal_parts[side].append(text)
        if len(cells) > 2:
            st.issue(line.no, "goal_cells_by_position")
    st.mark(line, FIELD)
