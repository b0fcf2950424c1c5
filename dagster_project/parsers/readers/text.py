"""TAB text → Document: the extracted-text exports (any of the usual Chinese encodings).

Decoded line by line as ``parsers.text`` does (a few bad bytes cost only their
lines: each such line gets an ``undecodable_bytes`` problem; bytes that are not
text at all make the one ``undecodable_file`` problem). Every line of the file
is one block that keeps the file's own line number and its text exactly as the
file has it (so ``raw.source_lines`` shows the file's lines), and its cells are
its TAB fields cleaned as ``text.split_lines`` cleans them (a line led by a TAB
has an empty first cell). A line of several fields is a row, any other a prose line.

Two layouts, told by content: one table row per line (TAB between its cells), or one
table cell per line (the budget exports: each cell on a line of its own led by a TAB, a
line without one wrapping the cell before, rows separated by empty lines). A file whose
lines led by a TAB outnumber its other TABs is of the second layout: the reader turns its lines into the model's table rows
(``Document.text_rows``, the rule of ``parsers.rows``), each cell keeping the line it
starts on, so no family parser joins cells. Its blocks stay one per line.
"""

from __future__ import annotations

from ..model import TEXT, Document, LineBlocks
from ..rows import split_rows
from ..text import UndecodableInput, decode_lines, split_lines


def read_text(data: bytes) -> Document:
    try:
        decoded = decode_lines(data)
    except UndecodableInput as exc:
        document = Document(TEXT)
        document.add_problem("undecodable_file", error=exc)
        return document
    document = text_document(decoded.text)
    for bad in decoded.bad:  # the bad line's block: line numbers count the same breaks
        document.cell_problems.append((bad.line_no - 1, "undecodable_bytes", {
            "bad_line": bad.line_no, "count": bad.count, "encoding": decoded.encoding,
            "offset": bad.offset, "column": bad.column,
        }))
    return document


def text_document(text: str) -> Document:
    """The Document of decoded TAB text (CRLF and CR line breaks tolerated)."""
    # The lines are what the parse reads: made once, here; the blocks from them only when asked.
    lines = split_lines(text)
    document = Document(TEXT, LineBlocks(lines), text_lines=lines)
    if is_cell_per_line(text):
        document.text_rows = split_rows(lines)
    return document


def is_cell_per_line(text: str) -> bool:
    """One table cell per line: more lines begin with a TAB than there are other TABs (a row per
    line has a TAB between each two cells). Counted in C over the text: no pass per line."""
    led = text.count("\n\t") + (text.count("\r\t") if "\r" in text else 0) + text.startswith("\t")
    return led > text.count("\t") - led
