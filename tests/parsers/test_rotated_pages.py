"""Rotated PDF pages read upright: /Rotate 90, 180, 270, and content drawn sideways on the page.

The real file 15 (Jiangsu 2019 tables) stores every page as a landscape table on
portrait media with /Rotate 90. The other cases are made from the real Shanghai 2025
budget (03): each page turned with /Rotate, or turned and the rotation folded into
the content (sideways content on a page without /Rotate); both must read exactly as
the upright original.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from pathlib import Path

import pymupdf
import pytest
from pipeline_helpers import shared_folder

from dagster_project.parsers import parse_bytes, parse_file

ROOT = Path(__file__).resolve().parents[2]
SHARED = shared_folder("real").parent if shared_folder("real") else None
pytestmark = pytest.mark.skipif(SHARED is None, reason="../shared/real (published PDFs) not present")


@cache
def upright_03():
    return parse_file(SHARED / "real/03_sh_putuo_shangwuwei_2025_dept_budget.pdf", "03.pdf")


def cells(result):
    return [
        (c.table_seq, c.row_seq, c.side, c.measure, c.subject_code, c.subject_name, c.amount)
        for c in result.budget_cells
    ]


@pytest.mark.parametrize("rotation", [90, 180, 270])
@pytest.mark.parametrize("folded", [False, True], ids=["rotate_flag", "sideways_content"])
def test_turned_pages_read_as_the_upright_original(rotation, folded):
    doc = pymupdf.open(SHARED / "real/03_sh_putuo_shangwuwei_2025_dept_budget.pdf")
    for page in doc:
        page.set_rotation(rotation)
        if folded:
            page.remove_rotation()  # /Rotate 0, the text now drawn sideways or upside down
    turned = parse_bytes(doc.tobytes(), "03.pdf")
    original = upright_03()
    assert len(original.budget_cells) == 287
    assert [t.table_title for t in turned.budget_tables] == [t.table_title for t in original.budget_tables]
    assert cells(turned) == cells(original)
    assert [(n.subject_name, n.amount) for n in turned.narrative_amounts] == [
        (n.subject_name, n.amount) for n in original.narrative_amounts
    ]


def test_jiangsu_tables_stored_with_rotate_90():
    r = parse_file(SHARED / "real_templates/15_jiangsu_renda_2019_dept_budget_tables.pdf", "15.pdf")
    titles = [t.table_title for t in r.budget_tables]
    assert titles[:4] == ["收支预算总表", "收入预算总表", "支出预算总表", "财政拨款收支预算总表"]
    econ = {
        c.subject_code: (c.subject_name, c.amount)
        for c in r.budget_cells
        if "经济科目" in r.budget_tables[c.table_seq - 1].table_title
    }
    assert econ["301"] == ("工资福利支出", Decimal("6481.41"))
    assert econ["30101"] == ("基本工资", Decimal("1258.23"))
    # every line is on its page, read left to right (the caption band's lines are text lines)
    texts = [s.text for s in r.source_lines if s.page_no == 1 and s.text]
    assert texts[:2] == ["收支预算总表", "公开表一"]
