"""The PDF reader's faster table finder finds what PyMuPDF's own finds.

readers/pdf.py replaces ``pymupdf.table.make_chars`` (the finder's list of the page's
characters) by one built without a PyMuPDF object per character, from a text page
made without style collection. The two lists must be equal, dict for dict, on real
pages, but for "bold" (read only by the header guess the reader switches off):
upright Shanghai pages and the Jiangsu pages stored with /Rotate 90 (read after the
rotation is folded into the content); and the tables found must be the same.
"""

from __future__ import annotations

import pymupdf
import pytest
from pipeline_helpers import shared_folder
from pymupdf import table as pymupdf_table

from dagster_project.parsers.readers import pdf

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
    return [{key: value for key, value in c.items() if key != "bold"} for c in pymupdf_table.CHARS]


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
    """The lean cell search gives PyMuPDF's cells, in its order, on every ruled page of 01 and 15."""
    cells = 0
    for name in ("real/01_sh_putuo_wanli_jiedao_2023_dept_budget.pdf", "real_templates/15_jiangsu_renda_2019_dept_budget_tables.pdf"):
        for page in pymupdf.open(SHARED / name):
            if page.rotation:
                page.remove_rotation()
            if not page.get_drawings():
                continue
            finder = page.find_tables()  # PyMuPDF's own, unpatched
            assert pdf._intersections_to_cells(finder.intersections) == finder.cells, (name, page.number)
            cells += len(finder.cells)
    assert cells > 3000
