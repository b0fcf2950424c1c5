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


def test_failing_rows_index_columns_are_listed_a_column_at_a_time_as_gx_lists_them_cell_by_cell():
    import pandas as pd
    import pyarrow as pa

    from expectations import gx_import
    from expectations.result_format import RESULT_FORMAT

    gx_run = gx_import.load()
    gx_map = gx_run.gx_map  # GX's module that computes the failing rows' index lists
    rows = pa.table({"source_file": ["a.txt", "b.txt", "b.txt"], "line_no": pa.array([3, None, 7], pa.int32()),
                     "check_row": pa.array([11, 12, 13], pa.int64()), "observed": ["x", "y", "z"]})
    frame = rows.to_pandas(types_mapper=pd.ArrowDtype)
    frame.index = pd.RangeIndex(200_000, 200_003)  # a second chunk's row numbers
    failing = frame[pd.Series([True, True, False], index=frame.index)]
    args = {"domain_records_df": failing, "expectation_domain_column_list": ["observed"], "result_format": RESULT_FORMAT,
            "execution_engine": None, "metrics": {"table.columns": list(frame.columns)}}
    gx_indices = gx_map.compute_unexpected_pandas_indices
    gx_own = gx_indices(**args)
    with gx_run._indices_by_column():
        by_column = gx_map.compute_unexpected_pandas_indices(**args)
    assert gx_map.compute_unexpected_pandas_indices is gx_indices  # GX's own again after the block
    assert by_column == gx_own == [{"source_file": ["a.txt", "b.txt"], "line_no": [3, pd.NA], "check_row": [11, 12]}]
    with gx_run._indices_by_column():  # no failing row: GX's own answer
        assert gx_map.compute_unexpected_pandas_indices(**{**args, "domain_records_df": frame.iloc[:0]}) == []


def test_a_chunks_fingerprint_hashing_decimals_by_distinct_value_is_gx_own():
    from decimal import Decimal

    import pandas as pd
    import pyarrow as pa

    from expectations import gx_import

    gx_run = gx_import.load()
    money = pa.decimal128(18, 2)
    rows = pa.table(
        {
            "check_row": pa.array([1, 2, 3, 4], pa.int64()),
            "source_file": ["a.txt", "a.txt", None, "b.txt"],
            "expected": pa.array([Decimal("1.50"), None, Decimal("-0.20"), Decimal("1.50")], money),
            "observed": pa.array([None] * 4, money),  # a missing value only: no distinct value to hash
        }
    )
    frames = [
        rows.to_pandas(types_mapper=pd.ArrowDtype),
        rows.slice(0, 0).to_pandas(types_mapper=pd.ArrowDtype),
    ]
    gx_prints = [gx_run.gx_pandas.hash_pandas_dataframe(frame) for frame in frames]
    with gx_run._decimals_by_distinct_value():
        prints = [gx_run.gx_pandas.hash_pandas_dataframe(frame) for frame in frames]
    assert prints == gx_prints and gx_prints[0] != gx_prints[1]
    # each row's hash, not only the fingerprint: equal amounts hash alike, a missing one as pandas marks it
    column = frames[0]["expected"].array
    with gx_run._decimals_by_distinct_value():
        ours = pd.util.hash_array(column)
    assert list(ours) == list(pd.util.hash_array(column))
    assert ours[0] == ours[3] and ours[1] == 2**64 - 1
