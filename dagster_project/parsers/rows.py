"""Rows of a document printed one cell per line (the budget exports, and the target forms in them).

A document of this layout is a sequence of *rows*: runs of lines separated by
truly empty lines. Inside a row, a line that starts with a TAB starts a new
cell (one cell per line is the usual layout, several TABs give several cells);
a line without a leading TAB continues the previous cell (a wrap inside the
cell). Blank cells keep their positions, so a row of a table is as wide as the
table (plus one empty edge cell at each end). The budget walker and the target
forms both read these rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from .compiled import mypyc_attr
from .text import BLANKS, Line, join_wrapped, lazy, norm, value_or_none


@dataclass(slots=True)  # one per cell of a row: no __dict__ to make and free
class Cell:
    text: str  # cleaned, wraps joined; '' for a blank cell
    line_no: int  # line where the cell starts
    # The pieces of the lines it is printed on: a tuple, one allocation where a list takes two (one
    # per cell of a budget export; a wrap, which adds a piece, is rare)
    pieces: tuple[str, ...] = ()
    span: tuple[int, int] | None = None  # (row_span, col_span) as the file stores it ((0, 0): covered); None: unknown

    @property
    def blank(self) -> bool:
        return not self.text


@mypyc_attr(native_class=False)  # its lazy values live in its __dict__
@dataclass
class Row:
    lines: list[Line]
    cells: list[Cell]

    @lazy
    def texts(self) -> list[str]:
        return [c.text for c in self.cells if c.text]

    @lazy
    def key(self) -> str:
        return norm("".join(self.texts))

    @property
    def first_line(self) -> int:
        return self.lines[0].no

    @property
    def first_text_line(self) -> int:
        """The first non-blank line (a row often starts with an empty edge cell)."""
        return next((ln.no for ln in self.lines if not ln.is_blank), self.lines[0].no)

    @property
    def last_line(self) -> int:
        for ln in reversed(self.lines):  # a loop, not next(genexpr): asked of every budget-table row
            if not ln.is_blank:
                return ln.no
        return self.lines[-1].no

    @property
    def is_blank(self) -> bool:
        return not self.texts  # the non-empty cells, kept (asked of every row, then its texts are)


def is_separator(line: Line) -> bool:
    """Rows are separated by truly empty lines (a full-width space is a wrap, not a gap)."""
    return "\t" not in line.raw and not line.raw.strip(" \r\n")


def split_rows(lines: list[Line]) -> list[Row]:
    rows: list[Row] = []
    current: list[Line] = []
    for line in lines:
        raw = line.raw
        if "\t" not in raw and not raw.strip(" \r\n"):  # is_separator, inline: once per line
            if current:
                rows.append(make_row(current))
                current = []
        else:
            current.append(line)
    if current:
        rows.append(make_row(current))
    return rows


# A budget export makes a Cell per line and a Row per few lines: made by __new__ alone (object's, in
# C) and their fields set in make_row (every field: the place to update when one is added), instead
# of a Python __init__ call each.
_new_cell, _new_row = Cell.__new__, Row.__new__


def make_row(lines: list[Line]) -> Row:
    cells: list[Cell] = []
    for line in lines:
        parts = line.cells  # the line's TAB cells, already cleaned
        raw = line.raw
        if raw[:1] != "\t" and raw.partition("\t")[0].strip(" \r"):
            if cells:  # no leading TAB: the previous cell wraps onto this line
                cells[-1].pieces += (parts[0],)
            else:
                cells.append(Cell("", line.no, (parts[0],)))
        no = line.no
        for part in parts[1:]:  # a Cell per cell, its fields set here (text below): no __init__ call
            cell = _new_cell(Cell)
            cell.line_no, cell.pieces, cell.span = no, (part,), None
            cells.append(cell)
    texts = []
    for cell in cells:
        pieces = cell.pieces
        if len(pieces) > 1:
            text = join_wrapped(pieces) or ""
        elif "<" in (piece := pieces[0]) or "&" in piece:
            text = value_or_none(piece) or ""  # cleaned again, as value_or_none does
        else:  # a cleaned piece without markup: value_or_none would only blank it
            text = "" if piece in BLANKS else piece
        cell.text = text
        if text:
            texts.append(text)
    row = _new_row(Row)  # Row(lines, cells), without its __init__ call
    row.lines, row.cells = lines, cells
    row.texts = texts  # its lazy value, known here: every budget row is asked for it
    return row


def starts_cell(line: Line) -> bool:
    """A line that begins a new cell (a leading TAB), not a wrap of the previous one."""
    return "\t" in line.raw and not line.raw.partition("\t")[0].strip(" \r")
