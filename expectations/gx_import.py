"""Importing Great Expectations for a quality run, without the modules no rule here uses.

``import great_expectations`` loads every core expectation, among them the KL-divergence one, whose
module imports scipy.stats and altair (640 modules, ~1–1.5 of GX's ~4 CPU s of import) for its own
metric and charts; no rule of the registry uses them (nor do the KS-test metrics, the other
importers of scipy.stats). While GX is imported, each of these modules is a stand-in that imports
the real one on its first use: whatever uses it gets the real module, only later; nothing else
changes in what GX does. A module already imported is left as it is.

The first load also freezes the objects alive before and after the import (``_frozen``): GX's import
makes ~145,000 objects, enough for two of Python's full collections, each scanning every object of
the process (Dagster's definitions and instance: ~270,000): ~0.3 of its ~2 CPU s, and a full
collection in the quality step after it scans GX's own. Frozen objects are the program's modules,
classes and definitions, kept to the end of the process anyway: the collector skips them, reference
counting still frees them; only a reference cycle among them would stay until the process ends.
"""

from __future__ import annotations

import gc
import importlib
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext

from dagster_project.stand_ins import standing_in

DEFERRED = ("scipy.stats", "altair")


class _OnFirstUse(types.ModuleType):
    """A module's stand-in: the real module is imported when one of its attributes is first asked for."""

    def __getattr__(self, attr: str):
        real = self.__dict__.get("_real")
        if real is None:
            if sys.modules.get(self.__name__) is self:
                del sys.modules[self.__name__]  # asked for during GX's import: import the real one now
            real = self.__dict__["_real"] = importlib.import_module(self.__name__)
        return getattr(real, attr)


def _deferred(names: tuple[str, ...]):
    """Each of names (not imported yet) an _OnFirstUse stand-in while the block runs."""
    return standing_in({name: _OnFirstUse(name) for name in names})


@contextmanager
def _frozen() -> Iterator[None]:
    gc.freeze()  # what the process holds already
    try:
        yield
    finally:
        gc.freeze()  # and what the import added: GX's modules and classes


def load() -> types.ModuleType:
    """expectations.gx_run (GX with it), imported with DEFERRED modules standing in; the first time,
    with the process's objects frozen (see the module's docstring)."""
    first = f"{__package__}.gx_run" not in sys.modules
    with _frozen() if first else nullcontext(), _deferred(DEFERRED):
        from . import gx_run
    return gx_run
