"""Finding the input files under the raw folder, so that no odd entry stops the batch.

A missing or unreadable raw folder is an error (RawFolderUnavailable): loading
from it would look exactly like "every file was deleted". Anything odd below it
(an unreadable folder or file, a symlink loop, a name that is not UTF-8) is one
entry in Discovery.problems and the walk goes on. A folder or file that cannot be
read is not a deletion: its previously loaded rows are kept (see load_plan.py).

The raw folder is the boundary: a symlink is followed only when its resolved target
lies inside the raw folder (a link to /etc/passwd or to `..` is `symlink_outside_raw`
and never read), and only regular files are opened (a FIFO would block the run, a
device never ends): anything else is `not_a_regular_file`.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .parsers import issues


class RawFolderUnavailable(RuntimeError):
    """The raw folder itself is missing or unreadable: nothing can be said about the inputs."""


@dataclass(frozen=True)
class SourceFile:
    location: str  # the file's path as the walk found it; a Path is made only when asked (~3 µs a file)
    source_file: str  # relative to the raw folder, POSIX separators (bytes not in UTF-8 escaped as \xNN)
    sha256: str
    size_bytes: int

    @property
    def path(self) -> Path:
        return Path(self.location)


@dataclass(frozen=True)
class Problem:
    """An entry under the raw folder that could not be read as an input."""

    source_file: str  # the file or folder, relative to the raw folder
    code: str  # unreadable_folder | unreadable_file | symlink_loop | broken_symlink | symlink_outside_raw
    #            | not_a_regular_file
    message: str
    is_folder: bool = False


# What a file's hash stands for: (device, inode, size, modification ns, status-change ns), as git's
# index. Any write moves the modification time; a chmod, a rename over it, a replaced file or a
# modification time set back (touch -d, cp -p) moves the status-change time, which no one can set.
State = tuple[int, int, int, int, int]
# A state is remembered only when both its times are this much older than the scan: a file written
# again within one timestamp tick (2 s on some shares) of its hashing, same size, would keep its state.
SETTLED_NS = 10 * 10**9


@dataclass
class Discovery:
    files: list[SourceFile] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # source_file → (state, sha256) of each settled file: the next scan need not read it again
    states: dict[str, tuple[State, str]] = field(default_factory=dict)
    fingerprint: str = ""  # of the folder as the scan walked it, before reading (see fingerprint())
    # the states the scan was given (file_hashes.remember writes only what differs from them)
    given: Mapping[str, tuple[State, str]] = field(default_factory=dict)

    def unread(self, source_file: str) -> bool:
        """True when source_file is, or lies under, an entry that could not be read this time."""
        for p in self.problems:
            if p.code in KEEPS_ROWS and (
                source_file == p.source_file or (p.is_folder and source_file.startswith(p.source_file + "/"))
            ):
                return True
        return False


# Problems that say nothing about whether the file still exists: its loaded rows stay.
KEEPS_ROWS = {"unreadable_folder", "unreadable_file"}


def escaped_name(name: str) -> str:
    """A file name as text: bytes that are not UTF-8 (surrogate-escaped by os) become \\xNN."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def is_utf8_name(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class NotARegularFile(OSError):
    """The path is a FIFO, socket or device: not a document, and reading it could block."""


def open_regular(path: Path | str):
    """Open a regular file for reading in binary; raise NotARegularFile for anything else.

    O_NONBLOCK makes opening a FIFO return at once (a plain open waits for a writer);
    the type is then checked on the opened descriptor, so a swap after the walk is caught too.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotARegularFile(errno.EINVAL, "not a regular file", str(path))
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_regular(path: Path | str) -> bytes:
    """The bytes of a regular file (see open_regular)."""
    with open_regular(path) as fh:
        return fh.read()


def inside(root: Path, path: Path) -> bool:
    """Does path, with every symlink resolved, lie inside root (itself resolved)?"""
    try:
        return Path(os.path.realpath(path)).is_relative_to(os.path.realpath(root))
    except (OSError, ValueError):
        return False


def read_inside(root: Path, source_file: str) -> bytes:
    """The bytes of a file named relative to root, refusing anything outside it or not a regular file."""
    path = Path(root) / source_file
    if not inside(root, path):
        raise PermissionError(errno.EACCES, "outside the raw folder", source_file)
    return read_regular(path)


def sha256_of(path: Path | str) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with open_regular(path) as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def scan(raw_dir: Path, hashed: Mapping[str, tuple[State, str]] | None = None) -> Discovery:
    """Every regular file under raw_dir, recursively (hidden entries skipped), sorted by path.

    `hashed`: an earlier scan's states (Discovery.states); a file still in the state it was
    hashed in is not read again (~0.4 CPU s for 236 MB of files at 100k reports)."""
    hashed = hashed or {}
    found = Discovery(given=hashed)
    settled = time.time_ns() - SETTLED_NS
    walked = hashlib.sha256()
    for rel, path, entry in _entries(Path(raw_dir)):
        walked.update(_state_line(rel, entry))
        if isinstance(entry, Problem):
            found.problems.append(entry)
            continue
        state = (entry.st_dev, entry.st_ino, entry.st_size, entry.st_mtime_ns, entry.st_ctime_ns)
        known = hashed.get(rel)
        if known is not None and known[0] == state:
            found.files.append(SourceFile(path, rel, known[1], entry.st_size))
            found.states[rel] = known
            continue
        try:
            sha, size = sha256_of(path)
        except FileNotFoundError:
            continue  # removed while we looked
        except NotARegularFile:
            found.problems.append(_not_regular(rel))
            continue
        except OSError as exc:
            found.problems.append(
                _problem(rel, "unreadable_file", reason=exc.strerror)
            )
            continue
        found.files.append(SourceFile(path, rel, sha, size))
        if max(entry.st_mtime_ns, entry.st_ctime_ns) < settled and size == entry.st_size:
            found.states[rel] = (state, sha)
    found.files.sort(key=lambda f: f.source_file.split("/"))
    found.fingerprint = walked.hexdigest()
    return found


def fingerprint(raw_dir: Path) -> str:
    """A cheap hash of the folder's state (every entry's path, size and modification time)."""
    digest = hashlib.sha256()
    for rel, _path, entry in _entries(Path(raw_dir)):
        digest.update(_state_line(rel, entry))
    return digest.hexdigest()


def _state_line(rel: str, entry: os.stat_result | Problem) -> bytes:
    if isinstance(entry, Problem):
        return f"{rel}\0{entry.code}\n".encode()
    return f"{rel}\0{entry.st_size}\0{entry.st_mtime_ns}\n".encode()


def _entries(raw_dir: Path) -> Iterator[tuple[str, str, os.stat_result | Problem]]:
    """(relative name, path, stat) of each regular file, or a Problem; raise if raw_dir is unusable.

    Paths stay strings: a Path per file cost a fifth of the scan (~25 ms of 0.12 CPU s at 9,222 files)."""
    try:
        if not stat.S_ISDIR(raw_dir.stat().st_mode):
            raise RawFolderUnavailable(f"raw folder {raw_dir} is not a folder; nothing loaded, warehouse unchanged")
        top = sorted(os.scandir(raw_dir), key=lambda e: e.name)
    except OSError as exc:
        raise RawFolderUnavailable(
            f"raw folder {raw_dir} cannot be read ({exc.strerror}): is the share mounted? "
            "Nothing was loaded and the published warehouse is unchanged."
        ) from exc
    st = raw_dir.stat()
    yield from _walk(top, "", {(st.st_dev, st.st_ino)}, Path(os.path.realpath(raw_dir)))


def _not_regular(rel: str) -> Problem:
    return _problem(rel, "not_a_regular_file")


def _problem(rel: str, code: str, is_folder: bool = False, **facts: object) -> Problem:
    """An entry's problem, worded by the issue registry (parsers/issues.py)."""
    return Problem(rel, code, issues.message(code, **facts), is_folder)


def _walk(entries: list[os.DirEntry], prefix: str, ancestors: set, root: Path) -> Iterator:
    """prefix: the folder's relative name and "/" ("" at the top)."""
    for entry in entries:
        if entry.name.startswith("."):
            continue
        rel = prefix + escaped_name(entry.name)
        # The link's target is never named in the issue: it may be a path the readers must not see.
        if entry.is_symlink() and os.path.exists(entry.path) and not inside(root, Path(entry.path)):
            yield rel, None, _problem(rel, "symlink_outside_raw", is_folder=entry.is_dir())
            continue
        try:
            st = os.stat(entry.path)  # follows symlinks
        except FileNotFoundError:
            if entry.is_symlink():
                yield rel, None, _problem(rel, "broken_symlink")
            continue  # else: removed while we looked, nothing to load
        except OSError as exc:
            code = "symlink_loop" if exc.errno == errno.ELOOP else "unreadable_file"
            yield rel, None, _problem(rel, code, reason=exc.strerror)
            continue
        if stat.S_ISDIR(st.st_mode):
            identity = (st.st_dev, st.st_ino)
            if identity in ancestors:
                yield rel, None, _problem(rel, "symlink_loop", is_folder=True, reason="指回其上级文件夹")
                continue
            try:
                children = sorted(os.scandir(entry.path), key=lambda e: e.name)
            except OSError as exc:
                yield rel, None, _problem(rel, "unreadable_folder", is_folder=True, reason=exc.strerror)
                continue
            yield from _walk(children, rel + "/", ancestors | {identity}, root)
        elif stat.S_ISREG(st.st_mode):
            yield rel, entry.path, st
        else:  # FIFOs, sockets, devices: not documents (and opening a FIFO would block the run)
            yield rel, None, _not_regular(rel)
