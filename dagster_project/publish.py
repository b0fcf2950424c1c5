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

The copy is O(warehouse) (~1.3 s wall for 935 MB in the page cache, up to ~9 s from disk), so
`make run` starts it early (``prepare_build``), beside the definitions' import, before the run
holds the lock. The run keeps that copy only if the published file is still the one copied (same
inode, size and modification time before and after the copy, and now, under the lock: published
files are replaced by a rename, never written in place); else it copies again, as before.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
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


# build file → (the thread copying into it, the published file's identity it copied, or None)
_prepared: dict[Path, tuple[threading.Thread, list]] = {}


def _identity(path: Path) -> tuple[int, int, int, int]:
    status = os.stat(path)
    return status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns


def prepare_build(published: Path, run_id: str) -> None:
    """Start copying the published file to the run's build file in a thread (begin_build decides if it is kept)."""
    if not run_id or not published.exists():
        return
    build = build_path(published, run_id)
    copied: list = []

    def copy() -> None:
        with contextlib.suppress(OSError):  # e.g. the disk full: begin_build copies again and says so
            before = _identity(published)
            shutil.copyfile(published, build)
            if _identity(published) == before:  # not replaced or written while it was read
                copied.append((before, _identity(build)))

    thread = threading.Thread(target=copy, name="build-copy", daemon=True)
    _prepared[build] = (thread, copied)
    thread.start()


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
        shutil.copyfile(published, build)
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
    os.replace(build, published)
    if report_dir is not None:
        publish_reports(report_build_dir(report_dir, run_id), report_dir)
    return counts


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
