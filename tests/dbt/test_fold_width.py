"""fold_width (macros/clean_text.sql): the width folding NFKC would do, run in DuckDB.

It only calls translate() on a text holding one of the characters it folds (a cheap test first):
both paths must give the mapping below, character for character.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import jinja2
import pytest

DBT_DIR = Path(__file__).resolve().parents[2] / "dbt"

# U+FF01–U+FF5E → ASCII, the ideographic space → a space, the other brackets → ( )
FOLDED = (
    {chr(0xFF01 + i): chr(0x21 + i) for i in range(0x5E)}
    | {"　": " "}
    | {wide: narrow for wide, narrow in zip("【】〔〕〖〗﹙﹚", "()()()()")}
)


@pytest.fixture(scope="module")
def fold_sql() -> str:
    """The macro rendered by Jinja (as dbt does; the file's macros need nothing of dbt's context)."""
    macros = (DBT_DIR / "macros" / "clean_text.sql").read_text(encoding="utf-8")
    return (
        jinja2.Environment()
        .from_string(macros + "select {{ fold_width('name') }} as folded from names order by i")
        .render()
        .strip()
    )


def fold(sql: str, names: list[str | None]) -> list[str | None]:
    with duckdb.connect() as con:
        con.execute(
            "create table names as select unnest($1::varchar[]) as name, unnest(range(len($1))) as i", [names]
        )
        return [row[0] for row in con.execute(sql).fetchall()]


def test_every_folded_character(fold_sql):
    wide = list(FOLDED)
    assert fold(fold_sql, wide) == [FOLDED[c] for c in wide]


def test_texts_with_and_without_wide_characters(fold_sql):
    names = [
        "上海市第１社会福利院（本级）",
        "松江区就业促进中心【汇总】",
        "松江区人力资源和社会保障局",
        "ＡＢ　ｃ",
        "",
        None,
    ]
    assert fold(fold_sql, names) == [
        "上海市第1社会福利院(本级)",
        "松江区就业促进中心(汇总)",
        "松江区人力资源和社会保障局",
        "AB c",
        "",
        None,
    ]
