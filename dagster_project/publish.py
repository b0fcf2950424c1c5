"""Atomic publish: runs build into a private copy, then swap it in with one rename.

Analysts keep read-only connections on the published file while runs happen.
DuckDB would refuse a writer while they hold it, and they must never see a
half-built warehouse. So a run copies the published file (keeping the raw
layer and its content hashes, for incremental loads), builds into the copy,
checks it, and renames it over the published path. Open connections keep
reading the old file (POSIX keeps the unlinked inode) until they reconnect.
A failed run leaves the published file untouched.

Each run builds into its own file (``fiscal.duckdb.build-<run id>``) and writes
its quality report and Data Docs into its own folder (``<report dir>/.build-<run
id>``); both are moved into place together, right after the warehouse, so the
report never describes a warehouse that was not published. Only one run at a
time holds the warehouse (locking.py), so any other build left behind is from a
crashed run and is cleared when the next run begins.

A copy is O(warehouse): it reads the whole file and writes it again (~1 GB at 100k), which the disk
then flushes while the run goes on. So publishing keeps the file it replaces as a spare
(``<warehouse>.spare``: a second hard link made before the rename, named after it), and the next run takes
the spare as its build file (renamed, so a crash leaves no spare to trust) and rewrites only the
parts that differ from the published file: byte for byte the file a copy would give, whatever the
spare holds, with only what the last run changed written. A spare an analyst's read-only connection
still holds (DuckDB's shared lock on it) is never written into: the run copies instead, as it does
when there is no spare; the reader keeps its old file.

`make run` starts this early (``prepare_build``), beside the definitions' import, before the run
holds the lock. The run keeps that build file only if the published file is still the one it was
made from (same inode, size and modification time before and after, and now, under the lock:
published files are replaced by a rename, never written in place); else it makes it again.
"""

from __future__ import annotations

import contextlib
import fcntl
import glob
import os
import shutil
import stat
import threading
from pathlib import Path

import duckdb

from .db import connect

REQUIRED_TABLES = ("raw.source_files", "marts.fct_report", "quality.violations")


def build_path(published: Path, run_id: str = "") -> Path:
    return published.with_name(published.name + ".build" + (f"-{run_id}" if run_id else ""))


def report_build_dir(report_dir: Path, run_id: str = "") -> Path:
    """Where a run writes its report and Data Docs until they are published."""
    return report_dir / (".build" + (f"-{run_id}" if run_id else ""))


def spare_path(published: Path) -> Path:
    """The file the last publish replaced, kept as the next run's build file."""
    return published.with_name(published.name + ".spare")


# build file → (the thread making it, the published file's identity it was made from, or None)
_prepared: dict[Path, tuple[threading.Thread, list]] = {}
# build file → how it was made (from the spare, or copied and why), for the run's log
_origins: dict[Path, str] = {}
CHUNK = 1 << 20  # bytes compared at a time: DuckDB writes in 256 KiB blocks


def _identity(path: Path) -> tuple[int, int, int, int]:
    status = os.stat(path)
    return status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns


def prepare_build(published: Path, run_id: str) -> None:
    """Start making the run's build file from the published one in a thread (begin_build decides if it is kept)."""
    if not run_id or not published.exists():
        return
    build = build_path(published, run_id)
    copied: list = []

    def copy() -> None:
        with contextlib.suppress(OSError):  # e.g. the disk full: begin_build copies again and says so
            before = _identity(published)
            _make_build(published, build)
            if _identity(published) == before:  # not replaced or written while it was read
                copied.append((before, _identity(build)))

    thread = threading.Thread(target=copy, name="build-copy", daemon=True)
    _prepared[build] = (thread, copied)
    thread.start()


class SpareInUse(OSError):
    """A reader holds the spare open: it must not be written into."""


def _make_build(published: Path, build: Path) -> None:
    """Make build a byte-identical copy of published: the spare brought up to date, else a copy."""
    try:
        os.replace(spare_path(published), build)  # taken: if the run fails, there is no spare to trust
    except FileNotFoundError:
        shutil.copyfile(published, build)
        _origins[build] = "copied from the published file (no spare)"
        return
    try:
        written = _catch_up(published, build)
    except OSError as exc:  # a reader holds it, or it could not be read or written: copy, as without one
        build.unlink(missing_ok=True)  # a reader keeps its open file (POSIX keeps the unlinked inode)
        shutil.copyfile(published, build)
        why = "a reader holds it open" if isinstance(exc, SpareInUse) else f"{exc.__class__.__name__}: {exc}"
        _origins[build] = f"copied from the published file (the spare not used: {why})"
        return
    size = build.stat().st_size
    _origins[build] = f"the spare brought up to date ({written / 1e6:.0f} of {size / 1e6:.0f} MB rewritten)"


def _catch_up(published: Path, build: Path) -> int:
    """Rewrite the chunks of build that differ from published (and its length); bytes written.

    Under an exclusive lock of the kind DuckDB takes (fcntl, whole file): refused while any
    connection, read-only ones included, holds the file, and no connection opens it meanwhile."""
    status = os.lstat(build)
    # a file another name shares (a symlink, a hard link: the published file, a backup) is not ours to write
    if not stat.S_ISREG(status.st_mode) or status.st_nlink != 1:
        raise OSError(f"{build.name} is not a file of its own")
    a, b = bytearray(CHUNK), bytearray(CHUNK)
    written = offset = 0
    with open(published, "rb", buffering=0) as source, open(build, "r+b", buffering=0) as target:
        try:
            fcntl.lockf(target, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            raise SpareInUse(str(exc)) from exc
        while n := source.readinto(a):
            m = target.readinto(b)
            if not (a == b if n == m == CHUNK else m == n and a[:n] == b[:n]):
                target.seek(offset)
                target.write(memoryview(a)[:n])
                written += n
            offset += n
        target.truncate(offset)
    return written


def build_origin(published: Path, run_id: str = "") -> str:
    """How the run's build file was made (from the spare, or copied and why), for its log."""
    return _origins.get(build_path(published, run_id), "")


def _prepared_copy(published: Path, build: Path) -> bool:
    """True when the copy prepare_build made is of the file published now (asked under the lock).

    Every copy started is waited for first, whatever its file: none writes while builds are cleared."""
    kept = False
    while _prepared:
        prepared, (thread, copied) = _prepared.popitem()
        thread.join()
        try:
            same = prepared.resolve() == build.resolve() and bool(copied)
            kept = kept or (same and copied[0] == (_identity(published), _identity(build)))
        except OSError:  # either file gone
            pass
    return kept


def begin_build(published: Path, run_id: str = "", report_dir: Path | None = None) -> Path:
    """Start a fresh build file from the published one (or from nothing); clear crashed runs' builds."""
    build = build_path(published, run_id)
    build.parent.mkdir(parents=True, exist_ok=True)
    kept = _prepared_copy(published, build)
    for stale in build.parent.glob(glob.escape(published.name) + ".build*"):
        if kept and stale == build:
            continue
        if stale.is_dir() and not stale.is_symlink():  # DuckDB's spill folder of a build (db.py)
            shutil.rmtree(stale, ignore_errors=True)
        else:
            stale.unlink(missing_ok=True)
    if report_dir is not None and report_dir.is_dir():
        for stale in report_dir.glob(".build*"):
            shutil.rmtree(stale, ignore_errors=True)
    if published.exists() and not kept:
        _make_build(published, build)
    return build


def current_build(published: Path, run_id: str = "") -> Path:
    """The build file of the run under way; started from the published file if missing."""
    build = build_path(published, run_id)
    return build if build.exists() else begin_build(published, run_id)


def readable_path(published: Path, run_id: str = "") -> Path:
    """Where to read the newest state: the build under way, else the published file."""
    build = build_path(published, run_id)
    return build if build.exists() else published


class PublishRefused(RuntimeError):
    pass


def publish(published: Path, run_id: str = "", report_dir: Path | None = None) -> dict[str, int]:
    """Validate the build file, atomically replace the published file with it, then its reports."""
    build = build_path(published, run_id)
    if not build.exists():
        raise PublishRefused(f"no build file at {build}: nothing to publish")
    counts = {}
    with connect(build) as con:
        for table in REQUIRED_TABLES:
            try:
                counts[table] = con.execute(f"select count(*) from {table}").fetchone()[0]
            except duckdb.CatalogException as exc:
                raise PublishRefused(f"build is incomplete, {table} is missing; keeping the published file") from exc
        con.execute("checkpoint")  # fold the WAL into the file before it moves
    keep_spare(published, lambda: os.replace(build, published))
    if report_dir is not None:
        publish_reports(report_build_dir(report_dir, run_id), report_dir)
    return counts


def keep_spare(published: Path, replace) -> None:
    """Run replace() (the atomic rename of the new file) keeping the file it replaces as the spare.

    The spare's name is given only after the rename: it never names the published file."""
    spare = spare_path(published)
    linked = spare.with_name(spare.name + "-new")
    linked.unlink(missing_ok=True)  # left by a crash between the link and its rename
    try:
        os.link(published, linked)
    except OSError:  # nothing published yet, or no hard links here: no spare, the next run copies
        linked = None
    replace()
    if linked is not None:
        os.replace(linked, spare)


def publish_reports(staged: Path, report_dir: Path) -> None:
    """Move each folder the run wrote (quality/, gx_data_docs/) over the published one."""
    if not staged.is_dir():
        return
    for part in sorted(staged.iterdir()):
        target = report_dir / part.name
        old = report_dir / f".old-{staged.name}-{part.name}"
        shutil.rmtree(old, ignore_errors=True)  # left by a crash between the two renames
        if target.exists():
            os.replace(target, old)  # two renames: the old folder is gone for microseconds only
        os.replace(part, target)
        shutil.rmtree(old, ignore_errors=True)
    shutil.rmtree(staged, ignore_errors=True)
