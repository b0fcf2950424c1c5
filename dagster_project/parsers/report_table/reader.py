"""The grid reader: one report segment, line by line, each row sent to its block by its labels.

The title and year lines, the 跟踪时段, the header block (项目名称, 主管部门, 实施单位: each
label's value is the next non-label cell) are read here; the fund, goal, indicator and
closing rows by their own modules.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache, partial

from .. import vocabulary
from ..grid import labelled_cells
from ..ledger import Ledger
from ..records import FIELD, HEADER, TITLE, ParseResult
from ..rows import Cell
from ..text import Line, join_wrapped, value_or_none
from .assembly import assemble_report
from .closing_rows import read_closing_row, read_grade_row, read_total_row
from .family import ReportFamily
from .fund_block import fund_row_source, is_fund_header, read_fund_header, read_fund_row
from .goal_block import is_goal_label_row, read_goal_labels, read_goal_text
from .indicator_block import (
    flush_pending_deviation,
    is_indicator_header,
    read_indicator_header,
    read_indicator_row,
)
from .state import ReportState

_YEAR = vocabulary.REPORT_YEAR
_PERIOD = vocabulary.TRACKING_PERIOD
_PERIOD_LABEL = vocabulary.TRACKING_PERIOD_LABEL
_TITLE_WORDS = tuple(vocabulary.REPORT_TITLE_WORDS.values())
_TOTAL_LABELS, _GRADE_LABELS = frozenset(vocabulary.TOTAL_LABELS), frozenset(vocabulary.GRADE_LABELS)
_NO_FUND_ROWS = ("goal", "indicators")  # sections whose unlabelled rows _dispatch reads as their block's


def read_each_line(lines: Sequence[Line], read: Callable[[Line], None], issue: Callable[..., None]) -> None:
    """Each line read by ``read``: a parser bug costs that line (a parser_failed error through
    ``issue(line_no, code, **facts)``), not the report."""
    for line in lines:
        try:
            read(line)
        except Exception as exc:  # noqa: BLE001 - a parser bug must cost a line, not the report
            issue(line.no, "parser_failed", where="此行", skipped="已跳过", where_en="the line",
                  error=f"{type(exc).__name__}: {exc}")


def parse_report_table(lines: list[Line], ledger: Ledger, source_file: str, spec: ReportFamily) -> ParseResult:
    """Parse one report segment (title line first) of the family ``spec`` declares."""
    result = ParseResult(source_file=source_file, families=[spec.name])
    body = [line for line in lines if not line.is_blank]  # is_blank is cached on the Line
    if not body:
        return result
    st = ReportState(spec=spec, source_file=source_file, ledger=ledger, report_seq=body[0].no)

    title = body[0]
    st.mark(title, TITLE)
    year = _YEAR.search(title.key)
    if year:
        st.fields["fiscal_year"] = int(year.group(1))

    words = _label_search(spec)
    # partial: each line's call goes straight from C to _dispatch (a lambda was one more Python frame a line)
    read_each_line(body[1:], partial(_dispatch, st, words), st.issue)

    flush_pending_deviation(st)
    assemble_report(st, body, result)
    return result


@lru_cache(maxsize=8)
def _label_words(spec: ReportFamily) -> tuple[frozenset[str], tuple[str, ...], tuple[str, ...]]:
    """What every labelled row (the tests of _labelled_row and _block_label_row) prints: a cell key
    equal to one of the labels, one of the key words in its key, or one of the cell words in a
    cell key. Most rows (indicator, fund and goal text rows) print none: a set test and a few
    substring tests in C tell them apart, instead of a dozen tests in Python per line."""
    labels = frozenset({
        *spec.header_labels, *vocabulary.GOAL_LABELS,  # is_goal_label_row: only goal labels
        *vocabulary.TOTAL_LABELS, *vocabulary.GRADE_LABELS,
    })
    key_words = (
        "年度",  # the year line (_YEAR)
        *vocabulary.REPORT_TITLE_WORDS.values(), _PERIOD_LABEL, *vocabulary.FUND_BLOCK_WORDS,
    )
    cell_words = (
        vocabulary.NAME_COLUMN, vocabulary.LEVEL1_COLUMN, *vocabulary.TARGET_VALUE_LABELS,  # is_indicator_header
        *(word for word in (spec.closing_heading, *(label for label, _ in spec.closing_labels)) if word),
    )
    return labels, key_words, cell_words


@lru_cache(maxsize=8)
def _label_search(spec: ReportFamily) -> tuple[frozenset[str], Callable[[str], object], Callable[[str], object]]:
    """_label_words with each word list as one regex of its words (truthy when one occurs): one
    scan in C, skipping positions by the words' first characters, costs less than a substring test
    per word through any(map(...)) (~0.5 µs a line)."""
    labels, key_words, cell_words = _label_words(spec)
    return labels, _any_of(key_words), _any_of(cell_words)


def _any_of(words: tuple[str, ...]) -> Callable[[str], object]:
    return re.compile("|".join(map(re.escape, words))).search


# One regex search in C: any(map(key.__contains__, words)) calls a slot wrapper per word (a tuple each).
_TITLE_WORD_IN = _any_of(_TITLE_WORDS)


def _dispatch(st: ReportState, words: tuple[frozenset[str], Callable, Callable], line: Line) -> None:
    keys, key = line.keys, line.key  # each normalised once per line (text.Line)
    labels, key_word_in, cell_word_in = words  # _label_search
    labelled = not labels.isdisjoint(keys) or key_word_in(key) or cell_word_in(line.keys_text)
    if labelled and _labelled_row(st, line):
        return
    # A row printing no label word leaves the section as it is: in the goal and indicator blocks
    # its fund source would be read by no branch below (most rows: no lookup for them).
    source = None if not labelled and st.section in _NO_FUND_ROWS else fund_row_source(keys)
    if source is not None and st.section in ("header", "fund"):
        read_fund_row(st, line, *source)
        return
    if labelled and _block_label_row(st, line):
        return

    if st.section == "goal":
        read_goal_text(st, line)
    elif st.section == "indicators":
        read_indicator_row(st, line, keys)
    elif st.section == "closing" and st.closing_field:
        # A wrapped continuation of the last closing value (纠偏措施 …).
        st.fields.setdefault(st.closing_field + "_parts", []).extend(line.texts)
        st.mark(line, FIELD)
    elif st.pending_label is not None and st.section == "header":
        name, _label, _no = st.pending_label
        st.fields[name] = join_wrapped(list(line.texts))
        st.pending_label = None
        st.mark(line, FIELD)
    elif source is not None:
        st.issue(line.no, "fund_row_out_of_place")
    else:
        st.issue(line.no, "unrecognised_line", table="报表", table_en=st.spec.name)


def _labelled_row(st: ReportState, line: Line) -> bool:
    """The rows tested before a fund row: year, repeated title, 跟踪时段, header labels, fund header."""
    keys, key = line.keys, line.key
    # Year line "(2024年度)" (a title line of its own; _YEAR needs 年度: most labelled rows skip its regexes).
    if "年度" in key and (_YEAR.fullmatch(key) or (len(key) <= 12 and len(line.texts) == 1 and _YEAR.search(key))):
        m = _YEAR.search(key)
        if m and "fiscal_year" not in st.fields:
            st.fields["fiscal_year"] = int(m.group(1))
        st.mark(line, TITLE)
        return True
    # A repeated title (page break) inside the segment.
    if len(key) <= 60 and _TITLE_WORD_IN(key):
        st.mark(line, TITLE)
        return True
    # A 跟踪时段 line is read in either family, as printed; the tracking family requires one.
    if key.startswith(_PERIOD_LABEL) or (_PERIOD_LABEL in key and _PERIOD.search(key)):
        _period(st, line, key)
        return True
    if not st.spec.header_labels.keys().isdisjoint(keys):  # a cell key is a header label
        _label_values(st, line, st.spec.header_labels)
        return True
    if is_fund_header(line, st.spec.name):
        read_fund_header(st, line)
        return True
    return False


def _block_label_row(st: ReportState, line: Line) -> bool:
    """The rows tested after a fund row: goal labels, indicator header, 总分, 评分等级, closing rows."""
    keys, keys_text = line.keys, line.keys_text
    if is_goal_label_row(keys):
        read_goal_labels(st, line)
        return True
    if is_indicator_header(keys_text):
        read_indicator_header(st, line)
        return True
    if not _TOTAL_LABELS.isdisjoint(keys):  # a cell key is one of the labels (a set test in C, no generator)
        read_total_row(st, line, keys)
        return True
    if not _GRADE_LABELS.isdisjoint(keys):
        read_grade_row(st, line, keys)
        return True
    return st.spec.closing_words is not None and read_closing_row(st, line, keys, keys_text)


def _period(st: ReportState, line: Line, key: str) -> None:
    m = _PERIOD.search(key)
    if not m:
        st.issue(line.no, "unreadable_tracking_period", how="", how_en="")
        return
    y1, m1, y2, m2 = (int(g) for g in m.groups())
    if not (1 <= m1 <= 12 and 1 <= m2 <= 12):
        st.issue(line.no, "unreadable_tracking_period", how="：月份无效", how_en=": invalid month")
        return
    st.fields["tracking_period_start"] = f"{y1:04d}-{m1:02d}"
    st.fields["tracking_period_end"] = f"{y2:04d}-{m2:02d}"
    st.mark(line, FIELD)


def _label_values(st: ReportState, line: Line, labels: dict[str, str]) -> None:
    """Label–value pairs on one row (grid.labelled_cells): a label's value is its value cell; a label
    with none takes the next line's text; a further, different value is a duplicate."""
    printed = {k: c for k, c in zip(reversed(line.keys), reversed(line.cells)) if c}  # a label as printed (its first form)
    found = False
    # The line's text cells only: labelled_cells passes over blank cells, and reads no position or span.
    texts = [Cell(text, line.no) for text in line.cells if text]
    for key, cells in labelled_cells(texts, labels.__contains__).items():
        name, cell = labels[key], printed.get(key, key)
        values = [v for c in cells if (v := value_or_none(c.text)) is not None]
        if not values:
            # the value may sit on the next line (a label cell printed alone)
            st.pending_label = (name, cell, line.no)
            st.mark(line, HEADER)
            continue
        for value in values:
            if name in st.fields and st.fields[name] != value:
                st.issue(line.no, "duplicate_field", label=cell, name=name)
                continue
            st.fields[name] = value
            found = True
    if found:
        st.mark(line, FIELD)
