"""Discover, hash, parse and load report files into the DuckDB raw schema.

Plain Python (no Dagster): the ingest assets, the tests and the benchmark all
call these functions. Loading is incremental and idempotent: a file is parsed
again only when its content hash changes, and its rows are replaced as a unit
(delete by source_file + insert, with its raw.source_files row) in one transaction.
Every file whose raw rows a load writes or deletes is listed in raw.changed_files (this
load's only): the incremental marts rebuild exactly those files' rows (dbt/macros/incremental.sql).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import queue
import sys
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl
import pyarrow as pa

from .db import connect
from .discovery import Discovery, SourceFile, is_utf8_name, open_regular, scan
from .file_faults import (
    READ_ISSUE_CODES,
    UNREAD,
    StillChanging,
    crashed_result,
    keeps_previous,
    kept_issue,
    non_utf8_name_issue,
    read_issues,
    still_changing_result,
    unread_result,
    worker_failed_result,
)
from .load_plan import DUPLICATE, Known, check_shrink, plan_load
from .parse_pool import Failed, imap_isolated
from .parsers import parse_bytes, too_large
from .parsers.bounds import MB, FileTooLarge, check_file_size
from .parsers.issues import make as make_issue
from .parsers.records import ParseIssue, ParseResult
from .raw_arrow import RAW_TABLES, ParsedFile, record_frame, table_of, to_parsed_file
from .settings import Limits, load_limits

SQL_DIR = Path(__file__).parent / "sql"
LOAD_BATCH_FILES = 500  # parsed files held in memory at once while loading
LOAD_BATCH_BYTES = 64 * MB  # ... and their Arrow data (~100 bytes a row): a batch of large files is loaded sooner
# Loading pandas (0.3 CPU s, on one new file's path) lets the workers pack rows with pa.array, ~1 ms a
# file faster: worth it from a few hundred files.
PANDAS_FROM_FILES = 300
# Files given to or finished by each parser process and not yet taken by the loader (memory bound): the
# one it runs, the next queued behind it (parse_pool.AHEAD) and one finished behind an earlier, slower file.
PARSE_WINDOW = 3


@dataclass(frozen=True)
class LoadSummary:
    files_seen: int
    files_parsed: int
    files_unchanged: int
    files_removed: int
    duplicates: int
    rows: dict[str, int]  # rows inserted per raw table in this load
    unreadable: int = 0  # entries that could not be read (their loaded rows kept)
    kept_previous: int = 0  # loaded files whose new version could not be read (their loaded rows kept)


def discover(raw_dir: Path) -> list[SourceFile]:
    """Every readable regular file under raw_dir, recursively (see discovery.scan)."""
    return scan(raw_dir).files


def _parse_one(job: tuple[str, str, str, Limits]) -> ParseResult:
    """Parse one file; whatever goes wrong becomes an issue of that file, never an exception."""
    path, source_file, sha256, limits = job
    try:
        data = read_stable(Path(path), sha256, limits)
    except FileTooLarge as exc:
        return too_large(source_file, exc)
    except StillChanging as exc:
        return still_changing_result(source_file, str(exc))
    except OSError as exc:
        return unread_result(source_file, exc)
    try:
        result = parse_bytes(data, source_file, limits)
    except Exception as exc:  # noqa: BLE001 - a parser bug costs this file, not the batch
        result = crashed_result(source_file, exc)
    if not is_utf8_name(path):
        result.issues.insert(0, non_utf8_name_issue(source_file))
    return result


def read_stable(path: Path, sha256: str, limits: Limits) -> bytes:
    """The file's bytes, read once: the ones hashed at discovery, or StillChanging.

    What is parsed is what the warehouse records (hash and size): a file still being
    written (size or modification time moving, or other bytes than were hashed) is
    left for the next run.
    """
    with open_regular(path) as fh:  # never a FIFO or device swapped in after the walk
        before = os.fstat(fh.fileno())
        check_file_size(before.st_size, limits)  # before reading it into memory
        data = fh.read(int(limits.file_mb * MB) + 1)  # a file growing meanwhile is cut at the bound
    check_file_size(len(data), limits)
    after = os.stat(path)
    if (before.st_size, before.st_mtime_ns) != (after.st_size, after.st_mtime_ns) or len(data) != after.st_size:
        raise StillChanging(f"{before.st_size} → {after.st_size} bytes while read")
    if hashlib.sha256(data).hexdigest() != sha256:
        raise StillChanging("content differs from when the folder was scanned")
    return data


def _parse_for_load(job: tuple[str, str, str, Limits]) -> ParsedFile:
    """_parse_one, its records packed into Arrow arrays here in the worker (raw_arrow.py)."""
    result = _parse_one(job)
    try:
        return to_parsed_file(result)
    except Exception as exc:  # noqa: BLE001 - a value no raw column can hold costs this file, not the batch
        crashed = crashed_result(result.source_file, exc)
        crashed.issues[:0] = [i for i in result.issues if i.code == "non_utf8_file_name"]
        return to_parsed_file(crashed)


def parse_sources(files: list[SourceFile], workers: int = 1, limits: Limits | None = None) -> Iterator[ParseResult]:
    """Parse files in worker processes (FISCAL_PARSE_WORKERS), yielding results in input order.

    Each file is parsed in a worker process that can die or be stopped without the
    others noticing: a file that kills its worker (out of memory, a crash in a C
    library) is a `parser_crashed` issue, one still parsing after limits.seconds a
    `parse_timeout`, and the rest of the batch goes on. A small window of parsed
    files waits for the loader, so results never pile up in memory.
    """
    yield from _in_workers(_parse_one, files, workers, limits, lambda result: result)


def parse_for_load(files: list[SourceFile], workers: int = 1, limits: Limits | None = None) -> Iterator[ParsedFile]:
    """parse_sources as the loader takes it: each file's rows already Arrow arrays, made by its worker."""
    if len(files) >= PANDAS_FROM_FILES:  # pa.array in the workers (raw_arrow.py); they inherit it
        import pandas  # noqa: F401
    yield from _in_workers(_parse_for_load, files, workers, limits, to_parsed_file)


def _in_workers(func, files: list[SourceFile], workers: int, limits: Limits | None, convert) -> Iterator:
    limits = limits or load_limits()
    jobs = [(f.location, f.source_file, f.sha256, limits) for f in files]
    outcomes = imap_isolated(func, jobs, workers, limits.seconds, max(1, workers) * PARSE_WINDOW)
    for f, outcome in zip(files, outcomes):
        if isinstance(outcome, Failed):  # its worker died or ran out of time
            outcome = convert(worker_failed_result(f.source_file, outcome.kind, outcome.detail))
        yield outcome


def create_raw_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute((SQL_DIR / "create_raw_tables.sql").read_text(encoding="utf-8"))


def load_directory(raw_dir: Path, db_path: Path, workers: int = 1) -> LoadSummary:
    """Bring the raw schema of db_path in line with the files under raw_dir."""
    found = scan(raw_dir)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    con = connect(db_path)
    try:
        create_raw_tables(con)
        return sync_raw(con, found, workers)
    finally:
        con.close()


def sync_raw(
    con: duckdb.DuckDBPyConnection, found: Discovery | list[SourceFile], workers: int = 1,
    limits: Limits | None = None,
) -> LoadSummary:
    if not isinstance(found, Discovery):
        found = Discovery(files=list(found))
    known = {
        name: Known(sha, families == DUPLICATE, families, rejected)
        for name, sha, families, rejected in con.execute(
            "select s.source_file, s.sha256, s.families, r.sha256 "
            "from raw.source_files s left join raw.rejected_versions r using (source_file)"
        ).fetchall()
    }
    plan = plan_load(known, found)  # duplicates and removals decided against the warehouse too
    check_shrink(len(known), plan.removed)
    # The last load's list (its marts are built) goes: the table is made again, not emptied, because
    # DuckDB keeps counting deleted rows in its estimate (the last full load's thousands of files), and
    # dbt's joins with this short list then build their hash table from the other side, every source line.
    con.execute("create or replace table raw.changed_files (source_file varchar primary key)")
    to_parse = plan.to_parse
    by_name = {f.source_file: f for f in to_parse} | {n: f for n, (f, _) in plan.duplicates.items()}
    rows = dict.fromkeys(RAW_TABLES, 0)

    def results() -> Iterator[ParsedFile]:
        yield from parse_for_load(to_parse, workers, limits)
        for f, owner in plan.duplicates.values():
            yield to_parsed_file(_duplicate_result(f, owner))

    # Each file's rows are replaced in one transaction together with its raw.source_files
    # row, batch by batch: memory stays flat however many files arrive, and an interrupted
    # load leaves every file either fully old, fully new or absent (then parsed next time).
    # Analysts never see a load in progress: runs write to a private copy (publish.py).
    _replace(con, plan.removed, {})
    _replace_read_issues(con, found)
    _forget_rejections(con, plan.cleared)
    unread = kept = 0
    # Batches are gathered by a thread while the one before is inserted: the parse workers no
    # longer wait for the inserts (DuckDB releases the GIL), one batch more held in memory.
    # Closed on an error here too: the thread and the parse workers stop before it is raised.
    batches = _read_ahead(_batched(results(), LOAD_BATCH_FILES, LOAD_BATCH_BYTES))
    with contextlib.closing(batches):
        for batch in batches:
            # A file that could not be read keeps its rows; only its read issue is recorded.
            failed = [r for r in batch if r.families == [UNREAD]]
            # A loaded file whose new version cannot be read keeps its rows too, and that version is remembered.
            rejected = [
                r for r in batch if r.source_file in known and keeps_previous(_loaded_families(known[r.source_file]), r)
            ]
            set_aside = {id(r) for r in rejected}
            batch = [r for r in batch if r.families != [UNREAD] and id(r) not in set_aside]
            unread += len(failed)
            kept += len(rejected)
            if failed:
                _insert(con, "parse_issues", table_of(failed, "parse_issues"))
                _mark_changed(con, [r.source_file for r in failed])
            _record_rejections(con, [(by_name[r.source_file], r) for r in rejected])
            tables = {table: table_of(batch, table) for table in RAW_TABLES}
            tables["source_files"] = _source_file_frame([(by_name[r.source_file], r) for r in batch])
            _replace(con, [r.source_file for r in batch], tables, loaded=known)
            for table in RAW_TABLES:
                rows[table] += len(tables[table])
    return LoadSummary(
        files_seen=len(found.files),
        files_parsed=len(to_parse) - unread - kept,
        files_unchanged=plan.unchanged,
        files_removed=len(plan.removed),
        duplicates=plan.duplicate_count,
        rows=rows,
        unreadable=len(found.problems) + unread,
        kept_previous=kept,
    )


def _loaded_families(k: Known) -> str | None:
    return None if k.duplicate else k.families


def _record_rejections(con: duckdb.DuckDBPyConnection, rejected: list[tuple[SourceFile, ParsedFile]]) -> None:
    """Keep these files' loaded rows; record the version that could not be read and its one issue."""
    if not rejected:
        return
    now = datetime.now(UTC).replace(tzinfo=None)
    issues = [kept_issue(r) for _, r in rejected]
    versions = pl.DataFrame(
        [(f.source_file, f.sha256, issue.code, now) for (f, _), issue in zip(rejected, issues)],
        schema={"source_file": pl.String, "sha256": pl.String, "code": pl.String, "rejected_at": pl.Datetime("us")},
        orient="row",
    )
    con.execute("begin transaction")
    try:
        _forget_rejections(con, [f.source_file for f, _ in rejected])
        _insert(con, "rejected_versions", versions)
        _mark_changed(con, [f.source_file for f, _ in rejected])
        _insert(con, "parse_issues", record_frame(issues, ParseIssue))
        con.execute("commit")
    except Exception:
        with contextlib.suppress(duckdb.Error):  # a failed commit has ended the transaction already
            con.execute("rollback")
        raise


def _forget_rejections(con: duckdb.DuckDBPyConnection, source_files: list[str]) -> None:
    """Drop the record of a rejected version and its issue (the file is back, replaced or gone)."""
    if not source_files:
        return
    names = pl.DataFrame({"source_file": source_files}, schema={"source_file": pl.String}).to_arrow()
    con.register("forgotten_files", names)
    _mark_changed(con, source_files)
    con.execute(
        "delete from raw.parse_issues p using raw.rejected_versions r "
        "where p.source_file = r.source_file and p.line_no = 0 and p.code = r.code "
        "and r.source_file in (select source_file from forgotten_files)"
    )
    con.execute("delete from raw.rejected_versions where source_file in (select source_file from forgotten_files)")
    con.unregister("forgotten_files")


def _replace_read_issues(con: duckdb.DuckDBPyConnection, found: Discovery) -> None:
    """This run's problems reading the folder replace the last run's (they are not file content)."""
    codes = ", ".join(f"'{c}'" for c in READ_ISSUE_CODES)
    issues = record_frame(read_issues(found), ParseIssue)
    before = con.execute(f"select distinct source_file from raw.parse_issues where code in ({codes})").fetchall()
    _mark_changed(con, [name for (name,) in before] + issues["source_file"].to_list())
    con.execute(f"delete from raw.parse_issues where code in ({codes})")
    _insert(con, "parse_issues", issues)


def _insert(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame | pa.Table) -> None:
    if len(frame):
        con.register("new_rows", frame.to_arrow() if isinstance(frame, pl.DataFrame) else frame)
        con.execute(f"insert into raw.{table} by name select * from new_rows")
        con.unregister("new_rows")


def _mark_changed(con: duckdb.DuckDBPyConnection, source_files: list[str]) -> None:
    """List files whose raw rows this load touches (raw.changed_files: the marts rebuild their rows)."""
    if source_files:
        names = pl.DataFrame({"source_file": sorted(set(source_files))}, schema={"source_file": pl.String})
        con.register("changed_now", names.to_arrow())
        con.execute("insert or ignore into raw.changed_files select source_file from changed_now")
        con.unregister("changed_now")


def _batched(results: Iterable[ParsedFile], files: int, nbytes: int) -> Iterator[list[ParsedFile]]:
    """Batches of at most `files` results, cut sooner once they hold `nbytes` bytes of rows."""
    batch, held = [], 0
    for result in results:
        batch.append(result)
        held += result.nbytes
        if len(batch) >= files or held >= nbytes:
            yield batch
            batch, held = [], 0
    if batch:
        yield batch


def _read_ahead(items: Iterator, depth: int = 1) -> Iterator:
    """items, drawn by a thread at most `depth` ahead of the consumer; its exception re-raised here.

    When the consumer stops early (an error while inserting), the thread stops at its next item
    and closes `items` (which stops the parse workers) before this generator returns.
    """
    ready: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def offer(entry) -> None:
        while not stop.is_set():
            with contextlib.suppress(queue.Full):
                ready.put(entry, timeout=0.1)
                return

    def draw() -> None:
        try:
            for item in items:
                if stop.is_set():
                    break
                offer((item, None))
            offer((_END, None))
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer, raised there
            offer((_END, exc))
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()

    thread = threading.Thread(target=draw, name="load-read-ahead", daemon=True)
    thread.start()
    try:
        while True:
            item, exc = ready.get()
            if item is _END:
                if exc is not None:
                    raise exc
                return
            yield item
    finally:
        stop.set()
        thread.join()


_END = object()  # _read_ahead: no more items


def _replace(
    con: duckdb.DuckDBPyConnection, source_files: list[str], frames: dict[str, pl.DataFrame | pa.Table],
    loaded: Iterable[str] | None = None,
) -> None:
    """Delete every raw row of these files and insert the new frames, in one transaction.

    Only files the warehouse has loaded (`loaded`: raw.source_files; None: any) have rows to
    delete: the rows of any other name are this run's read issues (_replace_read_issues). A
    full build, or a new file, then scans no raw table (each delete reads the whole table).
    """
    if not source_files:
        return
    deleted = source_files if loaded is None else [n for n in source_files if n in loaded]
    names = pl.DataFrame({"source_file": deleted}, schema={"source_file": pl.String})
    con.execute("begin transaction")
    try:
        con.register("replaced_files", names.to_arrow())
        _forget_rejections(con, source_files)  # also marks them changed
        for table in [*RAW_TABLES, "source_files"] if deleted else []:
            con.execute(f"delete from raw.{table} where source_file in (select source_file from replaced_files)")
        for table, frame in frames.items():
            _insert(con, table, frame)
        con.execute("commit")
    except Exception:
        # A failed commit (a full disk) has ended the transaction already: its error is the one to raise.
        with contextlib.suppress(duckdb.Error):
            con.execute("rollback")
        raise
    finally:
        con.unregister("replaced_files")


def _source_file_frame(parsed: list[tuple[SourceFile, ParsedFile]]) -> pl.DataFrame:
    now = datetime.now(UTC).replace(tzinfo=None)
    return pl.DataFrame(
        [(f.source_file, f.sha256, f.size_bytes, ",".join(r.families), r.line_count, now) for f, r in parsed],
        schema={"source_file": pl.String, "sha256": pl.String, "size_bytes": pl.Int64,
                "families": pl.String, "line_count": pl.Int64, "loaded_at": pl.Datetime("us")},
        orient="row",
    )


def _duplicate_result(f: SourceFile, original: str) -> ParseResult:
    result = ParseResult(source_file=f.source_file, families=[DUPLICATE])
    result.issues.append(
        make_issue("duplicate_file", f.source_file, original=original)
    )
    return result


if __name__ == "__main__":  # python -m dagster_project.loading RAW_DIR DB_PATH
    summary = load_directory(Path(sys.argv[1]), Path(sys.argv[2]))
    print(summary)
