"""Split a file into family segments, recognised by content (never by file name).

- A self-evaluation or tracking report starts at its title line
  (…绩效自评表 / …绩效跟踪表 / …绩效目标执行监控表) and runs to the next title of any family.
- A department-budget document is recognised by its table titles (…预算总表,
  …预算表) or its 上海市财政支出项目绩效目标 tables; every line outside the
  report segments then belongs to the budget parser, which splits it further.
- Content outside any recognised segment is reported, not guessed.
"""

from __future__ import annotations

from dataclasses import dataclass

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
    for cell in line.texts:
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
    may_title = [line for line in lines if "表" in line.raw or "目标" in line.raw or "&" in line.raw]
    anchors = {line.no for line in may_title if is_budget_anchor(line)}  # each line tested once
    families = {line.no: family for line in may_title if (family := report_family(line))}
    has_budget = bool(anchors)
    segments: list[Segment] = []
    outside: list[Line] = []
    budget_lines: list[Line] = []
    current: tuple[str, list[Line]] | None = None

    def close() -> None:
        nonlocal current
        if current is not None:
            segments.append(Segment(current[0], current[1]))
            current = None

    for line in lines:
        family = families.get(line.no)
        if family is not None:
            close()
            current = (family, [line])
        elif current is not None and line.no not in anchors:
            current[1].append(line)
        else:
            close()
            (budget_lines if has_budget else outside).append(line)
    close()
    if budget_lines:
        segments.append(Segment(BUDGET, budget_lines))
    segments.sort(key=lambda s: s.first_line)
    return segments, outside
