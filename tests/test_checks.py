"""The finance-rule asset checks' examples: each rule's first violations, as the UI lists them."""

import duckdb

from dagster_project.checks import worst_examples

# (check_name, severity, source_file, line_no, check_row)
ROWS = [
    ("sum", "hint", "a.txt", 1, 1),
    ("sum", "warning", "b.txt", 9, 2),
    ("sum", "error", "b.txt", None, 3),  # no line: after the file's lines
    ("sum", "error", "b.txt", 4, 4),
    ("sum", "error", None, 2, 5),  # no file: after every file
    ("sum", "error", "a.txt", 7, 6),
    ("sum", "error", "a.txt", 7, 7),  # the same place: by check row
    ("sum", "warning", "a.txt", 3, 8),
    ("rate", "hint", "c.txt", 5, 1),
    ("other", "error", "a.txt", 1, 1),  # not asked for
]


def _warehouse() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("create schema quality")
    con.execute(
        "create table quality.violations (check_name varchar, severity varchar, source_file varchar, line_no integer, "
        "check_row bigint, subject varchar, expected_value varchar, observed_value varchar, message varchar)"
    )
    con.executemany(
        "insert into quality.violations values (?, ?, ?, ?, ?, ?, '1.00', '2.00', ?)",
        [(*row, f"{row[0]} #{row[4]}", f"message {row[4]}") for row in ROWS],
    )
    return con


def test_each_rule_lists_its_first_violations_errors_first():
    examples = worst_examples(_warehouse(), ["sum", "rate", "clean"])
    assert examples == {
        "sum": [
            ("a.txt", 7, "sum #6", "1.00", "2.00", "message 6"),
            ("a.txt", 7, "sum #7", "1.00", "2.00", "message 7"),
            ("b.txt", 4, "sum #4", "1.00", "2.00", "message 4"),
            ("b.txt", None, "sum #3", "1.00", "2.00", "message 3"),
            (None, 2, "sum #5", "1.00", "2.00", "message 5"),
        ],
        "rate": [("c.txt", 5, "rate #1", "1.00", "2.00", "message 1")],
    }  # a rule without violations has none listed


def test_the_same_rows_as_a_query_per_rule():
    con = _warehouse()
    for limit in (1, 3, 5, 8):
        examples = worst_examples(con, ["sum", "rate"], limit)
        for name in ("sum", "rate"):
            assert (
                examples[name]
                == con.execute(
                    "select source_file, line_no, subject, expected_value, observed_value, message "
                    "from quality.violations where check_name = ? "
                    "order by severity = 'hint', severity, source_file, line_no, check_row limit ?",
                    [name, limit],
                ).fetchall()
            )
