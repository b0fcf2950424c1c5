"""A large rule is judged a chunk of check rows at a time; its chunks' GX results make one result.

Every rule's expectations are row by row (map expectations, no ``mostly``): a row fails or passes
whatever rows it is judged with, so the chunks' failing rows together are the whole model's, and
the counts add up. Only memory changes: it follows a chunk, not the model (placeholder_text has a
row per source line: 6 M rows at 100k reports).
"""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import pyarrow as pa

CHUNK_ROWS = 200_000  # check rows GX judges at once (a rule's frame and GX's per-row work)
_SUMMED = ("element_count", "unexpected_count", "missing_count")


def arrow_chunks(con: duckdb.DuckDBPyConnection, sql: str, size: int = CHUNK_ROWS) -> Iterator[pa.Table]:
    """The query's rows as tables of at most ``size`` rows, streamed from DuckDB; one empty table
    when it has none (GX still judges the rule, with no rows). Run no other query on ``con`` meanwhile."""
    reader = con.sql(sql).to_arrow_reader(size)
    empty = True
    for batch in reader:
        empty = False
        yield pa.Table.from_batches([batch])
    if empty:
        yield reader.schema.empty_table()


def merge_results(parts: list, shown: int):
    """One suite result from its chunks' (in row order): the first's, with every expectation's counts
    summed, percentages recomputed as GX does, failing rows listed in full and the ``shown`` first
    of their values kept (result_format.ROWS_SHOWN)."""
    first = parts[0]
    if len(parts) == 1:
        return first
    for i, expectation in enumerate(first.results):
        chunk_results = [part.results[i] for part in parts]
        expectation.success = all(r.success for r in chunk_results)
        expectation.result = _merged([r.result for r in chunk_results], shown)
        raised = next((r.exception_info for r in chunk_results if (r.exception_info or {}).get("raised_exception")), None)
        if raised:
            expectation.exception_info = raised
    first.success = all(part.success for part in parts)
    passed = sum(1 for r in first.results if r.success)
    total = len(first.results)
    first.statistics.update({
        "successful_expectations": passed,
        "unsuccessful_expectations": total - passed,
        "success_percent": passed / total * 100 if total else None,
    })
    return first


def _merged(results: list[dict], shown: int) -> dict:
    """Chunks' result dicts of one expectation → the result GX gives for all their rows at once."""
    merged = dict(results[0])
    for key in _SUMMED:
        if key in merged and all(r.get(key) is not None for r in results):
            merged[key] = sum(r[key] for r in results)
    _percentages(merged)
    for key in ("unexpected_index_list", "unexpected_list"):
        if key in merged:
            merged[key] = _joined([r.get(key) for r in results])
    for key in ("partial_unexpected_index_list", "partial_unexpected_list"):
        full = key.replace("partial_", "")
        if key in merged:
            merged[key] = merged[full][:shown] if full in merged else _joined([r.get(key) for r in results])[:shown]
    if merged.get("unexpected_rows") is not None:
        merged["unexpected_rows"] = _first_rows([r.get("unexpected_rows") for r in results], shown)
    return merged


def _percentages(result: dict) -> None:
    """GX's percentages of the summed counts (expectation._format_map_output)."""
    elements, unexpected, missing = (result.get(k) for k in _SUMMED)
    if unexpected is None or not elements:
        return
    total = unexpected / elements * 100
    nonmissing = total
    if missing is not None:
        result["missing_percent"] = missing / elements * 100
        nonmissing = unexpected / (elements - missing) * 100 if elements > missing else None
        result["unexpected_percent_total"] = total
        result["unexpected_percent_nonmissing"] = nonmissing
    result["unexpected_percent"] = nonmissing


def _joined(lists: list) -> list:
    """Chunks' lists of failing rows, in order. GX lists them as one dict per row, or (index columns
    only) as one dict holding each column's list of values: those dicts are joined column by column."""
    lists = [x for x in lists if x]
    if lists and all(len(x) == 1 and isinstance(x[0], dict) and all(isinstance(v, list) for v in x[0].values())
                     for x in lists):
        return [{column: [v for x in lists for v in x[0][column]] for column in lists[0][0]}]
    return [item for x in lists for item in x]


def _first_rows(parts: list, shown: int):
    """The first ``shown`` failing rows with their values (a DataFrame or a list, as GX gave them)."""
    import pandas as pd  # loaded with GX

    frames = [p for p in parts if p is not None]
    if all(isinstance(p, pd.DataFrame) for p in frames):
        return pd.concat([f for f in frames if len(f)] or frames[:1]).head(shown)
    return [row for p in frames for row in p][:shown]
