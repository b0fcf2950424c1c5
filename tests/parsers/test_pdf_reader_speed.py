"""The PDF reader's faster table finder finds what PyMuPDF's own finds.

readers/pdf.py replaces ``pymupdf.table.make_chars`` (the finder's list of the page's
characters) by one built without a PyMuPDF object per character, from a text page
made without style collection, holding only the keys the line finder reads (its box
in both spaces and its text; "bold", the style and the font only serve the header
guess and the cell text, which the reader does not ask for). On those keys the two
lists must hold the same characters on real pages:
upright Shanghai pages and the Jiangsu pages stored with /Rotate 90 (read after the
rotation is folded into the content); and the tables found must be the same.
"""

from __future__ import annotations

import pymupdf
import pytest
from pipeline_helpers import shared_folder
from pymupdf import table as pymupdf_table

from dagster_project.parsers.readers import pdf, pdf_tables

SHARED = shared_folder("real").parent if shared_folder("real") else None
pytestmark = pytest.mark.skipif(SHARED is None, reason="../shared/real (published PDFs) not present")


def finder_chars(make_chars, page) -> list[dict]:
    """The characters the finder gets, made as find_tables makes them (small glyph heights)."""
    pymupdf_table._CHARS_VAR.set([])
    small = bool(pymupdf.TOOLS.set_small_glyph_heights())
    pymupdf.TOOLS.set_small_glyph_heights(True)
    try:
        make_chars(page)
    finally:
        pymupdf.TOOLS.set_small_glyph_heights(small)
    return sorted(tuple(c[key] for key in FINDER_KEYS) for c in pymupdf_table.CHARS)


FINDER_KEYS = ("top", "x0", "bottom", "x1", "y0", "y1", "text")


@pytest.mark.parametrize(
    "name",
    ["real/03_sh_putuo_shangwuwei_2025_dept_budget.pdf", "real_templates/15_jiangsu_renda_2019_dept_budget_tables.pdf"],
)
def test_character_list_equals_pymupdfs(name):
    doc = pymupdf.open(SHARED / name)
    lean = pdf._table_chars(pymupdf_table, pymupdf_table.make_chars)
    compared = 0
    for page in doc:
        if page.rotation:
            page.remove_rotation()
        ours, theirs = finder_chars(lean, page), finder_chars(pymupdf_table.make_chars, page)
        assert ours == theirs, (name, page.number)
        compared += len(ours)
    assert compared > 3000


def test_tables_found_are_pymupdfs():
    """Same tables, cell for cell, with and without the lean finder (every page of 03)."""
    doc = pymupdf.open(SHARED / "real/03_sh_putuo_shangwuwei_2025_dept_budget.pdf")
    cells = 0
    for page in doc:
        drawings = page.get_drawings()
        if not drawings:
            continue
        plain = [t.cells for t in page.find_tables().tables]
        with pdf._lean_table_finder():
            lean = [t.cells for t in page.find_tables(paths=drawings).tables]
        assert plain == lean, page.number
        cells += sum(len(t) for t in plain)
    assert cells > 1000


def test_cells_from_intersections_are_pymupdfs():
    """The lean cell search gives PyMuPDF's cells, in its order, on every ruled page of 15;
    the lean grouping of cells into tables gives PyMuPDF's tables (text probe included).
    (The reader's own finder shares both; test_own_finder_finds_pymupdfs_tables runs it on 03 too.)"""
    cells = tables = 0
    lean_tables = pdf._cells_to_tables(pymupdf_table)
    for name in ("real_templates/15_jiangsu_renda_2019_dept_budget_tables.pdf",):
        for page in pymupdf.open(SHARED / name):
            if page.rotation:
                page.remove_rotation()
            if not page.get_drawings():
                continue
            finder = page.find_tables()  # PyMuPDF's own, unpatched
            assert pdf._intersections_to_cells(finder.intersections) == finder.cells, (name, page.number)
            cells += len(finder.cells)
            theirs = pymupdf_table.cells_to_tables(page, finder.cells)  # CHARS: this page's, from find_tables
            assert lean_tables(page, finder.cells) == theirs, (name, page.number)
            tables += len(theirs)
    assert cells == 742
    assert tables == 13  # one per ruled table page


@pytest.mark.parametrize(
    "name, tables, cells",
    [
        ("real/03_sh_putuo_shangwuwei_2025_dept_budget.pdf", 13, 1_250),
        ("real_templates/15_jiangsu_renda_2019_dept_budget_tables.pdf", 13, 742),
    ],
)
def test_own_finder_finds_pymupdfs_tables(name, tables, cells):
    """readers/pdf_tables.py (the reader's own finder, over get_cdrawings) finds PyMuPDF's tables:
    the same cells in the same order, the same boxes and rows, on every page (Shanghai pages
    upright, Jiangsu pages stored with /Rotate 90, read after the rotation is folded in)."""
    found = []
    for page in pymupdf.open(SHARED / name):
        if page.rotation:
            page.remove_rotation()
        theirs = [(t.cells, t.bbox, [r.cells for r in t.rows]) for t in page.find_tables().tables]  # unpatched
        ours = [(t.cells, t.bbox, [r.cells for r in t.rows]) for t in pdf_tables.find_tables(page, page.get_cdrawings())]
        assert ours == theirs, (name, page.number)
        found += ours
    assert (len(found), sum(len(t[0]) for t in found)) == (tables, cells)


@pytest.mark.parametrize(
    "name, tables, fallbacks",
    [
        ("real_templates/13_jiangsu_jianchayuan_2018_dept_budget.pdf", 20, 9),
        ("real_templates/15_jiangsu_renda_2019_dept_budget_tables.pdf", 13, 0),
    ],
)
def test_finder_text_tests_from_the_readers_characters(name, tables, fallbacks, monkeypatch):
    """The finder's two text tests answered from the reader's own characters (TextProbe) give
    the tables its own characters give, on every page; the finder's text page is made only
    where a character lies near a box's border (``fallbacks`` pages)."""
    made = []
    exact = pdf_tables.TextProbe.exact
    monkeypatch.setattr(pdf_tables.TextProbe, "exact", lambda probe: made.append(probe) or exact(probe))
    found = []
    for page in pymupdf.open(SHARED / name):
        if page.rotation:
            page.remove_rotation()
        drawings = page.get_cdrawings()
        text = page.get_text("rawdict", flags=pymupdf.TEXTFLAGS_TEXT)
        ours = [(t.cells, t.bbox) for t in pdf_tables.find_tables(page, drawings, text)]
        probes = len(made)
        theirs = [(t.cells, t.bbox) for t in pdf_tables.find_tables(page, drawings)]  # its own characters
        del made[probes:]
        assert ours == theirs, (name, page.number)
        found += ours
    assert (len(found), len({id(p) for p in made})) == (tables, fallbacks)
