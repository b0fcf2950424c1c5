"""Reviewers' decisions in the report: the page's 审核决定 section and the workbook's decision sheet.

The decision sheet lists every error and warning (new ones first) with its stable id and the
columns 决定 / 备注 / 审核人 / 日期, already filled where a decision was loaded: filled in and
saved beside the raw folder as the decisions file (review_decisions.py reads it by its headers),
it is applied at the next run. Findings decided 忽略 are kept apart (not counted with the
others); a decision whose finding changed or disappeared is listed as 决定已失效.
"""

from __future__ import annotations

from html import escape

from ..review_decisions import DECISIONS, SHEET
from .labels import check_label, severity_label
from .queries import QualityData, Violation

STALE = "决定已失效"
NEW = "新发现"

# (header, width, value of a finding): the reviewer's columns first, then what the finding is.
DECISION_COLUMNS: list[tuple[str, int, object]] = [
    ("发现编号", 16, lambda v: v.finding_id),
    ("决定", 8, lambda v: v.decision),
    ("备注", 30, lambda v: v.decision_note),
    ("审核人", 10, lambda v: v.reviewer),
    ("日期", 12, lambda v: v.decided_on),
    ("规则", 22, lambda v: check_label(v.check_name)),
    ("严重程度", 9, lambda v: severity_label(v.severity)),
    ("文件", 28, lambda v: v.source_file),
    ("页码", 6, lambda v: v.page_no),
    ("行号", 7, lambda v: v.line_no),
    ("项目名称", 24, lambda v: v.project_name),
    ("表名", 22, lambda v: v.table_title),
    ("检查对象", 22, lambda v: v.subject),
    ("栏目", 12, lambda v: v.measure),
    ("规则应为", 14, lambda v: v.expected_value),
    ("文件所载", 14, lambda v: v.observed_value),
    ("说明", 48, lambda v: v.message),
]
DECISION_WRAPPED = frozenset({2, 16})  # 备注 and 说明
STALE_COLUMNS: list[tuple[str, int, object]] = [
    ("发现编号", 16, lambda d: d["finding_id"]),
    ("决定", 8, lambda d: d["decision"]),
    ("备注", 30, lambda d: d["note"]),
    ("审核人", 10, lambda d: d["reviewer"]),
    ("日期", 12, lambda d: d["decided_on"]),
    ("决定文件", 20, lambda d: d["decisions_file"]),
    ("行号", 7, lambda d: d["line_no"]),
]


def decision_label(v: Violation) -> str:
    return v.decision or NEW


def write_decision_sheets(wb, data: QualityData, keyed_sheet, table_sheet) -> dict[str, int]:
    """The decision sheet (every finding, to fill in) and, when there are any, the stale decisions.

    keyed_sheet and table_sheet are the workbook's sheet writers (workbook._keyed_sheet with its
    workbook and cache, workbook._table_sheet)."""
    written: dict[str, int] = {}
    rows = keyed_sheet("review", SHEET, DECISION_COLUMNS, data.sheet_rows("review"), DECISION_WRAPPED,
                       none_found=False, finish=_decision_list)
    if rows is not None:  # a warehouse without findings has nothing to decide
        written[SHEET] = rows
    if data.stale_decisions:
        written[STALE] = table_sheet(wb, STALE, STALE_COLUMNS, data.stale_decisions)[1]
    return written


def _decision_list(ws, rows: int) -> None:
    """A drop-down of the decision words on the 决定 column."""
    ws.list_validation(f"B2:B{max(rows, 1) + 1000}", DECISIONS)


def _finding_rows(findings: list[Violation], with_decision: bool) -> str:
    rows = []
    for v in findings:
        where = escape(v.source_file) + (f" 第 {v.line_no} 行" if v.line_no else "")
        decided = (
            f"<td>{escape(v.decision or '')}</td><td>{escape(v.decision_note or '')}</td>"
            f"<td>{escape(v.reviewer or '')} {escape(v.decided_on or '')}</td>"
            if with_decision
            else ""
        )
        rows.append(
            f'<tr data-finding="{escape(v.finding_id or "")}"><td><code>{escape(v.finding_id or "")}</code></td>'
            f"<td>{escape(check_label(v.check_name))}</td><td>{where}</td><td>{escape(v.subject or '—')}</td>"
            f"<td>{escape(v.message or '')}</td>{decided}</tr>"
        )
    return "".join(rows)


def review_section(data: QualityData) -> str:
    """审核决定: how many findings are new or decided, the ignored ones apart, the stale decisions."""
    ignored, stale = data.ignored, data.stale_decisions
    parts = [
        (
            '<section id="review"><h2>审核决定</h2><p class="muted">每条发现有稳定的发现编号（规则、文件、位置与数值的哈希）。'
            f"在 violations.xlsx 的“{SHEET}”工作表填写决定（{'/'.join(DECISIONS)}）、备注、审核人、日期，"
            "另存为原始文件目录旁的 decisions.xlsx，下次运行即生效。页面的违规明细中新发现列在前。</p>"
        ),
        (
            f'<p>已忽略 <span id="ignored-count" data-value="{len(ignored)}">{len(ignored):,}</span> 条'
            f'（不计入上方违规数）；决定已失效 <span id="stale-decision-count" data-value="{len(stale)}">'
            f"{len(stale):,}</span> 条。</p>"
        ),
    ]
    if stale:
        rows = "".join(
            f'<tr data-stale="{escape(d["finding_id"])}"><td><code>{escape(d["finding_id"])}</code></td>'
            f"<td>{escape(d['decision'])}</td><td>{escape(d.get('note') or '')}</td>"
            f"<td>{escape(d.get('reviewer') or '')} {escape(d.get('decided_on') or '')}</td>"
            f"<td>{escape(d['decisions_file'])} 第 {d['line_no']} 行</td></tr>"
            for d in stale
        )
        parts.append(
            f'<h3 id="stale-decisions">{STALE}（该编号的发现本次未再出现：文件已更正、数值已变化或发现已消失）</h3>'
            "<table><thead><tr><th>发现编号</th><th>决定</th><th>备注</th><th>审核人 / 日期</th><th>决定文件</th>"
            f"</tr></thead><tbody>{rows}</tbody></table>"
        )
    if ignored:
        parts.append(
            f'<details id="ignored-findings"><summary>已忽略的发现（{len(ignored):,}）</summary><table><thead><tr>'
            "<th>发现编号</th><th>规则</th><th>文件与行号</th><th>检查对象</th><th>说明</th><th>决定</th><th>备注</th>"
            f"<th>审核人 / 日期</th></tr></thead><tbody>{_finding_rows(ignored, True)}</tbody></table></details>"
        )
    return "".join(parts) + "</section>"
