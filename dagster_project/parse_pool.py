"""Run a function over jobs in worker processes, so that a job that kills or stalls its worker costs only itself.

Each worker handles one job at a time. A worker that dies (killed by the kernel's
out-of-memory killer, a crash in a C library) or that is still busy when its job's
time is up is replaced by a fresh one; that job's outcome is a ``Failed`` and the
other jobs go on. (A ProcessPoolExecutor cannot do this: a killed worker breaks
the whole pool, and a running job cannot be stopped.)

Results come back in input order; at most ``window`` finished results wait for an
earlier, slower job, so memory stays bounded whatever the number of jobs. Each worker holds
the job it runs and the next (AHEAD), so it never waits for the caller to hand it work.
"""

from __future__ import annotations

import gc
import multiprocessing
import signal
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait


@dataclass(frozen=True)
class Failed:
    """A job whose worker died or ran out of time."""

    kind: str  # "crashed" | "timeout"
    detail: str


def _serve(conn: Connection, func: Callable) -> None:
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        # No cyclic GC while a job's result is built and sent (see _receive): once sent, the
        # result is freed by reference counting, so the collection after it has little to scan.
        gc.disable()
        try:
            result = func(job)
            conn.send(result)
            del result
        finally:
            gc.enable()


class _Worker:
    """A worker process and the jobs given to it, in the order it takes them (the first is running)."""

    def __init__(self, func: Callable) -> None:
        self.conn, child = multiprocessing.Pipe()
        self.process = multiprocessing.Process(target=_serve, args=(child, func), daemon=True)
        self.process.start()
        child.close()
        self.jobs: deque[tuple[int, object]] = deque()  # (index, job) given, not yet answered
        self.deadline = 0.0  # of the running job

    def give(self, index: int, job, seconds: float) -> bool:
        """Queue the job in the worker's pipe; False when the worker has died meanwhile (job not given)."""
        try:
            self.conn.send(job)
        except OSError:  # a broken pipe: its running job killed it
            return False
        if not self.jobs:
            self.deadline = time.monotonic() + seconds
        self.jobs.append((index, job))
        return True

    def answered(self, seconds: float) -> int:
        """The running job is answered: its index. The next one's time counts from now (it may have
        started earlier, while its result waited to be read: a job gets at least `seconds`, never less)."""
        index, _ = self.jobs.popleft()
        self.deadline = time.monotonic() + seconds
        return index

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.process.kill()
        else:
            try:
                self.conn.send(None)
            except OSError:
                self.process.kill()
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()


def _receive(conn: Connection):
    """conn.recv() with the cyclic collector paused.

    Unpickling a parse result allocates a record per line and per cell, all of them kept:
    the collector, run every 700 allocations, re-scanned them (half the unpickling time).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        return conn.recv()
    finally:
        if enabled:
            gc.enable()


def _death(process) -> str:
    process.join(timeout=5)
    code = process.exitcode
    if code is not None and code < 0:
        name = signal.Signals(-code).name
        why = " (out of memory?)" if -code == signal.SIGKILL else ""
        return f"worker process killed by {name}{why}"
    return f"worker process ended with exit code {code}"


# Jobs a worker holds at once: the one it runs and the next, already in its pipe, so it starts that
# one as soon as it has sent a result instead of waiting for the loading process (busy inserting, or
# not scheduled on a loaded machine) to read the result and give it another.
AHEAD = 2


def imap_isolated(func: Callable, jobs: list, workers: int, seconds: float, window: int) -> Iterator:
    """func(job) for each job, in order, in `workers` processes; a Failed where a worker died or timed out.

    At most `window` jobs are given out or finished and waiting for an earlier one. A worker that
    dies or times out costs the job it was running; the job queued behind it goes to another worker.
    """
    if not jobs:
        return
    window = max(window, workers)
    waiting = deque(enumerate(jobs))
    finished: dict[int, object] = {}
    pool: list[_Worker] = []

    def lost(worker: _Worker, failure: Failed) -> None:
        """The worker is gone: its running job fails, the ones queued behind it wait for another."""
        if worker.jobs:
            finished[worker.jobs.popleft()[0]] = failure
        waiting.extendleft(reversed(worker.jobs))
        worker.jobs.clear()
        pool.remove(worker)
        if waiting:
            pool.append(_Worker(func))

    try:
        pool = [_Worker(func) for _ in range(max(1, min(workers, len(jobs))))]
        next_out = 0
        while next_out < len(jobs):
            while waiting and len(finished) + sum(len(w.jobs) for w in pool) < window:
                worker = min(pool, key=lambda w: len(w.jobs))
                if len(worker.jobs) >= AHEAD:
                    break
                if not worker.give(*waiting[0], seconds):
                    if not worker.jobs:  # died idle (killed from outside): replaced, nothing lost
                        worker.stop(kill=True)
                        lost(worker, Failed("crashed", ""))
                    break  # else its results sent before it died are read first, then its death (below)
                waiting.popleft()
            if next_out in finished:
                yield finished.pop(next_out)
                next_out += 1
                continue
            busy = {w.conn: w for w in pool if w.jobs}
            timeout = max(0.0, min(w.deadline for w in busy.values()) - time.monotonic())
            for conn in wait(list(busy), timeout=timeout):
                worker = busy[conn]
                try:
                    result = _receive(conn)
                except (EOFError, OSError):  # the worker died mid-job
                    failure = Failed("crashed", _death(worker.process))
                    worker.stop(kill=True)
                    lost(worker, failure)
                    continue
                finished[worker.answered(seconds)] = result
            now = time.monotonic()
            for worker in [w for w in pool if w.jobs and w.deadline <= now]:
                worker.stop(kill=True)
                lost(worker, Failed("timeout", f"still parsing after {seconds:g} s"))
    finally:
        for worker in pool:
            worker.stop(kill=bool(worker.jobs))
