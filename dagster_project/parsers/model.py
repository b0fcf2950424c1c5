"""One document model for every input format (TAB text, PDF, DOCX, XLSX).

A reader turns a file into a ``Document``: an ordered sequence of blocks, each
a table row (its cells, merged cells read as merged) or a prose line, knowing
its page (PDF), sheet (XLSX) and table. ``Document.text()`` renders the blocks
as the file's *normalised text*: the TAB text shape the family parsers read
(one line per table row, cells joined by TAB after a leading TAB; one line per
prose line; an empty line after each, so every row is a row of its own). So
the same family code reads every format, and every record's ``line_no`` is a
line of this text, stored in ``raw.source_lines`` for anyone to read back.

Merged cells: a cell spanning several grid columns is printed once, followed by
an empty cell per further column it covers (positions stay aligned with the
grid); a cell spanning several rows is printed at its first row and is an empty
cell below (a vertically merged 一级指标 label appears once, as the text
exports have it).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .records import SourceLine
from .text import glue

ROW = "row"
PROSE = "prose"
BOILERPLATE = "boilerplate"  # page headers, footers, page numbers


@dataclass(frozen=True)
class Block:
    kind: str  # ROW | PROSE | BOILERPLATE
    cells: tuple[str, ...]  # a prose line is one cell
    page_no: int | None = None  # PDF: 1-based page
    sheet_name: str | None = None  # XLSX
    table_no: int | None = None  # 1-based table of the file (a table continued across pages keeps its number)


@dataclass
class Document:
    format: str  # text | pdf | docx | xlsx | xls
    blocks: list[Block] = field(default_factory=list)
    # Problems of the file as a whole, found while reading: (issue code, facts of its message).
    problems: list[tuple[str, dict]] = field(default_factory=list)
    page_count: int | None = None
    # Problems of one cell, found while reading: (block index, issue code, facts of its message);
    # the parser reports them on the block's line of the normalised text.
    cell_problems: list[tuple[int, str, dict]] = field(default_factory=list)

    def add_row(self, cells, **where) -> None:
        self.blocks.append(Block(ROW, tuple(_one_line(c) for c in cells), **where))

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

    @staticmethod
    def line_of_block(index: int) -> int:
        """The normalised-text line of block ``index`` (each block is a line and an empty line)."""
        return 2 * index + 1

    def rendered(self) -> list[tuple[str, Block]]:
        """(line text, block it belongs to) for every line of the normalised text."""
        out: list[tuple[str, Block]] = []
        for block in self.blocks:
            if block.kind == ROW:
                text = "\t" + "\t".join(block.cells)
            else:
                text = block.cells[0]
            out.append((text, block))
            out.append(("", block))  # rows and prose lines are separated by an empty line
        return out

    def text(self) -> str:
        return "".join(line + "\n" for line, _ in self.rendered())

    def source_lines(self, source_file: str) -> list[SourceLine]:
        return [
            SourceLine(source_file, no, block.page_no, block.sheet_name, text)
            for no, (text, block) in enumerate(self.rendered(), start=1)
        ]


def _one_line(text: str | None) -> str:
    """A cell's text on one line: wraps joined (Chinese wraps without a space), TABs gone."""
    if not text:
        return ""
    parts = [p.strip() for p in str(text).replace("\r", "\n").replace("\t", " ").split("\n")]
    parts = [p for p in parts if p]
    return glue(parts) if parts else ""
