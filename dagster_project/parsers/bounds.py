"""Bounds per input file, checked before the expensive step, so one hostile file costs only itself.

A Word/Excel package is a zip: its central directory says how much it unpacks
to, which is checked before python-docx/openpyxl open it; since a header can
lie, the members are then streamed once with the cap in force (cheap next to
parsing). A text file's lines and cells are counted in its bytes before any
line is materialised; a document's after reading, before parsing. ``limits``
is a ``settings.Limits`` (values and the variable that raises each).
"""

from __future__ import annotations

import io
import zipfile

MB = 1024 * 1024
_CHUNK = 1 << 20


class FileTooLarge(ValueError):
    """The file is beyond one bound; the message names the bound and the file's figures."""


def size_text(n: float) -> str:
    for unit, scale in (("GB", 1024 * MB), ("MB", MB), ("KB", 1024)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n:.0f} B"


def _beyond(what: str, found: str, limit: str, name: str, limits) -> FileTooLarge:
    return FileTooLarge(f"{what} {found} > limit {limit} ({limits.env(name)})")


def check_file_size(size: int, limits) -> None:
    if size > limits.file_mb * MB:
        raise _beyond("file", size_text(size), size_text(limits.file_mb * MB), "file_mb", limits)


def check_package(data: bytes, limits) -> None:
    """A zip package's unpacked size and its ratio to the packed size, declared and real."""
    cap = limits.unpacked_mb * MB
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        members = package.infolist()
        declared = sum(m.file_size for m in members)
        _check_unpacked(declared, len(data), cap, limits)
        unpacked = 0
        for member in members:  # the headers can lie: count what really comes out, up to the cap
            with package.open(member) as stream:
                while chunk := stream.read(_CHUNK):
                    unpacked += len(chunk)
                    _check_unpacked(unpacked, len(data), cap, limits)


def _check_unpacked(unpacked: int, packed: int, cap: float, limits) -> None:
    if unpacked > cap:
        raise _beyond("unpacked", size_text(unpacked), size_text(cap), "unpacked_mb", limits)
    if unpacked > limits.unpacked_ratio * max(packed, 1):
        raise _beyond("unpacked/packed ratio", f"{unpacked / max(packed, 1):.0f}",
                      f"{limits.unpacked_ratio:g}", "unpacked_ratio", limits)


def check_text(data: bytes, limits) -> None:
    """Lines and cells of TAB text, counted in the bytes (CR, LF or CRLF line breaks)."""
    lines = max(data.count(b"\n"), data.count(b"\r")) + (0 if data.endswith((b"\n", b"\r")) else 1)
    check_lines_cells(lines, lines + data.count(b"\t"), limits)


def check_lines_cells(lines: int, cells: int, limits) -> None:
    if lines > limits.lines:
        raise _beyond("lines", f"{lines:,}", f"{limits.lines:,}", "lines", limits)
    if cells > limits.cells:
        raise _beyond("cells", f"{cells:,}", f"{limits.cells:,}", "cells", limits)
