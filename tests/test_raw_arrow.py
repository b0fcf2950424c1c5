"""What a parse worker sends the loader (raw_arrow.py) holds the rows record_frame made of the records.

Real parser on the real samples; the loader's former conversion (record_frame, Polars) is the reference.
"""

from __future__ import annotations

import dataclasses
import pickle
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from dagster_project.parsers import parse_file
from dagster_project.parsers.frozen import RecordColumns
from dagster_project.parsers.records import FundRow, ParseIssue, ParseResult, SourceLine
from dagster_project.raw_arrow import RAW_TABLES, SCHEMAS, record_frame, table_of, to_parsed_file

SAMPLES = Path(__file__).resolve().parent.parent / "raw"


def reference(result: ParseResult, table: str) -> list[dict]:
    attr, record_type = RAW_TABLES[table]
    return record_frame(getattr(result, attr), record_type).to_arrow().to_pylist()


@pytest.fixture(params=["pa.array", "buffers"], autouse=True)
def packing(request, monkeypatch):
    """Both ways a worker builds a column: pa.array (pandas loaded: a big load) and from numpy buffers."""
    from dagster_project import raw_arrow

    monkeypatch.setattr(raw_arrow, "_pandas_loaded", lambda: request.param == "pa.array")
    return request.param


@pytest.mark.parametrize("sample", sorted(p.name for p in SAMPLES.glob("*.txt")))
def test_every_table_of_a_sample_is_record_frames_rows_after_the_trip_through_a_pipe(sample):
    result = parse_file(SAMPLES / sample, sample)
    parsed = pickle.loads(pickle.dumps(to_parsed_file(result)))  # as the worker's pipe carries it
    for table in RAW_TABLES:
        assert table_of([parsed], table).to_pylist() == reference(result, table), table
    assert parsed.rows["source_lines"] == result.line_count == len(result.source_lines)
    assert (parsed.source_file, parsed.families, parsed.line_count) == (sample, result.families, result.line_count)


def test_the_per_line_tables_pack_alike_kept_as_columns_or_as_records():
    """The parse keeps source_lines and lines as a list per field; a list of records (as a caller may
    set them) packs to the very same arrays."""
    result = parse_file(SAMPLES / "003_7cadc0ecdd172fe9.txt", "003_7cadc0ecdd172fe9.txt")
    assert isinstance(result.source_lines, RecordColumns) and isinstance(result.lines, RecordColumns)
    as_records = dataclasses.replace(result, source_lines=list(result.source_lines), lines=list(result.lines))
    assert len(as_records.source_lines) == result.line_count and len(as_records.lines) > 1000
    columns, records = to_parsed_file(result), to_parsed_file(as_records)
    assert columns.rows == records.rows
    assert all(a.equals(b) for a, b in zip(columns.packed, records.packed, strict=True))


def test_files_of_a_batch_keep_their_rows_in_order():
    first, second = (parse_file(SAMPLES / name, name) for name in ("000_2cba3ecfd7271be6.txt", "003_7cadc0ecdd172fe9.txt"))
    reports = table_of([to_parsed_file(first), to_parsed_file(second)], "reports")
    assert reports.num_rows == len(first.reports) + len(second.reports) == 72
    assert reports.to_pylist() == reference(first, "reports") + reference(second, "reports")
    cells = table_of([to_parsed_file(first), to_parsed_file(second)], "budget_cells")
    assert cells.num_rows == len(second.budget_cells) == 556


def test_amounts_arrow_will_not_hold_exactly_are_what_record_frame_made_of_them():
    """Polars rounded a 7th decimal place half to even and emptied an amount of 10^18 or more."""
    printed = ["1.2345675", "1.2345665", "-1.2345665", "0.0000005", "999999999999999999.9999995",
               "999999999999999999.9999994", "1E+18", "1E+30", "123.45678912345678912345678", "12.5"]
    rows = [FundRow("f.txt", 1, "total", "合计", n, budget_initial=Decimal(v)) for n, v in enumerate(printed, 1)]
    result = ParseResult("f.txt", families=["self_eval"], fund_rows=rows, line_count=1,
                         source_lines=[SourceLine("f.txt", 1, None, None, "合计 1.2345675")])
    got = table_of([to_parsed_file(result)], "fund_rows").to_pylist()
    assert got == reference(result, "fund_rows")
    assert [r["budget_initial"] for r in got] == [
        Decimal(v) if v else None for v in ["1.234568", "1.234566", "-1.234566", "0", None,
                                             "999999999999999999.999999", None, None, "123.456789", "12.5"]
    ]
    assert table_of([to_parsed_file(result)], "source_lines").to_pylist()[0]["text"] == "合计 1.2345675"


def test_a_value_that_is_not_an_integer_is_refused_not_truncated():
    """A parser bug giving 1.5 as a line number costs its file (loading.py), never loads as 1."""
    result = ParseResult("f.txt", families=["self_eval"], line_count=1,
                         fund_rows=[FundRow("f.txt", 1, "total", "合计", 1.5)])
    with pytest.raises(TypeError, match="not an integer in an integer column: 1.5"):
        to_parsed_file(result)


def test_only_the_first_error_travels_beside_the_rows():
    issues = [ParseIssue("f.txt", 2, "warning", "w", "a warning"), ParseIssue("f.txt", 3, "error", "e1", "first"),
              ParseIssue("f.txt", 5, "error", "e2", "second")]
    parsed = to_parsed_file(ParseResult("f.txt", issues=issues))
    assert [i.code for i in parsed.issues] == ["e1"]
    assert [r["code"] for r in table_of([parsed], "parse_issues").to_pylist()] == ["w", "e1", "e2"]


def test_a_column_not_all_of_its_type_takes_the_exact_path_as_record_frame_did():
    """pa.array builds only columns all of their type; a bool line number loads as 1, as Polars made it."""
    rows = [FundRow("f.txt", 1, "total", "合计", True, budget_initial=Decimal("1.5")),
            FundRow("f.txt", 1, "total", "合计", 2, budget_initial=None)]
    result = ParseResult("f.txt", families=["self_eval"], fund_rows=rows, line_count=2)
    got = table_of([to_parsed_file(result)], "fund_rows").to_pylist()
    assert got == reference(result, "fund_rows")
    assert [(r["line_no"], r["budget_initial"]) for r in got] == [(1, Decimal("1.5")), (2, None)]


def test_a_text_column_is_text_only_whichever_way_it_is_built():
    """Arrow's inference (pandas loaded) and the buffers agree: text and None load as printed, an empty
    column as nulls, and bytes in a text column cost the file (loading.py) rather than load as text."""
    rows = [FundRow("f.txt", 1, "total", "合计", 1), FundRow("f.txt", 1, "中央财政", None, 2)]
    result = ParseResult("f.txt", families=["self_eval"], fund_rows=rows, line_count=2)
    got = table_of([to_parsed_file(result)], "fund_rows").to_pylist()
    assert [(r["fund_source"], r["label"]) for r in got] == [("total", "合计"), ("中央财政", None)]
    assert got == reference(result, "fund_rows")
    empty = [FundRow("f.txt", 1, "total", None, 1)]
    got = table_of([to_parsed_file(ParseResult("f.txt", fund_rows=empty, line_count=1))], "fund_rows")
    assert got.column("label").to_pylist() == [None]
    assert got.schema == SCHEMAS["fund_rows"]
    bad = ParseResult("f.txt", fund_rows=[FundRow("f.txt", 1, "total", b"\xe5\x90\x88", 1)], line_count=1)
    with pytest.raises(AttributeError):
        to_parsed_file(bad)


def test_a_table_without_rows_is_the_schemas_empty_table():
    parsed = to_parsed_file(parse_file(SAMPLES / "000_2cba3ecfd7271be6.txt", "000_2cba3ecfd7271be6.txt"))
    assert "budget_cells" not in parsed.rows
    assert table_of([parsed], "budget_cells").equals(SCHEMAS["budget_cells"].empty_table())
    assert table_of([], "reports").equals(SCHEMAS["reports"].empty_table())


def test_loading_one_file_does_not_import_pandas(tmp_path):
    """pandas costs ~0.3 CPU s to import: a one-file load (raw tables without rows among them) goes without."""
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_bytes((SAMPLES / "000_2cba3ecfd7271be6.txt").read_bytes())
    code = (
        "import sys; from pathlib import Path; from dagster_project.loading import load_directory; "
        f"s = load_directory(Path({str(raw)!r}), Path({str(tmp_path / 'w.duckdb')!r})); "
        "print(s.files_parsed, s.rows['budget_cells'], 'pandas' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["1", "0", "False"]


def test_a_worker_packs_a_file_without_importing_pyarrow_compute_or_pandas():
    """Arrow's cast imports pyarrow.compute on first use (~0.03 CPU s): a one-file load's fresh parse worker
    built its amounts through it. They are built from their integers in millionths now."""
    code = (
        "import sys; from pathlib import Path; from dagster_project.parsers import parse_file; "
        "from dagster_project.raw_arrow import to_parsed_file; "
        f"p = to_parsed_file(parse_file(Path({str(SAMPLES / '003_7cadc0ecdd172fe9.txt')!r}), 'f.txt')); "
        "print(p.rows['budget_cells'], 'pyarrow.compute' in sys.modules, 'pandas' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["556", "False", "False"]


def test_amounts_built_from_integers_are_what_the_cast_of_their_text_made():
    """The integer path against Arrow's cast of the printed text (the path before it, kept for other
    columns): many columns of amounts, whole or needing rounding, with the edge values."""
    import random

    import pyarrow as pa

    from dagster_project import raw_arrow

    def by_cast(values):
        strings = raw_arrow._strings
        try:
            return strings([None if v is None else str(v) for v in values]).cast(raw_arrow.DECIMAL)
        except pa.ArrowInvalid:
            return strings([raw_arrow._as_record_frame_stores(v) for v in values]).cast(raw_arrow.DECIMAL)

    edges = "0 -0 0.0000005 0.0000015 -0.0000025 1.5E+4 0E+4 12.340000000 0E-12 1E+18 123456789012345678"
    edges = [Decimal(v) for v in edges.split()] + [
        Decimal(f"{sign}999999999999999999.{tail}") for sign in ("", "-") for tail in ("999999", "9999995")
    ]
    rnd = random.Random(7)

    def amount():
        digits = "".join(rnd.choice("0123456789") for _ in range(rnd.randint(1, 26)))
        return None if rnd.random() < 0.1 else Decimal(f"{rnd.choice('+-')}{digits}E{rnd.randint(-10, 6)}")

    columns = [[v] for v in edges] + [[v, None, Decimal("1.1234567")] for v in edges]
    for n in range(600):
        column = [amount() for _ in range(rnd.randint(1, 8))] + rnd.sample(edges, 2)
        if n % 2:  # whole millionths: the cast takes the text as printed
            column = [v if v is None or v.adjusted() > 14 else v.quantize(Decimal("0.01")) for v in column]
        columns.append(column)
    for column in columns:
        assert raw_arrow._decimals_from_ints(column).equals(by_cast(column)), column
