"""Hashes remembered between runs (file_hashes.py): a file is read again whenever its state moved.

Real files, the real scan and a real DuckDB file, as the ingest step uses them.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import duckdb
import pytest

from dagster_project import discovery, file_hashes


@pytest.fixture
def settled(monkeypatch):
    """Every file counts as settled at once (else only SETTLED_NS after its last change)."""
    monkeypatch.setattr(discovery, "SETTLED_NS", 0)


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    """The names of the files the scan reads (hashes), in order."""
    names: list[str] = []
    real = discovery.sha256_of

    def counting(path: Path):
        names.append(Path(path).name)
        return real(path)

    monkeypatch.setattr(discovery, "sha256_of", counting)
    return names


@pytest.fixture
def raw(tmp_path) -> Path:
    (tmp_path / "raw" / "sub").mkdir(parents=True)
    (tmp_path / "raw" / "a.txt").write_bytes(b"aaaa")
    (tmp_path / "raw" / "sub" / "b.txt").write_bytes(b"bbbbbb")
    time.sleep(0.05)  # the next write's times differ by more than one tick of the file system's clock
    return tmp_path / "raw"


def rescan(raw: Path) -> discovery.Discovery:
    """As the ingest step: scan with the warehouse's hashes, then remember this scan's."""
    with duckdb.connect(str(raw.parent / "w.duckdb")) as con:
        found = file_hashes.scan_with_hashes(con, raw)
        file_hashes.remember(con, found)
    return found


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_an_unchanged_file_is_not_read_again_and_keeps_its_hash(raw, settled, reads):
    first = rescan(raw)
    assert reads == ["a.txt", "b.txt"]
    reads.clear()
    second = rescan(raw)
    assert reads == []
    assert second.files == first.files == discovery.scan(raw).files
    assert [(f.source_file, f.sha256, f.size_bytes) for f in second.files] == [
        ("a.txt", sha(b"aaaa"), 4), ("sub/b.txt", sha(b"bbbbbb"), 6)
    ]  # fmt: skip


def test_a_file_rewritten_with_its_size_and_modification_time_kept_is_read_again(raw, settled, reads):
    rescan(raw)
    before = (raw / "a.txt").stat()
    (raw / "a.txt").write_bytes(b"cccc")
    os.utime(raw / "a.txt", ns=(before.st_atime_ns, before.st_mtime_ns))  # as `touch -d` or `cp -p` leave it
    after = (raw / "a.txt").stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    reads.clear()
    found = rescan(raw)
    assert reads == ["a.txt"]
    assert found.files[0].sha256 == sha(b"cccc")


def test_a_file_replaced_by_one_of_the_same_size_and_time_is_read_again(raw, settled, reads):
    rescan(raw)
    before = (raw / "a.txt").stat()
    (raw / "new").write_bytes(b"dddd")
    os.utime(raw / "new", ns=(before.st_atime_ns, before.st_mtime_ns))
    os.replace(raw / "new", raw / "a.txt")
    reads.clear()
    assert rescan(raw).files[0].sha256 == sha(b"dddd")
    assert reads == ["a.txt"]


def test_a_renamed_file_is_read_under_its_new_name_and_a_removed_one_forgotten(raw, settled, reads):
    rescan(raw)
    os.rename(raw / "a.txt", raw / "c.txt")
    (raw / "sub" / "b.txt").unlink()
    reads.clear()
    found = rescan(raw)
    assert reads == ["c.txt"]
    assert [(f.source_file, f.sha256) for f in found.files] == [("c.txt", sha(b"aaaa"))]
    with duckdb.connect(str(raw.parent / "w.duckdb")) as con:
        assert con.execute("select source_file, size_bytes, sha256 from meta.file_hashes").fetchall() == [
            ("c.txt", 4, sha(b"aaaa"))
        ]


def test_a_file_changed_just_now_is_not_remembered(raw, reads):
    """Within SETTLED_NS of a change a file is hashed every run: a write in the same clock tick would not show."""
    found = rescan(raw)
    assert found.states == {}
    reads.clear()
    rescan(raw)
    assert reads == ["a.txt", "b.txt"]


def test_a_warehouse_without_remembered_hashes_reads_every_file(raw, reads):
    with duckdb.connect(str(raw.parent / "old.duckdb")) as con:
        assert file_hashes.remembered(con) == {}
        assert [f.sha256 for f in file_hashes.scan_with_hashes(con, raw).files] == [
            sha(b"aaaa"),
            sha(b"bbbbbb"),
        ]
    assert reads == ["a.txt", "b.txt"]


def test_the_scan_fingerprints_the_folder_as_fingerprint_does(raw):
    """The ingest step takes the folder's fingerprint from its scan's walk, not from a walk of its own."""
    (raw / "gone").symlink_to(raw / "missing")  # a problem entry: broken_symlink
    os.mkfifo(raw / "pipe")  # not_a_regular_file
    found = discovery.scan(raw)
    assert [p.code for p in found.problems] == ["broken_symlink", "not_a_regular_file"]
    assert found.fingerprint == discovery.fingerprint(raw)
    (raw / "sub" / "b.txt").write_bytes(b"bbbbbbb")
    assert discovery.scan(raw).fingerprint == discovery.fingerprint(raw) != found.fingerprint


def test_only_the_states_that_moved_are_written_again(raw, settled, reads):
    """meta.file_hashes is not rewritten whole each run: a row whose file did not move stays as it is."""
    rescan(raw)
    db = raw.parent / "w.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("update meta.file_hashes set sha256 = 'kept' where source_file = 'a.txt'")  # a mark
    reads.clear()
    again = rescan(raw)
    assert reads == [] and again.states == again.given
    with duckdb.connect(str(db)) as con:
        # the marked row is still there: the table was not written again
        assert con.execute("select source_file, sha256 from meta.file_hashes order by 1").fetchall() == [
            ("a.txt", "kept"),
            ("sub/b.txt", sha(b"bbbbbb")),
        ]
    (raw / "c.txt").write_bytes(b"cc")  # a new file, settled at once here
    (raw / "sub" / "b.txt").unlink()
    rescan(raw)
    with duckdb.connect(str(db)) as con:
        assert con.execute("select source_file, sha256 from meta.file_hashes order by 1").fetchall() == [
            ("a.txt", "kept"),  # kept as remembered: its state did not move
            ("c.txt", sha(b"cc")),
        ]


def test_a_removed_file_alone_is_forgotten(raw, settled, reads):
    rescan(raw)
    (raw / "sub" / "b.txt").unlink()
    reads.clear()
    found = rescan(raw)
    assert reads == [] and list(found.states) == ["a.txt"]
    with duckdb.connect(str(raw.parent / "w.duckdb")) as con:
        assert con.execute("select source_file from meta.file_hashes").fetchall() == [("a.txt",)]
