"""Atomic publish: runs build into a private copy, then swap it in with one rename.

Analysts keep read-only connections on the published file while runs happen.
DuckDB would refuse a writer while they hold it, and they must never see a
half-built warehouse. So a run copies the published file (keeping the raw
layer and its content hashes, for incremental loads), builds into the copy,
checks it, and renames it over the published path. Open connections keep
reading the old file (POSIX keeps the unlinked inode) until they reconnect.
A failed run leaves the published file untouched.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb

REQUIRED_TABLES = ("raw.source_files", "marts.fct_report", "quality.violations")


def build_path(published: Path) -> Path:
    return published.with_name(published.name + ".build")


def begin_build(published: Path) -> Path:
    """Start a fresh build file from the published one (or from nothing)."""
    build = build_path(published)
    build.parent.mkdir(parents=True, exist_ok=True)
    for stale in (build, build.with_name(build.name + ".wal")):
        stale.unlink(missing_ok=True)
    if published.exists():
        shutil.copyfile(published, build)
    return build


def current_build(published: Path) -> Path:
    """The build file of the run under way; started from the published file if missing."""
    build = build_path(published)
    return build if build.exists() else begin_build(published)


def readable_path(published: Path) -> Path:
    """Where to read the newest state: the build under way, else the published file."""
    build = build_path(published)
    return build if build.exists() else published


class PublishRefused(RuntimeError):
    pass


def publish(published: Path) -> dict[str, int]:
    """Validate the build file and atomically replace the published file with it."""
    build = build_path(published)
    if not build.exists():
        raise PublishRefused(f"no build file at {build}: nothing to publish")
    counts = {}
    with duckdb.connect(str(build)) as con:
        for table in REQUIRED_TABLES:
            try:
                counts[table] = con.execute(f"select count(*) from {table}").fetchone()[0]
            except duckdb.CatalogException as exc:
                raise PublishRefused(f"build is incomplete, {table} is missing; keeping the published file") from exc
        con.execute("checkpoint")  # fold the WAL into the file before it moves
    os.replace(build, published)
    return counts
