"""Importing Great Expectations for a quality run, without the modules no rule here uses.

``import great_expectations`` loads every core expectation, among them the KL-divergence one, whose
module imports scipy.stats and altair (640 modules, ~1–1.5 of GX's ~4 CPU s of import) for its own
metric and charts; no rule of the registry uses them (nor do the KS-test metrics, the other
importers of scipy.stats). While GX is imported, each of these modules is a stand-in that imports
the real one on its first use: whatever uses it gets the real module, only later; nothing else
changes in what GX does. A module already imported is left as it is.
"""

from __future__ import annotations

import importlib
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager

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


@contextmanager
def _deferred(names: tuple[str, ...]) -> Iterator[None]:
    stand_ins = {name: _OnFirstUse(name) for name in names if name not in sys.modules}
    sys.modules.update(stand_ins)
    try:
        yield
    finally:  # later imports get the real modules; GX's modules keep their stand-ins
        for name, stand_in in stand_ins.items():
            if sys.modules.get(name) is stand_in:
                del sys.modules[name]


def load() -> types.ModuleType:
    """expectations.gx_run (GX with it), imported with DEFERRED modules standing in."""
    with _deferred(DEFERRED):
        from . import gx_run
    return gx_run
