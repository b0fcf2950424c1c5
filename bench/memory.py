"""Peak memory of a process tree, sampled from /proc (no psutil needed).

Each sample sums the proportional set size (PSS, from /proc/<pid>/smaps_rollup)
of a process and all its descendants, so pages shared by forked parse workers
are counted once overall rather than once per worker. Falls back to RSS from
/proc/<pid>/statm where smaps_rollup is unreadable.
"""

from __future__ import annotations

import contextlib
import os
import threading

PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _children_map() -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(b")", 1)[1].split()[1])
        out.setdefault(ppid, []).append(int(d))
    return out


def _pss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as fh:
            for line in fh:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        with open(f"/proc/{pid}/statm", "rb") as fh:
            return int(fh.read().split()[1]) * PAGE
    except OSError:
        return 0


def tree_memory(root: int) -> int:
    """Bytes of memory used now by root and its descendants."""
    children = _children_map()
    total, stack, seen = 0, [root], set()
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        total += _pss_bytes(pid)
        stack.extend(children.get(pid, []))
    return total


class PeakSampler:
    """Samples tree_memory(pid) in a thread until stopped; .peak is the maximum seen (bytes)."""

    def __init__(self, pid: int, interval: float = 0.5) -> None:
        self.pid, self.interval, self.peak, self.samples = pid, interval, 0, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        # Sample often at first (short stages), then back off: walking /proc and reading
        # smaps_rollup of a multi-GB process costs CPU the measured stage would otherwise get.
        interval = min(0.05, self.interval)
        while not self._stop.is_set():
            with contextlib.suppress(OSError, ValueError, IndexError):  # a process vanished mid-walk
                self.peak = max(self.peak, tree_memory(self.pid))
                self.samples += 1
            self._stop.wait(interval)
            interval = min(self.interval, interval * 1.2)

    def __enter__(self) -> PeakSampler:  # noqa: PYI034
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
