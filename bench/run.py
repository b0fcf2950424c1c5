"""Stage-by-stage benchmark of the pipeline on synthetic corpora.

    python -m bench.run --sizes 1000,10000,100000     # what `make bench` runs
    python -m bench.run --sizes 200                   # quick smoke run
    python -m bench.run --sizes 10000 --findings-heavy  # findings in ≥ 1/3 of the reports
    python -m bench.run --copies raw/000_2cba3ecfd7271be6.txt:300   # issue 22's reproduction

For each size: generate (or reuse) bench/corpus/<n>, then run each stage in a
fresh subprocess while a sampler thread records the peak memory (PSS) of that
subprocess and all its children (parse workers, dbt threads):

- floor_duckdb   DuckDB read_csv over the same files, only splitting lines into
                 TAB cells: the floor for parsing (2 threads).
- floor_python   Python reading the files and splitting lines and TABs (1 core).
- parse          dagster_project.loading.parse_sources(files, workers=cores).
- parse_1core    the same on one core (a prefix of the files, capped by --single-cap
                 reports), for reports/s per core.
- load           load_directory(raw_dir, fresh db, workers): discover + hash +
                 parse + insert, what the Dagster ingest asset does.
- load_only      sync_raw with results parsed beforehand (untimed): inserts only (on a
                 prefix of --single-cap reports: it holds every parsed result in memory).
- dbt            dbt build on the loaded database (skipped without a dbt project).
- quality        expectations.checkpoint.run_quality_checks (skipped if missing).
- report         dagster_project.reporting.render_quality_report (skipped if missing).
- e2e            load + dbt + quality + report (sum of the stages above), and
- e2e_dagster    the real thing: `python -m dagster_project.run` (what `make run` does) on a
                 fresh warehouse (skipped without dbt/target/manifest.json; --no-dagster), then
- nochange_run   the same command again with nothing changed (the fixed cost of a run), and
- new_file_run   again after one new file (a distinct copy of a corpus file) is added, and
- new_file_again  after a second new file: the steady state of a warehouse that runs often
                 (the first incremental run finds no spare of the published file to bring up to
                 date and copies it, publish.py; from the second on there is one).
                 These three print each step's wall and CPU seconds (run.py --timings).

Prints a table, the parse/floor ratio, the targets, and (when the quality step
ran) how many of the inconsistencies injected by the generator the checks found.
Writes everything to bench/results/<timestamp>.json.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from . import corpus
from .memory import PeakSampler

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
RESULT_TAG = "BENCH_RESULT "
ALL_STAGES = (
    "floor_duckdb", "floor_python", "parse", "parse_1core", "load", "load_only",
    "dbt", "quality", "report", "e2e_dagster",
)  # fmt: skip
TARGETS = {"parse_reports_per_s_per_core": 2000, "e2e_100k_s": 90, "peak_mb_100k": 2048}  # issue 22


# ---------------------------------------------------------------- stages (run in a child process)


def _files(raw: Path) -> list:
    from dagster_project.loading import discover

    return discover(raw)


def _count(results) -> dict:
    c = {
        "files": 0,
        "reports": 0,
        "fund_rows": 0,
        "indicators": 0,
        "budget_tables": 0,
        "budget_cells": 0,
        "issues": 0,
    }
    for r in results:
        c["files"] += 1
        c["reports"] += len(r.reports)
        c["fund_rows"] += len(r.fund_rows)
        c["indicators"] += len(r.indicators)
        c["budget_tables"] += len(r.budget_tables)
        c["budget_cells"] += len(r.budget_cells)
        c["issues"] += len(r.issues)
    return c


def stage_floor_duckdb(p: dict) -> dict:
    import duckdb

    files = [str(f) for f in sorted(Path(p["raw"]).rglob("*.txt"))]
    con = duckdb.connect()
    con.execute(f"set threads = {p['workers']}")
    cols = {f"c{i}": "VARCHAR" for i in range(24)}
    t0 = time.perf_counter()
    rows, cells = con.execute(
        "select count(*), count(c0) + count(c1) + count(c2) + count(c3) + count(c4) + count(c5) + count(c6)"
        " + count(c7) + count(c8) + count(c9) from read_csv($f, delim='\t', header=false, columns=$c,"
        " null_padding=true, ignore_errors=true, quote='', escape='', auto_detect=false)",
        {"f": files, "c": cols},
    ).fetchone()
    split = time.perf_counter() - t0
    t0 = time.perf_counter()
    (lines,) = con.execute(
        "select count(*) from read_csv($f, delim='\x01', header=false, columns={'line': 'VARCHAR'},"
        " quote='', escape='', auto_detect=false, ignore_errors=true)",
        {"f": files},
    ).fetchone()
    return {"seconds": split, "rows": rows, "cells": cells, "lines_only_seconds": time.perf_counter() - t0,
            "lines": lines}  # fmt: skip


def stage_floor_python(p: dict) -> dict:
    files = sorted(Path(p["raw"]).rglob("*.txt"))
    t0 = time.perf_counter()
    cells = lines = 0
    for f in files:
        for line in f.read_bytes().decode("utf-8").split("\n"):
            lines += 1
            cells += len(line.split("\t"))
    return {"seconds": time.perf_counter() - t0, "lines": lines, "cells": cells}


def stage_parse(p: dict) -> dict:
    from dagster_project.loading import parse_sources

    files = _files(Path(p["raw"]))
    if p.get("max_files"):
        files = files[: p["max_files"]]
    t0 = time.perf_counter()
    counts = _count(parse_sources(files, p["workers"]))
    return {"seconds": time.perf_counter() - t0, "bytes": sum(f.size_bytes for f in files), **counts}


def _own_cpu() -> float:
    """CPU seconds of this process alone (all its threads), not of its parse workers."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def stage_load(p: dict) -> dict:
    from dagster_project.loading import load_directory

    db = Path(p["db"])
    for suffix in ("", ".wal"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    t0, cpu0 = time.perf_counter(), _own_cpu()
    summary = load_directory(Path(p["raw"]), db, p["workers"])
    return {"seconds": time.perf_counter() - t0, "files": summary.files_parsed, "rows": summary.rows,
            "db_mb": round(db.stat().st_size / 1e6, 1), "loader_cpu_s": round(_own_cpu() - cpu0, 2)}  # fmt: skip


def stage_load_only(p: dict) -> dict:
    import duckdb

    from dagster_project import loading

    files = _files(Path(p["raw"]))
    if p.get("max_files"):  # every parsed result is held in memory: a prefix of a big corpus
        files = files[: p["max_files"]]
    pre = {r.source_file: r for r in loading.parse_for_load(files, p["workers"])}
    loading.parse_for_load = lambda fs, workers=1, limits=None: (pre[f.source_file] for f in fs)  # inserts only
    db = Path(p["db"])
    for suffix in ("", ".wal"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    con = duckdb.connect(str(db))
    try:
        loading.create_raw_tables(con)
        t0, cpu0 = time.perf_counter(), _own_cpu()
        summary = loading.sync_raw(con, files, p["workers"])
        seconds, cpu = time.perf_counter() - t0, _own_cpu() - cpu0
    finally:
        con.close()
    return {"seconds": seconds, "rows": summary.rows, "loader_cpu_s": round(cpu, 2)}


def stage_quality(p: dict) -> dict:
    from expectations.checkpoint import run_quality_checks

    t0 = time.perf_counter()
    summary = run_quality_checks(p["db"], p["report_dir"])
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "violations": getattr(summary, "violation_count", None)}


def stage_report(p: dict) -> dict:
    from dagster_project.reporting import render_quality_report

    args = {"db_path": Path(p["db"]), "report_dir": Path(p["report_dir"]), "raw_dir": Path(p["raw"])}
    params = inspect.signature(render_quality_report).parameters
    t0 = time.perf_counter()
    written = render_quality_report(**{k: v for k, v in args.items() if k in params})
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "violations": written["counts"]["violations"],
            "page_mb": round(written["html"].stat().st_size / 1e6, 2),
            "workbook_mb": round(written["xlsx"].stat().st_size / 1e6, 2)}  # fmt: skip


STAGE_FUNCS = {
    "floor_duckdb": stage_floor_duckdb,
    "floor_python": stage_floor_python,
    "parse": stage_parse,
    "load": stage_load,
    "load_only": stage_load_only,
    "quality": stage_quality,
    "report": stage_report,
}


# ---------------------------------------------------------------- parent side


def run_child(
    cmd: list[str], cwd: Path | None = None, env: dict | None = None, timeout: float = 3600
) -> dict:
    """Run cmd, sampling the peak memory of its process tree. Returns wall, peak, rc, output tail, result."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace"
    )
    with PeakSampler(proc.pid) as sampler:
        try:
            out, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, _ = proc.communicate()
            out += f"\n[bench] killed after {timeout} s"
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # CPU seconds of the stage and its children: on a shared, busy machine wall time lies, this less
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    result = None
    for line in out.splitlines():
        if line.startswith(RESULT_TAG):
            result = json.loads(line[len(RESULT_TAG) :])
    return {"wall": wall, "cpu_s": round(cpu, 2), "peak_mb": round(sampler.peak / 2**20, 1), "rc": proc.returncode,
            "tail": out[-2000:], "result": result}  # fmt: skip


def run_stage(stage: str, params: dict) -> dict:
    cmd = [sys.executable, "-m", "bench.run", "--stage", stage, "--params", json.dumps(params)]
    return run_child(cmd, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})


def _row(stage, n, mb, wall, peak, status="ok", note="", extra=None, cpu=None) -> dict:
    row = {"stage": stage, "n_reports": n, "status": status, "note": note, "wall_s": None, "cpu_s": cpu, "reports_per_s": None,
           "mb_per_s": None, "us_per_report": None, "peak_mb": peak, "extra": extra or {}}  # fmt: skip
    if wall is not None and status == "ok":
        row["wall_s"] = round(wall, 3)
        row["reports_per_s"] = round(n / wall, 1) if wall > 0 else None
        row["mb_per_s"] = round(mb / wall, 2) if wall > 0 else None
        row["us_per_report"] = round(wall / n * 1e6, 1) if n else None
    return row


def _has_module(name: str) -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def _dbt_project() -> bool:
    return (ROOT / "dbt" / "dbt_project.yml").exists() and any((ROOT / "dbt" / "models").rglob("*.sql"))


# The findings-heavy corpus: a finance office's warehouse has findings in a large share of its
# documents. Half the report tables get an injected inconsistency (budget files: every one), and a
# cross-document project per 30 reports drifts between its documents: findings of every rule family.
FINDINGS_HEAVY = {"inject_rate": 0.5, "triples_per_report": 1 / 30}


def copies_corpus(sample: Path, copies: int, out: Path) -> dict:
    """`copies` copies of one sample file, each made distinct by trailing blank lines (identical
    content is loaded once); the reproduction of issue 22 (300 copies of the self-evaluation sample)."""
    from dagster_project.parsers import parse_file

    t0 = time.perf_counter()
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    data = sample.read_bytes()
    for i in range(copies):
        (out / f"copy_{i:05d}_{sample.name}").write_bytes(data + b"\n" * (i + 1))
    reports = len(parse_file(sample, sample.name).reports)
    return {"n": reports * copies, "files": copies, "reports": reports * copies, "bytes": len(data) * copies,
            "sample": str(sample), "copies": copies, "seconds": round(time.perf_counter() - t0, 3)}  # fmt: skip


def prepare_corpus(n: int, args) -> tuple[Path, dict]:
    """The corpus a size runs on: synthetic (5% or, findings-heavy, 50% injected) or copies of a sample."""
    if args.copies:
        sample, copies = args.copies
        out = Path(args.corpus_dir) / f"copies-{Path(sample).stem}-{copies}"
        return out, copies_corpus(Path(sample), copies, out)
    if args.findings_heavy:
        out = Path(args.corpus_dir) / f"{n}-findings"
        triples = round(n * FINDINGS_HEAVY["triples_per_report"])
        return out, corpus.cached(n, out, seed=args.seed, inject_rate=FINDINGS_HEAVY["inject_rate"], triples=triples)
    out = Path(args.corpus_dir) / str(n)
    return out, corpus.cached(n, out, seed=args.seed)


def stages_at(n: int, args) -> set[str]:
    """The stages measured at n requested reports: above --runs-only-above, only the make runs."""
    stages = set(args.stages)
    if args.runs_only_above is not None and n > args.runs_only_above:
        stages &= {"e2e_dagster"}
    return stages - ({"e2e_dagster"} if args.no_dagster else set())


def bench_size(n: int, args) -> dict:
    stages = stages_at(n, args)  # by the size asked for (a findings-heavy corpus holds 10% more)
    t0 = time.perf_counter()
    out, manifest = prepare_corpus(n, args)
    n = manifest["reports"]
    gen_s = time.perf_counter() - t0
    mb = manifest["bytes"] / 1e6
    work = Path(args.work_dir) / str(n)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    db = work / "fiscal.duckdb"
    report_dir = work / "reports"
    base = {"raw": str(out), "db": str(db), "report_dir": str(report_dir), "workers": args.workers}
    rows: list[dict] = [
        _row("generate", n, mb, manifest["seconds"], None, extra={"cached_lookup_s": round(gen_s, 2)})
    ]

    def timed(stage: str, params: dict | None = None, n_eff: int = n, mb_eff: float = mb) -> dict | None:
        func, name = stage.split(":")[0], stage.split(":")[-1]
        if name not in stages:
            return None
        r = run_stage(func, {**base, **(params or {})})
        if r["rc"] != 0 or r["result"] is None:
            rows.append(_row(name, n_eff, mb_eff, None, r["peak_mb"], "error", r["tail"][-600:]))
            return None
        own = r["result"].get("loader_cpu_s")  # the loading process alone, beside its parse workers
        rows.append(_row(name, n_eff, mb_eff, r["result"]["seconds"], r["peak_mb"], extra=r["result"], cpu=r["cpu_s"],
                         note=f"loading process {own} CPU s" if own is not None else ""))
        _progress(rows[-1])
        return r["result"]

    timed("floor_duckdb")
    timed("floor_python")
    parse = timed("parse")
    if parse is not None and parse["reports"] != n and not args.copies:
        rows[-1]["note"] += f"parser found {parse['reports']} of {n} reports"
    if "parse_1core" in stages and (out / ".truth.jsonl").exists():
        files, reports = _prefix(out, args.single_cap)
        sub_mb = _prefix_bytes(out, files) / 1e6
        timed("parse:parse_1core", {"workers": 1, "max_files": files}, reports, sub_mb)
    load = timed("load")
    if "load_only" in stages:  # into a database of its own, removed afterwards
        only_db = work / "load_only.duckdb"
        if (out / ".truth.jsonl").exists() and n > args.single_cap:
            # it holds every parsed result at once (0.66 MB a file: 6 GB at 100k): the files of --single-cap reports
            files, reports = _prefix(out, args.single_cap)
            timed("load_only", {"db": str(only_db), "max_files": files}, reports, _prefix_bytes(out, files) / 1e6)
        else:
            timed("load_only", {"db": str(only_db)})
        for suffix in ("", ".wal"):
            Path(str(only_db) + suffix).unlink(missing_ok=True)

    e2e_parts = [r for r in rows if r["stage"] == "load" and r["status"] == "ok"]
    if "dbt" in stages:
        if not _dbt_project():
            rows.append(_row("dbt", n, mb, None, None, "skipped", "no dbt project (dbt/models has no .sql)"))
        elif load is None:
            rows.append(_row("dbt", n, mb, None, None, "skipped", "load failed"))
        else:
            r = run_child(
                [str(VENV_BIN / "dbt"), "build", "--profiles-dir", ".", "--quiet"],
                cwd=ROOT / "dbt",
                env={**os.environ, "FISCAL_DB_PATH": str(db), "DO_NOT_TRACK": "1"},
            )
            # dbt exits 1 when a data test fails: still a complete build, noted
            status = "ok" if r["rc"] in (0, 1) and "Compilation Error" not in r["tail"] else "error"
            note = "" if r["rc"] == 0 else f"dbt exit {r['rc']}: " + r["tail"][-300:].replace("\n", " ")
            rows.append(_row("dbt", n, mb, r["wall"], r["peak_mb"], status, note, cpu=r["cpu_s"]))
            _progress(rows[-1])
            if status == "ok":
                e2e_parts.append(rows[-1])
    for stage, module in (("quality", "expectations.checkpoint"), ("report", "dagster_project.reporting")):
        if stage not in stages:
            continue
        if not _has_module(module):
            rows.append(_row(stage, n, mb, None, None, "skipped", f"{module} not found"))
            continue
        if timed(stage) is not None:
            e2e_parts.append(rows[-1])
    if len(e2e_parts) > 1:
        wall = sum(r["wall_s"] for r in e2e_parts)
        rows.append(_row("e2e", n, mb, wall, max(r["peak_mb"] or 0 for r in e2e_parts),
                         note="sum of " + " + ".join(r["stage"] for r in e2e_parts),
                         cpu=sum(r["cpu_s"] or 0 for r in e2e_parts)))  # fmt: skip
        _progress(rows[-1])
    if "e2e_dagster" in stages and not args.no_dagster:
        if not (ROOT / "dbt" / "target" / "manifest.json").exists():
            rows.append(
                _row("e2e_dagster", n, mb, None, None, "skipped", "no dbt/target/manifest.json (make run)")
            )
        else:
            rows.extend(dagster_runs(out, work / "dagster", n, mb, args.workers, args.timeout))

    result = {"n": n, "corpus": manifest, "stages": rows}
    floor = _get(rows, "floor_duckdb")
    if floor and _get(rows, "parse"):
        result["parse_over_floor"] = round(_get(rows, "parse")["wall_s"] / floor["wall_s"], 1)
    pyfloor, one = _get(rows, "floor_python"), _get(rows, "parse_1core")
    if pyfloor and one:
        result["parse_1core_over_python_split"] = round(
            (one["wall_s"] / one["extra"]["bytes"]) / (pyfloor["wall_s"] / manifest["bytes"]), 1
        )
    if _get(rows, "quality") and args.detection and (out / ".truth.jsonl").exists():
        result["detection"] = detection(out, db)
    if _get(rows, "quality"):
        result["findings"] = findings(db)
    return result


# full build, no change, one new file, another new file (the first run after a build copies the warehouse)
RUNS = ("e2e_dagster", "nochange_run", "new_file_run", "new_file_again")
NEW_FILES = {"new_file_run": ("zz_new_", b"\n\n"), "new_file_again": ("zz_new2_", b"\n\n\n")}
TIMING = re.compile(r"^  timing (?P<step>.+): wall (?P<wall>[\d.]+) s, cpu (?P<cpu>[\d.]+) s$", re.MULTILINE)


def dagster_runs(corpus_dir: Path, dg: Path, n: int, mb: float, workers: int, timeout: float = 3600) -> list[dict]:
    """What `make run` costs: a full build, a run with no change, a run after one new file, and another.

    The raw folder is a copy of the corpus (a file is added to it); each row's extra holds the
    per-step wall and CPU seconds the run printed (run.py --timings).
    """
    raw = dg / "raw"
    shutil.copytree(corpus_dir, raw, ignore=shutil.ignore_patterns(".*"))
    env = {**os.environ, "FISCAL_RAW_DIR": str(raw), "FISCAL_DB_PATH": str(dg / "fiscal.duckdb"),
           "FISCAL_REPORT_DIR": str(dg / "reports"), "DAGSTER_HOME": str(dg / "home"),
           "FISCAL_PARSE_WORKERS": str(workers), "DBT_PROFILES_DIR": str(ROOT / "dbt"),
           "FISCAL_DBT_RUNS_DIR": str(dg / "dbt_runs"),  # its own: test runs beside it prune theirs
           "DO_NOT_TRACK": "1"}  # fmt: skip
    (dg / "home").mkdir(parents=True, exist_ok=True)
    rows = []
    for name in RUNS:
        if name in NEW_FILES:  # a distinct copy of the first file: new content, parsed and loaded
            prefix, padding = NEW_FILES[name]
            first = min(p for p in raw.rglob("*") if p.is_file() and not p.name.startswith("zz_new"))
            (raw / f"{prefix}{first.name}").write_bytes(first.read_bytes() + padding)
        r = run_child([sys.executable, "-m", "dagster_project.run", "--timings"], cwd=ROOT, env=env, timeout=timeout)
        status = "ok" if r["rc"] == 0 else "error"
        steps = {m["step"]: {"wall_s": float(m["wall"]), "cpu_s": float(m["cpu"])} for m in TIMING.finditer(r["tail"])}
        rows.append(_row(name, n, mb, r["wall"], r["peak_mb"], status, "" if status == "ok" else r["tail"][-600:],
                         extra={"steps": steps}, cpu=r["cpu_s"]))  # fmt: skip
        _progress(rows[-1])
        if status != "ok":
            break
    return rows


def print_runs(results: list[dict]) -> None:
    """Per step of `make run`: wall / CPU seconds of the full build, the no-change run, one new file."""
    for res in results:
        runs = {r["stage"]: r["extra"].get("steps", {}) for r in res["stages"] if r["stage"] in RUNS and r["status"] == "ok"}
        if not runs:
            continue
        steps = list(dict.fromkeys(step for by in runs.values() for step in by))
        width = max(len(step) for step in steps)
        print(f"make run at n={res['n']}, per step (wall s / CPU s):")
        print(f"  {'step':<{width}}" + "".join(f"{name:>22}" for name in runs))
        for step in steps:
            cells = [by.get(step) for by in runs.values()]
            print(f"  {step:<{width}}" + "".join(
                f"{c['wall_s']:>12.1f} / {c['cpu_s']:<7.1f}" if c else f"{'-':>22}" for c in cells))
        print()


def print_incremental(results: list[dict]) -> None:
    """Issue 22's incremental table: per warehouse size, the full build, a run with no change and one
    new file (wall s / CPU s, peak memory of the run's process tree), against the ≤ 10 s target."""
    sizes = [(res["n"], {r["stage"]: r for r in res["stages"] if r["stage"] in RUNS and r["status"] == "ok"})
             for res in results]  # fmt: skip
    sizes = [(n, runs) for n, runs in sizes if runs]
    if not sizes:
        return

    def cell(r: dict | None) -> str:
        return f"{r['wall_s']:>7.1f} / {r['cpu_s']:<6.1f} {r['peak_mb']:>6.0f}" if r else f"{'-':>21}"

    print("Incremental runs (make run): wall s / CPU s, peak MB of the run's processes")
    print(f"  {'reports':>8}  {'full build':^21}  {'no change':^21}  {'one new file':^21}  {'another new file':^21}"
          "  target: new file ≤ 10 s (first / another)")  # fmt: skip
    for n, runs in sizes:
        verdicts = ["-" if r is None else ("meets" if r["wall_s"] <= 10 else "MISSES")
                    for r in (runs.get(name) for name in NEW_FILES)]  # fmt: skip
        print(f"  {n:>8}  " + "  ".join(cell(runs.get(name)) for name in RUNS) + f"  {' / '.join(verdicts)}")
    print()


def _get(rows: list[dict], stage: str) -> dict | None:
    return next((r for r in rows if r["stage"] == stage and r["status"] == "ok"), None)


def _prefix(out: Path, cap: int) -> tuple[int, int]:
    """How many files (in discover order) hold about `cap` reports, and how many reports that is."""
    files = reports = 0
    with (out / ".truth.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            files += 1
            reports += line.count('"report_type":')
            if reports >= cap:
                break
    return files, reports


def _prefix_bytes(out: Path, files: int) -> int:
    paths = sorted(p for p in out.rglob("*") if p.is_file() and not p.name.startswith("."))
    return sum(p.stat().st_size for p in paths[:files])


def detection(out: Path, db: Path) -> dict:
    """Injected inconsistencies vs quality.violations: found in the same file with the same check name."""
    import duckdb

    injected = []
    cascades: set[tuple[str, str]] = set()  # (file, check) an injection is expected to set off too
    with (out / ".truth.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            if '"check_name"' not in line:
                continue
            rec = json.loads(line)
            for r in rec["reports"]:
                injected += [(rec["file"], i["check_name"], i["line_no"]) for i in r["injected"]]
            for i in rec.get("budget", {}).get("injected", []):
                injected.append((rec["file"], i["check_name"], i["line_no"]))
                cascades |= {(rec["file"], c) for c in i.get("also_fires", [])}
    try:
        with duckdb.connect(str(db), read_only=True) as con:
            found = con.execute("select source_file, check_name, line_no from quality.violations").fetchall()
    except duckdb.Error as exc:
        return {"error": str(exc)}
    by_file = {(f, c) for f, c, _ in found}
    exact = {(f, c, ln) for f, c, ln in found}
    inj_files = {(f, c) for f, c, _ in injected}
    per: dict[str, dict] = {}
    for f, c, ln in injected:
        d = per.setdefault(c, {"injected": 0, "found_in_file": 0, "found_on_line": 0, "violations": 0,
                               "in_clean_files": 0})  # fmt: skip
        d["injected"] += 1
        d["found_in_file"] += (f, c) in by_file
        d["found_on_line"] += (f, c, ln) in exact
    for f, c, _ in found:
        d = per.setdefault(c, {"injected": 0, "found_in_file": 0, "found_on_line": 0, "violations": 0,
                               "in_clean_files": 0})  # fmt: skip
        d["violations"] += 1
        d["in_clean_files"] += (f, c) not in inj_files and (f, c) not in cascades
        d["expected_cascade"] = d.get("expected_cascade", 0) + (
            (f, c) in cascades and (f, c) not in inj_files
        )
    return per


def findings(db: Path) -> dict:
    """How findings-heavy the corpus is: share of report tables with a finding, findings per rule."""
    import duckdb

    try:
        with duckdb.connect(str(db), read_only=True) as con:
            (reports,) = con.execute("select count(*) from raw.reports").fetchone()
            (with_findings,) = con.execute(
                "select count(*) from (select distinct source_file, report_seq from quality.violations "
                "where report_seq is not null)"
            ).fetchone()
            per_rule = dict(con.execute("select check_name, count(*) from quality.violations group by 1 order by 1").fetchall())
    except duckdb.Error as exc:
        return {"error": str(exc)}
    return {"reports": reports, "reports_with_findings": with_findings,
            "share": round(with_findings / reports, 3) if reports else None,
            "violations": sum(per_rule.values()), "per_rule": per_rule}  # fmt: skip


def _progress(row: dict) -> None:
    print(f"  {row['stage']:<13} n={row['n_reports']:<7} {row['status']:<7} wall={row['wall_s']}s "
          f"peak={row['peak_mb']}MB {row['note'][:80]}", flush=True)  # fmt: skip


def print_table(results: list[dict]) -> None:
    head = f"{'stage':<13} {'reports':>8} {'status':<8} {'wall s':>9} {'cpu s':>8} {'reports/s':>10} {'MB/s':>7} " \
           f"{'µs/report':>10} {'peak MB':>8}  note"  # fmt: skip
    print("\n" + head)
    print("-" * len(head))
    for res in results:
        for r in res["stages"]:
            fmt = lambda v, w, p=1: f"{v:>{w}.{p}f}" if isinstance(v, (int, float)) else f"{'-':>{w}}"
            print(f"{r['stage']:<13} {r['n_reports']:>8} {r['status']:<8} {fmt(r['wall_s'], 9, 2)} {fmt(r.get('cpu_s'), 8, 1)} "
                  f"{fmt(r['reports_per_s'], 10, 0)} {fmt(r['mb_per_s'], 7, 2)} {fmt(r['us_per_report'], 10, 0)} "
                  f"{fmt(r['peak_mb'], 8, 0)}  {r['note'][:70]}")  # fmt: skip
        extra = []
        if "parse_over_floor" in res:
            extra.append(f"parse / DuckDB read_csv floor = {res['parse_over_floor']}x")
        if "parse_1core_over_python_split" in res:
            extra.append(f"parse (1 core) / Python line+TAB split = {res['parse_1core_over_python_split']}x")
        if extra:
            print("   " + "; ".join(extra))
        print()


def targets(results: list[dict]) -> dict:
    out = {}
    for res in results:
        one = _get(res["stages"], "parse_1core")
        if one:
            out.setdefault("parse_reports_per_s_per_core", {})[res["n"]] = one["reports_per_s"]
    biggest = max(results, key=lambda r: r["n"])
    e2e = _get(biggest["stages"], "e2e_dagster") or _get(biggest["stages"], "e2e")
    if e2e:
        out["e2e"] = {"n": biggest["n"], "stage": e2e["stage"], "seconds": e2e["wall_s"]}
    # load_only holds every pre-parsed result on purpose: not a pipeline stage
    real = [r for r in biggest["stages"] if r["stage"] != "load_only" and r["peak_mb"]]
    top = max(real, key=lambda r: r["peak_mb"], default={"peak_mb": 0, "stage": "-"})
    out["peak_mb"] = {"n": biggest["n"], "max": top["peak_mb"], "stage": top["stage"]}
    out["us_per_report"] = {
        st: {res["n"]: (_get(res["stages"], st) or {}).get("us_per_report") for res in results}
        for st in ("parse", "load", "dbt", "quality", "report", "e2e", "e2e_dagster")
    }
    return out


def print_targets(t: dict) -> None:
    print("Targets (reported, not enforced):")
    for n, v in t.get("parse_reports_per_s_per_core", {}).items():
        ok = "meets" if v >= TARGETS["parse_reports_per_s_per_core"] else "BELOW"
        print(
            f"  parse ≥ {TARGETS['parse_reports_per_s_per_core']} reports/s per core: {v:.0f} at n={n} → {ok}"
        )
    if "e2e" in t:
        e = t["e2e"]
        verdict = (
            "" if e["n"] < 100_000 else (" → meets" if e["seconds"] <= TARGETS["e2e_100k_s"] else " → MISSES")
        )
        print(
            f"  end to end ({e['stage']}) at n={e['n']}: {e['seconds']:.1f} s "
            f"(target ≤ {TARGETS['e2e_100k_s']} s at 100k){verdict}"
        )
    p = t["peak_mb"]
    verdict = "" if p["n"] < 100_000 else (" → meets" if p["max"] < TARGETS["peak_mb_100k"] else " → MISSES")
    print(
        f"  peak memory at n={p['n']}: {p['max']:.0f} MB in {p['stage']} (target < 2048 MB at 100k){verdict}"
    )
    print("  µs per report by size (flat = linear):")
    for st, by in t["us_per_report"].items():
        if any(v for v in by.values()):
            print(f"    {st:<12} " + "  ".join(f"{n}: {v if v is not None else '-'}" for n, v in by.items()))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1000,10000,100000", help="comma-separated report counts")
    ap.add_argument("--stages", default=",".join(ALL_STAGES), help=f"subset of {','.join(ALL_STAGES)}")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--single-cap", type=int, default=10_000, help="reports parsed in the 1-core stage (max)")
    ap.add_argument("--corpus-dir", default=str(ROOT / "bench" / "corpus"))
    ap.add_argument("--work-dir", default=str(ROOT / "bench" / "results" / "work"))
    ap.add_argument("--results-dir", default=str(ROOT / "bench" / "results"))
    ap.add_argument("--no-dagster", action="store_true", help="skip the real Dagster end-to-end run")
    ap.add_argument("--runs-only-above", type=int, default=None, metavar="N",
                    help="sizes above N reports run only e2e_dagster (the three make runs): the single stages "
                         "add an hour at 100k and little news")
    ap.add_argument("--timeout", type=float, default=3600, help="seconds one `make run` may take (100k on a busy machine: more)")
    ap.add_argument("--no-detection", dest="detection", action="store_false")
    ap.add_argument("--findings-heavy", action="store_true",
                    help="corpus with findings in ≥ a third of the reports, of every rule family (bench/corpus/<n>-findings)")
    ap.add_argument("--copies", metavar="FILE:N", default=None,
                    help="instead of a synthetic corpus: N distinct copies of one sample file (--sizes is ignored)")
    ap.add_argument("--stage", help=argparse.SUPPRESS)
    ap.add_argument("--params", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.stage:  # child process: one stage, result on the last line
        result = STAGE_FUNCS[args.stage](json.loads(args.params))
        print(RESULT_TAG + json.dumps(result, default=str), flush=True)
        return 0

    args.stages = [s.strip() for s in args.stages.split(",") if s.strip()]
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if args.copies:
        sample, _, copies = args.copies.rpartition(":")
        args.copies, sizes = (sample, int(copies)), [0]
    started = datetime.now(UTC)
    results = []
    for n in sizes:
        if not stages_at(n, args):
            print(f"== {n} reports: nothing to run (--runs-only-above {args.runs_only_above}, --no-dagster)")
            continue
        print(f"== {f'{args.copies[1]} copies of {args.copies[0]}' if args.copies else f'{n} reports'}"
              f"{' (findings-heavy)' if args.findings_heavy else ''}", flush=True)
        results.append(bench_size(n, args))
    if not results:
        return 0
    print_table(results)
    print_runs(results)
    print_incremental(results)
    t = targets(results)
    print_targets(t)
    for res in results:
        f = res.get("findings")
        if f and "share" in f:
            print(f"\nFindings (n={res['n']}): {f['violations']} violations; {f['reports_with_findings']} of "
                  f"{f['reports']} report tables ({f['share']:.0%}) have one; rules that fired: {len(f['per_rule'])}")  # fmt: skip
        if res.get("detection"):
            print(f"\nInjected inconsistencies found by the quality checks (n={res['n']}):")
            for check, d in sorted(res["detection"].items()):
                if isinstance(d, dict):
                    print(f"  {check:<28} injected {d['injected']:>5}  found in file {d['found_in_file']:>5}  "
                          f"on the line {d['found_on_line']:>5}  violations {d['violations']:>6} "
                          f"(set off by other injections: {d.get('expected_cascade', 0)}, unexplained: {d['in_clean_files']})")  # fmt: skip
    doc = {
        "started": started.isoformat(),
        "seconds": round((datetime.now(UTC) - started).total_seconds(), 1),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                    "mem_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)},
        "args": {k: v for k, v in vars(args).items() if k not in ("stage", "params")},
        "targets": t,
        "results": results,
    }  # fmt: skip
    res_dir = Path(args.results_dir)
    res_dir.mkdir(parents=True, exist_ok=True)
    path = res_dir / f"{started.strftime('%Y%m%dT%H%M%SZ')}.json"
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    print(f"\nresults → {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
