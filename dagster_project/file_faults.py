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
    result.issues.append(ParseIssue(
        source_file, 0, "error", "file_vanished" if vanished else "unreadable_file",
        ("文件在本次运行中被删除" if vanished else "文件无法读取")
        + f"，已入库的内容保持不变 (could not read: {exc.strerror}; previously loaded rows kept)",
    ))
    return result


def still_changing_result(source_file: str, why: str) -> ParseResult:
    result = ParseResult(source_file=source_file, families=[UNREAD])
    result.issues.append(ParseIssue(
        source_file, 0, "info", "file_still_changing",
        f"文件在读取时仍在变化（{why}），留待下次运行，已入库的内容保持不变 "
        f"(file still changing while read: {why}; left for the next run, previous version kept)",
    ))
    return result


def worker_failed_result(source_file: str, kind: str, detail: str) -> ParseResult:
    """The parser process of this file was killed or ran out of time: one error, the batch goes on."""
    code, what = (("parse_timeout", "解析超时") if kind == "timeout" else ("parser_crashed", "解析进程崩溃"))
    hint = " (FISCAL_MAX_SECONDS)" if kind == "timeout" else ""
    result = ParseResult(source_file=source_file)
    result.issues.append(ParseIssue(
        source_file, 0, "error", code, f"{what}，本文件未载入，内容改变前不再重试 ({detail}{hint}; not retried until the file changes)"
    ))
    return result


def keeps_previous(loaded_families: str | None, result: ParseResult) -> bool:
    """A new version that yields nothing of any family, with an error, does not replace a loaded file.

    (A file really emptied says so with a warning, empty_file, and is replaced.)
    """
    return bool(loaded_families) and not result.families and any(i.severity == "error" for i in result.issues)


def kept_issue(result: ParseResult) -> ParseIssue:
    """The one issue recorded for a rejected new version: its first error, saying the old one is kept."""
    first = next(i for i in result.issues if i.severity == "error")
    return ParseIssue(result.source_file, 0, "error", first.code, KEPT_PREFIX + first.message, first.raw_text)


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
