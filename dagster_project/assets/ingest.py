"""Ingest: raw folder → DuckDB raw schema. Thin wiring over dagster_project.loading."""


import dagster as dg

from .. import file_hashes, locking
from ..db import connect
from ..discovery import RawFolderUnavailable
from ..load_plan import ShrinkRefused
from ..loading import RAW_TABLES, create_raw_tables, sync_raw
from ..resources import FiscalWarehouse
from ..review_decisions import decisions_file, load_decisions
from ..run_inputs import inputs_fingerprint, record

RAW_KEYS = [
    dg.AssetKey(["raw", table]) for table in [*RAW_TABLES, "source_files", "review_decisions", "changed_files"]
]
# A new warehouse file is written in a storage format the DuckDB CLI on PyPI (duckdb-cli 1.5,
# `make sql`) and other 1.x clients can open; later connections keep the file's format.
NEW_FILE_CONFIG = {"storage_compatibility_version": "v1.5.0"}


@dg.multi_asset(
    specs=[
        dg.AssetSpec(key, group_name="ingest", kinds={"python", "duckdb"},
                     description=f"DuckDB raw.{key.path[-1]}: parser output, as printed, replaced per source_file.")
        for key in RAW_KEYS
    ],
    can_subset=False,
)
def raw_tables(context: dg.AssetExecutionContext, warehouse: FiscalWarehouse):
    """Discover and hash every file under FISCAL_RAW_DIR, parse the new or changed ones, load them."""
    settings = warehouse.settings()
    # One run at a time per warehouse, from here until it is published (or the run ends).
    try:
        # a warning, so the operator sees on the console why the run is not moving
        locking.acquire(settings.db_path, f"run {context.run_id}", log=context.log.warning)
    except locking.WarehouseBusy as exc:
        raise dg.Failure(description=str(exc), allow_retries=False) from exc
    # Each run starts a fresh build file from the published warehouse (publish.py).
    with connect(warehouse.build_db(fresh=True), config=NEW_FILE_CONFIG) as con:
        create_raw_tables(con)
        try:
            found = file_hashes.scan_with_hashes(con, settings.raw_dir)  # reads the new and changed files
        except RawFolderUnavailable as exc:
            raise dg.Failure(description=str(exc), allow_retries=False) from exc
        # the folder's state as walked before reading: a change during the run starts another
        state = found.fingerprint
        inputs = inputs_fingerprint(settings, state)  # what `make run` compares to skip a run with no change
        context.log.info(
            f"{len(found.files)} files under {settings.raw_dir}, {len(found.problems)} unreadable entries"
        )
        try:
            summary = sync_raw(con, found, settings.parse_workers, settings.limits)
        except ShrinkRefused as exc:
            raise dg.Failure(description=str(exc), allow_retries=False) from exc
        # the reviewer's decisions file beside the raw folder, read whole each run
        load_decisions(con, settings.raw_dir, decisions_file(settings.raw_dir, settings.decisions_path))
        record(con, inputs, state)  # published with the warehouse, by the same rename
        file_hashes.remember(con, found)  # likewise
        totals = dict(
            con.execute(
                "select 'issues_' || severity, count(*) from raw.parse_issues group by all"
            ).fetchall()
        )
        table_rows = {
            key: con.execute(f"select count(*) from raw.{key.path[-1]}").fetchone()[0] for key in RAW_KEYS
        }
    for key in RAW_KEYS:
        metadata = {"dagster/row_count": table_rows[key]}
        if key.path[-1] == "source_files":
            metadata |= {
                "files_seen": summary.files_seen,
                "files_parsed": summary.files_parsed,
                "files_unchanged": summary.files_unchanged,
                "files_removed": summary.files_removed,
                "duplicate_files": summary.duplicates,
                "unreadable_entries": summary.unreadable,
                "kept_previous_version": summary.kept_previous,
                "raw_fingerprint": state,
            }
        if key.path[-1] == "parse_issues":
            metadata |= {k: int(v) for k, v in totals.items()}
        yield dg.MaterializeResult(asset_key=key, metadata=metadata)
