"""A very large input file (100 MB, 1.4 million lines) loads completely, beside ordinary files,
once the operator raises the bounds it is beyond (FISCAL_MAX_*; test_hostile_resources checks them).

Not a timed test: speed is measured by `make bench`. This checks that size alone
breaks nothing (no whole-batch failure) and that nothing is lost.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from dagster_project.loading import load_directory
from dagster_project.parsers import parse_file

SAMPLES = Path(__file__).resolve().parent.parent / "raw"
TRACKING = SAMPLES / "004_eaeb872d98338714.txt"
SELF_EVAL = SAMPLES / "001_ebc302d94fc8039c.txt"
TARGET_BYTES = 100 * 1024 * 1024


def test_a_100_mb_file_loads_fully_and_the_rest_of_the_batch_too(tmp_path, monkeypatch):
    for var, value in (("FISCAL_MAX_FILE_MB", "200"), ("FISCAL_MAX_LINES", "2000000"),
                       ("FISCAL_MAX_CELLS", "50000000"), ("FISCAL_MAX_SECONDS", "3600")):
        monkeypatch.setenv(var, value)
    raw = tmp_path / "raw"
    raw.mkdir()
    unit = TRACKING.read_bytes()
    copies = TARGET_BYTES // len(unit) + 1
    with (raw / "huge.txt").open("wb") as out:
        for _ in range(copies):
            out.write(unit)
    shutil.copy(SELF_EVAL, raw / SELF_EVAL.name)
    assert (raw / "huge.txt").stat().st_size >= TARGET_BYTES

    per_copy = parse_file(TRACKING)
    db = tmp_path / "w.duckdb"
    summary = load_directory(raw, db, workers=2)
    assert summary.files_parsed == 2
    with duckdb.connect(str(db), read_only=True) as con:
        reports = dict(con.execute("select source_file, count(*) from raw.reports group by all").fetchall())
        indicators = con.execute(
            "select count(*) from raw.indicators where source_file = 'huge.txt'"
        ).fetchone()[0]
        accounted = con.execute(
            "select count(*) from raw.line_accounting where source_file = 'huge.txt'"
        ).fetchone()[0]
    assert reports["huge.txt"] == copies * len(per_copy.reports)
    assert indicators == copies * len(per_copy.indicators)
    assert accounted == copies * len(per_copy.lines)
    assert reports[SELF_EVAL.name] == len(parse_file(SELF_EVAL).reports)
