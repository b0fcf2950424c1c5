"""Check coverage in the report: per document, how many rules ran clean, found something, or could
not run (未检查, with the reason), from quality.check_coverage. A rule that did not run is never
shown as passed. The page lists the first MAX_DOCUMENTS documents; the workbook sheet 检查覆盖 has
every (document, rule) row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from typing import Any

import duckdb

from expectations.coverage import FOUND, NOT_RUN, RAN_CLEAN, STATUS_LABELS

from .labels import check_label, families_label, severity_label

COVERAGE_SHEET = "检查覆盖"
MAX_DOCUMENTS = 300
STATUSES = (RAN_CLEAN, FOUND, NOT_RUN)  # the order the page shows them


@dataclass
class CoverageData:
    totals: dict[str, int] = field(default_factory=dict)  # status → (document, rule) pairs
    documents: list[dict[str, Any]] = field(default_factory=list)  # the first MAX_DOCUMENTS
    document_count: int = 0


def read_coverage(con: duckdb.DuckDBPyConnection) -> CoverageData:
    """quality.check_coverage, counted in DuckDB; only the listed documents' not-run reasons are read."""
    totals = dict(con.execute("select status, count(*) from quality.check_coverage group by 1").fetchall())
    documents = [
        {"source_file": f, "families": fams, RAN_CLEAN: clean, FOUND: found, NOT_RUN: not_run, "not_run_rules": []}
        for f, fams, clean, found, not_run in con.execute(
            "select source_file, any_value(families), count(*) filter (where status = ?), "
            "count(*) filter (where status = ?), count(*) filter (where status = ?) "
            "from quality.check_coverage group by source_file order by source_file limit ?",
            [RAN_CLEAN, FOUND, NOT_RUN, MAX_DOCUMENTS],
        ).fetchall()
    ]
    by_file = {d["source_file"]: d for d in documents}
    for source_file, check_name, reason in con.execute(
        "select source_file, check_name, reason from quality.check_coverage where status = ? "
        "and source_file in (select unnest(?::varchar[]))",
        [NOT_RUN, list(by_file)],
    ).fetchall():
        by_file[source_file]["not_run_rules"].append((check_name, reason))
    count = con.execute("select count(distinct source_file) from quality.check_coverage").fetchone()[0]
    return CoverageData(totals, documents, count)


def coverage_section(coverage: CoverageData) -> str:
    """The page's 检查覆盖 section (empty when the warehouse has no coverage table)."""
    if not coverage.document_count:
        return ""
    cards = "".join(
        f'<div class="card"><span class="n" id="coverage-{s}" data-value="{coverage.totals.get(s, 0)}">'
        f'{coverage.totals.get(s, 0):,}</span><span class="k">{STATUS_LABELS[s]}（文件 × 规则）</span></div>'
        for s in STATUSES
    )
    rows = "".join(_document_row(d) for d in coverage.documents)
    more = (
        f'<p class="muted">仅列前 {len(coverage.documents)} 个文件（共 {coverage.document_count} 个），'
        f"全部见工作簿“{COVERAGE_SHEET}”表或 <code>quality.check_coverage</code>。</p>"
        if coverage.document_count > len(coverage.documents)
        else ""
    )
    return (
        '<section id="coverage"><h2>检查覆盖（按文件）</h2>'
        '<p class="muted">每个文件适用的每条规则：已检查无问题、发现问题，或未检查（所需表格缺失、数值无法读取、'
        "模板未知等，附原因）。未检查的规则不代表该项无误。</p>"
        f'<div class="cards">{cards}</div>'
        "<table><thead><tr><th>文件</th><th>文档类别</th><th>已检查无问题</th><th>发现问题</th><th>未检查</th>"
        f"<th>未检查的规则及原因</th></tr></thead><tbody>{rows}</tbody></table>{more}</section>"
    )


def _document_row(d: dict[str, Any]) -> str:
    counts = "".join(
        f'<td class="num" data-status="{s}" data-value="{d[s]}">{d[s]}</td>' for s in STATUSES
    )
    reasons = "".join(
        f'<li data-check="{escape(check)}">{STATUS_LABELS[NOT_RUN]}：{escape(check_label(check))}——{escape(reason or "")}</li>'
        for check, reason in d["not_run_rules"]
    )
    return (
        f'<tr data-coverage-file="{escape(d["source_file"])}"><td>{escape(d["source_file"])}</td>'
        f'<td>{escape(families_label(d["families"]))}</td>{counts}'
        f'<td>{f"<ul>{reasons}</ul>" if reasons else "—"}</td></tr>'
    )


# (header, width, value of a coverage row) of the workbook sheet
COVERAGE_COLUMNS: list[tuple[str, int, Callable[[dict], object]]] = [
    ("文件", 30, lambda r: r["source_file"]),
    ("文档类别", 14, lambda r: families_label(r["families"])),
    ("规则", 24, lambda r: check_label(r["check_name"])),
    ("代码", 30, lambda r: r["check_name"]),
    ("严重程度", 9, lambda r: severity_label(r["severity"])),
    ("状态", 12, lambda r: STATUS_LABELS.get(r["status"], r["status"])),
    ("未检查原因", 40, lambda r: r["reason"]),
    ("检查条数", 9, lambda r: r["checked_count"]),
    ("发现问题数", 9, lambda r: r["finding_count"]),
    ("舍入提示数", 9, lambda r: r["hint_count"]),
]
