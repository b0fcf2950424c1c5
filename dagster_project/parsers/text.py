"""From bytes to lines of clean cells.

Reports arrive as text extracted from PDF/Word tables: cells separated by TABs,
HTML fragments from the converter, any of the usual Chinese encodings.
"""

from __future__ import annotations

import bisect
import codecs
import html
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import repeat
from operator import add, itemgetter
from typing import Self

from .compiled import mypyc_attr

# The markup the converters really leave in exports: a tag of a known HTML name (opening, closing
# or self-closing, with or without attributes) and an entity. Anything else with < or > is the
# document's text (投诉率<1%，满意度>90%, 《关于转发<…实施意见>的通知》) and stays as printed.
# dbt/macros/clean_text.sql strips the same tag names (keep the two lists alike).
MARKUP_TAGS = (
    "a", "b", "br", "center", "col", "colgroup", "div", "em", "font", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "img", "li", "o:p", "ol", "p", "span", "strong", "sub", "sup", "table", "tbody", "td",
    "th", "thead", "tr", "u", "ul",
)
_TAG = re.compile(
    r"</?(?:" + "|".join(sorted(map(re.escape, MARKUP_TAGS), key=len, reverse=True)) + r")(?:\s[^<>]*)?/?>",
    re.IGNORECASE,
)
_ENTITY = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});")
_SPACE = re.compile(r"[ \t\u00a0\u3000\u2002\u2003\u2009\ufeff]+")
# How a document writes an empty cell.
BLANKS = {"", "-", "—", "——", "–", "－", "/", "／", "--"}


class UndecodableInput(ValueError):
    """The bytes are not text in any encoding we accept (e.g. a binary file)."""


@mypyc_attr(native_class=False)  # a descriptor writing into __dict__: a Python class
class lazy:
    """Like functools.cached_property, without its per-access lock (Python 3.11).

    A non-data descriptor: the first access stores the value in the instance
    __dict__, which then shadows the descriptor (for values of objects that do not
    change once built, e.g. rows.Row's texts and key).
    """

    def __init__(self, func):
        self.func = func
        self.__doc__ = func.__doc__

    def __set_name__(self, owner, name):  # the attribute's name (a compiled function has no __name__)
        self.name = name

    def __get__(self, obj, cls=None):
        if obj is None:
            return self
        value = obj.__dict__[self.name] = self.func(obj)
        return value


def _keys_of(cells: tuple[str, ...]) -> tuple[tuple[str, ...], str, str]:
    """Line.keys, .keys_text and .key of a line's cells."""
    keys = tuple(map(norm, cells))
    keys_text = "\t".join(keys)
    if _JOIN_UNSAFE.search(keys_text) is None:
        return keys, keys_text, keys_text.replace("\t", "")  # = norm("".join(cells)), see _JOIN_UNSAFE
    return keys, keys_text, norm("".join(cells))


def _tail(cells: tuple[str, ...]) -> tuple:
    """A line's fields after (no, raw): what its cells alone decide (see Line)."""
    return (cells, not any(cells), *_keys_of(cells))


def _field(index: int) -> property:
    """namedtuple's own field reader, in C: twice as fast as property(itemgetter(i)), read ~10 times a line."""
    try:
        from _collections import _tuplegetter
    except ImportError:  # pragma: no cover - another Python: what namedtuple falls back to
        return property(itemgetter(index))
    return _tuplegetter(index, None)


@mypyc_attr(native_class=False)  # a tuple subclass: mypyc keeps it a Python class
class Line(tuple):
    """One input line: its 1-based number, raw text and cleaned TAB cells, and their keys.

    A tuple (no, raw, cells, is_blank, keys, keys_text, key) read by name: the parse makes one per
    input line, and ``split_lines`` makes a text's lines in C from what is computed once per distinct
    line text (a frozen dataclass ran a Python __init__ per line; keys computed on first use cost a
    Python call and a __dict__ per line). Immutable like one; its __dict__ keeps a binary format's spans.
    """

    def __new__(cls, no: int, raw: str, cells: tuple[str, ...], is_blank: bool) -> Self:
        return tuple.__new__(cls, (no, raw, cells, is_blank, *_keys_of(cells)))

    no = _field(0)
    raw = _field(1)
    cells = _field(2)
    is_blank = _field(3)  # no cell has text (the ledger asks of every line)
    # The normalised cells, shared by the segmenter, the report tables and the prose.
    keys = _field(4)  # tuple[str, ...]: norm of each cell, by cell position
    keys_text = _field(5)  # str: the keys joined by TAB; norm removes whitespace, so a
    # word is in this string exactly when it is in one of the keys ("does any cell key contain …")
    key = _field(6)  # str: all cells joined and normalised, for recognising titles and labels
    # Not a field (no cost per text line, not compared): a binary format's row line sets it to each
    # cell's stored (row_span, col_span) by position (model.Document.lines); None: not stored.
    spans: tuple[tuple[int, int] | None, ...] | None = None  # a cell's None: not stored

    def __setattr__(self, name, value):
        raise AttributeError(f"Line is immutable: cannot set {name}")

    def __getnewargs__(self):
        return tuple(self[:4])

    def __repr__(self) -> str:
        return f"Line(no={self[0]!r}, raw={self[1]!r}, cells={self[2]!r}, is_blank={self[3]!r})"

    @property
    def texts(self) -> list[str]:
        """The non-empty cells, in order (layouts shift cells, so positions lie)."""
        return list(filter(None, self.cells))


# norm("".join(cells)) is "".join(norm(c) for c in cells) unless NFKC joins a cell's first
# character to the cell before (a combining mark, a Hangul vowel …). Characters of these
# ranges never do (no canonical combining class, never the second of a composition:
# tests/parsers/test_text.py checks it over all of Unicode); a key starting otherwise
# takes the whole line through norm.
JOIN_SAFE_RANGES = "\x00-\u02ff\u2000-\u20cf\u2100-\u2bff\u3000-\u3029\u3030-\u3098\u309b-\u9fff\uff00-\uffef"
_JOIN_UNSAFE = re.compile(f"\t[^\t{JOIN_SAFE_RANGES}]")


@dataclass(frozen=True)
class BadBytes:
    """Bytes of one line that are not text in the file's encoding (replaced by U+FFFD)."""

    line_no: int  # 1-based line of the decoded text
    offset: int  # 0-based byte offset of the first bad byte in the file
    column: int  # 0-based byte offset of that byte within its line
    count: int  # replacement characters the line received


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    bad: tuple[BadBytes, ...] = ()


# The same breaks split_lines honours, so byte lines and text lines are numbered alike
# (0x0A and 0x0D never occur inside a UTF-8 or GB18030 multi-byte character).
_LINE_BREAK = re.compile(rb"\r\n|\r|\n")


def decode(data: bytes) -> tuple[str, str]:
    """Decode report bytes; return (text, encoding name). Raise UndecodableInput."""
    decoded = decode_lines(data)
    return decoded.text, decoded.encoding


def decode_lines(data: bytes) -> Decoded:
    """Decode report bytes line by line: a few bad bytes cost only the lines holding them.

    Raise UndecodableInput when the bytes are not text at all (binary content).
    """
    if data.startswith(codecs.BOM_UTF8):
        return _by_line(data, "utf-8", start=len(codecs.BOM_UTF8), name="utf-8-sig")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return Decoded(data.decode("utf-16", errors="replace").lstrip("\ufeff"), "utf-16")
    sample = data[:4096]
    if b"\x00" in sample:
        # UTF-16 without BOM: ASCII characters (TABs, digits) carry a NUL on one side only.
        even_nuls, odd_nuls = sample[0::2].count(b"\x00"), sample[1::2].count(b"\x00")
        for encoding, ok in (("utf-16-le", odd_nuls > 4 * even_nuls), ("utf-16-be", even_nuls > 4 * odd_nuls)):
            if ok and len(data) % 2 == 0:
                text = data.decode(encoding, errors="replace")
                if _looks_like_text(text):
                    return Decoded(text, encoding)
        raise UndecodableInput("binary content (NUL bytes), not a text report")
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    # A UTF-8 file with a few stray bytes: bad sequences are rare next to the valid non-ASCII
    # characters. A GB18030 file read as UTF-8 is mostly bad sequences.
    text = data.decode("utf-8", errors="replace")
    non_ascii = len(text) - len(text.encode("ascii", "ignore"))
    bad_sequences = text.count("\ufffd")
    if 4 * bad_sequences <= non_ascii - bad_sequences:
        return _checked(_by_line(data, "utf-8"))
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        as_gb = _by_line(data, "gb18030")
        if len(as_gb.bad) < bad_sequences:
            return _checked(as_gb)
        return _checked(_by_line(data, "utf-8"))
    if not _looks_like_text(text):
        raise UndecodableInput("binary content (control bytes), not a text report")
    return Decoded(text, "gb18030")


_bad_offsets: list[int] = []


def _record_bad_bytes(exc: UnicodeDecodeError) -> tuple[str, int]:
    """A codec error handler: replace like errors="replace", and remember where."""
    _bad_offsets.append(exc.start)
    return "\ufffd", exc.end


codecs.register_error("fiscal_record_bad_bytes", _record_bad_bytes)


def _by_line(data: bytes, encoding: str, start: int = 0, name: str | None = None) -> Decoded:
    """Decode with replacement characters, and say which lines (and bytes) needed them."""
    _bad_offsets.clear()
    text = (data[start:] if start else data).decode(encoding, "fiscal_record_bad_bytes")
    offsets = [start + o for o in _bad_offsets]
    bad: list[BadBytes] = []
    if offsets:
        line_starts = [start, *(m.end() for m in _LINE_BREAK.finditer(data, start))]
        per_line: dict[int, list[int]] = {}
        for offset in offsets:
            per_line.setdefault(bisect.bisect_right(line_starts, offset), []).append(offset)
        bad = [
            BadBytes(line_no, found[0], found[0] - line_starts[line_no - 1], len(found))
            for line_no, found in per_line.items()
        ]
    return Decoded(text, name or encoding, tuple(bad))


def _checked(decoded: Decoded) -> Decoded:
    """Refuse binary content that happened to split into lines."""
    lines = decoded.text.count("\n") + 1
    if not _looks_like_text(decoded.text) or len(decoded.bad) > max(1, lines // 10):
        first = decoded.bad[0].offset if decoded.bad else 0
        raise UndecodableInput(f"neither UTF-8 nor GB18030 text (first bad byte at offset {first})")
    return decoded


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffd]")


def _looks_like_text(text: str) -> bool:
    """Few control characters or replacement marks: text, not binary decoded by accident."""
    return len(_CONTROL.findall(text[:20000])) <= len(text[:20000]) // 100


def clean_cell(cell: str) -> str:
    """Strip HTML tags and decode entities (markup only, see _TAG), fold runs of spaces, trim."""
    if not cell:
        return cell
    if _NEEDS_CLEANING.search(cell) is None:
        return cell.strip()  # the usual cell (and any cell cleaned before): nothing but trimming to do
    if "<" in cell:
        cell = _TAG.sub(" ", cell)
    if "&" in cell:  # after the tags: an escaped &lt;1% is text, never a tag
        cell = _ENTITY.sub(lambda m: html.unescape(m[0]), cell)
    return _SPACE.sub(" ", cell).strip()


# What clean_cell would change beyond trimming: tags, entities, a run of spaces
# or a space other than U+0020 (TAB never occurs inside a cell).
_CLEANING_TRIGGERS = ("<", "&", "\u00a0", "\u3000", "\u2002", "\u2003", "\u2009", "\ufeff", "  ")
assert [t for t in _CLEANING_TRIGGERS if len(t) > 1] == ["  "]
# A trigger character, a TAB, or a space followed by another. The pattern starts with a character
# class, so a search tests each character against it and tries a match only where one is in it;
# a pattern starting with alternatives tries a match at every position (twice the instructions).
_NEEDS_CLEANING = re.compile(
    "[\t " + "".join(re.escape(t) for t in _CLEANING_TRIGGERS if len(t) == 1) + "](?:(?<! )| )"
)


def split_lines(text: str) -> list[Line]:
    """Split text into numbered lines of cleaned cells (CRLF and CR tolerated)."""
    raws, dirty = _raw_lines(text)
    tails: list[tuple] = []
    start = 0
    for no in sorted(dirty):  # the few lines clean_cell has more to do in; the runs between them in C
        tails += map(_trimmed_tail, raws[start : no - 1])
        tails.append(_cleaned_tail(raws[no - 1]))
        start = no
    tails += map(_trimmed_tail, raws[start:])
    # Each Line is (no, raw) + its text's tail, made in C: no Python call per line.
    return list(map(tuple.__new__, repeat(Line), map(add, zip(range(1, len(raws) + 1), raws), tails)))


def _raw_lines(text: str) -> tuple[list[str], set[int]]:
    """The lines of text (CRLF and CR tolerated), and the numbers of those clean_cell has more to do in."""
    if "\r" in text:  # one scan, instead of two replacing nothing (most files break lines with \n)
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    raw_lines = text.split("\n")
    if raw_lines and raw_lines[-1] == "":
        raw_lines.pop()
    return raw_lines, _lines_needing_cleaning(text)


# A line's cells, blankness and keys, per distinct line text (most lines repeat: labels, headers,
# blank lines): computed once, shared by every line of that text.
@lru_cache(maxsize=1 << 16)
def _trimmed_tail(raw: str) -> tuple:
    """A line that clean_cell has nothing but trimming to do in (see _lines_needing_cleaning)."""
    if _SPACE_BUT_TAB.search(raw) is None and unicodedata.is_normalized("NFKC", raw):
        # Nothing to trim and nothing norm changes (NFKC never joins across a TAB): each cell is
        # its own key and the line is its keys' text. Three lines in four, tested in C over the
        # line instead of a norm per cell.
        cells = tuple(raw.split("\t"))
        key = raw.replace("\t", "") if _JOIN_UNSAFE.search(raw) is None else norm("".join(cells))
        return cells, not any(cells), cells, raw, key
    return _tail(tuple(map(str.strip, raw.split("\t"))))


_SPACE_BUT_TAB = re.compile(r"[^\S\t]")  # what str.strip and str.split take, but the cell separator


@lru_cache(maxsize=1 << 12)
def _cleaned_tail(raw: str) -> tuple:
    return _tail(tuple(map(clean_cell, raw.split("\t"))))


def _lines_needing_cleaning(text: str) -> set[int]:
    """Numbers of the lines clean_cell has more to do in than trimming: each trigger searched for
    over the whole text in C (a match never spans a line; most texts hold none or a few), not a
    regex pass per character (3–4× slower) nor one per line."""
    found = []
    for trigger in _CLEANING_TRIGGERS:
        if trigger in text:
            at = text.find(trigger)
            while at >= 0:
                found.append(at)
                at = text.find(trigger, at + 1)
    dirty = set()
    line, pos = 1, 0
    for at in sorted(found):
        line += text.count("\n", pos, at)
        pos = at
        dirty.add(line)
    return dirty


@lru_cache(maxsize=1 << 16)  # labels repeat across thousands of rows
def norm(text: str | None) -> str:
    """Comparison key for labels: NFKC (full-width → half-width), no whitespace."""
    if not text:
        return ""
    if not unicodedata.is_normalized("NFKC", text):  # a quick check: most text is already NFKC
        text = nfkc(text)
    return "".join(text.split())


def nfkc(text: str) -> str:
    """unicodedata.normalize("NFKC", text), the full-width ASCII forms (，：（）％ and the ideographic
    space) replaced first. Each of them decomposes to one ASCII character, which decomposes no
    further and composes with nothing, so NFKC of the text is unchanged; the rest is then NFKC
    already in nearly every report (CJK and ASCII), which normalize's quick check passes. CPython
    composes character by character through a table search: ~3.5× slower on a report's prose."""
    if _WIDE.search(text) is not None:
        text = _WIDE.sub(_ascii_of_wide, text)
    return unicodedata.normalize("NFKC", text)


_WIDE_ASCII = {chr(c): unicodedata.normalize("NFKC", chr(c)) for c in [*range(0xFF01, 0xFF5F), 0x3000]}
assert all(len(a) == 1 and a.isascii() for a in _WIDE_ASCII.values())
_WIDE = re.compile("[\uff01-\uff5e\u3000]")


def _ascii_of_wide(match: re.Match) -> str:
    return _WIDE_ASCII[match[0]]  # str.split and regex \s agree on what whitespace is


def value_or_none(cell: str | None) -> str | None:
    """The cell's text, or None where the document leaves it blank (-, —, …)."""
    if cell is None:
        return None
    cell = clean_cell(cell)
    return None if cell in BLANKS else cell


def join_wrapped(parts: Sequence[str]) -> str | None:
    """Join the pieces of a cell wrapped across lines. Chinese text wraps without a space."""
    if len(parts) <= 1:  # the common case: a cell that did not wrap (= value_or_none)
        if not parts:
            return None
        piece = clean_cell(parts[0])
        return None if piece in BLANKS else piece
    pieces = [p for p in map(value_or_none, parts) if p]
    return glue(pieces) if pieces else None


def glue(pieces: list[str]) -> str:
    """The one wrap-joining rule, on a cell's non-empty pieces: Chinese wraps mid-word, so the
    pieces join without a space, except between two Latin words ('ISO' + '9001' → 'ISO 9001');
    a figure wraps mid-number in a narrow column, so two digits join without one ('1,234' + '56')."""
    out = pieces[0]
    for piece in pieces[1:]:
        if latin_pair(out[-1], piece[0]):
            out += " "
        out += piece
    return out


def latin_pair(a: str, b: str) -> bool:
    """Two characters a wrap between keeps a space for (see glue)."""
    return a.isascii() and a.isalnum() and b.isascii() and b.isalnum() and not (a.isdigit() and b.isdigit())
