"""Shared structure of the two project report tables: self-evaluation and tracking.

Both families print one project per table, in the same order of blocks:

- title (…绩效自评表 / …绩效跟踪表), year line ``(2024年度)`` or tracking period
  ``跟踪时段：（2024年1月 至 2024年8月）``;
- header block: 项目名称, 主管部门, 实施单位;
- fund block: a label row ``项目资金 (万元)`` / ``预算执行情况 (万元)`` carrying the
  money unit and the column names, then the rows 年度资金总额, 其中:当年财政拨款,
  上年结转资金, 其他资金;
- goal block: 预期目标 / 实际完成情况 (tracking: 跟踪期实际完成情况) labels, then text;
- indicator block: a column-header row (一级指标 … 偏差原因分析), then one row per
  三级指标, with 一级/二级 labels printed only on the first row of their group;
- closing rows: 总分 and 评分等级 (self-evaluation) or 绩效跟踪总体判断 (年度项目预算
  完成可能性, 年度绩效目标完成可能性) and 纠偏措施 (tracking).

Rows are recognised by their labels (compared after ``text.norm``), never by
position or line count: converters shift cells, duplicate empty cells and drop
header cells. Values are kept as printed; nothing is repaired. Every non-blank
line of the segment is marked in the ledger or reported as an issue.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from . import vocabulary
from .amounts import is_plain_number as _is_plain_key
from .amounts import money_unit, parse_amount
from .ledger import Ledger
from .records import FIELD, HEADER, TITLE, FundRow, IndicatorRow, ParseResult, Report
from .text import Line, join_wrapped, norm, value_or_none

SELF_EVAL = vocabulary.SELF_EVAL
TRACKING = vocabulary.TRACKING

# ---------------------------------------------------------------- vocabulary
# Titles, labels, level words, years and periods: parsers/vocabulary.py.

_YEAR = vocabulary.REPORT_YEAR
_PERIOD = vocabulary.TRACKING_PERIOD
_PERIOD_LABEL = vocabulary.TRACKING_PERIOD_LABEL
_FUND_COLUMNS = vocabulary.FUND_COLUMNS
_INDICATOR_COLUMNS = vocabulary.INDICATOR_COLUMNS
_HEADER_LABELS = vocabulary.labels(SELF_EVAL)  # the same header fields in both families
_GOAL_LABELS = vocabulary.GOAL_LABELS
_GOAL_LABELS_OR_EMPTY = _GOAL_LABELS | {""}
fund_column = vocabulary.fund_column
indicator_column = vocabulary.indicator_column


def is_level1(cell: str) -> bool:
    return vocabulary.is_level1(norm(cell), SELF_EVAL)


def is_level2(cell: str, strict: bool = True) -> bool:
    return vocabulary.is_level2(norm(cell), SELF_EVAL, strict)


def is_plain_number(cell: str) -> bool:
    return _is_plain_key(norm(cell))


def _is_pair_cell(cell: str, plain: bool) -> bool:
    """A weight/score cell: a plain number, or a blank marker (-, —) standing for one."""
    return plain or value_or_none(cell) is None


def _number(cell: str | None) -> Decimal | None:
    # most weight/score/amount cells are plain numbers and need no cleaning (parse_amount's fast path)
    value = parse_amount(cell)
    return value if value is not None else parse_amount(value_or_none(cell))


_WHITESPACE = re.compile(r"\s+")


def _label_text(cell: str) -> str:
    """A level label as printed, without the spaces of a wrapped cell (服务对象满意度 指标)."""
    return _WHITESPACE.sub("", cell)


# ---------------------------------------------------------------- mutable builders


@dataclass
class _Indicator:
    line_no: int
    level1: str | None
    level2: str | None
    values: dict[str, list[str]] = field(default_factory=dict)
    weight: Decimal | None = None
    score: Decimal | None = None

    def add(self, column: str, text: str, prepend: bool = False) -> None:
        parts = self.values.setdefault(column, [])
        if prepend:
            parts.insert(0, text)
        else:
            parts.append(text)

    def text(self, column: str) -> str | None:
        parts = self.values.get(column)
        return join_wrapped(parts) if parts else None  # join_wrapped([]) is None too


@dataclass
class _State:
    family: str
    source_file: str
    ledger: Ledger
    report_seq: int
    section: str = "header"
    fields: dict = field(default_factory=dict)
    fund_columns: list[tuple[str, int | None]] = field(default_factory=list)
    fund_rows: list[FundRow] = field(default_factory=list)
    goal_cols: tuple[int | None, int | None] = (None, None)
    goal_parts: dict[str, list[str]] = field(default_factory=lambda: {"expected": [], "actual": []})
    indicator_header: dict[str, int] = field(default_factory=dict)
    indicators: list[_Indicator] = field(default_factory=list)
    pending_deviation: list[tuple[int, str]] = field(default_factory=list)
    level1: str | None = None
    level2: str | None = None
    closing_field: str | None = None
    pending_label: tuple[str, str, int] | None = None

    def issue(self, line_no: int, code: str, **facts: object) -> None:
        self.ledger.issue(line_no, code, self.family, **facts)

    def mark(self, line: Line, disposition: str) -> None:
        self.ledger.mark(line.no, disposition, self.family)


# ---------------------------------------------------------------- entry point


def parse_report_table(lines: list[Line], ledger: Ledger, source_file: str, family: str) -> ParseResult:
    """Parse one report segment (title line first) of the given family."""
    result = ParseResult(source_file=source_file, families=[family])
    body = [line for line in lines if not line.is_blank]  # is_blank is cached on the Line
    if not body:
        return result
    st = _State(family=family, source_file=source_file, ledger=ledger, report_seq=body[0].no)

    title = body[0]
    st.mark(title, TITLE)
    year = _YEAR.search(title.key)
    if year:
        st.fields["fiscal_year"] = int(year.group(1))

    for line in body[1:]:
        try:
            _dispatch(st, line)
        except Exception as exc:  # noqa: BLE001 - a parser bug must cost a line, not the report
            st.issue(line.no, "parser_failed", where="此行", skipped="已跳过", where_en="the line",
                     error=f"{type(exc).__name__}: {exc}")

    _flush_pending_deviation(st)
    _finish(st, body, result)
    return result


# ---------------------------------------------------------------- line dispatch


def _dispatch(st: _State, line: Line) -> None:
    keys, keys_text, key = line.keys, line.keys_text, line.key  # each normalised once per line (text.Line)

    # Year line "(2024年度)" (a title line of its own).
    if _YEAR.fullmatch(key) or (len(key) <= 12 and len(line.texts) == 1 and _YEAR.search(key)):
        m = _YEAR.search(key)
        if m and "fiscal_year" not in st.fields:
            st.fields["fiscal_year"] = int(m.group(1))
        st.mark(line, TITLE)
        return
    # A repeated title (page break) inside the segment.
    if len(key) <= 60 and any(word in key for word in vocabulary.REPORT_TITLE_WORDS.values()):
        st.mark(line, TITLE)
        return
    if key.startswith(_PERIOD_LABEL) or (_PERIOD_LABEL in key and _PERIOD.search(key)):
        _period(st, line, key)
        return
    if any(k in _HEADER_LABELS for k in keys):
        _label_values(st, line, _HEADER_LABELS)
        return
    if _is_fund_header(line, st.family):
        _fund_header(st, line)
        return
    source = _fund_source(keys)
    if source is not None and st.section in ("header", "fund"):
        _fund_row(st, line, *source)
        return
    if _is_goal_label_row(keys):
        _goal_label_row(st, line)
        return
    if _is_indicator_header(keys_text):
        _indicator_header(st, line)
        return
    if any(label in keys for label in vocabulary.TOTAL_LABELS):
        _total_row(st, line, keys)
        return
    if any(label in keys for label in vocabulary.GRADE_LABELS):
        _grade_row(st, line, keys)
        return
    if st.family == TRACKING and _tracking_closing(st, line, keys, keys_text):
        return

    if st.section == "goal":
        _goal_text(st, line)
    elif st.section == "indicators":
        _indicator_line(st, line, keys)
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
        st.issue(line.no, "unrecognised_line", table="报表", table_en=st.family)


# ---------------------------------------------------------------- header block


def _period(st: _State, line: Line, key: str) -> None:
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


def _label_values(st: _State, line: Line, labels: dict[str, str]) -> None:
    """Label/value pairs on one row: each label's value is the next non-label cell."""
    cells = line.cells
    found = False
    for i, cell in enumerate(cells):
        name = labels.get(norm(cell))
        if not name:
            continue
        value = None
        for nxt in cells[i + 1 :]:
            if norm(nxt) in labels or norm(nxt) in _HEADER_LABELS:
                break
            if nxt:
                value = value_or_none(nxt)
                break
        if value is None:
            # the value may sit on the next line (a label cell printed alone)
            st.pending_label = (name, cell, line.no)
            st.mark(line, HEADER)
            continue
        if name in st.fields and st.fields[name] != value:
            st.issue(line.no, "duplicate_field", label=cell, name=name)
            continue
        st.fields[name] = value
        found = True
    if found:
        st.mark(line, FIELD)


# ---------------------------------------------------------------- fund block


def _is_fund_header(line: Line, family: str) -> bool:
    key = line.key
    if not any(word in key for word in vocabulary.FUND_BLOCK_WORDS):
        return False
    return money_unit(key) is not None or sum(1 for c in line.texts if fund_column(c, family)) >= 2


def _fund_header(st: _State, line: Line) -> None:
    st.section = "fund"
    unit = None
    columns: list[tuple[str, int | None]] = []
    for i, cell in enumerate(line.cells):
        if not cell:
            continue
        if unit is None:
            unit = money_unit(cell)
        col = fund_column(cell, st.family)
        if col and all(col != c for c, _ in columns):
            columns.append((col, i))
    if unit is None:
        st.issue(line.no, "missing_money_unit")
    elif "money_unit" in st.fields and st.fields["money_unit"] != unit:
        st.issue(line.no, "conflicting_money_unit")
    else:
        st.fields["money_unit"] = unit
    st.fund_columns = _complete_columns(columns, _FUND_COLUMNS[st.family])
    st.mark(line, HEADER)


def _complete_columns(
    found: list[tuple[str, int | None]], canonical: tuple[str, ...]
) -> list[tuple[str, int | None]]:
    """The header's columns in its own order, with the ones it dropped put back in canonical order."""
    names = [c for c, _ in found]
    out = list(found)
    for pos, col in enumerate(canonical):
        if col in names:
            continue
        # insert before the first later canonical column that is present
        later = [c for c in canonical[pos + 1 :] if c in [n for n, _ in out]]
        at = next((k for k, (n, _) in enumerate(out) if later and n == later[0]), len(out))
        out.insert(at, (col, None))
    return out


def _fund_source(keys: tuple[str, ...]) -> tuple[str, int] | None:
    for i, k in enumerate(keys):
        if not k:
            continue
        source = fund_source_of(k)
        return (source, i) if source is not None else None  # only the first non-empty cell counts
    return None


@lru_cache(maxsize=4096)  # first cells repeat (labels); avoids four regex tries per line
def fund_source_of(key: str) -> str | None:
    return vocabulary.fund_source_of(key)


def _fund_row(st: _State, line: Line, source: str, label_at: int) -> None:
    if not st.fund_columns:
        st.fund_columns = [(c, None) for c in _FUND_COLUMNS[st.family]]
        st.issue(line.no, "missing_fund_header")
    st.section = "fund"
    if any(r.fund_source == source for r in st.fund_rows):
        st.issue(line.no, "duplicate_fund_row", label=line.cells[label_at])
        return
    cells = [(i, c) for i, c in enumerate(line.cells) if i > label_at and c]
    values, how = _align(cells, st.fund_columns)
    if how == "ambiguous":
        st.issue(line.no, "fund_row_ambiguous_columns")
    elif how == "extra":
        st.issue(line.no, "fund_row_extra_cells", text="（多于表头列数的部分）")
    amounts = {col: _number(text) for col, text in values.items()}
    for col, text in values.items():
        if amounts[col] is None and value_or_none(text) is not None:
            st.issue(line.no, "unreadable_amount", text=text)
    st.fund_rows.append(
        FundRow(
            source_file=st.source_file,
            report_seq=st.report_seq,
            fund_source=source,
            label=line.cells[label_at],
            line_no=line.no,
            **{col: amounts.get(col) for col in (*_FUND_COLUMNS[st.family], "forecast_executed")},
        )
    )
    st.mark(line, FIELD)


def _infer_positions(columns: list[tuple[str, int | None]]) -> list[tuple[str, int | None]]:
    """Give header columns the converter dropped a position, when the others are evenly spaced."""
    known = [(k, idx) for k, (_, idx) in enumerate(columns) if idx is not None]
    if len(known) == len(columns) or len(known) < 2:
        return columns
    strides = {(b_idx - a_idx) / (b - a) for (a, a_idx), (b, b_idx) in itertools.pairwise(known)}
    if len(strides) != 1:
        return columns
    stride = strides.pop()
    if stride != int(stride) or stride < 1:
        return columns
    k0, i0 = known[0]
    return [
        (name, idx if idx is not None else i0 + int(stride) * (k - k0))
        for k, (name, idx) in enumerate(columns)
    ]


def _align(cells: list[tuple[int, str]], columns: list[tuple[str, int | None]]) -> tuple[dict[str, str], str]:
    """Map a row's non-empty cells to columns.

    - as many cells as columns: in order (shifted or duplicated empty cells do not matter);
    - fewer cells (a blank cell in the row): by position against the header, allowing the
      whole row to be shifted by a few cells; the smallest shift that puts every cell under
      a distinct header column wins;
    - otherwise left to right, reported as ambiguous (or extra cells ignored).
    """
    names = [c for c, _ in columns]
    if len(cells) == len(columns):
        return {n: text for n, (_, text) in zip(names, cells)}, "ordered"
    if len(cells) > len(columns):
        return {n: text for n, (_, text) in zip(names, cells)}, "extra"
    positions = {idx: n for n, idx in _infer_positions(columns) if idx is not None}
    if positions and len(positions) == len(columns):
        for shift in (0, -1, 1, -2, 2, -3, 3):
            mapped = {}
            for idx, text in cells:
                col = positions.get(idx + shift)
                if col is None or col in mapped:
                    break
                mapped[col] = text
            else:
                # the mapping must keep the header's order
                return mapped, "positional"
    return {n: text for n, (_, text) in zip(names, cells)}, "ambiguous"


# ---------------------------------------------------------------- goal block


def _is_goal_label_row(keys: tuple[str, ...]) -> bool:
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


def _goal_label_row(st: _State, line: Line) -> None:
    st.section = "goal"
    exp_idx = act_idx = None
    for i, cell in enumerate(line.cells):
        k = norm(cell)
        if k == vocabulary.GOAL_EXPECTED:
            exp_idx = i
        elif k.endswith(vocabulary.GOAL_ACTUAL_SUFFIX):
            act_idx = i
    if exp_idx is not None or act_idx is not None:
        st.goal_cols = (exp_idx, act_idx)
    st.mark(line, HEADER)


def _goal_text(st: _State, line: Line) -> None:
    cells = [(i, c) for i, c in enumerate(line.cells) if c and norm(c) not in _GOAL_LABELS]
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


# ---------------------------------------------------------------- indicator block


def _is_indicator_header(joined: str) -> bool:
    """``joined``: the row's cell keys joined by TAB (see _dispatch)."""
    if "指标" not in joined:  # every header word below contains 指标; most rows have none
        return False
    return (
        vocabulary.NAME_COLUMN in joined
        or (vocabulary.LEVEL1_COLUMN in joined and vocabulary.LEVEL2_COLUMN in joined)
        or ("指标值" in joined and (vocabulary.LEVEL1_COLUMN in joined or "分值" in joined))
    )


def _indicator_header(st: _State, line: Line) -> None:
    _flush_pending_deviation(st)
    st.section = "indicators"
    header = {}
    for i, cell in enumerate(line.cells):
        col = indicator_column(cell)
        if col and col not in header:
            header[col] = i
    if header:
        st.indicator_header = header
    st.mark(line, HEADER)


def _strip_labels(
    cells: list[tuple[int, str]], needed_after: int, keys: tuple[str, ...]
) -> tuple[list[tuple[int, str]], str | None, str | None]:
    """Take the outer label and the 一级/二级 labels off the front of an indicator row.

    Labels are recognised by vocabulary wherever they sit (a 二级 label may be
    printed in the 一级 or the 三级 column). A loose 二级 candidate (any short
    ``…指标``) only counts when enough cells remain for the indicator itself.
    ``keys`` are the line's normalised cells (norm of each), by cell position.
    """
    level1 = level2 = None
    rest = list(cells)
    while rest:
        at, text = rest[0]
        k = keys[at]
        remaining = len(rest) - 1
        if k in vocabulary.GRID_OUTER_LABELS and remaining >= 1:
            pass  # the outer 「绩效指标」 column
        elif level1 is None and level2 is None and vocabulary.is_level1(k, SELF_EVAL):
            level1 = _label_text(text)
        elif level2 is None and (
            vocabulary.is_level2(k, SELF_EVAL)
            or (remaining >= needed_after and vocabulary.is_level2(k, SELF_EVAL, strict=False))
        ):
            level2 = _label_text(text)
        else:
            break
        rest.pop(0)
    return rest, level1, level2


def carry_levels(held1: str | None, held2: str | None, level1: str | None, level2: str | None):
    """The 一级/二级 labels after an indicator row that prints ``level1``/``level2`` (None: blank).

    A blank level keeps the label above (a merged cell spans the rows below it); a new
    一级 label without its own 二级 ends the 二级 label above, which belonged to the old one.
    """
    if level1 is not None:
        if level1 != held1 and level2 is None:
            held2 = None
        held1 = level1
    if level2 is not None:
        held2 = level2
    return held1, held2


def _indicator_line(st: _State, line: Line, keys: tuple[str, ...]) -> None:
    cells = [(i, c) for i, c in enumerate(line.cells) if c]
    rest, level1, level2 = _strip_labels(cells, needed_after=2, keys=keys)
    st.level1, st.level2 = carry_levels(st.level1, st.level2, level1, level2)

    if not rest:
        # a row holding only labels (merged cells printed on a row of their own)
        st.mark(line, FIELD if (level1 or level2) else HEADER)
        return

    if st.family == SELF_EVAL:
        parsed = _self_eval_cells(rest, st.indicator_header, keys)
    else:
        parsed = _tracking_cells(rest, st.indicator_header)
    if parsed is None:
        _fragment(st, line, rest, had_labels=bool(level1 or level2))
        return

    ind = _Indicator(line_no=line.no, level1=st.level1, level2=st.level2)
    name, values, weight, score, notes = parsed
    ind.add("indicator_name", name)
    for col, text in values.items():
        if text is not None:
            ind.add(col, text)
    ind.weight, ind.score = weight, score
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


def _self_eval_cells(rest: list[tuple[int, str]], header: dict[str, int], keys: tuple[str, ...]):
    """name, target, actual, weight, score, deviation: the numeric pair anchors the row."""
    texts = [t for _, t in rest]
    # is_plain_number of each cell, once per cell (not once per candidate pair), from the line's keys
    plain = [_is_plain_key(keys[i]) for i, _ in rest]
    # find the weight/score pair: the right-most two adjacent pair cells followed only by text
    pair_at = None
    for j in range(len(texts) - 2, -1, -1):
        if (
            (plain[j] or plain[j + 1])
            and _is_pair_cell(texts[j], plain[j])
            and _is_pair_cell(texts[j + 1], plain[j + 1])
            and not any(plain[j + 2 :])  # followed only by text
        ):
            pair_at = j
            break
    if pair_at is None or pair_at == 0:
        if len(texts) <= 1:
            return None
        if pair_at == 0:
            return None
        # an indicator row without weight/score
        name, *others = texts
        values = dict(zip(("target_text", "actual_text", "deviation_reason"), others))
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
    weight, score = _number(texts[pair_at]), _number(texts[pair_at + 1])
    deviation = join_wrapped(texts[pair_at + 2 :])
    notes = []
    name = before[0]
    values: dict[str, str | None] = {"target_text": None, "actual_text": None, "deviation_reason": deviation}
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


def _tracking_cells(rest: list[tuple[int, str]], header: dict[str, int]):
    """name, target, planned, actual, deviation (no weights in a tracking table)."""
    texts = [t for _, t in rest]
    if len(texts) < 2:
        return None
    name, *others = texts
    cols = _INDICATOR_COLUMNS[TRACKING]
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
        values, how = _align(rest[1:], columns)
        if how != "positional" and len(others) < len(cols) - 1:
            notes.append(("indicator_value_missing", {"how": "按从左到右读取", "how_en": "read left to right"}))
    return name, values, None, None, notes


def _fragment(st: _State, line: Line, rest: list[tuple[int, str]], had_labels: bool) -> None:
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


def _flush_pending_deviation(st: _State) -> None:
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


# ---------------------------------------------------------------- closing rows


def _numbers_after(line: Line, keys: list[str], labels: tuple[str, ...]) -> list[str]:
    start = next((i for i, k in enumerate(keys) if k in labels), -1)
    return [c for c in line.cells[start + 1 :] if c]


def _total_row(st: _State, line: Line, keys: list[str]) -> None:
    _flush_pending_deviation(st)
    st.section = "closing"
    st.closing_field = None
    if "total_line_no" in st.fields:
        st.issue(line.no, "duplicate_total_row")
        return
    cells = _numbers_after(line, keys, vocabulary.TOTAL_LABELS)
    numbers = [c for c in cells if value_or_none(c) is not None]
    st.fields["total_line_no"] = line.no
    if numbers:
        st.fields["total_weight"] = _number(numbers[0])
    if len(numbers) > 1:
        st.fields["total_score"] = _number(numbers[1])
    if len(numbers) != 2 or any(_number(n) is None for n in numbers):
        st.issue(line.no, "unexpected_total_row", numbers=numbers)
    st.mark(line, FIELD)


def _grade_row(st: _State, line: Line, keys: list[str]) -> None:
    _flush_pending_deviation(st)
    st.section = "closing"
    st.closing_field = None
    values = [value_or_none(c) for c in _numbers_after(line, keys, vocabulary.GRADE_LABELS)]
    values = [v for v in values if v]
    if not values:
        st.issue(line.no, "missing_value", label="评分等级")
        return
    st.fields["grade"] = values[0]
    st.fields["grade_line_no"] = line.no
    st.mark(line, FIELD)


_CLOSING_LABELS = vocabulary.TRACKING_CLOSING_LABELS


# Any word a closing row needs in one of its cell keys (a cheap first test).
_CLOSING_WORDS = re.compile("|".join([vocabulary.TRACKING_JUDGEMENT, *(label for label, _ in _CLOSING_LABELS)]))


def _tracking_closing(st: _State, line: Line, keys: tuple[str, ...], keys_text: str) -> bool:
    if not _CLOSING_WORDS.search(keys_text):
        return False  # no closing label in any cell: the usual case, decided without the loops below
    hits = [
        (i, name)
        for i, k in enumerate(keys)
        for label, name in _CLOSING_LABELS
        if k == label or (k.endswith(label) and len(k) <= len(label) + 8)
    ]
    judgement = any(vocabulary.TRACKING_JUDGEMENT in k for k in keys)
    if not hits and not judgement:
        return False
    _flush_pending_deviation(st)
    st.section = "closing"
    if not hits:
        st.mark(line, HEADER)
        return True
    for pos, (i, name) in enumerate(hits):
        end = hits[pos + 1][0] if pos + 1 < len(hits) else len(line.cells)
        parts = [c for c, k in zip(line.cells[i + 1 : end], keys[i + 1 : end]) if c and vocabulary.TRACKING_JUDGEMENT not in k]
        st.fields.setdefault(name + "_parts", []).extend(parts)
        st.closing_field = name
    st.mark(line, FIELD)
    return True


# ---------------------------------------------------------------- assembling the report


def report_required_blocks(st, first: int) -> None:
    """The blocks every project report prints (fund block, indicators, project name): one issue each
    that is missing. ``st`` is a reader's state with ``fund_rows``, ``indicators``, ``fields``, ``issue``."""
    if not st.fund_rows:
        st.issue(first, "missing_fund_block")
    if not st.indicators:
        st.issue(first, "missing_indicators")
    if "project_name" not in st.fields:
        st.issue(first, "missing_project_name")


def _finish(st: _State, body: list[Line], result: ParseResult) -> None:
    f = st.fields
    first, last = body[0].no, body[-1].no
    if st.pending_label is not None:
        _name, label, no = st.pending_label
        st.issue(no, "missing_value", label=label)
    if st.family == SELF_EVAL and "total_line_no" not in f:
        st.issue(first, "missing_total_row")
    report_required_blocks(st, first)
    if st.family == TRACKING:
        if "tracking_period_start" not in f:
            st.issue(first, "missing_tracking_period", how="", how_en="")
        elif "fiscal_year" not in f:
            f["fiscal_year"] = int(f["tracking_period_start"][:4])
        if not any(name + "_parts" in f for _label, name in _CLOSING_LABELS):
            st.issue(last, "missing_tracking_judgement")
    if "fiscal_year" not in f and st.family == SELF_EVAL:
        st.issue(first, "missing_fiscal_year")

    extra = {}
    for _label, name in _CLOSING_LABELS:
        parts = f.get(name + "_parts")
        if parts is not None:
            extra[name] = join_wrapped(parts)

    result.reports.append(
        Report(
            source_file=st.source_file,
            report_seq=st.report_seq,
            report_type=st.family,
            line_start=first,
            line_end=last,
            fiscal_year=f.get("fiscal_year"),
            project_name=f.get("project_name"),
            supervising_dept=f.get("supervising_dept"),
            implementing_unit=f.get("implementing_unit"),
            money_unit=f.get("money_unit"),
            total_weight=f.get("total_weight"),
            total_score=f.get("total_score"),
            grade=f.get("grade"),
            tracking_period_start=f.get("tracking_period_start"),
            tracking_period_end=f.get("tracking_period_end"),
            goal_expected=join_wrapped(st.goal_parts["expected"]),
            goal_actual=join_wrapped(st.goal_parts["actual"]),
            total_line_no=f.get("total_line_no"),
            grade_line_no=f.get("grade_line_no"),
            **extra,
        )
    )
    result.fund_rows.extend(st.fund_rows)
    for seq, ind in enumerate(st.indicators, start=1):
        result.indicators.append(
            IndicatorRow(
                source_file=st.source_file,
                report_seq=st.report_seq,
                indicator_seq=seq,
                line_no=ind.line_no,
                level1=ind.level1,
                level2=ind.level2,
                indicator_name=ind.text("indicator_name"),
                target_text=ind.text("target_text"),
                actual_text=ind.text("actual_text"),
                planned_text=ind.text("planned_text"),
                weight=ind.weight,
                score=ind.score,
                deviation_reason=ind.text("deviation_reason"),
            )
        )
