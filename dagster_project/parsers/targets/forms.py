"""上海市财政支出项目绩效目标 — performance-target tables of a department budget.

Each project of a budget document has a section headed
"<unit><project>项目经费情况说明" (sometimes misprinted 项目经费况说明) with
prose parts 一、项目概述 … 六、年度预算安排 … 七、绩效目标, and one target table:
title, "(2020年 )", 项目名称, 项目总目标, 年度绩效目标 (may wrap over several
rows), 分解目标, the header 一级指标/二级指标/三级指标/指标目标值, then one row per
indicator.

Rules:
- ``implementing_unit``: the heading without 项目经费…说明 is <unit><project>.
  When it ends with the table's 项目名称, the unit is what precedes it. Otherwise
  the unit is the shortest prefix ending in an organisation word (局, 中心, 院,
  大队, 委员会 …). None when neither applies.
- ``budget_amount``: from the section's 年度预算安排 text, the first amount that
  follows a budget word (总预算, 预算总额, 预算金额, 预算资金, 当年预算 …), with
  its unit (元 when the document prints none, e.g. "2020年预算643,800.00");
  failing that, the only amount of the text. Several amounts and no stated
  total → None, with an ``info`` issue (the total is not printed; no sum is made).
- Indicator rows: a row as wide as the header is read by the header's meaning
  (``grid.py``: 一级指标 / 二级指标 / 三级指标 / …指标值 in any order; other cells
  are the block's merged side label). Any other row (narrower, or under a header
  that does not name all four) is read right-aligned (target value last, then 三级指标, 二级指标, 一级指标),
  so a leading edge cell or a missing label does not shift it. The header may be two
  rows (绩效指标 over 一级 | 二级 | 三级; 指标值 over 年度指标值 | 实际完成值): a column is
  named by its own label, and a named column with no target field (实际完成值) is
  reported per cell (``target_unloaded_column``), not loaded. A row split over several rows (the value alone on the next
  row, or labels and indicator on separate rows) is joined until it is as wide
  as the header. Blank level cells inherit the label above; a new 一级 label
  resets the 二级 label. Labels are checked by vocabulary: a 二级 word (数量目标,
  质量目标, 满意度目标 …) printed in the 一级 column with an empty 二级 column is
  taken as 二级; a row with labels only (no indicator, no value) just sets them.

The budget system's 申报表 (Shenzhen 二级项目支出绩效目标申报表, one project per
sheet) is recognised by its labels: cells ending in a colon (项目编码：, 申请单位：,
本年度项目金额（万元）：) followed by their value. Known labels (``_DECL_LABELS``,
matched without the colon and the note in brackets) fill the report's fields, the
unit in a label's brackets is its amount's unit, and every other pair is kept as
printed in ``extra_fields`` (实施期限, 项目类型, 政策依据, 测算依据, 备注 …). Its
indicator grid (一级 / 二级 / 三级 / 目标值 / 指标解释) is read by the meaning of its
header (``grid.py``: any column order), a merged 一级 label applying to each row below it; rows holding only
the level labels (an empty slot of the template) set the labels, and 不适用 rows
are indicators as printed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal

from .. import grid, vocabulary
from ..amounts import NUMBER, money_unit, parse_amount
from ..ledger import Ledger
from ..prose import prose_kind
from ..records import FIELD, HEADER, NARRATIVE, TITLE, FundRow, IndicatorRow, Report
from ..rows import Row
from ..text import Line, glue, nfkc, norm

FAMILY = vocabulary.TARGET
TARGET_TITLE = "财政支出项目绩效目标"  # kept for importers; the vocabulary has every variant
_HEADING = re.compile(r"^(?P<head>.+?)项目经费(?:情况|况|使用)?说明$")
_UNIT_END = re.compile(r"(?:委员会|办公室|大队|支队|中心|事务所|局|院|队|所|办|站|馆|厅)")
_DOC_HEADING = re.compile(
    r"预算编制说明|相关情况说明|三公|机关运行经费|政府采购|绩效目标设置情况|名词解释|主要职能|机构设置"
)
_YEAR_ROW = vocabulary.TARGET_YEAR_ROW
_LEVEL1_WORDS = vocabulary.TARGET_LEVEL1_WORDS
_BUDGET_WORD = re.compile(
    r"(?:总预算|预算总额|预算金额|预算资金|当年度预算|当年预算|年度预算|预算)(?:金额|资金)?(?:安排)?"
    r"\s*(?:\((?P<punit>万元|元)\))?\s*(?:为|是|共|合计)?\s*[:：]?\s*"
    rf"(?P<amount>{NUMBER})\s*(?P<unit>万元|元)?"
)
_ANY_AMOUNT = re.compile(rf"(?P<amount>{NUMBER})\s*(?P<unit>万元|元)(?![/／])")
_STOP_BUDGET = re.compile(r"^\s*[七八九十]\s*[、.．]|绩效目标|包括总目标")


def is_title_text(key: str) -> bool:
    """Normalised text that is a target-table title (上海市财政支出项目绩效目标)."""
    return vocabulary.is_target_title_text(key)


def is_target_title(row: Row) -> bool:
    return is_title_text(row.key)


def section_heading(row: Row) -> str | None:
    """The text of a "<unit><project>项目经费情况说明" heading, or None."""
    texts = row.texts
    if len(texts) != 1 or len(texts[0]) > 80:
        return None
    m = _HEADING.match(norm(texts[0]))
    return texts[0].strip() if m else None


def implementing_unit(heading: str | None, project: str | None) -> str | None:
    if not heading:
        return None
    m = _HEADING.match(heading.replace(" ", ""))
    head = m.group("head") if m else heading
    if project:
        p = project.replace(" ", "")
        if head.endswith(p) and len(head) > len(p):
            return head[: -len(p)]
    for m in _UNIT_END.finditer(head):
        if m.end() >= 4 and m.end() < len(head):
            return head[: m.end()]
    return None


def budget_amount(text: str) -> tuple[Decimal | None, str | None, bool]:
    """(amount, unit, ambiguous) from a 年度预算安排 text."""
    s = nfkc(text)
    s = re.sub(r"(?<=\d) (?=\d)", "", s)  # "2 020年"
    for m in _BUDGET_WORD.finditer(s):
        value = parse_amount(m.group("amount"))
        after = s[m.end() : m.end() + 1]
        if value is None or after == "年":
            continue
        return value, m.group("unit") or m.group("punit") or "元", False
    found = [m for m in _ANY_AMOUNT.finditer(s) if not s[m.end() : m.end() + 1] in ("*", "×")]
    if len(found) == 1:
        return parse_amount(found[0].group("amount")), found[0].group("unit"), False
    return None, None, len(found) > 1


def _is_level1(text: str) -> bool:
    return vocabulary.is_level1(text, FAMILY)


def _is_level2(text: str) -> bool:
    """数量目标, 社会效益目标, 满意度目标, 长效管理, 投入管理 …: short category words."""
    return vocabulary.is_level2(text, FAMILY)


@dataclass
class _Section:
    heading: str
    line_no: int
    collecting: bool = False
    budget_lines: list[Line] = field(default_factory=list)
    tables: list[_Table] = field(default_factory=list)


@dataclass
class _Table:
    title_line: int
    line_end: int
    section: _Section | None
    year: int | None = None
    fields: dict[str, list[str]] = field(default_factory=dict)
    last_field: str | None = None
    width: int = 0  # cells of the indicator header row
    pending: list = field(default_factory=list)  # cells of a split indicator row
    pending_lines: list[Line] = field(default_factory=list)
    rows: list[tuple[tuple, list[Line]]] = field(default_factory=list)
    columns: dict[str, grid.Column] | None = None  # 一级/二级/三级/指标值 by header, when the header names all four
    goal_columns: dict[int, str] | None = None  # 项目总目标 | 年度总体目标 printed side by side
    funds_unit: str | None = None  # 项目资金（元）
    fund_cells: dict[str, tuple[str, str, int]] = field(default_factory=dict)  # fund_source → (label, text, line)
    fund_columns: dict[str, int] = field(default_factory=dict)  # "year" / "project" → its labels' cell position
    declaration: bool = False  # the 申报表 form: "label：" cells, grid read by position
    units: dict[str, str] = field(default_factory=dict)  # field → unit from its label's brackets
    explain: grid.Column | None = None  # 指标解释 column
    header_above: list[Row] = field(default_factory=list)  # header rows above the grid's 一级指标 row
    header_rows: list[Row] = field(default_factory=list)  # the grid's header rows
    unloaded: dict[str, grid.Column] = field(default_factory=dict)  # named columns with no target field

    @property
    def in_indicators(self) -> bool:
        return self.width > 0


# The 填报表 form prints label / value pairs side by side on a row; labels known here
# (None: a label whose value has no column in the warehouse, kept in the ledger as read).
_FORM_LABELS = {
    **vocabulary.labels(FAMILY, "project_name", "supervising_dept", "implementing_unit", "annual_funds", "project_total",
                        "project_total_fiscal"),
    **dict.fromkeys(
        ("项目性质", "项目类别", "计划开始日期", "计划完成日期",
         "其中:当年财政拨款", "上年结转资金", "其他资金"),
    ),
}
# The form's funds of the year, as fund rows (in budget_initial: the year's requested budget).
_FORM_FUNDS = {"年度资金申请总额": "total", "其中:当年财政拨款": "current_year_appropriation",
               "上年结转资金": "carryover"}
# 其他资金 is printed in both columns (the project's, the year's): the year's, nearer the
# column of the year's labels than of the project's, is the fund row ``other``; the project's,
# nearer the project's labels, is the report's project_total_other_amount.
_OTHER_FUNDS = "其他资金"
_PROJECT_FUNDS = tuple(vocabulary.labels(FAMILY, "project_total", "project_total_fiscal"))
_GOAL_LABELS = vocabulary.labels(FAMILY, "goal_total", "goal_annual")
_FUNDS_LABEL = re.compile(r"^项目资金[(（](万元|元)[)）]$")
_GRID_FIELDS = ("level1", "level2", "indicator_name", "target_text")  # the grid's columns, by header
_GRID_KEYS = ("level1", "indicator_name")  # a header cell naming either marks the grid's header row

# The 申报表's labels (printed with a colon and sometimes a note in brackets:
# 长期目标（跨度多年的项目需填）：); other "label：" pairs go to extra_fields as printed.
_DECL_LABELS = vocabulary.labels(FAMILY)
# Further labels of the form, kept under their printed name in extra_fields (any other
# "label：" pair is kept too; these also read without their colon).
_DECL_EXTRA_LABELS = ("实施期限", "项目类型", "是否新增项目", "分配方式", "政策依据", "测算依据", "备注")
_NOTE = re.compile(r"[(（][^()（）]*[)）]")
_MAX_LABEL = 12  # a label is a short cell; a long text ending in a colon is a value
_EXPLAIN_LABELS = vocabulary.EXPLANATION_LABELS
_EXPLAIN_ENDINGS = vocabulary.EXPLANATION_ENDINGS
_INLINE_PAIR = re.compile(r"^\s*([^:：\d]{1,24}?)\s*[:：]\s*(\S.*)$", re.DOTALL)
_INLINE_LABEL = 6  # an unknown label sharing its cell with the value is short (备注)

_FIELDS = vocabulary.labels(FAMILY, "project_name", "goal_total", "goal_annual")


class TargetDocument:
    """Target tables and project sections of one budget document."""

    def __init__(self, source_file: str, ledger: Ledger):
        self.source_file = source_file
        self.ledger = ledger
        self.section: _Section | None = None
        self.table: _Table | None = None
        self.tables: list[_Table] = []
        self.reports: list[Report] = []
        self.indicators: list[IndicatorRow] = []
        self.fund_rows: list[FundRow] = []  # a 填报表 form's funds of the year

    # -- sections -----------------------------------------------------------

    @property
    def in_section(self) -> bool:
        return self.section is not None

    def open_section(self, row: Row, heading: str) -> None:
        self.close_table()
        self.leave_section()
        self.section = _Section(heading, row.first_text_line)
        self.ledger.mark_all(row.lines, TITLE, FAMILY)

    def leave_section(self) -> None:
        self.close_table()
        self.section = None

    def prose_line(self, line: Line) -> bool:
        """A prose line inside a project section; False when it ends the section."""
        text = " ".join(line.texts)
        key = line.key
        sec = self.section
        if sec is None:
            return False
        if len(key) <= 30 and _DOC_HEADING.search(key) and not sec.collecting:
            self.leave_section()
            return False
        if "年度预算安排" in key:
            sec.collecting = True
            self.ledger.mark(line.no, TITLE, FAMILY)
            rest = text.split("安排", 1)[1].strip(" ：:")
            if rest:
                sec.budget_lines.append(line)
            return True
        if sec.collecting and _STOP_BUDGET.search(key):
            sec.collecting = False
        if sec.collecting:
            sec.budget_lines.append(line)
            self.ledger.mark(line.no, NARRATIVE, FAMILY)
            return True
        self.ledger.mark(line.no, prose_kind(key), FAMILY)
        return True

    # -- tables -------------------------------------------------------------

    def open_table(self, row: Row) -> None:
        self.close_table()
        if self.section is not None:
            self.section.collecting = False
        self.table = _Table(row.first_text_line, row.last_line, self.section,
                            declaration=vocabulary.is_declaration_title(row.key))
        self.tables.append(self.table)
        if self.section is not None:
            self.section.tables.append(self.table)
        self.ledger.mark_all(row.lines, TITLE, FAMILY)

    def close_table(self) -> None:
        t = self.table
        if t is not None and t.pending:
            self._emit(t, t.pending, t.pending_lines)
            t.pending, t.pending_lines = [], []
        self.table = None

    def feed(self, row: Row) -> bool:
        """Take a row of the open target table; False when it is not part of it."""
        t = self.table
        if t is None:
            return False
        if row.is_blank:
            return True
        texts = row.texts
        keys = [norm(x) for x in texts]
        if not t.in_indicators:
            return self._head_row(t, row, texts, keys)
        if any(_is_grid_key(k) for k in keys):
            self._mark(row, HEADER)
            return True
        if not t.rows and not t.pending and _is_grid_header(keys):  # the header's second row
            self._grid_header(t, [*t.header_rows, row])
            return True
        if t.declaration and t.columns:
            return self._declaration_grid_row(t, row, keys)
        cells = t.pending + list(row.cells)
        lines = t.pending_lines + list(row.lines)
        if t.pending and len(cells) > t.width:
            self._emit(t, t.pending, t.pending_lines)
            t.pending, t.pending_lines = [], []
            cells, lines = list(row.cells), list(row.lines)
        if not t.pending and len(texts) == 1 and len(row.cells) <= 2:
            self.close_table()
            return False
        if len(cells) < t.width and len([c for c in cells if c.text]) < 4:
            t.pending, t.pending_lines = cells, lines
            t.line_end = row.last_line
            return True
        t.pending, t.pending_lines = [], []
        self._emit(t, cells, lines)
        return True

    def _head_row(self, t: _Table, row: Row, texts: list[str], keys: list[str]) -> bool:
        if _is_declaration_row(t, keys):
            t.declaration = True
            self._pair_row(t, row)
            t.line_end = row.last_line
            return True
        form_labels = sum(1 for k in keys if k in _FORM_LABELS or _FUNDS_LABEL.match(k))
        if len(keys) == 1 and _YEAR_ROW.match(keys[0]):
            t.year = int(_YEAR_ROW.match(keys[0]).group(1))
            self._mark(row, FIELD)
        elif form_labels and (form_labels >= 2 or keys[0] not in _FIELDS):
            self._form_row(t, row)
        elif sum(1 for k in keys if k in _GOAL_LABELS) >= 2:
            t.goal_columns = {i: _GOAL_LABELS[norm(c.text)] for i, c in enumerate(row.cells) if norm(c.text) in _GOAL_LABELS}
            t.last_field = None
            self._mark(row, HEADER)
        elif t.goal_columns and len(row.cells) > max(t.goal_columns) and not any(
            _is_grid_key(k) for k in keys
        ):
            for i, name in t.goal_columns.items():
                if row.cells[i].text:
                    t.fields.setdefault(name, []).append(row.cells[i].text)
            self._mark(row, FIELD)
        elif keys[0] in _FIELDS:
            name = _FIELDS[keys[0]]
            t.fields.setdefault(name, []).extend(texts[1:])
            t.last_field = name
            self._mark(row, FIELD)
        elif keys[0] == "分解目标":
            self._mark(row, HEADER)
        elif any(_is_grid_key(k) for k in keys):
            t.goal_columns = None
            self._grid_header(t, [*t.header_above, row])
        elif _is_grid_header(keys):  # a header row above the grid's: 绩效指标 over 一级 | 二级 | 三级
            t.header_above.append(row)
            self._mark(row, HEADER)
        elif t.last_field is not None:
            t.fields[t.last_field].extend(texts)  # a goal wrapped onto further rows
            self._mark(row, FIELD)
        else:
            return False
        t.line_end = row.last_line
        return True

    def _grid_header(self, t: _Table, rows: list[Row]) -> None:
        """The indicator grid's header of one or more rows (指标值 over 年度指标值 | 实际完成值),
        its columns read by header meaning (``grid.py``)."""
        t.header_rows = rows
        t.width = max(max(len(r.cells) for r in rows), 4)
        header = grid.header_columns(rows)
        columns = grid.map_columns(header, _grid_field)
        if "indicator_name" not in columns and "level2" in columns and "level1" in columns:
            # 一级指标 | 二级指标 | 指标名称: the bare 指标名称 right of them is the 三级 name
            bare = (c for c in header[columns["level2"].at + 1:] if vocabulary.BARE_NAME_COLUMN in map(norm, c.own))
            columns = {**columns, **({"indicator_name": c} if (c := next(bare, None)) else {})}
        if all(f in columns for f in _GRID_FIELDS):
            t.columns = {f: columns[f] for f in _GRID_FIELDS}
            # a named column the warehouse has no field for (实际完成值): its values are reported
            t.unloaded = {f: c for f, c in columns.items() if f not in _GRID_FIELDS and f != "explanation"}
            # a labelled column of no field (评（扣）分标准): its values reported naming it, too
            taken = {c.at for c in columns.values()}
            t.unloaded.update({c.name("".join): c for c in header if c.own and c.at not in taken})
        t.explain = columns.get("explanation")
        self._mark(rows[-1], HEADER)

    def _form_row(self, t: _Table, row: Row) -> None:
        """Label / value pairs side by side (项目名称 | … | 项目性质 | …; 年度资金申请总额 | 4,100,000.00)."""
        for c in row.cells:
            unit = _FUNDS_LABEL.match(norm(c.text)) if c.text else None
            if unit:
                t.funds_unit = unit.group(1)
        for label, c in grid.label_values(row.cells, _is_form_label):
            name = _FORM_LABELS.get(label)  # None: the funds-unit label, or a label not loaded
            if name is not None:
                t.fields.setdefault(name, []).append(c.text)
            if label in _FORM_FUNDS and parse_amount(c.text) is not None:  # the first amount after it
                t.fund_cells.setdefault(_FORM_FUNDS[label], (label, c.text, c.line_no))
        _other_funds(t, row)
        t.last_field = None
        self._mark(row, FIELD)

    def _pair_row(self, t: _Table, row: Row) -> None:
        """申报表 pairs (``grid.label_values``): 项目编码： | 4403… | | 项目名称： | …; also one cell
        "备注：…". A label still without its value takes a colon-ended text as its value unless
        that text is a known label."""
        for key, c in grid.label_values(
            row.cells,
            lambda k: _colon_label(k, colon_optional=True) is not None,
            waiting=lambda k: _colon_label(k, known_only=True) is not None,
            inline=_inline_pair,
        ):
            label = _colon_label(key, colon_optional=True)
            name = _DECL_LABELS.get(label[0], label[0]) if label else key
            if label and label[1]:
                t.units[name] = label[1]
            t.fields.setdefault(name, []).append(c.text)
        self._mark(row, FIELD)

    def _declaration_grid_row(self, t: _Table, row: Row, keys: list[str]) -> bool:
        """One row of the 申报表's indicator grid, read by the header's positions."""
        texts = row.texts
        if any(_opens_form(k) for k in keys):  # 项目编码： | …: the next sheet's form, printed without its title
            self.close_table()
            self.table = _Table(row.first_text_line, row.last_line, self.section, declaration=True)
            self.tables.append(self.table)
            self._pair_row(self.table, row)
            return True
        # one cell from the 一级 column leftwards (a blank column before it is no matter)
        alone = len(texts) == 1 and next(i for i, c in enumerate(row.cells) if c.text) <= t.columns["level1"].at
        if alone and _inline_pair(texts[0]):
            self._pair_row(t, row)  # 备注：… under the grid
            t.line_end = row.last_line
            return True
        if alone and len(keys[0]) > _MAX_LABEL:
            self.close_table()  # prose after the table
            return False
        explain = {"explanation": t.explain} if t.explain else {}
        by_field, extras = grid.read_row(row.cells, {**t.columns, **explain, **t.unloaded})
        self._report_unloaded(t, by_field)
        for extra in extras:
            self.ledger.issue(extra.line_no, "target_extra_cell", FAMILY, text=extra.text)
        at = [by_field[f] for f in _GRID_FIELDS]
        l1, l2, name, target = (c.text if c else "" for c in at)
        explained = by_field.get("explanation")
        where = next((c.line_no for c in (at[2], at[3], explained) if c and c.text), None)
        t.rows.append(((l1, l2, name, target, where, explained.text if explained else "", grid.plain_blanks(at[:2])),
                       list(row.lines)))
        t.line_end = row.last_line
        self._mark(row, FIELD)
        return True

    def _report_unloaded(self, t: _Table, by_field: dict) -> None:
        """A value under a column the target table has no field for: reported, naming the column."""
        for f, column in t.unloaded.items():
            if by_field[f] and by_field[f].text:
                self.ledger.issue(by_field[f].line_no, "target_unloaded_column", FAMILY,
                                  column=column.name("".join), text=by_field[f].text)

    def _mark(self, row: Row, disposition: str) -> None:
        self.ledger.mark_all(row.lines, disposition, FAMILY)

    def _emit(self, t: _Table, cells: list, lines: list[Line]) -> None:
        if t.columns and len(cells) == t.width:
            # A full grid row: read by the header's positions; other cells are the block's
            # merged side label (绩效指标), printed once at its first row.
            by_field, _side_label = grid.read_row(cells, {**t.columns, **t.unloaded})
            self._report_unloaded(t, by_field)
            cells = [by_field[f] for f in _GRID_FIELDS]
        cells, extras = grid.align_right(cells, 4)  # more cells than columns: the rightmost four
        for extra in extras:
            self.ledger.issue(extra.line_no, "target_extra_cell", FAMILY, text=extra.text)
        texts = [c.text for c in cells]
        if len(texts) >= 4:
            l1, l2, name, target = texts
            name_cell = cells[2]
            if l1 and not l2 and _is_level2(l1):
                l1, l2 = "", l1
            if not l1 and l2:  # 一级 and 二级 labels printed in one merged cell: 满意度指标服务对象满意度指标
                head = next((w for w in _LEVEL1_WORDS if l2.startswith(w) and len(l2) > len(w)), None)
                if head and _is_level2(l2[len(head):]):
                    l1, l2 = head, l2[len(head):]
        else:  # an incomplete row (no value): place its texts by vocabulary
            placed = grid.place_by_words(cells, {"level1": _is_level1, "level2": _is_level2}, "name")
            l1, l2, name = (placed[f].text if f in placed else "" for f in ("level1", "level2", "name"))
            target, name_cell = "", placed.get("name", cells[-1])
        t.rows.append(((l1, l2, name, target, name_cell.line_no if name else None, "", ()), lines))
        t.line_end = max(t.line_end, max((ln.no for ln in lines if not ln.is_blank), default=t.line_end))
        self.ledger.mark_all(lines, FIELD, FAMILY)

    # -- results ------------------------------------------------------------

    def close(self) -> None:
        self.close_table()
        budgets: dict[int, tuple[Decimal | None, str | None]] = {}
        seen_sections: set[int] = set()
        for t in self.tables:
            sec = t.section
            if sec is not None and id(sec) not in seen_sections:
                seen_sections.add(id(sec))
                budgets[id(sec)] = self._section_budget(sec)
            amount, unit = budgets.get(id(sec), (None, None)) if sec is not None else (None, None)
            if amount is None and t.fields.get("annual_funds"):  # the form's 年度资金申请总额
                unit = t.units.get("annual_funds") or t.funds_unit or "元"
                amount = parse_amount(t.fields["annual_funds"][0])
            total, fiscal = t.fields.get("project_total"), t.fields.get("project_total_fiscal")
            other = t.fields.get("project_total_other")
            project = _joined(t.fields.get("project_name"))
            report = Report(
                source_file=self.source_file,
                report_seq=t.title_line,
                report_type="target",
                line_start=t.title_line,
                line_end=t.line_end,
                fiscal_year=t.year,
                project_name=project,
                supervising_dept=_joined(t.fields.get("supervising_dept")),
                implementing_unit=_joined(t.fields.get("implementing_unit"))
                or implementing_unit(sec.heading if sec else None, project),
                money_unit=unit,
                goal_total=_joined(t.fields.get("goal_total")),
                goal_annual=_joined(t.fields.get("goal_annual")),
                budget_amount=amount,
                budget_amount_unit=unit,
                project_code=_joined(t.fields.get("project_code")),
                project_total_amount=parse_amount(total[0]) if total else None,
                # the unit its label states (申报表), else the form's 项目资金（元）, else the report's
                project_total_unit=(t.units.get("project_total") or t.funds_unit or unit) if total or fiscal or other else None,
                project_total_fiscal_amount=parse_amount(fiscal[0]) if fiscal else None,
                project_total_other_amount=parse_amount(other[0]) if other else None,
                extra_fields=json.dumps(
                    {k: _joined(v) for k, v in t.fields.items() if k not in _KNOWN_FIELDS}, ensure_ascii=False
                ) if t.declaration else None,
            )
            self.reports.append(report)
            if unit == (t.funds_unit or "元"):
                self.fund_rows += [
                    FundRow(self.source_file, t.title_line, source, label, line_no, budget_initial=parse_amount(text))
                    for source, (label, text, line_no) in t.fund_cells.items()
                ]
            levels = grid.MergedLabels(2)  # a 一级/二级 label merged over the rows below it
            seq = 0
            for (a, b, name, target, line_no, explain, plain), _lines in t.rows:
                l1, l2 = levels.apply(a, b, plain=plain)
                if not name and not target and not explain:
                    continue
                seq += 1
                self.indicators.append(
                    IndicatorRow(
                        source_file=self.source_file,
                        report_seq=t.title_line,
                        indicator_seq=seq,
                        line_no=line_no or _lines[0].no,
                        level1=l1,
                        level2=l2,
                        indicator_name=name or None,
                        target_text=target or None,
                        explanation=explain or None,
                    )
                )

    def _section_budget(self, sec: _Section) -> tuple[Decimal | None, str | None]:
        if not sec.budget_lines:
            return None, None
        text = "".join(ln.raw.replace("\t", " ") for ln in sec.budget_lines)
        if "年度预算安排" in sec.budget_lines[0].key:
            text = text.split("安排", 1)[1]
        amount, unit, ambiguous = budget_amount(text)
        if amount is not None:
            for ln in sec.budget_lines:
                if _ANY_AMOUNT.search(nfkc(ln.raw)) or _BUDGET_WORD.search(nfkc(ln.raw)):
                    self.ledger.mark(ln.no, FIELD, FAMILY)
                    break
        elif ambiguous:
            self.ledger.issue(sec.budget_lines[0].no, "target_budget_not_totalled", FAMILY)
        return amount, unit


def _other_funds(t: _Table, row: Row) -> None:
    """其他资金 (the form prints one in each column), the first amount after the label: the
    year's (nearer the year's fund labels) as the fund row ``other``, the project's (nearer the
    project's 项目资金总额 / 其中：财政资金) as the field ``project_total_other``."""
    for at, c in enumerate(row.cells):
        key = norm(c.text) if c.text else ""
        if key in _FORM_FUNDS or key in _PROJECT_FUNDS:
            t.fund_columns.setdefault("year" if key in _FORM_FUNDS else "project", at)
    for at, c in enumerate(row.cells):
        if not (c.text and norm(c.text) == _OTHER_FUNDS):
            continue
        value = next((v for v in row.cells[at + 1 :] if v.text), None)
        if value is None or parse_amount(value.text) is None:
            continue
        column = _funds_column(t, at)
        if column == "year":
            t.fund_cells.setdefault("other", (_OTHER_FUNDS, value.text, value.line_no))
        elif column == "project":
            t.fields.setdefault("project_total_other", [value.text])


def _funds_column(t: _Table, at: int) -> str | None:
    """"year" or "project": the fund labels' column nearer cell position ``at`` (None: neither seen;
    the year's when only it is seen, the project's only when the year's is seen too)."""
    year, project = t.fund_columns.get("year"), t.fund_columns.get("project")
    if year is None:
        return None
    return "year" if project is None or abs(at - year) < abs(at - project) else "project"


def _grid_field(label: str) -> str | None:
    """The indicator grid's field a header names (指标解释 → explanation; else the vocabulary's)."""
    key = norm(label)
    if key in _EXPLAIN_LABELS or (key.endswith(_EXPLAIN_ENDINGS) and len(key) <= _MAX_LABEL):
        return "explanation"
    return vocabulary.indicator_column(label)


def _is_grid_key(key: str) -> bool:
    """A header cell of the indicator grid: 一级指标 or 三级指标, also 一级指标名称 (by the vocabulary)."""
    return len(key) <= _MAX_LABEL and vocabulary.indicator_column(key) in _GRID_KEYS


def _is_grid_header(keys: list[str]) -> bool:
    """Every text of the row is a grid header word (绩效指标, 指标值, 年度指标值, 实际完成值 …)."""
    texts = [k for k in keys if k]
    return bool(texts) and all(k in vocabulary.GRID_COLUMN_WORDS or _grid_field(k) for k in texts)


def _is_form_label(key: str) -> bool:
    return key in _FORM_LABELS or bool(_FUNDS_LABEL.match(key))


def _joined(parts: list[str] | None) -> str | None:
    if not parts:
        return None
    pieces = [p.strip() for p in parts if p and p.strip()]
    return glue(pieces) if pieces else None


_KNOWN_FIELDS = {*_FORM_LABELS.values(), *_DECL_LABELS.values(), *_FIELDS.values(), "project_total_other"}


def _colon_label(key: str, known_only: bool = False, colon_optional: bool = False) -> tuple[str, str | None] | None:
    """(label, unit) of a "label：" cell — 本年度项目金额（万元）： → (本年度项目金额, 万元) — or None.

    ``colon_optional``: under a 申报表 title a known label also reads without its colon.
    """
    if not key.endswith(":"):
        base = _NOTE.sub("", key)
        return (base, money_unit(key)) if colon_optional and _is_known_label(base) else None
    base = _NOTE.sub("", key[:-1])
    if _is_known_label(base) or (not known_only and 0 < len(base) <= _MAX_LABEL):
        return base, money_unit(key)
    return None


def _opens_form(key: str) -> bool:
    """A "label：" cell naming one of the 申报表's own fields (项目编码：, 项目名称：): a form starts,
    never an indicator row."""
    label = _colon_label(key, known_only=True) if key.endswith(":") else None
    return label is not None and label[0] in _DECL_LABELS


def _is_known_label(base: str) -> bool:
    return base in _DECL_LABELS or base in _DECL_EXTRA_LABELS


def _inline_pair(text: str) -> tuple[str, str] | None:
    """A label and its value in one cell: 备注：作为导入模板… → (备注, 作为导入模板…),
    本年度项目金额（万元）：12.00 → (本年度项目金额(万元), 12.00): the label normalised with its note,
    which names the unit. A label the form does not know is short (备注)."""
    m = _INLINE_PAIR.match(text)
    if not m:
        return None
    label = norm(m.group(1))
    if not _is_known_label(_NOTE.sub("", label)) and len(label) > _INLINE_LABEL:
        return None
    return label, m.group(2).strip()


def _is_declaration_row(t: _Table, keys: list[str]) -> bool:
    """A row of the 申报表's label/value pairs: a known "label：" cell, or any once the form is known."""
    if any(_colon_label(k, known_only=True, colon_optional=t.declaration) for k in keys):
        return True
    return t.declaration and bool(keys) and (_colon_label(keys[0]) is not None or _inline_pair(keys[0]) is not None)
