"""bench.compare_warehouses on two tiny DuckDB files built here: rows as multisets, run metadata left out."""

from __future__ import annotations

import io

import duckdb

from bench.compare_warehouses import compare, main, report


def _warehouse(path, rows, extra_table: bool = False, extra_column: bool = False) -> None:
    con = duckdb.connect(str(path))
    con.execute("create schema raw")
    con.execute(f"create table raw.t (id integer, v varchar, loaded_at timestamp{', note varchar' if extra_column else ''})")
    for i, (id_, v) in enumerate(rows):
        con.execute(f"insert into raw.t (id, v, loaded_at) values (?, ?, timestamp '2026-01-01' + interval {i} minute)",
                    [id_, v])
    con.execute("create schema marts")
    con.execute("create table marts.same as select 1 as n")
    if extra_table:
        con.execute("create table marts.extra as select 1 as n")
    con.close()


def test_rows_only_in_each_side_counted_with_duplicates(tmp_path):
    a, b = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    _warehouse(a, [(1, "x"), (2, "y"), (2, "y")], extra_table=True)
    _warehouse(b, [(2, "y"), (1, "x"), (3, "z")], extra_column=True)  # other order, other loaded_at
    c = compare(a, b)
    assert (c.tables_only_a, c.tables_only_b) == (["marts.extra"], [])
    same, t = c.tables
    assert (same.table, same.same) == ("marts.same", True)
    assert (t.table, t.rows_a, t.rows_b, t.only_a, t.only_b) == ("raw.t", 3, 3, 1, 1)
    assert (t.sample_a, t.sample_b, t.columns) == ([(2, "y")], [(3, "z")], ["id", "v"])
    assert (t.columns_only_a, t.columns_only_b) == ([], ["note"])
    out = io.StringIO()
    report(c, out)
    assert out.getvalue().splitlines() == [
        "marts.extra: only in A",
        "marts.same: same (A 1 rows, B 1; only in A 0, only in B 0)",
        "raw.t: DIFFERS (A 3 rows, B 3; only in A 1, only in B 1)",
        "  columns only in B: note",
        "  only in A: {'id': 2, 'v': 'y'}",
        "  only in B: {'id': 3, 'v': 'z'}",
        "DIFFERENT",
    ]


def test_same_rows_loaded_at_other_times_are_identical(tmp_path):
    a, b = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    _warehouse(a, [(1, "x"), (2, "y")])
    _warehouse(b, [(2, "y"), (1, "x")])
    assert compare(a, b).same
    assert main([str(a), str(b)]) == 0


def test_ignored_columns_left_out(tmp_path):
    a, b = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    _warehouse(a, [(1, "x"), (2, "y")])
    _warehouse(b, [(1, "x"), (2, "z")])
    assert main([str(a), str(b)]) == 1
    assert main([str(a), str(b), "--ignore", "v"]) == 0
