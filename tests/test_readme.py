"""The README's example queries run, as printed, on the sample warehouse, in the CLI `make sql` opens."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from pipeline_helpers import ROOT, VENV_BIN

README = ROOT / "README.md"


def readme_queries() -> list[tuple[str, str]]:
    """(first comment line, statement) for every statement of the README's ```sql blocks."""
    blocks = re.findall(r"```sql\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.DOTALL)
    queries = []
    for block in blocks:
        for statement in (s.strip() for s in block.split(";")):
            if statement:
                title = statement.splitlines()[0].lstrip("- ").strip()
                queries.append((title, statement))
    return queries


QUERIES = readme_queries()


def test_readme_has_the_analysts_three_questions():
    titles = [t for t, _ in QUERIES]
    assert len(titles) >= 5
    assert titles[0].startswith("1. Budget and execution by 主管部门 and year")
    assert titles[1].startswith("2. One project's indicators")
    assert titles[2].startswith("3. One department's 项目支出 by function class")
    assert "department_key = " in QUERIES[2][1]  # it filters a department


@pytest.mark.parametrize("query", [q for _, q in QUERIES], ids=[t[:40] for t, _ in QUERIES])
def test_readme_query_returns_rows(sample_run, query):
    assert sample_run.query(query), "no rows"


def test_query_1_has_one_name_per_department(sample_run):
    rows = sample_run.query(QUERIES[0][1])
    keys = {k for (k,) in sample_run.query("select unit_name from marts.dim_unit")}
    depts = {r[0] for r in rows}
    assert depts <= keys
    assert "松江区人力资源和社会保障局" in depts
    assert not any("本级" in d or "上海市" in d or "汇总" in d for d in depts)
    groups = [(r[0], r[1], r[2]) for r in rows]
    assert len(groups) == len(set(groups))  # one row per department, year and report type


def test_query_3_is_one_departments_project_spending_by_class(sample_run):
    rows = sample_run.query(QUERIES[2][1])
    assert all(len(code) == 3 for _, code, _, _ in rows)  # 类 codes only
    assert len({code for _, code, _, _ in rows}) == len(rows)  # each 类 once per year


def test_the_duckdb_cli_opens_the_warehouse_read_only(sample_run):
    cli = Path(VENV_BIN) / "duckdb"
    if not cli.exists():
        pytest.skip("duckdb-cli is not installed in this environment (make install installs it)")
    result = subprocess.run(
        [str(cli), "-readonly", "-csv", "-noheader", str(sample_run.db_path), "-c", QUERIES[2][1] + ";"],
        check=False, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("\n") == len(sample_run.query(QUERIES[2][1]))
    write = subprocess.run(
        [str(cli), "-readonly", str(sample_run.db_path), "-c", "create table marts.x as select 1;"],
        check=False, capture_output=True, text=True, timeout=120,
    )
    assert "read-only" in (write.stdout + write.stderr).lower()
