"""What the loader records when a file itself is the problem, so one file never stops a batch.

A file that cannot be read this run (permissions, deleted after discovery) is
not a deletion: its result is marked UNREAD and the loader keeps its loaded rows.
Issues about this run's reading are replaced every run (READ_ISSUE_CODES); issues
about a file's content (a parser crash, a name that is not UTF-8) stay with the file.
"""

from __future__ import annotations

from .discovery import Discovery
from .parsers.records import ParseIssue, ParseResult

UNREAD = "unread"  # families of a result whose file could not be read: its loaded rows stay
READ_ISSUE_CODES = (
    "unreadable_folder", "unreadable_file", "file_vanished", "symlink_loop", "broken_symlink",
    "symlink_outside_raw", "not_a_regular_file",
)


def unread_result(source_file: str, exc: OSError) -> ParseResult:
    vanished = isinstance(exc, FileNotFoundError)
    result = ParseResult(source_file=source_file, families=[UNREAD])
    result.issues.append(ParseIssue(
        source_file, 0, "error", "file_vanished" if vanished else "unreadable_file",
        ("文件在本次运行中被删除" if vanished else "文件无法读取")
        + f"，已入库的内容保持不变 (could not read: {exc.strerror}; previously loaded rows kept)",
    ))
    return result


def crashed_result(source_file: str, exc: Exception) -> ParseResult:
    result = ParseResult(source_file=source_file)
    result.issues.append(ParseIssue(
        source_file, 0, "error", "parser_failed", f"解析失败，本文件未载入: {type(exc).__name__}: {exc}"
    ))
    return result


def non_utf8_name_issue(source_file: str) -> ParseIssue:
    return ParseIssue(
        source_file, 0, "warning", "non_utf8_file_name",
        "文件名不是 UTF-8 编码，按原字节记为 \\xNN (file name is not UTF-8; recorded with its bytes escaped)",
    )


def read_issues(found: Discovery) -> list[ParseIssue]:
    """One issue per entry the walk could not read (folders, files, symlink loops)."""
    return [
        ParseIssue(p.source_file, 0, "warning" if p.code == "broken_symlink" else "error", p.code, p.message)
        for p in found.problems
    ]
