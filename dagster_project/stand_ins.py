"""Modules standing in for others while one import runs, so that an import we pay for on every run does
not load what it only needs later or never (expectations/gx_import.py: scipy.stats and altair under GX;
dagster_dbt_import.py: sqlglot under dagster-dbt). What a stand-in does when used is the caller's."""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def standing_in(stand_ins: dict[str, types.ModuleType]) -> Iterator[None]:
    """sys.modules holds each stand-in (of a module not imported yet) while the block runs. Afterwards
    later imports get the real modules; what imported a stand-in during the block keeps it."""
    added = {name: module for name, module in stand_ins.items() if name not in sys.modules}
    sys.modules.update(added)
    try:
        yield
    finally:
        for name, module in added.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]
