"""What the loader records when a file itself is the problem, so one file never stops a batch.

A file that cannot be read this run (permissions, deleted after discovery, still
being written) is not a deletion: its result is marked UNREAD and the loader keeps
its loaded rows. Issues about this run's reading are replaced every run
(READ_ISSUE_CODES); issues about a file's content (a parser crash, a name that is
not UTF-8) stay with the file.

A loaded file whose new version cannot be read (damaged, beyond a bound, crashing
or stalling its parser) keeps its previous version's rows too: see ``keeps_previous``.
"""

from __future__ import annotations

from .discovery import Discovery
from .parsers import issues
from .parsers.records import ParseIssue, ParseResult

UNREAD = "unread"  # families of a result whose file could not be read: its loaded rows stay
READ_ISSUE_CODES = (
    "unreadable_folder", "unreadable_file", "file_vanished", "symlink_loop", "broken_symlink",
    "symlink_outside_raw", "not_a_regular_file", "file_still_changing",
)
KEPT_PREFIX = "新版本无法读取，保留上一版本的内容 (new version could not be read; the previous version is kept): "


class StillChanging(Exception):
    """The file's size, modification time or content changed while it was read."""


def unread_result(source_file: str, exc: OSError) -> ParseResult:
    vanished = isinstance(exc, FileNotFoundError)
    result = ParseResult(source_file=source_file, families=[UNREAD])
    result.issues.append(issues.make("file_vanished" if vanished else "unreadable_file", source_file, reason=exc.strerror))
    return result


def still_changing_result(source_file: str, why: str) -> ParseResult:
    result = ParseResult(source_file=source_file, families=[UNREAD])
    result.issues.append(issues.make("file_still_changing", source_file, why=why))
    return result


def worker_failed_result(source_file: str, kind: str, detail: str) -> ParseResult:
    """The parser process of this file was killed or ran out of time: one error, the batch goes on."""
    result = ParseResult(source_file=source_file)
    result.issues.append(issues.make("parse_timeout" if kind == "timeout" else "parser_crashed", source_file, detail=detail))
    return result


def keeps_previous(loaded_families: str | None, result: ParseResult) -> bool:
    """A new version that yields nothing of any family, with an error, does not replace a loaded file.

    (A file really emptied says so with a warning, empty_file, and is replaced.)
    """
    return bool(loaded_families) and not result.families and any(i.severity == "error" for i in result.issues)


def kept_issue(result: ParseResult) -> ParseIssue:
    """The one issue recorded for a rejected new version: its first error, saying the old one is kept."""
    first = next(i for i in result.issues if i.severity == "error")
    return ParseIssue(result.source_file, 0, first.severity, first.code, KEPT_PREFIX + first.message, first.raw_text)


def crashed_result(source_file: str, exc: Exception) -> ParseResult:
    result = ParseResult(source_file=source_file)
    result.issues.append(issues.make(
        "parser_failed", source_file, where="本文件", skipped="本文件未载入", where_en="the file",
        error=f"{type(exc).__name__}: {exc}",
    ))
    return result


def non_utf8_name_issue(source_file: str) -> ParseIssue:
    return issues.make("non_utf8_file_name", source_file)


def read_issues(found: Discovery) -> list[ParseIssue]:
    """One issue per entry the walk could not read (folders, files, symlink loops)."""
    return [
        ParseIssue(p.source_file, 0, issues.severity(p.code), p.code, p.message) for p in found.problems
    ]
