"""Never publish a wrong warehouse: odd folders, odd files, duplicates, shrinking (concurrent runs:
test_concurrent_runs).

Real pipeline runs (the Dagster job in a subprocess, as `make run`) on a temporary
folder that changes between runs. The runs are shared: one story of runs, then
each test checks one step of it. After every step the published warehouse is the
right one for the folder, or the previous good one with the reason given.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from pipeline_helpers import SAMPLES, PipelineRun, finish, start

from dagster_project.discovery import scan
from dagster_project.load_plan import ShrinkRefused
from dagster_project.loading import load_directory, sync_raw

SELF_EVAL_000 = "000_2cba3ecfd7271be6.txt"
SELF_EVAL_001 = "001_ebc302d94fc8039c.txt"
BUDGET_003 = "003_7cadc0ecdd172fe9.txt"
TRACKING_004 = "004_eaeb872d98338714.txt"
GBK_NAME = "测试.txt".encode("gbk")  # a name written by a GBK system
GBK_ESCAPED = "\\xb2\\xe2\\xca\\xd4.txt"
def run(tmp: Path, raw_dir: Path, **extra: str) -> PipelineRun:
    return finish(start(tmp, raw_dir, **extra), tmp, raw_dir)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def reports_per_file(db: Path) -> dict[str, int]:
    with duckdb.connect(str(db), read_only=True) as con:
        return dict(con.execute("select source_file, count(*) from marts.fct_report group by all").fetchall())


def issues(db: Path, source_file: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            "select line_no, severity, code, message from raw.parse_issues where source_file = ? order by all",
            [source_file],
        ).fetchall()


def with_cp1252_bytes(data: bytes) -> tuple[bytes, int, int]:
    """Four Windows-1252 bytes (“”–…) before the first 项目名称: (bytes, line number, file offset)."""
    at = data.index("项目名称".encode())
    return data[:at] + "“”–…".encode("cp1252") + data[at:], data[:at].count(b"\n") + 1, at


def cut_inside_last_character(data: bytes) -> bytes:
    data = data.rstrip()
    lead = max(i for i in range(data.rindex(b"\n"), len(data)) if data[i] >= 0xE0)
    return data[: lead + 1]


@pytest.fixture(scope="module")
def story(tmp_path_factory):
    """Five runs over one folder; each step's outcome and the published state after it."""
    tmp = tmp_path_factory.mktemp("robust")
    raw = tmp / "raw"
    raw.mkdir()
    for name in (SELF_EVAL_000, SELF_EVAL_001, BUDGET_003, TRACKING_004):
        shutil.copy(SAMPLES / name, raw / name)
    shutil.copy(SAMPLES / TRACKING_004, raw / "zz_copy_of_004.txt")  # same content, later name
    (raw / "blank.txt").write_bytes(b"  \n\t\t\n   \n")
    sample_001 = (SAMPLES / SELF_EVAL_001).read_bytes()
    with open(os.path.join(os.fsencode(raw), GBK_NAME), "wb") as fh:
        fh.write(cut_inside_last_character(sample_001))
    cp1252, cp_line, cp_offset = with_cp1252_bytes(sample_001)
    (raw / "cp1252.txt").write_bytes(cp1252)
    text_004 = (SAMPLES / TRACKING_004).read_text(encoding="utf-8")
    (raw / "spaced.txt").write_text("\n".join(line.expandtabs(8) for line in text_004.split("\n")), encoding="utf-8")
    (raw / "locked").mkdir()
    (raw / "locked" / "t.txt").write_text(text_004 + "\n", encoding="utf-8")  # not a copy: one more byte
    (raw / "unreadable.txt").write_bytes(sample_001 + b"\n")
    (raw / "unreadable.txt").chmod(0)
    (raw / "loop").symlink_to("loop")
    (raw / "up").symlink_to(".")
    out = {"tmp": tmp, "raw": raw, "cp1252": (cp_line, cp_offset)}

    # 1: a first batch full of odd files, parsed by two workers.
    out["first"] = run(tmp, raw, FISCAL_PARSE_WORKERS="2")
    out["first_reports"] = reports_per_file(out["first"].db_path)
    out["first_issues"] = {name: issues(out["first"].db_path, name) for name in (
        "zz_copy_of_004.txt", "blank.txt", GBK_ESCAPED, "cp1252.txt", "spaced.txt", "loop", "up", "unreadable.txt")}

    # 2: a folder becomes unreadable, the loaded copy of a duplicate goes, a copy sorting first arrives.
    (raw / "locked").chmod(0)
    (raw / TRACKING_004).unlink()
    shutil.copy(SAMPLES / SELF_EVAL_000, raw / "0_copy_of_000.txt")
    out["second"] = run(tmp, raw)
    out["second_reports"] = reports_per_file(out["second"].db_path)
    out["second_issues"] = {name: issues(out["second"].db_path, name) for name in (
        "locked", "0_copy_of_000.txt", "zz_copy_of_004.txt", "unreadable.txt")}
    (raw / "locked").chmod(0o755)
    published = out["second"].db_path
    report = out["second"].report_dir / "quality" / "index.html"
    out["good"] = (digest(published), digest(report))

    # 3: the raw folder is missing (an unmounted share).
    out["missing"] = run(tmp, tmp / "not_mounted")
    out["after_missing"] = (digest(published), digest(report))

    # 4: most files vanish (a half-synced folder): refused without FISCAL_ALLOW_SHRINK.
    few = tmp / "few"
    few.mkdir()
    shutil.copy(SAMPLES / SELF_EVAL_001, few / SELF_EVAL_001)
    out["shrink"] = run(tmp, few)
    out["after_shrink"] = (digest(published), digest(report))
    out["failures"] = failed_runs(tmp / "dagster_home")
    return out


def failed_runs(dagster_home: Path) -> list[str]:
    """What Dagster recorded for each failed run, newest first: its step failure messages."""
    instance = dg.DagsterInstance.from_config(str(dagster_home))
    failed = instance.get_runs(filters=dg.RunsFilter(statuses=[dg.DagsterRunStatus.FAILURE]))
    messages = []
    for dagster_run in failed:
        events = instance.all_logs(dagster_run.run_id, of_type=dg.DagsterEventType.STEP_FAILURE)
        parts = []
        for event in events:
            data = event.dagster_event.step_failure_data
            parts += [data.error.message if data.error else "",
                      data.user_failure_data.description if data.user_failure_data else ""]
        messages.append(" ".join(p or "" for p in parts))
    return messages


def test_a_batch_of_odd_files_loads_everything_else(story):
    first = story["first"]
    assert first.result.returncode == 0, first.result.stderr[-3000:]
    assert story["first_reports"] == {
        SELF_EVAL_000: 36, SELF_EVAL_001: 6, BUDGET_003: 36, TRACKING_004: 9,
        GBK_ESCAPED: 6, "cp1252.txt": 6, "locked/t.txt": 9,
    }
    codes = {name: [(n, code) for n, _, code, _ in rows] for name, rows in story["first_issues"].items()}
    assert codes["zz_copy_of_004.txt"] == [(0, "duplicate_file")]
    assert codes["blank.txt"] == [(0, "empty_file")]
    assert codes["loop"] == [(0, "symlink_loop")] and codes["up"] == [(0, "symlink_loop")]
    assert codes["unreadable.txt"] == [(0, "unreadable_file")]


def test_file_named_in_gbk_bytes_is_loaded_under_its_escaped_name(story):
    rows = story["first_issues"][GBK_ESCAPED]
    assert (0, "warning", "non_utf8_file_name") in [r[:3] for r in rows]
    # The file was also cut inside its last character: that costs the last line only.
    last_line = cut_inside_last_character((SAMPLES / SELF_EVAL_001).read_bytes()).count(b"\n") + 1
    assert [r[0] for r in rows if r[2] == "undecodable_bytes"] == [last_line]
    assert story["first_reports"][GBK_ESCAPED] == 6


def test_stray_windows_1252_bytes_cost_one_line_with_its_byte_offset(story):
    line, offset = story["cp1252"]
    bad = [r for r in story["first_issues"]["cp1252.txt"] if r[2] == "undecodable_bytes"]
    assert [r[0] for r in bad] == [line]
    assert f"文件第 {offset} 字节" in bad[0][3]
    accounted = story["first"].scalar(
        "select count(*) from raw.line_accounting where source_file = 'cp1252.txt' and line_no = ?", [line]
    )
    assert accounted == 1


def test_space_aligned_report_is_one_error_per_table_not_empty_reports(story):
    rows = story["first_issues"]["spaced.txt"]
    assert [r[2] for r in rows if r[1] == "error"] == ["space_aligned_table"] * 9  # 004 holds 9 tables
    assert "spaced.txt" not in story["first_reports"]


def test_unreadable_folder_keeps_its_rows_and_says_so(story):
    second = story["second"]
    assert second.result.returncode == 0, second.result.stderr[-3000:]
    assert story["second_reports"]["locked/t.txt"] == 9
    assert [r[:3] for r in story["second_issues"]["locked"]] == [(0, "error", "unreadable_folder")]
    # A read problem is reported once per run, not once more every run.
    assert [r[2] for r in story["second_issues"]["unreadable.txt"]] == ["unreadable_file"]


def test_surviving_copy_loads_when_the_loaded_copy_goes(story):
    reports = story["second_reports"]
    assert TRACKING_004 not in reports
    assert reports["zz_copy_of_004.txt"] == 9
    assert "duplicate_file" not in [r[2] for r in story["second_issues"]["zz_copy_of_004.txt"]]


def test_copy_sorting_before_the_loaded_file_is_the_duplicate(story):
    reports = story["second_reports"]
    assert reports[SELF_EVAL_000] == 36 and "0_copy_of_000.txt" not in reports
    (row,) = story["second_issues"]["0_copy_of_000.txt"]
    assert row[2] == "duplicate_file" and SELF_EVAL_000 in row[3]
    # Never the same content twice in the marts: each project of 000 once.
    twice = story["second"].scalar(
        "select count(*) from (select project_name, report_type, fiscal_year, implementing_unit "
        "from marts.fct_report where source_file in (?, '0_copy_of_000.txt') group by all having count(*) > 1)",
        [SELF_EVAL_000],
    )
    assert twice == 0


def test_missing_raw_folder_fails_and_keeps_the_published_warehouse(story):
    missing = story["missing"]
    assert missing.result.returncode != 0
    assert "not_mounted" in missing.result.stdout + missing.result.stderr
    assert "cannot be read" in missing.result.stdout + missing.result.stderr
    assert story["after_missing"] == story["good"]
    assert "not_mounted" in story["failures"][1]  # Dagster marks the run failed, with the reason


def test_run_removing_most_files_is_refused_unless_allowed(story):
    shrink = story["shrink"]
    assert shrink.result.returncode != 0
    output = shrink.result.stdout + shrink.result.stderr
    assert "refusing to publish" in output and "FISCAL_ALLOW_SHRINK=1" in output
    assert story["after_shrink"] == story["good"]
    assert len(story["failures"]) == 2 and "refusing to publish" in story["failures"][0]


# --- the same rules at the loader level, where timing can be controlled ------------------


def test_file_deleted_during_the_run_costs_only_that_file(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for name in (SELF_EVAL_001, TRACKING_004):
        shutil.copy(SAMPLES / name, raw / name)
    db = tmp_path / "w.duckdb"
    load_directory(raw, db)
    shutil.copy(SAMPLES / SELF_EVAL_000, raw / "new.txt")
    (raw / TRACKING_004).write_bytes((SAMPLES / TRACKING_004).read_bytes() + b"\n")  # changed
    found = scan(raw)
    (raw / "new.txt").unlink()  # both vanish after discovery, before parsing
    (raw / TRACKING_004).unlink()
    with duckdb.connect(str(db)) as con:
        summary = sync_raw(con, found, workers=2)
        codes = con.execute("select source_file, code from raw.parse_issues where line_no = 0 order by 1").fetchall()
        reports = dict(con.execute("select source_file, count(*) from raw.reports group by all").fetchall())
    assert codes == [(TRACKING_004, "file_vanished"), ("new.txt", "file_vanished")]
    assert reports == {SELF_EVAL_001: 6, TRACKING_004: 9}  # 004's loaded rows kept, not deleted
    assert summary.files_parsed == 0


def test_whitespace_file_sorting_first_with_one_worker_does_not_end_the_batch(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "0_blank.txt").write_bytes(b" \n\t\n")
    shutil.copy(SAMPLES / TRACKING_004, raw / TRACKING_004)
    db = tmp_path / "w.duckdb"
    summary = load_directory(raw, db, workers=1)
    assert summary.files_parsed == 2
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select count(*) from raw.reports").fetchone()[0] == 9


def test_shrink_is_published_when_the_operator_allows_it(tmp_path, monkeypatch):
    raw = tmp_path / "raw"
    raw.mkdir()
    for name in (SELF_EVAL_000, SELF_EVAL_001, TRACKING_004):
        shutil.copy(SAMPLES / name, raw / name)
    db = tmp_path / "w.duckdb"
    load_directory(raw, db)
    (raw / SELF_EVAL_000).unlink()
    (raw / TRACKING_004).unlink()
    with pytest.raises(ShrinkRefused, match="remove 2 of the 3 loaded files"):
        load_directory(raw, db)
    monkeypatch.setenv("FISCAL_ALLOW_SHRINK", "1")
    assert load_directory(raw, db).files_removed == 2
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select source_file from raw.source_files").fetchall() == [(SELF_EVAL_001,)]
