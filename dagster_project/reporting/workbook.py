"""violations.xlsx: a summary sheet and one sheet per check (a check without findings says 无)."""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .coverage import COVERAGE_COLUMNS, COVERAGE_SHEET
from .labels import check_label, severity_label
from .queries import QualityData, SheetRows, as_number, key_ints
from .review import DECISION_COLUMNS, DECISION_WRAPPED, write_decision_sheets
from .sheet_cache import Chunk, SheetCache

if TYPE_CHECKING:
    from .sheet_worker import SheetWorker
from .summary import check_rows, headline
from .xlsx import HEADER, PLAIN, WRAPPED, Sheet, Workbook, column_letter, make_chunk, row_xml

SUMMARY_SHEET = "汇总"
# each root cause seen at several places once, its other places in one cell (a root cause seen at
# one place is its rule sheet's row: the sheet costs what the grouping adds)
ROOT_CAUSE_SHEET = "根因"
HINT_SHEET = "舍入提示"  # rounding hints, apart from errors and warnings
NONE_FOUND = "无"  # the only cell of a check's sheet when it found nothing
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")

# (header, width, value of a violation); numeric cells are written as numbers.
VIOLATION_COLUMNS: list[tuple[str, int, object]] = [
    ("严重程度", 9, lambda v: severity_label(v.severity)),
    ("文件", 28, lambda v: v.source_file),
    ("行号", 7, lambda v: v.line_no),
    ("报表序号", 9, lambda v: v.report_seq),
    ("预算表序号", 10, lambda v: v.table_seq),
    ("年度", 7, lambda v: v.fiscal_year),
    ("区", 8, lambda v: v.district),
    ("主管部门", 26, lambda v: v.supervising_dept),
    ("实施单位", 26, lambda v: v.implementing_unit),
    ("项目名称", 24, lambda v: v.project_name),
    ("检查对象", 22, lambda v: v.subject),
    ("规则应为", 14, lambda v: _cell_value(v.expected_value)),
    ("文件所载", 14, lambda v: _cell_value(v.observed_value)),
    ("差额", 12, lambda v: v.difference),
    ("单位", 6, lambda v: v.value_unit),
    ("容差", 8, lambda v: v.tolerance),
    ("表名", 22, lambda v: v.table_title),
    ("栏目", 12, lambda v: v.measure),
    ("说明", 48, lambda v: v.message),
    ("原文", 60, lambda v: v.source_text),
]


# Long text, wrapped in its column: 说明 and 原文
WRAPPED_COLUMNS = frozenset(i for i, (title, _, _) in enumerate(VIOLATION_COLUMNS) if title in ("说明", "原文"))


def _cell_value(value: str | None) -> Decimal | str | None:
    number = as_number(value)
    return number if number is not None else value


def sheet_name(check_name: str, taken: set[str]) -> str:
    """The check's Chinese name as a valid, unique sheet title (≤ 31 characters)."""
    base = _BAD_SHEET_CHARS.sub("_", check_label(check_name))[:31] or "sheet"
    name, n = base, 2
    while name in taken:
        suffix = f"_{n}"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name)
    return name


def _styles(wrapped: frozenset[int], width: int) -> list[int]:
    """The text style of each column: the `wrapped` ones wrapped (xlsx quote-prefixes formula-like text)."""
    return [WRAPPED if i in wrapped else PLAIN for i in range(width)]


def _sheet(wb: Workbook, title: str, headers: list[tuple[str, int]], key: str | None = None,
           keep: bool = False) -> Sheet:
    """A sheet with its header row, column widths and frozen header (kept in the cache under key, or
    under the key set before it is finished when keep)."""
    ws = wb.add_sheet(title, [width for _, width in headers], key=key, keep=keep)
    ws.append([name for name, _ in headers], [HEADER] * len(headers))
    return ws


def _write_rows(ws: Sheet, rows: Iterable[list], width: int, wrapped: frozenset[int] = frozenset()) -> int:
    """Append the rows; the filter covers them. Returns how many were written."""
    styles, n = _styles(wrapped, width), 0
    for n, values in enumerate(rows, start=1):
        ws.append(values, styles)
    ws.auto_filter = f"A1:{column_letter(width)}{n + 1}"
    return n


def _table_sheet(wb: Workbook, title: str, columns: list[tuple[str, int, Callable]],
                 items: Iterable, wrapped: frozenset[int] = frozenset(), none_found: bool = True):
    """A sheet of one row per item, each column (header, width, value of an item); a sheet of a
    check or list that found nothing says 无 when none_found. Returns (sheet, rows written).
    Written whole every time (the short lists; the long ones are keyed sheets: _keyed_sheet)."""
    ws = _sheet(wb, title, [(header, width) for header, width, _ in columns])
    n = _write_rows(ws, ([get(item) for _, _, get in columns] for item in items), len(columns), wrapped)
    if not n and none_found:
        _write_rows(ws, [[NONE_FOUND]], len(columns))
    ws.data_rows = n
    return ws, n


# A keyed sheet's rows are written in chunks, each compressed on its own (xlsx.Chunk); a chunk ends
# after a row whose key is 0 modulo CHUNK_ROWS (~CHUNK_ROWS rows on average). The chunks follow the
# rows, not their places, so a change rebuilds only the chunks it touches and copies the others.
CHUNK_ROWS = 256


def _keyed_sheet(wb: Workbook, cache: SheetCache | None, kind: str, title: str,
                 columns: list[tuple[str, int, Callable]], rows: SheetRows, wrapped: frozenset[int] = frozenset(),
                 none_found: bool = True, finish: Callable[[Sheet, int], None] | None = None,
                 worker: SheetWorker | None = None) -> int | None:
    """A sheet of one row per row of `rows` (queries.SheetRows), like _table_sheet; returns its rows, or
    None for a sheet without rows and not none_found (not added).

    With a cache (sheet_cache.py) that kept this kind of sheet, its cost follows what changed: the
    sheet is copied whole when its rows are those of the last workbook's, else the chunks of rows it
    kept are copied as they are and only the others built. Without, every row is built in one pass, or
    by the worker (sheet_worker.py) when it builds this kind."""
    xml = _row_maker(columns, wrapped)

    whole = None  # the digest of every key in sheet order, when known before the rows are built
    if cache is not None and cache.has_chunks(kind):
        # the keys' bytes (queries.KEYS) give, in order, the whole sheet's digest and, cut, the pieces'
        keys = rows.keys()
        data = memoryview(keys.tobytes())
        whole = hashlib.sha256(data).hexdigest()
        if (kept := wb.reuse_sheet(title, cache.key(kind, whole))) is not None:
            cache.retain_chunks(kind)
            return kept
        known = cache.chunks(kind)
        pieces = [(keys[start:end], hashlib.sha256(data[16 * start:16 * end]).hexdigest())
                  for start, end in _piece_bounds(keys["h2"])]
        # integers only for the rows to build (a key is 0 modulo CHUNK_ROWS when its h2 is: 2**64 is)
        pieces = [(key_ints(piece) if digest not in known else piece, digest) for piece, digest in pieces]
        fresh = rows.fetch([k for piece, digest in pieces if digest not in known for k in piece])
        chunks = _chunks(pieces, known, fresh, xml)
    else:
        elsewhere = worker.chunks(kind) if worker is not None else None
        chunks = iter(elsewhere) if elsewhere is not None else _built_chunks(rows.fetch(), xml)
    first = next(chunks, None)
    if first is None and not none_found:
        return None
    ws = _sheet(wb, title, [(header, width) for header, width, _ in columns], keep=cache is not None)
    order, n = hashlib.sha256(), 0  # the digest of every key in sheet order: the sheet's key
    for piece, digest, chunk, copied in itertools.chain([first] if first else [], chunks):
        ws.append_chunk(chunk, digest)
        if whole is None:
            order.update(_key_bytes(piece))
        n += chunk.rows
        if cache is not None:
            cache.stats["rows_kept" if copied else "rows_built"] += chunk.rows
    ws.data_rows = n
    ws.auto_filter = f"A1:{column_letter(len(columns))}{n + 1}"
    if not n:
        _write_rows(ws, [[NONE_FOUND]], len(columns))
    if finish:
        finish(ws, n)
    if cache is not None:  # kept under the key the same rows give next time, its chunks listed
        ws.key = cache.key(kind, whole or order.hexdigest())
        cache.keep_chunks(kind, ws.key)
    return n


def _row_maker(columns: list[tuple[str, int, Callable]], wrapped: frozenset[int]) -> Callable[[Any], bytes]:
    """A sheet row's XML from its item, by the sheet's columns (header, width, value of an item)."""
    styles = _styles(wrapped, len(columns))

    def xml(item) -> bytes:
        return row_xml([get(item) for _, _, get in columns], styles)

    return xml


def _digest(keys: list[int]) -> str:
    """Rows (their keys, in order) as one digest."""
    return hashlib.sha256(_key_bytes(keys)).hexdigest()


def _key_bytes(keys: list[int]) -> bytes:
    """Row keys (128 bits each) as the bytes their digests are made of."""
    return b"".join(k.to_bytes(16, "big") for k in keys)


def _piece_bounds(h2: np.ndarray) -> list[tuple[int, int]]:
    """Row keys (their low halves, in sheet order) cut into the chunks' rows, as (start, end) indexes: a
    chunk ends after a key that is 0 modulo CHUNK_ROWS, as _built_chunks cuts."""
    ends = (np.flatnonzero(h2 % CHUNK_ROWS == 0) + 1).tolist()
    if not ends or ends[-1] != len(h2):
        ends.append(len(h2))
    return list(zip([0, *ends[:-1]], ends)) if len(h2) else []


ChunkOfRows = tuple[list[int], str, Chunk, bool]  # its rows' keys, their digest, the chunk, whether copied


def _chunks(pieces: list[tuple[list[int], str]], known: dict[str, Chunk], fresh: Iterator[tuple[int, Any]],
            xml: Callable[[Any], bytes]) -> Iterator[ChunkOfRows]:
    """The chunks of pieces in sheet order: kept ones from `known`, the others built from `fresh` (the
    rows of their keys, in sheet order)."""
    for piece, digest in pieces:
        chunk = known.get(digest)
        if chunk is None:
            built = []
            for k in piece:
                fetched, item = next(fresh)
                while fetched != k:  # never a row at the wrong place (a copy of a kept chunk's row passed)
                    fetched, item = next(fresh)
                built.append(xml(item))
            yield piece, digest, make_chunk(built), False
        else:
            yield piece, digest, chunk, True


def _built_chunks(fresh: Iterator[tuple[int, Any]], xml: Callable[[Any], bytes]) -> Iterator[ChunkOfRows]:
    """Every row built, cut into chunks as _pieces cuts their keys."""
    piece, built = [], []
    for k, item in fresh:
        piece.append(k)
        built.append(xml(item))
        if k % CHUNK_ROWS == 0:
            yield piece, _digest(piece), make_chunk(built), False
            piece, built = [], []
    if piece:
        yield piece, _digest(piece), make_chunk(built), False


def built_chunks(fresh: Iterator[tuple[int, Any]], columns: list[tuple[str, int, Callable]],
                 wrapped: frozenset[int]) -> Iterator[ChunkOfRows]:
    """Every row of a sheet of these columns built and cut into chunks, as _keyed_sheet does without kept
    chunks (sheet_worker.py builds sheets with it in another process)."""
    return _built_chunks(fresh, _row_maker(columns, wrapped))


def _summary_sheet(wb: Workbook, data: QualityData) -> None:
    h = headline(data)
    headers = [("规则", 28), ("代码", 30), ("严重程度", 12), ("检查条数", 10), ("违规数", 10), ("规则要求", 60)]
    ws = _sheet(wb, SUMMARY_SHEET, headers)
    rows = [
        [
            c.label,
            c.check_name,
            "/".join(severity_label(s) for s in c.severity.split("/")),
            c.evaluated,
            c.violations,
            c.rule,
        ]
        for c in check_rows(data)
    ]
    _write_rows(ws, rows, len(headers), wrapped=frozenset({0, 5}))
    ws.append([])
    for label, key in [
        ("已载入文件", "files"),
        ("已载入报表", "reports"),
        ("解析问题", "parse_issues"),
        ("违规总数", "violations"),
        ("其中错误", "violation_errors"),
        ("其中警告", "violation_warnings"),
        ("问题（根因）", "root_causes"),
        ("舍入提示（不计入违规）", "hints"),
    ]:
        ws.append([label, None, None, None, h[key]], [HEADER])


def _place(v) -> str:
    """One other place of a root cause, on one line."""
    where = f"{v.source_file} 第 {v.line_no} 行" if v.line_no else v.source_file
    what = " · ".join(x for x in (v.subject, v.measure, v.table_title) if x)
    return f"{check_label(v.check_name)}：{where} {what}，差额 {v.difference if v.difference is not None else '—'}"


# The 根因 sheet: each root cause seen at several places once, with the places besides its own.
ROOT_CAUSE_COLUMNS: list[tuple[str, int, object]] = [
    ("严重程度", 9, lambda v: severity_label(v.severity)),
    ("规则", 22, lambda v: check_label(v.check_name)),
    ("文件", 28, lambda v: v.source_file),
    ("行号", 7, lambda v: v.line_no),
    ("表名", 22, lambda v: v.table_title),
    ("检查对象", 22, lambda v: v.subject),
    ("栏目", 12, lambda v: v.measure),
    ("规则应为", 14, lambda v: _cell_value(v.expected_value)),
    ("文件所载", 14, lambda v: _cell_value(v.observed_value)),
    ("差额", 12, lambda v: v.difference),
    ("单位", 6, lambda v: v.value_unit),
    ("涉及处数", 9, lambda v: 1 + len(v.other_places)),
    ("其他位置", 80, lambda v: "\n".join(_place(p) for p in v.other_places) or None),
]


ROOT_CAUSE_WRAPPED = frozenset({len(ROOT_CAUSE_COLUMNS) - 1})  # 其他位置


def layout(kind: str) -> tuple[list[tuple[str, int, Callable]], frozenset[int]]:
    """The columns and wrapped columns of a keyed sheet's kind (check:<name>, hints, roots, coverage, review)."""
    return {
        "roots": (ROOT_CAUSE_COLUMNS, ROOT_CAUSE_WRAPPED),
        "coverage": (COVERAGE_COLUMNS, frozenset()),
        "review": (DECISION_COLUMNS, DECISION_WRAPPED),
    }.get(kind, (VIOLATION_COLUMNS, WRAPPED_COLUMNS))


def write_workbook(data: QualityData, path: Path, cache: SheetCache | None = None,
                   worker: SheetWorker | None = None) -> dict[str, int]:
    """Write the workbook, streaming each sheet's rows into its XML (xlsx.py): memory and time follow
    the rows. With a cache (the last workbook's sheets), a sheet whose rows did not change is copied
    and a changed one builds only its new rows: time follows what changed. The worker, when given, builds
    its kinds of sheets meanwhile (sheet_worker.py). Returns {sheet name: data rows}."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with Workbook(path, cache) as wb:
        _summary_sheet(wb, data)
        taken, written = {SUMMARY_SHEET}, {}
        for check in (c.check_name for c in check_rows(data)):
            title = sheet_name(check, taken)
            written[title] = _keyed_sheet(wb, cache, f"check:{check}", title, VIOLATION_COLUMNS,
                                          data.sheet_rows(f"check:{check}"), WRAPPED_COLUMNS, worker=worker)
        # 根因: each root cause (error or warning) seen at several places once, its other places in one cell
        written[ROOT_CAUSE_SHEET] = _keyed_sheet(wb, cache, "roots", ROOT_CAUSE_SHEET, ROOT_CAUSE_COLUMNS,
                                                 data.sheet_rows("roots"), ROOT_CAUSE_WRAPPED, worker=worker)
        written[HINT_SHEET] = _keyed_sheet(wb, cache, "hints", HINT_SHEET, VIOLATION_COLUMNS, data.sheet_rows("hints"),
                                           WRAPPED_COLUMNS, worker=worker)
        # 检查覆盖: every (document, rule) with its status and reason
        coverage = _keyed_sheet(wb, cache, "coverage", COVERAGE_SHEET, COVERAGE_COLUMNS, data.sheet_rows("coverage"),
                                none_found=False, worker=worker)
        if coverage is not None:
            written[COVERAGE_SHEET] = coverage
        written |= write_decision_sheets(wb, data, partial(_keyed_sheet, wb, cache, worker=worker), _table_sheet)  # 审核决定
    if cache:
        cache.prune()
    return written
