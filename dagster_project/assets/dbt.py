"""The dbt project as assets: seeds, staging views and marts, downstream of the raw tables."""

import hashlib
import os
import shutil
import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
from dagster_dbt.asset_decorator import dbt_assets
from dagster_dbt.asset_utils import get_manifest_and_translator_from_dbt_assets
from dagster_dbt.core.resource import DbtCliResource
from dagster_dbt.dbt_project import DbtProject
from pydantic import Field

from .. import dbt_selection, dbt_warm
from ..db import connect
from ..publish import build_path
from ..resources import FiscalWarehouse
from ..settings import DBT_PROJECT_DIR, load_settings
from ..translator import FiscalDbtTranslator

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)

# Each run's dbt artefacts (run_results.json, compiled SQL, dbt.log: ~7 MB) go to their own folder
# under dbt/target/runs (FISCAL_DBT_RUNS_DIR); only the newest few are kept, so it stays bounded.
RUNS_KEPT = 3
PARTIAL_PARSE, PROFILE_PATH, MAKE_PARSE = dbt_warm.PARTIAL_PARSE, dbt_warm.PROFILE_PATH, dbt_warm.MAKE_PARSE


def run_target_path(
    run_id: str,
    runs_dir: Path | None = None,
    keep: int = RUNS_KEPT,
    profile_path: str = "",
    fallback: Path | None = MAKE_PARSE,
) -> Path:
    """This run's dbt target folder, seeded with an earlier parse state (dbt_warm.latest_parse: the
    newest made for the same database path); older folders pruned (prune_runs)."""
    runs_dir = runs_dir or load_settings().dbt_runs_dir
    runs_dir.mkdir(parents=True, exist_ok=True)
    seed = dbt_warm.latest_parse(runs_dir, profile_path, fallback)
    target = runs_dir / run_id[:8]
    target.mkdir(exist_ok=True)
    if seed is not None and not (target / PARTIAL_PARSE).exists():
        shutil.copy2(seed, target / PARTIAL_PARSE)
    (target / PROFILE_PATH).write_text(profile_path, encoding="utf-8")
    prune_runs(target, keep)
    return target


def prune_runs(target: Path, keep: int = RUNS_KEPT) -> None:
    """Remove the run folders beside target but the newest keep - 1 of them."""
    earlier = sorted(
        (p for p in target.parent.iterdir() if p.is_dir() and p != target), key=lambda p: p.stat().st_mtime,
        reverse=True,
    )  # fmt: skip
    for old in earlier[keep - 1 :]:
        shutil.rmtree(old, ignore_errors=True)


@contextmanager
def dbt_target(db_path: Path, alias: Path | None = None) -> Iterator[Path]:
    """Point dbt's profile (env_var FISCAL_DB_PATH) at db_path for one invocation; yields the path dbt sees.

    dbt hashes that path into its parse state, and each run's build file has its own name
    (publish.py). With `alias`, dbt sees the file under that fixed name instead, a symlink to
    db_path made for the invocation, so the next run's dbt reuses this one's parse. DuckDB
    resolves the link: its WAL stays beside the real file, which is what publish moves.
    """
    seen = db_path
    if alias is not None and alias != db_path:
        link = alias.with_name(alias.name + ".tmp-link")
        link.unlink(missing_ok=True)
        link.symlink_to(db_path.name if db_path.parent == alias.parent else db_path)
        os.replace(link, alias)  # atomic: a stale link (crashed run) is replaced, never followed
        seen = alias
    before = os.environ.get("FISCAL_DB_PATH")
    os.environ["FISCAL_DB_PATH"] = str(seen)
    try:
        yield seen
    finally:
        if before is None:
            os.environ.pop("FISCAL_DB_PATH", None)
        else:
            os.environ["FISCAL_DB_PATH"] = before
        if seen != db_path and alias.is_symlink():
            alias.unlink()


# The incremental marts (macros/incremental.sql) are only right if the rows they keep were made
# by the same SQL: a warehouse whose marts another version of the dbt project built is rebuilt whole.
BUILD_STATE = "raw.dbt_build_state"
PROJECT_PARTS = ("models", "macros", "seeds", "dbt_project.yml")


def project_fingerprint(project_dir: Path = DBT_PROJECT_DIR) -> str:
    """A hash of every file that decides what the marts hold (models, macros, seeds, dbt_project.yml)."""
    digest = hashlib.sha256()
    for part in PROJECT_PARTS:
        root = project_dir / part
        for path in sorted([root] if root.is_file() else (p for p in root.rglob("*") if p.is_file())):
            digest.update(
                path.relative_to(project_dir).as_posix().encode() + b"\0" + path.read_bytes() + b"\0"
            )
    return digest.hexdigest()


def built_fingerprint(db_path: Path) -> str | None:
    """The project fingerprint the warehouse's marts were last built with; None for a new warehouse."""
    if not db_path.exists():
        return None
    with connect(db_path, read_only=True) as con:
        return fingerprint_built(con)


def fingerprint_built(con: duckdb.DuckDBPyConnection) -> str | None:
    """built_fingerprint, read on an open connection."""
    try:
        row = con.execute(f"select project_fingerprint from {BUILD_STATE}").fetchone()
    except duckdb.CatalogException:
        return None
    return row[0] if row else None


def record_build(db_path: Path, fingerprint: str, full_refresh: bool) -> None:
    with connect(db_path) as con:
        record_build_in(con, fingerprint, full_refresh)


def record_build_in(con: duckdb.DuckDBPyConnection, fingerprint: str, full_refresh: bool) -> None:
    """record_build, on an open connection."""
    con.execute("create schema if not exists raw")
    con.execute(
        f"create or replace table {BUILD_STATE} as "
        "select ? as project_fingerprint, ? as full_refresh, current_timestamp as built_at",
        [fingerprint, full_refresh],
    )


# An incremental run builds its nodes two at a time: DuckDB releases the GIL in a statement, so
# dbt renders the next node (Jinja, its macro context: most of a small node's time) meanwhile.
# Nodes dbt runs at once never depend on each other. A full build keeps the profile's one thread:
# its nodes are DuckDB's work, which already uses every core, and two at once would raise its peak.
INCREMENTAL_THREADS = 2


def threads_args(full_refresh: bool) -> list[str]:
    """dbt's flag for how many nodes it runs at once: none (the profile's) for a full build."""
    return [] if full_refresh else ["--threads", str(INCREMENTAL_THREADS)]


class DbtBuildConfig(dg.Config):
    full_refresh: bool = Field(
        default=False,
        description="Rebuild every mart from all files (dbt --full-refresh), not only the changed files' rows.",
    )


@dbt_assets(manifest=dbt_project.manifest_path, dagster_dbt_translator=FiscalDbtTranslator())
def fiscal_dbt_assets(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: FiscalWarehouse, config: DbtBuildConfig
):
    """`dbt build`: seeds, staging, marts and their tests (reported as asset checks).

    The fact marts are incremental: only the files the load touched are rebuilt, unless the run
    asks for a full refresh or the dbt project changed since the marts were built.
    """
    db_path = warehouse.build_db()
    fingerprint = project_fingerprint()
    manifest, translator, _ = get_manifest_and_translator_from_dbt_assets([context.assets_def])
    # one connection for the work before dbt (each opening of the file: ~0.03 CPU s, up to 0.3 s wall),
    # closed before dbt opens the file: DuckDB has one writer at a time
    with connect(db_path) as con:
        full_refresh = config.full_refresh or fingerprint_built(con) != fingerprint
        selection = selection_in(con, manifest, full_refresh)
        if full_refresh:
            context.log.info("dbt build: full refresh (every model, from all files)")
            scope = ["--full-refresh"]
        elif context.is_subset:  # a subset picked in the UI runs as picked
            context.log.info("dbt build: incremental (changed files only), the models picked")
            scope = []
        else:
            context.log.info(
                f"dbt build: incremental (changed files only), {dbt_selection.describe(selection, manifest)}"
            )
            scope = selection.exclude_args(manifest)
            dbt_selection.forget_touched(con, [manifest["nodes"][uid]["name"] for uid in selection.kept])
        # The build recorded before dbt runs, on this connection: after dbt it opened the file again
        # (0.13-0.19 s at 100k, its checkpoint on closing). A build dbt fails is never published (the
        # run stops, publish.py), and dbt reads no difference: macros/changed_rows_tests.sql asks only
        # whether the table exists, which it already did unless this is a full refresh (--full-refresh).
        record_build_in(con, fingerprint, full_refresh)
    # dbt sees the run's build file under the fixed name <warehouse>.build, so its parse is reused
    with dbt_target(db_path, alias=build_path(warehouse.published_settings().db_path)) as path:
        # The older runs' folders are removed before dbt starts, not while it runs: a manifest parsed
        # ahead can name an older run's folder for a node's files, which dbt then makes again; removed
        # meanwhile, dbt failed (FileNotFoundError, test_robustness under CI's two workers).
        target = run_target_path(context.run_id, profile_path=str(path))
        # No colour codes: dbt's output ends up in log files and the Dagster UI, not a terminal.
        args = ["build", "--no-use-colors", *diagnostics_args(), *threads_args(full_refresh), *scope]
        invocation = dbt.cli(args, context=context, target_path=target)
        events = invocation.stream()
        if not full_refresh and not context.is_subset:
            events = with_kept_models(context, manifest, translator, selection, events)
        yield from stopping_on_failure(invocation.process, events)


def stopping_on_failure(process: subprocess.Popen, events: Iterator) -> Iterator:
    """dbt's events; if reading them fails or the step is stopped, dbt is stopped too.

    dagster-dbt's reader of dbt's output swallows GeneratorExit (a bare `except:`), so a step that
    failed on an event (e.g. a model missing from a stale manifest) left dbt running on the build
    file, holding its lock: the asset checks after it failed on the lock instead of the cause.
    """
    try:
        yield from events
    except BaseException:
        stop(process)
        raise


def stop(process: subprocess.Popen, timeout: float = 10) -> None:
    """Interrupt a running process as Ctrl-C would (dbt rolls back and exits), else kill it."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# dbt's diagnostics of a run cost CPU on every run: its debug log (a JSON line per statement and
# event, ~2,600 per one-file run) and its JSON artefacts (manifest.json written twice, 1.7 MB, and
# run_results.json). The run keeps dbt.log at info (each node's result, warnings, errors); dbt's own
# environment variables bring the rest back for a run that wants them (DBT_LOG_LEVEL_FILE=debug,
# DBT_WRITE_JSON=true: README "Scale and speed").
DIAGNOSTICS = {"DBT_LOG_LEVEL_FILE": ["--log-level-file", "info"], "DBT_WRITE_JSON": ["--no-write-json"]}


def diagnostics_args() -> list[str]:
    """dbt's flags for the diagnostics a run skips, unless the environment asks for them."""
    return [arg for env, args in DIAGNOSTICS.items() if env not in os.environ for arg in args]


def file_selection(db_path: Path, manifest, full_refresh: bool) -> dbt_selection.Selection:
    """The models this run's changed files reach (dbt_selection.py), the record of which raw tables
    each file has rows in brought up to date (a full build records every file's)."""
    with connect(db_path) as con:
        return selection_in(con, manifest, full_refresh)


def selection_in(con: duckdb.DuckDBPyConnection, manifest, full_refresh: bool) -> dbt_selection.Selection:
    """file_selection, on an open connection."""
    tables = dbt_selection.data_sources(manifest)
    if full_refresh:
        dbt_selection.record_all(con, tables)
        return dbt_selection.select(manifest, None)
    return dbt_selection.select(manifest, dbt_selection.touched_tables(con, tables))


def with_kept_models(context: dg.AssetExecutionContext, manifest, translator, selection, events):
    """dbt's events, and an output for each model this run does not build that an asset outside
    dbt reads (the quality step waits for every check model): it is current as built. Dagster wants
    a model told before its children, and dbt runs a model after its ancestors: a kept model is told
    just before the first of its descendants dbt tells, else at the end."""
    uid_of = {
        translator.get_asset_key(manifest["nodes"][uid]): uid for uid in [*selection.built, *selection.kept]
    }
    pending = {}  # unique id → its output, in graph order
    for uid in dbt_selection.in_graph_order(manifest, selection.kept):
        key = translator.get_asset_key(manifest["nodes"][uid])
        if any(
            child not in context.assets_def.keys for child in context.job_def.asset_layer.get(key).child_keys
        ):
            pending[uid] = dg.Output(
                None,
                output_name=context.assets_def.get_output_name_for_asset_key(key),
                metadata={"kept_as_built": "no changed file has rows in what it reads"},
            )
    for event in events:
        if isinstance(event, dg.Output) and pending:
            above = dbt_selection.upstream(
                manifest, uid_of.get(context.assets_def.keys_by_output_name.get(event.output_name))
            )
            for uid in [uid for uid in pending if uid in above]:
                yield pending.pop(uid)
        yield event
    yield from pending.values()
