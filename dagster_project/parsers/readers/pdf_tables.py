"""Ruled tables of an upright PDF page: PyMuPDF's line-based table finder, done lean.

``page.find_tables()`` (PyMuPDF 1.28, pdfplumber's "lines" strategy) spends most of
the PDF reader's time in Python objects: a dict per edge copied at every step, a
MuPDF Rect union per pair of neighbouring drawings, every vertical edge tried
against every horizontal one. This module takes the same steps with the same
tolerances on plain tuples, in the same order where order decides a result (the
greedy joining of drawings, the averaging of snapped edges), so it finds the same
tables cell for cell (tests/parsers/test_pdf_reader_speed.py compares them with
PyMuPDF's on every ruled page of the real PDFs):

1. the drawn paths' lines, boxes (4 lines, or 1 when thinner than 3 pt) and quads
   become axis-parallel edges, clipped to the page;
2. drawings that (almost) touch are joined into boxes, and each box holding a
   character adds its border as 4 more edges;
3. edges within 3 pt across are snapped to their mean, edges on one line within
   3 pt end to end are joined, and edges shorter than 3 pt dropped;
4. where a vertical and a horizontal edge cross (3 pt tolerance), a corner;
5. each corner's smallest cell; cells sharing corners
   form a table, kept when it has two columns and a character over it.

``find_tables`` returns None when the page is not upright in PyMuPDF's sense
(its matrix is not the plain flip): the caller then asks PyMuPDF. The finder's two
text tests (steps 2 and 5) are answered from the reader's own characters where they
can be (``TextProbe``), saving the finder's own text page on most pages.
"""

from __future__ import annotations

import struct
from array import array
from bisect import bisect_left, bisect_right
from itertools import groupby

SNAP = 3.0  # snap_tolerance: edges this close across are one line
JOIN = 3.0  # join_tolerance: collinear edges this close end to end are one edge
MIN_LENGTH = 3.0  # edge_min_length; a box thinner than this is a line
CROSS = 3.0  # intersection_tolerance

class Row:
    __slots__ = ("cells",)

    def __init__(self, cells: list):
        self.cells = cells


class Table:
    """What the reader asks of a PyMuPDF table: its cells, box and rows (PyMuPDF's grouping)."""

    def __init__(self, cells: list[tuple]):
        self.cells = cells
        self.bbox = (min(c[0] for c in cells), min(c[1] for c in cells), max(c[2] for c in cells), max(c[3] for c in cells))

    @property
    def rows(self) -> list[Row]:
        xs = sorted({c[0] for c in self.cells})
        rows = []
        for _top, row_cells in groupby(sorted(self.cells, key=lambda c: (c[1], c[0])), key=lambda c: c[1]):
            at = {c[0]: c for c in row_cells}
            rows.append(Row([at.get(x) for x in xs]))
        return rows


def finder_chars(page) -> tuple[list, list] | None:
    """The characters as PyMuPDF's finder sees them: (x0, x1, pdf y0, pdf y1) of each, and the
    boxes (x0, top, x1, bottom) of those not blank. None unless the page matrix is the plain flip.

    Same text page as PyMuPDF's ``make_chars`` (its flags without style collection, which
    only tells bold, and small glyph heights), same PDF-space y (MuPDF's 32-bit floats).
    """
    import pymupdf
    from pymupdf import table as pymupdf_table

    ctm = tuple(page.transformation_matrix)
    if ctm[:5] != (1.0, 0.0, 0.0, -1.0, 0.0):
        return None
    flip = ctm[5]
    small = bool(pymupdf.TOOLS.set_small_glyph_heights())
    pymupdf.TOOLS.set_small_glyph_heights(True)
    try:
        textpage = page.get_textpage(flags=pymupdf_table.FLAGS & ~pymupdf.TEXT_COLLECT_STYLES)
        raw = page.get_text("rawdict", textpage=textpage)
    finally:
        pymupdf.TOOLS.set_small_glyph_heights(small)
    white = pymupdf_table.white_spaces
    boxes, text_boxes = [], []
    for block in raw["blocks"]:
        for line in block["lines"]:
            for span in line["spans"]:
                for char in span["chars"]:
                    box = char["bbox"]
                    boxes.append(box)
                    if char["c"] not in white:
                        text_boxes.append(box)
    # PDF-space y, y up (h - bottom, h - top), rounded to 32-bit floats in one go
    pdf_y = array("f", [flip - y for _x0, top, _x1, bottom in boxes for y in (bottom, top)]).tolist()
    flipped = [(box[0], box[2], pdf_y[2 * i], pdf_y[2 * i + 1]) for i, box in enumerate(boxes)]
    return flipped, text_boxes


def find_tables(page, drawings: list[dict], text: dict | None = None) -> list[Table] | None:
    """The page's ruled tables from its ``get_cdrawings()``, as ``page.find_tables(paths=...)`` finds them.

    ``text``: the reader's "rawdict" of the page (TEXTFLAGS_TEXT), which answers the finder's
    two text tests where it can (``TextProbe``); without it, the finder's own characters do.
    """
    ctm = tuple(page.transformation_matrix)
    if ctm[:5] != (1.0, 0.0, 0.0, -1.0, 0.0):
        return None
    probe = TextProbe(page, ctm[5], text)
    segments = []
    for path in drawings:
        segments += _path_segments(path)
    for x0, y0, x1, y1 in _joined_boxes(drawings, probe.holds_char):  # PyMuPDF adds their borders after the paths'
        segments += [((x0, y0), (x1, y0)), ((x0, y1), (x1, y1)), ((x0, y0), (x0, y1)), ((x1, y0), (x1, y1))]
    edges = _edges(segments, tuple(page.rect))
    horizontal, vertical = _merged_edges(edges)
    cells = cells_from_corners(_corners(horizontal, vertical))
    return [Table(group) for group in table_groups(cells, probe.text_over)]


class TextProbe:
    """The finder's two text tests: does a drawn box hold a character, does a table's box overlap text.

    PyMuPDF answers them from its own text page (accurate glyph boxes, small glyph heights),
    which costs as much as the reader's. The reader's text page (``text``, TEXTFLAGS_TEXT)
    holds the same non-blank characters in the same order (only the boxes differ: the
    flags differ by TEXT_ACCURATE_BBOXES alone), and each of the finder's boxes lies within
    the reader's box of that character grown by ``_slack`` (its font size + 1 pt; measured
    on the 581 pages of ../shared/real*, the Word fixtures printed to PDF and 03 turned:
    at most 0.72 × size, vertically), the finder's blanks (its own spacing) within the
    reader's lines grown the same way. So a test whose answer is the same for every place
    the finder's characters can take is answered from the reader's; any other (a character
    near a box's border) falls back to the finder's own characters, made once per page.
    """

    def __init__(self, page, flip: float, text: dict | None):
        self.page, self.flip = page, flip
        self._exact: tuple[list, list] | None = None
        self.chars: list[tuple] = []  # non-blank characters, grown: (x0, top, x1, bottom), by x0
        self.lines: list[tuple] = []  # lines, grown the same way
        self.known = text is not None
        white = _white_spaces()
        for block in text["blocks"] if text is not None else ():
            for line in block.get("lines", ()):
                grow = 0.0
                for span in line["spans"]:
                    slack = _slack(span["size"])
                    grow = max(grow, slack)
                    for char in span["chars"]:
                        if char["c"] not in white:
                            x0, y0, x1, y1 = char["bbox"]
                            self.chars.append((x0 - slack, y0 - slack, x1 + slack, y1 + slack))
                x0, y0, x1, y1 = line["bbox"]
                self.lines.append((x0 - grow, y0 - grow, x1 + grow, y1 + grow))
        self.chars.sort()
        self.lefts = [c[0] for c in self.chars]

    def exact(self) -> tuple[list, list]:
        if self._exact is None:
            self._exact = finder_chars(self.page)
        return self._exact

    def holds_char(self, box: tuple) -> bool:
        """PyMuPDF's test as it stands: a character inside the box, comparing the character's
        PDF-space y (pointing up: flip - y) with the box's page-space y."""
        ax0, ay0, ax1, ay1 = box
        flip = self.flip
        if self.known:
            if not any(x0 <= ax1 and x1 >= ax0 and flip - y1 <= ay1 and flip - y0 >= ay0 for x0, y0, x1, y1 in self.lines):
                return False
            window = self.chars[bisect_left(self.lefts, ax0) : bisect_right(self.lefts, ax1)]
            if any(x1 <= ax1 and ay0 <= flip - y1 and flip - y0 <= ay1 for _x0, y0, x1, y1 in window):
                return True
        flipped, _ = self.exact()
        return any(ax0 <= x0 and x1 <= ax1 and ay0 <= y0 and ay1 >= y1 for x0, x1, y0, y1 in flipped)

    def text_over(self, box: tuple) -> bool:
        """Does a character that is not blank overlap the box (``cells_to_tables``'s test)?"""
        rx0, rtop, rx1, rbottom = box
        if self.known:
            window = self.chars[: bisect_right(self.lefts, rx1)]
            if any(x0 > rx0 and x1 < rx1 and top > rtop and bottom < rbottom for x0, top, x1, bottom in window):
                return True
            if not any(x1 >= rx0 and top <= rbottom and bottom >= rtop for _x0, top, x1, bottom in window):
                return False
        _, text_boxes = self.exact()
        return any(x0 < rx1 and x1 > rx0 and top < rbottom and bottom > rtop for x0, top, x1, bottom in text_boxes)


def _slack(size: float) -> float:
    return size + 1.0


def _white_spaces() -> set:
    from pymupdf import table as pymupdf_table

    return pymupdf_table.white_spaces


def _edges(segments: list[tuple], clip) -> list[tuple]:
    """PyMuPDF's ``make_line`` per segment: (x0, top, x1, bottom, width, height) of each axis-parallel
    one (3 pt slant allowed), clipped to the page; slanted and empty ones dropped."""
    cx0, cy0, cx1, cy1 = clip
    out = []
    for (ax, ay), (bx, by) in segments:
        if not (abs(ax - bx) <= SNAP or abs(ay - by) <= SNAP):
            continue
        x0, x1 = (bx, ax) if bx < ax else (ax, bx)
        y0, y1 = (by, ay) if by < ay else (ay, by)
        if x0 > cx1 or x1 < cx0 or y0 > cy1 or y1 < cy0:
            continue
        x0 = max(x0, cx0)
        x1 = min(x1, cx1)
        y0 = max(y0, cy0)
        y1 = min(y1, cy1)
        if x1 - x0 == y1 - y0 == 0:
            continue
        out.append((x0, y0, x1, y1, x1 - x0, y1 - y0))
    return out


def _path_segments(path: dict) -> list[tuple]:
    """A path's lines, boxes and quads as segments (``make_edges``; curves are not rulings)."""
    items = path["items"]
    if path.get("closePath") and items and items[0][0] == "l" and items[-1][0] == "l":
        items = [*items, ("l", items[-1][2], items[0][1])]
    segments = []
    for item in items:
        kind = item[0]
        if kind == "l":
            segments.append((item[1], item[2]))
        elif kind == "re":
            x0, y0, x1, y1 = item[1]
            x0, x1 = min(x0, x1), max(x0, x1)
            y0, y1 = min(y0, y1), max(y0, y1)
            width, height = x1 - x0, y1 - y0
            if width <= MIN_LENGTH and width < height:  # a thin box is a vertical line
                x = abs(x1 + x0) / 2
                segments.append(((x, y0), (x, y1)))
            elif height <= MIN_LENGTH and height < width:  # ... or a horizontal one
                y = abs(y1 + y0) / 2
                segments.append(((x0, y), (x1, y)))
            else:
                tl, tr, bl, br = (x0, y0), (x1, y0), (x0, y1), (x1, y1)
                segments += [(tl, bl), (bl, br), (br, tr), (tr, tl)]
        elif kind == "qu":
            ul, ur, ll, lr = item[1]
            segments += [(ul, ll), (ll, lr), (lr, ur), (ur, ul)]
    return segments


def _joined_boxes(drawings: list[dict], holds_char) -> list[tuple]:
    """``clean_graphics``: the drawings' boxes joined while they (almost) touch, the boxes holding a character.

    Greedy, in PyMuPDF's order (boxes by bottom then left; the first box takes every
    neighbour, scanning the rest from the end, until none is left): the result depends
    on that order. ``holds_char``: PyMuPDF's test of a box (TextProbe.holds_char).
    """
    s = SNAP
    rects = sorted({tuple(p["rect"]) for p in drawings}, key=lambda r: (r[3], r[0]))
    out = []
    while rects:
        ax0, ay0, ax1, ay1 = rects[0]
        repeat = True
        while repeat:
            repeat = False
            for i in range(len(rects) - 1, 0, -1):
                bx0, by0, bx1, by1 = rects[i]
                # are_neighbors: a corner coordinate of one within the other's range (± snap), both ways
                if (
                    ((bx0 - s <= ax0 <= bx1 + s) or (bx0 - s <= ax1 <= bx1 + s))
                    and ((by0 - s <= ay0 <= by1 + s) or (by0 - s <= ay1 <= by1 + s))
                ) or (
                    ((ax0 - s <= bx0 <= ax1 + s) or (ax0 - s <= bx1 <= ax1 + s))
                    and ((ay0 - s <= by0 <= ay1 + s) or (ay0 - s <= by1 <= ay1 + s))
                ):
                    ax0, ay0, ax1, ay1 = min(ax0, bx0, bx1), min(ay0, by0, by1), max(ax1, bx0, bx1), max(ay1, by0, by1)
                    del rects[i]
                    repeat = True
        if holds_char((ax0, ay0, ax1, ay1)):
            out.append((ax0, ay0, ax1, ay1))
        del rects[0]
    return out


def _merged_edges(edges: list[tuple]) -> tuple[list[tuple], list[tuple]]:
    """``merge_edges`` and the length filters: (horizontal, vertical) edges as (x0, top, x1, bottom, length).

    An edge is horizontal when its top equals its bottom. Edges shorter than 1 pt are
    dropped first; edges within 3 pt across are moved to their group's mean (summed in
    the edges' order: the float result must be PyMuPDF's); edges on one line within
    3 pt end to end are joined; then edges shorter than 3 pt are dropped.
    """
    vertical = [e for e in edges if e[1] != e[3] and e[5] >= 1]
    horizontal = [e for e in edges if e[1] == e[3] and e[4] >= 1]
    snapped_v = [(x0, top, x1, bottom, height) for x0, top, x1, bottom, _w, height in _snap(vertical, 0)]
    snapped_h = [(x0, top, x1, bottom, width) for x0, top, x1, bottom, width, _h in _snap(horizontal, 1)]
    joined_h = _join(snapped_h, key=1, start=0, end=2)
    joined_v = _join(snapped_v, key=0, start=1, end=3)
    return [e for e in joined_h if e[4] >= MIN_LENGTH], [e for e in joined_v if e[4] >= MIN_LENGTH]


def _snap(edges: list[tuple], axis: int) -> list[tuple]:
    """``snap_objects``: clusters of edges whose coordinate ``axis`` (0: x0, 1: top) chains within
    3 pt, each moved by (mean - own), in cluster order, each cluster in the edges' order."""
    values = sorted({e[axis] for e in edges})
    cluster_of: dict[float, int] = {}
    n, last = -1, None
    for v in values:
        if last is None or v > last + SNAP:
            n += 1
        cluster_of[v] = n
        last = v
    clusters: list[list[tuple]] = [[] for _ in range(n + 1)]
    for e in edges:
        clusters[cluster_of[e[axis]]].append(e)
    out = []
    for cluster in clusters:
        mean = sum(e[axis] for e in cluster) / len(cluster)
        for e in cluster:
            shift = mean - e[axis]
            if axis == 0:
                out.append((e[0] + shift, e[1], e[2] + shift, *e[3:]))
            else:
                out.append((e[0], e[1] + shift, e[2], e[3] + shift, *e[4:]))
    return out


def _join(edges: list[tuple], key: int, start: int, end: int) -> list[tuple]:
    """``join_edge_group`` per line (edges with the same ``key`` coordinate), lines in order:
    an edge starting within 3 pt of the previous one's end extends it (its length grows by
    the end's move, as PyMuPDF's ``resize_object`` computes it)."""
    out = []
    for _line, group in groupby(sorted(edges, key=lambda e: e[key]), key=lambda e: e[key]):
        joined: list[list] = []
        for e in sorted(group, key=lambda e: e[start]):
            if joined and e[start] <= joined[-1][end] + JOIN:
                last = joined[-1]
                if e[end] > last[end]:
                    if end == 2:  # horizontal: width = new x1 - x0
                        last[4] = e[end] - last[0]
                    else:  # vertical: height grows by the bottom's move
                        last[4] = last[4] + (e[end] - last[end])
                    last[end] = e[end]
            else:
                joined.append(list(e))
        out += [tuple(e) for e in joined]
    return out


def _corners(horizontal: list[tuple], vertical: list[tuple]) -> dict:
    """``edges_to_intersections``: (x, top) → (its vertical edges' boxes, its horizontal edges' boxes),
    where a vertical edge meets a horizontal one within 3 pt."""
    horizontal = sorted(horizontal, key=lambda e: (e[1], e[0]))
    tops = [e[1] for e in horizontal]
    corners: dict[tuple, tuple[set, set]] = {}
    for v in sorted(vertical, key=lambda e: (e[0], e[1])):
        x, vtop, vbottom = v[0], v[1], v[3]
        # a window a little wider than the test (floats), the test itself as PyMuPDF writes it
        for h in horizontal[bisect_left(tops, vtop - CROSS - 1e-6) : bisect_right(tops, vbottom + CROSS + 1e-6)]:
            if vtop <= h[1] + CROSS and vbottom >= h[1] - CROSS and h[0] - CROSS <= x <= h[2] + CROSS:
                point = (x, h[1])
                if point not in corners:
                    corners[point] = (set(), set())
                corners[point][0].add(v[:4])
                corners[point][1].add(h[:4])
    return corners


def cells_from_corners(corners: dict) -> list[tuple]:
    """``intersections_to_cells`` (pdfplumber's), the same cells in the same order.

    ``corners``: (x, top) → (boxes of its vertical edges, boxes of its horizontal edges).
    For each corner, in (x, top) order, the smallest cell it is the top-left corner of:
    the first corner below it (same x) and the first to its right (same top) joined to
    it by a drawn edge, whose bottom-right corner is a corner joined to both. The
    corners below and to the right come from the corner's column and row (not from a
    scan of all later corners).
    """
    points = sorted(corners)
    column: dict[float, list] = {}
    row: dict[float, list] = {}
    for pt in points:  # sorted: a column by top, a row by x
        column.setdefault(pt[0], []).append(pt)
        row.setdefault(pt[1], []).append(pt)
    place = {}  # corner → (its index in its column, its index in its row) + 1
    for points_on in (column, row):
        for on in points_on.values():
            for i, pt in enumerate(on):
                place[pt] = (*place.get(pt, ()), i + 1)

    # Joined by a drawn edge: a corner below (same x) by a vertical one, a corner to the right
    # (same top) by a horizontal one (pdfplumber's edge_connects, which tests both, reduces to that).
    cells = []
    for pt in points:
        after_below, after_right = place[pt]
        below = column[pt[0]][after_below:]
        right = row[pt[1]][after_right:]
        vertical, horizontal = corners[pt]
        cell = None
        for below_pt in below:
            if vertical.isdisjoint(corners[below_pt][0]):
                continue
            for right_pt in right:
                if horizontal.isdisjoint(corners[right_pt][1]):
                    continue
                corner = (right_pt[0], below_pt[1])
                edges = corners.get(corner)
                if (
                    edges is not None
                    and not edges[0].isdisjoint(corners[right_pt][0])
                    and not edges[1].isdisjoint(corners[below_pt][1])
                ):
                    cell = (pt[0], pt[1], corner[0], corner[1])
                    break
            if cell:
                break
        if cell:
            cells.append(cell)
    return cells


_FLOAT32_BOX = struct.Struct("ffff")


def table_groups(cells: list[tuple], text_over) -> list[list[tuple]]:
    """``cells_to_tables`` (PyMuPDF 1.28): the cells grouped into tables, without a Rect union per cell.

    Cells are grouped as PyMuPDF groups them (a cell sharing a corner with the group
    joins it); a group is dropped when its cells have one left or right edge only, or
    when no character that is not blank overlaps its box (``text_over(box)``, asked
    only if a group gets that far). PyMuPDF unions the cells into its box in MuPDF, whose coordinates
    are 32-bit floats: a box of two cells or more is rounded the same way before the test.
    """
    tables, remaining = [], list(cells)
    corners: set = set()
    current: list = []
    while remaining:
        count = len(current)
        for cell in list(remaining):
            x0, top, x1, bottom = cell
            cell_corners = ((x0, top), (x0, bottom), (x1, top), (x1, bottom))
            if not current or any(c in corners for c in cell_corners):
                corners.update(cell_corners)
                current.append(cell)
                remaining.remove(cell)
        if len(current) == count:
            tables.append(list(current))
            corners.clear()
            current.clear()
    if current:
        tables.append(list(current))
    kept = []
    for table in tables:
        if len({c[0] for c in table}) < 2 or len({c[2] for c in table}) < 2:
            continue
        box = (min(c[0] for c in table), min(c[1] for c in table),
               max(c[2] for c in table), max(c[3] for c in table))  # fmt: skip
        if len(table) > 1:
            box = _FLOAT32_BOX.unpack(_FLOAT32_BOX.pack(*box))
        if text_over(box):
            kept.append(table)
    return sorted(kept, key=lambda t: min((c[1], c[0]) for c in t))
