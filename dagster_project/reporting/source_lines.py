"""The text of the input line a violation points at, read from the raw folder."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from ..discovery import read_inside
from ..parsers import readers
from ..parsers.text import UndecodableInput, decode, split_lines


class SourceLines:
    """Lines of the raw files, decoded the way the parser decodes them (1-based)."""

    def __init__(self, raw_dir: Path, sha256_by_file: dict[str, str] | None = None):
        self.raw_dir = Path(raw_dir)
        self.sha256_by_file = sha256_by_file or {}
        self._lines = lru_cache(maxsize=64)(self._read)

    def _read(self, source_file: str) -> tuple[list[str], bool] | None:
        try:
            data = read_inside(self.raw_dir, source_file)  # never a file outside the raw folder, never a FIFO
            fmt = readers.detect(data)
            if fmt == readers.TEXT:
                text, _ = decode(data)
            else:  # PDF / DOCX / XLSX: the reader's normalised text, the page shown for PDF
                document = readers.read_document(data, fmt)
                text = "\n".join(s.text for s in document.source_lines(source_file))
                pages = [s.page_no for s in document.source_lines(source_file)]
        except (OSError, UndecodableInput):
            return None
        except Exception:  # noqa: BLE001 - a damaged document: no line text, the report still builds
            return None
        expected = self.sha256_by_file.get(source_file)
        changed = bool(expected) and hashlib.sha256(data).hexdigest() != expected
        cells = [" │ ".join(line.texts) for line in split_lines(text)]
        if fmt == readers.PDF:
            cells = [f"（第{page}页）{c}" if page else c for c, page in zip(cells, pages)]
        return cells, changed

    def text(self, source_file: str, line_no: int | None) -> str | None:
        """The line's non-empty cells joined by ' │ ', or None when the file or line is not there."""
        if not source_file or not line_no or line_no < 1:
            return None
        found = self._lines(source_file)
        if found is None:
            return None
        lines, changed = found
        if line_no > len(lines):
            return None
        prefix = "（文件在入库后已变更）" if changed else ""
        return prefix + lines[line_no - 1]
