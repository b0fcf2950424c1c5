"""Hostile and broken files cost only themselves: never the batch, the loaded data or the machine.

Generated in the test run beside good files (the samples and a real published PDF):
Word and Excel packages that unpack to over 1 GB, a TAB junk file past the line
bound, a PDF whose pages are dense ruled grids that stall the table finder. One real
pipeline run (`make run`'s command) with the default bounds, except a per-file
time of FISCAL_MAX_SECONDS=20 s (the grid takes over a minute of CPU, a real 35-page PDF
takes under 1 s); the process tree's memory is sampled throughout. Then loaded
files are replaced by cut-off copies (an interrupted upload) and the next load
runs on a copy of the published warehouse. Worker kills and files changing
while read are checked at the loader too, where timing can be controlled.
"""

from __future__ import annotations

import io
import multiprocessing
import shutil
import subprocess
import threading
import time
import zipfile
from pathlib import Path

import duckdb
import pymupdf
import pytest
from office_fixtures import write_xlsx
from pipeline_helpers import ROOT, SAMPLES, VENV_BIN, PipelineRun, pipeline_env, shared_folder

from bench.memory import PeakSampler
from dagster_project.discovery import scan
from dagster_project.file_faults import KEPT_PREFIX
from dagster_project.loading import load_directory, parse_sources, sync_raw
from dagster_project.parsers import parse_bytes
from dagster_project.settings import load_limits

SELF_EVAL_001 = "001_ebc302d94fc8039c.txt"  # 6 reports
TRACKING_004 = "004_eaeb872d98338714.txt"  # 9 reports
REAL = shared_folder("real")
REAL_PDF = REAL / "01_sh_putuo_wanli_jiedao_2023_dept_budget.pdf" if REAL else None  # a published budget
BUDGET_CELLS = 638
BUDGET_REPORTS = 5  # its 部门整体绩效目标 tables
GIB = 1024**3
SECONDS = 20
TOO_LARGE = "文件超出处理上限，未解析 (file beyond a bound, not parsed): "


def package_bomb(path: Path, marker: str, member: str, unpacked_mb: int = 1100) -> None:
    """A real Word/Excel package whose main XML part unpacks to `unpacked_mb` MB of repeated bytes."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr(marker, "<x/>")
        with z.open(member, "w", force_zip64=True) as out:
            chunk = b"<c><v>1</v></c>" * (1 << 16)
            for _ in range(unpacked_mb * (1 << 20) // len(chunk)):
                out.write(chunk)


def grid_pdf(cells: int = 400, pitch: float = 4.0, pages: int = 8) -> bytes:
    """Pages of 5 KB, each ruled as a cells × cells grid `pitch` pt apart: the table finder needs
    ~11 CPU s per page (~cells^2.7; below ~3 pt its snapping merges the lines and it is fast again),
    so the file takes well over a minute."""
    side = 60 + cells * pitch
    doc = pymupdf.open()
    for _ in range(pages):
        page = doc.new_page(width=side, height=side)
        shape = page.new_shape()
        for i in range(cells + 1):
            at = 30 + i * pitch
            shape.draw_line((at, 30), (at, side - 30))
            shape.draw_line((30, at), (side - 30, at))
        shape.finish(width=0.3)
        shape.commit()
        page.insert_text((32, 34), "1", fontsize=3)
    return doc.tobytes(deflate=True)


def junk_lines(path: Path, lines: int) -> None:
    """TAB-separated junk (no report in it), `lines` lines."""
    row = "abc\t12.5\t项目\txyz\t—\tfoo bar\n"
    with path.open("w", encoding="utf-8") as out:
        for _ in range(lines // 10_000):
            out.write(row * 10_000)


def run_measured(tmp: Path, raw: Path) -> tuple[PipelineRun, int, float]:
    """The pipeline as `make run` runs it; its process tree's peak memory (bytes) and wall time."""
    env = pipeline_env(tmp, raw) | {"FISCAL_PARSE_WORKERS": "2", "FISCAL_MAX_SECONDS": str(SECONDS)}
    start = time.monotonic()
    proc = subprocess.Popen([str(VENV_BIN / "python"), "-m", "dagster_project.run"], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    with PeakSampler(proc.pid, interval=0.2) as sampler:
        out, err = proc.communicate(timeout=600)
    result = subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
    run = PipelineRun(raw, Path(env["FISCAL_DB_PATH"]), Path(env["FISCAL_REPORT_DIR"]), result)
    return run, sampler.peak, time.monotonic() - start


def counts(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, int]]:
    """(reports, budget cells) per file, in the raw layer."""
    rows = con.execute(
        "select s.source_file, (select count(*) from raw.reports r where r.source_file = s.source_file), "
        "(select count(*) from raw.budget_cells b where b.source_file = s.source_file) "
        "from raw.source_files s order by 1"
    ).fetchall()
    return {name: (reports, cells) for name, reports, cells in rows}


def file_issues(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    out: dict[str, list[tuple]] = {}
    for name, line, severity, code, message in con.execute(
        "select source_file, line_no, severity, code, message from raw.parse_issues where line_no = 0 order by all"
    ).fetchall():
        out.setdefault(name, []).append((line, severity, code, message))
    return out


def state(db: Path) -> dict:
    with duckdb.connect(str(db), read_only=True) as con:
        return {
            "counts": counts(con),
            "issues": file_issues(con),
            "loaded_at": dict(con.execute("select source_file, loaded_at from raw.source_files").fetchall()),
            "rejected": dict(con.execute("select source_file, code from raw.rejected_versions").fetchall()),
        }


@pytest.fixture(scope="module")
def story(tmp_path_factory):
    if REAL_PDF is None:
        pytest.skip("../shared/real (published budget PDFs) not present")
    tmp = tmp_path_factory.mktemp("hostile")
    raw = tmp / "raw"
    raw.mkdir()
    shutil.copy(SAMPLES / SELF_EVAL_001, raw / "self_eval.txt")
    write_xlsx((SAMPLES / TRACKING_004).read_text(encoding="utf-8"), raw / "tracking.xlsx")
    shutil.copy(REAL_PDF, raw / "budget.pdf")
    package_bomb(raw / "bomb.xlsx", "xl/workbook.xml", "xl/worksheets/sheet1.xml")
    package_bomb(raw / "bomb.docx", "word/styles.xml", "word/document.xml")
    junk_lines(raw / "junk.txt", load_limits().lines + 10_000)
    (raw / "grid.pdf").write_bytes(grid_pdf())
    out = {"raw": raw, "sizes": {p.name: p.stat().st_size for p in raw.iterdir()}}
    out["run"], out["peak"], out["time"] = run_measured(tmp, raw)
    out["first"] = state(out["run"].db_path)
    out["marts_budget_lines"] = out["run"].scalar(
        "select count(*) from marts.fct_budget_line where source_file = 'budget.pdf'")

    # An interrupted upload: loaded files overwritten by the first 90% of their bytes; the next load.
    for name in ("budget.pdf", "tracking.xlsx"):
        data = (raw / name).read_bytes()
        (raw / name).write_bytes(data[: len(data) * 9 // 10])
    db = tmp / "next.duckdb"
    shutil.copy(out["run"].db_path, db)
    out["summary"] = load_directory(raw, db, workers=2)
    out["second"] = state(db)
    return out


def test_the_run_succeeds_and_publishes(story):
    assert story["run"].result.returncode == 0, story["run"].result.stderr[-3000:]


def test_each_hostile_file_is_one_error_naming_its_bound_and_figures(story):
    issues = story["first"]["issues"]
    assert story["sizes"]["bomb.xlsx"] < 10 * 1024**2  # a few MB on disk
    for name in ("bomb.xlsx", "bomb.docx"):
        assert issues[name] == [
            (0, "error", "file_too_large", TOO_LARGE + "unpacked 1.1 GB > limit 50.0 MB (FISCAL_MAX_UNPACKED_MB)")
        ]
    assert issues["junk.txt"] == [
        (0, "error", "file_too_large", TOO_LARGE + "lines 210,000 > limit 200,000 (FISCAL_MAX_LINES)")
    ]
    [(line, severity, code, message)] = issues["grid.pdf"]
    assert (line, severity, code) == (0, "error", "parse_timeout")
    assert f"still parsing after {SECONDS} s (FISCAL_MAX_SECONDS)" in message
    # No junk line is stored: the file is one issue, not 210,000 rows.
    assert story["run"].scalar("select count(*) from raw.line_accounting where source_file = 'junk.txt'") == 0


def test_the_good_files_are_all_loaded(story):
    got = story["first"]["counts"]
    assert got["self_eval.txt"] == (6, 0)
    assert got["tracking.xlsx"] == (9, 0)
    assert got["budget.pdf"] == (BUDGET_REPORTS, BUDGET_CELLS)
    assert story["marts_budget_lines"] == BUDGET_CELLS
    assert {name for name, issues in story["first"]["issues"].items()} == {"bomb.docx", "bomb.xlsx", "grid.pdf", "junk.txt"}


def test_peak_memory_of_the_run_stays_under_2_gb(story):
    print(f"peak memory of the run: {story['peak'] / GIB:.2f} GiB in {story['time']:.0f} s")
    assert 0 < story["peak"] < 2 * GIB


def test_a_damaged_new_version_keeps_the_loaded_rows_and_says_so(story):
    second = story["second"]
    assert second["counts"]["budget.pdf"] == (BUDGET_REPORTS, BUDGET_CELLS)
    assert second["counts"]["tracking.xlsx"] == (9, 0)
    [(line, severity, code, message)] = second["issues"]["budget.pdf"]
    assert (line, severity, code) == (0, "error", "damaged_document")
    assert message.startswith(KEPT_PREFIX + "PDF 文件已损坏")
    [(line, severity, code, message)] = second["issues"]["tracking.xlsx"]
    assert (line, severity, code) == (0, "error", "damaged_document")
    assert message.startswith(KEPT_PREFIX + "文件已损坏（zip 包不完整")
    # The rows kept are the loaded version's: its raw.source_files row (hash, time) is unchanged.
    for name in ("budget.pdf", "tracking.xlsx"):
        assert second["loaded_at"][name] == story["first"]["loaded_at"][name]
    assert second["rejected"] == {"budget.pdf": "damaged_document", "tracking.xlsx": "damaged_document"}
    assert story["summary"].kept_previous == 2 and story["summary"].files_parsed == 0


def test_a_file_that_failed_is_not_parsed_again_until_it_changes(story):
    for name in ("grid.pdf", "bomb.xlsx", "bomb.docx", "junk.txt"):
        assert story["second"]["loaded_at"][name] == story["first"]["loaded_at"][name]
        assert story["second"]["issues"][name] == story["first"]["issues"][name]
    assert story["summary"].files_unchanged == 5


# --- at the loader, where timing can be controlled ------------------------------------------------


def test_a_worker_killed_mid_file_costs_only_that_file(tmp_path):
    """The kernel's out-of-memory killer sends SIGKILL: here it is sent to the worker parsing the grid PDF."""
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a_grid.pdf").write_bytes(grid_pdf())
    shutil.copy(SAMPLES / SELF_EVAL_001, raw / "b_self_eval.txt")
    files = scan(raw).files

    def kill_the_worker():
        time.sleep(2)
        for child in multiprocessing.active_children():
            child.kill()

    killer = threading.Thread(target=kill_the_worker)
    start = time.monotonic()
    results = parse_sources(files, workers=1)
    killer.start()
    grid, good = list(results)
    killer.join()
    assert time.monotonic() - start < 20  # not the minute and more the grid would take
    assert [(i.line_no, i.severity, i.code) for i in grid.issues] == [(0, "error", "parser_crashed")]
    assert "worker process killed by SIGKILL (out of memory?)" in grid.issues[0].message
    assert len(good.reports) == 6  # parsed by a fresh worker


def test_a_file_changing_while_read_is_left_for_the_next_run(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SAMPLES / SELF_EVAL_001, raw / SELF_EVAL_001)
    db = tmp_path / "w.duckdb"
    load_directory(raw, db)
    grown = (SAMPLES / TRACKING_004).read_bytes()
    (raw / SELF_EVAL_001).write_bytes(grown[: len(grown) // 2])  # an upload in progress...
    found = scan(raw)
    (raw / SELF_EVAL_001).write_bytes(grown)  # ...goes on after the folder was scanned
    with duckdb.connect(str(db)) as con:
        summary = sync_raw(con, found)
        issues = con.execute("select line_no, severity, code from raw.parse_issues where line_no = 0").fetchall()
        reports = con.execute("select count(*) from raw.reports").fetchone()[0]
    assert issues == [(0, "info", "file_still_changing")]
    assert reports == 6  # the previous version is kept
    assert summary.files_parsed == 0 and summary.unreadable == 1
    summary = load_directory(raw, db)  # the next run: the file is stable now
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select count(*) from raw.reports").fetchone()[0] == 9
        assert con.execute("select count(*) from raw.parse_issues where line_no = 0").fetchone()[0] == 0


def test_a_file_really_emptied_loses_its_rows_and_a_restored_one_clears_its_rejection(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    good = (SAMPLES / SELF_EVAL_001).read_bytes()
    for name in ("a.txt", "b.txt"):
        (raw / name).write_bytes(good + name.encode())
    db = tmp_path / "w.duckdb"
    load_directory(raw, db)
    (raw / "a.txt").write_bytes(b"\n \n")  # emptied: readable, nothing in it
    (raw / "b.txt").write_bytes(b"\x00\x01binary" * 100)  # not text: cannot be read as a report
    load_directory(raw, db)
    with duckdb.connect(str(db), read_only=True) as con:
        reports = dict(con.execute("select source_file, count(*) from raw.reports group by 1").fetchall())
        codes = con.execute("select source_file, code from raw.parse_issues where line_no = 0 order by 1").fetchall()
    assert reports == {"b.txt": 6}
    assert codes == [("a.txt", "empty_file"), ("b.txt", "undecodable_file")]
    (raw / "b.txt").write_bytes(good + b"b.txt")  # back at its loaded version
    load_directory(raw, db)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select count(*) from raw.rejected_versions").fetchone()[0] == 0
        assert con.execute("select code from raw.parse_issues where line_no = 0").fetchall() == [("empty_file",)]


def test_a_package_whose_header_understates_its_size_is_damaged_not_unpacked():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"<w:document/>" * 100_000)
    data = bytearray(buf.getvalue())
    real = (13 * 100_000).to_bytes(4, "little")
    fake = (1000).to_bytes(4, "little")
    assert data.count(real) == 2  # the local header and the central directory
    data = bytes(data).replace(real, fake)
    result = parse_bytes(data, "lying.docx", load_limits())
    assert [(i.line_no, i.severity, i.code) for i in result.issues] == [(0, "error", "damaged_document")]
