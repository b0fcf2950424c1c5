"""项目支出绩效目标执行监控表 — the central template of the tracking family (one project per sheet).

A spreadsheet laid out on one grid, so every value is read under the header cell
whose (merged) span covers it, and every header by what its label means, as
``grid.py`` reads every table (``header_columns``, ``map_columns``, ``header_at``):

- title (…绩效目标执行监控表) and year line ``（2019年度）``;
- 项目名称, 主管部门及代码 (``[105]教育部``: the department, its code kept as printed
  in ``extra_fields``), 实施单位: label cells followed by their value;
- 项目资金（万元）: a header row naming the fund columns (年初预算数, 1-7月执行数,
  1-7月执行率, 全年预计执行数), then the rows 年度资金总额 / 其中：财政拨款 / 其他资金;
- 年度总体目标: labels (年初设定目标, 1-7月实际完成情况) over their texts;
- the indicator grid: a header row (一级/二级/三级指标, 年度指标值, 1-7月实际完成值,
  全年预计完成值, 偏差原因分析, 完成目标可能性, 备注) and a second header row splitting
  偏差原因分析 into ✔ columns (经费保障 … 其他) and 原因说明, and 完成目标可能性 into
  确定能 / 有可能 / 完全不可能. A ticked column gives its label as the value.

The tracking period comes from the column labels (``1-7月`` with the year: 2019-01 to
2019-07). Values are kept as printed; every non-blank line is placed or reported.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal

from .. import vocabulary
from ..amounts import money_unit, parse_amount
from ..grid import Column, MergedLabels, header_at, header_columns, labelled_cells, line_rows, map_columns
from ..ledger import Ledger
from ..records import FIELD, HEADER, TITLE, FundRow, IndicatorRow, ParseResult, Report
from ..report_table import fund_source_of, read_each_line, report_required_blocks
from ..text import Line, join_wrapped, norm, value_or_none
from ..vocabulary import TRACKING, fund_column, indicator_column, is_monitoring_title, labels

# ---------------------------------------------------------------- vocabulary

# Titles, labels, years and periods: parsers/vocabulary.py.
_YEAR = vocabulary.REPORT_YEAR
_MONTHS = vocabulary.MONTH_SPAN  # 1-7月 in a column label
_LABELS = labels(TRACKING)
_DEPT_CODE = re.compile(r"^[\[【(（](\d+)[\]】)）](.+)$")  # [105]教育部
_FUND_BLOCK = vocabulary.FUND_BLOCK_WORDS
_GOAL_BLOCK = vocabulary.GOAL_BLOCK
_OUTER = vocabulary.GRID_OUTER_LABELS  # the outer label column beside the grid
# A ticked cell. A cross or 否 says "not this one", as an empty cell does.
_TICKS = {"✔", "✓", "√", "☑", "✅", "✔️", "v", "V", "是"}
_NOT_TICKED = {"×", "✗", "✘", "否", "x", "X"}
# Header groups split into ✔ columns by a second header row.
_TICK_GROUPS = {"deviation_reason": "deviation_cause", "completion_likelihood": "completion_likelihood"}
_REASON_TEXT = re.compile(r"原因说明|说明")  # the text column of 偏差原因分析
_SEPARATOR = "、"  # several ticked columns: their labels in the sheet's order
_INDICATOR_FIELDS = ("indicator_name", "target_text", "actual_text", "planned_text", "deviation_reason",
                     "forecast_text", "deviation_cause", "completion_likelihood", "remarks")


@dataclass
class _Indicator:
    line_no: int
    level1: str | None
    level2: str | None
    texts: dict[str, list[str]] = field(default_factory=dict)
    ticks: dict[str, list[str]] = field(default_factory=dict)  # field → labels of its ticked columns

    def value(self, name: str) -> str | None:
        if self.ticks.get(name):
            return _SEPARATOR.join(self.ticks[name])
        return join_wrapped(self.texts.get(name, []))


@dataclass
class _State:
    source_file: str
    ledger: Ledger
    report_seq: int
    section: str = "header"
    fields: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)
    months: tuple[int, int] | None = None
    # each block's header columns (grid.Column) and its fields by header position
    fund_columns: tuple[list[Column], dict[int, str]] = field(default_factory=lambda: ([], {}))
    fund_rows: list[FundRow] = field(default_factory=list)
    goal_columns: tuple[list[Column], dict[int, str]] = field(default_factory=lambda: ([], {}))
    goal_parts: dict[str, list[str]] = field(default_factory=lambda: {"expected": [], "actual": []})
    grid_header: list[Line] = field(default_factory=list)  # the indicator grid's header rows
    grid: list[Column] = field(default_factory=list)
    texts: dict[int, str] = field(default_factory=dict)  # header position → text field
    ticks: dict[int, tuple[str, str]] = field(default_factory=dict)  # header position → (field, label) of a ✔ column
    indicators: list[_Indicator] = field(default_factory=list)
    levels: MergedLabels = field(default_factory=lambda: MergedLabels(2))  # 一级, 二级 merged over rows

    def issue(self, line: Line | int, code: str, **facts: object) -> None:
        self.ledger.issue(line if isinstance(line, int) else line.no, code, TRACKING, **facts)

    def mark(self, line: Line, disposition: str) -> None:
        self.ledger.mark(line.no, disposition, TRACKING)


# ---------------------------------------------------------------- entry point


def parse_monitoring(lines: list[Line], ledger: Ledger, source_file: str) -> ParseResult:
    """Parse one 执行监控表 segment (title line first) into a tracking Report, FundRows, IndicatorRows."""
    result = ParseResult(source_file=source_file, families=[TRACKING])
    body = [line for line in lines if not line.is_blank]
    if not body:
        return result
    st = _State(source_file=source_file, ledger=ledger, report_seq=body[0].no)
    st.mark(body[0], TITLE)
    _year(st, body[0].key)
    read_each_line(body[1:], lambda line: _dispatch(st, line), st.issue)
    _finish(st, body, result)
    return result


def _dispatch(st: _State, line: Line) -> None:
    keys = tuple(map(norm, line.cells))
    first = next((k for k in keys if k), "")
    if len(line.texts) == 1 and _YEAR.search(first) and len(first) <= 12:
        _year(st, first)
        st.mark(line, TITLE)
    elif len(line.texts) == 1 and is_monitoring_title(first):
        st.mark(line, TITLE)  # the title repeated (a page break in a printed sheet)
    elif any(k in _LABELS for k in keys):
        _label_values(st, line)
    elif any(block in first for block in _FUND_BLOCK) and sum(fund_column(c, TRACKING) is not None for c in keys) >= 2:
        _fund_header(st, line)
    elif st.section == "fund" and (source := fund_source_of(first)) is not None:
        _fund_row(st, line, keys, source)
    elif _GOAL_BLOCK in first:
        _goal_header(st, line)
    elif vocabulary.NAME_COLUMN in keys or (vocabulary.LEVEL1_COLUMN in keys and vocabulary.LEVEL2_COLUMN in keys):
        _grid_header(st, line)
    elif st.section == "grid_header" and _is_sub_header(st, line):
        _grid_sub_header(st, line)
    elif st.section == "goal":
        _goal_text(st, line)
    elif st.section in ("grid_header", "indicators"):
        _indicator_row(st, line, keys)
    else:
        st.issue(line, "unrecognised_line", table="执行监控表", table_en="monitoring")


def _year(st: _State, key: str) -> None:
    m = _YEAR.search(key)
    if m and "fiscal_year" not in st.fields:
        st.fields["fiscal_year"] = int(m.group(1))


def _columns(st: _State, line: Line, meaning) -> tuple[list[Column], dict[int, str]]:
    """A header row's columns, and the field of each by ``meaning`` of its label (a field by its
    first column, grid.map_columns) by position; the period each label names is noted."""
    for cell in line.texts:
        if meaning(cell) is not None:
            _months(st, line, cell)
    columns = header_columns(line_rows(line))
    return columns, {column.at: name for name, column in map_columns(columns, meaning).items()}


def _field_at(header: tuple[list[Column], dict[int, str]], at: int) -> str | None:
    """The field of the header over cell ``at`` (grid.header_at: a merged header covers the cells after it)."""
    columns, fields = header
    return fields.get(header_at(columns, at))


def _months(st: _State, line: Line, label: str) -> None:
    """The period a column label names (1-7月); every label of the table must name the same one."""
    m = _MONTHS.search(norm(label))
    if not m:
        return
    months = (int(m.group(1)), int(m.group(2)))
    if not (1 <= months[0] <= months[1] <= 12):
        st.issue(line, "unreadable_tracking_period", how=f"：列名 {label} 中的月份无效",
                 how_en=": invalid months in a column label")
    elif st.months is None:
        st.months = months
    elif st.months != months:
        st.issue(line, "conflicting_tracking_period", label=label, earlier=f"{st.months[0]}-{st.months[1]}")


# ---------------------------------------------------------------- header block


def _label_values(st: _State, line: Line) -> None:
    """label | value pairs on one row (grid.labelled_cells): a label's value is the cell after it."""
    printed = {norm(c): c for c in reversed(line.cells) if c}  # a label as printed (its first form)
    found = False
    for key, cells in labelled_cells(line_rows(line)[0].cells, _LABELS.__contains__).items():
        name, label = _LABELS[key], printed.get(key, key)
        if not cells:
            st.issue(line, "missing_value", label=label)
        for value in (v for c in cells if (v := value_or_none(c.text)) is not None):
            if name == "supervising_dept" and (m := _DEPT_CODE.match(norm(value))):
                st.extra[label] = value  # the printed pair, code included
                value = m.group(2)
            if name in st.fields and st.fields[name] != value:
                st.issue(line, "duplicate_field", label=label, name=name)
                continue
            st.fields[name] = value
            found = True
    st.mark(line, FIELD if found else HEADER)


# ---------------------------------------------------------------- fund block


def _fund_header(st: _State, line: Line) -> None:
    st.section = "fund"
    st.fund_columns = _columns(st, line, lambda c: fund_column(c, TRACKING))
    unit = next((u for c in line.texts if (u := money_unit(c))), None)
    if unit is None:
        st.issue(line, "missing_money_unit")
    else:
        st.fields.setdefault("money_unit", unit)
    st.mark(line, HEADER)


def _fund_row(st: _State, line: Line, keys: tuple[str, ...], source: str) -> None:
    label_at = next(i for i, k in enumerate(keys) if k)
    if any(r.fund_source == source for r in st.fund_rows):
        st.issue(line, "duplicate_fund_row", label=line.cells[label_at])
        return
    amounts: dict[str, Decimal | None] = {}
    for i, cell in enumerate(line.cells[label_at + 1 :], start=label_at + 1):
        if not value_or_none(cell):
            continue
        name = _field_at(st.fund_columns, i)
        amount = parse_amount(value_or_none(cell))
        if name is None or name in amounts:
            st.issue(line, "fund_row_extra_cells", text=f" {cell} ")
        elif amount is None:
            st.issue(line, "unreadable_amount", text=cell)
        else:
            amounts[name] = amount
    st.fund_rows.append(FundRow(st.source_file, st.report_seq, source, line.cells[label_at], line.no, **amounts))
    st.mark(line, FIELD)


# ---------------------------------------------------------------- goal block


def _goal_column(label: str) -> str | None:
    k = norm(label)
    if _GOAL_BLOCK in k:
        return None  # the block's own label
    if "完成情况" in k or "执行情况" in k:
        return "actual"
    if "目标" in k:
        return "expected"  # 年初设定目标, 预期目标, 全年目标
    return None


def _goal_header(st: _State, line: Line) -> None:
    st.section = "goal"
    st.goal_columns = _columns(st, line, _goal_column)
    st.mark(line, HEADER)


def _goal_text(st: _State, line: Line) -> None:
    placed = False
    for i, cell in enumerate(line.cells):
        name = _field_at(st.goal_columns, i) if cell else None
        if name is not None:
            st.goal_parts[name].append(cell)
            placed = True
        elif cell:
            st.issue(line, "unplaced_goal_text", text=cell)
    if placed:
        st.mark(line, FIELD)


# ---------------------------------------------------------------- indicator grid


def _grid_header(st: _State, line: Line) -> None:
    st.section = "grid_header"
    _columns(st, line, indicator_column)  # the period its labels name
    _grid_columns(st, [line])
    st.mark(line, HEADER)


def _tick_group(column: Column) -> str | None:
    """The group (偏差原因分析, 完成目标可能性) a column sits under, as its field."""
    return next((name for g in column.groups if (name := indicator_column(g)) in _TICK_GROUPS), None)


def _is_sub_header(st: _State, line: Line) -> bool:
    """The second header row: every cell sits under a group (偏差原因分析, 完成目标可能性)."""
    columns = header_columns(line_rows(*st.grid_header, line))
    cells = [i for i, c in enumerate(line.cells) if c]
    return bool(cells) and all(i < len(columns) and _tick_group(columns[i]) for i in cells)


def _grid_sub_header(st: _State, line: Line) -> None:
    """Split each group into its columns: ✔ columns named by their label, and the reason text."""
    _grid_columns(st, [*st.grid_header, line])
    st.mark(line, HEADER)


def _grid_columns(st: _State, header: list[Line]) -> None:
    """The grid's columns: under a group, a ✔ column gives its label when ticked and 原因说明 is the
    reason text; the others are text fields by their own labels, each by its first column
    (grid.map_columns)."""
    st.grid_header = header
    st.grid = columns = header_columns(line_rows(*header))
    grouped = {c.at: (g, c) for c in columns if (g := _tick_group(c)) and c.own}
    reasons = {at for at, (g, c) in grouped.items() if g == "deviation_reason" and _REASON_TEXT.search(norm(c.own[-1]))}
    st.ticks = {at: (_TICK_GROUPS[g], c.own[-1]) for at, (g, c) in grouped.items() if at not in reasons}
    texts = map_columns([c for c in columns if not _tick_group(c)], indicator_column)
    st.texts = {at: "deviation_reason" for at in reasons} | {c.at: name for name, c in texts.items()}


def _plain_blank(st: _State, line: Line, name: str) -> bool:
    """The row's cells under field ``name`` are blank and the file stores them as no merge's
    (grid.MergedLabels: the label above does not reach this row)."""
    if line.spans is None:
        return False
    at = [i for i in range(len(line.cells)) if st.texts.get(header_at(st.grid, i)) == name]
    return bool(at) and all(not line.cells[i] and line.spans[i] == (1, 1) for i in at)


def _indicator_row(st: _State, line: Line, keys: tuple[str, ...]) -> None:
    st.section = "indicators"
    texts: dict[str, list[str]] = {}
    ticks: dict[str, list[str]] = {}
    for i, (cell, k) in enumerate(zip(line.cells, keys)):
        if not k:
            continue
        at = header_at(st.grid, i)
        if at in st.ticks:
            name, label = st.ticks[at]
            if k in _TICKS:
                ticks.setdefault(name, []).append(label)
            elif value_or_none(cell) is not None and k not in _NOT_TICKED:
                st.issue(line, "unreadable_tick_mark", label=label, text=cell)
        elif at in st.texts:
            texts.setdefault(st.texts[at], []).append(cell)
        elif k not in _OUTER:
            st.issue(line, "unplaced_indicator_fragment", text=f"“{cell}”（不在任何列名之下）")
    level1 = join_wrapped(texts.pop("level1", []))
    level2 = join_wrapped(texts.pop("level2", []))
    held1, held2 = st.levels.apply(level1, level2, plain=[k for k, name in enumerate(("level1", "level2"))
                                                          if _plain_blank(st, line, name)])
    if texts or ticks:
        st.indicators.append(_Indicator(line.no, held1, held2, texts, ticks))
        if "indicator_name" not in texts:
            st.issue(line, "indicator_without_name")
    if texts or ticks or level1 or level2:
        st.mark(line, FIELD)


# ---------------------------------------------------------------- assembling the report


def _finish(st: _State, body: list[Line], result: ParseResult) -> None:
    f = st.fields
    first = body[0].no
    report_required_blocks(st, first)
    period: tuple[str | None, ...] = (None, None)
    if st.months is None:
        st.issue(first, "missing_tracking_period", how="（列名未写明监控期间，如 1-7月）", how_en=" in the column labels")
    elif "fiscal_year" not in f:
        st.issue(first, "missing_tracking_period", how=f"的年度（列名写明 {st.months[0]}-{st.months[1]}月，但表中没有年度）",
                 how_en=" year: a period without a year")
    else:
        period = tuple(f"{f['fiscal_year']:04d}-{m:02d}" for m in st.months)
    result.reports.append(Report(
        source_file=st.source_file, report_seq=st.report_seq, report_type=TRACKING,
        line_start=first, line_end=body[-1].no, fiscal_year=f.get("fiscal_year"),
        project_name=f.get("project_name"), supervising_dept=f.get("supervising_dept"),
        implementing_unit=f.get("implementing_unit"), money_unit=f.get("money_unit"),
        tracking_period_start=period[0], tracking_period_end=period[1],
        goal_expected=join_wrapped(st.goal_parts["expected"]), goal_actual=join_wrapped(st.goal_parts["actual"]),
        extra_fields=json.dumps(st.extra, ensure_ascii=False) if st.extra else None,
    ))
    result.fund_rows.extend(st.fund_rows)
    for seq, ind in enumerate(st.indicators, start=1):
        result.indicators.append(IndicatorRow(
            source_file=st.source_file, report_seq=st.report_seq, indicator_seq=seq, line_no=ind.line_no,
            level1=ind.level1, level2=ind.level2,
            **{name: ind.value(name) for name in _INDICATOR_FIELDS},
        ))
