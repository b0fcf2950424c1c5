"""`dbt build` over a temporary warehouse: the real samples plus hand-made rows with known answers.

The raw layer is loaded with the project's loader from a copy of raw/, then the rows of
data/handmade_raw.sql are added under handmade/ (so they never collide with a real input).
dbt runs as a subprocess with FISCAL_DB_PATH pointing at the temporary file and its target
and log folders in the temporary directory, so the repository stays clean.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from dagster_project.loading import create_raw_tables, load_directory

ROOT = Path(__file__).resolve().parents[2]
DBT_DIR = ROOT / "dbt"
SAMPLES = ROOT / "raw"
HANDMADE_SQL = Path(__file__).parent / "data" / "handmade_raw.sql"
DBT = Path(sys.executable).parent / "dbt"

SAMPLE_WAN_FILE = "000_2cba3ecfd7271be6.txt"  # Songjiang 2024 self-evaluations, printed in 万元


def dbt_build(db_path: Path, work: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.update(
        FISCAL_DB_PATH=str(db_path),
        DBT_PROFILES_DIR=str(DBT_DIR),
        DO_NOT_TRACK="1",
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
    )
    return subprocess.run(
        [
            str(DBT),
            "build",
            "--profiles-dir",
            str(DBT_DIR),
            "--target-path",
            str(work / "target"),
            "--log-path",
            str(work / "logs"),
        ],
        check=False,
        cwd=DBT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    """Samples loaded by the loader + hand-made rows, then `dbt build`; returns the DuckDB path."""
    tmp = tmp_path_factory.mktemp("dbt_build")
    raw_dir = tmp / "raw"
    shutil.copytree(SAMPLES, raw_dir)
    db_path = tmp / "fiscal.duckdb"
    load_directory(raw_dir, db_path)
    with duckdb.connect(str(db_path)) as con:
        con.execute(HANDMADE_SQL.read_text(encoding="utf-8"))
    result = dbt_build(db_path, tmp)
    assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-2000:]
    return db_path


def rows(db_path: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(db_path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def one(db_path: Path, sql: str, params: list | None = None):
    result = rows(db_path, sql, params)
    assert len(result) == 1, result
    return result[0] if len(result[0]) > 1 else result[0][0]


# ── money: the one conversion to 元 ────────────────────────────────────────────


def test_wan_yuan_fund_amounts_are_multiplied_by_10000(warehouse):
    adjusted, initial, executed, weight = one(
        warehouse,
        "select budget_adjusted_yuan, budget_initial_yuan, executed_yuan, weight from marts.fct_project_fund "
        "where report_id = 'handmade/wan.txt#1' and fund_source = 'total'",
    )
    assert adjusted == Decimal("11581000.00")
    assert initial == Decimal("12030000.00")
    assert executed == Decimal("11581000.00")
    assert weight == Decimal(10)  # points, not money: never converted


def test_yuan_fund_amounts_are_kept(warehouse):
    adjusted, executed, rate = one(
        warehouse,
        "select budget_adjusted_yuan, executed_yuan, execution_rate_pct from marts.fct_project_fund "
        "where report_id = 'handmade/yuan.txt#1' and fund_source = 'total'",
    )
    assert adjusted == Decimal("480000.50")
    assert executed == Decimal("470000.25")
    assert rate == Decimal("97.92")


def test_tracking_period_budget_and_target_budget_amount(warehouse):
    assert one(
        warehouse,
        "select budget_tracking_yuan from marts.fct_project_fund where report_id = 'handmade/yuan.txt#2'",
    ) == Decimal("68900.00")
    assert one(
        warehouse, "select budget_amount_yuan from marts.fct_report where report_id = 'handmade/budget.txt#1'"
    ) == Decimal("1255000.00")


def test_budget_lines_use_their_tables_unit(warehouse):
    three_public = one(
        warehouse,
        "select amount_yuan from marts.fct_budget_line "
        "where source_file = 'handmade/budget.txt' and table_seq = 2 and measure = '合计'",
    )
    assert three_public == Decimal("106000.00")  # 三公 table: 10.60 万元
    total_code, total_amount = one(
        warehouse,
        "select subject_code, amount_yuan from marts.fct_budget_line "
        "where source_file = 'handmade/budget.txt' and table_seq = 1 and row_seq = 1",
    )
    assert (total_code, total_amount) == ("", Decimal("1000.00"))  # 元 table kept; no code → ''
    assert (
        one(
            warehouse,
            "select table_title from marts.fct_budget_line "
            "where source_file = 'handmade/budget.txt' and table_seq = 1 and row_seq = 4",
        )
        == "2020年部门支出预算总表"
    )


def test_narrative_amounts_in_yuan(warehouse):
    assert one(
        warehouse,
        "select amount_yuan from marts.fct_narrative_amount "
        "where source_file = 'handmade/budget.txt' and subject_name = '三公经费'",
    ) == Decimal("106000.00")


def test_money_columns_are_decimal_18_2(warehouse):
    types = rows(
        warehouse,
        "select table_name, column_name, data_type from information_schema.columns "
        "where table_schema = 'marts' and column_name like '%\\_yuan' escape '\\'",
    )
    assert len(types) >= 7
    assert {t for _, _, t in types} == {"DECIMAL(18,2)"}, types


def test_real_sample_fund_row_converted(warehouse):
    """The first Songjiang project (职业培训) prints 全年预算数 1158.10 万元."""
    assert one(
        warehouse,
        "select budget_adjusted_yuan from marts.fct_project_fund where report_id = ? and fund_source = 'total'",
        [f"{SAMPLE_WAN_FILE}#1"],
    ) == Decimal("11581000.00")


# ── text cleaning and derived attributes ─────────────────────────────────────


def test_staging_text_has_no_placeholders_or_padding(warehouse):
    columns = rows(
        warehouse,
        "select table_name, column_name from information_schema.columns "
        "where table_schema = 'staging' and data_type = 'VARCHAR' and column_name <> 'subject_code'",
    )
    assert columns
    for table, column in columns:
        bad = rows(
            warehouse,
            f'select "{column}" from staging."{table}" '
            f"where \"{column}\" in ('', '-', '—', '－') or \"{column}\" <> trim(\"{column}\") limit 3",
        )
        assert not bad, (table, column, bad)


def test_placeholders_become_null(warehouse):
    goal_expected, goal_actual, measures = one(
        warehouse,
        "select goal_expected, goal_actual, corrective_measures from marts.fct_report "
        "where report_id = 'handmade/yuan.txt#1'",
    )
    assert (goal_expected, goal_actual, measures) == (None, None, None)
    project_name, goal_actual = one(
        warehouse,
        "select project_name, goal_actual from marts.fct_report where report_id = 'handmade/wan.txt#1'",
    )
    assert (project_name, goal_actual) == ("职业培训", "按时发放")  # HTML tag removed, padding trimmed


def test_district_and_unit_key(warehouse):
    assert (
        one(warehouse, "select district from marts.fct_report where report_id = 'handmade/wan.txt#1'")
        == "松江区"
    )
    assert (
        one(warehouse, "select district from marts.fct_report where report_id = 'handmade/yuan.txt#1'")
        == "闵行区"
    )
    # （本级） and (本级), with or without 上海市, are one unit: the department itself, 本级 its scope
    district, supervisor, scopes = one(
        warehouse,
        "select district, supervising_dept, scopes from marts.dim_unit where unit_name = '松江区人力资源和社会保障局'",
    )
    assert (district, supervisor, scopes) == ("松江区", None, ["本级"])
    keys = {k for (k,) in rows(warehouse, "select unit_name from marts.dim_unit")}
    assert "上海市松江区人力资源和社会保障局" not in keys
    assert not {k for k in keys if "本级" in k or "汇总" in k or "（" in k}


# Printed variants of one unit found in the samples (their files differ in brackets, the city
# prefix and the scope suffix), each with the key and scope the marts must give it.
SAMPLE_UNIT_VARIANTS = [
    ("上海市松江区人力资源和社会保障局(本级)", "松江区人力资源和社会保障局", "本级"),
    ("上海市松江区人力资源和社会保障局（本级）", "松江区人力资源和社会保障局", "本级"),
    ("上海市松江区人力资源和社会保障局", "松江区人力资源和社会保障局", None),
    ("松江区人力资源和社会保障局", "松江区人力资源和社会保障局", None),
    ("上海市闵行区人力资源和社会保障局(汇总)", "闵行区人力资源和社会保障局", "汇总"),
    ("闵行区人力资源和社会保障局(汇总)", "闵行区人力资源和社会保障局", "汇总"),
    ("上海市松江区就业促进中心", "松江区就业促进中心", None),
]


@pytest.mark.parametrize(("printed", "key", "scope"), SAMPLE_UNIT_VARIANTS)
def test_sample_unit_variants_share_one_key(warehouse, printed, key, scope):
    found = set(
        rows(
            warehouse,
            """
            select implementing_unit_key, implementing_unit_scope from marts.fct_report
            where implementing_unit = $1 and source_file not like 'handmade/%'
            union
            select supervising_dept_key, supervising_dept_scope from marts.fct_report
            where supervising_dept = $1 and source_file not like 'handmade/%'
            union
            select department_key, department_scope from marts.fct_budget_line where department = $1
            """,
            [printed],
        )
    )
    assert found == {(key, scope)}, f"{printed!r} is not printed in the samples, or keyed differently"
    printed_names = one(warehouse, "select printed_names from marts.dim_unit where unit_name = ?", [key])
    assert printed in printed_names


@pytest.fixture(scope="module")
def unit_name_sql(warehouse, tmp_path_factory) -> str:
    """The SQL the key macros compile to, over a column `name` of a relation `names`."""
    work = tmp_path_factory.mktemp("dbt_compile")
    env = dict(os.environ, FISCAL_DB_PATH=str(warehouse), DBT_PROFILES_DIR=str(DBT_DIR), DO_NOT_TRACK="1")
    inline = "select name, {{ normalize_unit_name('name') }} as key, {{ unit_scope('name') }} as scope from names"
    result = subprocess.run(
        [str(DBT), "compile", "--quiet", "--inline", inline, "--target-path", str(work / "target"),
         "--log-path", str(work / "logs")],
        check=False, cwd=DBT_DIR, env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    return result.stdout.strip()


@pytest.mark.parametrize(
    ("printed", "key", "scope"),
    [
        *SAMPLE_UNIT_VARIANTS,
        ("上海市松江区人力资源和社会保障局 （本级）", "松江区人力资源和社会保障局", "本级"),  # space before the bracket
        ("松江区人力资源和社会保障局【本级】", "松江区人力资源和社会保障局", "本级"),
        ("松江区 人才服务中心", "松江区人才服务中心", None),
        ("上海市第１社会福利院", "上海市第1社会福利院", None),  # full-width digit; no district: city kept
        ("—", None, None),
    ],
)
def test_unit_name_macros(warehouse, unit_name_sql, printed, key, scope):
    with duckdb.connect() as con:
        con.execute("create table names as select ? as name", [printed])
        assert con.execute(unit_name_sql).fetchone()[1:] == (key, scope)


def test_dim_unit_has_one_row_per_real_unit(warehouse):
    dupes = rows(
        warehouse,
        "select unit_name from marts.dim_unit group by regexp_replace(unit_name, '[^\\p{L}\\p{N}]', '', 'g'), "
        "unit_name having count(*) > 1",
    )
    assert dupes == []
    # the department is one row whatever its reports and budget call it
    assert one(
        warehouse,
        "select count(*) from marts.dim_unit where unit_name like '%松江区人力资源和社会保障局%' "
        "and unit_name not like '%执法大队%'",
    ) == 1


def test_indicator_category_codes(warehouse):
    got = {
        seq: (l1, l2)
        for seq, l1, l2 in rows(
            warehouse,
            "select indicator_seq, level1_code, level2_code from marts.fct_indicator "
            "where report_id = 'handmade/wan.txt#1'",
        )
    }
    assert got == {
        1: ("cost", "economic_cost"),
        2: ("output", "quantity"),
        3: ("satisfaction", "recipient_satisfaction"),  # printed '服务对象满意度 指标'
        4: ("other", None),  # unknown label → other; '—' → NULL
    }
    assert (
        one(
            warehouse,
            "select level1_code || '/' || level2_code from marts.fct_indicator where report_id = 'handmade/budget.txt#1'",
        )
        == "output/quantity"
    )  # target vocabulary 产出目标/数量目标 shares the codes


def test_indicator_level_labels_cleaned_as_printed_or_from_the_seed(warehouse):
    # the seed's own labels take their cleaned text from the seed's lookup, any other label is
    # cleaned on its row (stg_fiscal_txt__indicators): both give the cleaned label
    got = rows(
        warehouse,
        "select indicator_seq, level1, level2 from marts.fct_indicator "
        "where report_id = 'handmade/wan.txt#1' order by indicator_seq",
    )
    assert got == [
        (1, "成本指标", "经济成本指标"),
        (2, "产出指标", "数量指标"),
        (3, "满意度指标", "服务对象满意度指标"),  # printed '服务对象满意度 指标': the wrap joined
        (4, "新奇指标", None),  # '—' is a placeholder
    ]


def test_dim_indicator_category(warehouse):
    cats = {
        (lvl, code): (label, parent)
        for lvl, code, label, parent in rows(
            warehouse, "select level, code_en, label_zh, parent from marts.dim_indicator_category"
        )
    }
    assert {"cost", "output", "benefit", "satisfaction", "outcome", "impact", "other"} <= {
        code for lvl, code in cats if lvl == 1
    }
    assert cats[(2, "quantity")] == ("数量指标", "output")
    assert cats[(2, "recipient_satisfaction")] == ("服务对象满意度指标", "satisfaction")
    assert (2, "other") in cats


def test_dim_budget_subject(warehouse):
    assert one(
        warehouse,
        "select code_level, parent_code, classification, subject_name from marts.dim_budget_subject "
        "where subject_code = '2080101'",
    ) == ("项", "20801", "function", "行政运行")
    assert one(
        warehouse,
        "select code_level, classification from marts.dim_budget_subject where subject_code = '301'",
    ) == ("类", "economic")


def test_dims_cover_years_and_fund_sources(warehouse):
    years = {y for (y,) in rows(warehouse, "select fiscal_year from marts.dim_year")}
    assert {2020, 2022, 2024} <= years
    assert {s for (s,) in rows(warehouse, "select fund_source from marts.dim_fund_source")} == {
        "total",
        "current_year_appropriation",
        "carryover",
        "other",
    }


def test_real_samples_reach_the_marts(warehouse):
    real = "source_file not like 'handmade/%'"
    assert one(warehouse, f"select count(*) from marts.fct_report where {real}") > 0
    assert one(warehouse, f"select count(*) from marts.fct_project_fund where {real}") > 0
    assert one(warehouse, f"select count(*) from marts.fct_indicator where {real}") > 0


# ── the marts' contract: constraints in the tables' DDL ──────────────────────


def test_mart_constraints_are_enforced_by_duckdb(warehouse):
    """The marts' yml constraints (not_null, check: a value list) are in each table's DDL, not dbt tests.

    DuckDB refuses a row that breaks one, so the insert of a dbt build (an incremental
    delete+insert too) fails, the model errors and the build fails, as a failing test did.
    """
    manifest = json.loads((warehouse.parent / "target" / "manifest.json").read_text(encoding="utf-8"))
    declared = {
        (node["name"], column, constraint["type"].replace("_", " "))
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["config"]["contract"]["enforced"]
        for column, spec in node["columns"].items()
        for constraint in spec["constraints"]
        if constraint["type"] in ("not_null", "check")
    }
    in_ddl = rows(
        warehouse,
        "select table_name, unnest(constraint_column_names), lower(constraint_type) from duckdb_constraints() "
        "where schema_name = 'marts' and constraint_type in ('NOT NULL', 'CHECK')",
    )
    assert set(in_ddl) == declared
    assert sum(kind == "not null" for *_, kind in declared) == 32
    assert sum(kind == "check" for *_, kind in declared) == 19
    # the keys (primary key, unique), a column's or the model's: they replaced the unique tests
    keys = {
        (node["name"], tuple(columns), constraint["type"].replace("_", " "))
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["config"]["contract"]["enforced"]
        for columns, constraint in [
            *(([column], c) for column, spec in node["columns"].items() for c in spec["constraints"]),
            *((c["columns"], c) for c in node["constraints"]),
        ]
        if constraint["type"] in ("primary_key", "unique")
    }
    keys_in_ddl = rows(
        warehouse,
        "select table_name, constraint_column_names, lower(constraint_type) from duckdb_constraints() "
        "where schema_name = 'marts' and constraint_type in ('PRIMARY KEY', 'UNIQUE')",
    )
    assert {(table, tuple(columns), kind) for table, columns, kind in keys_in_ddl} == keys
    # the large fact marts' keys are checked after each insert instead (macros/unique_keys.sql,
    # tests/dbt/test_unique_keys.py): a key's index in the file cost each checkpoint 0.4 CPU s at 100k
    checked = {
        (node["name"], tuple(columns))
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
        for columns in node["config"]["meta"].get("unique_keys", [])
    }
    assert checked == {
        ("fct_report", ("report_id",)), ("fct_report", ("source_file", "report_seq")),
        ("fct_indicator", ("report_id", "indicator_seq")), ("fct_project_fund", ("report_id", "line_no")),
        ("fct_source_file", ("source_file",)),
    }  # fmt: skip
    assert {table for table, *_ in keys} == {
        f"dim_{d}" for d in ("year", "unit", "budget_subject", "fund_source", "indicator_category")
    }
    assert len(keys) + len(checked) == 10  # as many keys as the unique tests they replaced
    for table, columns in checked:
        key = ", ".join(columns)
        duplicates = f"select count(*) from (select {key} from marts.{table} group by all having count(*) > 1)"
        assert one(warehouse, duplicates) == 0
    with duckdb.connect(str(warehouse)) as con:
        insert = "insert into marts.fct_report (report_id, source_file, report_seq, report_type) values (?, 'f', 1, ?)"
        year = con.execute("select fiscal_year from marts.dim_year limit 1").fetchone()[0]
        taken = f'Duplicate key "fiscal_year: {year}" violates primary key'
        with pytest.raises(duckdb.ConstraintException, match=taken):
            con.execute("insert into marts.dim_year (fiscal_year) values (?)", [year])
        with pytest.raises(duckdb.ConstraintException, match="NOT NULL constraint failed: fct_report.report_id"):
            con.execute(insert, [None, "target"])
        with pytest.raises(duckdb.ConstraintException, match="CHECK constraint failed"):
            con.execute(insert, ["f#1", "self-evaluation"])
        assert con.execute("select count(*) from marts.fct_report where source_file = 'f'").fetchone() == (0,)


def test_build_on_an_empty_raw_layer(tmp_path):
    db_path = tmp_path / "empty.duckdb"
    with duckdb.connect(str(db_path)) as con:
        create_raw_tables(con)
    result = dbt_build(db_path, tmp_path)
    assert result.returncode == 0, result.stdout[-8000:]
    assert one(db_path, "select count(*) from marts.fct_report") == 0
    assert one(db_path, "select count(*) from marts.dim_fund_source") == 4


PLACEHOLDER_SQL = Path("target", "compiled", "fiscal", "models", "quality", "chk_placeholder_text.sql")


def test_placeholder_check_rows_are_the_non_blank_lines_numbered_by_line(warehouse):
    # one row per non-blank line, check_row = the file's number × 2^20 + the line (macros/check_row_at.sql)
    lines = one(warehouse, "select count(*) from raw.source_lines where trim(text) <> ''")
    assert lines > 1000
    assert rows(
        warehouse,
        "select count(*), count(distinct (source_file, line_no)), count(distinct check_row), "
        "count(*) filter (where check_row <> ((md5_number_upper(source_file) >> 21)::bigint << 20) + line_no) "
        "from quality.chk_placeholder_text",
    ) == [(lines, lines, lines, 0)]


def test_a_line_in_two_overlapping_reports_is_checked_once_in_the_earlier(warehouse):
    # the model's full-build SQL over fct_report plus a report overlapping the last 2 lines of one report
    sql = (warehouse.parent / PLACEHOLDER_SQL).read_text(encoding="utf-8")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        report_id, source_file, line_end = con.execute(
            "select report_id, source_file, line_end from marts.fct_report where line_end - line_start >= 3 "
            "order by report_id limit 1"
        ).fetchone()
        quoted = report_id.replace("'", "''")  # a view takes no parameter
        con.execute(
            "create temp view overlapping as select * from marts.fct_report union all "
            "select * replace ('overlap' as report_id, 99 as report_seq, line_end - 1 as line_start, line_end + 2 as line_end) "
            f"from marts.fct_report where report_id = '{quoted}'"
        )
        checked = con.execute(
            "select line_no, report_id from ("
            + sql.replace('"fiscal"."marts"."fct_report"', "temp.overlapping")
            + ") where source_file = ? and line_no between ? and ? order by line_no",
            [source_file, line_end - 1, line_end + 2],
        ).fetchall()
        non_blank = con.execute(
            "select line_no from raw.source_lines where source_file = ? and line_no between ? and ? "
            "and trim(text) <> '' order by line_no",
            [source_file, line_end - 1, line_end + 2],
        ).fetchall()
    assert [line for line, _ in checked] == [line for (line,) in non_blank]  # each line once, not twice
    inside = sum(1 for (line,) in non_blank if line <= line_end)
    assert inside and [r for line, r in checked if line <= line_end] == [report_id] * inside  # the earlier's
    # the lines after it are the overlapping report's (the next report, if any, starts after them)
    assert [r for line, r in checked if line > line_end] == ["overlap"] * (len(non_blank) - inside)
