"""The dbt process started early (dagster_project/dbt_warm.py) runs the command the dbt step hands it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

from dagster_project import dbt_selection, dbt_warm
from dagster_project.assets.dbt import dbt_project, dbt_target
from dagster_project.publish import build_path
from dagster_project.resources import dbt_resource
from dagster_project.settings import DBT_PROJECT_DIR


def test_without_a_waiting_process_or_for_another_dbt_the_step_starts_dbt_itself():
    assert dbt_warm.take(["dbt", "build"], dict(os.environ), DBT_PROJECT_DIR) is None  # none started
    other = str(Path(sys.executable).parent.parent / "elsewhere" / "dbt")
    dbt_warm.start()
    waiting, folder = dbt_warm._waiting, dbt_warm._parse_dir
    assert dbt_warm.take([other, "build"], dict(os.environ), DBT_PROJECT_DIR) is None
    assert waiting.returncode is not None and not folder.exists()  # ended, not left waiting


def test_the_hand_over_is_signalled_once_dbt_has_its_command_or_none_will_come():
    """run.py's import of GX waits for dbt_warm.handed: clear from start() until take() or discard()."""
    assert dbt_warm.handed.is_set()  # no waiting process: nothing to wait for
    other = str(Path(sys.executable).parent.parent / "elsewhere" / "dbt")
    dbt_warm.start()
    assert not dbt_warm.handed.is_set()
    # dbt then started by the step itself
    assert dbt_warm.take([other, "build"], dict(os.environ), DBT_PROJECT_DIR) is None
    assert dbt_warm.handed.is_set()
    dbt_warm.start()
    assert not dbt_warm.handed.is_set()
    dbt_warm.discard()  # the run ended before its dbt step
    assert dbt_warm.handed.is_set()


def run_waiting(command: list[str], env: dict[str, str], profile_path: Path) -> tuple[int, list[str], list]:
    """A waiting process started for profile_path, given command: its exit code, its plain lines, and
    the tests dbt ran (unique id, status)."""
    dbt_warm.start(profile_path)
    folder = dbt_warm._parse_dir
    process = dbt_warm.take(command, env, DBT_PROJECT_DIR)
    assert process.args == command  # what dagster-dbt logs as the command
    assert dbt_warm.take(command, env, DBT_PROJECT_DIR) is None  # one command per process
    lines = process.stdout.read().decode().splitlines()
    code = process.wait(timeout=120)
    process.stdout.close()
    assert not folder.exists()  # its parse folder is gone
    events = [json.loads(line) for line in lines if line.startswith("{")]
    finished = [(e["data"]["node_info"]["unique_id"], e["data"]["node_info"]["node_status"])
                for e in events if e["info"]["name"] == "LogTestResult"]  # fmt: skip
    return code, [line for line in lines if not line.startswith("{")], finished


@contextmanager
def as_make_parsed(tmp_path: Path, monkeypatch) -> Iterator[Path]:
    """dbt pointed at an empty warehouse (a test's query fails) under the name make's parse was made
    for (the build file of FISCAL_DB_PATH, the Makefile's): a parse ahead or a partial parse starts from
    it. Yields the path dbt sees."""
    import duckdb

    published = Path(
        os.environ.get("FISCAL_DB_PATH") or DBT_PROJECT_DIR.parent / "warehouse" / "fiscal.duckdb"
    )
    monkeypatch.setenv("FISCAL_DBT_RUNS_DIR", str(tmp_path / "runs"))  # no earlier run: make's parse
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    made = not published.parent.exists()
    published.parent.mkdir(parents=True, exist_ok=True)  # the link's folder (a fresh clone has none yet)
    try:
        with dbt_target(empty, alias=build_path(published)) as seen:
            yield seen
    finally:
        if made:
            published.parent.rmdir()


def dagster_dbt_env(target: Path) -> dict[str, str]:
    """The environment dagster-dbt runs dbt in, its artefacts in target."""
    return {**os.environ, "DBT_TARGET_PATH": str(target), "DBT_LOG_PATH": str(target), "DBT_LOG_FORMAT": "json",
            "DBT_PROJECT_DIR": str(DBT_PROJECT_DIR), "DBT_PROFILES_DIR": str(DBT_PROJECT_DIR)}  # fmt: skip


def test_the_project_parsed_ahead_runs_the_command_as_dbt_would_and_another_environment_parses(
    tmp_path, monkeypatch
):
    """The waiting process parses the project while it waits; the command runs in the environment it is
    given with that manifest (the same nodes, the same exit code for a failing test, a valid parse state
    left for the next run), unless something it parses differs: then dbt parses as it always did."""
    target = tmp_path / "target"
    test = "unique_fund_sources_fund_source"
    command = [dbt_resource().dbt_executable, "test", "--select", test]
    runs = {}
    with as_make_parsed(tmp_path, monkeypatch) as seen:
        env = dagster_dbt_env(target)
        runs["ahead"] = run_waiting(command, env, seen)
        state = (target / dbt_warm.PARTIAL_PARSE).read_bytes()
        runs["parsed"] = run_waiting(command, {**env, "DBT_PRINTER_WIDTH": "100"}, seen)
    assert runs["ahead"][1] == ["fiscal: dbt runs with the project parsed ahead"]
    assert runs["parsed"][1] == [
        "fiscal: dbt parses the project: environment variables differ: DBT_PRINTER_WIDTH"
    ]
    assert runs["ahead"][0] == runs["parsed"][0] == 1  # dbt's exit code for a failed node
    (node, status), *more = runs["ahead"][2]
    assert node.startswith(f"test.fiscal.{test}.") and status == "error" and not more  # no such table
    assert runs["parsed"][2] == runs["ahead"][2]
    # the parse state the first left is where the second's dbt started: valid, so dbt left it as it was
    assert (target / dbt_warm.PARTIAL_PARSE).read_bytes() == state


def test_a_command_for_other_vars_a_target_or_a_project_does_not_run_with_the_parse_ahead(monkeypatch):
    monkeypatch.chdir(DBT_PROJECT_DIR)  # where the waiting process runs dbt (dbt's defaults are from there)
    base = ["dbt", "build", "--exclude", "resource_type:seed"]
    key = dbt_warm.parse_key(base)
    assert dbt_warm.parse_key([*base, "--select", "fqn:*"]) == key  # what it builds is not what it parses
    for other in (["--vars", "{money_units: x}"], ["--target", "prod"], ["--profile", "other"],
                  ["--project-dir", "/elsewhere"], ["--profiles-dir", "/elsewhere"]):  # fmt: skip
        assert dbt_warm.parse_key([*base, *other]) != key, other
    assert dbt_warm.parse_key(["dbt", "--debug", "build"]) != dbt_warm.parse_key(["dbt", "build"])


def test_a_plain_name_looks_up_the_nodes_dbt_would_match_it_with():
    """The waiting process's index of plain names (dbt_warm.name_index) against dbt's own rule
    (QualifiedNameSelectorMethod.node_is_match), for every node of the project and every name
    anywhere in a node's fqn (models, tests, folders, the project), and a name none has."""
    from dbt.graph.selector_methods import QualifiedNameSelectorMethod

    manifest = json.loads(dbt_project.manifest_path.read_text(encoding="utf-8"))
    nodes = [
        (uid, SimpleNamespace(fqn=node["fqn"], is_versioned=False)) for uid, node in manifest["nodes"].items()
    ]
    names = {part for _, node in nodes for segment in node.fqn for part in segment.split(".")} | {
        "no_such_node"
    }
    index, versioned = dbt_warm.name_index(nodes)
    matches = QualifiedNameSelectorMethod.node_is_match
    for name in names:
        expected = [uid for uid, node in nodes if matches(None, name, node.fqn, False)]
        assert sorted(index.get(name, [])) == sorted(expected), name
    assert not versioned and len(index["fiscal"]) == len(nodes)  # the project's name: every node
    assert len(index["staging"]) == 19 and "no_such_node" not in index  # a top folder: the nodes under it
    assert index["fct_report"] == ["model.fiscal.fct_report"]


def test_the_waiting_process_selects_and_says_what_dbt_itself_does(tmp_path, monkeypatch):
    """The incremental run's selection (dbt_selection.exclude_args, and a folder's name) with
    dagster-dbt's fqn:*, listed by the waiting process (its index of names, its logs making only the
    lines they keep) and by dbt started as dagster-dbt starts it, both from make's parse: the same
    nodes in the same order, the same events on stdout."""
    manifest = json.loads(dbt_project.manifest_path.read_text(encoding="utf-8"))
    tables = {
        "reports",
        "fund_rows",
        "indicators",
        "source_lines",
        "source_files",
    }  # a self-evaluation file's
    selection = dbt_selection.select(manifest, tables)
    scope = selection.exclude_args(manifest)
    command = [dbt_resource().dbt_executable, "ls", "--resource-type", "model", "--resource-type", "test",
               *scope[:3], scope[3] + " intermediate", "--select", "fqn:*"]  # fmt: skip
    listed = {}
    with as_make_parsed(tmp_path, monkeypatch) as seen:
        for route in ("waiting", "dbt"):
            env = dagster_dbt_env(tmp_path / route)
            if route == "waiting":
                dbt_warm.start(seen)
                process = dbt_warm.take(command, env, DBT_PROJECT_DIR)
            else:  # from make's parse, as the waiting process's parse ahead
                (tmp_path / route).mkdir()
                shutil.copy2(dbt_warm.MAKE_PARSE, tmp_path / route / dbt_warm.PARTIAL_PARSE)
                process = subprocess.Popen(command, stdout=subprocess.PIPE, env=env, cwd=DBT_PROJECT_DIR)
            lines = process.stdout.read().decode().splitlines()
            assert process.wait(timeout=120) == 0
            process.stdout.close()
            events = [json.loads(line)["info"] for line in lines if line.startswith("{")]
            listed[route] = [
                (e["name"], e["level"], e["msg"] if e["name"] == "PrintEvent" else "") for e in events
            ]
    assert listed["waiting"] == listed["dbt"]
    names = [msg for name, _, msg in listed["dbt"] if name == "PrintEvent"]
    run = [".".join(manifest["nodes"][uid]["fqn"]) for uid in [*selection.built, *selection.tests]]
    assert sorted(names) == sorted(
        n for n in run if not n.startswith("fiscal.intermediate.")
    )  # the folder too
    assert (
        len(names) == 33  # 41 before a mart's foreign keys became one test and tests of unreached models were skipped (h38d)
        and "fiscal.marts.fct_report" in names
        and "fiscal.marts.fct_budget_line" not in names
    )


def test_a_jinja_template_is_compiled_once_per_source_and_environment(tmp_path):
    """dbt's own Jinja environments (text and native) compile a macro through the cache: the second
    compile of a source is read back (the same code, rendering the same), another environment's or
    another source's is compiled anew."""
    import jinja2
    from dbt_common.clients.jinja import get_environment

    cache = jinja2.FileSystemBytecodeCache(str(tmp_path))
    compile_once = dbt_warm.compiling_once(jinja2.Environment.compile, cache)
    source = "select {{ x | as_text }}{% if x %} as n{% endif %}"
    first = compile_once(get_environment(), source)
    assert len(list(tmp_path.iterdir())) == 1 and first == jinja2.Environment.compile(
        get_environment(), source
    )
    again = compile_once(get_environment(), source)
    assert again == first and len(list(tmp_path.iterdir())) == 1
    env = get_environment()
    assert (
        env.template_class.from_code(env, again, {}).render({"x": 1})
        == env.from_string(source).render({"x": 1})
        == "select 1 as n"
    )
    compile_once(get_environment(native=True), source)  # other filters, another code generator
    compile_once(get_environment(), source + " ")
    assert len(list(tmp_path.iterdir())) == 3
    assert compile_once(get_environment(), source, raw=True) == jinja2.Environment.compile(
        get_environment(), source, raw=True
    )  # Python source, not cached
    assert len(list(tmp_path.iterdir())) == 3


def test_compiled_templates_older_than_a_week_are_removed(tmp_path):
    """The Jinja cache does not grow with every version of the dbt project: entries written more than
    a week ago go (a template still in use is compiled once more); other files stay."""
    import jinja2

    cache = jinja2.FileSystemBytecodeCache(str(tmp_path))
    now = 1_800_000_000
    for name, age_days in (("old", 8), ("recent", 6)):
        path = tmp_path / (cache.pattern % name)
        path.write_bytes(b"x")
        os.utime(path, (now - age_days * 86400, now - age_days * 86400))
    other = tmp_path / "not_a_template.txt"
    other.write_text("kept")
    os.utime(other, (now - 30 * 86400, now - 30 * 86400))
    assert dbt_warm.prune(cache, now=now) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([cache.pattern % "recent", other.name])


def test_a_nodes_macros_go_into_its_context_as_dbt_copies_them():
    """flat_namespace gives what dbt's `dict.update(namespace)` adds to a node's context: each name's
    value from the first scope holding it (the node's package, the root package, the packages by name,
    `dbt`, the adapters' macros), in the same order, a name the context had keeping its place."""
    from dbt.context.macros import MacroNamespace

    one, two, three, four, five, six = (object() for _ in range(6))
    namespace = MacroNamespace(
        global_namespace={"a": one, "b": two},
        local_namespace={"a": three, "c": four},
        global_project_namespace={"d": five, "b": six, "c": one},
        packages={"fiscal": {"a": one, "b": two}, "d": {"x": two}},
    )
    expected, got = {"dbt_version": 1, "b": 0}, {"dbt_version": 1, "b": 0}
    expected.update(namespace)
    got.update(dbt_warm.flat_namespace(namespace))
    assert list(got) == list(expected) and all(got[k] is expected[k] for k in expected)
    assert (got["a"], got["b"], got["c"], got["d"]) == (three, two, four, {"x": two})
    assert got["dbt"] == {"d": five, "b": six, "c": one} and len(got) == 7


def test_an_event_is_left_unmade_only_when_no_log_writes_it_and_no_callback_reads_it():
    """unwritten, against dbt's own event manager: an event it leaves out is one that, fired, writes
    nothing to a log at info and reaches no callback but dbt's tracking; every other is written."""
    import io

    from dbt.adapters.events.types import SQLQuery
    from dbt.events.types import LogTestResult
    from dbt.tracking import track_behavior_change_warn as tracking
    from dbt_common.events import logger as event_logger
    from dbt_common.events.base_types import EventLevel
    from dbt_common.events.event_manager import EventManager
    from dbt_common.events.types import Note, PrintEvent

    assert dbt_warm.PRINT_EVENTS == event_logger.PRINT_EVENT_NAMES
    levels = {"debug": 10, "test": 10, "info": 20, "warn": 30, "error": 40}
    query = SQLQuery(conn_name="model.fiscal.fct_report", sql="select 1", node_info={})
    result = LogTestResult(name="t", status="pass", index=1, num_models=1)
    cases = [  # (event, level, log level, another callback) → left unmade
        (query, None, EventLevel.INFO, False, True),
        (query, EventLevel.INFO, EventLevel.INFO, False, False),  # a debug event fired at info
        (query, None, EventLevel.DEBUG, False, False),  # a log at debug
        (query, None, EventLevel.INFO, True, False),  # a callback of the caller's
        (Note(msg="x"), EventLevel.DEBUG, EventLevel.INFO, False, True),
        (Note(msg="x"), None, EventLevel.INFO, False, False),
        (PrintEvent(msg="x"), EventLevel.DEBUG, EventLevel.INFO, False, False),  # always written
        (result, None, EventLevel.INFO, False, True),  # a dynamic level's event fired without one: debug
        (result, EventLevel.INFO, EventLevel.INFO, False, False),
    ]
    for i, (event, level, log_level, other, left_out) in enumerate(cases):
        manager, out, seen = EventManager(), io.StringIO(), []
        json_lines = event_logger.LineFormat.Json
        config = event_logger.LoggerConfig(
            f"fiscal_test_{i}", level=log_level, output_stream=out, line_format=json_lines
        )
        manager.add_logger(config)
        manager.callbacks = [tracking, *([seen.append] if other else [])]
        assert dbt_warm.unwritten(manager, event, level, levels, tracking) is left_out, i
        manager.fire_event(event, level=level)  # dbt's own way
        assert (out.getvalue() == "" and not seen) is left_out, i


def test_a_statements_result_is_typed_as_dbt_types_it_with_one_tester_per_text_columns(monkeypatch):
    """agate_types: dbt's tables of a result (text, numbers, dates, nulls, a JSON list) and its empty
    table are what dbt makes them, column types and values alike; the tester is built once per set
    of text columns."""
    import datetime
    from decimal import Decimal

    from dbt_common.clients import agate_helper

    for name in ("build_type_tester", "empty_table"):  # restored after the test
        monkeypatch.setattr(agate_helper, name, getattr(agate_helper, name))
    data = [
        {
            "n": 1,
            "amount": Decimal("1.50"),
            "day": datetime.date(2024, 1, 2),
            "name": "005",
            "rows": [1, "a"],
        },
        {"n": None, "amount": None, "day": None, "name": "null", "rows": []},
    ]

    def tables():
        made = [agate_helper.table_from_data_flat(data, list(data[0])) for _ in range(2)]
        made.append(agate_helper.table_from_data_flat(data[:1], ["n", "day"]))
        made.append(agate_helper.empty_table())
        return [
            ([type(t).__name__ for t in table.column_types], [getattr(t, "null_values", None) for t in table.column_types],
             table.column_names, [tuple(row) for row in table.rows])
            for table in made
        ]  # fmt: skip

    before = tables()
    dbt_warm.agate_types()
    assert tables() == before
    assert before[0][0] == ["Integer", "Number", "Date", "Text", "Text"] and before[0][3][1][3] == "null"
    assert before[3] == ([], [], (), [])
    assert agate_helper.build_type_tester({"name"}, ()) is agate_helper.build_type_tester(["name"], ())
