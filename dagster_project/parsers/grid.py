"""A table's grid read by the meaning of its headers: one alignment rule for every family.

A table is a sequence of rows of cells (``rows.Row``). A merged cell is printed
once, at its first column and row, with an empty cell for every further column
and row it covers (``model.py``), so in this module:

- a header cell spans the columns its stored merge covers (``Cell.span``: XLSX,
  XLS, DOCX, a ruled PDF table), or, where no spans are stored (TAB text), the blank
  cells right of it on its row up to the next label; a parent only where a lower
  header row labels those columns: a column's header is its labels top to bottom
  (parent | child: 一般公共预算资金 | 小计);
- each column is mapped to a field by the words of its header (the caller's
  ``field_of``, from the vocabulary), never by its position or the number of
  columns: a column order swapped gives the same fields; a field is taken by its
  first column;
- a label–value block (项目名称：X in one cell, 项目名称 | X in two) is found by
  its label in any cell of any row;
- a label merged over rows (a 一级指标 printed at its first row only) applies to
  every row it spans, until a new label at its level;
- side-by-side blocks (收入 | 支出, each a label column and its amounts) start at each
  column whose label names the rows (``blocks``); a higher label belongs to the block
  it is printed over (``printed_over``) or, centred between two groups, to both
  (``centred_over``).

A row narrower than its header is aligned from the left (``align_left``: a budget row's
amounts after its label, omitted trailing columns placed where its parent has amounts)
or from the right (``align_right``: a target row, its value last).

Budget tables whose rows are narrower than their header (a label merged over the
code columns) read their amount columns from the row's right end
(``Column.from_right``); header rows of one width may also be read stacked, joined
or nested (``nested_labels``: a bare 小计 named after the group centred over it).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import combinations, repeat

from . import vocabulary
from .rows import Cell, Row
from .text import Line, join_wrapped, norm

_ENDS_LABEL = vocabulary.AMOUNT_LABEL_END
_TOTALS = vocabulary.TOTAL_COLUMN_WORDS


@dataclass(frozen=True)
class Column:
    at: int  # position in a row as wide as the header
    labels: tuple[str, ...]  # the header's labels over it, top (parent) to bottom (child)
    width: int  # cells of the header
    spanning: tuple[bool, ...] = ()  # per label: it spans further columns (a parent)
    # Stored spans only (XLSX, XLS, DOCX, ruled PDF): the position of the header cell whose merge covers this
    # column, lowest header row first (its own when labelled; None: no header over it). -1: not stored.
    head: int | None = -1

    @property
    def groups(self) -> tuple[str, ...]:
        """Its parent labels (一般公共预算资金 over 小计 | 基本支出 | 项目支出)."""
        return tuple(t for t, group in zip(self.labels, self.spanning) if group)

    @property
    def own(self) -> tuple[str, ...]:
        """Its own label's pieces (a label wrapped over header rows: 事业单位 / 经营收入)."""
        return tuple(t for t, group in zip(self.labels, self.spanning or [False] * len(self.labels)) if not group)

    def name(self, join: Callable[[list[str]], str], label: Callable[[str], str] = str) -> str:
        """Its name: each group label, then its own label's pieces joined (``join``), by '-'
        (一般公共预算资金-小计); ``label`` cleans each label."""
        own = join([label(t) for t in self.own]) if self.own else ""
        return "-".join([*(label(g) for g in self.groups), *([own] if own else [])])

    @property
    def from_right(self) -> int:
        """Its position from the right end (len(cells) - index): amounts stay right-aligned."""
        return self.width - self.at

    def cell_of(self, cells: Sequence[Cell], right: bool = False) -> Cell | None:
        """Its cell in ``cells``, counted from the left or (``right``) from the right end."""
        at = len(cells) - self.from_right if right else self.at
        return cells[at] if 0 <= at < len(cells) else None


def header_columns(header_rows: Sequence[Row], right: bool = False) -> list[Column]:
    """The columns of a header of one or more rows, each with its labels top to bottom.

    A parent label spans the blank cells right of it (up to the next label on its row)
    that a lower header row labels; a label merged over header rows is printed once.
    ``right``: rows of different widths (a text export that leaves out merged cells) are
    aligned at their right ends, as their amounts are.
    """
    width = max((len(r.cells) for r in header_rows), default=0)
    grid = [[c.text for c in r.cells] for r in header_rows]
    grid = [[""] * (width - len(row)) + row if right else row + [""] * (width - len(row)) for row in grid]
    covering = _stored_cover(header_rows, width, right)
    # per header row and column: the position of the label over it (its own, or a parent's)
    over = [[j if row[j] else _parent_over(grid, k, j, covering) for j in range(width)] for k, row in enumerate(grid)]
    columns = []
    for j in range(width):
        labels, spanning = [], []
        for k, row in enumerate(grid):
            at = over[k][j]
            if at is not None:
                labels.append(row[at])
                spanning.append(over[k].count(at) > 1)
        head = -1 if covering is None else next((cover[j] for cover in reversed(covering) if cover[j] is not None), None)
        columns.append(Column(j, tuple(labels), width, tuple(spanning), head))
    return columns


def _stored_cover(header_rows: Sequence[Row], width: int, right: bool) -> list[list[int | None]] | None:
    """Per header row and position, the position of the label whose stored merge covers it on
    that row (``Cell.span``: XLSX, XLS, DOCX, ruled PDF); None when a cell's span is unknown (TAB text)."""
    covering = []
    for row in header_rows:
        if any(c.span is None for c in row.cells):
            return None
        shift = width - len(row.cells) if right else 0
        cover: list[int | None] = [None] * width
        for i, c in enumerate(row.cells):
            if c.text:
                for j in range(i + shift, min(i + shift + c.span[1], width)):
                    cover[j] = i + shift
        covering.append(cover)
    return covering


def _parent_over(grid: list[list[str]], k: int, j: int, covering: list[list[int | None]] | None = None) -> int | None:
    """The position of the label of header row ``k`` spanning blank position ``j``: the label whose
    stored merge covers ``j`` (``covering``), else (no spans stored: TAB text) the nearest label
    left of it; when lower rows label both its own column and ``j`` (children under a parent). A
    label with nothing below it is merged down over its own column, not across."""
    below = grid[k + 1 :]
    if not any(lower[j] for lower in below):
        return None
    if covering is not None:
        at = covering[k][j]
    else:
        at = next((i for i in range(j - 1, -1, -1) if grid[k][i]), None)
    if at is None or not any(lower[at] for lower in below):
        return None
    return at


def map_columns(columns: Sequence[Column], field_of: Callable[[str], str | None]) -> dict[str, Column]:
    """field → its column, by the words of the column's own header labels (child first): a parent
    spanning several columns (指标值 over 年度指标值 | 实际完成值) names none of them."""
    fields: dict[str, Column] = {}
    for column in columns:
        name = next((f for f in map(field_of, reversed(column.own)) if f), None)
        if name is not None and name not in fields:
            fields[name] = column
    return fields


def read_row(cells: Sequence[Cell], fields: dict[str, Column]) -> tuple[dict[str, Cell | None], list[Cell]]:
    """A row as wide as the header: each field's cell, and the cells with text under no field."""
    out = {name: column.cell_of(cells) for name, column in fields.items()}
    taken = {column.at for column in fields.values()}
    return out, [c for i, c in enumerate(cells) if c.text and i not in taken]


def reaches(cells: Sequence[Cell], at: int, to: int) -> bool | None:
    """Does the stored merge of cell ``at`` reach position ``to`` of its row: every position up to
    it covered by the merge, or blank with no span known (a PDF cell whose drawn box is not known)? None where the cell's span is not stored (TAB text): the caller guesses."""
    span = cells[at].span
    if span is None:
        return None
    return all(k < at + span[1] or (cells[k].span is None and not cells[k].text) for k in range(at + 1, to + 1))


def header_at(columns: Sequence[Column], at: int) -> int | None:
    """The position of the header over cell ``at`` of a row: its own column's when labelled, else
    the nearest labelled one left of it (a header merged over the blank cells right of it, where a
    value typed in a later cell of the merge still belongs); None left of the first label. Where
    the file stores its merges, the header whose merge covers the cell (None: no header over it)."""
    if columns and columns[0].head != -1:
        return columns[at].head if at < len(columns) else None
    return next((c.at for c in reversed(columns[: at + 1]) if c.labels), None)


def line_rows(*lines: Line) -> list[Row]:
    """Text lines (TAB cells, a merged cell printed once with blanks after it) as grid rows,
    each cell at its position: a line-by-line reader's header rows for ``header_columns``."""
    return [Row([line], [Cell(text, line.no, (), span) for text, span in zip(line.cells, line.spans or _UNKNOWN)])
            for line in lines]


_UNKNOWN: repeat[tuple[int, int] | None] = repeat(None)  # a text line's cells: no stored span


def align_left(cells: Sequence[Cell], n: int, preferred: Callable[[int], bool] | None = None,
               ) -> tuple[list[tuple[int, Cell]], list[Cell]]:
    """A narrow row's cells after its label placed on ``n`` columns: [(column, cell)], and the
    cells with text beyond the last column.

    Blank cells keep positions (blanks in the middle stay blank), so cells are read left to
    right; trailing blanks (an empty edge cell) and leading blanks beyond ``n`` (a label
    printed one column early) hold nothing. Fewer cells than columns, all with text (trailing
    columns omitted), go in order onto the columns ``preferred`` marks where they can (the
    budget's parent subject has amounts there), else onto the leftmost.
    """
    cells = list(cells)
    while cells and not cells[-1].text:
        cells.pop()
    while len(cells) > n and not cells[0].text:
        cells.pop(0)
    if len(cells) >= n or any(not c.text for c in cells) or preferred is None:
        return list(enumerate(cells[:n])), [c for c in cells[n:] if c.text]
    slots = min(combinations(range(n), len(cells)), key=lambda combo: sum(1 for k in combo if not preferred(k)))
    return list(zip(slots, cells)), []


def align_right(cells: Sequence[Cell], n: int) -> tuple[list[Cell], list[Cell]]:
    """A row read from its right end (its value last): at most its ``n`` rightmost cells, and the
    cells with text left of them. Leading blanks (an edge cell) do not count; a row narrower
    than ``n`` is returned whole, for the caller to place by vocabulary."""
    cells = list(cells)
    while len(cells) > n and not cells[0].text:
        cells.pop(0)
    if len(cells) <= n:
        return cells, []
    return cells[-n:], [c for c in cells[:-n] if c.text]


def plain_blanks(cells: Sequence[Cell | None]) -> list[int]:
    """The positions of ``cells`` (one per level) that are blank and stored as no merge's (span (1, 1))."""
    return [k for k, c in enumerate(cells) if c is not None and not c.text and c.span == (1, 1)]


def place_by_words(cells: Sequence[Cell], tests: dict[str, Callable[[str], bool]], rest: str) -> dict[str, Cell]:
    """A row too short to align (labels without a value) placed by the words of its texts: each
    cell to the first field whose test it passes (一级 / 二级 label vocabulary), else to ``rest``;
    labels precede the rest, so every cell after the first ``rest`` one is ``rest`` (the last wins)."""
    out: dict[str, Cell] = {}
    for c in cells:
        if c.text:
            field = None if rest in out else next((f for f, test in tests.items() if test(c.text)), None)
            out[field or rest] = c
    return out


class MergedLabels:
    """Labels merged over rows (一级 | 二级 …): a blank level keeps the label above it; a new
    label at a level ends the labels below it, which belonged to the old one. Where the file
    stores its merges, a blank level cell that no merge covers (``plain``: span (1, 1)) holds
    no label: the one above ended with its merge."""

    def __init__(self, depth: int):
        self.held: list[str | None] = [None] * depth

    def apply(self, *labels: str | None, plain: Sequence[int] = ()) -> tuple[str | None, ...]:
        for k in plain:
            if not labels[k]:
                self.held[k] = None
        for k, label in enumerate(labels):
            if label:
                if label != self.held[k] and not any(labels[k + 1 :]):
                    self.held[k + 1 :] = [None] * (len(self.held) - k - 1)
                self.held[k] = label
        return tuple(self.held)


def label_values(cells: Sequence[Cell], is_label: Callable[[str], bool], *,
                 waiting: Callable[[str], bool] | None = None,
                 inline: Callable[[str], tuple[str, str] | None] | None = None) -> Iterator[tuple[str, Cell]]:
    """(label, value cell) of the label–value blocks of a row, found by label in any cell: a label
    in its own cell names the cells after it, up to the next label (项目名称 | X | 项目性质 | Y); a
    cell "label：value" holds both (项目名称：X). ``is_label`` says which normalised texts are
    labels; cells before the first label yield nothing.

    ``waiting``: which texts are labels while a label has no value yet (a value that ends in a
    colon as labels do: 项目名称： | 某某： stays 项目名称's value; default ``is_label``);
    ``inline``: (label, value) of a cell holding both, unless a label waits for its value
    (default: a short "label：value" whose label ``is_label`` knows).
    """
    label: str | None = None
    bare = False  # the label has no value yet
    for c in cells:
        if not c.text:
            continue
        key = norm(c.text)
        if (waiting if bare and waiting else is_label)(key):
            label, bare = key, True
            continue
        # a label still without its value takes the cell as printed (政策依据 | 一、项目背景：…)
        pair = None if bare else inline(c.text) if inline else _inline_label(c.text, is_label)
        if pair:
            label, value = pair
            bare = not value
            if value:
                yield label, Cell(value, c.line_no)
        elif label is not None:
            bare = False
            yield label, c


def labelled_cells(cells: Sequence[Cell], is_label: Callable[[str], bool]) -> dict[str, list[Cell]]:
    """Each label of a row → its value cells (``label_values``), labels in their own cells first, in
    row order; a label with no value after it maps to [] (its value is on the next line, or missing)."""
    out: dict[str, list[Cell]] = {key: [] for c in cells if c.text and is_label(key := norm(c.text))}
    for label, cell in label_values(cells, is_label):
        out.setdefault(label, []).append(cell)
    return out


def _inline_label(text: str, is_label: Callable[[str], bool]) -> tuple[str, str] | None:
    m = _INLINE_LABEL.match(text)
    return (norm(m.group(1)), m.group(2)) if m and is_label(norm(m.group(1))) else None


_INLINE_LABEL = re.compile(r"^\s*([^:：]{1,12}?)\s*[:：]\s*(.*?)\s*$", re.DOTALL)  # 项目名称：X


def blocks(labels: Sequence[str], starts: Callable[[str], bool]) -> list[range]:
    """Side-by-side blocks of a header row (收入: 项目名称 | 金额, 支出: 功能科目名称 | 金额 …), by the
    meaning of its labels: a block runs from a label column (``starts``: its label names the rows)
    up to the next one; columns before the first are in none."""
    at = [i for i, t in enumerate(labels) if t and starts(t)]
    return [range(a, b) for a, b in zip(at, [*at[1:], len(labels)])]


def printed_over(labels: dict[int, str], blocks: Sequence[range]) -> list[tuple[int, str] | None]:
    """Per block, the first of a higher header row's labels (position → text) printed over its
    columns, with its position; None where none is."""
    return [next(((i, labels[i]) for i in block if i in labels), None) for block in blocks]


def centred_over(labels: dict[int, str], groups: Sequence[int]) -> dict[int, str]:
    """Group label positions → the label of a higher header row spanning them: a label printed
    between two neighbouring groups spans both (a PDF centres a label over its columns, so a
    label over two groups lands between them, never reliably over the first)."""
    spans: dict[int, str] = {}
    for at, text in labels.items():
        left = max((g for g in groups if g < at), default=None)
        right = min((g for g in groups if g > at), default=None)
        if left is not None and right is not None:
            spans[left] = spans[right] = text
    return spans


def stacked_header(headers: Sequence[Row]) -> Row | None:
    """Header rows of one width read as one: per position, the lowest label printed there.

    A grid document (PDF) prints a side's labels on the row where its sub-header
    sits (收入: 项目名称 | 金额 on one row, 支出用途: 项目名称 | 金额 on the next).
    """
    return _per_position(headers, lambda printed, line_no: printed[-1] if printed else Cell("", line_no))


def joined_header(headers: Sequence[Row]) -> Row | None:
    """Header rows of one width read as one: per position, its labels joined top to bottom.

    A label wrapped over the header rows of a grid (采购品目大 / 类, 采购组织 / 形式)
    is one column's label.
    """
    return _per_position(
        headers, lambda printed, line_no: Cell(join_wrapped([c.text for c in printed]) if printed else "", line_no)
    )


def _per_position(headers: Sequence[Row], cell: Callable[[list[Cell], int], Cell]) -> Row | None:
    """Header rows of one width (at least two) read as one row: per position, ``cell`` of the
    cells printed there, top to bottom, on the last header row's line."""
    if len(headers) < 2 or len({len(h.cells) for h in headers}) != 1:
        return None
    line_no = headers[-1].first_line
    printed = ([h.cells[j] for h in headers if h.cells[j].text] for j in range(len(headers[0].cells)))
    return Row(headers[-1].lines, [cell(texts, line_no) for texts in printed])


def wrapped_around(headers: Sequence[Row], main_at: int, label: Callable[[str], str]) -> bool:
    """A label wrapped around the main header row (Jiangsu 2018 支出预算总表: 单位预留机动经 above it,
    费 below, its own cell on the main row blank): the column's pieces are one label, so the grid is
    read by position. A piece above that ends a label (…预算数 over 小计) is a group, not a wrap.
    ``label`` cleans a header text (the unit after it dropped)."""
    if len({len(h.cells) for h in headers}) != 1:
        return False
    for j, cell in enumerate(headers[main_at].cells):
        above = [h.cells[j].text for h in headers[:main_at] if h.cells[j].text]
        below = [h.cells[j].text for h in headers[main_at + 1 :] if h.cells[j].text]
        if not cell.text and above and below and not _ENDS_LABEL.search(label(above[-1])) and (
            norm(below[0]) not in _TOTALS
        ):
            return True
    return False


def nested_labels(headers: Sequence[Row], label: Callable[[str], str]) -> list[str] | None:
    """Each column's name in a header nested deeper than one group level (合计 | “三公”经费: 小计 |
    公务用车…: 小计 …); None unless every header row is as wide as the grid.

    A column's name is its lowest label, with the pieces above it that do not end a label of
    their own (会议 / 费, 公务用车 / 运行维护 / 费); a bare 小计/合计 below the top row is named
    after its group: the label above whose stored merge covers it, or, where no spans are
    stored, the nearest label at or right of it on the row above (group labels are centred
    over their columns, as a PDF prints them without rulings).
    """
    width = len(headers[0].cells) if headers else 0
    if any(len(h.cells) != width for h in headers):
        return None
    grid = [[c.text for c in h.cells] for h in headers]
    names: list[str] = []
    tops: list[int] = []  # the header row where each column's own label starts
    for j in range(width):
        levels = [h for h in range(len(grid)) if grid[h][j]]
        if not levels:
            names.append("")
            tops.append(len(grid))
            continue
        h = levels[-1]
        name = label(grid[h][j])
        for above in reversed(levels[:-1]):
            if _ENDS_LABEL.search(label(grid[above][j])):
                break
            name, h = label(grid[above][j]) + name, above
        names.append(name)
        tops.append(h)
    covering = _stored_cover(headers, width, False)
    for j, name in enumerate(names):
        if tops[j] > 0 and norm(name) in _TOTALS:
            if covering is not None:  # the label whose stored merge covers it (a ruled PDF, Word, Excel)
                parent = next((grid[r][at] for r in range(tops[j] - 1, -1, -1)
                               if (at := covering[r][j]) is not None and r < tops[at]), None)
            else:
                parent = _group_of(grid, names, tops, j, norm(name) == vocabulary.SUBTOTAL_WORD)
            if parent:
                names[j] = f"{label(parent)}-{name}"
    return names


def _group_of(grid: list[list[str]], names: list[str], tops: list[int], j: int, subtotal: bool) -> str | None:
    """The group a bare 小计/合计 column totals: the lowest label above its own that is no column's
    label (公务用车购置及运行维护费 over 小计 | 购置费 | 运行维护费), at or right of it (groups
    are centred over their columns) with no other column's label beside it in between; else the
    first label at or right of a 小计 on the top header row (“三公”经费 over its columns)."""
    top = tops[j]
    for r in range(top - 1, -1, -1):
        for c in range(j, len(grid[r])):
            if grid[r][c] and r < tops[c] and all(tops[k] < r or not names[k] for k in range(j + 1, c)):
                return grid[r][c]
    first = next((r for r in range(top) if any(grid[r][j:])), None) if subtotal else None
    return next((t for t in grid[first][j:] if t), None) if first is not None else None
