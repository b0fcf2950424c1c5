"""A report table's cells: their amounts, and rows aligned under the header's columns."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from decimal import Decimal
from functools import lru_cache

from ..amounts import parse_amount
from ..grid import header_columns, line_rows, map_columns
from ..text import Line, value_or_none


@lru_cache(maxsize=1024)  # weights and scores repeat (10.00, 100.00) over every report
def cell_amount(cell: str | None) -> Decimal | None:
    """A weight, score or amount cell's number as printed (None when blank or unreadable)."""
    # most weight/score/amount cells are plain numbers and need no cleaning (parse_amount's fast path)
    value = parse_amount(cell)
    return value if value is not None else parse_amount(value_or_none(cell))


@lru_cache(maxsize=1024)  # a document repeats its header rows: each is mapped once
def header_fields(cells: tuple[str, ...], field_of: Callable[[str], str | None]) -> tuple[tuple[str, int], ...]:
    """(field, position) of a one-row header's columns, in the row's order: grid.map_columns over
    grid.header_columns (a field by its first column)."""
    fields = map_columns(header_columns(line_rows(Line(0, "", cells, not any(cells)))), field_of)
    return tuple((name, column.at) for name, column in fields.items())


def complete_columns(
    found: list[tuple[str, int | None]], canonical: tuple[str, ...]
) -> list[tuple[str, int | None]]:
    """The header's columns in its own order, with the ones it dropped put back in canonical order."""
    names = [c for c, _ in found]
    out = list(found)
    for pos, col in enumerate(canonical):
        if col in names:
            continue
        # insert before the first later canonical column that is present
        later = [c for c in canonical[pos + 1 :] if c in [n for n, _ in out]]
        at = next((k for k, (n, _) in enumerate(out) if later and n == later[0]), len(out))
        out.insert(at, (col, None))
    return out


def _infer_positions(columns: list[tuple[str, int | None]]) -> list[tuple[str, int | None]]:
    """Give header columns the converter dropped a position, when the others are evenly spaced."""
    known = [(k, idx) for k, (_, idx) in enumerate(columns) if idx is not None]
    if len(known) == len(columns) or len(known) < 2:
        return columns
    strides = {(b_idx - a_idx) / (b - a) for (a, a_idx), (b, b_idx) in itertools.pairwise(known)}
    if len(strides) != 1:
        return columns
    stride = strides.pop()
    if stride != int(stride) or stride < 1:
        return columns
    k0, i0 = known[0]
    return [
        (name, idx if idx is not None else i0 + int(stride) * (k - k0))
        for k, (name, idx) in enumerate(columns)
    ]


def align_cells(cells: list[tuple[int, str]], columns: list[tuple[str, int | None]]) -> tuple[dict[str, str], str]:
    """Map a row's non-empty cells to columns.

    - as many cells as columns: in order (shifted or duplicated empty cells do not matter);
    - fewer cells (a blank cell in the row): by position against the header, allowing the
      whole row to be shifted by a few cells; the smallest shift that puts every cell under
      a distinct header column wins;
    - otherwise left to right, reported as ambiguous (or extra cells ignored).
    """
    names = [c for c, _ in columns]
    if len(cells) == len(columns):
        return {n: text for n, (_, text) in zip(names, cells)}, "ordered"
    if len(cells) > len(columns):
        return {n: text for n, (_, text) in zip(names, cells)}, "extra"
    positions = {idx: n for n, idx in _infer_positions(columns) if idx is not None}
    if positions and len(positions) == len(columns):
        for shift in (0, -1, 1, -2, 2, -3, 3):
            mapped = {}
            for idx, text in cells:
                col = positions.get(idx + shift)
                if col is None or col in mapped:
                    break
                mapped[col] = text
            else:
                # the mapping must keep the header's order
                return mapped, "positional"
    return {n: text for n, (_, text) in zip(names, cells)}, "ambiguous"
