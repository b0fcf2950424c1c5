"""A parsed file as Arrow arrays: what a parse worker sends the loader.

The parser's records (a frozen object per line and per cell) used to travel to the loading
process pickled, and the loader unpickled them and turned them back into rows (record_frame):
~3.5 µs of its CPU a row, beside the two parse workers on a 2-core machine (issue 22). A
worker now packs its file's columns into three Arrow arrays (text, integers, amounts) and
sends those buffers; the loader slices each table's columns out of them (no copy) and
inserts every file of a batch at once.

Values are what record_frame made of them: text and integers as they are, an amount exactly
at 6 decimal places, or, when it has more places or 18 digits before the point, as Polars'
decimal(24, 6) stored it (rounded half to even; null when too large).
"""

from __future__ import annotations

import contextlib
import dataclasses
import operator
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, ROUND_HALF_EVEN, Context, Decimal
from functools import cached_property
from itertools import accumulate

import numpy as np
import polars as pl
import pyarrow as pa

from .parsers.frozen import RecordColumns
from .parsers.records import (
    BudgetCell,
    BudgetTable,
    FundRow,
    IndicatorRow,
    IndicatorValue,
    LineDisposition,
    NarrativeAmount,
    NarrativeChange,
    ParseIssue,
    ParseResult,
    Report,
    SourceLine,
)

# raw table ← ParseResult attribute ← record type
RAW_TABLES: dict[str, tuple[str, type]] = {
    "reports": ("reports", Report),
    "fund_rows": ("fund_rows", FundRow),
    "indicators": ("indicators", IndicatorRow),
    "indicator_values": ("indicator_values", IndicatorValue),
    "budget_tables": ("budget_tables", BudgetTable),
    "budget_cells": ("budget_cells", BudgetCell),
    "narrative_amounts": ("narrative_amounts", NarrativeAmount),
    "narrative_changes": ("narrative_changes", NarrativeChange),
    "parse_issues": ("issues", ParseIssue),
    "line_accounting": ("lines", LineDisposition),
    "source_lines": ("source_lines", SourceLine),
}


def _polars_type(annotation: str) -> pl.DataType:
    if "Decimal" in annotation:
        return pl.Decimal(24, 6)
    if annotation.startswith("int"):
        return pl.Int64
    return pl.String


def _schema(record_type: type) -> dict[str, pl.DataType]:
    return {f.name: _polars_type(str(f.type)) for f in dataclasses.fields(record_type)}


def record_frame(records: Iterable, record_type: type) -> pl.DataFrame:
    """Records of one type → a Polars frame with one column per dataclass field."""
    schema = _schema(record_type)
    # attrgetter is ~30x faster than dataclasses.astuple (no deep copy) on millions of records.
    row_of = operator.attrgetter(*schema)
    return pl.DataFrame([row_of(r) for r in records], schema=schema, orient="row")


# Polars type → the Arrow type of record_frame's frames
_ARROW = {pl.Decimal(24, 6): pa.decimal128(24, 6), pl.Int64: pa.int64(), pl.String: pa.large_string()}
SCHEMAS: dict[str, pa.Schema] = {
    table: pa.schema((name, _ARROW[dtype]) for name, dtype in _schema(record_type).items())
    for table, (_, record_type) in RAW_TABLES.items()
}
PACKED_TYPES = tuple(_ARROW.values())  # a ParsedFile's arrays, in this order
# Each table's columns as (name, index of its type in PACKED_TYPES): plain Python, because hashing a
# pyarrow type costs ~250 ns and a Field's .name/.type make a new object on each access (it added up to
# ~0.5 ms a file in the loader: ~100 columns a file).
_COLUMNS: dict[str, tuple[tuple[str, int], ...]] = {
    table: tuple((f.name, PACKED_TYPES.index(f.type)) for f in schema) for table, schema in SCHEMAS.items()
}
_KINDS: dict[str, tuple[int, ...]] = {table: tuple(k for _, k in cols) for table, cols in _COLUMNS.items()}
# Each table's record → the tuple of its column values (every table has several columns: a tuple)
_FIELDS = {table: operator.attrgetter(*(name for name, _ in cols)) for table, cols in _COLUMNS.items()}


@dataclass(frozen=True)
class ParsedFile:
    """One file's parse as the loader needs it: its rows as a few Arrow arrays.

    Every column of every table, in RAW_TABLES and then field order (tables without rows left
    out), is a stretch of the array of its type in `packed`: one Arrow conversion per type and
    file, not per column (pyarrow costs ~5-10 µs a call, and a file has ~100 columns, most short).
    """

    source_file: str
    families: list[str]
    line_count: int
    issues: list[ParseIssue]  # its first error only, if any (file_faults.keeps_previous, kept_issue)
    rows: dict[str, int]  # raw table → the file's rows in it; tables without rows left out
    packed: tuple[pa.Array, ...]  # one array per type of PACKED_TYPES

    @property
    def nbytes(self) -> int:
        return sum(array.nbytes for array in self.packed)

    @cached_property
    def _starts(self) -> dict[str, list[int]]:
        """Where each table's columns start in `packed`, worked out once for all its tables."""
        at = [0] * len(PACKED_TYPES)
        starts = {}
        for table, n in self.rows.items():
            starts[table] = table_starts = []
            for k in _KINDS[table]:
                table_starts.append(at[k])
                at[k] += n
        return starts


DECIMAL = pa.decimal128(24, 6)
_MICRO = Decimal("0.000001")
_CONTEXT = Context(prec=40)  # quantize's result has at most 24 digits: never the caller's context


# A column whose values are all of its type (or None) is built by pa.array, in C (~6x faster than a
# Python pass per value for text), once pandas is loaded: pa.array imports it on its first call
# (0.3 CPU s), so the loader imports it before it starts the workers when a load is big enough to
# pay for it (loading.py), and they inherit it. Any other column takes the exact path below, from the
# buffers (numpy), which keeps what record_frame made of odd values (a bool as an integer, a float
# refused, an amount rounded). Never Polars in a worker: its thread pool does not survive the fork
# that starts a worker (an operation that uses it waits forever).


def _validity(values: list) -> pa.Buffer | None:
    """Arrow's validity bitmap (bit i set: values[i] is not None); None when every value is set."""
    valid = np.fromiter((v is not None for v in values), bool, len(values))
    return None if valid.all() else pa.py_buffer(np.packbits(valid, bitorder="little"))


_NONE = type(None)


def _pandas_loaded() -> bool:
    return "pandas" in sys.modules


def _all_of(values: list, kind: type) -> bool:
    """May pa.array build this column: pandas loaded, and every value of this type or None."""
    return _pandas_loaded() and set(map(type, values)) <= {kind, _NONE}


# Errors of Arrow's type inference on values of no one type (then the exact path decides)
_MIXED = (pa.ArrowException, TypeError, ValueError, OverflowError)


def _strings(values: list) -> pa.Array:
    if _pandas_loaded():
        # Arrow's inference checks each value's type in C while it builds: text (or None) only comes
        # out as string, bytes as binary, any mix as another type or an error. A pass of type checks
        # in Python first (_all_of) cost a third of the build (~0.2 CPU s per 1,000 files).
        with contextlib.suppress(*_MIXED):
            array = pa.array(values)
            if isinstance(array, pa.Array) and array.type in (pa.string(), pa.null()):
                return array.cast(pa.large_string())
    data = [b"" if v is None else v.encode() for v in values]
    offsets = np.fromiter(accumulate(map(len, data), initial=0), np.int64, len(data) + 1)
    buffers = [_validity(values), pa.py_buffer(offsets), pa.py_buffer(b"".join(data))]
    return pa.Array.from_buffers(pa.large_string(), len(values), buffers)


_INT_TYPES = {int, bool, type(None)}


def _ints(values: list) -> pa.Array:
    if _all_of(values, int):  # never a bool or a float: pa.array would truncate 1.5 to 1
        return pa.array(values, pa.int64())
    if not set(map(type, values)) <= _INT_TYPES:  # numpy would make 1.5 a 1 and "12" a 12: refused
        bad = next(v for v in values if type(v) not in _INT_TYPES)
        raise TypeError(f"not an integer in an integer column: {bad!r}")
    data = np.fromiter((0 if v is None else v for v in values), np.int64, len(values))
    return pa.Array.from_buffers(pa.int64(), len(values), [_validity(values), pa.py_buffer(data)])


def _as_record_frame_stores(value: Decimal | None) -> str | None:
    """What Polars' Decimal(24, 6) (record_frame) makes of a value: rounded half to even to 6
    places, and nothing (null) from 10^18 up."""
    if value is None or value.adjusted() >= 18:
        return None
    rounded = value.quantize(_MICRO, ROUND_HALF_EVEN, _CONTEXT)
    return None if rounded.adjusted() >= 18 else str(rounded)


def _decimals(values: list) -> pa.Array:
    if _all_of(values, Decimal):
        with contextlib.suppress(pa.ArrowInvalid):  # refuses to round: then as below
            return pa.array(values, DECIMAL)
    if set(map(type, values)) <= {Decimal, _NONE} and all(v.is_finite() for v in values if v is not None):
        return _decimals_from_ints(values)
    try:  # the printed text, exactly: Arrow's cast refuses to round
        return _strings([None if v is None else str(v) for v in values]).cast(DECIMAL)
    except pa.ArrowInvalid:  # a value of more than 6 places or 18 digits before the point
        return _strings([_as_record_frame_stores(v) for v in values]).cast(DECIMAL)


# Exact: scaleb and to_integral_value never round under it (a value's digits are kept whole).
_EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN)
_LIMIT = 10**24  # decimal(24, 6): at most 24 digits in all


def _exact_units(value: Decimal) -> int | None:
    """value in millionths, when it is a whole number of them within 24 digits (what Arrow's cast
    of its text accepts), else None."""
    units = value.scaleb(6, _EXACT)
    if units != units.to_integral_value(context=_EXACT) or abs(units) >= _LIMIT:
        return None
    return int(units)


def _decimals_from_ints(values: list[Decimal | None]) -> pa.Array:
    """What the cast of the values' text below makes of finite Decimals, built from their integers
    in millionths: no Arrow cast, whose first use imports pyarrow.compute (~0.03 CPU s in each
    parse worker that a one-file load starts; pa.array would import pandas)."""
    units = [None if v is None else _exact_units(v) for v in values]
    if any(u is None for u, v in zip(units, values) if v is not None):  # the cast refused one: all rounded
        rounded = [_as_record_frame_stores(v) for v in values]
        units = [None if r is None else int(Decimal(r).scaleb(6, _EXACT)) for r in rounded]
    data = b"".join((0 if u is None else u).to_bytes(16, "little", signed=True) for u in units)
    return pa.Array.from_buffers(DECIMAL, len(values), [_validity(units), pa.py_buffer(data)])


_BUILD = {pa.large_string(): _strings, pa.int64(): _ints, DECIMAL: _decimals}


def _pack(tables: dict[str, Sequence]) -> tuple[pa.Array, ...]:
    values: list[list] = [[] for _ in PACKED_TYPES]
    for table, records in tables.items():
        if isinstance(records, RecordColumns):  # the per-line tables: already a list per field
            for name, k in _COLUMNS[table]:
                values[k] += records.columns[name]
            continue
        # All of a record's fields in one call, turned into columns by zip in C: fewer calls than
        # a pass over the records per field.
        for (_, k), column in zip(_COLUMNS[table], zip(*map(_FIELDS[table], records)), strict=True):
            values[k] += column
    return tuple(_BUILD[t](v) for t, v in zip(PACKED_TYPES, values))


def to_parsed_file(result: ParseResult) -> ParsedFile:
    tables = {table: records for table, (attr, _) in RAW_TABLES.items() if (records := getattr(result, attr))}
    packed = _pack(tables)
    first_error = next((i for i in result.issues if i.severity == "error"), None)
    return ParsedFile(result.source_file, list(result.families), result.line_count,
                      [first_error] if first_error else [], {t: len(r) for t, r in tables.items()}, packed)  # fmt: skip


def table_of(files: Iterable[ParsedFile], table: str) -> pa.Table:
    """The rows of one raw table over these files, each column one contiguous array.

    Copied once here: DuckDB inserts a table of a few large chunks in under half the CPU it
    spends on one small chunk per file (issue 22, the loading process).
    """
    kinds = _KINDS[table]
    columns: list[list[pa.Array]] = [[] for _ in kinds]
    for f in files:
        if (n := f.rows.get(table)) is not None:
            for column, k, at in zip(columns, kinds, f._starts[table]):
                column.append(f.packed[k].slice(at, n))
    if not columns[0]:  # not schema.empty_table(): it imports pandas (0.3 CPU s on one new file's path)
        return pa.Table.from_arrays([pa.nulls(0, f.type) for f in SCHEMAS[table]], schema=SCHEMAS[table])
    return pa.Table.from_arrays([pa.concat_arrays(column) for column in columns], schema=SCHEMAS[table])
