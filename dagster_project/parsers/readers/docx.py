"""DOCX → Document (python-docx for the package, the table XML read directly for merges).

The body is read in order: a paragraph is a prose line, a table is its rows.
Word stores a merged cell as one ``w:tc`` with ``w:gridSpan`` (columns) and
``w:vMerge`` (rows: ``restart`` on the first, bare on the ones below); the
model's convention follows from that: a spanning cell is printed once and
followed by an empty cell per further grid column, a vertically merged cell
below its first row is an empty cell; each cell keeps its (row_span, col_span),
(0, 0) where a merge covers it.
"""

from __future__ import annotations

import io

from ..model import Document

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def read_docx(data: bytes) -> Document:
    import docx

    body = docx.Document(io.BytesIO(data)).element.body
    out = Document("docx")
    table_no = 0
    for child in body.iterchildren():
        if child.tag == f"{_W}p":
            text = _text(child)
            if text.strip():
                out.add_prose(text)
        elif child.tag == f"{_W}tbl":
            table_no += 1
            for row, spans in _rows(child):
                out.add_row(row, spans, table_no=table_no)
    return out


def _rows(tbl) -> list[tuple[list[str], list[tuple[int, int]]]]:
    """Each row's cells on the table's grid, with each cell's (row_span, col_span)."""
    rows, spans, continues = [], [], []  # continues: per row, the grid columns where a vMerge goes on
    for tr in tbl.iterchildren(f"{_W}tr"):
        cells: list[str] = []
        row_spans: list[tuple[int, int]] = []
        goes_on: set[int] = set()
        for tc in tr.iterchildren(f"{_W}tc"):
            props = tc.find(f"{_W}tcPr")
            span, continued = 1, False
            if props is not None:
                grid_span = props.find(f"{_W}gridSpan")
                if grid_span is not None:
                    span = int(grid_span.get(f"{_W}val", "1"))
                v_merge = props.find(f"{_W}vMerge")
                continued = v_merge is not None and v_merge.get(f"{_W}val", "continue") != "restart"
            if continued:
                goes_on.add(len(cells))
            cells.append("" if continued else "\n".join(_text(p) for p in tc.iterchildren(f"{_W}p")))
            cells.extend([""] * (span - 1))
            row_spans.extend([(0, 0) if continued else (1, span)] + [(0, 0)] * (span - 1))
        rows.append(cells)
        spans.append(row_spans)
        continues.append(goes_on)
    for k, row in enumerate(spans):  # a cell's rows: its own and those below that continue its merge
        for j, (_, cols) in enumerate(row):
            below = 1
            while cols and k + below < len(spans) and j in continues[k + below]:
                below += 1
            if cols:
                row[j] = (below, cols)
    width = max((len(r) for r in rows), default=0)
    return [(r + [""] * (width - len(r)), s + [(1, 1)] * (width - len(s))) for r, s in zip(rows, spans)]


def _text(paragraph) -> str:
    return "".join(t.text or "" for t in paragraph.iter(f"{_W}t"))
