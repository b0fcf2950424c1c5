"""One document model for every input format (TAB text, PDF, DOCX, XLSX, XLS).

A reader turns a file into a ``Document``: an ordered sequence of blocks, each
a table row (its cells, merged cells read as merged) or a prose line, knowing
its page (PDF), sheet (XLSX) and table. The family parsers read lines built
from the blocks' cells (``Document.lines``), never a re-split text.
``Document.text()`` renders the blocks as the file's *normalised text*, the
lineage view stored in ``raw.source_lines``: a TAB text file's lines exactly
as the file has them (its own line numbers); a binary format's block i as line
2i+1 (a row's cells joined by TAB after a leading TAB, a prose line as it is)
followed by an empty line, so every row is a row of its own. Every record's
``line_no`` is a line of this text.

Merged cells: a cell spanning several grid columns is printed once, followed by
an empty cell per further column it covers (positions stay aligned with the
grid); a cell spanning several rows is printed at its first row and is an empty
cell below (a vertically merged 一级指标 label appears once, as the text
exports have it). A row of a format that stores merges (XLSX, XLS, DOCX, a ruled PDF table's
drawn boxes) also keeps each cell's span (``Block.spans``): a merged cell is one cell with its
(row_span, col_span), the positions it covers are (0, 0), a plain cell (1, 1);
the grid reads those instead of guessing a span from the blank cells after a
label. TAB text and unruled PDF text have no spans (None); a PDF cell whose
drawn box the reader does not know has span None.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import NamedTuple

from .frozen import RecordColumns
from .records import SourceLine
from .rows import Row, is_separator, make_row, split_rows
from .text import Line, clean_cell, glue

TEXT = "text"  # the format of TAB text (readers/text.py)
ROW = "row"
PROSE = "prose"
BOILERPLATE = "boilerplate"  # page headers, footers, page numbers


class Block(NamedTuple):  # one per row and line: a tuple is the cheapest record to make and free
    kind: str  # ROW | PROSE | BOILERPLATE
    cells: tuple[str, ...]  # a prose line is one cell
    page_no: int | None = None  # PDF: 1-based page
    sheet_name: str | None = None  # XLSX
    table_no: int | None = None  # 1-based table of the file (a table continued across pages keeps its number)
    line_no: int | None = None  # TAB text: the file's own line (binary formats: None, line 2i+1 of block i)
    text: str | None = None  # TAB text: the line exactly as the file has it (binary formats: rendered)
    spans: tuple[tuple[int, int] | None, ...] | None = None  # per cell (row_span, col_span); None: not stored


@dataclass
class Document:
    format: str  # text | pdf | docx | xlsx | xls
    blocks: list[Block] | LineBlocks = field(default_factory=list)  # LineBlocks: a TAB text file's
    # Problems of the file as a whole, found while reading: (issue code, facts of its message).
    problems: list[tuple[str, dict]] = field(default_factory=list)
    page_count: int | None = None
    # Problems of one cell, found while reading: (block index, issue code, facts of its message);
    # the parser reports them on the block's line of the normalised text.
    cell_problems: list[tuple[int, str, dict]] = field(default_factory=list)
    # TAB text (readers/text.py): the file's lines, made once by the reader (its blocks are made
    # from them only when asked: ``LineBlocks``), and, printed one table cell per line (the budget
    # exports), its table rows, each cell with the line it starts on. None for binary formats.
    text_lines: list[Line] | None = None
    text_rows: list[Row] | None = None

    def add_row(self, cells, spans=None, **where) -> None:
        """A table row; ``spans``: each cell's (row_span, col_span), (0, 0) where a merge covers it."""
        self.blocks.append(Block(ROW, tuple(_one_line(c) for c in cells), spans=tuple(spans) if spans else None, **where))

    def add_prose(self, text: str, **where) -> None:
        self.blocks.append(Block(PROSE, (_one_line(text),), **where))

    def add_boilerplate(self, text: str, **where) -> None:
        self.blocks.append(Block(BOILERPLATE, (_one_line(text),), **where))

    def add_problem(self, code: str, **facts) -> None:
        """A problem of the file as a whole (issues.py names its severity and message)."""
        self.problems.append((code, facts))

    def add_cell_problem(self, code: str, **facts) -> None:
        """A problem of a cell of the row added next."""
        self.cell_problems.append((len(self.blocks), code, facts))

    def line_of_block(self, index: int) -> int:
        """The normalised-text line of block ``index``."""
        return self.blocks[index].line_no or 2 * index + 1

    def rendered(self) -> Iterator[tuple[int, str, Block]]:
        """(line number, line text, block it belongs to) for every line of the normalised text."""
        for index, block in enumerate(self.blocks):
            if block.text is not None:  # a text file's line, as the file has it
                yield block.line_no, block.text, block
                continue
            no = 2 * index + 1
            yield no, _rendered(block), block
            yield no + 1, "", block  # rows and prose lines are separated by an empty line

    def lines(self) -> list[Line]:
        """The lines the family parsers read, built from the blocks' cells (no text is re-split):
        a text file's line with the cells its reader cleaned; a binary format's row as a TAB-led
        line (an empty first cell), a prose line as one cell, each followed by an empty line."""
        if self.text_lines is not None:  # a text file's lines, as its reader made them
            return self.text_lines
        out: list[Line] = []
        for index, block in enumerate(self.blocks):
            no = 2 * index + 1
            if block.kind == ROW:
                cells = ("", *map(clean_cell, block.cells or _NO_CELLS))  # no cells: a lone TAB, one empty cell
            else:
                cells = (clean_cell(block.cells[0]),)
            line = Line(no, _rendered(block), cells, not any(cells))
            if block.spans is not None:  # the leading edge cell is no cell of the file
                object.__setattr__(line, "spans", ((1, 1), *block.spans))
            out.append(line)
            out.append(Line(no + 1, "", _NO_CELLS, True))
        return out

    def rows(self, lines: list[Line]) -> list[Row]:
        """The table rows of ``lines`` (a family segment of ``self.lines()``), as the model has them.

        A binary format's row or prose block is one row (its line; the empty line after it
        separates). A one-cell-per-line text file's rows are its reader's, those lying in
        ``lines``; a row cut by the segment's edge keeps its lines inside. Text printed one row
        per line has no rows in the model: its runs of lines between empty lines are rows.
        """
        if self.text_rows is not None:
            if len(lines) == len(self.text_lines):  # the whole file (the usual segment): every row
                return list(self.text_rows)
            inside = {line.no for line in lines}
            out = []
            for row in self.text_rows:
                kept = [line for line in row.lines if line.no in inside]
                if kept:
                    out.append(row if len(kept) == len(row.lines) else make_row(kept))
            return out
        if self.format == TEXT:
            return split_rows(lines)
        return [_block_row(line) for line in lines if not is_separator(line)]

    def text(self) -> str:
        return "".join(line + "\n" for _, line, _ in self.rendered())

    def source_lines(self, source_file: str) -> tuple[RecordColumns, set[int]]:
        """The normalised text's lines (SourceLine records, kept as columns), and the numbers of
        those that are page furniture."""
        if self.text_lines is not None:  # a text file's lines have no page or sheet
            lines, n = self.text_lines, len(self.text_lines)  # each column made in C: no Python step per line
            nos, texts = list(map(_NO, lines)), list(map(_RAW, lines))
            return RecordColumns(SourceLine, [source_file] * n, nos, [None] * n, [None] * n, texts), set()
        rendered = [(no, block.page_no, block.sheet_name, text) for no, text, block in self.rendered()]
        n = len(rendered)
        columns = [[source_file] * n, *map(list, zip(*rendered))] if n else [[] for _ in SourceLine._fields]
        furniture = {no for no, _, block in self.rendered() if block.kind == BOILERPLATE} if any(
            block.kind == BOILERPLATE for block in self.blocks) else set()
        return RecordColumns(SourceLine, *columns), furniture


_NO_CELLS = ("",)  # an empty line's one empty cell
_NO, _RAW = itemgetter(0), itemgetter(1)  # a Line's no and raw


class LineBlocks(Sequence):
    """A TAB text file's blocks, one per line, made from its lines when asked: the parse reads the
    lines, so a Block per line made up front cost 2.5 % of the text path for nothing."""

    def __init__(self, lines: list[Line]):
        self._lines = lines

    def __len__(self) -> int:
        return len(self._lines)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [_line_block(line) for line in self._lines[index]]
        return _line_block(self._lines[index])

    def __eq__(self, other) -> bool:
        return list(self) == list(other)


def _line_block(line: Line) -> Block:
    """A text line's block: a row when it has several cells, else a prose line."""
    return Block(ROW if len(line.cells) > 1 else PROSE, line.cells, line_no=line.no, text=line.raw)


def _block_row(line: Line) -> Row:
    """A binary format's block line as a row, its cells knowing their stored spans."""
    row = make_row([line])
    if line.spans is not None and len(line.spans) == len(row.cells) + 1:
        for cell, span in zip(row.cells, line.spans[1:]):
            cell.span = span
    return row


def _rendered(block: Block) -> str:
    """A binary format's block as a line of TAB text."""
    return "\t" + "\t".join(block.cells) if block.kind == ROW else block.cells[0]


def _one_line(text: str | None) -> str:
    """A cell's text on one line: wraps joined (Chinese wraps without a space), TABs gone."""
    if not text:
        return ""
    parts = [p.strip() for p in str(text).replace("\r", "\n").replace("\t", " ").split("\n")]
    parts = [p for p in parts if p]
    return glue(parts) if parts else ""
