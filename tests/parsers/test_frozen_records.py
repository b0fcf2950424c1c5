"""@frozen_record builds the same frozen dataclass as @dataclass(frozen=True), only faster."""

from __future__ import annotations

import dataclasses
import pickle
from decimal import Decimal

import pytest

from dagster_project.parsers.frozen import frozen_record
from dagster_project.parsers.records import FundRow, Report, renumber


@frozen_record
class _Fast:
    name: str
    amount: Decimal | None = None
    note: str = "-"


@dataclasses.dataclass(frozen=True)
class _Plain:
    name: str
    amount: Decimal | None = None
    note: str = "-"


def test_same_fields_defaults_repr_eq_hash_and_pickle():
    fast, plain = _Fast("a", Decimal("1.50")), _Plain("a", Decimal("1.50"))
    assert repr(fast) == repr(plain).replace("_Plain", "_Fast") == "_Fast(name='a', amount=Decimal('1.50'), note='-')"
    assert [f.name for f in dataclasses.fields(fast)] == ["name", "amount", "note"]
    assert _Fast(name="a", note="x", amount=None) == _Fast("a", None, "x")
    assert hash(fast) == hash(_Fast("a", Decimal("1.50")))
    assert pickle.loads(pickle.dumps(fast)) == fast
    assert dataclasses.astuple(fast) == dataclasses.astuple(plain)


def test_still_frozen_and_still_checks_its_arguments():
    fast = _Fast("a")
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.name = "b"
    with pytest.raises(TypeError):
        _Fast()  # name is required
    with pytest.raises(TypeError):
        _Fast("a", unknown=1)


def test_renumber_is_dataclasses_replace_in_place():
    report = Report("f.txt", 7, "self_eval", 3, 40, fiscal_year=2024, total_score=Decimal("95.50"))
    fund = FundRow("f.txt", 7, "total", "年度资金总额", 5, budget_initial=Decimal("10.00"))
    expected = [dataclasses.replace(report, report_seq=1), dataclasses.replace(fund, report_seq=1)]
    records = [report, fund, fund]  # a record listed twice is numbered from its old value once
    renumber(records, "report_seq", {7: 1, 1: 99})
    assert records == [*expected, expected[1]]
    assert repr(records[0]) == repr(expected[0]) and hash(records[1]) == hash(expected[1])
    with pytest.raises(KeyError):  # a number with no new number is a bug, never passed over
        renumber([report], "report_seq", {7: 2})


def test_tuple_records_read_as_the_frozen_dataclass_of_their_fields():
    """SourceLine and LineDisposition are tuples made in C; the loader and tests read them as dataclasses."""
    from dagster_project.parsers.frozen import make_records
    from dagster_project.parsers.records import LineDisposition, SourceLine

    @dataclasses.dataclass(frozen=True)
    class PlainSourceLine:
        source_file: str
        line_no: int
        page_no: int | None
        sheet_name: str | None
        text: str

    line = make_records(SourceLine, [("f.txt", 3, None, None, "项目名称\t职业培训")])[0]
    plain = PlainSourceLine("f.txt", 3, None, None, "项目名称\t职业培训")
    assert type(line) is SourceLine and line == SourceLine("f.txt", 3, None, None, "项目名称\t职业培训")
    assert repr(line) == repr(plain).replace(PlainSourceLine.__qualname__, "SourceLine")
    assert [(f.name, f.type) for f in dataclasses.fields(line)] == [
        ("source_file", "str"), ("line_no", "int"), ("page_no", "int | None"), ("sheet_name", "str | None"),
        ("text", "str"),
    ]  # the loader's column types come from these strings (loading._polars_type)
    assert dataclasses.asdict(line) == dataclasses.asdict(plain)
    assert (line.line_no, line.text) == (3, "项目名称\t职业培训")
    mark = LineDisposition("f.txt", 3, "field")
    assert mark.family is None and dataclasses.fields(LineDisposition)[3].default is None
    assert dataclasses.replace(mark, disposition="issue") == LineDisposition("f.txt", 3, "issue", None)
    assert pickle.loads(pickle.dumps(mark)) == mark and len(pickle.dumps(mark)) < 100
    with pytest.raises(AttributeError):
        mark.disposition = "issue"


def test_record_columns_read_as_the_list_of_their_records():
    """The per-line tables are kept as a list per field; a reader still sees the records, in order."""
    from dagster_project.parsers.frozen import RecordColumns
    from dagster_project.parsers.records import LineDisposition

    dispositions, families = ["title", "field", "issue"], [None, "budget", None]
    marks = RecordColumns(LineDisposition, ["f.txt"] * 3, [1, 2, 4], dispositions, families)
    records = [LineDisposition("f.txt", 1, "title"), LineDisposition("f.txt", 2, "field", "budget"),
               LineDisposition("f.txt", 4, "issue")]  # fmt: skip
    assert len(marks) == 3 and list(marks) == records and marks == records and records == marks
    assert marks[1] == records[1] and type(marks[1]) is LineDisposition and marks[-1].line_no == 4
    assert marks[1:] == records[1:] and [d.disposition for d in marks] == ["title", "field", "issue"]
    assert marks != records[:2] and repr(marks) == repr(records)
    assert marks.columns["line_no"] == [1, 2, 4]
    with pytest.raises(AssertionError, match="unequal length"):
        RecordColumns(LineDisposition, ["f.txt"], [1, 2], ["field"], [None])
