"""`make run`: the full build in this process, told on the console in a few lines.

Dagster's event log stays complete in the instance (the UI shows every event); the console
gets one line per stage (what it did, how long it took) and, at the end, where the warehouse
and the report are. Dagster's INFO log and dbt's output go to <DAGSTER_HOME>/logs/fiscal.log.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import resource
import sys
import threading
import time
import traceback
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any, TextIO

from . import locking
from .discovery import RawFolderUnavailable
from .process_exit import exit_now
from .run_inputs import inputs_fingerprint, published_fingerprint
from .settings import PROJECT_ROOT, Settings, load_settings

JOB = "fiscal_full_build"
LOG_NAME = "fiscal.log"

# Dagster's SQLite event log, each database's connection kept open (event_log.py); the same files.
_EVENT_LOG_STORAGE = """\
event_log_storage:
  module: dagster_project.event_log
  class: ReusingSqliteEventLogStorage
  config:
    base_dir: "{storage_dir}"
"""

# The instance configuration `make run` and `make dev` share. Written once; an operator's own
# dagster.yaml is never overwritten.
DAGSTER_YAML = """\
# Written by `python -m dagster_project.run` (make run / make dev); edit freely, it is not rewritten.
# One fiscal_full_build run at a time: the daemon queues a second run until the first ends
# (jobs.py tags the job; dagster_project/locking.py also covers runs started by hand).
concurrency:
  runs:
    tag_concurrency_limits:
      - key: "fiscal/warehouse"
        limit: 1
telemetry:
  enabled: false
""" + _EVENT_LOG_STORAGE + """\
python_logs:
  python_log_level: INFO
  dagster_handler_config:
    handlers:
      file:
        class: logging.FileHandler
        level: INFO
        filename: "{log_file}"
        formatter: plain
    formatters:
      plain:
        format: "%(asctime)s %(levelname)s %(message)s"
"""

# What run.py wrote before it named the event log storage (Dagster's default class, same files).
_EARLIER_YAML = DAGSTER_YAML.replace(_EVENT_LOG_STORAGE, "")


def dagster_home() -> Path:
    """DAGSTER_HOME (the Makefile sets it to .dagster_home in the project), created if missing."""
    home = Path(os.environ.get("DAGSTER_HOME") or PROJECT_ROOT / ".dagster_home").resolve()
    os.environ["DAGSTER_HOME"] = str(home)
    home.mkdir(parents=True, exist_ok=True)
    return home


def prepare_home(home: Path) -> Path:
    """DAGSTER_HOME with a dagster.yaml (quiet, logging to a file); returns the log file's path."""
    log_file = home / "logs" / LOG_NAME
    log_file.parent.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    written = config.read_text(encoding="utf-8") if config.exists() else None
    # ours as an earlier version wrote it, unedited: brought up to date; an edited one stays as it is
    if written is None or written == _EARLIER_YAML.format(log_file=log_file.as_posix(), storage_dir=""):
        text = DAGSTER_YAML.format(log_file=log_file.as_posix(), storage_dir=(home / "storage").as_posix())
        config.write_text(text, encoding="utf-8")
    return log_file


_DBT_ERRORS = "Errors parsed from dbt logs:"


def one_line(text: str, limit: int = 400) -> str:
    """Text on one line (runs of whitespace folded), cut to limit characters."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def cause(error) -> str:
    """Why a step failed, in one line: the first error of the chain that is not Dagster's wrapper.

    Dagster wraps an exception raised in a step ("Error occurred while executing …"): the reason
    an operator needs (no space left on device, lock held by …, raw folder missing) is the
    wrapped exception, and for a failed dbt command the errors dbt logged. When the exception
    was itself caused by an OS error whose text it does not repeat, that is added.
    """
    chain = []
    while error is not None:
        chain.append(error)
        error = error.cause or error.context
    reasons = [e for e in chain if not e.cls_name.startswith("Dagster") or _DBT_ERRORS in (e.message or "")]
    chosen = (reasons or chain)[0]
    message = (chosen.message or "").strip()
    if _DBT_ERRORS in message:  # dagster-dbt puts dbt's own error lines after this heading
        text = "dbt: " + one_line(message.split(_DBT_ERRORS, 1)[1])
    elif chosen.cls_name == "Failure":  # raised by our assets with a message for the operator
        text = one_line(message.split(": ", 1)[-1])
    else:
        text = one_line(f"{chosen.cls_name}: {message.split(': ', 1)[-1]}")
    root = chain[-1]
    root_text = one_line((root.message or "").split(": ", 1)[-1])
    # An OS error's reason without its path ("[Errno 28] No space left on device: 'x'"), else its whole text.
    gist = root_text.split("] ", 1)[1].split(": ", 1)[0] if root_text.startswith("[Errno") else root_text
    if root is not chosen and gist and gist not in text:
        text += f" (cause: {root.cls_name}: {root_text})"
    return text


def _value(metadata: dict[str, Any], key: str) -> Any:
    entry = metadata.get(key)
    return getattr(entry, "value", entry)


def cpu_seconds() -> float:
    """CPU time of this process (all threads) and of its ended children (dbt, parse workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _import_gx() -> None:
    """Great Expectations, as the quality step imports it (a step importing it meanwhile waits for this
    import to end: Python's import lock); a failure is left for the step to raise.

    It starts once the dbt step has handed dbt its command (dbt_warm.handed): until then the step's
    own work (its selection, dbt's run folder, the command) waits for the GIL at each file or database
    call while this import holds it, and dbt with it."""
    from . import dbt_warm

    dbt_warm.handed.wait(HANDOVER_WAIT_SECONDS)
    with contextlib.suppress(Exception):
        from expectations import gx_import

        gx_import.load()


class Progress:
    """Collects a run's events per step and prints one line when a step ends."""

    def __init__(self, out: TextIO, started: float):
        self.out = out
        self.started = started
        # (step, wall s, CPU s) per ended step, measured as its end is stored (listen)
        self.timings: list[tuple[str, float, float]] = []
        self._mark = (started, cpu_seconds())
        self.metadata: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)  # step → asset → metadata
        self.checks: dict[str, list[bool]] = defaultdict(list)  # step → passed per check
        self.failed_steps: list[tuple[str, str]] = []
        self.warehouse: str | None = None

    def say(self, text: str) -> None:
        print(f"  [{time.monotonic() - self.started:6.1f}s] {text}", file=self.out, flush=True)

    def listen(self, entry) -> None:
        """Dagster's listener of the run's events (called in the run's thread as each is stored): the
        console failing must not fail the run, whose events are in the event log already."""
        try:
            self.event(entry)
        except Exception as exc:  # noqa: BLE001 — said on the console, the run goes on
            self.say(f"(the console missed an event: {one_line(f'{type(exc).__name__}: {exc}')})")

    def event(self, entry) -> None:
        from dagster import DagsterEventType  # loaded by run() by now; not at import (see run)

        event = entry.dagster_event
        if event is None:
            return
        step = event.step_key or ""
        kind = event.event_type
        if kind == DagsterEventType.ASSET_MATERIALIZATION:
            materialization = event.event_specific_data.materialization
            self.metadata[step]["/".join(materialization.asset_key.path)] = dict(materialization.metadata)
        elif kind == DagsterEventType.ASSET_CHECK_EVALUATION:
            self.checks[step].append(bool(event.event_specific_data.passed))
        elif kind == DagsterEventType.STEP_SUCCESS:
            self.lap(step)
            self.preload_checks(step)
            line = self.describe(step)
            if line:
                self.say(line)
        elif kind == DagsterEventType.STEP_FAILURE:
            error = event.event_specific_data.error
            message = cause(error) if error else "failed"
            self.failed_steps.append((step, message))
            self.say(f"{step}: FAILED — {message}")

    def preload_checks(self, step: str) -> None:
        """Once the load has changed files, GX (~3 CPU s to import) is imported in this process while
        dbt builds in its own, on the other core, instead of in the quality step after dbt (_import_gx)."""
        files = self.metadata.get(step, {}).get("raw/source_files")
        if files and (_value(files, "files_parsed") or _value(files, "files_removed")):
            threading.Thread(target=_import_gx, name="gx-preload", daemon=True).start()

    def lap(self, step: str) -> None:
        now, cpu = time.monotonic(), cpu_seconds()
        self.timings.append((step, now - self._mark[0], cpu - self._mark[1]))
        self._mark = (now, cpu)

    def describe(self, step: str) -> str | None:
        assets = self.metadata.get(step, {})
        checks = self.checks.get(step, [])
        if "raw/source_files" in assets:
            files = assets["raw/source_files"]
            reports = _value(assets.get("raw/reports", {}), "dagster/row_count")
            issues = _value(assets.get("raw/parse_issues", {}), "dagster/row_count")
            return (
                f"parse and load: {_value(files, 'files_seen')} files "
                f"({_value(files, 'files_parsed')} parsed, {_value(files, 'files_unchanged')} unchanged, "
                f"{_value(files, 'files_removed')} removed), {reports} reports, {issues} parse issues"
            )
        if "quality/violations" in assets:
            quality = assets["quality/violations"]
            return (
                f"quality checks: {_value(quality, 'checks_run')} rules, "
                f"{_value(quality, 'dagster/row_count')} violations (findings, not failures), "
                f"{_value(quality, 'hints')} rounding hints"
            )
        if "report/dq_report" in assets:
            report = assets["report/dq_report"]
            return (
                f"quality report: {_value(report, 'violation_errors')} errors, "
                f"{_value(report, 'violation_warnings')} warnings, "
                f"{_value(report, 'root_causes')} root causes"
            )
        if "warehouse/fiscal_duckdb" in assets:
            self.warehouse = str(_value(assets["warehouse/fiscal_duckdb"], "path"))
            return f"published: {self.warehouse}"
        if assets:  # the dbt step: one materialization per model and seed
            failed = checks.count(False)
            built = [key for key, metadata in assets.items() if "kept_as_built" not in metadata]  # assets/dbt.py
            return f"dbt build: {len(built)} models and seeds, {len(checks)} tests ({failed} failed)"
        return None  # steps that only check (raw layer, finance rules): their results are in the UI


def unchanged_since_published(settings: Settings, out: TextIO) -> bool:
    """True when this run's inputs are those the published warehouse and report were built from.

    Asked under the warehouse lock: a run under way may be about to publish other inputs, so
    this waits for it (as a run would) and compares with what it published.
    """
    if not (settings.report_dir / "quality" / "index.html").is_file():
        return False  # the report is gone (or goes elsewhere now): the run writes it
    locking.acquire(
        settings.db_path, "no-change check", log=lambda text: print(f"fiscal: {text}", file=out, flush=True)
    )
    try:
        published = published_fingerprint(settings.db_path)
        return published is not None and inputs_fingerprint(settings) == published
    except RawFolderUnavailable:
        return False  # the run says why it cannot read the folder
    finally:
        locking.release(settings.db_path)


DBT_OP = "fiscal_dbt_assets"  # assets/dbt.py: its run config has full_refresh
EVENT_BATCH_SIZE = 1000  # events per batch at most: more than a run plans
# How long GX's import waits for dbt's command (_import_gx) at most: the step that would hand it has failed.
HANDOVER_WAIT_SECONDS = 60


def run(
    out: TextIO | None = None, timings: bool = False, force: bool = False, full_refresh: bool = False
) -> int:
    """Execute fiscal_full_build against DAGSTER_HOME's instance; 0 when the pipeline ran.

    Unless forced (or a full refresh), a run whose inputs (raw folder, decisions file, bounds,
    code) are those of the published warehouse does nothing and says so. With timings, prints
    each step's wall and CPU seconds at the end (bench/run.py reads them). With full_refresh,
    dbt rebuilds every mart from all files (else only the changed files' rows).
    """
    out = out or sys.stdout
    start_wall, start_cpu = time.monotonic(), cpu_seconds()
    settings = load_settings()
    log_file = prepare_home(dagster_home())  # before the instance loads, so it reads the config
    if not (force or full_refresh) and unchanged_since_published(settings, out):
        spent = (time.monotonic() - start_wall, cpu_seconds())  # CPU since the process began: imports too
        return report_no_change(settings, log_file, out, spent if timings else None)
    # Library warnings (Dagster's beta notices) go to logging, not the console (Great Expectations
    # switched this on when it was imported with the definitions; it now loads in its step).
    logging.captureWarnings(True)
    # dbt imports itself (~3 CPU s) on the other core while this process loads and ingests (dbt_warm.py)
    from . import dbt_warm
    from .publish import build_path

    dbt_warm.start(build_path(settings.db_path))  # dbt sees the run's build file under this name (assets/dbt.py)
    run_id = str(uuid.uuid4())  # known up front: the build file is named after it, the event log followed by it
    # the warehouse copied to the run's build file while Dagster loads; kept only if still the published one
    from .publish import prepare_build

    prepare_build(settings.db_path, run_id)
    try:
        return _run(settings, log_file, out, timings, full_refresh, start_wall, start_cpu, run_id)
    finally:
        dbt_warm.discard()


def _run(
    settings: Settings, log_file: Path, out: TextIO, timings: bool, full_refresh: bool, start_wall: float,
    start_cpu: float, run_id: str,
) -> int:
    """The pipeline run of run(), once it knows there is something to do."""
    # A new run's ~190 planned asset and check events handed to the event log as one batch, which
    # event_log.py stores in one transaction per database (Dagster batches only these, when this is set).
    os.environ.setdefault("DAGSTER_EVENT_BATCH_SIZE", str(EVENT_BATCH_SIZE))
    # here, not at import: Dagster and the definitions (dbt's manifest, every asset's imports) cost
    # seconds of CPU that a run with nothing to do does not pay
    import dagster as dg

    from .definitions import defs

    load_time = (time.monotonic() - start_wall, cpu_seconds() - start_cpu)
    started = time.monotonic()
    print(f"fiscal: building {settings.db_path} from {settings.raw_dir}", file=out, flush=True)
    progress = Progress(out, started)
    outcome: dict[str, Any] = {}

    with dg.DagsterInstance.get() as instance, open(log_file, "a", encoding="utf-8", buffering=1) as log:

        def execute() -> None:
            try:
                # dbt's own output (dagster-dbt echoes it to stdout) belongs in the log, not the console.
                with contextlib.redirect_stdout(log):
                    outcome["result"] = defs.resolve_job_def(JOB).execute_in_process(
                        instance=instance,
                        run_id=run_id,
                        raise_on_error=False,
                        run_config={
                            "loggers": {"console": {"config": {"log_level": "WARNING"}}},
                            "ops": {DBT_OP: {"config": {"full_refresh": full_refresh}}},
                        },
                    )
            except Exception as exc:  # noqa: BLE001 — reported below; the thread must not die silently
                outcome["error"] = exc

        # SQLAlchemy's ORM whole before a second thread can import it: GX's preload imports it while the
        # job's thread stores events through SQLAlchemy, whose core then reaches into the half-imported
        # ORM ("partially initialized module 'sqlalchemy.orm.exc'": 2 of 16 runs failed in the dbt step).
        import sqlalchemy.orm  # noqa: F401
        # The console hears of each event as the run's thread stores it: reading them back from the
        # event log every 0.6 s cost a SQLite query (~4 ms of CPU) each, on the log's lock the run's
        # thread writes under, and told a step's end (its timing, GX's preload) up to 0.6 s late.
        instance.add_event_listener(run_id, progress.listen)
        # A daemon thread: Ctrl-C ends the command; the half-done build file is private (publish.py).
        worker = threading.Thread(target=execute, name="fiscal-run", daemon=True)
        worker.start()
        worker.join()

    elapsed = time.monotonic() - started
    result = outcome.get("result")
    if "error" in outcome or result is None or not result.success:
        error = outcome.get("error")
        reason = (
            one_line(f"{type(error).__name__}: {error}") if error
            else "; ".join(f"{s}: {m}" for s, m in progress.failed_steps) or "see the log"
        )
        print(f"fiscal: the run failed after {elapsed:.0f}s: {reason}", file=sys.stderr, flush=True)
        print(f"  log: {log_file}  ·  run {run_id} in the Dagster UI (make dev)", file=sys.stderr, flush=True)
        return 1
    print(f"fiscal: done in {elapsed:.0f}s", file=out, flush=True)
    if timings:
        total = (time.monotonic() - start_wall, cpu_seconds() - start_cpu)
        steps = [("load definitions", *load_time), *progress.timings, ("total", *total)]
        for step, wall, cpu in steps:
            print(f"  timing {step}: wall {wall:.2f} s, cpu {cpu:.2f} s", file=out)
    print(f"  warehouse: {progress.warehouse or settings.db_path}   (make sql opens it read-only)", file=out)
    # the run writes its report in a private folder that publish moves into place with the warehouse
    print(f"  report:    {settings.report_dir / 'quality' / 'index.html'}", file=out)
    print(f"  log:       {log_file}", file=out, flush=True)
    return 0


def report_no_change(
    settings: Settings, log_file: Path, out: TextIO, timing: tuple[float, float] | None
) -> int:
    """A run with nothing to do: say so on the console and in the log; the published files stay as they are."""
    message = (
        f"no change since {settings.db_path} was published (same raw files, decisions file, "
        "bounds and code): nothing to do"
    )
    with open(log_file, "a", encoding="utf-8") as log:
        log.write(f"{time.strftime('%Y-%m-%d %H:%M:%S')} INFO fiscal: {message}\n")
    print(f"fiscal: {message}", file=out, flush=True)
    if timing:
        print(f"  timing no-change check: wall {timing[0]:.2f} s, cpu {timing[1]:.2f} s", file=out)
        print(f"  timing total: wall {timing[0]:.2f} s, cpu {timing[1]:.2f} s", file=out)
    print(f"  warehouse: {settings.db_path}   (make sql opens it read-only)", file=out)
    print(f"  report:    {settings.report_dir / 'quality' / 'index.html'}", file=out)
    print(f"  log:       {log_file}", file=out, flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dagster_project.run", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--prepare-home", action="store_true", help="only write DAGSTER_HOME/dagster.yaml (for make dev)"
    )
    parser.add_argument("--timings", action="store_true", help="print each step's wall and CPU seconds at the end")
    parser.add_argument(
        "--force", action="store_true", help="build even when nothing changed since the last publish"
    )
    parser.add_argument(
        "--full-refresh", action="store_true", help="rebuild every mart from all files (make run FULL=1)"
    )
    args = parser.parse_args(argv)
    try:
        if args.prepare_home:
            prepare_home(dagster_home())
            return 0
        return run(timings=args.timings, force=args.force, full_refresh=args.full_refresh)
    except Exception as exc:  # noqa: BLE001 - the traceback for the developer, the reason last for the operator
        traceback.print_exc()
        print(f"fiscal: the run could not start: {one_line(f'{type(exc).__name__}: {exc}')}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    exit_now(main())
