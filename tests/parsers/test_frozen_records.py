"""@frozen_record builds the same frozen dataclass as @dataclass(frozen=True), only faster."""

from __future__ import annotations

import dataclasses
import pickle
from decimal import Decimal

import pytest

from dagster_project.parsers.frozen import frozen_record
from dagster_project.parsers.records import Report, replaced


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


def test_replaced_is_dataclasses_replace():
    report = Report("f.txt", 7, "self_eval", 3, 40, fiscal_year=2024, total_score=Decimal("95.50"))
    assert replaced(report, report_seq=1) == dataclasses.replace(report, report_seq=1)
    assert repr(replaced(report, report_seq=1)) == repr(dataclasses.replace(report, report_seq=1))
    assert report.report_seq == 7  # the original is untouched
    with pytest.raises(AssertionError):
        replaced(report, no_such_field=1)
