"""部门预算 — department budget disclosures: the document walker.

The dispatcher hands over every line of a file that is not inside a
self-evaluation or tracking report, and the document model's table rows over
those lines (``Document.rows``: a binary format's rows, a one-cell-per-line
text file's rows as its reader made them); the walker joins no cells itself.

The walker classifies each row, in document order:
- a budget-table title (…预算总表 / …预算表) starts a budget table (``tables``);
- a 上海市财政支出项目绩效目标 title starts a target table (the targets family,
  handed in by the dispatcher), also
  when it stands alone in a cell of a longer row (printed right after prose,
  no empty line between): the row is cut before and after the title's lines;
- a heading "<unit><project>项目经费情况说明" opens a project section, whose
  年度预算安排 gives the targets' budget amount (``targets``);
- anything else is prose, line by line: headings (TITLE), page furniture
  (BOILERPLATE) and narrative, whose stated amounts ``narrative`` extracts.
"""

from __future__ import annotations

from collections import Counter
from types import ModuleType

from .. import vocabulary
from ..ledger import Ledger
from ..records import ParseResult
from ..rows import Row, is_separator, starts_cell
from ..text import Line, norm
from . import narrative
from .tables import FAMILY, BudgetTableBuilder, is_budget_title, label_text


def split_at_target_titles(row: Row) -> list[Row]:
    """Cut a row before and after a target-table title that stands alone in its cell.

    A 上海市财政支出项目绩效目标 title printed right after prose, with no empty
    line between, lands in the prose's row; the title still starts a target
    table. The cut is made at line boundaries, so only a title cell that begins
    its line (nothing before its TAB) is taken; its wrapped lines stay with it.
    """
    if not _may_name_target(row):
        return [row]
    key = row.key
    if not vocabulary.TARGET_TITLE.search(key) or len(row.cells) < 2 or vocabulary.is_target_title_text(key):
        return [row]
    lines = row.lines
    for cell in row.cells:
        if not vocabulary.is_target_title_text(norm(cell.text)):
            continue
        k = next((j for j, ln in enumerate(lines) if ln.no == cell.line_no), None)
        if k is None or not starts_cell(lines[k]) or tuple(lines[k].cells[1:2]) != (cell.pieces[0],):
            continue
        end = k + 1
        while end < len(lines) and not starts_cell(lines[end]) and not is_separator(lines[end]):
            end += 1
        out = [_part(row, lines[:k])] if k else []
        out.append(_part(row, lines[k:end]))
        if end < len(lines):
            out.extend(split_at_target_titles(_part(row, lines[end:])))
        return out
    return [row]


def _may_name_target(row: Row) -> bool:
    """Whether the row may print a target-table title: every one holds 目标 (vocabulary.TARGET_TITLE),
    and NFKC makes 标 of no other character, so a row without it (most: amounts) needs no key."""
    return "标" in "".join(row.texts)


def _target_title_parts(rows: list[Row]) -> tuple[list[Row], list[bool]]:
    """The rows cut at their target-table titles (``split_at_target_titles``), and whether each part
    may print one (``_may_name_target``): a row that may not is its own only part, tested once."""
    parts: list[Row] = []
    may_name: list[bool] = []
    for whole in rows:
        if _may_name_target(whole):
            cut = split_at_target_titles(whole)
            parts += cut
            may_name += map(_may_name_target, cut)
        else:
            parts.append(whole)
            may_name.append(False)
    return parts, may_name


def _part(row: Row, lines: list) -> Row:
    """The part of a row over some of its lines: the cells starting on them."""
    nos = {line.no for line in lines}
    return Row(lines, [cell for cell in row.cells if cell.line_no in nos])


_TITLE_ORDINAL = vocabulary.TITLE_ORDINAL


def _title_key(text: str) -> str:
    """A title without its numbering (contents list 4．2023年… against the table's 2023年…)."""
    return norm(_TITLE_ORDINAL.sub("", vocabulary.without_table_number(label_text(text)), count=1))


def _is_contents_entry(table: BudgetTableBuilder) -> bool:
    """A title printed again later, with no amounts under it here: a line of the contents."""
    return not table.cells and table.printed_again


def parse_budget_document(lines: list[Line], ledger: Ledger, source_file: str, targets: ModuleType,
                          rows: list[Row]) -> ParseResult:
    """Parse a department-budget document: budget tables, target tables, prose amounts.

    ``rows``: the document model's table rows over ``lines`` (``Document.rows``).

    ``targets`` is the target-form family (its ``TargetDocument`` and ``section_heading``),
    handed in by the dispatcher so that the two families never import each other.
    """
    result = ParseResult(source_file=source_file)
    builders: list[BudgetTableBuilder] = []
    table: BudgetTableBuilder | None = None
    rows, may_name = _target_title_parts(rows)
    is_title = [is_budget_title(row) for row in rows]  # each row tested once
    later = Counter(_title_key(row.texts[0]) for row, title in zip(rows, is_title) if title)
    doc = targets.TargetDocument(source_file, ledger)
    prose = narrative.NarrativeReader(source_file, ledger)

    for row, title, may_name_target in zip(rows, is_title, may_name):
        if title:
            doc.close_table()
            if builders and (_is_contents_entry(builders[-1]) or builders[-1] is table and table.is_empty):
                builders.pop()  # a line of the contents, or a heading over the tables that follow
            table = BudgetTableBuilder(row, len(builders) + 1, source_file, ledger)
            key = _title_key(table.title)
            later[key] -= 1
            table.printed_again = later[key] > 0
            builders.append(table)
            doc.leave_section()
            continue
        if may_name_target and vocabulary.is_target_title_text(row.key):
            table = None
            doc.open_table(row)
            continue
        heading = targets.section_heading(row)
        if heading:
            table = None
            doc.open_section(row, heading)
            continue
        if table is not None:
            if table.feed(row):
                continue
            if table.is_empty:
                builders.pop()
                if not _is_contents_entry(table):
                    ledger.issue(table.title_line, "budget_title_without_table", FAMILY, title=table.title)
            table = None
        if doc.feed(row):
            continue
        for line in row.lines:
            if line.is_blank:
                continue
            if doc.in_section and doc.prose_line(line):
                continue
            prose.line(line)
    doc.close()
    if not any(b.cells for b in builders) and not doc.reports:
        first = next((ln.no for ln in lines if not ln.is_blank), lines[0].no if lines else 0)
        ledger.issue(first, "budget_without_table", FAMILY)

    years = [b.year for b in builders if b.year] + prose.years
    default_year = max(set(years), key=years.count) if years else None
    for b in builders:  # a table printing no 部门 is of the department the document's title names
        b.department = b.department or prose.title_department
    result.budget_tables = [b.table(default_year) for b in builders]
    result.budget_cells = [c for b in builders for c in b.cells]
    result.narrative_amounts = prose.amounts(default_year)
    result.narrative_changes = prose.changes(default_year)
    result.reports, result.indicators, result.fund_rows = doc.reports, doc.indicators, doc.fund_rows
    return result


__all__ = ["parse_budget_document"]
