"""Parsers for district fiscal performance reports: text in, typed records out.

Pure Python with no Dagster, DuckDB or dbt imports. ``parse_text`` never
raises on bad input: whatever it cannot place becomes a ParseIssue.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from . import blocks, indicator_values
from .budget import parse_budget_document
from .ledger import Ledger
from .records import (
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
)
from .self_eval import parse_self_eval
from .text import UndecodableInput, decode, split_lines
from .tracking import parse_tracking

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
    "parse_bytes",
    "parse_file",
    "parse_text",
]

_FAMILY_PARSERS = {
    blocks.SELF_EVAL: parse_self_eval,
    blocks.TRACKING: parse_tracking,
    blocks.BUDGET: parse_budget_document,
}


def parse_file(path: str | Path, source_file: str | None = None) -> ParseResult:
    """Parse one report file. ``source_file`` is the name recorded (default: the path)."""
    path = Path(path)
    return parse_bytes(path.read_bytes(), source_file or str(path))


def parse_bytes(data: bytes, source_file: str) -> ParseResult:
    try:
        text, _encoding = decode(data)
    except UndecodableInput as exc:
        result = ParseResult(source_file=source_file)
        result.issues.append(
            ParseIssue(source_file, 0, "error", "undecodable_file", f"文件无法按文本读取: {exc}")
        )
        return result
    return parse_text(text, source_file)


def parse_text(text: str, source_file: str) -> ParseResult:
    """Parse the text of one file into records, issues and the line ledger."""
    lines = split_lines(text)
    ledger = Ledger(source_file, lines)
    result = ParseResult(source_file=source_file, line_count=len(lines))

    if all(line.is_blank for line in lines):
        ledger.issue(0, "warning", "empty_file", "文件为空，没有可解析的内容 (empty file)")
    segments, outside = blocks.split_segments(lines)
    if not segments and outside:
        first = next(line for line in outside if not line.is_blank)
        ledger.issue(
            first.no,
            "error",
            "unknown_family",
            "未识别的文档类型：既不是绩效自评表、绩效跟踪表，也不是部门预算 (unknown document family)",
        )
        ledger.mark_all(outside, "issue")
    else:
        for line in outside:
            if not line.is_blank:
                ledger.issue(
                    line.no,
                    "warning",
                    "outside_table",
                    "此行位于任何报表之外，未解析 (line outside any recognised table)",
                )

    for segment in segments:
        if segment.family not in result.families:
            result.families.append(segment.family)
        try:
            part = _FAMILY_PARSERS[segment.family](segment.lines, ledger, source_file)
        except Exception as exc:  # noqa: BLE001 - a parser bug must not stop the batch
            ledger.issue(
                segment.first_line,
                "error",
                "parser_failed",
                f"{segment.family} 解析失败，本段已跳过: {type(exc).__name__}: {exc}",
            )
            ledger.mark_all(segment.lines, "issue", segment.family)
            continue
        _extend(result, part)

    _renumber_reports(result)
    result.indicator_values = [_indicator_value(i) for i in result.indicators]
    result.lines = ledger.close()
    result.issues.extend(ledger.issues)
    result.issues.sort(key=lambda i: i.line_no)
    return result


def _extend(result: ParseResult, part: ParseResult) -> None:
    result.reports += part.reports
    result.fund_rows += part.fund_rows
    result.indicators += part.indicators
    result.budget_tables += part.budget_tables
    result.budget_cells += part.budget_cells
    result.narrative_amounts += part.narrative_amounts
    result.issues += part.issues


def _indicator_value(row: IndicatorRow) -> IndicatorValue:
    meaning = indicator_values.interpret(row.target_text, row.actual_text)
    target, actual = meaning.target, meaning.actual
    return IndicatorValue(
        row.source_file, row.report_seq, row.indicator_seq, row.line_no,
        target_operator=target.operator, target_value=target.value,
        target_value_max=target.value_max, target_unit=target.unit,
        actual_operator=actual.operator, actual_value=actual.value, actual_unit=actual.unit,
        achievement=meaning.achievement,
    )


def _renumber_reports(result: ParseResult) -> None:
    """Family parsers key reports by their first line; number them 1..n in document order."""
    seq = {r.report_seq: i for i, r in enumerate(sorted(result.reports, key=lambda r: r.line_start), 1)}
    result.reports = sorted(
        (dataclasses.replace(r, report_seq=seq[r.report_seq]) for r in result.reports),
        key=lambda r: r.report_seq,
    )
    result.fund_rows = [dataclasses.replace(f, report_seq=seq[f.report_seq]) for f in result.fund_rows]
    result.indicators = [dataclasses.replace(i, report_seq=seq[i.report_seq]) for i in result.indicators]
