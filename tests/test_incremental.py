"""Incremental marts: a sequence of incremental runs gives the warehouse a full refresh gives.

The real loader (parsers, raw.changed_files) and real dbt (in-process, seeds and models without
their tests, which test_dbt_build runs) on real DuckDB files, then real GX on both ends (the
incremental warehouse's second quality step judges the changed files' rows only, expectations/scope.py). One
warehouse goes through: four files; then one added, one changed, one moved to another folder and
department, one removed (one run, so the test stays cheap); then the moved file removed, a change of one
family only (dbt builds only the models its tables reach, as the dbt asset selects them:
dagster_project/dbt_selection.py). A second warehouse is built from the final folder with
--full-refresh. Every mart, every quality.chk_* model and quality.violations must hold the same
rows (as multisets), except the columns that are run metadata (when a file was loaded).
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections import Counter
from pathlib import Path

import duckdb
import pytest
from dbt.cli.main import dbtRunner

from dagster_project import dbt_selection
from dagster_project.assets.dbt import (
    built_fingerprint,
    dbt_project,
    file_selection,
    project_fingerprint,
    record_build,
    threads_args,
)
from dagster_project.discovery import scan
from dagster_project.loading import create_raw_tables, sync_raw
from expectations.checkpoint import run_quality_checks
from expectations.coverage import whole_rules, write_check_coverage
from expectations.gx_docs import OTHER_ROWS_FOUND
from expectations.registry import ENTITY_RULES, RULES

ROOT = Path(__file__).resolve().parent.parent
DBT_DIR = ROOT / "dbt"
SAMPLES = ROOT / "raw"
SELF_EVAL, TRACKING, BUDGET, TRACKING_2 = (
    "000_2cba3ecfd7271be6.txt", "001_ebc302d94fc8039c.txt", "003_7cadc0ecdd172fe9.txt", "004_eaeb872d98338714.txt",
)
MOVED = "other_dept/renamed_004.txt"
BUDGET_2 = "003_other_dept.txt"  # the budget of another department, unchanged: an entity no change touches
COPY = "0_copy_of_001.txt"  # named to sort first: removing it must not renumber the check rows of the others
ENTITY_MODELS = [f"chk_{name}" for name in sorted(ENTITY_RULES)]  # incremental by entity: macros/per_file.sql
# names whose check_row numbers (top 43 bits of md5, macros/check_row.sql) are equal, found by a search
# over 8 million names: two files, and two entities of one file (md5 of 'f.txt|547660' and 'f.txt|7254419')
COLLIDING_FILES, COLLIDING_ENTITIES = ("file_1147619.txt", "file_4153695.txt"), ("547660", "7254419")
# dim → (its key, the per-file table it groups, a column no model reads: marked to see which rows a run kept)
DIMS = {
    "dim_unit": ("unit_name", "intermediate.int_unit_mentions", "printed_name"),
    "dim_year": ("fiscal_year", "intermediate.int_year_mentions", "source_file_count"),
    "dim_budget_subject": ("subject_code", "marts.fct_budget_line", "subject_name"),
}
# the files the second run adds, changes, moves, removes
CHANGING = (BUDGET, TRACKING, TRACKING_2, MOVED, COPY)
RUN_METADATA = {"loaded_at"}  # when the file was loaded: differs between any two warehouses


class Warehouse:
    """A raw folder and its DuckDB file, loaded and built the way a run does it."""

    def __init__(self, tmp: Path, dbt: dbtRunner):
        self.raw, self.db, self.tmp, self.dbt = tmp / "raw", tmp / "fiscal.duckdb", tmp, dbt
        self.raw.mkdir(parents=True)
        self.has_marts = False

    def run(self, full_refresh: bool = False) -> set[str]:
        """Load the folder, then dbt (seeds and models: those the changed files reach, as the dbt
        asset selects them); returns raw.changed_files of the load."""
        with duckdb.connect(str(self.db)) as con:
            create_raw_tables(con)
            sync_raw(con, scan(self.raw))
            changed = {name for (name,) in con.execute("select source_file from raw.changed_files").fetchall()}
        manifest = json.loads(dbt_project.manifest_path.read_text(encoding="utf-8"))
        full_refresh = full_refresh or not self.has_marts  # a new warehouse: a full build (assets/dbt.py)
        selection = file_selection(self.db, manifest, full_refresh)
        scope = ["--full-refresh"] if full_refresh else selection.exclude_args(manifest)
        with duckdb.connect(str(self.db)) as con:
            dbt_selection.forget_touched(con, [manifest["nodes"][uid]["name"] for uid in selection.kept])
        before = os.environ.get("FISCAL_DB_PATH")
        os.environ["FISCAL_DB_PATH"] = str(self.db)
        try:
            args = ["build", "--exclude-resource-type", "test", "unit_test", "--quiet", "--project-dir", str(DBT_DIR),
                    "--profiles-dir", str(DBT_DIR), "--target-path", str(self.tmp / "target"),
                    "--log-path", str(self.tmp / "logs"), *threads_args(full_refresh), *scope]  # fmt: skip
            result = self.dbt.invoke(args)
        finally:
            if before is None:
                os.environ.pop("FISCAL_DB_PATH")
            else:
                os.environ["FISCAL_DB_PATH"] = before
        assert result.success, result.exception
        self.has_marts = True
        return changed

    def built(self) -> set[str]:
        """The nodes the last dbt run built (its run_results.json)."""
        results = json.loads((self.tmp / "target" / "run_results.json").read_text(encoding="utf-8"))
        return {r["unique_id"] for r in results["results"]}

    def rows(self, sql: str) -> list[tuple]:
        # read-write like dbt's own connection, which stays open in this process
        with duckdb.connect(str(self.db)) as con:
            return con.execute(sql).fetchall()

    def tables(self, schema: str, like: str = "%") -> list[str]:
        return [t for (t,) in self.rows(
            f"select table_name from information_schema.tables where table_schema = '{schema}' "
            f"and table_name like '{like}' and table_type = 'BASE TABLE' order by 1")]  # fmt: skip

    def check_rows(self, source_file: str) -> dict[str, list[tuple]]:
        """Every quality.chk_* model's (check_row, line_no) of one file's rows."""
        return {t: self.rows(f"select check_row, line_no from quality.{t} where source_file = '{source_file}' order by 1")
                for t in self.tables("quality", "chk_%")}  # fmt: skip

    def content(self, table: str) -> Counter:
        """The table's rows as a multiset, without the run-metadata columns."""
        schema, name = table.split(".")
        columns = [c for (c,) in self.rows(
            f"select column_name from information_schema.columns where table_schema = '{schema}' "
            f"and table_name = '{name}' order by ordinal_position") if c not in RUN_METADATA]  # fmt: skip
        rows = self.rows(f"select {', '.join(columns)} from {table}")
        return Counter(tuple(repr(v) if isinstance(v, list | dict) else v for v in row) for row in rows)


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def print_empty(path: Path, title: str, next_title: str) -> None:
    """Blank the amounts of the table under `title` (its 0.00 cells), so the table is printed empty."""
    text = path.read_text(encoding="utf-8")
    start = text.index(title)
    end = text.index(next_title, start)
    assert "\t0.00\n" in text[start:end], (path, title)
    path.write_text(text[:start] + text[start:end].replace("\t0.00\n", "\t\n") + text[end:], encoding="utf-8")


def _mark_dim(con: duckdb.DuckDBPyConnection, dim: str, mark: str, undo: bool = False) -> None:
    """Mark (or unmark) every row of the dim in its unread column: text gets `mark` appended, a count 10**6 added."""
    column = DIMS[dim][2]
    if column.endswith("_count"):
        marked = f"where {column} >= 1000000" if undo else ""
        con.execute(f"update marts.{dim} set {column} = {column} {'-' if undo else '+'} 1000000 {marked}")
    elif undo:
        unmarked = f"{column}[:-{len(mark) + 1}]"
        con.execute(f"update marts.{dim} set {column} = {unmarked} where ends_with({column}, '{mark}')")
    else:
        con.execute(f"update marts.{dim} set {column} = {column} || '{mark}' where {column} is not null")


def _dim_marks(con: duckdb.DuckDBPyConnection, dim: str, mark: str) -> dict:
    """key → whether its row still carries the mark (None: a text column that was null, not marked)."""
    key, _, column = DIMS[dim]
    marked = f"{column} >= 1000000" if column.endswith("_count") else f"ends_with({column}, '{mark}')"
    return dict(con.execute(f"select {key}, {marked} from marts.{dim}").fetchall())


def _named_keys(con: duckdb.DuckDBPyConnection, dim: str) -> set:
    """The dim keys the CHANGING files' rows of its per-file table name."""
    key, table, _ = DIMS[dim]
    files = ", ".join(f"'{f}'" for f in CHANGING)
    named = con.execute(f"select distinct {key} from {table} where source_file in ({files})").fetchall()
    return {k for (k,) in named}


@pytest.fixture(scope="module")
def warehouses(tmp_path_factory) -> tuple[Warehouse, Warehouse, dict]:
    tmp = tmp_path_factory.mktemp("incremental")
    dbt = dbtRunner()
    seen: dict = {}
    inc = Warehouse(tmp / "incremental", dbt)
    for name in (SELF_EVAL, TRACKING, TRACKING_2):
        shutil.copy(SAMPLES / name, inc.raw / name)
    (inc.raw / COPY).write_bytes((SAMPLES / TRACKING).read_bytes() + b"\n\n")  # other bytes: loaded too
    shutil.copy(SAMPLES / BUDGET, inc.raw / BUDGET_2)
    edit(inc.raw / BUDGET_2, "松江区人力资源和社会保障局", "松江区民政局", -1)
    # its 政府性基金 table printed empty (no 0.00): a row of chk_empty_table_without_statement, an entity no change touches
    print_empty(inc.raw / BUDGET_2, "2020年部门政府性基金预算支出功能分类预算表", "2020年部门一般公共预算拨款基本支出经济分类预算表")
    seen["first"] = inc.run()
    # the verdicts the incremental run keeps for the unchanged file; Data Docs published as a run does
    run_quality_checks(inc.db, inc.tmp / "reports", run_name="first")
    # one run with a file added, one changed, one moved to another folder and department, one removed
    shutil.copy(SAMPLES / BUDGET, inc.raw / BUDGET)
    edit(inc.raw / TRACKING, "74696.00", "74697.00")  # one fund amount of the first report (元)
    (inc.raw / MOVED).parent.mkdir()
    (inc.raw / TRACKING_2).rename(inc.raw / MOVED)
    edit(inc.raw / MOVED, "上海市闵行区人力资源和社会保障局(汇总)", "上海市闵行区民政局", -1)  # 主管部门
    (inc.raw / COPY).unlink()
    # an unchanged file's mart row is kept as it is, a changed file's rebuilt: mark both (in a
    # column no check reads), look after the run
    mark = "update marts.fct_source_file set size_bytes = size_bytes + {} where source_file in ({})"
    sizes = f"select size_bytes from marts.fct_source_file where source_file in ('{SELF_EVAL}', '{TRACKING}') order by source_file"
    # the same for a per-file check model's rows (macros/per_file.sql): mark them in a text column
    kept = " (kept)"
    mark_checks = f"update quality.chk_placeholder_text set table_title = table_title || '{kept}' where source_file in ({{}})"
    marked_checks = (f"select source_file, count(*) from quality.chk_placeholder_text where ends_with(table_title, '{kept}') "
                     "group by 1 order by 1")  # fmt: skip
    with duckdb.connect(str(inc.db)) as con:
        seen["sizes_before"] = con.execute(sizes).fetchall()
        con.execute(mark.format(10**9, f"'{SELF_EVAL}', '{TRACKING}'"))
        con.execute(mark_checks.format(f"'{SELF_EVAL}', '{TRACKING}'"))
        seen["marked_checks_before"] = con.execute(marked_checks).fetchall()
        # and every row of the cross-file models rebuilt per entity
        for model in ENTITY_MODELS:
            con.execute(f"update quality.{model} set detail = detail || '{kept}'")
        # and every dim row (rebuilt per key: macros/dims.sql); the keys the files to change name now
        for dim in DIMS:
            _mark_dim(con, dim, kept)
        seen["dims_before"] = {dim: _dim_marks(con, dim, kept) for dim in DIMS}
        seen["dim_keys_named_before"] = {dim: _named_keys(con, dim) for dim in DIMS}
    seen["checks_before"] = inc.check_rows(SELF_EVAL)
    seen["entities_before"] = {m: inc.rows(f"select entity_key, source_file, check_row from quality.{m} "
                                           "where detail is not null order by all") for m in ENTITY_MODELS}  # fmt: skip
    seen["changed"] = inc.run()
    with duckdb.connect(str(inc.db)) as con:
        seen["dims_after"] = {dim: _dim_marks(con, dim, kept) for dim in DIMS}
        seen["dim_keys_named_after"] = {dim: _named_keys(con, dim) for dim in DIMS}
        lists = "select table_name from information_schema.tables where ends_with(table_name, '__touched')"
        seen["touched_lists_left"] = con.execute(lists).fetchall()
        for dim in DIMS:
            _mark_dim(con, dim, kept, undo=True)
    seen["checks_after"] = inc.check_rows(SELF_EVAL)
    seen["sizes_after"] = inc.rows(sizes)
    seen["changed_fund"] = inc.rows(
        f"select budget_initial_yuan from marts.fct_project_fund where source_file = '{TRACKING}' "
        "and report_seq = 1 and fund_source = 'total'")[0][0]  # fmt: skip
    seen["marked_checks_after"] = inc.rows(marked_checks)
    entity_rows = ("select entity_key, source_file, check_row, ends_with(detail, '{}') from quality.{} "
                   "where detail is not null order by all")  # fmt: skip
    seen["entities_after"] = {m: inc.rows(entity_rows.format(kept, m)) for m in ENTITY_MODELS}
    seen["touched"] = {m: {e for (e,) in inc.rows(f"select entity_key from quality.cross_file_touched where model = '{m}'")}
                       for m in ENTITY_MODELS}  # fmt: skip
    with duckdb.connect(str(inc.db)) as con:
        con.execute(mark.format(-(10**9), f"'{SELF_EVAL}'"))
        con.execute(f"update quality.chk_placeholder_text set table_title = table_title[:-{len(kept) + 1}] "
                    f"where ends_with(table_title, '{kept}')")  # fmt: skip
        for model in ENTITY_MODELS:
            con.execute(f"update quality.{model} set detail = detail[:-{len(kept) + 1}] where ends_with(detail, '{kept}')")

    seen["quality"] = run_quality_checks(  # the changed files' rows only; Data Docs into the run's build folder
        inc.db, inc.tmp / "reports" / ".build-second", changed_only=True, published_report_dir=inc.tmp / "reports",
        run_name="second")  # fmt: skip
    seen["moved_departments"] = inc.rows(
        f"select distinct supervising_dept_key from marts.fct_report where source_file = '{MOVED}'")  # fmt: skip
    seen["models"] = {uid for uid in inc.built() if uid.startswith("model.")}
    # the second run's stored validations and verdicts (the third run below judges again)
    seen["gx_validations"] = inc.rows("select check_name, run_name, success from quality.gx_validations order by 1")
    seen["verdicts"] = dict(inc.rows("select check_name, success from quality.check_results"))
    seen["results"] = json.loads((inc.tmp / "target" / "run_results.json").read_text(encoding="utf-8"))["results"]
    # a change of one family only: the tracking file removed, its rows gone from raw (the record
    # says which tables it had rows in); dbt builds only the models those tables reach
    (inc.raw / MOVED).unlink()
    seen["one_family"] = inc.run()
    seen["one_family_built"] = {uid for uid in inc.built() if uid.startswith("model.")}
    seen["one_family_quality"] = run_quality_checks(inc.db, changed_only=True)

    full = Warehouse(tmp / "full", dbt)
    shutil.copytree(inc.raw, full.raw, dirs_exist_ok=True)
    seen["full"] = full.run(full_refresh=True)
    run_quality_checks(full.db)
    return inc, full, seen


def test_the_load_lists_the_files_it_touched(warehouses):
    _, _, seen = warehouses
    assert seen["first"] == {SELF_EVAL, TRACKING, TRACKING_2, COPY, BUDGET_2}
    # added, changed, moved (both names), removed; not the unchanged SELF_EVAL
    assert seen["changed"] == {BUDGET, TRACKING, TRACKING_2, MOVED, COPY}
    assert seen["one_family"] == {MOVED}
    assert seen["full"] == {SELF_EVAL, TRACKING, BUDGET, BUDGET_2}


def test_a_change_of_one_family_builds_only_the_models_its_tables_reach(warehouses):
    _, _, seen = warehouses
    every, built = seen["models"], seen["one_family_built"]
    names = {uid.split(".")[-1] for uid in built}
    # the removed tracking file had rows in the report tables and the line tables …
    assert {"fct_report", "fct_project_fund", "fct_indicator", "chk_fund_total_mismatch", "dim_unit"} <= names
    assert {"fct_source_file", "chk_placeholder_text"} <= names  # … which these read for their own sake
    # … and none in the budget tables: their models keep their rows (equal to a full refresh's: below)
    assert not names & {"fct_budget_line", "int_budget_lines_classified", "dim_budget_subject",
                        "chk_budget_balance_mismatch", "chk_budget_table_missing", "fct_narrative_amount"}  # fmt: skip
    # of 58 models: the run before (both families) built all but the two dimensions made of seeds only
    # and the 16 views (kept: their SQL is the last build's; dbt_selection.py)
    # (27: the per-file tables under dim_unit and dim_year, int_unit_mentions and int_year_mentions,
    # and int_report_titles)
    assert (len(built), len(every)) == (27, 42)
    assert not {name for name in names | {uid.split(".")[-1] for uid in every} if name.startswith("stg_")}


def test_an_incremental_run_rebuilds_only_the_changed_files_rows(warehouses):
    _, _, seen = warehouses
    (self_eval, tracking), (marked, tracking_after) = seen["sizes_before"], seen["sizes_after"]
    assert marked[0] == self_eval[0] + 10**9  # the unchanged file's row was kept, mark and all …
    assert tracking_after[0] == tracking[0]  # … the changed file's was rebuilt, mark gone (6 → 7: same size) …
    assert seen["changed_fund"] == 74697  # … with its new amount (元)
    # a per-file check model alike: the unchanged file's check rows kept, the changed file's rebuilt
    assert seen["marked_checks_before"] == [(SELF_EVAL, 880), (TRACKING, 137)]
    assert seen["marked_checks_after"] == [(SELF_EVAL, 880)]


def test_cross_file_models_rebuild_only_the_entities_the_change_touched(warehouses):
    _, _, seen = warehouses
    assert len(ENTITY_MODELS) == 5
    counts = {}
    for model in ENTITY_MODELS:
        touched, after = seen["touched"][model], seen["entities_after"][model]
        kept = [(*row, True) for row in seen["entities_before"][model] if row[0] not in touched]
        assert [row for row in after if row[0] not in touched] == kept, model  # kept: mark and check_row
        assert not any(row[3] for row in after if row[0] in touched), model  # rebuilt: mark gone
        counts[model] = (len(kept), len(after) - len(kept), len(touched))
        assert {row[1] for row in kept} <= {BUDGET_2}, model  # the unchanged department-year's rows
    # (kept rows, rebuilt rows, touched entities): the other department's budget kept, the added one's
    # department-year rebuilt; the projects of the changed reports touched (no project here has rows);
    # the other department's empty 政府性基金 table kept, mark and check_row (the added budget prints none empty)
    assert counts == {
        "chk_budget_initial_mismatch_across_documents": (0, 0, 53),
        "chk_empty_table_without_statement": (1, 0, 6),
        "chk_narrative_amount_mismatch": (34, 35, 6),
        "chk_target_changed_between_documents": (0, 0, 53),
        "chk_unit_label_implausible": (34, 35, 6),
    }


def test_dims_rebuild_only_the_keys_the_changed_files_name(warehouses):
    inc, _, seen = warehouses
    counts = {}
    for dim in DIMS:
        before, after = seen["dims_before"][dim], seen["dims_after"][dim]
        touched = seen["dim_keys_named_before"][dim] | seen["dim_keys_named_after"][dim]
        kept = {k: m for k, m in after.items() if k not in touched}
        # an untouched key's row kept, mark and all; a touched key's rebuilt, mark gone
        assert kept == {k: before[k] for k in kept}, dim
        assert not any(after[k] for k in after.keys() & touched), dim
        gone = before.keys() - after.keys()
        assert gone <= touched, dim  # a key goes only if no file names it any more
        counts[dim] = (len(kept), len(after.keys() & touched), len(gone))
    # (kept, rebuilt, gone): the unchanged self-evaluation's two units kept, the others named by the
    # changed tracking files and budget rebuilt; every year touched; the added budget's codes rebuilt,
    # the 类 of the seed no budget names kept
    assert counts == {"dim_unit": (2, 11, 0), "dim_year": (0, 3, 0), "dim_budget_subject": (28, 83, 0)}
    assert seen["touched_lists_left"] == []  # the dims dropped their lists of touched keys
    # the moved file's new 主管部门, named by no other file, is gone once the file is removed (the run
    # after: a key only the removed file named before), as in the full refresh (compared above)
    assert "闵行区民政局" in seen["dims_after"]["dim_unit"]
    assert inc.rows("select count(*) from marts.dim_unit where unit_name = '闵行区民政局'") == [(0,)]


def _guard(results: list[dict], hook: str) -> dict:
    """The check_row guard dbt ran in a build (macros/check_row.sql), as compiled."""
    return next(r for r in results if r["unique_id"].startswith(f"operation.fiscal.fiscal-{hook}")
                and "check_row" in r["compiled_code"])  # fmt: skip


def test_two_files_with_one_check_row_number_fail_the_build(warehouses, tmp_path):
    _, _, seen = warehouses
    # the second run's (both families: every entity model built)
    files, entities = _guard(seen["results"], "on-run-start"), _guard(seen["results"], "on-run-end")
    # the incremental build checked every loaded file, and the rows of each entity model it built
    assert files["status"] == entities["status"] == "success"
    assert sorted(re.findall(r"quality\"\.\"(chk_\w+)", entities["compiled_code"])) == ENTITY_MODELS
    # the same SQL on a warehouse (named as the compiled SQL names it) holding colliding names
    with duckdb.connect(str(tmp_path / "fiscal.duckdb")) as con:
        con.execute("create schema raw; create schema quality")
        con.execute("create table raw.source_files as select unnest(?::varchar[]) as source_file",
                    [[*COLLIDING_FILES, SELF_EVAL]])  # fmt: skip
        with pytest.raises(duckdb.Error, match=re.escape(f'files "{COLLIDING_FILES[0]}" and "{COLLIDING_FILES[1]}"')):
            con.execute(files["compiled_code"])
        for model in ENTITY_MODELS:  # each row numbered 1 within its (file, entity): check_row(entity_key=…)
            con.execute(f"create table quality.{model} as select 'f.txt' as source_file, entity_key, "
                        "((md5_number_upper('f.txt|' || entity_key) >> 21)::bigint << 20) + 1 as check_row "
                        "from unnest(?::varchar[]) as t(entity_key)", [[COLLIDING_ENTITIES[0], "other"]])  # fmt: skip
        con.execute(entities["compiled_code"])  # no two rows share a number
        con.execute(f"insert into quality.{ENTITY_MODELS[1]} select 'f.txt', $1, "
                    "((md5_number_upper('f.txt|' || $1) >> 21)::bigint << 20) + 1", [COLLIDING_ENTITIES[1]])  # fmt: skip
        with pytest.raises(duckdb.Error, match=re.escape(f'{ENTITY_MODELS[1]}: "f.txt" ({COLLIDING_ENTITIES[0]}) and '
                                                         f'"f.txt" ({COLLIDING_ENTITIES[1]})')):  # fmt: skip
            con.execute(entities["compiled_code"])


def test_an_unchanged_files_check_rows_keep_their_keys(warehouses):
    # the removed COPY sorted before SELF_EVAL: a position in the model (row_number()) would move
    _, _, seen = warehouses
    before, after = seen["checks_before"], seen["checks_after"]
    assert before == after
    assert len(before["chk_placeholder_text"]) == 880 and before["chk_placeholder_text"][0][1] == 3  # line 3 on


def test_incremental_runs_equal_a_full_refresh(warehouses):
    inc, full, _ = warehouses
    marts = inc.tables("marts")
    assert marts == full.tables("marts")
    assert {"fct_report", "fct_budget_line", "fct_source_file", "dim_unit", "dim_year"} <= set(marts)
    checks = inc.tables("quality", "chk_%")
    assert checks == full.tables("quality", "chk_%") and len(checks) >= 25
    # coverage_text_files: kept per file, listed again for the changed files only (expectations/coverage.py)
    quality = ["quality.violations", "quality.check_results", "quality.finding_groups", "quality.check_coverage",
               "quality.coverage_text_files"]
    assert sorted(inc.content("quality.coverage_text_files")) == [(f,) for f in sorted([SELF_EVAL, TRACKING, BUDGET, BUDGET_2])]
    for table in [f"marts.{t}" for t in marts] + [f"quality.{t}" for t in checks] + quality:
        assert inc.content(table) == full.content(table), table


def test_an_incremental_coverage_rewrites_only_the_rows_that_can_have_changed(warehouses, tmp_path):
    # the last run removed a file only: SELF_EVAL's per-file rows stay as stored, a cross-file rule's are computed again
    inc, full, _ = warehouses
    db = tmp_path / "coverage.duckdb"
    shutil.copy(inc.db, db)
    rules = ("grade_mismatch", "target_changed_between_documents")
    assert "target_changed_between_documents" in whole_rules(duckdb.connect(), RULES)
    assert "grade_mismatch" not in whole_rules(duckdb.connect(), RULES)
    rows = f"select check_name, checked_count from quality.check_coverage where source_file = '{SELF_EVAL}' and check_name in {rules}"
    with duckdb.connect(str(db)) as con:
        assert con.execute(f"select count(*) from raw.changed_files where source_file = '{SELF_EVAL}'").fetchone() == (0,)
        con.execute(f"update quality.check_coverage set checked_count = -1 where source_file = '{SELF_EVAL}' "
                    f"and check_name in {rules}")  # fmt: skip
        assert write_check_coverage(con, RULES, {}, changed_only=True) == len(full.content("quality.check_coverage"))
        after = dict(con.execute(rows).fetchall())
        # a full rebuild (not changed_only) writes every row again
        write_check_coverage(con, RULES, {}, changed_only=False)
        rebuilt = dict(con.execute(rows).fetchall())
    expected = dict(full.rows(rows))
    assert expected["grade_mismatch"] > 0 and expected["target_changed_between_documents"] >= 0
    assert after == {"grade_mismatch": -1, "target_changed_between_documents": expected["target_changed_between_documents"]}
    assert rebuilt == expected


def test_an_incremental_quality_step_judges_the_changed_files_rows_only(warehouses):
    inc, _, seen = warehouses
    summary = seen["quality"]
    assert inc.rows("select changed_only from quality.check_state") == [(True,)]
    judged = set(summary.validation_results)
    cross_file = {rule.check_name for rule in RULES if rule.cross_file} - ENTITY_RULES
    assert cross_file <= judged  # judged on every row
    # an entity rule judges its touched entities' rows: the added budget's department-year; no project has rows
    assert judged & ENTITY_RULES == {"narrative_amount_mismatch", "unit_label_implausible"}
    # a per-file rule with rows only in the unchanged file needs no validation, its counts are the kept ones
    grade = summary.by_check["grade_mismatch"]
    assert "grade_mismatch" not in judged
    assert grade.evaluated_count == inc.rows("select count(*) from quality.chk_grade_mismatch")[0][0] > 0
    assert inc.rows(f"select count(*) from quality.chk_grade_mismatch where source_file <> '{SELF_EVAL}'") == [(0,)]
    assert len(judged) < len(RULES)


def test_data_docs_show_every_rules_latest_validation_after_an_incremental_run(warehouses):
    """The incremental run's Data Docs list every rule: its own validations, and the first run's for
    the rules it carried over, marked so and with their pages copied from the published site."""
    inc, _, seen = warehouses
    judged = set(seen["quality"].validation_results)
    published, built = inc.tmp / "reports" / "gx_data_docs", inc.tmp / "reports" / ".build-second" / "gx_data_docs"
    index = built.joinpath("index.html").read_text(encoding="utf-8")
    listed = {  # suite → run name as the index shows it, from each validation row's link and run name
        path.split("/")[1]: run for run, path in
        re.findall(r"'run_name': '([^']*)'.*?'_table_row_link_path': '(validations/[^']*)'", index, re.DOTALL)
    }
    assert sorted(listed) == sorted(rule.suite_name for rule in RULES)
    carried = {rule.suite_name for rule in RULES if rule.check_name not in judged}
    assert {s for s, run in listed.items() if run == "first (carried over: nothing it judges changed since)"} == carried
    fresh = {s: run for s, run in listed.items() if s not in carried}
    assert set(fresh.values()) <= {"second", f"second ({OTHER_ROWS_FOUND})"} and len(fresh) == len(judged)
    # grade_mismatch: rows in the unchanged file only; the project rules: no project has rows (above);
    # empty_table_without_statement: no row in the department-years the change touched
    assert carried == {"chk_grade_mismatch_suite", "chk_budget_initial_mismatch_across_documents_suite",
                       "chk_target_changed_between_documents_suite", "chk_empty_table_without_statement_suite"}
    for suite in carried:  # the first run's pages, reused as they were
        (page,) = built.glob(f"validations/{suite}/first/*/*.html")
        assert page.read_bytes() == (published / page.relative_to(built)).read_bytes()
    assert len(list(published.glob("validations/*/second"))) == 0  # the published site is untouched until publish
    # every rule's suite page is the published one, which this code made (copied, not rendered again)
    suites = sorted(page.relative_to(built) for page in built.glob("expectations/*.html"))
    assert suites == sorted(Path("expectations") / f"{rule.suite_name}.html" for rule in RULES)
    assert all(built.joinpath(page).read_bytes() == published.joinpath(page).read_bytes() for page in suites)
    stored = seen["gx_validations"]
    assert [(name, run) for name, run, _ in stored] == sorted(
        (rule.check_name, "second" if rule.check_name in judged else "first") for rule in RULES)
    # a carried-over verdict is the warehouse's: the same pass or fail as quality.check_results
    verdicts = seen["verdicts"]
    assert {(name, ok) for name, run, ok in stored if run == "first"} == {
        (rule.check_name, verdicts[rule.check_name]) for rule in RULES if rule.suite_name in carried}
    # a validation of the changed rows that passes, of a rule failed by its other rows' kept findings, says so
    passed = {name for name, run, ok in stored if run == "second" and ok}
    assert {s for s, run in fresh.items() if run != "second"} == {
        f"chk_{name}_suite" for name in passed if not verdicts[name]}


def test_the_final_state_is_what_the_folder_holds(warehouses):
    inc, _, seen = warehouses
    assert inc.rows("select source_file from marts.fct_source_file order by 1") == [
        (SELF_EVAL,), (TRACKING,), (BUDGET,), (BUDGET_2,)
    ]
    assert inc.rows(f"select count(*) from marts.fct_report where source_file in ('{COPY}', '{MOVED}')") == [(0,)]
    # the moved file's reports were under their new department, and the old one knew them no more
    assert seen["moved_departments"] == [("闵行区民政局",)]
    assert inc.rows("select count(*) from marts.fct_report where source_file = '004_eaeb872d98338714.txt'") == [(0,)]
    assert inc.rows("select count(*) > 0 from quality.violations")[0][0]


def test_a_changed_dbt_project_rebuilds_the_marts(tmp_path):
    db = tmp_path / "w.duckdb"
    assert built_fingerprint(db) is None  # a new warehouse: full build
    duckdb.connect(str(db)).close()
    assert built_fingerprint(db) is None  # marts never built here
    record_build(db, project_fingerprint(), full_refresh=True)
    assert built_fingerprint(db) == project_fingerprint()
    other = tmp_path / "dbt"
    shutil.copytree(DBT_DIR / "macros", other / "macros")
    (other / "dbt_project.yml").write_text("name: other\n", encoding="utf-8")
    assert project_fingerprint(other) != project_fingerprint()
