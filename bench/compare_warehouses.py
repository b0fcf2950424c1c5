"""Compare two built warehouses table by table, each table as a multiset of rows.

    python -m bench.compare_warehouses A.duckdb B.duckdb [--schemas raw marts quality] [--sample 3] [--ignore COLUMN ...]

The safety net for changes that must not change what a run loads (issue 19 item 4): build the
same raw folder at two commits, then compare. Per table: rows only in A, rows only in B
(duplicates counted: ``except all``), a few of each as a sample; tables and columns present in
one file only are listed too. Run metadata (``loaded_at``: when a file was loaded) is left out
of the rows compared. Exit status 1 when anything differs.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

RUN_METADATA = frozenset({"loaded_at"})  # differs between any two builds of the same files


@dataclass
class TableDiff:
    table: str
    rows_a: int
    rows_b: int
    only_a: int = 0
    only_b: int = 0
    sample_a: list[tuple] = field(default_factory=list)
    sample_b: list[tuple] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)  # the columns compared
    columns_only_a: list[str] = field(default_factory=list)
    columns_only_b: list[str] = field(default_factory=list)

    @property
    def same(self) -> bool:
        return not (self.only_a or self.only_b or self.columns_only_a or self.columns_only_b)


@dataclass
class Comparison:
    tables: list[TableDiff]
    tables_only_a: list[str]
    tables_only_b: list[str]

    @property
    def same(self) -> bool:
        return not self.tables_only_a and not self.tables_only_b and all(t.same for t in self.tables)


def _columns(con: duckdb.DuckDBPyConnection, db: str, schemas: tuple[str, ...]) -> dict[str, list[str]]:
    """table ("schema.name") → its columns in order, for the base tables and views of ``schemas``."""
    rows = con.execute(
        "select table_schema, table_name, column_name from information_schema.columns "
        "where table_catalog = ? and list_contains(?, table_schema) order by table_schema, table_name, ordinal_position",
        [db, list(schemas)],
    ).fetchall()
    out: dict[str, list[str]] = {}
    for schema, name, column in rows:
        out.setdefault(f"{schema}.{name}", []).append(column)
    return out


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def compare(path_a: Path, path_b: Path, schemas: tuple[str, ...] = ("raw", "marts", "quality"),
            sample: int = 3, ignore: frozenset[str] | set[str] = RUN_METADATA) -> Comparison:
    con = duckdb.connect()
    try:
        con.execute(f"attach {_sql_text(str(path_a))} as a (read_only)")
        con.execute(f"attach {_sql_text(str(path_b))} as b (read_only)")
        cols_a, cols_b = _columns(con, "a", schemas), _columns(con, "b", schemas)
        diffs = []
        for table in sorted(cols_a.keys() & cols_b.keys()):
            common = [c for c in cols_a[table] if c in cols_b[table] and c not in ignore]
            schema, name = table.split(".")
            ref = f"{_quoted(schema)}.{_quoted(name)}"
            select = ", ".join(_quoted(c) for c in common)
            d = TableDiff(
                table,
                rows_a=con.execute(f"select count(*) from a.{ref}").fetchone()[0],
                rows_b=con.execute(f"select count(*) from b.{ref}").fetchone()[0],
                columns=common,
                columns_only_a=[c for c in cols_a[table] if c not in cols_b[table] and c not in ignore],
                columns_only_b=[c for c in cols_b[table] if c not in cols_a[table] and c not in ignore],
            )
            if common:
                for side, this, other in (("a", "a", "b"), ("b", "b", "a")):
                    query = f"select {select} from {this}.{ref} except all select {select} from {other}.{ref}"
                    count = con.execute(f"select count(*) from ({query})").fetchone()[0]
                    rows = con.execute(f"{query} limit {int(sample)}").fetchall() if count else []
                    setattr(d, f"only_{side}", count)
                    setattr(d, f"sample_{side}", rows)
            diffs.append(d)
        return Comparison(diffs, sorted(cols_a.keys() - cols_b.keys()), sorted(cols_b.keys() - cols_a.keys()))
    finally:
        con.close()


def _sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def report(c: Comparison, out=sys.stdout) -> None:
    for table in c.tables_only_a:
        print(f"{table}: only in A", file=out)
    for table in c.tables_only_b:
        print(f"{table}: only in B", file=out)
    for d in c.tables:
        status = "same" if d.same else "DIFFERS"
        print(f"{d.table}: {status} (A {d.rows_a} rows, B {d.rows_b}; only in A {d.only_a}, only in B {d.only_b})",
              file=out)
        for side in ("a", "b"):
            columns = getattr(d, f"columns_only_{side}")
            if columns:
                print(f"  columns only in {side.upper()}: {', '.join(columns)}", file=out)
        for side in ("a", "b"):
            for row in getattr(d, f"sample_{side}"):
                print(f"  only in {side.upper()}: {dict(zip(d.columns, row, strict=True))}", file=out)
    print("identical" if c.same else "DIFFERENT", file=out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("a", type=Path)
    parser.add_argument("b", type=Path)
    parser.add_argument("--schemas", nargs="+", default=["raw", "marts", "quality"])
    parser.add_argument("--sample", type=int, default=3, help="rows shown per side of a differing table")
    parser.add_argument("--ignore", nargs="+", default=[],
                        help="further columns left out (e.g. a key whose scheme changed between the builds)")
    args = parser.parse_args(argv)
    c = compare(args.a, args.b, tuple(args.schemas), args.sample, RUN_METADATA | set(args.ignore))
    report(c)
    return 0 if c.same else 1


if __name__ == "__main__":
    sys.exit(main())
