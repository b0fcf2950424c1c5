"""dbt's start-up paid while the run does something else: a dbt process started early, waiting for its command.

A `dbt build` spends ~4 CPU s before its first node whatever it builds: ~2.7 importing dbt (hundreds
of mashumaro dataclasses compiling their serialisers) and ~0.7 building the JSON schemas that it
checks dbt_project.yml and the profile against. A one-file run waited for all of it in the dbt step.
run.py starts this module as a process at the run's beginning: it imports dbt and builds those
schemas while the run loads its definitions and the raw files (on the other core), then waits for
one command on its stdin. The dbt step hands it the command dagster-dbt would have started
(arguments, environment, working folder); it then runs as the `dbt` executable would, in a fresh
environment that is the step's, so dagster-dbt reads the same JSON log from its stdout, stops it
with the same signal and sees the same exit code. Without a waiting process (the Dagster UI, a
run that is not run.py's, a process that died) the step starts dbt as before.

While it waits it also parses the project (~0.8 CPU s: the partial parse read, the flat graph, the
adapter) as the step will have dbt parse it: the build file under its fixed name (assets/dbt.py
dbt_target), the newest parse made for that path as the start. The command then runs with that
manifest (dbt's `manifest` in the click context, as dbtRunner(manifest=…) passes it) only when
nothing a parse reads differs: the command's project, profiles folder, profile, target and vars,
every environment variable but the per-invocation ones (PER_INVOCATION), and the project's files;
otherwise dbt parses as before. The parse state it wrote goes into the command's target folder,
where the next run's dbt starts its partial parse from.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from importlib.metadata import version
from pathlib import Path
from typing import Any, NamedTuple

from .process_exit import exit_now
from .settings import DBT_PROJECT_DIR, PROJECT_ROOT, load_settings

_waiting: subprocess.Popen | None = None  # this process's dbt, started by start(), not yet given a command
_parse_dir: Path | None = None  # the folder it parses into (removed with an unused process)
# Clear from start() until the dbt step has handed its command over (take) or the process is ended: run.py's
# import of GX waits for it, so that its ~3 CPU s do not hold the GIL while the step prepares dbt's command.
handed = threading.Event()
handed.set()

PARTIAL_PARSE = "partial_parse.msgpack"
PROFILE_PATH = "profile_path.txt"  # in a run's dbt folder: the database path its parse was made for
# `dbt parse` of `make` (the Makefile parses with FISCAL_DB_PATH.build, the path dbt_target gives dbt)
MAKE_PARSE = DBT_PROJECT_DIR / "target" / PARTIAL_PARSE
# A parse reads the environment through dbt's DBT_* variables and the project's env_var() calls.
# These DBT_* ones differ per invocation and change nothing it parses: where its artefacts and log
# go, their format, dagster-dbt's test selection; the project and profiles folders are compared as
# the command's arguments (parse_key), whatever set them.
PER_INVOCATION = frozenset({
    "DBT_TARGET_PATH", "DBT_LOG_PATH", "DBT_LOG_FORMAT", "DBT_SEND_ANONYMOUS_USAGE_STATS", "DBT_INDIRECT_SELECTION",
    "DBT_PROJECT_DIR", "DBT_PROFILES_DIR",
})  # fmt: skip
PROFILE_ENV = "FISCAL_DBT_PROFILE"  # a file: the waiting process's command profiled into it (cProfile)
ENV_VAR_CALL = re.compile(rb"""env_var\(\s*['"]([^'"]+)['"]""")


def start(profile_path: Path | None = None) -> None:
    """Start a dbt process that prepares itself, parses the project for dbt's database at
    profile_path (the path the dbt step gives it), and waits (run.py, once per run)."""
    global _waiting, _parse_dir
    discard()
    handed.clear()
    # the module by name: the project on the path, as this process has it; stdout unbuffered, as
    # dagster-dbt runs dbt, so that its events reach the step as they happen
    path = os.pathsep.join(p for p in (str(PROJECT_ROOT), os.environ.get("PYTHONPATH", "")) if p)
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": path}
    if profile_path is not None:
        env["FISCAL_DB_PATH"] = str(profile_path)
    _parse_dir = Path(tempfile.mkdtemp(prefix="fiscal-dbt-parse-"))
    _waiting = subprocess.Popen(
        [sys.executable, "-m", __name__, str(_parse_dir)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, cwd=DBT_PROJECT_DIR, env=env,
    )  # fmt: skip


def take(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.Popen | None:
    """The waiting dbt process, now running `args` in env and cwd; None when there is none to use."""
    try:
        return _take(args, env, cwd)
    finally:
        handed.set()


def _take(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.Popen | None:
    global _waiting, _parse_dir
    process, _waiting, folder, _parse_dir = _waiting, None, _parse_dir, None
    # only for the dbt installed beside this Python (the one the process imported)
    if process is None or Path(args[0]).parent != Path(sys.executable).parent:
        _end(process, folder)
        return None
    if process.poll() is not None:  # it died preparing: dbt as before
        _end(process, folder)
        return None
    try:
        process.stdin.write(json.dumps({"args": args, "env": env, "cwd": str(cwd)}).encode() + b"\n")
        process.stdin.close()
    except OSError:
        _end(process, folder)
        return None
    process.args = args  # what dagster-dbt logs as the dbt command
    return process  # it removes its parse folder itself


def discard() -> None:
    """End the waiting process, if the run did not use it (a run that failed before dbt)."""
    global _waiting, _parse_dir
    process, _waiting, folder, _parse_dir = _waiting, None, _parse_dir, None
    _end(process, folder)
    handed.set()


def _end(process: subprocess.Popen | None, folder: Path | None) -> None:
    """An unused process has opened nothing (no warehouse, no log): killed, it loses nothing and
    spends no more CPU on its imports; its parse folder goes."""
    if process is not None:
        process.kill()
        process.wait()
        for stream in (process.stdin, process.stdout):
            stream.close()
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


def prepare() -> None:
    """What every dbt command does first, done before its command is known."""
    import dbt.adapters.duckdb  # the profile's adapter, loaded when the profile is read
    import dbt.cli.main
    import dbt.task.build  # noqa: F401
    from dbt.adapters.duckdb.credentials import DuckDBCredentials
    from dbt.contracts.project import PackageConfig, ProfileConfig, Project, ProjectFlags
    from dbt.contracts.selection import SelectorFile

    # their JSON schemas are built on first use and cached (dbtClassMixin.json_schema: lru_cache)
    for contract in (DuckDBCredentials, PackageConfig, ProfileConfig, Project, ProjectFlags, SelectorFile):
        contract.json_schema()


def latest_parse(runs_dir: Path, profile_path: str, fallback: Path | None = MAKE_PARSE) -> Path | None:
    """The parse state a dbt run should start from: the newest run's made for the same database
    path (dbt reuses a parse only for the profile it was made with: else a full parse, ~6 CPU s),
    else the newest run's, else `make`'s own."""
    if runs_dir.is_dir():
        parsed = sorted(
            (p for p in runs_dir.iterdir() if (p / PARTIAL_PARSE).is_file()), key=lambda p: p.stat().st_mtime,
            reverse=True,
        )  # fmt: skip
        same_path = [p for p in parsed if _made_for(p) == profile_path]
        if same_path or parsed:
            return (same_path or parsed)[0] / PARTIAL_PARSE
    return fallback if fallback is not None and fallback.is_file() else None


def _made_for(run_dir: Path) -> str | None:
    try:
        return (run_dir / PROFILE_PATH).read_text(encoding="utf-8")
    except OSError:
        return None


class Parsed(NamedTuple):
    """The project as parsed ahead, and what the parse read."""

    manifest: Any  # dbt's Manifest
    key: tuple  # parse_key of the parse's arguments
    env: dict[str, str | None]  # the variables it read (read_env), as they were
    files: dict[str, tuple[int, int]]
    state: Path  # the partial_parse.msgpack it leaves


def parse_ahead(folder: Path) -> Parsed | None:
    """Parse the project as the dbt step will (its profiles folder is the project's: resources.py),
    from the newest parse made for this database path; None when dbt could not."""
    from dbt.cli.main import dbtRunner

    seed = latest_parse(load_settings().dbt_runs_dir, os.environ.get("FISCAL_DB_PATH", ""))
    if seed is not None:
        shutil.copy2(seed, folder / PARTIAL_PARSE)
    project = str(DBT_PROJECT_DIR)
    args = ["parse", "--project-dir", project, "--profiles-dir", project, "--target-path", str(folder),
            "--log-path", str(folder), "--log-level", "none", "--log-level-file", "none", "--no-write-json"]  # fmt: skip
    files = project_files()
    # nothing on the stdout dagster-dbt reads but the command's output
    with contextlib.redirect_stdout(io.StringIO()):
        result = dbtRunner().invoke(args)
    if not result.success or not (folder / PARTIAL_PARSE).is_file():
        return None
    env = read_env(dict(os.environ), result.result)
    return Parsed(result.result, parse_key(["dbt", *args]), env, files, folder / PARTIAL_PARSE)


def read_env(env: dict[str, str], manifest, root: Path = DBT_PROJECT_DIR) -> dict[str, str | None]:
    """The variables of env a parse of the project reads: dbt's own (DBT_*, less PER_INVOCATION), each
    name the project's files pass to env_var(), and those dbt recorded in the manifest."""
    names = {k for k in env if k.startswith("DBT_")} | set(getattr(manifest, "env_vars", {}))
    for path in root.rglob("*"):
        if path.is_file() and path.relative_to(root).parts[0] not in OUTPUT_FOLDERS:
            names |= {m.decode() for m in ENV_VAR_CALL.findall(path.read_bytes())}
    return {k: env.get(k) for k in sorted(names - PER_INVOCATION)}


def parse_key(args: list[str]) -> tuple:
    """What in a dbt command's arguments decides its parse: the arguments before the command, its
    project and profiles folders, profile, target and vars (as dbt reads them: arguments, else
    DBT_* variables, else its defaults)."""
    params = command_params(args)
    if params is None:
        return ("unreadable", *args)
    names = ("project_dir", "profiles_dir", "profile", "target", "vars")
    return (*params["before"], *(str(params.get(name)) for name in names))


def command_params(args: list[str]) -> dict[str, Any] | None:
    """The parameters of a dbt command as dbt's command line reads them (and the arguments before the
    command, under "before"); None when it cannot (dbt will say why)."""
    import click
    from dbt.cli.main import cli

    name = next((a for a in args[1:] if a in cli.commands), None)
    if name is None:
        return None
    try:
        with cli.commands[name].make_context(name, args[args.index(name) + 1 :]) as ctx:
            return {**ctx.params, "before": args[1 : args.index(name)]}
    except click.ClickException:
        return None


OUTPUT_FOLDERS = {"target", "logs", "dbt_packages"}  # what dbt writes (or installs) in the project


def project_files(root: Path = DBT_PROJECT_DIR) -> dict[str, tuple[int, int]]:
    """Every project file dbt may read (not its output folders), with its size and change time."""
    return {
        str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in root.rglob("*")
        if p.is_file() and p.relative_to(root).parts[0] not in OUTPUT_FOLDERS
    }


def parsed_for(parsed: Parsed | None, args: list[str], env: dict[str, str]) -> tuple[Any, str]:
    """The manifest parsed ahead if the command (args, env; files as they are now) would parse the
    same, else None (dbt parses); and what differs."""
    if parsed is None:
        return None, "no parse ahead"
    names = {*parsed.env, *(k for k in env if k.startswith("DBT_"))} - PER_INVOCATION
    changed = sorted(k for k in names if env.get(k) != parsed.env.get(k))
    if changed:
        return None, "environment variables differ: " + ", ".join(changed)
    if parse_key(args) != parsed.key:
        return None, "another project, profiles folder, profile, target or vars"
    if project_files() != parsed.files:
        return None, "the project's files changed"
    return parsed.manifest, ""


# A selector that is a plain name (no path dots, no wildcards): the only kind dbt_selection excludes by
PLAIN_NAME = re.compile(r"[^.*?\[\]]+")


def quicken() -> None:
    """Six costs of dbt's Python that change nothing it does or writes, cut in this process only
    (dbt started any other way keeps them):

    - matching each name of --exclude against every node: ~60 names times ~240 nodes, three times
      per `dbt build` (with and without unit tests, then for the queue); a plain name is looked up
      in an index of the names it would match (dbt's rule: the node's name, or the first part of
      its package or of its folder path), each other selector matched as dbt does;
    - writing every event as a line for each log (a JSON dict, a dump, the secrets scrubbed) that
      the log's level then drops: ~2,000 debug events of a one-file run, twice; a line is now made
      only if its log will write it, by the same test its Python logger applies;
    - compiling the same Jinja templates in every run: their code is kept (compiling_once);
    - copying a node's macros into its Jinja context one name at a time, each looked up through the
      namespace's five scopes (~570 names per context, ~180 contexts): copied from one merged dict
      (flat_namespace);
    - making a message (a second protobuf, the event's text, time and thread) of each event no log
      writes and no callback reads (~2,000 debug events of a one-file run): skipped (unwritten);
    - building agate's type testers anew for each statement's result (~200 a run, each making
      parsedatetime calendars): one per set of text columns, as dbt keeps its default one (agate_types).
    """
    import logging

    import jinja2
    from dbt.context.macros import MacroNamespace
    from dbt.context.manifest import ManifestContext
    from dbt.graph.selector_methods import QualifiedNameSelectorMethod
    from dbt.tracking import track_behavior_change_warn as tracking
    from dbt_common.events import logger as event_logger
    from dbt_common.events.event_manager import EventManager

    search, indexes = QualifiedNameSelectorMethod.search, {}

    def indexed_search(method, included_nodes, selector):
        if not PLAIN_NAME.fullmatch(selector):
            yield from search(method, included_nodes, selector)
            return
        manifest = method.manifest
        if id(manifest) not in indexes:  # (the manifest kept with its index: an id is not reused)
            indexes[id(manifest)] = (manifest, *name_index(method.non_source_nodes(_Everything())))
        _, index, versioned = indexes[id(manifest)]
        yield from (uid for uid in index.get(selector, ()) if uid in included_nodes)
        yield from (uid for uid, node in versioned
                    if uid in included_nodes and method.node_is_match(selector, node.fqn, True))  # fmt: skip

    write_line = event_logger._Logger.write_line
    # the Python log level each event level is sent at (dbt_common's send_to_logger)
    levels = {"debug": logging.DEBUG, "test": logging.DEBUG, "info": logging.INFO, "warn": logging.WARNING,
              "error": logging.ERROR}  # fmt: skip

    def write_line_if_logged(log, msg):
        python_log = log._python_logger
        dropped = (python_log is not None and not event_logger._is_print_event(msg) and msg.info.level in levels
                   and not python_log.isEnabledFor(levels[msg.info.level]))  # fmt: skip
        if not dropped:
            write_line(log, msg)

    context_to_dict = ManifestContext.to_dict

    def to_dict_flat(context):
        if type(context.namespace) is not MacroNamespace:  # (a test's namespace: dbt's own way)
            return context_to_dict(context)
        dct = super(ManifestContext, context).to_dict()
        dct.update(flat_namespace(context.namespace))
        return dct

    fire_event = EventManager.fire_event

    def fire_event_if_read(manager, e, level=None, node=None, force_warn_or_error_handling=False):
        checked = force_warn_or_error_handling or os.environ.get("DBT_TEST_BINARY_SERIALIZATION")
        if not checked and unwritten(manager, e, level, levels, tracking):
            return
        fire_event(manager, e, level, node, force_warn_or_error_handling)

    agate_types()
    QualifiedNameSelectorMethod.search = indexed_search
    event_logger._Logger.write_line = write_line_if_logged
    ManifestContext.to_dict = to_dict_flat
    EventManager.fire_event = fire_event_if_read
    try:
        compiled = jinja2.FileSystemBytecodeCache()
    except (OSError, RuntimeError):  # no private temporary folder to be had: dbt compiles as it does
        return
    prune(compiled)
    jinja2.Environment.compile = compiling_once(jinja2.Environment.compile, compiled)


def flat_namespace(namespace) -> dict:
    """What `dict.update(namespace)` adds from a dbt MacroNamespace, made in one pass: each name's
    value from the first scope of its search order holding it, the names in the namespace's order."""
    merged: dict = {}
    for scope in reversed(list(namespace._search_order())):
        merged.update(scope)  # the earlier scope's value wins
    return {name: merged[name] for name in namespace}


def agate_types() -> None:
    """dbt turns each statement's result into an agate table, its column types found by a type tester
    that dbt_common builds anew per result (its seven types; agate's dates each make a parsedatetime
    calendar, ~1 ms), and an empty result's table by agate's default tester. A tester keeps no state
    between tables (dbt shares its DEFAULT_TYPE_TESTER across threads): one is kept per set of text
    columns and null values, and an empty table is given its (no) column types directly."""
    import agate
    from dbt_common.clients import agate_helper

    build, testers = agate_helper.build_type_tester, {}

    def build_type_tester_once(text_columns, string_null_values=("null", "")):
        key = (frozenset(text_columns), None if string_null_values is None else tuple(string_null_values))
        if key not in testers:
            testers[key] = build(text_columns, string_null_values)
        return testers[key]

    agate_helper.build_type_tester = build_type_tester_once
    agate_helper.empty_table = lambda: agate.Table(rows=[], column_types=())


PRINT_EVENTS = ("PrintEvent", "ShowNode", "CompiledNode")  # dbt_common's PRINT_EVENT_NAMES: always written


def unwritten(manager, event, level, levels: dict[str, int], tracking) -> bool:
    """Whether dbt's event manager would make the event into a message only for no one to use it:
    a debug-level event (never a warning dbt may turn into an error), every log dropping it at its
    level (write_line_if_logged's test) and no callback but dbt's tracking (`tracking`), which reads
    only another event."""
    level_name = level.value if level else event.level_tag().value
    name = type(event).__name__
    if level_name not in ("debug", "test") or name in PRINT_EVENTS or not manager.loggers:
        return False
    if name == "BehaviorChangeEvent" or any(callback is not tracking for callback in manager.callbacks):
        return False
    return all(
        log._python_logger is not None and not log._python_logger.isEnabledFor(levels[level_name])
        for log in manager.loggers
    )


# A compiled template is kept a week from when it was written: each version of the dbt project adds
# a few hundred entries (keyed by source), and a template still in use is compiled once a week again.
KEPT_SECONDS = 7 * 24 * 3600


def prune(compiled, kept_seconds: float = KEPT_SECONDS, now: float | None = None) -> int:
    """Remove the entries of a Jinja bytecode cache written more than kept_seconds ago; how many."""
    import fnmatch
    import time

    cutoff = (time.time() if now is None else now) - kept_seconds
    pattern, removed = compiled.pattern % "*", 0
    try:
        entries = list(os.scandir(compiled.directory))
    except OSError:
        return 0
    for entry in entries:
        with contextlib.suppress(OSError):  # another process removed or rewrote it meanwhile
            if fnmatch.fnmatch(entry.name, pattern) and entry.stat().st_mtime < cutoff:
                os.unlink(entry.path)
                removed += 1
    return removed


def compiling_once(compile_template, compiled):
    """Jinja's compile (of a template's source into Python code), kept in `compiled` (a Jinja
    bytecode cache) across runs.

    dbt compiles each node's SQL and each macro it calls from their Jinja source in every run
    (~330 templates in a one-file run: parse, generate, compile), Jinja's bytecode cache being only
    for templates of a loader. The code is kept per source and per everything of the environment
    that shapes it (its classes, extensions, filter and test names, syntax; the versions of Jinja
    and dbt); Jinja's cache checks the source and the Python version, and writes atomically."""

    def compile_once(env, source, name=None, filename=None, raw=False, defer_init=False):
        config = compile_config(env) if isinstance(source, str) and not raw else None
        if config is None:
            return compile_template(env, source, name, filename, raw, defer_init)
        key = repr((config, name, filename, defer_init, hashlib.sha256(source.encode()).hexdigest()))
        bucket = compiled.get_bucket(env, key, None, source)
        if bucket.code is None:
            bucket.code = compile_template(env, source, name, filename, raw, defer_init)
            compiled.set_bucket(bucket)
        return bucket.code

    return compile_once


def compile_config(env) -> tuple | None:
    """What of a Jinja environment shapes the code it compiles a source into; None for a setting
    whose effect a key cannot tell (a callable autoescape or finalize) or dbt's macro debugging."""
    from dbt_common.clients import jinja as dbt_jinja

    if callable(env.autoescape) or env.finalize is not None or dbt_jinja.MACRO_DEBUGGING:
        return None
    syntax = tuple(getattr(env, name) for name in JINJA_SYNTAX)
    return (
        _versions(), _qualname(type(env)), _qualname(env.code_generator_class),
        sorted(_qualname(type(e)) for e in env.extensions.values()), sorted(env.filters), sorted(env.tests),
        env.optimized, env.autoescape, env.is_async, syntax,
    )  # fmt: skip


JINJA_SYNTAX = (
    "block_start_string", "block_end_string", "variable_start_string", "variable_end_string",
    "comment_start_string", "comment_end_string", "line_statement_prefix", "line_comment_prefix",
    "trim_blocks", "lstrip_blocks", "newline_sequence", "keep_trailing_newline",
)  # fmt: skip


@functools.cache
def _versions() -> tuple[str, ...]:
    return tuple(version(package) for package in ("jinja2", "dbt-common", "dbt-core"))


def _qualname(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


class _Everything:
    def __contains__(self, _) -> bool:
        return True


def name_index(nodes) -> tuple[dict[str, list[str]], list]:
    """plain name → the unique ids of the (unversioned) nodes dbt's fqn method matches it with: those
    whose fqn (package, folders…, name) ends in it or whose package or first folder, up to a dot,
    is it; and the versioned nodes, matched by dbt's own rule."""
    index: dict[str, list[str]] = {}
    versioned = []
    for uid, node in nodes:
        if node.is_versioned:
            versioned.append((uid, node))
            continue
        fqn = node.fqn
        for name in {fqn[-1], *(part.split(".")[0] for part in fqn[:2])}:
            index.setdefault(name, []).append(uid)
    return index, versioned


def serve(folder: Path | None = None) -> int:
    """The waiting process: prepare and parse, read one command, run it as the `dbt` executable does."""
    prepare()
    parsed = None
    if folder is not None:
        try:
            parsed = parse_ahead(folder)
        except Exception:  # noqa: BLE001 — dbt parses when the command runs, and says what is wrong
            parsed = None
    line = sys.stdin.readline()
    if not line.strip():
        return 0  # the run ended without a dbt step
    request = json.loads(line)
    os.environ.clear()
    os.environ.update(request["env"])
    os.chdir(request["cwd"])
    sys.argv = ["dbt", *request["args"][1:]]
    from dbt.cli.main import cli

    manifest, differs = parsed_for(parsed, sys.argv, request["env"])
    # a plain line (not dbt's JSON): dagster-dbt copies it into the run's log
    print("fiscal: dbt " + (f"parses the project: {differs}" if differs else "runs with the project parsed ahead"), flush=True)  # fmt: skip
    if manifest is not None:  # the command's target folder gets the parse state dbt would have left
        # (dbt_project.yml's target folder when the command names none)
        target = Path(request["cwd"]) / (command_params(sys.argv)["target_path"] or "target")
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy2(parsed.state, target / PARTIAL_PARSE)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)
    quicken()
    profile = os.environ.get(PROFILE_ENV)
    with profiled(Path(profile)) if profile else contextlib.nullcontext():
        try:  # dbt's command line ends with SystemExit (click's standalone mode), its exit code in it
            cli.main(args=sys.argv[1:], prog_name="dbt", obj={"manifest": manifest})
        except SystemExit as done:
            return exit_code(done.code)
        finally:
            close_warehouse()
    return 0


def exit_code(code: object) -> int:
    """The process exit code sys.exit(code) gives: None 0, an int itself, anything else printed and 1."""
    if code is None or isinstance(code, int):
        return code or 0
    print(code, file=sys.stderr)
    return 1


def close_warehouse() -> None:
    """Close dbt-duckdb's database if dbt left it open (a profile with keep_open), so that it is
    checkpointed before the process ends without its teardown (process_exit.exit_now); dbt has
    usually closed it already with its last connection."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    if DuckDBConnectionManager._ENV is not None:
        DuckDBConnectionManager._ENV.close()


@contextlib.contextmanager
def profiled(path: Path):
    """cProfile of this thread and every thread started meanwhile (dbt runs its nodes in a pool)."""
    import cProfile
    import pstats
    import threading

    profilers = [cProfile.Profile()]
    thread_run = threading.Thread.run

    def run(thread):
        profilers.append(cProfile.Profile())
        profilers[-1].runcall(thread_run, thread)

    threading.Thread.run = run
    path.with_suffix(".args.json").write_text(json.dumps(sys.argv), encoding="utf-8")
    profilers[0].enable()
    try:
        yield
    finally:
        profilers[0].disable()
        threading.Thread.run = thread_run
        pstats.Stats(*profilers).dump_stats(path)


if __name__ == "__main__":
    # without the teardown: ~0.8 s between dbt's last event and the step seeing the process end
    exit_now(serve(Path(sys.argv[1]) if len(sys.argv) > 1 else None))
