"""Parsers for district fiscal performance reports: text in, typed records out.

Pure Python with no Dagster, DuckDB or dbt imports. ``parse_text`` never
raises on bad input: whatever it cannot place becomes a ParseIssue.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import gc
import zipfile
from pathlib import Path

from . import blocks, bounds, indicator_values, issues, readers, targets
from .alignment import reject_space_aligned_tables
from .budget import change_claims, parse_budget_document, stated_amounts
from .ledger import Ledger
from .model import Document
from .readers.text import text_document
from .records import (
    BOILERPLATE,
    BudgetCell,
    BudgetTable,
    FundRow,
    IndicatorRow,
    IndicatorValue,
    LineDisposition,
    NarrativeAmount,
    ParseIssue,
    ParseResult,
    Report,
    renumber,
)
from .self_eval import parse_self_eval
from .targets import budget_amount, implementing_unit
from .text import Line
from .tracking import parse_tracking

# Besides the parse functions and the records, the families' one-sentence rules are public, so
# that they can be checked on a sentence: budget prose (stated_amounts, the …比…增加 claims of
# change_claims), a target form's 年度预算安排 (budget_amount) and its unit (implementing_unit).
__all__ = [
    "BudgetCell",
    "BudgetTable",
    "FundRow",
    "IndicatorRow",
    "IndicatorValue",
    "LineDisposition",
    "NarrativeAmount",
    "ParseIssue",
    "ParseResult",
    "Report",
    "budget_amount",
    "change_claims",
    "implementing_unit",
    "parse_bytes",
    "parse_file",
    "parse_text",
    "stated_amounts",
]

_FAMILY_PARSERS = {
    blocks.SELF_EVAL: parse_self_eval,
    blocks.TRACKING: parse_tracking,
    blocks.BUDGET: functools.partial(parse_budget_document, targets=targets),  # budget hands target forms on
}
_READS_ROWS = {blocks.BUDGET}  # families that read the model's table rows (Document.rows) besides the lines


def parse_file(path: str | Path, source_file: str | None = None, limits=None) -> ParseResult:
    """Parse one report file. ``source_file`` is the name recorded (default: the path)."""
    path = Path(path)
    return parse_bytes(path.read_bytes(), source_file or str(path), limits)


def parse_bytes(data: bytes, source_file: str, limits=None) -> ParseResult:
    """Parse a file's bytes; ``limits`` (settings.Limits) bounds what it may cost (None: unbounded)."""
    with _cyclic_gc_paused():
        return _parse_bytes(data, source_file, limits)


@contextlib.contextmanager
def _cyclic_gc_paused():
    """No cyclic garbage collection while a file is parsed.

    A parse allocates a record per line and per cell and keeps nearly all of them: the
    collector, run every 700 allocations, kept re-scanning them (a fifth of the parse
    time) and found next to nothing. Reference counting still frees what is dropped; a
    cycle made meanwhile waits for the collection after the file.
    """
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def _parse_bytes(data: bytes, source_file: str, limits=None) -> ParseResult:
    fmt = readers.detect(data)
    if fmt == readers.DAMAGED:
        return file_issue(source_file, "damaged_document", what="", why="（zip 包不完整，可能未完整上传）",
                          detail=": a Word/Excel zip package without its directory; cut off?")
    try:
        if limits is not None:
            bounds.check_file_size(len(data), limits)
            if fmt in (readers.DOCX, readers.XLSX):
                bounds.check_package(data, limits)
            elif fmt == readers.TEXT:
                bounds.check_text(data, limits)
    except bounds.FileTooLarge as exc:
        return too_large(source_file, exc)
    except zipfile.BadZipFile as exc:  # a member that does not unpack (CRC, truncated stream)
        return file_issue(source_file, "damaged_document", what=f"{fmt.upper()} ", why="", detail=f": {exc}")
    return parse_document(data, fmt, source_file, limits)


def file_issue(source_file: str, code: str, **facts: object) -> ParseResult:
    """A file that yields nothing but one error about the file as a whole (line 0)."""
    result = ParseResult(source_file=source_file)
    result.issues.append(issues.make(code, source_file, **facts))
    return result


def too_large(source_file: str, exc: bounds.FileTooLarge) -> ParseResult:
    return file_issue(source_file, "file_too_large", detail=exc)


def parse_document(data: bytes, fmt: str, source_file: str, limits=None) -> ParseResult:
    """A file of any format: read into the document model, parse the lines built from its blocks."""
    try:
        document = readers.read_document(data, fmt)
    except Exception as exc:  # noqa: BLE001 - a damaged file must not stop the batch
        return file_issue(source_file, "damaged_document", what=f"{fmt.upper()} ", why="",
                          detail=f": {type(exc).__name__}: {exc}")
    if limits is not None and fmt != readers.TEXT:  # TAB text was counted in its bytes
        try:  # two lines per block: the row or prose line, and the empty line after it
            bounds.check_lines_cells(2 * len(document.blocks), sum(len(b.cells) for b in document.blocks), limits)
        except bounds.FileTooLarge as exc:
            return too_large(source_file, exc)
    return _parse_model(document, source_file)


def parse_text(text: str, source_file: str) -> ParseResult:
    """Parse the decoded text of a TAB text file (read into the document model as its bytes are)."""
    return _parse_model(text_document(text), source_file)


def _parse_model(document: Document, source_file: str) -> ParseResult:
    if document.problems and not document.blocks:  # e.g. a scan: the one problem says it all
        result = ParseResult(source_file=source_file)
        result.issues = [issues.make(code, source_file, **facts) for code, facts in document.problems]
        return result
    source_lines, boilerplate = document.source_lines(source_file)
    result = _parse_lines(document.lines(), source_file, boilerplate, document.rows)
    for code, facts in document.problems:
        result.issues.insert(0, issues.make(code, source_file, **facts))
    for index, code, facts in document.cell_problems:
        line_no = document.line_of_block(index)
        result.issues.append(issues.make(code, source_file, line_no, source_lines[line_no - 1].text, **facts))
    result.issues.sort(key=lambda i: i.line_no)
    result.source_lines = source_lines
    return result


def _parse_lines(lines: list[Line], source_file: str, boilerplate: set[int], rows_of) -> ParseResult:
    """Parse the lines of one file into records, issues and the line ledger.

    ``boilerplate``: line numbers a reader knows to be page furniture (page
    numbers, running headers, a table header repeated on a new page); they are
    accounted for as such and not shown to the family parsers. ``rows_of``: the document's
    table rows over a segment's lines (``Document.rows``).
    """
    ledger = Ledger(source_file, lines)
    result = ParseResult(source_file=source_file, line_count=len(lines))
    if boilerplate:
        for line in lines:
            if line.no in boilerplate and not line.is_blank:
                ledger.mark(line.no, BOILERPLATE)
        lines = [line for line in lines if line.no not in boilerplate]

    if all(line.is_blank for line in lines):
        ledger.issue(0, "empty_file")
    segments, outside = blocks.split_segments(lines)
    # A file of blank lines has no line to name (its empty_file issue says so).
    first = next((line for line in outside if not line.is_blank), None)
    if not segments and first is not None:
        ledger.issue(first.no, "unknown_family")
        ledger.mark_all(outside, "issue")
    else:
        for line in outside:
            if not line.is_blank:
                ledger.issue(line.no, "outside_table")

    for segment in segments:
        try:
            parser = _FAMILY_PARSERS[segment.family]
            if segment.family in _READS_ROWS:
                part = parser(segment.lines, ledger, source_file, rows=rows_of(segment.lines))
            else:
                part = parser(segment.lines, ledger, source_file)
        except Exception as exc:  # noqa: BLE001 - a parser bug must not stop the batch
            _add_families(result, [segment.family])
            ledger.issue(
                segment.first_line, "parser_failed", where=f"本段（{segment.family}）", skipped="本段已跳过",
                where_en=f"{segment.family} segment", error=f"{type(exc).__name__}: {exc}",
            )
            ledger.mark_all(segment.lines, "issue", segment.family)
            continue
        _add_families(result, _families_found(segment.family, part))
        _extend(result, part)

    _renumber_reports(result)
    result.indicator_values = [_indicator_value(i) for i in result.indicators]
    result.lines = ledger.close()
    result.issues.extend(ledger.issues)
    _year_from_file(result)
    result.issues.sort(key=lambda i: i.line_no)
    reject_space_aligned_tables(result, lines)
    return result


def _families_found(family: str, part: ParseResult) -> list[str]:
    """The families a segment's records are of: a budget segment's target forms are ``target``,
    and it is ``budget`` only with a budget table or prose (a workbook of 申报表 is no budget)."""
    if family != blocks.BUDGET or not part.reports:
        return [family]
    found = [blocks.BUDGET] if part.budget_tables or part.narrative_amounts or part.narrative_changes else []
    return [*found, *dict.fromkeys(r.report_type for r in part.reports)]


def _add_families(result: ParseResult, families: list[str]) -> None:
    result.families += [f for f in families if f not in result.families]


def _extend(result: ParseResult, part: ParseResult) -> None:
    result.reports += part.reports
    result.fund_rows += part.fund_rows
    result.indicators += part.indicators
    result.budget_tables += part.budget_tables
    result.budget_cells += part.budget_cells
    result.narrative_amounts += part.narrative_amounts
    result.narrative_changes += part.narrative_changes
    result.issues += part.issues


def _indicator_value(row: IndicatorRow) -> IndicatorValue:
    meaning = indicator_values.interpret(row.target_text, row.actual_text)
    target, actual = meaning.target, meaning.actual
    # A tuple made in C, in field order (records.IndicatorValue): no __init__ call per indicator.
    return tuple.__new__(IndicatorValue, (
        row.source_file, row.report_seq, row.indicator_seq, row.line_no,
        target.operator, target.value, target.value_max, target.unit,  # target_operator … target_unit
        actual.operator, actual.value, actual.unit,  # actual_operator, actual_value, actual_unit
        meaning.achievement,
        indicator_values.interpret(row.target_text, row.forecast_text).achievement if row.forecast_text else None,
    ))


def _year_from_file(result: ParseResult) -> None:
    """A report table printing no year takes its file's year when every other table states that one."""
    stated = {r.fiscal_year for r in result.reports if r.fiscal_year} | {
        t.fiscal_year for t in result.budget_tables if t.fiscal_year
    }
    if len(stated) != 1:
        return  # no year in the file, or several: nothing to take
    (year,) = stated
    for i, report in enumerate(result.reports):
        if report.fiscal_year is None:
            result.reports[i] = dataclasses.replace(report, fiscal_year=year)
            result.issues.append(issues.make(
                "report_year_from_file", result.source_file, report.line_start,
                report_seq=report.report_seq, year=year,
            ))


def _renumber_reports(result: ParseResult) -> None:
    """Family parsers key reports by their first line; number them 1..n in document order."""
    seq = {r.report_seq: i for i, r in enumerate(sorted(result.reports, key=lambda r: r.line_start), 1)}
    # The records are this parse's own, not yet seen by anyone: numbered in place.
    renumber(result.reports, "report_seq", seq)
    renumber(result.fund_rows, "report_seq", seq)
    renumber(result.indicators, "report_seq", seq)
    result.reports.sort(key=lambda r: r.report_seq)
