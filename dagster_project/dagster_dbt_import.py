"""Importing dagster-dbt without dbt-core's Python modules (~2 of the definitions' ~3.5 CPU s).

dagster-dbt imports dbt-core when it finds it installed (``dagster_dbt.compat``): dbt's version,
adapter base classes and result enums, whose hundreds of mashumaro dataclasses compile their
(de)serialisers at import. Nothing here needs them in this process: dbt runs as a subprocess
(the dbt CLI), ``resources.FiscalDbtCliResource`` takes dbt's version from the package metadata
and builds no in-process adapter. dagster-dbt has a path for an environment without dbt-core
(dbt Fusion): its own string enums for node types and statuses, and the whole manifest read from
``manifest.json`` for the default selection. While dagster-dbt is imported, ``dbt.version`` is
made unimportable so that it takes this path; afterwards dbt imports as usual (the tests' dbtRunner).
The assets and checks it builds are the same (tests/test_definitions.py compares them).
"""

from __future__ import annotations

import sys
import types


def load() -> types.ModuleType:
    """dagster_dbt, imported (once) as if dbt-core were not installed."""
    if "dagster_dbt" in sys.modules:  # already imported (with dbt-core or not): left as it is
        return sys.modules["dagster_dbt"]
    hidden = sys.modules.get("dbt.version")
    sys.modules["dbt.version"] = None  # type: ignore[assignment]  # `import dbt.version` raises ImportError
    try:
        import dagster_dbt
    finally:
        if hidden is None:
            del sys.modules["dbt.version"]
        else:
            sys.modules["dbt.version"] = hidden
    return dagster_dbt


load()  # on import: definitions.py imports this module before anything that imports dagster_dbt
