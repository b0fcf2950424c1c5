"""Split a file into family segments, recognised by content (never by file name).

- A self-evaluation or tracking report starts at its title line
  (…绩效自评表 / …绩效跟踪表 / …绩效目标执行监控表) and runs to the next title of any family.
- A department-budget document is recognised by its table titles (…预算总表,
  …预算表) or its 上海市财政支出项目绩效目标 tables; every line outside the
  report segments then belongs to the budget parser, which splits it further.
- Content outside any recognised segment is reported, not guessed.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from functools import lru_cache

from . import vocabulary
from .text import Line, norm

SELF_EVAL = vocabulary.SELF_EVAL
TRACKING = vocabulary.TRACKING
BUDGET = vocabulary.BUDGET

_MAX_TITLE_LEN = 60  # a title is a short line; prose mentioning a title is not one
_BUDGET_TITLE = vocabulary.BUDGET_TITLE


@dataclass(frozen=True)
class Segment:
    family: str
    lines: list[Line]

    @property
    def first_line(self) -> int:
        return self.lines[0].no


def report_family(line: Line) -> str | None:
    """The family whose table this line titles, if it is a report title."""
    key = line.key
    # Every report title ends in …表 (自评表, 跟踪表, 监控表): most lines are out after one test.
    if "表" not in key or len(key) > _MAX_TITLE_LEN:
        return None
    return vocabulary.report_title_family(key)


def is_budget_anchor(line: Line) -> bool:
    """A budget-table or performance-target title, alone or beside other cells (e.g. 单位：元)."""
    if "表" not in line.raw and "目标" not in line.raw:
        return False
    return _names_anchor(line.cells)


@lru_cache(maxsize=4096)  # per distinct row: titles, sheet numbers and form labels repeat
def _names_anchor(cells: tuple[str, ...]) -> bool:
    for cell in filter(None, cells):
        key = vocabulary.without_table_number(norm(cell))
        if vocabulary.is_monitoring_title(key):
            continue  # 财政项目支出绩效目标执行监控表 names 绩效目标 but is a tracking report
        if len(key) <= _MAX_TITLE_LEN and (_BUDGET_TITLE.search(key) or vocabulary.TARGET_TITLE.search(key)):
            return True
    return False


def split_segments(lines: list[Line]) -> tuple[list[Segment], list[Line]]:
    """Return (segments in document order, lines outside every segment)."""
    # A report title's key holds 表, which only a 表 or an entity (&…;) in the raw line becomes;
    # a budget anchor's raw line holds 表 or 目标 (is_budget_anchor): most lines skip both tests.
    may_title = [
        (i, line) for i, line in enumerate(lines) if "表" in (raw := line.raw) or "目标" in raw or "&" in raw
    ]
    anchors = {i for i, line in may_title if is_budget_anchor(line)}  # each line tested once
    titles = [(i, family) for i, line in may_title if (family := report_family(line))]
    # A report segment runs from its title to the next title or budget anchor; every other line is
    # the budget document's (or, in a file without a budget anchor, outside every segment). Cut by
    # position: a slice per segment, no Python step per line.
    ends = sorted(anchors.union(i for i, _ in titles))
    segments: list[Segment] = []
    rest: list[Line] = []
    done = 0  # lines before this are placed
    for at, family in titles:
        rest += lines[done:at]
        k = bisect.bisect_right(ends, at)
        end = ends[k] if k < len(ends) else len(lines)
        segments.append(Segment(family, lines[at:end]))
        done = end
    rest += lines[done:]
    if anchors:
        if rest:
            segments.append(Segment(BUDGET, rest))
        rest = []
    segments.sort(key=lambda s: s.first_line)
    return segments, rest
