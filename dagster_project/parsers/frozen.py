"""Frozen dataclasses that are cheap to build: the parsers make one per line and per cell.

``@frozen_record`` is ``@dataclass(frozen=True)`` with a faster ``__init__``. The
generated frozen ``__init__`` sets each field through ``object.__setattr__`` (to get
past the class's own ``__setattr__``, which refuses); storing into the new instance's
``__dict__`` is the same and 2–4× faster (a Report has 31 fields). Everything else is
dataclasses' own: fields, defaults, eq, hash, repr, pickling, and assignment refused
after ``__init__``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from itertools import repeat
from typing import TypeVar, dataclass_transform

_T = TypeVar("_T")


@dataclass_transform(frozen_default=True)  # type checkers (and mypyc) see a frozen dataclass
def frozen_record(cls: type[_T]) -> type[_T]:
    cls = dataclasses.dataclass(frozen=True)(cls)
    fields = dataclasses.fields(cls)
    # Only what the fast __init__ reproduces: no factories, post-init, init=False or keyword-only fields.
    assert not hasattr(cls, "__post_init__") and all(
        f.init and not f.kw_only and f.default_factory is dataclasses.MISSING for f in fields
    ), cls
    defaults = {f"_default_{f.name}": f.default for f in fields if f.default is not dataclasses.MISSING}
    params = ", ".join(
        f.name if f.default is dataclasses.MISSING else f"{f.name}=_default_{f.name}" for f in fields
    )
    stores = "".join(f"\n    d[{f.name!r}] = {f.name}" for f in fields)
    namespace = dict(defaults)
    exec(f"def __init__(self, {params}):\n    d = self.__dict__{stores}\n", namespace)  # noqa: S102 - field names only
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    cls.__init__ = init
    return cls


def tuple_record(cls: type) -> type:
    """A NamedTuple record that dataclasses reads as a frozen dataclass of the same fields.

    For the records made once per input line (``SourceLine``, ``LineDisposition``): a tuple is
    made in C over prepared rows (``make_records``) with no Python call, holds no ``__dict__``,
    and pickles as its values (a dataclass pickles each field's name too). ``dataclasses.fields``,
    ``replace`` and ``asdict`` see the fields, types and defaults of a frozen dataclass with the
    class's annotations (the loader reads every record type so); attributes are read by name
    (C itemgetters), the repr is a dataclass's, and assignment is refused.
    """
    assert issubclass(cls, tuple) and hasattr(cls, "_fields"), cls
    # NamedTuple turned the annotations (strings: postponed evaluation) into ForwardRefs; a
    # dataclass keeps the strings, which the loader reads (loading._polars_type).
    annotations = {name: getattr(t, "__forward_arg__", t) for name, t in cls.__annotations__.items()}
    shadow = type(cls.__name__, (), {"__annotations__": annotations, **cls._field_defaults})
    cls.__dataclass_fields__ = dataclasses.dataclass(frozen=True)(shadow).__dataclass_fields__
    return cls


def make_records(cls: type, rows) -> list:
    """Records of a ``tuple_record`` class from an iterable of tuples of its fields, made in C."""
    return list(map(tuple.__new__, repeat(cls), rows))


class RecordColumns(Sequence):
    """Records of a ``tuple_record`` class kept as one list per field, the records made only when read.

    The per-line tables (``SourceLine``, ``LineDisposition``) are most of a parse's output and
    the loader wants them as columns (raw_arrow packs each field's values): a tuple per line,
    made and then taken apart by field again, cost ~7 % of a parse and pack. A reader (the tests, the
    reporting) still sees a sequence of records, each made when asked for.
    """

    def __init__(self, record_type: type, *columns: list):
        """``columns``: each field's values, in field order, one per record."""
        assert len({len(values) for values in columns}) == 1, "columns of unequal length"
        self.record_type = record_type
        self.columns = dict(zip(record_type._fields, columns, strict=True))  # field name → its values

    def __len__(self) -> int:
        return len(self.columns[self.record_type._fields[0]])

    def __getitem__(self, index):
        if isinstance(index, slice):
            return make_records(self.record_type, zip(*(values[index] for values in self.columns.values())))
        return tuple.__new__(self.record_type, [values[index] for values in self.columns.values()])

    def __iter__(self):
        return map(tuple.__new__, repeat(self.record_type), zip(*self.columns.values()))

    def __eq__(self, other) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # a mutable sequence's value, like a list

    def __repr__(self) -> str:
        return repr(list(self))
