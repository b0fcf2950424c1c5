"""The workbook's sheets of the last report, kept so that a run re-writes only the sheets whose rows changed.

A sheet is stored as its zip member's deflated bytes (xlsx.py copies them into the next book as
they are: no XML built, nothing compressed again) under a key: a digest of the report code's
version and of the rows the sheet is written from (their keys in sheet order, queries.SheetRows;
for 根因 a fingerprint of its rows). Same key, same sheet XML. A sheet that changed is written from its rows' templates kept from the last workbook
(`rows-<kind key>.rows`: a row's XML without its number, by the row's key, with a CRC), so only the
new rows are built. Each sheet entry is `<key>.part` (the bytes) and `<key>.json` (CRC, sizes, the sheet's
filter and rows, and a CRC of the stored bytes); the json is written last, so an entry without it
does not exist. A missing, unreadable or damaged entry is a miss: the sheet is written again,
never a wrong one copied. The cache lives beside the published reports (FISCAL_REPORT_DIR/
.workbook_cache) and holds the last workbook's sheets only (prune).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
import zlib
from functools import lru_cache
from pathlib import Path
from typing import IO, NamedTuple

import duckdb

# Raise to drop every stored sheet (a layout change the code digest below would not see).
FORMAT = 2
CACHE_DIR = ".workbook_cache"
_PACKAGE = Path(__file__).resolve().parent
# The code that shapes a sheet's cells: this package, and what it takes labels and text rules from.
_SOURCES = (
    *sorted(_PACKAGE.glob("*.py")),
    _PACKAGE.parent / "review_decisions.py",
    _PACKAGE.parent / "parsers" / "text.py",
    _PACKAGE.parent.parent / "expectations" / "coverage.py",
)


class PartInfo(NamedTuple):
    """What the zip directory says of a member: CRC and size of its XML, size of its deflated bytes."""

    crc: int
    size: int
    csize: int


class Chunk(NamedTuple):
    """Consecutive rows of a sheet as one deflated piece (byte-aligned, not final: pieces concatenate
    into one deflate stream), with the CRC and size of their XML and how many rows they are."""

    data: bytes | memoryview
    crc: int
    size: int
    rows: int
    shift: int  # crc_shift(size): appending the chunk costs one step of CRC arithmetic


@lru_cache(maxsize=1)
def code_version() -> str:
    """A digest of the report code, DuckDB and Python: any change of them writes every sheet again."""
    digest = hashlib.sha256(f"{FORMAT}|{duckdb.__version__}|{sys.version}".encode())
    for source in _SOURCES:
        digest.update(source.read_bytes() if source.is_file() else b"-")
    return digest.hexdigest()


class SheetCache:
    """Stored sheets under folder; every key got or put this run is kept by prune(), the rest dropped."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self._used: set[str] = set()
        # what this run took from the cache and what it built: the report asset's metadata
        self.stats = {"sheets_copied": 0, "rows_kept": 0, "rows_built": 0}

    def key(self, *what: object) -> str:
        """The key of a sheet written from `what` (its kind and its rows' fingerprint)."""
        return hashlib.sha256(f"{code_version()}|{what!r}".encode()).hexdigest()[:40]

    def get(self, key: str) -> tuple[bytes, PartInfo, dict] | None:
        """The stored sheet (deflated bytes, member info, its meta), or None when absent or damaged."""
        try:
            meta = json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8"))
            data = (self.folder / f"{key}.part").read_bytes()
            info = PartInfo(meta["crc"], meta["size"], meta["csize"])
            if len(data) != info.csize or zlib.crc32(data) != meta["stored_crc"]:
                return None
        except (OSError, ValueError, KeyError, TypeError):
            return None
        self._used.add(key)
        return data, info, meta

    def new(self) -> IO[bytes] | None:
        """A file to write a sheet's deflated bytes into, for put() (None: the folder is not writable)."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            return tempfile.NamedTemporaryFile(dir=self.folder, prefix=".", suffix=".tmp", delete=False)
        except OSError:
            return None

    def has_chunks(self, kind: str) -> bool:
        """Whether the last sheet of this kind is kept by chunks (else the sheet is built in one pass)."""
        return (self.folder / f"{self._chunks_name(kind)}.json").is_file()

    def put(self, key: str, stored: IO[bytes], data: bytes, info: PartInfo, meta: dict) -> None:
        """Keep `data`, the bytes written into `stored` (from new()), under key; closes stored."""
        try:
            stored.close()
            os.replace(stored.name, self.folder / f"{key}.part")
            entry = {**meta, **info._asdict(), "stored_crc": zlib.crc32(data)}
            tmp = self.folder / f".{key}.{os.getpid()}.json.tmp"
            tmp.write_text(json.dumps(entry), encoding="utf-8")
            os.replace(tmp, self.folder / f"{key}.json")
            self._used.add(key)
        except OSError:
            Path(stored.name).unlink(missing_ok=True)

    def chunks(self, kind: str) -> dict[str, Chunk]:
        """The chunks of the last sheet of this kind (xlsx.Chunk: its rows compressed on their own), by
        the digest of their rows' keys, sliced from that sheet's stored bytes; {} when absent or damaged."""
        try:
            name = self._chunks_name(kind)
            hit = self.get(json.loads((self.folder / f"{name}.json").read_text(encoding="utf-8"))["sheet"])
            self._used.add(name)
            if hit is None:
                return {}
            data, _, meta = hit
            view = memoryview(data)
            return {digest: Chunk(view[offset:offset + csize], crc, size, rows, shift)
                    for digest, (offset, csize, crc, size, rows, shift) in meta["chunks"].items()
                    if offset + csize <= len(data)}
        except (OSError, ValueError, KeyError, TypeError):
            return {}

    def keep_chunks(self, kind: str, key: str) -> None:
        """Name the sheet kept under key (its meta lists its chunks) as the last sheet of this kind."""
        name = self._chunks_name(kind)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            tmp = self.folder / f".{name}.{os.getpid()}.tmp"
            tmp.write_text(json.dumps({"sheet": key}), encoding="utf-8")
            os.replace(tmp, self.folder / f"{name}.json")
            self._used.add(name)
        except OSError:
            pass

    def retain_chunks(self, kind: str) -> None:
        """Keep the chunk list of a sheet copied whole (prune() would drop it)."""
        self._used.add(self._chunks_name(kind))

    def _chunks_name(self, kind: str) -> str:
        return "chunks-" + self.key("chunks", kind)

    def prune(self) -> None:
        """Drop the entries this run did not use: the cache holds the last workbook's sheets."""
        try:
            for entry in self.folder.iterdir() if self.folder.is_dir() else ():
                if entry.name.split(".")[0] not in self._used:  # a left temporary file starts with "."
                    entry.unlink(missing_ok=True)
        except OSError:  # a cache it cannot tidy is still a cache: its keys say what each entry holds
            pass
