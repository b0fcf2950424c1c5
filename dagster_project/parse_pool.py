"""Run a function over jobs in worker processes, so that a job that kills or stalls its worker costs only itself.

Each worker handles one job at a time. A worker that dies (killed by the kernel's
out-of-memory killer, a crash in a C library) or that is still busy when its job's
time is up is replaced by a fresh one; that job's outcome is a ``Failed`` and the
other jobs go on. (A ProcessPoolExecutor cannot do this: a killed worker breaks
the whole pool, and a running job cannot be stopped.)

Results come back in input order; at most ``window`` finished results wait for an
earlier, slower job, so memory stays bounded whatever the number of jobs.
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
    def __init__(self, func: Callable) -> None:
        self.conn, child = multiprocessing.Pipe()
        self.process = multiprocessing.Process(target=_serve, args=(child, func), daemon=True)
        self.process.start()
        child.close()
        self.index = -1
        self.deadline = 0.0

    def give(self, index: int, job, seconds: float) -> None:
        self.index, self.deadline = index, time.monotonic() + seconds
        self.conn.send(job)

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


def imap_isolated(func: Callable, jobs: list, workers: int, seconds: float, window: int) -> Iterator:
    """func(job) for each job, in order, in `workers` processes; a Failed where a worker died or timed out."""
    if not jobs:
        return
    window = max(window, workers)
    waiting = deque(enumerate(jobs))
    finished: dict[int, object] = {}
    idle: list[_Worker] = []
    busy: dict[Connection, _Worker] = {}
    try:
        idle = [_Worker(func) for _ in range(max(1, min(workers, len(jobs))))]
        next_out = 0
        while next_out < len(jobs):
            while idle and waiting and len(finished) + len(busy) < window:
                worker = idle.pop()
                index, job = waiting.popleft()
                worker.give(index, job, seconds)
                busy[worker.conn] = worker
            if next_out in finished:
                yield finished.pop(next_out)
                next_out += 1
                continue
            timeout = max(0.0, min(w.deadline for w in busy.values()) - time.monotonic())
            for conn in wait(list(busy), timeout=timeout):
                worker = busy.pop(conn)
                try:
                    finished[worker.index] = _receive(conn)
                    idle.append(worker)
                except (EOFError, OSError):  # the worker died mid-job
                    finished[worker.index] = Failed("crashed", _death(worker.process))
                    worker.stop(kill=True)
                    if waiting:
                        idle.append(_Worker(func))
            now = time.monotonic()
            for conn, worker in list(busy.items()):
                if worker.deadline <= now:
                    del busy[conn]
                    worker.stop(kill=True)
                    finished[worker.index] = Failed("timeout", f"still parsing after {seconds:g} s")
                    if waiting:
                        idle.append(_Worker(func))
    finally:
        for worker in [*idle, *busy.values()]:
            worker.stop(kill=worker in busy.values())
