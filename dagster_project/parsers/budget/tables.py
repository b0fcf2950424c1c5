"""部门预算 — the budget tables of a department budget disclosure.

The document walker (``document``) hands each budget table its rows.

Budget tables (one BudgetTable each, one BudgetCell per row × amount column
that has a value; an explicit 0.00 is a value, a blank cell is not):
- ``table_title`` is the title as printed, trimmed, *with* its year prefix
  (``2020年部门收入预算总表``), without the template's table number or ordinal
  (公开01表：…, …（表一）, 一、…, 1.…); the year goes to ``fiscal_year`` too (from the
  title, else from a header such as ``2020年“三公”经费预算数``, else from the
  document's other tables).
- ``money_unit``: from 单位：元 / 单位:万元 (on the 编制部门 row or its own), else
  from a column label such as 合计（万元）, else 元.
- Column names come from the header row that holds the amount labels (合计,
  财政拨款收入 …), without a trailing unit (合计（万元） → 合计); a label wrapped
  into the next header row at the same position from the right (事业单位 /
  经营收入) is joined (事业单位经营收入).
- Coded rows: the 类/款/项 code cells are joined into ``subject_code``
  (208 / 01 / 01 → 2080101, ``code_level`` 项). Rows without a code (合计,
  收入总计, 一、财政拨款收入) have ``subject_code`` '' and the label, with its
  ordinal (一、 / 1.) removed so it joins the other tables' names, as
  ``subject_name``. Spaces inside a Chinese label are dropped (合 计 → 合计).
- Mapping values to columns: a row as wide as the header grid is mapped by
  position (blank cells keep positions, so blanks in the middle stay blank).
  A narrower row (a merged label such as 合计, or trailing columns omitted on
  a 项 row) is read left to right after its label. When such a row has fewer
  values than columns, the values are placed, in order, on the columns where
  the parent row (its 款 for a 项, its 类 for a 款) has non-zero amounts;
  without a usable parent they fill the leftmost columns.
- Two-sided tables (收支预算总表, header with two 项目 columns): the income side
  is read from the left of the grid, the expenditure side from the right;
  ``side`` is 收入 / 支出. A separate ordinal cell (一、) is not part of the name.
  A row narrower than the header with one side's label only (the side with
  more rows printed without the other side's blank cells: 四、其他收入 /
  61,205,805.96) is placed by meaning: 收入 in the label → income, 支出 →
  expenditure, else an ordinal in its own cell → expenditure, else a label in
  the income label's column → income; its amounts are read after the label.
- Grids without code or name columns (部门"三公"经费和机关运行经费预算表):
  measures are the header labels in order; the last label of the main header
  row spans the sub-header (小计 / 购置费 / 运行费), giving
  ``公务用车购置及运行费-小计`` … ; a further group label
  (``2020年机关运行经费预算数``) becomes a measure without its year and 预算数
  (``机关运行经费``). The data row has no label: ``subject_name`` None.
- Template filler rows (no code, no label, only 0.00 values, as in an empty
  政府性基金 table) carry no subject and are not emitted (BOILERPLATE).
Values are loaded as printed; sums are never checked or repaired here.
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal
from functools import lru_cache

from .. import grid, vocabulary
from ..amounts import money_unit, parse_amount, printed_decimals
from ..ledger import Ledger
from ..records import BOILERPLATE, FIELD, HEADER, TITLE, BudgetCell, BudgetTable
from ..rows import Cell, Row
from ..text import clean_cell, join_wrapped, norm

FAMILY = "budget"
# Why a budget-table cell was not loaded ({} is the cell's text).
# The table a rejected cell is in, as its issue names it (issues.py words the rest).
_GRID = "预算表"
_TWO_SIDED = "收支总表"

_MAX_TITLE_LEN = 60
_BUDGET_TITLE = vocabulary.BUDGET_TITLE
_YEAR = vocabulary.YEAR_IN_TEXT
_CJK_GAP = re.compile(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])")
_ORDINAL_ONLY = vocabulary.ORDINAL_ONLY
_CODE = re.compile(r"^\d{2,3}$")
_JOINED_CODE = re.compile(r"^\d{3}(?:\d{2}){1,2}$")  # 2080101 printed in one cell
_NAME_COLUMN_WORDS = vocabulary.BUDGET_NAME_COLUMN_WORDS
_CODE_LABELS = frozenset(vocabulary.SUBJECT_CODE_LEVELS.values())  # 类 | 款 | 项


# ------------------------------------------------------------------ helpers


def label_text(text: str | None) -> str:
    """A label as printed, trimmed, without spaces between Chinese characters."""
    return _CJK_GAP.sub("", clean_cell(text or ""))


def strip_ordinal(text: str) -> str:
    return vocabulary.without_ordinal(text)


@lru_cache(maxsize=4096)  # subject names repeat over a document's tables (行政运行, 工资福利支出 …)
def subject_name(text: str) -> str:
    """A row's subject as its label prints it, trimmed, without spaces between Chinese characters or its ordinal."""
    return strip_ordinal(label_text(text))


_UNIT_LABEL = re.compile(r"^(?:金额)?单位\s*[:：]|^[(（]\s*(?:万元|元)\s*[)）]$")
_DEPARTMENT_LABEL = vocabulary.BUDGET_DEPARTMENT_LABEL  # 部门： 江苏省人民检察院
_SHEET_NUMBER = vocabulary.TABLE_NUMBER  # 公开01表, 公开表一: the template's sheet number
_UNIT_SUFFIX = re.compile(r"\s*[(（]\s*(?:万元|元)\s*[)）]\s*$")


def _is_furniture(text: str) -> bool:
    """编制部门：… and 单位：元 cells (a column label such as 合计（万元） is not furniture)."""
    return (
        text.startswith(vocabulary.BUDGET_PREPARER_LABELS)
        or bool(_UNIT_LABEL.match(text))
        or bool(_DEPARTMENT_LABEL.match(text))
        or ("表" in text and bool(_SHEET_NUMBER.match(norm(text))))  # every sheet number has 表; NFKC makes none
    )


def column_label(text: str) -> str:
    """A column's name as printed, without a trailing unit: 合计（万元） → 合计."""
    return _UNIT_SUFFIX.sub("", label_text(text)) or label_text(text)


def _join_label(pieces: list[str]) -> str:
    return join_wrapped(pieces) or ""


def is_budget_title(row: Row) -> bool:
    """A row holding a budget-table title (and at most the table's 编制部门 / 单位 cells)."""
    texts = row.texts
    # Every budget title ends in 表 (_BUDGET_TITLE), which NFKC makes of no other character: most
    # rows (amounts) are out after one substring test.
    if not texts or "表" not in texts[0] or not all(_is_furniture(t) for t in texts[1:]):
        return False
    key = vocabulary.without_table_number(norm(texts[0]))
    return bool(key) and len(key) <= _MAX_TITLE_LEN and bool(_BUDGET_TITLE.search(key))


def year_in(text: str | None) -> int | None:
    m = _YEAR.search(norm(text)) if text else None
    return int(m.group(1)) if m else None


def _is_code(text: str) -> bool:
    return bool(_CODE.match(text))


def _valid_codes(codes: list[str]) -> bool:
    """类 (3 digits), then 款 and 项 (2 digits each); or the whole code in one cell."""
    if len(codes) == 1 and _JOINED_CODE.match(codes[0]):
        return True
    return (
        bool(codes)
        and _is_code(codes[0])
        and len(codes[0]) == 3
        and all(_is_code(c) and len(c) == 2 for c in codes[1:])
    )


def _subject_code(codes: list[Cell]) -> tuple[str, list[Cell]]:
    """The joined code ('' when the cells are not one) and its part cells printed without a leading zero.

    A 款 or 项 code is two digits; one printed as one digit (``301`` / ``2``) means
    ``02``: it is read so, never guessed where no digit is printed.
    """
    code, short = _code_of(tuple(c.text for c in codes))
    return code, [c for c, s in zip(codes, short) if s]


@lru_cache(maxsize=4096)  # codes repeat over a document's tables, and a row's is asked twice (_parent_amounts)
def _code_of(texts: tuple[str, ...]) -> tuple[str, tuple[bool, ...]]:
    """_subject_code of the code cells' texts: the code, and which parts were printed unpadded."""
    if len(texts) == 1 and _JOINED_CODE.match(texts[0]):
        return texts[0], ()
    short = tuple(k > 0 and _UNPADDED_PART.match(t) is not None for k, t in enumerate(texts))
    padded = ["0" + t if s else t for t, s in zip(texts, short)]
    if not _valid_codes(padded):
        return "", ()
    return "".join(padded), short


_UNPADDED_PART = re.compile(r"^\d$")


def _code_column(label: str) -> str | None:
    """The code part a header names: 类, 款 or 项."""
    return norm(label) if norm(label) in _CODE_LABELS else None


def _code_level(code: str) -> str | None:
    return vocabulary.SUBJECT_CODE_LEVELS.get(len(code))


def _names_rows(label: str) -> bool:
    """A label column's header: it names the rows (项目名称, 功能科目名称, 项目)."""
    return "名称" in label or norm(label) == "项目"


@lru_cache(maxsize=1024)  # a row's cells are read two or three times (feed, the label scan, the values)
def _amount(text: str) -> Decimal | None:
    return parse_amount(text) if text else None


def _is_prose(text: str) -> bool:
    return len(text) > 30 or text.startswith(("注", "说明")) or "。" in text


# ------------------------------------------------------------------ budget tables

_SIDE_LABELS = vocabulary.BUDGET_SIDE_LABELS  # the label column of each side of a two-sided table


class BudgetTableBuilder:
    def __init__(self, title_row: Row, seq: int, source_file: str, ledger: Ledger):
        title = vocabulary.without_table_number(label_text(title_row.texts[0]))
        self.title = vocabulary.TITLE_ORDINAL.sub("", title, count=1) or title  # 一、收支预算总表 → 收支预算总表
        self.title_line = title_row.first_text_line
        self.seq = seq
        self.source_file = source_file
        self.ledger = ledger
        self.line_end = title_row.last_line
        self.year = year_in(self.title)
        self.unit: str | None = None
        self.department: str | None = None
        self.headers: list[Row] = []
        self.cells: list[BudgetCell] = []
        self.row_seq = 0
        self.layout: str | None = None  # coded | two_sided | grid
        self.columns: list[tuple[str, grid.Column]] = []  # (measure, its column: read from a row's right end)
        self.width = 0
        self.code_positions: list[int] = []
        self.left_label_at = 1
        self.left_columns: list[tuple[str, int]] = []  # (name, index from the left)
        self.right_columns: list[tuple[str, grid.Column]] = []
        self.side_columns: dict[str, list[tuple[str, int]]] = {}
        self.grid_measures: list[str] = []
        self.grid_width = 0  # a nested grid read by position (grid.nested_labels)
        self.blocks: list[tuple[int, str | None, list[tuple[int, str]]]] = []  # (label column, side, amounts)
        self.ambiguous_measures: set[str] = set()  # grid column names printed more than once
        self._keys: set[tuple[int, str | None, str]] = set()  # (row_seq, side, measure) loaded
        self.by_code: dict[str, dict[str, Decimal]] = {}
        self.printed_again = False  # the same title comes again later (this one is in the contents)
        self._label_row: Row | None = None  # the row before, when it was a subject without amounts
        self._positional: tuple[list[tuple[str, int | None]], set[int]] | None = None  # _positions
        ledger.mark_all(title_row.lines, TITLE, FAMILY)
        if len(title_row.texts) > 1:
            self._furniture(title_row, TITLE)

    # -- row intake ---------------------------------------------------------

    def feed(self, row: Row) -> bool:
        """Take a row of this table; False when the row is not part of it (prose after it)."""
        texts = row.texts
        if not texts:  # a blank row
            return True
        # First: a row of amounts (most rows) needs no furniture test.
        has_values = any(_amount(t) is not None for t in texts)
        if not has_values and any(_is_furniture(t) for t in texts):
            caption = [t for h in self.headers for t in h.texts] if self.layout is None else []
            numbers_only = all("表" in t and _SHEET_NUMBER.match(norm(t)) for t in texts)  # the next table's 公开08表
            if self.layout is None and not numbers_only:
                self.headers = []  # rows above the 部门/单位 line are the caption (the department's name), not columns
            self._furniture(row)
            if self.department is None and len(caption) == 1 and _DEPARTMENT_LABEL.search(norm("".join(texts))):
                self.department = label_text(caption[0])  # 部门： left blank, the name printed above it
            return True
        if not has_values:
            if len(texts) == 1 and _is_prose(texts[0]):
                return False
            if self.layout is None:
                self.headers.append(row)
                if self.year is None:
                    self.year = next((y for y in map(year_in, texts) if y), None)
                if self.unit is None:  # a unit printed in a column label: 预算数（万元）
                    self.unit = next((u for u in map(money_unit, texts) if u), None)
                self._mark(row, HEADER)
                self.line_end = row.last_line
                return True
            has_code = any(_is_code(c.text) or _JOINED_CODE.match(c.text) for c in row.cells)
            if not has_code and self.layout not in ("two_sided", "blocks"):
                if not self._label_without_amounts(row):
                    return False  # text after the table's body: prose
                self._mark(row, HEADER)  # 专项收入 | blank: a subject of the table with nothing printed
                self.line_end = row.last_line
                return True
            # two-sided tables have label rows without amounts (二、事业收入 with blanks)
        if self.layout is None:
            self._finish_header()
        self.line_end = row.last_line
        self.row_seq += 1
        if self.layout == "two_sided":
            self._two_sided_row(row)
        elif self.layout == "blocks":
            self._blocks_row(row)
        elif self.layout == "grid":
            self._grid_row(row)
        else:
            self._coded_row(row)
        return True

    @property
    def is_empty(self) -> bool:
        """Nothing but the title so far (no header, furniture or row)."""
        return not self.headers and not self.cells and self.row_seq == 0

    def _label_without_amounts(self, row: Row) -> bool:
        """A row of the table's grid (as wide as its header) naming a subject, with its amounts blank."""
        return (
            self.layout == "coded"
            and bool(self.columns)
            and len(row.cells) == self.width > 1
            and not any(_is_prose(t) or _is_furniture(t) for t in row.texts)
        )

    def _furniture(self, row: Row, disposition: str = BOILERPLATE) -> None:
        texts = row.texts
        for k, t in enumerate(texts):
            unit = money_unit(t)
            if unit:
                self.unit = unit
            m = _DEPARTMENT_LABEL.match(t)
            if m:
                rest = t[m.end() :].lstrip()
                if not rest and k + 1 < len(texts) and not _is_furniture(texts[k + 1]):
                    rest = texts[k + 1]  # 部门： | 江苏省人大常委会办公厅: the name in the next cell
                unit_at = re.search(r"单位\s*[:：]", rest)
                self.department = label_text(rest[: unit_at.start()] if unit_at else rest) or None
        self._mark(row, disposition)
        self.line_end = row.last_line

    def _mark(self, row: Row, disposition: str) -> None:
        self.ledger.mark_all(row.lines, disposition, FAMILY)

    def _load(self, c: Cell, measure: str, table: str, **where) -> bool:
        """A cell printed under ``measure`` loaded as its amount (False when blank); a text that is
        no number is a budget_value_not_number warning, never dropped."""
        if not c.text:
            return False
        amount = _amount(c.text)
        if amount is None:
            self._reject(c, "budget_value_not_number", table)
            return False
        self._cell(c, measure, amount, **where)
        return True

    def _reject(self, c: Cell, code: str, table: str) -> None:
        """A cell that cannot be loaded as an amount: a warning naming its text."""
        self.ledger.issue(c.line_no, code, FAMILY, text=c.text, table=table)

    # -- header -------------------------------------------------------------

    def _finish_header(self) -> None:
        headers = self.headers
        main_at = None
        for i, h in enumerate(headers):
            keys = [norm(t) for t in h.texts]
            if keys.count("项目") >= 2:
                self._two_sided_header(h)
                return
            if "合计" in keys and main_at is None:
                main_at = i
        stacked = grid.stacked_header(headers)
        label_columns = [c for c in stacked.cells if _names_rows(c.text)] if stacked else []
        if len(label_columns) == 2 and all(norm(c.text) in _SIDE_LABELS for c in label_columns):
            self._two_sided_header(stacked)  # 项目名称 | 金额 of each side printed on different header rows
            return
        if len(label_columns) >= 3:
            self._blocks_header(headers, stacked)  # 收入 | 支出: 功能分类 | 支出用途, a label column each
            return
        if main_at is None and grid.joined_header(headers) is not None:
            headers, main_at = [grid.joined_header(headers)], 0  # no 合计 row to anchor on: one label per column
        if main_at is None:
            candidates = [i for i, h in enumerate(headers) if len(h.texts) >= 2]
            main_at = candidates[-1] if candidates else None
        if main_at is None:
            self.layout = "coded"  # no header: values read after each row's label
            return
        main = headers[main_at]
        name_at = max(
            (
                i
                for i, c in enumerate(main.cells)
                if any(w in c.text for w in _NAME_COLUMN_WORDS) or norm(c.text) == "项目"
            ),
            default=None,
        )
        if name_at is None:
            self._grid_header(headers, main_at)
            return
        self.layout = "coded"
        rows = headers[main_at:]
        self.width = max(len(h.cells) for h in rows)
        for sub in rows[1:]:
            codes = grid.map_columns(grid.header_columns([sub]), _code_column)
            # 类 | 款 (| 项): a lone 类 is the wrapped end of a label (采购品目大 / 类), not a code column
            if len(codes) >= 2 and len(sub.cells) == self.width:
                self.code_positions = sorted(col.at for col in codes.values())
        # Amount columns: right of the name column, each named by its labels from the main header row
        # down (事业单位 / 经营收入 is one label; 一般公共预算资金 over 小计 | 基本支出 is a parent).
        words = [Row(h.lines, [Cell("", c.line_no) if norm(c.text) in _CODE_LABELS else c for c in h.cells]) for h in rows]
        name_at += self.width - len(main.cells)  # rows aligned at their right ends
        self.columns = [
            (col.name(_join_label, column_label), col)
            for col in grid.header_columns(words, right=True)
            if col.at > name_at and col.labels
        ]

    def _two_sided_header(self, main: Row) -> None:
        self.layout = "two_sided"
        idx = [i for i, c in enumerate(main.cells) if norm(c.text) in _SIDE_LABELS]
        first, second = idx[0], idx[1]
        self.left_label_at = first
        named = [(column_label(col.labels[0]), col) for col in grid.header_columns([main]) if col.labels]
        self.left_columns = [(m, col.at) for m, col in named if first < col.at < second]
        self.right_columns = [(m, col) for m, col in named if col.at > second]
        self.width = len(main.cells)
        # columns of each side as distances from the side's 项目 label (for one-sided rows)
        self.side_columns = {
            "收入": [(m, i - first) for m, i in self.left_columns],
            "支出": [(m, col.at - second) for m, col in self.right_columns],
        }

    def _blocks_header(self, headers: list[Row], stacked: Row) -> None:
        """A 收支 table with a label column per block (收入: 项目名称 | 金额; 支出: 功能分类:
        功能科目名称 | 金额 and 支出用途: 项目名称 | 金额), the header rows of one width.

        A block runs from its label column to the next (``grid.blocks``); its group is a
        middle-row label printed over it with its columns' labels below (功能分类); its side is
        the top header label centred over its group (支出 between 功能分类 and 支出用途:
        ``grid.centred_over``), else the one printed over it, else the side of the block before;
        where a side has several blocks, a measure is named after its block's group (功能分类-金额).
        """
        self.layout = "blocks"
        lowest = [c.text for c in stacked.cells]  # each column's own label, the lowest printed over it
        blocks = grid.blocks(lowest, _names_rows)
        rows = [{i: c.text for i, c in enumerate(h.cells) if c.text} for h in headers]
        # group labels: on a middle row, with their columns' own labels below them
        middle = [{i: t for i, t in row.items() if any(i in lower for lower in rows[k + 1 :])}
                  for k, row in enumerate(rows[1:-1], 1)]
        over = [grid.printed_over(labels, blocks) for labels in middle]
        groups = [next((o[b] for o in over if o[b]), None) for b in range(len(blocks))]
        spans = grid.centred_over(rows[0], [g[0] for g in groups if g])
        sides, side = [], None
        for group, top in zip(groups, grid.printed_over(rows[0], blocks)):
            printed = (group and spans.get(group[0])) or (top and top[1])
            side = label_text(printed) if printed else side
            sides.append(side)
        per_side = Counter(sides)
        self.blocks = [
            (block.start, side, [(i, f"{name}-{column_label(lowest[i])}" if per_side[side] > 1 and name
                                  else column_label(lowest[i])) for i in block[1:] if lowest[i]])
            for block, side, name in zip(blocks, sides, (label_text(g[1]) if g else "" for g in groups))
        ]
        self.width = len(lowest)

    def _grid_header(self, headers: list[Row], main_at: int) -> None:
        """A plain grid (三公 table): main labels, the last one spanning the sub-labels."""
        self.layout = "grid"
        main = [column_label(t) for t in headers[main_at].texts]
        subs = [column_label(t) for h in headers[main_at + 1 :] for t in h.texts]
        measures = list(main)
        if subs and main:
            measures = main[:-1] + [f"{main[-1]}-{s}" for s in subs]
        groups = [column_label(t) for h in headers[:main_at] for t in h.texts]
        for extra in groups[1:]:
            name = re.sub(r"^(?:19|20)\d{2}\s*年(?:度)?", "", extra)
            name = re.sub(r"预算数?$", "", name)
            measures.append(name or extra)
        self.grid_measures = measures
        if len(set(measures)) < len(measures) or grid.wrapped_around(headers, main_at, column_label):
            nested = grid.nested_labels(headers, column_label)  # read by position, when the rows are as wide
            if nested is not None:
                self.grid_measures, self.grid_width = nested, len(nested)
        named = [m for m in self.grid_measures if m]
        self.ambiguous_measures = {m for m in named if named.count(m) > 1}

    # -- data rows ----------------------------------------------------------

    def _cell(
        self, row_cell: Cell, measure: str, amount: Decimal, *, side=None, code="", level=None, name=None
    ):
        # Two columns of one name (labels wrapped over the header rows: 会议 / 费 and 运行维护 / 费)
        # cannot be told apart: neither is loaded, each is a warning.
        key = (self.row_seq, side, measure)
        if measure in self.ambiguous_measures or key in self._keys:
            self._reject(row_cell, "budget_measure_ambiguous", _GRID)
            return
        self._keys.add(key)
        self.cells.append(
            tuple.__new__(BudgetCell, (  # every field, in field order: a tuple made in C (records.BudgetCell)
                self.source_file, self.seq, self.row_seq, measure, amount, row_cell.line_no,
                side, code, level, name, printed_decimals(amount),  # side, subject_code, code_level, subject_name, decimals
            ))
        )

    def _coded_row(self, row: Row) -> None:
        before, self._label_row = self._label_row, None
        if before is not None and self._continues(before, row):
            # the amounts printed a line below their subject (301 工资福利支出 | blank, then | 10,204.52):
            # one row, with the subject row's number
            self.row_seq -= 1
            self._coded_row(Row(before.lines + row.lines, [a if a.text else b for a, b in zip(before.cells, row.cells)]))
            return
        cells = row.cells
        codes: list[Cell] = []
        name_cell: Cell | None = None
        more_labels: list[Cell] = []
        region: list[Cell]
        positional = bool(self.columns) and self.code_positions and len(cells) == self.width
        if positional:
            codes = [cells[i] for i in self.code_positions if cells[i].text]
            name_at = self.code_positions[-1] + 1
            name_cell = cells[name_at] if name_at < len(cells) and cells[name_at].text else None
            at, used = self._positions()
            values = {name: cells[i] if i is not None else None for name, i in at}
            leftovers = [c for i, c in enumerate(cells) if c.text and i not in used]
        else:
            i = 0
            while i < len(cells):
                c = cells[i]
                if c.text:
                    if (
                        not codes
                        and _JOINED_CODE.match(c.text)
                        or len(codes) < 3
                        and _is_code(c.text)
                        and (codes or len(c.text) == 3)
                    ):
                        codes.append(c)
                    elif _amount(c.text) is None:
                        name_cell = c
                        i += 1
                        break
                    else:
                        break
                i += 1
            region = cells[i:]
            # Label cells beyond the first (a two-level label, 一般公共预算资金 | 小计; the procurement
            # table's 经济科目 | 采购组织形式) while the row has more cells than amount columns.
            while name_cell is not None and len(region) > len(self.columns) and _amount(region[0].text) is None:
                if region[0].text:
                    more_labels.append(region[0])
                region = region[1:]
            values, leftovers = self._place(region, codes)
        code, unpadded = _subject_code(codes)
        if not code and name_cell is None:  # a label (合 计) printed across the code columns
            name_cell = next((c for c in codes if c.text and not c.text.isdigit()), None)
        level = _code_level(code) if code else None
        name = subject_name(name_cell.text) if name_cell else None
        if name and more_labels:
            name = "-".join([name, *(label_text(c.text) for c in more_labels)])
        amounts = {m: (c, _amount(c.text)) for m, c in values.items() if c is not None and c.text}
        if not code and not name:
            # A template filler row: values without any subject.
            self.row_seq -= 1
            self._mark(row, BOILERPLATE)
            return
        for measure, (c, amount) in amounts.items():
            if amount is None:
                self._reject(c, "budget_value_not_number", _GRID)
                continue
            self._cell(c, measure, amount, code=code, level=level, name=name)
        for c in leftovers:
            self._reject(c, "budget_extra_value", _GRID)
        for c in unpadded:
            self.ledger.issue(c.line_no, "subject_code_unpadded", FAMILY, text=c.text, subject_code=code, name=name or "")
        if code:
            self.by_code[code] = {m: a for m, (_c, a) in amounts.items() if a is not None}
        if not amounts:
            self._label_row = row
        self._mark(row, FIELD if amounts else HEADER)

    def _positions(self) -> tuple[list[tuple[str, int | None]], set[int]]:
        """A row as wide as the header: each amount column's position (grid.Column.cell_of from the
        right; None: outside the row), and the positions its codes, name and amounts take. The same
        for every such row of the table: worked out once."""
        if self._positional is None:
            width = self.width
            at = [(name, width - col.from_right) for name, col in self.columns]
            at = [(name, i if 0 <= i < width else None) for name, i in at]
            name_at = self.code_positions[-1] + 1
            self._positional = at, {*self.code_positions, name_at, *(i for _, i in at if i is not None)}
        return self._positional

    @staticmethod
    def _continues(label_row: Row, row: Row) -> bool:
        """Is ``row`` only the amounts of ``label_row``: as wide, amounts alone, in the label row's blank cells?"""
        filled = [c for c in row.cells if c.text]
        return (
            len(label_row.cells) == len(row.cells)
            and bool(filled)
            and all(_amount(c.text) is not None for c in filled)
            and not any(a.text and b.text for a, b in zip(label_row.cells, row.cells))
        )

    def _place(self, region: list[Cell], codes: list[Cell]) -> tuple[dict[str, Cell | None], list[Cell]]:
        """A narrow row's cells after its label on the amount columns (``grid.align_left``): fewer
        values than columns go on the columns where the parent subject (its 款 for a 项, its 类 for
        a 款) has non-zero amounts, in order; without such a parent, on the leftmost columns."""
        names = [name for name, _col in self.columns]
        parent = self._parent_amounts(codes)
        placed, extra = grid.align_left(region, len(names), (lambda k: bool(parent.get(names[k]))) if parent else None)
        out: dict[str, Cell | None] = dict.fromkeys(names)
        out.update((names[k], c) for k, c in placed)
        return out, extra

    def _parent_amounts(self, codes: list[Cell]) -> dict[str, Decimal] | None:
        code, _unpadded = _subject_code(codes)
        return self.by_code.get(code[:-2]) if len(code) > 3 else None

    def _two_sided_row(self, row: Row) -> None:
        if self._one_sided_row(row):
            return
        cells = row.cells
        n = len(cells)
        right = [(name, n - col.from_right) for name, col in self.right_columns if 0 <= n - col.from_right < n]
        first_right = min((i for _m, i in right), default=n)
        left = [(m, i) for m, i in self.left_columns if i < first_right]
        last_left = max((i for _m, i in left), default=self.left_label_at)
        left_label = cells[self.left_label_at] if self.left_label_at < min(first_right, n) else None
        right_labels = [
            c for c in cells[last_left + 1 : first_right] if c.text and not _ORDINAL_ONLY.match(c.text)
        ]
        used = {id(cells[i]) for _m, i in left + right} | {id(c) for c in right_labels}
        if left_label is not None:
            used.add(id(left_label))
        fed = False
        for side, label, placed in (
            ("收入", left_label.text if left_label else "", left),
            ("支出", "".join(c.text for c in right_labels), right),
        ):
            name = subject_name(label) or None
            for measure, i in placed:
                c = cells[i]
                if name is None and c.text and _amount(c.text) is not None:
                    self._reject(c, "budget_value_without_label", _TWO_SIDED)  # an amount under no subject
                    continue
                fed = self._load(c, measure, _TWO_SIDED, side=side, name=name) or fed
        for c in cells:
            if c.text and id(c) not in used and not _ORDINAL_ONLY.match(c.text):
                self._reject(c, "budget_extra_value", _TWO_SIDED)
        self._mark(row, FIELD if fed else HEADER)

    def _blocks_row(self, row: Row) -> None:
        """Each amount under its block's label: the label text in its block left of it, or a
        total's label printed across the blocks (当年支出小计 over the 功能分类 amounts)."""
        cells = row.cells
        if len(cells) != self.width:
            self._reject_all(row)
            return
        label_columns = {start for start, _side, _amounts in self.blocks}
        used: set[int] = set()
        fed = False
        for start, side, amounts in self.blocks:
            for at, measure in amounts:
                c = cells[at]
                if not c.text:
                    continue
                amount = _amount(c.text)
                if amount is None:
                    continue  # a label printed across an amount column: read with the next block
                used.add(at)
                labels = [i for i in range(start, at) if cells[i].text and _amount(cells[i].text) is None]
                if not labels:  # a total's label spanning the blocks, in the block before
                    before = next((i for i in range(start - 1, -1, -1) if cells[i].text), None)
                    spanning = before is not None and before not in used and (
                        before not in label_columns or self._reaches(cells, before, start))
                    labels = [before] if spanning and _amount(cells[before].text) is None else []
                if not labels:
                    self._reject(c, "budget_value_without_label", _TWO_SIDED)
                    continue
                used.update(labels)
                name = subject_name("".join(cells[i].text for i in labels))
                self._cell(c, measure, amount, side=side, name=name or None)
                fed = True
        for i, c in enumerate(cells):
            if c.text and i not in used and _amount(c.text) is not None:
                self._reject(c, "budget_extra_value", _TWO_SIDED)
        self._mark(row, FIELD if fed else HEADER)

    @staticmethod
    def _reaches(cells: list[Cell], at: int, start: int) -> bool:
        """Does the label at a block's label column span up to the block at ``start``: its stored
        merge reaches it (``grid.reaches``), or, no span stored, a total's label (当年支出小计)
        with only blank cells up to it (a merged cell printed first, blanks after it)."""
        reach = grid.reaches(cells, at, start)
        if reach is None:
            return norm(cells[at].text).endswith(vocabulary.TOTAL_COLUMN_WORDS) and not any(c.text for c in cells[at + 1 : start + 1])
        return reach

    def _reject_all(self, row: Row) -> None:
        for c in row.cells:
            if c.text and _amount(c.text) is not None:
                self._reject(c, "budget_extra_value", _TWO_SIDED)
        self._mark(row, HEADER)

    def _one_sided_row(self, row: Row) -> bool:
        """A row narrower than the header that prints only one side's label and amounts.

        When one side has more rows than the other, the surplus rows are often
        printed without the other side's blank cells (四、其他收入 / 61,205,805.96),
        so positions from the right no longer fit. Such a row is placed by the
        meaning of its label: 收入 in the name → income, 支出 → expenditure; else
        an ordinal in a cell of its own (一、 / 教育支出, the expenditure side's
        layout) → expenditure; else a label in the income label's column →
        income. The amounts are read left to right after the label, at the
        distances the header puts that side's columns from its 项目 label.
        False (positional reading) for rows as wide as the header, rows with
        labels of both sides, or a label whose side is not clear.
        """
        cells = row.cells
        if not self.width or len(cells) >= self.width:
            return False
        texts = [(i, c) for i, c in enumerate(cells) if c.text]
        labels = [(i, c) for i, c in texts if _amount(c.text) is None]
        if not labels:
            return False
        ordinal_cell = len(labels) == 2 and bool(_ORDINAL_ONLY.match(labels[0][1].text))
        if len(labels) > (2 if ordinal_cell else 1):
            return False
        label_at, label = labels[-1]
        if ordinal_cell and labels[0][0] != label_at - 1:
            return False
        if any(i < label_at for i, c in texts if not (ordinal_cell and i == labels[0][0])):
            return False  # an amount before the label
        name = subject_name(label.text)
        if "收入" in name and "支出" not in name:
            side = "收入"
        elif ordinal_cell or ("支出" in name and "收入" not in name):
            side = "支出"
        elif label_at == self.left_label_at:
            side = "收入"
        else:
            return False
        used = {label_at} | ({labels[0][0]} if ordinal_cell else set())
        fed = False
        for measure, distance in self.side_columns[side]:
            at = label_at + distance
            if at >= len(cells):
                continue
            used.add(at)
            fed = self._load(cells[at], measure, _TWO_SIDED, side=side, name=name or None) or fed
        for i, c in texts:
            if i not in used:
                self._reject(c, "budget_extra_value", _TWO_SIDED)
        self._mark(row, FIELD if fed else HEADER)
        return True

    def _grid_row(self, row: Row) -> None:
        cells = row.cells
        if self.grid_width and len(cells) == self.grid_width:
            for c, measure in zip(cells, self.grid_measures):
                if measure:
                    self._load(c, measure, _GRID)
                elif c.text:  # under no label of the grid
                    self._reject(c, "budget_value_not_number", _GRID)
            self._mark(row, FIELD)
            return
        start = next((i for i, c in enumerate(cells) if c.text), len(cells))
        end = max((i for i, c in enumerate(cells) if c.text), default=-1) + 1
        region = cells[start:end]
        for k, c in enumerate(region):
            if k < len(self.grid_measures):
                self._load(c, self.grid_measures[k], _GRID)
            elif c.text:
                self._reject(c, "budget_extra_value", _GRID)
        self._mark(row, FIELD)

    def table(self, default_year: int | None) -> BudgetTable:
        return BudgetTable(
            source_file=self.source_file,
            table_seq=self.seq,
            table_title=self.title,
            line_start=self.title_line,
            line_end=self.line_end,
            fiscal_year=self.year or default_year,
            money_unit=self.unit or "元",
            department=self.department,
        )


__all__ = ["BudgetTableBuilder", "is_budget_title", "label_text"]
