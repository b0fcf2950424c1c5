"""PDF with a text layer → Document (PyMuPDF; see README "Reading PDF" for the choice).

Per page: ruled tables (PyMuPDF's line-based table finder) give table rows, read
as a grid of merged cells; the text outside the tables gives prose lines, a
paragraph wrapped over several printed lines joined into one; page numbers
and running headers/footers are boilerplate. Items are taken top to bottom.

The grid of a table is the set of *logical columns*: a cell belongs to the
drawn column under the centre of its text. Printed tables are often drawn with
extra ruling (one hairline column per digit group, background boxes), so the
drawn columns outnumber the real ones; a drawn column under no cell's text is
not a column. A drawn box over several logical cells is a merged cell: its text
at its first column and row, the cells it further covers blank, each cell with
its (row_span, col_span) as the model stores merges (``_spans``). The box over
each cell is carried through the joining of split rows, the line-up of a table's
page parts and the merging of split columns, which still place its text by its
centre (a label centred over two hairline halves decides nothing).
"""

from __future__ import annotations

import re
import struct
from bisect import bisect_left, bisect_right
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import count

from .. import vocabulary
from ..amounts import is_amount
from ..model import Document
from ..text import latin_pair, norm
from . import pdf_tables
from .pdf_tables import cells_from_corners, table_groups

_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–－]\s*)?\d{1,4}(?:\s*[-—–－])?\s*$|^\s*第\s*\d+\s*页(?:\s*[/，,]?\s*共\s*\d+\s*页)?\s*$"
    r"|^\s*\d+\s*/\s*\d+\s*$"
)
_ORDINAL_START = re.compile(r"^\s*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+[、.．](?!\d)|\d{1,2}\s*[、.．]\s*(?:19|20)\d{2}\s*年)")
_MARGIN = 0.08  # top/bottom share of the page where running headers and page numbers sit


@dataclass
class _Item:
    """A table or a visual text line of a page, in reading order."""

    y0: float
    y1: float
    x0: float = 0.0
    x1: float = 0.0
    size: float = 10.0
    texts: tuple[str, ...] = ()  # text line: its segments (cells when far apart)
    rows: list[list[str]] | None = None  # table: its rows of cells, over the columns at ``col_x``
    col_x: list[float] | None = None  # table: x of each column's left edge (to align page parts)
    # table: per row and drawn column (at x ``box_x``), the box over it (its spans: ``_spans``), and
    # the drawn column of each of its columns
    boxes: list[list] | None = None
    box_x: list[float] | None = None
    box_cols: list[int] | None = None
    boilerplate: bool = False


def read_pdf(data: bytes) -> Document:
    import pymupdf

    doc = pymupdf.open(stream=data, filetype="pdf")
    out = Document("pdf", page_count=doc.page_count)
    if doc.is_repaired:  # no valid cross-reference table: cut off (an interrupted upload) or corrupt
        out.add_problem("damaged_document", what="PDF ", why="（不完整，可能未完整上传）",
                        detail=": its cross-reference table is missing or broken, e.g. a cut-off upload")
        return out
    pages: list[list[_Item]] = []
    heights: list[float] = []
    text_chars = 0
    with _lean_table_finder():
        for page in doc:
            items = _page_items(page, *_upright(page))
            heights.append(page.rect.height)
            text_chars += sum(len("".join(i.texts)) + sum(len(c) for r in i.rows or () for c in r) for i in items)
            pages.append(items)
    if text_chars == 0 and doc.page_count:
        out.add_problem("pdf_without_text_layer", pages=doc.page_count)
        return out
    _mark_running_furniture(pages, heights)
    _emit(out, pages)
    return out


# ------------------------------------------------------------------ one page


class _NoHeader:
    names: tuple = ()
    external = False
    cells: tuple = ()
    bbox = None


@contextmanager
def _lean_table_finder():
    """PyMuPDF's table finder without its costs this reader does not need; tables found are the same.

    - Its guess of each table's header row (a third of its time; unused here) is skipped.
    - Its list of the page's characters is built with plain arithmetic instead of a
      Rect/Point/Matrix object per character (half of its time), with only the keys
      the line finder reads: ``_table_chars``.
    - Its cells are found from the ruling intersections by column and row instead of by
      a scan of all later points per point: ``_intersections_to_cells``.
    - Each table's box is the cells' extent in plain arithmetic, not a Rect union per
      cell: ``_cells_to_tables``.
    Each replaces a private function of ``pymupdf.table`` for the duration of the read;
    where a PyMuPDF version lacks one of them, that one is left alone.
    """
    from pymupdf import table as pymupdf_table

    patches = []
    cls = getattr(pymupdf_table, "Table", None)
    if getattr(cls, "_get_header", None) is not None:
        patches.append((cls, "_get_header", lambda self, *args, **kwargs: _NoHeader()))
    original_chars = getattr(pymupdf_table, "make_chars", None)
    if original_chars is not None and hasattr(getattr(pymupdf_table, "CHARS", None), "_list"):
        patches.append((pymupdf_table, "make_chars", _table_chars(pymupdf_table, original_chars)))
    if getattr(pymupdf_table, "intersections_to_cells", None) is not None:
        patches.append((pymupdf_table, "intersections_to_cells", _intersections_to_cells))
    if getattr(pymupdf_table, "cells_to_tables", None) is not None and hasattr(pymupdf_table, "white_spaces"):
        patches.append((pymupdf_table, "cells_to_tables", _cells_to_tables(pymupdf_table)))
    saved = [(owner, name, getattr(owner, name)) for owner, name, _ in patches]
    for owner, name, replacement in patches:
        setattr(owner, name, replacement)
    try:
        yield
    finally:
        for owner, name, original in saved:
            setattr(owner, name, original)


def _intersections_to_cells(intersections: dict) -> list[tuple]:
    """``pymupdf.table.intersections_to_cells``: the same cells in the same order (pdf_tables.cells_from_corners)."""

    def boxes(edges) -> set:
        return {(e["x0"], e["top"], e["x1"], e["bottom"]) for e in edges}

    return cells_from_corners({pt: (boxes(lines["v"]), boxes(lines["h"])) for pt, lines in intersections.items()})


def _cells_to_tables(pymupdf_table):
    """``pymupdf.table.cells_to_tables`` (PyMuPDF 1.28): the same tables (pdf_tables.table_groups),
    the text probe over the finder's character list (``CHARS``)."""
    white = pymupdf_table.white_spaces

    def cells_to_tables(page, cells) -> list:
        boxes = [(c["x0"], c["top"], c["x1"], c["bottom"]) for c in pymupdf_table.CHARS if c["text"] not in white]

        def text_over(box) -> bool:
            rx0, rtop, rx1, rbottom = box
            return any(x0 < rx1 and x1 > rx0 and top < rbottom and bottom > rtop for x0, top, x1, bottom in boxes)

        return table_groups(cells, text_over)

    return cells_to_tables


_FLOAT32_PAIR = struct.Struct("ff")


def _table_chars(pymupdf_table, original):
    """``pymupdf.table.make_chars`` (PyMuPDF 1.28) for the line finder: its character dicts, lean.

    With the header guess off and no cell text asked of it, the finder reads a
    character only to keep ruled boxes that hold text: its box (x0, x1, top, bottom),
    its PDF-space y (y0/y1, y pointing up, which MuPDF computes in 32-bit floats: on an
    upright page, matrix 1 0 0 -1 0 h, that is ``h - y`` rounded to a 32-bit float) and
    whether it is blank ("text"). Only those keys are built, in MuPDF's order (the
    finder's tests do not depend on order), without a PyMuPDF object per character.
    Any other page matrix goes to PyMuPDF's own function. Its text page is made
    without style collection, MuPDF's costliest text flag (4x the rest), which serves
    only to tell bold. tests/parsers/test_pdf_reader_speed.py checks these keys equal
    PyMuPDF's dicts on real pages and the tables found the same.
    """
    import pymupdf

    flags = pymupdf_table.FLAGS & ~pymupdf.TEXT_COLLECT_STYLES
    pack, unpack = _FLOAT32_PAIR.pack, _FLOAT32_PAIR.unpack

    def make_chars(page, clip=None):
        ctm = tuple(page.transformation_matrix)
        if ctm[:5] != (1.0, 0.0, 0.0, -1.0, 0.0):
            return original(page, clip=clip)
        flip = ctm[5]
        chars = pymupdf_table.CHARS._list()
        textpage = page.get_textpage(clip=clip, flags=flags)
        for block in page.get_text("rawdict", textpage=textpage)["blocks"]:
            for line in block["lines"]:
                for span in line["spans"]:
                    for char in span["chars"]:
                        x0, y0, x1, y1 = char["bbox"]
                        pdf_y0, pdf_y1 = unpack(pack(flip - y1, flip - y0))
                        chars.append({"x0": x0, "x1": x1, "top": y0, "bottom": y1, "y0": pdf_y0, "y1": pdf_y1,
                                      "text": char["c"]})  # fmt: skip
        return textpage

    return make_chars


# Text direction (PyMuPDF's line "dir", in the page's unrotated space) → the /Rotate that reads it upright.
_TURN_UPRIGHT = {(0, -1): 90, (-1, 0): 180, (0, 1): 270}


def _upright(page) -> tuple:
    """Turn the page so that its text reads left to right; its text and its drawings as then placed.

    A page stored with /Rotate (a landscape table kept on portrait media) is drawn
    turned; the table finder and the reading order work on the unrotated space, so
    the rotation is folded into the content first (remove_rotation). Content drawn
    sideways on a page without /Rotate is turned the same way, by the direction of
    most of its characters. The text is "rawdict" (with each character) on a page
    that can hold a table, the cheaper "dict" on another: one extraction serves both.
    """
    import pymupdf

    if page.rotation:
        page.remove_rotation()

    def read() -> tuple:
        drawings = page.get_cdrawings()
        # text only: images are not read, and cost
        text = page.get_text("rawdict" if _may_hold_table(drawings) else "dict", flags=pymupdf.TEXTFLAGS_TEXT)
        return text, drawings

    text, drawings = read()
    weight: Counter[tuple[int, int]] = Counter()
    for block in text["blocks"]:
        for line in block.get("lines", ()):
            dx, dy = line["dir"]
            weight[(round(dx), round(dy))] += sum(len(_span_text(span).strip()) for span in line["spans"])
    turn = _TURN_UPRIGHT.get(weight.most_common(1)[0][0]) if weight else None
    if turn:
        page.set_rotation(turn)
        page.remove_rotation()
        text, drawings = read()
    return text, drawings


def _may_hold_table(drawings: list[dict]) -> bool:
    # The table finder keeps tables of two columns or more, and one drawn line or box
    # (a rule under a heading, a frame) makes one cell at most.
    return sum(len(path["items"]) for path in drawings) > 1


def _span_text(span: dict) -> str:
    """A span's text, from "dict" or (its characters) "rawdict": joined once, kept in the span."""
    text = span.get("text")
    if text is None:
        text = span["text"] = "".join(ch["c"] for ch in span["chars"])
    return text


def _page_items(page, page_text: dict, drawings: list[dict]) -> list[_Item]:
    height = page.rect.height
    tables = []
    if _may_hold_table(drawings):  # the table finder only where a table can be
        found = pdf_tables.find_tables(page, drawings, page_text)  # its text tests from our characters
        if found is None:  # not upright in PyMuPDF's sense: PyMuPDF's own finder
            found = page.find_tables(paths=page.get_drawings()).tables
        # a table with cells has rows and columns (asking row_count/col_count rebuilds its rows twice)
        tables = [t for t in found if t.cells]
    # Characters, not words: a writer may draw a quote mark (another font) as its own run,
    # inside the x-range of the word around it; only characters sort back into place.
    chars = []
    for block in page_text["blocks"] if tables else ():  # "rawdict" where tables can be
        for line in block.get("lines", ()):
            for span in line["spans"]:
                chars += _placed_chars(span["chars"])
    by_centre = sorted(chars, key=_CENTRE_Y)  # once for all tables: each takes its slice (ties in page order)
    centres = [ch[6] for ch in by_centre]
    items: list[_Item] = []
    boxes = []
    for table in tables:
        rows, drawn, drawn_x, drawn_cols, y0 = _table_rows(table, chars, by_centre, centres)
        if rows:
            x0, _, x1, y1 = table.bbox
            boxes.append((x0 - 1, y0 - 1, x1 + 1, y1 + 1))
            items.append(_Item(y0, y1, x0, x1, rows=rows, col_x=[drawn_x[c] for c in drawn_cols], boxes=drawn,
                               box_x=drawn_x, box_cols=drawn_cols))
    segments = []
    for block in page_text["blocks"]:
        for line in block.get("lines", ()):
            text = "".join(_span_text(span) for span in line["spans"])
            if not text.strip():
                continue
            x0, y0, x1, y1 = line["bbox"]
            cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
            if any(bx0 <= cx <= bx1 and by0 <= cy <= by1 for bx0, by0, bx1, by1 in boxes):
                continue
            size = max((span["size"] for span in line["spans"]), default=10.0)
            segments.append((y0, y1, x0, x1, size, text))
    items += _visual_lines(segments)
    for item in items:
        in_margin = item.y1 < height * _MARGIN * 1.5 or item.y0 > height * (1 - _MARGIN * 1.5)
        if item.rows is None and len(item.texts) == 1 and _PAGE_NUMBER.match(item.texts[0]) and in_margin:
            item.boilerplate = True
    items.sort(key=lambda i: (round(i.y0, 1), i.x0))
    return items


_FIGURE_MARKS = frozenset(".,-−")  # with the digits, the characters of a figure


def _CENTRE_Y(ch: tuple) -> float:
    return ch[6]


def _placed_chars(span_chars) -> list[tuple]:
    """A span's characters as (x0, y0, x1, y1, c, x to place by, vertical centre).

    A character is placed by its own centre, except within a figure (a run of
    digits, separators and sign): the whole figure goes by the figure's centre,
    so a number that overflows a narrow drawn column (267.8 | 0) stays one cell.
    """
    out = []
    run: list[tuple] = []

    def flush() -> None:
        if run:
            centre = (run[0][0] + run[-1][2]) / 2
            out.extend((x0, y0, x1, y1, c, centre, (y0 + y1) / 2) for x0, y0, x1, y1, c in run)
            run.clear()

    for ch in span_chars:
        x0, y0, x1, y1 = ch["bbox"]
        c = ch["c"]
        if c in _FIGURE_MARKS or c.isdecimal():  # one character: a digit (\d), separator or sign
            run.append((x0, y0, x1, y1, c))
            continue
        flush()
        out.append((x0, y0, x1, y1, c, (x0 + x1) / 2, (y0 + y1) / 2))
    flush()
    return out


def _visual_lines(segments) -> list[_Item]:
    """Text segments on the same baseline form one line; far-apart segments are separate cells."""
    segments.sort(key=lambda s: ((s[0] + s[1]) / 2, s[2]))
    lines: list[list] = []
    for seg in segments:
        cy = (seg[0] + seg[1]) / 2
        if lines and abs(cy - lines[-1][-1][6]) < min(seg[1] - seg[0], 20) * 0.5:
            lines[-1].append((*seg, lines[-1][-1][6]))
        else:
            lines.append([(*seg, cy)])
    items = []
    for group in lines:
        group.sort(key=lambda s: s[2])
        texts: list[str] = []
        prev_x1 = None
        for y0, y1, x0, x1, size, text, _cy in group:
            if prev_x1 is not None and x0 - prev_x1 < size * 2:
                texts[-1] = texts[-1].rstrip() + " " + text.strip() if texts[-1].rstrip() else text.strip()
            else:
                texts.append(text.strip())
            prev_x1 = x1
        items.append(
            _Item(
                min(s[0] for s in group), max(s[1] for s in group), group[0][2], max(s[3] for s in group),
                max(s[4] for s in group), tuple(t for t in texts if t),
            )
        )
    return items


def _table_rows(table, words, by_centre, centres) -> tuple[list[list[str]], list[list], list[float], list[int], float]:
    """The table as rows of logical cells (see the module docstring), the box over each drawn
    column of each row (an id shared by the cells one box covers), the drawn columns' x, the
    drawn column of each logical one, and the top of its first row.

    ``words``: the page's characters (``_placed_chars``) in page order; ``by_centre`` the
    same by vertical centre, ``centres`` their centres. Each character within the table's
    rows goes to the cell under its centre (cheaper than asking the table for each cell's
    text: one lookup per character, no scan per cell), a cell's characters in the order
    of their vertical centre.
    A first row that is one box over the whole width is the table's caption band
    (title, 公开表一, 部门：, 单位：, ruled in with the grid when printed from a
    spreadsheet): it is left out, so its lines are read as the page's text lines.
    """
    cells = [row.cells for row in table.rows]
    if len(cells) > 1 and _is_caption_band(cells[0], table.bbox, words):
        cells = cells[1:]
    xs = sorted({round(c[0], 1) for row in cells for c in row if c is not None})
    ys = sorted({round(c[1], 1) for row in cells for c in row if c is not None})
    if not xs:
        return [], [], [], [], table.bbox[1]

    def column_at(x: float) -> int:
        return max(bisect_right(xs, x + 0.5) - 1, 0)

    def band_at(y: float) -> int:
        return max(bisect_right(ys, y + 0.5) - 1, 0)

    cover: dict[tuple[int, int], int] = {}  # (row band, drawn column) → cell
    joined: set[int] = set()  # r: some drawn cell spans rows r and r + 1
    boxes = []  # [row, first column, last column, words]
    for r, row in enumerate(cells):
        for box in row:
            if box is None:
                continue
            first, last = column_at(box[0]), column_at(box[2] - 1)
            boxes.append((r, first, last, []))
            top, bottom = band_at(box[1]), band_at(box[3] - 1)
            joined.update(range(top, bottom))
            for band in range(top, bottom + 1):
                for col in range(first, last + 1):
                    cover[(band, col)] = len(boxes) - 1
    x0, _, x1, y1 = table.bbox
    y0 = ys[0]
    # the characters whose centre lies within the rows, from the page's list by centre
    for w in by_centre[bisect_left(centres, y0) : bisect_right(centres, y1)]:
        cx = w[5]
        if x0 <= cx <= x1:  # band_at and column_at written out: this loop runs per character
            band, col = bisect_right(ys, w[6] + 0.5) - 1, bisect_right(xs, cx + 0.5) - 1  # band >= 0: centre >= ys[0]
            hit = cover.get((band, max(0, col)))
            if hit is not None:
                boxes[hit][3].append(w)
    anchors: set[int] = set()
    placed = []
    for r, first, last, inside in boxes:
        if not inside:
            continue
        anchor = first
        if last > first:
            centre = (min(w[0] for w in inside) + max(w[2] for w in inside)) / 2
            anchor = min(max(column_at(centre), first), last)
        anchors.add(anchor)
        placed.append((r, anchor, _cell_text(inside)))
    columns = sorted(anchors)
    if not columns:
        return [], [], [], [], y0
    index = {col: i for i, col in enumerate(columns)}
    rows = [[""] * len(columns) for _ in cells]
    for r, anchor, text in placed:
        rows[r][index[anchor]] = text
    # the box over each logical cell, by the drawn band of its row (ids unique in the file)
    serial = next(_TABLE_SERIAL)
    bands = [band_at(next(c for c in row if c is not None)[1]) for row in cells]
    drawn = [[_box_id(serial, cover.get((band, col))) for col in range(len(xs))] for band in bands]
    rows, drawn = _join_split_rows(rows, drawn, joined, [index.get(col) for col in range(len(xs))])
    return rows, drawn, xs, columns, y0


_TABLE_SERIAL = count()  # tells the boxes of one table from another's


def _box_id(serial: int, box: int | None) -> tuple[int, int] | None:
    return None if box is None else (serial, box)


def _is_caption_band(first_row, bbox, chars) -> bool:
    """One drawn box across the whole table width, holding several lines, not all centred.

    (A title alone, centred in its box, wrapped or not, stays the table's first row.)
    """
    box = first_row[0]
    if box is None or any(c is not None for c in first_row[1:]):
        return False
    if abs(box[0] - bbox[0]) >= 1 or abs(box[2] - bbox[2]) >= 1:
        return False
    lines: dict[int, list] = {}
    bx0, by0, bx1, by1 = box
    for c in chars:
        if by0 <= (c[1] + c[3]) / 2 <= by1 and bx0 <= (c[0] + c[2]) / 2 <= bx1 and c[4].strip():
            lines.setdefault(round((c[1] + c[3]) / 2 / max(c[3] - c[1], 1.0)), []).append(c)
    middle = (box[0] + box[2]) / 2
    off_centre = [
        line for line in lines.values()
        if abs((min(c[0] for c in line) + max(c[2] for c in line)) / 2 - middle) > 3 * (line[0][3] - line[0][1])
    ]
    return len(lines) > 1 and bool(off_centre)


def _join_split_rows(rows: list[list[str]], drawn: list[list], joined: set[int], at: list[int | None],
                     ) -> tuple[list[list[str]], list[list]]:
    """Join a printed row that extra ruling cut in two (a label on one half, its value on the other).

    Two neighbouring grid rows are one printed row when a drawn cell spans both,
    no column has text in both, and one holds the labels, the other the amounts
    (header rows, which hold no amounts, are never joined). ``drawn``: each row's box per drawn
    column, ``at`` the logical column of each drawn one (None: no text column); a joined row
    keeps per drawn column the box of its text (of the upper row where neither has text).
    """
    out: list[list[str]] = []
    out_drawn: list[list] = []
    last_joinable = False
    for r, (row, boxes) in enumerate(zip(rows, drawn)):
        if (
            out
            and last_joinable
            and any(out[-1])
            and any(row)
            and not any(a and b for a, b in zip(out[-1], row))
            and _has_amount(out[-1]) != _has_amount(row)
        ):
            upper = out[-1]
            out_drawn[-1] = [q if i is not None and row[i] and not upper[i] else p
                             for i, p, q in zip(at, out_drawn[-1], boxes)]
            out[-1] = [a or b for a, b in zip(upper, row)]
        else:
            out.append(list(row))
            out_drawn.append(list(boxes))
        last_joinable = r in joined
    return out, out_drawn


def _has_amount(row: list[str]) -> bool:
    return any(is_amount(c) for c in row if c)


def _compact(rows: list[list[str]], drawn: list[list]) -> tuple[list[list[str]], list[list]]:
    """Merge neighbouring columns that no row uses both of, when one has no header text.

    Extra ruling splits one printed column in two, and a label centred over the
    pair lands in the other half than the values. A real column has a header
    label (text on a row without amounts); a half with values only is not one.
    A merged cell keeps the box of its text (of the left column where neither has text).
    """
    if not rows:
        return rows, drawn
    data_rows = [_has_amount(row) for row in rows]

    def headerless(col: list[str]) -> bool:
        return all(data for text, data in zip(col, data_rows) if text)

    cols = [list(col) for col in zip(*rows)]
    box_cols = [list(col) for col in zip(*drawn)]
    out, out_boxes = [cols[0]], [box_cols[0]]
    for col, boxes in zip(cols[1:], box_cols[1:]):
        prev = out[-1]
        if not any(a and b for a, b in zip(prev, col)) and (headerless(prev) or headerless(col)):
            out_boxes[-1] = [p if a or not b else q for a, b, p, q in zip(prev, col, out_boxes[-1], boxes)]
            out[-1] = [a or b for a, b in zip(prev, col)]
        else:
            out.append(col)
            out_boxes.append(boxes)
    return [list(row) for row in zip(*out)], [list(row) for row in zip(*out_boxes)]


def _cell_text(chars) -> str:
    """A cell's characters (in the order of their vertical centre) in reading order, its wrapped lines joined.

    Characters are grouped into printed lines by their vertical centre and
    sorted left to right; spaces are the document's own. A wrap inside a
    figure (74,69 | 6) or in Chinese text joins without a space; between two
    Latin words it keeps one.
    """
    lines: list[list] = []
    for ch in chars:
        cy, h = ch[6], ch[3] - ch[1]
        if lines and abs(cy - lines[-1][0]) < max(h, 1.0) * 0.5:
            lines[-1][1].append(ch)
        else:
            lines.append([cy, [ch]])
    out = ""
    for _cy, line in lines:
        text = "".join(c[4] for c in sorted(line, key=lambda c: c[0])).strip()
        if " " in text:  # (the pattern is costly, and most cells hold no space)
            text = _AUTOSPACE.sub("", text)
        if not text:
            continue
        if out and latin_pair(out[-1], text[0]):
            out += " "
        out += text
    return out


# A space a writer inserts between Chinese and Latin/digits is typography (autospace), not text.
_AUTOSPACE = re.compile(r"(?<=[\u3400-\u9fff]) (?=[0-9A-Za-z])|(?<=[0-9A-Za-z]) (?=[\u3400-\u9fff])")


# ------------------------------------------------------------------ the whole document


def _mark_running_furniture(pages: list[list[_Item]], heights: list[float]) -> None:
    """A text line in the top/bottom margin repeated on most pages is a running header/footer."""
    if len(pages) < 3:
        return
    counts: Counter[str] = Counter()
    for items, height in zip(pages, heights):
        seen = set()
        for item in items:
            if item.rows is None and _in_margin(item, height):
                seen.add(_furniture_key(item))
        counts.update(seen)
    repeated = {key for key, n in counts.items() if n >= max(3, len(pages) // 2)}
    for items, height in zip(pages, heights):
        for item in items:
            if item.rows is None and _in_margin(item, height) and _furniture_key(item) in repeated:
                item.boilerplate = True


def _in_margin(item: _Item, height: float) -> bool:
    return item.y1 < height * _MARGIN or item.y0 > height * (1 - _MARGIN)


def _furniture_key(item: _Item) -> str:
    return re.sub(r"\d+", "#", "".join(item.texts).replace(" ", ""))


def _emit(out: Document, pages: list[list[_Item]]) -> None:
    """Blocks in reading order; the page parts of one table are joined and compacted together."""
    groups = _table_groups(pages)
    for page_no, items in enumerate(pages, start=1):
        content = [i for i in items if not i.boilerplate]
        lefts = [i.x0 for i in content if i.rows is None and len(i.texts) == 1]
        # the text width: prose lines and tables (a centred title on a table page is not full width)
        rights = [i.x1 for i in content if i.rows is not None or len(i.texts) == 1]
        left, right = (min(lefts), max(rights)) if lefts else (0.0, 0.0)
        prev: _Item | None = None
        for item in items:
            where = {"page_no": page_no}
            if item.boilerplate:
                out.add_boilerplate(" ".join(item.texts), **where)
                continue
            if item.rows is not None:
                group = groups.get(id(item))
                if group is not None:  # the first part: the whole table, each row on its page
                    table_no, rows = group
                    for row, spans, row_page, furniture in rows:
                        if furniture:
                            out.add_boilerplate(" ".join(c for c in row if c), page_no=row_page, table_no=table_no)
                        else:
                            out.add_row(row, spans, page_no=row_page, table_no=table_no)
                prev = item
                continue
            if len(item.texts) > 1:
                out.add_row(item.texts, **where)
            elif prev is not None and prev.rows is None and len(prev.texts) == 1 and _wraps(prev, item, left, right):
                block = out.blocks.pop()
                out.add_prose(block.cells[0] + item.texts[0].strip(), **where)
            else:
                out.add_prose(item.texts[0], **where)
            prev = item


def _table_groups(pages: list[list[_Item]]) -> dict[int, tuple[int, list[tuple[list[str], tuple | None, int, bool]]]]:
    """id(first part) → (table_no, [(row, its spans, page_no, is_repeated_header)]) for every table of the file.

    A table continues on the next page when it is the first item there (page
    furniture aside), the previous page ended with a table, and both span the
    same width; its parts share one column grid (by the columns' x), a row
    broken by the page is rejoined, a repeated header row is furniture, and the
    columns are compacted over the whole table.
    """
    parts_of: list[list[tuple[_Item, int]]] = []
    open_group: list[tuple[_Item, int]] | None = None
    for page_no, items in enumerate(pages, start=1):
        content = [i for i in items if not i.boilerplate]
        for k, item in enumerate(content):
            if item.rows is None:
                open_group = None
                continue
            last = open_group[-1][0] if open_group else None
            same_width = last is not None and abs(last.x0 - item.x0) < 3 and abs(last.x1 - item.x1) < 3
            first_row = open_group[0][0].rows[0] if open_group else []
            new_title = sum(1 for c in first_row if c) == 1 and item.rows[0] == first_row
            if k == 0 and same_width and not new_title:
                open_group.append((item, page_no))
            else:
                open_group = [(item, page_no)]
                parts_of.append(open_group)
        if content and content[-1].rows is None:
            open_group = None
    groups = {}
    for table_no, parts in enumerate(parts_of, start=1):
        xs: list[float] = []
        for part, _ in parts:
            for x in part.col_x:
                if not any(abs(x - y) < 1.5 for y in xs):
                    xs.append(x)
        xs.sort()

        def at(x: float, xs: list[float] = xs) -> int:
            return min(range(len(xs)), key=lambda i: abs(xs[i] - x))

        rows: list[list[str]] = []
        drawn: list[list] = []  # the box over each cell (a cell keeps its text's box)
        pages_of: list[int] = []
        starts: list[int] = []  # index of each part's first row
        for part, page_no in parts:
            aligned, aligned_boxes = [], []
            slots = [at(x) for x in part.col_x]  # each column's place in the table's grid, once per part
            # a place of the grid that is none of this part's columns (no text of this part there): the
            # box of the drawn column under its x, unless that box holds text of the row (how far a
            # text's box reaches into other parts' columns is not known: its text stays where it is)
            under = {slot: bisect_right(part.box_x, xs[slot] + 1.5) - 1 for slot in range(len(xs))
                     if slot not in slots and xs[slot] < part.x1 - 1.5}
            for row, boxes in zip(part.rows, part.boxes):
                full = [""] * len(xs)
                full_boxes = [None] * len(xs)
                for slot, text, col in zip(slots, row, part.box_cols):
                    box = boxes[col]
                    if text:
                        if not full[slot]:
                            full_boxes[slot] = box
                        full[slot] = (full[slot] + text) if full[slot] else text
                    elif full_boxes[slot] is None:
                        full_boxes[slot] = box
                texts_boxes = {box for text, box in zip(full, full_boxes) if text}
                for slot, col in under.items():  # (a box holding text of the row keeps to the part's columns)
                    if col >= 0 and boxes[col] not in texts_boxes:
                        full_boxes[slot] = boxes[col]
                aligned.append(full)
                aligned_boxes.append(full_boxes)
            if rows and aligned and _is_tail(rows[-1], aligned[0]) and aligned[0] not in rows[:3]:
                rows[-1] = [a + b for a, b in zip(rows[-1], aligned[0])]  # a row broken by the page
                aligned, aligned_boxes = aligned[1:], aligned_boxes[1:]
            starts.append(len(rows))
            rows += aligned
            drawn += aligned_boxes
            pages_of += [page_no] * len(aligned)
        rows, drawn = _compact(rows, drawn)
        header = rows[:3]
        furniture = [False] * len(rows)
        for s in starts[1:]:
            for k, head in enumerate(header):
                if s + k < len(rows) and any(head) and rows[s + k] == head:
                    furniture[s + k] = True  # the header printed again on the new page
                else:
                    break
        kept = [r for r in range(len(rows)) if not furniture[r]]
        place = {r: k for k, r in enumerate(kept)}
        cells, spans = _spans([rows[r] for r in kept], [drawn[r] for r in kept], {place[s] for s in starts[1:] if s in place})
        by_row = dict(zip(kept, zip(cells, spans)))
        groups[id(parts[0][0])] = (table_no, [(*by_row.get(r, (row, None)), page_no, furniture[r])
                                              for r, (row, page_no) in enumerate(zip(rows, pages_of))])
    return groups


def _spans(rows: list[list[str]], drawn: list[list], page_tops: set[int]) -> tuple[list[list[str]], list[tuple]]:
    """Each row's cells as the model has them, with each cell's (row_span, col_span): a drawn box
    over several cells is one cell, its text at its first column and row, the cells it further
    covers blank with (0, 0) (``model.py``); a cell with no box known has no span (None).

    ``drawn``: the box over each cell, the same for the cells one box covers. A box cut by a page
    break is two boxes; at the top of a continued page (``page_tops``: those rows) a blank box
    continues the cell above it, as the printed table reads (a label merged over rows is printed
    on its first page only).
    """
    rows = [list(row) for row in rows]
    drawn = [list(row) for row in drawn]
    for r in sorted(page_tops):
        if r > 0:  # a blank box at the page top is the box above, on every row it covers
            alias = {box: above for text, box, above in zip(rows[r], drawn[r], drawn[r - 1])
                     if not text and box is not None and above is not None}
            for k in range(r, len(drawn)):
                drawn[k] = [alias.get(box, box) for box in drawn[k]]
    spans: list[list] = []
    for r, (row, boxes) in enumerate(zip(rows, drawn)):
        # the text of a box spanning columns moves to its first column (the reader placed it at its centre)
        for c, box in enumerate(boxes):
            if box is None or (c and boxes[c - 1] == box) or (r and drawn[r - 1][c] == box):
                continue
            end = c
            while end + 1 < len(boxes) and boxes[end + 1] == box:
                end += 1
            texts = [k for k in range(c, end + 1) if row[k]]
            if len(texts) == 1 and texts[0] != c:
                row[c], row[texts[0]] = row[texts[0]], ""
        out = []
        for c, (text, box) in enumerate(zip(row, boxes)):
            if box is None:  # no box known (see _table_groups): unknown
                out.append(None)
            elif not text and ((c and boxes[c - 1] == box) or (r and drawn[r - 1][c] == box)):
                out.append((0, 0))
            else:
                width = 1
                while c + width < len(boxes) and boxes[c + width] == box and not row[c + width]:
                    width += 1
                height = 1
                while r + height < len(rows) and drawn[r + height][c] == box and not rows[r + height][c]:
                    height += 1
                out.append((height, width))
        spans.append(out)
    return rows, [tuple(s) for s in spans]


def _is_tail(last: list[str], first: list[str]) -> bool:
    """Is ``first`` (top of a page) the rest of ``last`` (bottom of the page before)?

    Its text lies only in cells the last row also fills, it fills fewer of them,
    and it holds no amount of its own.
    """
    if len(last) != len(first) or _has_amount(first) or any(_is_title(c) for c in first if c):
        return False
    filled_last = {i for i, c in enumerate(last) if c}
    filled = {i for i, c in enumerate(first) if c}
    return bool(filled) and filled <= filled_last and len(filled) < len(filled_last)


def _is_title(text: str) -> bool:
    """A table title (the next table of a series starting on a new page is not a row's tail)."""
    key = norm(text)
    return len(key) <= 60 and bool(
        vocabulary.BUDGET_TITLE.search(key) or vocabulary.TARGET_TITLE.search(key) or key.endswith(vocabulary.REPORT_TITLE_ENDINGS)
    )


def _wraps(prev: _Item, cur: _Item, left: float, right: float) -> bool:
    """Is ``cur`` the continuation of the paragraph printed on ``prev``?"""
    size = max(prev.size, 1.0)
    reaches_right = prev.x1 >= right - size * 2.5
    starts_left = cur.x0 <= left + size * 0.8
    # a paragraph's line starts at the margin (or its first-line indent); a centred title does not
    prev_from_left = prev.x0 <= left + size * 4
    close_below = 0 <= cur.y0 - prev.y1 < size * 1.2
    return reaches_right and starts_left and prev_from_left and close_below and not _ORDINAL_START.match(cur.texts[0])
