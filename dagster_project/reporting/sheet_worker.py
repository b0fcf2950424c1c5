"""The largest sheets of a workbook written from scratch, built in a second process (the second core).

A workbook without kept chunks (a full build, another code version) builds every row: at 100k reports
~30 CPU s on one core, the rule sheets about half, 审核决定, 根因 and 检查覆盖 the rest. Those three
kinds are built here by another Python process from the same warehouse (read-only) while the report's
process writes the page and the rule sheets. A sheet comes back as its chunks (xlsx.make_chunk: the same
rows give the same bytes in any process), so the workbook is byte for byte the one a single process
writes. A worker that fails or does not give a sheet leaves it to the writer: the same workbook, later.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Self

from .queries import sheet_sources
from .workbook import ChunkOfRows, built_chunks, layout

ELSEWHERE = ("roots", "coverage", "review")  # about half of the rows' cost, as the rule sheets are the other
# Below this many sheet rows (findings and coverage rows) the second process's start (~0.5 CPU s: Python, DuckDB
# and the report violations table again) costs more than it saves.
MIN_ROWS = 20_000
_ROOT = Path(__file__).resolve().parents[2]  # the folder holding this package: the worker runs this very code


class SheetWorker:
    """A process building the sheets of `kinds` from the warehouse at db_path; chunks(kind) waits for one."""

    def __init__(self, db_path: Path, kinds: list[str]):
        self.kinds = set(kinds)
        self._folder = tempfile.TemporaryDirectory(prefix="fiscal-sheets-")
        self._done: set[str] = set()
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(_ROOT), os.environ.get("PYTHONPATH")])),
        }
        # each finished sheet is a file; stdout carries only its kind, so the worker never waits on a full pipe
        self._process = subprocess.Popen(
            [sys.executable, "-m", __name__, str(db_path), self._folder.name, *kinds],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )

    def chunks(self, kind: str) -> list[ChunkOfRows] | None:
        """The sheet's chunks in sheet order, or None when the worker does not give them (build them here)."""
        if kind not in self.kinds:
            return None
        while kind not in self._done and (line := self._process.stdout.readline()):
            self._done.add(line.strip())
        if kind not in self._done:  # the worker ended without it
            return None
        try:
            return pickle.loads((Path(self._folder.name) / _file_name(kind)).read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError):
            return None

    def close(self) -> None:
        """Stop the worker if it still runs and drop its files."""
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()
        self._process.stdout.close()
        self._folder.cleanup()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _file_name(kind: str) -> str:
    """The file a sheet's chunks are kept in (a kind may hold ':')."""
    return kind.replace(":", "_") + ".pickle"


def build(db_path: Path, folder: Path, kinds: list[str]) -> None:
    """Build each kind's chunks (workbook.built_chunks) into folder, and name it on stdout when it is there."""
    with sheet_sources(db_path, folder / "duckdb.tmp") as sheet_rows:  # not the report's spill folder
        for kind in kinds:
            columns, wrapped = layout(kind)
            chunks = list(built_chunks(sheet_rows(kind).fetch(), columns, wrapped))
            tmp = folder / f".{_file_name(kind)}.tmp"
            tmp.write_bytes(pickle.dumps(chunks, protocol=pickle.HIGHEST_PROTOCOL))
            os.replace(tmp, folder / _file_name(kind))
            print(kind, flush=True)


if __name__ == "__main__":
    build(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3:])
