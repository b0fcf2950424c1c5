"""Importing dagster-dbt without what this project does not use of it (~2.3 of ~4 CPU s at load).

1. dbt-core's Python modules. dagster-dbt imports dbt-core when it finds it installed
(``dagster_dbt.compat``): dbt's version, adapter base classes and result enums, whose hundreds of
mashumaro dataclasses compile their (de)serialisers at import. Nothing here needs them in this
process: dbt runs as a subprocess (the dbt CLI), ``resources.FiscalDbtCliResource`` takes dbt's
version from the package metadata and builds no in-process adapter. dagster-dbt has a path for an
environment without dbt-core (dbt Fusion): its own string enums for node types and statuses, and
the whole manifest read from ``manifest.json`` for the default selection. While ``dagster_dbt.compat``
is imported, ``dbt.version`` is made unimportable so that it takes this path; afterwards dbt imports
as usual (the tests' dbtRunner).

2. dbt Cloud and dagster-dbt's components (~0.2 CPU s, ~250 modules: requests, gRPC, protobuf).
``dagster_dbt/__init__.py`` imports every part of the package to export its names; this project
imports what it uses from the submodules (``dagster_dbt.asset_decorator``, ``.core.resource`` …).
The package is set up without running its ``__init__``, which runs on the first name asked of
the package itself (``dagster_dbt.DbtCloudWorkspace``, ``from dagster_dbt import …``), so code
that wants the rest still gets it.

3. sqlglot (~0.15 CPU s). ``dagster_dbt.core.dbt_cli_event`` imports seven of its names at its top for
column lineage, which only an asset that asks for it (``fetch_column_metadata``) computes: none here.
While that module is imported, ``sqlglot`` and the three submodules it names are stand-ins that give
each name as a ``_Deferred``: a call or an attribute of it imports sqlglot then and answers with the
real object. Afterwards the stand-ins are gone and ``import sqlglot`` is the real one.

The assets and checks built are the same (tests/test_definitions.py compares them with a plain
``import dagster_dbt``).
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
import types

from .stand_ins import standing_in

_INIT_LOCK = threading.Lock()


def load() -> types.ModuleType:
    """dagster_dbt, set up (once) as if dbt-core were not installed, its ``__init__`` run when first needed."""
    if "dagster_dbt" in sys.modules:  # already imported (with dbt-core or not): left as it is
        return sys.modules["dagster_dbt"]
    hidden = sys.modules.get("dbt.version")
    sys.modules["dbt.version"] = None  # type: ignore[assignment]  # `import dbt.version` raises ImportError
    try:
        package = _package_without_init()
        importlib.import_module("dagster_dbt.compat")  # decides, once, that dbt-core is absent
    finally:
        if hidden is None:
            del sys.modules["dbt.version"]
        else:
            sys.modules["dbt.version"] = hidden
    _register_versions()
    _import_without_sqlglot("dagster_dbt.core.dbt_cli_event")
    return package


# The sqlglot modules dagster_dbt.core.dbt_cli_event imports names from (dagster-dbt 0.29)
_SQLGLOT_MODULES = ("sqlglot", "sqlglot.expressions", "sqlglot.lineage", "sqlglot.optimizer")


class _Deferred:
    """A name of a module not imported yet: imported when the name is first called or asked an attribute."""

    def __init__(self, module: str, name: str):
        self._module, self._name = module, name

    def _target(self):
        return getattr(importlib.import_module(self._module), self._name)

    def __call__(self, *args, **kwargs):
        return self._target()(*args, **kwargs)

    def __getattr__(self, attr: str):
        return getattr(self._target(), attr)

    def __repr__(self) -> str:
        return f"<deferred {self._module}.{self._name}>"


def _stand_in(module: str) -> types.ModuleType:
    stand_in = types.ModuleType(module)
    stand_in.__path__ = []  # a package: its submodules are looked up in sys.modules
    stand_in.__getattr__ = lambda name: _Deferred(module, name)  # PEP 562: every name asked of it
    return stand_in


def _import_without_sqlglot(module: str) -> None:
    """Import module with sqlglot's names in it deferred (see 3. above); as usual if sqlglot is loaded."""
    if "sqlglot" in sys.modules:
        importlib.import_module(module)
        return
    with standing_in({name: _stand_in(name) for name in _SQLGLOT_MODULES}):
        importlib.import_module(module)


def _package_without_init() -> types.ModuleType:
    """The dagster_dbt package in sys.modules, its submodules importable, its ``__init__`` not yet run."""
    spec = importlib.util.find_spec("dagster_dbt")
    package = importlib.util.module_from_spec(spec)

    def __getattr__(name: str):  # PEP 562: called only for names the package does not have yet
        with _INIT_LOCK:
            if package.__dict__.get("__getattr__") is __getattr__:
                del package.__getattr__  # __init__ defines its own (deprecated names)
                spec.loader.exec_module(package)  # its submodules already imported are reused
        return getattr(package, name)

    package.__getattr__ = __getattr__
    sys.modules["dagster_dbt"] = package
    return package


def _register_versions() -> None:
    """What ``dagster_dbt/__init__.py`` tells Dagster's library registry (the UI and the version check read it)."""
    from dagster_dbt.version import __version__
    from dagster_shared.libraries import DagsterLibraryRegistry

    DagsterLibraryRegistry.register("dagster-dbt", __version__)
    # compat found no dbt-core: what __init__ registers then
    DagsterLibraryRegistry.register("dbt-fusion", "unknown", is_dagster_package=False)


load()  # on import: definitions.py imports this module before anything that imports dagster_dbt
