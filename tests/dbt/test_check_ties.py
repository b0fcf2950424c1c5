"""A finding's words do not depend on the order rows come in: ties in the check models are broken by
what the rows say (real dbt on a real DuckDB file, the project's models).

One budget file names the 款 20805 in five tables: "行政事业单位养老支出" in tables 1 and 2 (table 1 with
a level mark, the same stem), "就业补助" in tables 3 and 4, "社会保障缴费" in table 5 alone. Table 5's
name is the odd one, and the two other names tie on two tables each: the finding quotes the one printed
first, as printed first ("行政事业单位养老支出(款)"), whichever order the model reads its rows in.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from dbt.cli.main import dbtRunner

from dagster_project.loading import create_raw_tables

DBT_DIR = Path(__file__).resolve().parents[2] / "dbt"
MODEL = "chk_budget_subject_name_mismatch"
INPUT = "intermediate.int_budget_lines_classified"
FILE = "ties.pdf"
NAMES = {
    1: "行政事业单位养老支出(款)",
    2: "行政事业单位养老支出",
    3: "就业补助",
    4: "就业补助",
    5: "社会保障缴费",
}


def raw_rows() -> dict[str, list[tuple]]:
    """(table, row) pairs: five tables of one file, each a 类 row and the 款 20805 under it."""
    tables, cells = [], []
    for seq, name in NAMES.items():
        start = 100 * seq
        tables.append((FILE, seq, f"2023年部门预算表{seq}", start, start + 50, 2023, "元", "万里街道办事处"))
        cells.append((FILE, seq, 1, "合计", 6851259, start + 1, None, "208", "类", "社会保障和就业支出"))
        cells.append((FILE, seq, 2, "合计", 6851259, start + 3, None, "20805", "款", name))
    return {"budget_tables": tables, "budget_cells": cells}


def load(db: Path) -> None:
    columns = {
        "budget_tables": "source_file, table_seq, table_title, line_start, line_end, fiscal_year, money_unit, department",
        "budget_cells": "source_file, table_seq, row_seq, measure, amount, line_no, side, subject_code, code_level, "
        "subject_name",
    }
    with duckdb.connect(str(db)) as con:
        create_raw_tables(con)
        for table, rows in raw_rows().items():
            marks = ", ".join("?" for _ in rows[0])
            con.executemany(f"insert into raw.{table} ({columns[table]}) values ({marks})", rows)


@pytest.fixture(scope="module")
def details(tmp_path_factory) -> dict[str, list[tuple]]:
    """The model's rows of the 款 (table, name, detail, expected name): built once, then again from its
    input (int_budget_lines_classified) rewritten in the reverse order of lines."""
    tmp = tmp_path_factory.mktemp("ties")
    db = tmp / "fiscal.duckdb"
    load(db)
    with pytest.MonkeyPatch.context() as env:
        for name, value in (
            ("FISCAL_DB_PATH", str(db)),
            ("DBT_PROFILES_DIR", str(DBT_DIR)),
            ("DO_NOT_TRACK", "1"),
        ):
            env.setenv(name, value)
        return _build_twice(tmp, db)


def _build_twice(tmp: Path, db: Path) -> dict[str, list[tuple]]:
    dbt = dbtRunner()
    common = ["--quiet", "--project-dir", str(DBT_DIR), "--profiles-dir", str(DBT_DIR),
              "--target-path", str(tmp / "target"), "--log-path", str(tmp / "logs")]  # fmt: skip
    found = {}
    for order, select in (("as loaded", f"+{MODEL}"), ("reversed", MODEL)):
        # dbt in this process keeps the file open: connect with the same (default) configuration
        with duckdb.connect(str(db)) as con:
            if order == "reversed":
                con.execute(f"create table {INPUT}_reversed as select * from {INPUT} order by line_no desc")
                con.execute(f"delete from {INPUT}")
                con.execute(f"insert into {INPUT} select * from {INPUT}_reversed")
        built = dbt.invoke(
            ["build", *common, "--select", select, "--exclude-resource-type", "test", "--full-refresh"]
        )
        assert built.success, built.exception
        with duckdb.connect(str(db)) as con:
            found[order] = con.execute(
                f"select table_seq, observed_name_text, detail, expected_name_text from quality.{MODEL}"
                " where subject like '20805 %' order by table_seq"
            ).fetchall()
    return found


def test_the_odd_name_quotes_the_first_printed_of_the_tied_names(details):
    odd = [row for row in details["as loaded"] if row[0] == 5]
    assert odd == [
        (5, "社会保障缴费", "本文件其他 2 张表写作“行政事业单位养老支出(款)”", "行政事业单位养老支出(款)")
    ]


def test_every_row_reads_the_same_whatever_the_order_of_its_input(details):
    assert details["as loaded"] == details["reversed"]
    # the rows of the tied names quote the other tied name (on as many tables: no finding)
    assert [row[2] for row in details["as loaded"][:4]] == ["本文件其他 2 张表写作“就业补助”"] * 2 + [
        "本文件其他 2 张表写作“行政事业单位养老支出(款)”"
    ] * 2
