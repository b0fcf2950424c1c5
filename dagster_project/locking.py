"""One run at a time per warehouse: an exclusive lock on a file beside FISCAL_DB_PATH.

Two runs at once (the sensor and `make run`, say) would both copy, build and
publish the same warehouse. The run takes the lock before it reads the raw
folder and gives it back after publishing; a second run waits for it (up to
FISCAL_LOCK_TIMEOUT seconds, default one hour) and then refuses with a message
naming the holder. flock locks die with their process, so a crashed run never
leaves the warehouse locked. Dagster also limits the job to one run at a time
through its concurrency tag (jobs.py, the dagster.yaml of run.py); this lock is what holds
for runs started outside the daemon.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

TIMEOUT_ENV = "FISCAL_LOCK_TIMEOUT"
DEFAULT_TIMEOUT_SECONDS = 3600.0

_held: dict[Path, int] = {}  # lock file → descriptor, for the locks this process holds


class WarehouseBusy(RuntimeError):
    """Another run holds the warehouse lock."""


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".lock")


def holder(db_path: Path) -> str:
    """Who holds (or last held) the lock, as written in the lock file."""
    try:
        return lock_path(db_path).read_text(encoding="utf-8").strip() or "unknown run"
    except OSError:
        return "unknown run"


def acquire(db_path: Path, owner: str, timeout: float | None = None, log: Callable[[str], None] = print) -> None:
    """Take the warehouse lock for this process, waiting up to timeout seconds for another run."""
    path = lock_path(db_path)
    if path in _held:
        return
    if timeout is None:
        timeout = float(os.environ.get(TIMEOUT_ENV) or DEFAULT_TIMEOUT_SECONDS)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + timeout
    announced = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() >= deadline:
                os.close(fd)
                raise WarehouseBusy(
                    f"another run ({holder(db_path)}) is building {db_path}; gave up after waiting {timeout:.0f} s "
                    f"({TIMEOUT_ENV}). The published warehouse is unchanged."
                ) from None
            if not announced:
                log(f"waiting for the run building {db_path} to finish: {holder(db_path)}")
                announced = True
            time.sleep(0.5)
    os.ftruncate(fd, 0)
    os.write(fd, f"{owner}, pid {os.getpid()}, since {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC\n".encode())
    _held[path] = fd


def release(db_path: Path) -> None:
    fd = _held.pop(lock_path(db_path), None)
    if fd is not None:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def holds(db_path: Path) -> bool:
    return lock_path(db_path) in _held
