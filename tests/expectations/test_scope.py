"""What an incremental quality step judges anew (expectations/scope.py): the registry's cross-file
rules are exactly those whose dbt model reads several files, and kept verdicts are this code's only.
(tests/test_incremental.py runs the incremental step on real files against a full refresh.)"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from expectations.registry import CROSS_FILE_RULES, ENTITY_RULES, RULES
from expectations.scope import (
    REJUDGED_FILES,
    STATE_TABLE,
    TOUCHED_TABLE,
    can_keep_verdicts,
    drop_unkept_violations,
    judged_rows,
    kept_counts,
    record_state,
    scoped_rules,
)

MODELS = Path(__file__).resolve().parents[2] / "dbt" / "models"
# the models that put several files' rows together: a project's documents, a department-year's budget files
COMBINING_FILES = {"int_project_documents_matched", "int_budget_documents"}
REF = re.compile(r"(?:ref|changed_rows)\('([a-z0-9_]+)'\)")  # changed_rows: dbt/macros/per_file.sql


def _reads(model: str, sql: dict[str, str]) -> set[str]:
    """Every model the given one reads, directly or through others."""
    found, todo = set(), [model]
    while todo:
        for ref in REF.findall(sql.get(todo.pop(), "")):
            if ref not in found:
                found.add(ref)
                todo.append(ref)
    return found


def test_cross_file_rules_are_those_whose_model_reads_several_files():
    sql = {path.stem: path.read_text(encoding="utf-8") for path in MODELS.rglob("*.sql")}
    reading = {rule.check_name for rule in RULES if _reads(rule.model, sql) & COMBINING_FILES}
    # a model dbt rebuilds whole (not per file) may change an unchanged file's rows: judged anew too
    whole = {rule.check_name for rule in RULES if "materialized='incremental'" not in sql[rule.model]}
    assert "empty_table_without_statement" in reading  # reads the department-year's other file (its 说明)
    assert {rule.check_name for rule in RULES if rule.cross_file} == reading | whole
    assert {"target_changed_between_documents", "budget_initial_mismatch_across_documents",
            "unit_label_implausible"} <= reading  # the last through chk_narrative_amount_mismatch  # fmt: skip


def test_verdicts_are_kept_only_when_this_code_made_them(tmp_path):
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        con.execute("create schema raw; create schema quality")
        con.execute("create table raw.changed_files (source_file varchar)")
        con.execute("create table quality.violations (check_name varchar); create table quality.check_results (x int)")
        assert not can_keep_verdicts(con)  # no stamp: judged by other code, or never
        record_state(con, changed_only=False)
        assert can_keep_verdicts(con)
        con.execute(f"update {STATE_TABLE} set rules_fingerprint = 'other rules'")
        assert not can_keep_verdicts(con)
        record_state(con, changed_only=True)
        con.execute("drop table raw.changed_files")
        assert not can_keep_verdicts(con)  # no list of the load's files: judge everything


def test_entity_rules_are_the_cross_file_models_rebuilt_per_entity():
    sql = {path.stem: path.read_text(encoding="utf-8") for path in MODELS.rglob("*.sql")}
    per_entity = {rule.check_name for rule in RULES if "unique_key='entity_key'" in sql[rule.model]}
    assert per_entity == ENTITY_RULES
    assert ENTITY_RULES <= CROSS_FILE_RULES  # judged on every row where no entity list is at hand


def test_an_entity_rules_verdicts_are_kept_for_the_entities_not_touched(tmp_path):
    rule = next(rule for rule in RULES if rule.check_name == "budget_initial_mismatch_across_documents")
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        con.execute("create schema raw; create schema quality")
        con.execute("create table raw.changed_files as select 'b.txt' as source_file")
        con.execute(f"create table quality.{rule.model} as select * from (values "
                    "('a.txt', 1, 'p1'), ('a.txt', 2, 'p2'), ('b.txt', 3, 'p2'), ('c.txt', 4, 'p1')) "
                    "t(source_file, check_row, entity_key)")  # fmt: skip
        con.execute("create table quality.violations as select * from (values "
                    f"('{rule.check_name}', 'a.txt', 1, 'error'), ('{rule.check_name}', 'a.txt', 2, 'error'), "
                    f"('{rule.check_name}', 'c.txt', 4, 'error'), "
                    "('grade_mismatch', 'a.txt', 7, 'warning'), ('grade_mismatch', 'b.txt', 8, 'warning')) "
                    "t(check_name, source_file, check_row, severity)")
        assert scoped_rules(con, (rule,)) == []  # no list of touched entities: every row judged
        # p2 touched (b.txt changed): p2's rows are judged anew, and a.txt's row of p1 with them (a finding's #2
        # counts within its file: two equal findings of a.txt in p1 and p2 are numbered as a full refresh does);
        # c.txt's row of p1 is kept
        con.execute(f"create table {TOUCHED_TABLE} as select '{rule.model}' as model, 'p2' as entity_key")
        assert scoped_rules(con, (rule,)) == [rule.check_name]
        judged = con.execute(f"select check_row from quality.{rule.model} where {judged_rows(rule)} order by 1")
        assert judged.fetchall() == [(1,), (2,), (3,)]
        assert kept_counts(con, [rule.check_name, "grade_mismatch"]) == {rule.check_name: (1, 0), "grade_mismatch": (1, 0)}
        drop_unkept_violations(con, [rule.check_name, "grade_mismatch"])
        assert con.execute("select check_name, source_file, check_row from quality.violations order by 1").fetchall() == [
            (rule.check_name, "c.txt", 4), ("grade_mismatch", "a.txt", 7)]
        # the files whose violations were dropped: their root causes are assigned anew
        assert con.execute(f"select source_file from {REJUDGED_FILES} order by 1").fetchall() == [("a.txt",), ("b.txt",)]


def test_equal_findings_of_one_file_are_numbered_among_the_records_judged_together():
    # why an entity rule judges every row of a touched entity's files (scope._entity_judged): two equal
    # findings of one file in two entities (a project of two years in one tracking file) are #1 and #2
    # when judged together, as a full refresh does; the second judged alone would be #1 again
    from expectations.finding_ids import ID_FIELDS, SEPARATOR, assign_finding_ids, finding_id

    first, second = ({"check_name": "target_changed_between_documents", "source_file": "a.txt", "project_name": "P",
                      "expected_value": "1", "observed_value": "2", "line_no": line} for line in (10, 20))  # fmt: skip
    together, alone = [dict(first), dict(second)], [dict(second)]
    assign_finding_ids(together)
    assign_finding_ids(alone)
    key = SEPARATOR.join(str(together[0].get(field, "")) for field in ID_FIELDS)
    assert [r["finding_id"] for r in together] == [finding_id(key), finding_id(key, 2)]
    assert alone[0]["finding_id"] == finding_id(key) != together[1]["finding_id"]
