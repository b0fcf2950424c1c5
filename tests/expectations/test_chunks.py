"""A rule's check rows reach GX a chunk at a time (expectations/chunks.py)."""

from __future__ import annotations

import duckdb

from expectations.chunks import _joined, arrow_chunks


def test_rows_come_in_chunks_in_order_and_an_empty_model_still_gives_one_table():
    con = duckdb.connect()
    chunks = list(arrow_chunks(con, "SELECT range AS check_row FROM range(10) ORDER BY 1", 4))
    assert [c.num_rows for c in chunks] == [4, 4, 2]
    assert [v for c in chunks for v in c.column("check_row").to_pylist()] == list(range(10))
    (empty,) = arrow_chunks(con, "SELECT range AS check_row FROM range(0)", 4)
    assert empty.num_rows == 0 and empty.column_names == ["check_row"]


def test_failing_rows_of_chunks_join_as_gx_lists_them():
    # index columns only: one dict holding each column's values, joined column by column
    by_column = [[{"check_row": [1, 2], "line_no": [5, 6]}], [], [{"check_row": [9], "line_no": [30]}]]
    assert _joined(by_column) == [{"check_row": [1, 2, 9], "line_no": [5, 6, 30]}]
    # one dict per failing row: listed in order
    per_row = [[{"check_row": 1}], [{"check_row": 9}, {"check_row": 12}]]
    assert _joined(per_row) == [{"check_row": 1}, {"check_row": 9}, {"check_row": 12}]
