"""The parse stage alone: reports/s per core, in one process, and where the time goes.

    python -m bench.parse                     # bench/corpus/10000 (generated when missing)
    python -m bench.parse --n 1000 --repeat 5
    python -m bench.parse --dir raw --profile 5

Reads every file of the corpus into memory first, then parses them one after the
other with ``parsers.parse_bytes`` (no worker processes, no file reads, no
loading): the parsers' own speed. Each result is freed after its file with the
cyclic collector paused, as a parse worker does (``parse_pool._serve``); ``--keep``
keeps every result instead, as the loader once did: then the collector, run after
each file, scans all the results kept so far, a cost no worker pays (4-8 % of the
parse's instructions, more of its CPU time: it walks memory). ``--pack`` adds what
a worker does next, packing the records into Arrow arrays for the loader
(``raw_arrow.to_parsed_file``). Prints the best of ``--repeat`` runs in CPU seconds
of this process (steady on a shared machine, unlike wall time) and wall seconds.
``--profile N`` samples the call stack every half millisecond during one more run
and prints the N functions most time was spent in (self) and under (inclusive): a
sampler, not cProfile, whose per-call cost inflates small functions several times
over.
"""

from __future__ import annotations

import argparse
import collections
import gc
import sys
import threading
import time
from pathlib import Path

from . import corpus

ROOT = Path(__file__).resolve().parent.parent
TARGET = 2000  # reports/s per core (issue 22)


def load(directory: Path) -> list[tuple[bytes, str]]:
    files = sorted(p for p in directory.rglob("*") if p.is_file() and not p.name.startswith("."))
    return [(p.read_bytes(), str(p.relative_to(directory))) for p in files]


def parse_all(files: list[tuple[bytes, str]], keep: bool = False, pack: bool = False) -> int:
    """The reports of ``files``, each parsed (and packed) as a parse worker does it, or every result kept."""
    from dagster_project.parsers import parse_bytes

    if keep:
        results = [parse_bytes(data, name) for data, name in files]
        return sum(len(r.reports) for r in results)
    if pack:
        import pandas  # noqa: F401 - a big load's workers inherit it: pa.array builds the columns (raw_arrow.py)

        from dagster_project.raw_arrow import to_parsed_file
    reports = 0
    for data, name in files:
        gc.disable()  # as parse_pool._serve: no collection while a job's result is built, freed once sent
        try:
            result = parse_bytes(data, name)
            reports += len(result.reports)
            if pack:
                to_parsed_file(result)
            del result
        finally:
            gc.enable()
    return reports


def measure(files: list[tuple[bytes, str]], repeat: int, keep: bool = False, pack: bool = False) -> dict:
    best_cpu = best_wall = float("inf")
    reports = 0
    for _ in range(repeat):
        cpu, wall = time.process_time(), time.perf_counter()
        reports = parse_all(files, keep, pack)
        best_cpu = min(best_cpu, time.process_time() - cpu)
        best_wall = min(best_wall, time.perf_counter() - wall)
    return {"files": len(files), "reports": reports, "cpu_s": best_cpu, "wall_s": best_wall,
            "reports_per_cpu_s": reports / best_cpu, "reports_per_wall_s": reports / best_wall}  # fmt: skip


def profile(
    files: list[tuple[bytes, str]], top: int, keep: bool = False, pack: bool = False
) -> tuple[int, list, list]:
    """(samples, [(share, function)] self, [(share, function)] inclusive) of one run."""
    main = threading.get_ident()
    own, under = collections.Counter(), collections.Counter()
    samples = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal samples
        while not done.is_set():
            frame = sys._current_frames().get(main)
            seen = set()
            if frame is not None:
                samples += 1
                own[_where(frame)] += 1
            while frame is not None:
                where = _where(frame)
                if where not in seen:
                    under[where] += 1
                    seen.add(where)
                frame = frame.f_back
            time.sleep(0.0005)

    switch = sys.getswitchinterval()
    sys.setswitchinterval(0.0005)  # let the sampler in between the parser's bytecodes
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        parse_all(files, keep, pack)
    finally:
        done.set()
        sampler.join()
        sys.setswitchinterval(switch)
    # Inclusive: the parser's own functions below its entry points (parse_bytes, parse_text: ~100 %).
    parser = [(k, v) for k, v in under.most_common() if k[1] and v < 0.9 * samples]
    share = lambda items: [(v / max(samples, 1), k[0]) for k, v in items]
    return samples, share(own.most_common(top)), share(parser[:top])


def _parsers_in_use() -> str:
    """Which parsers this process imported: the sources, or a mypyc build (parsers/build.py)."""
    from dagster_project.parsers import text

    compiled = not text.__file__.endswith(".py")
    return f"{'compiled by mypyc' if compiled else 'plain Python'} ({Path(text.__file__).parent})"


def _where(frame) -> tuple[str, bool]:
    """(module path:line function, whether it is the project's code)."""
    code = frame.f_code
    parts = Path(code.co_filename).parts
    ours = "dagster_project" in parts
    name = "/".join(parts[parts.index("dagster_project") + 1 :]) if ours else parts[-1]
    return f"{name}:{code.co_firstlineno} {code.co_name}", ours


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.parse", description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--n", type=int, default=10_000, help="reports of the synthetic corpus (bench/corpus/<n>)"
    )
    ap.add_argument("--dir", help="parse the files of this folder instead of a synthetic corpus")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument(
        "--keep", action="store_true", help="keep every result (the collector scans them), not as the workers"
    )
    ap.add_argument(
        "--pack", action="store_true", help="also pack each result for the loader, as the workers do"
    )
    ap.add_argument(
        "--profile", type=int, default=0, metavar="N", help="print the top N functions of a sampled run"
    )
    args = ap.parse_args(argv)
    if args.dir:
        directory = Path(args.dir)
    else:
        directory = ROOT / "bench" / "corpus" / str(args.n)
        corpus.cached(args.n, directory, seed=args.seed)
    files = load(directory)
    if args.keep and args.pack:
        ap.error("--pack measures the workers' way: not with --keep")
    r = measure(files, args.repeat, args.keep, args.pack)
    verdict = "meets" if r["reports_per_cpu_s"] >= TARGET else "BELOW"
    print(f"parsers: {_parsers_in_use()}")
    how = (
        "every result kept"
        if args.keep
        else "each result freed, as a worker" + (", packed" if args.pack else "")
    )
    print(f"parse (1 core, in process, {how}) of {directory}: {r['files']} files, {r['reports']} reports, "
          f"best of {args.repeat}: {r['cpu_s']:.2f} CPU s ({r['wall_s']:.2f} s wall)")  # fmt: skip
    print(f"  {r['reports_per_cpu_s']:.0f} reports/s per core (CPU time; {r['reports_per_wall_s']:.0f} by wall time)"
          f" → {verdict} the target of {TARGET}")  # fmt: skip
    if args.profile:
        samples, own, inclusive = profile(files, args.profile, args.keep, args.pack)
        print(f"  where the time goes ({samples} samples), self:")
        for part, where in own:
            print(f"    {part:6.1%}  {where}")
        print("  inclusive (parser functions):")
        for part, where in inclusive:
            print(f"    {part:6.1%}  {where}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
