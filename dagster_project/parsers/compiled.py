"""The parsers compiled by mypyc (dagster_project/parsers/build.py), or plain Python.

``mypyc_attr`` marks a class mypyc must keep a Python class (e.g. a tuple subclass); without
mypy_extensions installed (plain Python) it does nothing.
"""

from __future__ import annotations

try:
    from mypy_extensions import mypyc_attr
except ImportError:  # plain Python: the mark is for mypyc only

    def mypyc_attr(*_args, **_kwargs):  # type: ignore[no-redef]
        return lambda cls: cls
