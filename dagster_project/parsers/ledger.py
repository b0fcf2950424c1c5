"""The line ledger: where every non-blank input line ended up.

Family parsers mark the lines they use; whatever no parser marked becomes a
ParseIssue when the ledger is closed. So "nothing is lost" holds by
construction, and a test only has to check that no line was left unmarked.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from itertools import compress, filterfalse
from operator import itemgetter, not_

from .frozen import RecordColumns
from .issues import make as make_issue
from .records import DISPOSITIONS, ISSUE, LineDisposition, ParseIssue
from .text import Line

# DISPOSITIONS is ordered strongest first: a line that fed a field stays "field".
_RANK = {d: i for i, d in enumerate(DISPOSITIONS)}
_NO, _BLANK = itemgetter(0), itemgetter(3)  # a Line's no and is_blank
_FIRST, _SECOND = itemgetter(0), itemgetter(1)  # a mark's disposition and family


@cache  # few (disposition, family) pairs: share them instead of one tuple per line
def _mark_entry(disposition: str, family: str | None) -> tuple[str, str | None]:
    return disposition, family


@cache
def _family_entries(family: str | None) -> dict[str, tuple[str, str | None]]:
    return {d: _mark_entry(d, family) for d in DISPOSITIONS}


class Ledger:
    def __init__(self, source_file: str, lines: list[Line]):
        self.source_file = source_file
        self._lines = dict(zip(map(_NO, lines), lines))  # made in C: no Python step per line
        self._marks: dict[int, tuple[str, str | None]] = {}
        self.issues: list[ParseIssue] = []

    def mark(self, line_no: int, disposition: str, family: str | None = None) -> None:
        """Record where a line went; when marked twice, the stronger disposition stays."""
        rank = _RANK[disposition]
        current = self._marks.get(line_no)
        if current is None or rank < _RANK[current[0]]:
            self._marks[line_no] = _mark_entry(disposition, family)

    def marker(self, family: str | None) -> Callable[[Line, str], None]:
        """``mark(line, disposition)`` for one family's reader: mark() in one Python call a line,
        with the family's entries made once (a reader marks nearly every line it reads)."""
        marks, rank, entries = self._marks, _RANK, _family_entries(family)

        def mark(line: Line, disposition: str) -> None:
            current = marks.get(no := line.no)
            if current is None or rank[disposition] < rank[current[0]]:
                marks[no] = entries[disposition]

        return mark

    def mark_all(self, lines: list[Line], disposition: str, family: str | None = None) -> None:
        # mark() per non-blank line, inlined: the rank and entry are the same for every line
        # (half the marks of a parse come through here).
        rank, entry, marks = _RANK[disposition], _mark_entry(disposition, family), self._marks
        for line in lines:
            if not line.is_blank:
                current = marks.get(no := line.no)
                if current is None or rank < _RANK[current[0]]:
                    marks[no] = entry

    def is_marked(self, line_no: int) -> bool:
        return line_no in self._marks

    def issue(self, line_no: int, code: str, family: str | None = None, /, **facts: object) -> None:
        """Report a problem at a line (and account for the line, if nothing else did): the code's
        severity and message come from the registry (issues.py), the facts fill the message in."""
        line = self._lines.get(line_no)
        self.issues.append(make_issue(code, self.source_file, line_no, line.raw if line else None, **facts))
        if line is not None:
            self.mark(line_no, ISSUE, family)

    def close(self) -> RecordColumns:
        """Report every unmarked non-blank line, and return the dispositions of all lines (as columns)."""
        lines = self._lines.values()  # the unmarked non-blank lines, found in C, in line order
        for no in filterfalse(self._marks.__contains__, compress(self._lines, map(not_, map(_BLANK, lines)))):
            self.issue(no, "unplaced_line")
        marks = self._marks
        numbers = sorted(marks)  # each column made in C: no Python step per line
        entries = list(map(marks.__getitem__, numbers))
        dispositions, families = list(map(_FIRST, entries)), list(map(_SECOND, entries))
        files = [self.source_file] * len(numbers)
        return RecordColumns(LineDisposition, files, numbers, dispositions, families)
