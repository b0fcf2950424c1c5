"""The quality page: one self-contained HTML document (inline CSS and SVG, no scripts, no network).

Every piece of document text goes through html.escape. Figures the tests and
other tools read carry stable ids and data-* attributes (see render_page).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from html import escape
from pathlib import Path

from . import charts
from .coverage import coverage_section
from .labels import (
    REPORT_TYPE_LABELS,
    SEVERITY_COLORS,
    check_label,
    families_label,
    severity_label,
    severity_rank,
)
from .queries import QualityData, Violation, as_number
from .review import decision_label, review_section
from .summary import GROUPINGS, CheckRow, check_rows, group_rows, headline

# The page lists the worst this many of each check (most severe, largest difference); the
# workbook has them all. Bounded so that 100k findings still make a page a browser opens at once.
MAX_ROWS_PER_CHECK = 50
WORKBOOK = "violations.xlsx"  # next to index.html

CSS = """
:root { --ink:#1f2328; --muted:#656d76; --line:#d8dee4; --error:#b83227; --warning:#c98a00; --bg:#f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff; line-height: 1.55; font-size: 14px;
  font-family: 'Noto Sans CJK SC','Source Han Sans SC','WenQuanYi Zen Hei','Microsoft YaHei','PingFang SC',sans-serif; }
header { background: #17324d; color: #fff; padding: 20px 32px; }
header h1 { margin: 0 0 4px; font-size: 24px; }
header p { margin: 2px 0; color: #c9d6e3; font-size: 13px; }
header a { color: #fff; }
main { padding: 16px 32px 48px; max-width: 1500px; }
h2 { border-bottom: 2px solid #17324d; padding-bottom: 4px; margin-top: 32px; font-size: 19px; }
h3 { font-size: 16px; margin: 20px 0 8px; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 10px 16px; min-width: 150px; background: var(--bg); }
.card .n { font-size: 28px; font-weight: 700; display: block; }
.card .k { color: var(--muted); font-size: 13px; }
.card.error .n { color: var(--error); } .card.warning .n { color: var(--warning); }
table { border-collapse: collapse; margin: 6px 0 12px; }
th, td { border: 1px solid var(--line); padding: 4px 8px; vertical-align: top; text-align: left; }
th { background: var(--bg); font-weight: 600; white-space: nowrap; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.sev { display: inline-block; padding: 0 6px; border-radius: 3px; color: #fff; font-size: 12px; white-space: nowrap; }
.sev.error { background: var(--error); } .sev.warning { background: var(--warning); } .sev.info { background: #7f8c8d; }
.grid { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
.grid > div { min-width: 280px; }
figure { margin: 8px 0 16px; } figcaption { font-weight: 600; margin-bottom: 4px; }
figure svg { max-width: 100%; height: auto; }
.multiples { display: flex; flex-wrap: wrap; gap: 16px; }
.multiples figure { border: 1px solid var(--line); border-radius: 6px; padding: 8px; width: 320px; }
.multiples figcaption { font-size: 13px; font-weight: 400; }
table.years th, table.years td { font-size: 12px; padding: 2px 6px; }
table.violations { width: 100%; }
table.violations td { font-size: 13px; }
tr.source td { background: #fbfbf8; border-top: none; color: #444; }
tr.source code { font-family: 'Noto Sans Mono CJK SC','Noto Sans CJK SC',monospace; font-size: 12px; white-space: pre-wrap; }
.muted { color: var(--muted); }
.run-error { color: var(--error); font-weight: 600; }
details > summary { cursor: pointer; font-weight: 600; font-size: 16px; margin: 14px 0 6px; }
nav a { margin-right: 16px; }
"""


def render_page(data: QualityData, raw_dir: Path, links: dict[str, str], generated_at: datetime) -> str:
    """The whole page. links: {'gx': relative href, 'dbt': relative href} for the docs that exist."""
    checks = check_rows(data)
    parts = [
        _header(raw_dir, links, generated_at),
        "<main>",
        _overview(data),
        _checks_table(checks),
        _groupings(data),
        _charts(data, checks),
        _files_table(data),
        coverage_section(data.coverage),
        _violation_details(data.violations, checks),
        _hints_section(data),
        review_section(data),
        _parse_issue_list(data),
        "</main>",
    ]
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>财政绩效数据质量报告</title><style>{CSS}</style></head><body>"
        + "\n".join(parts)
        + "</body></html>\n"
    )


def _header(raw_dir: Path, links: dict[str, str], generated_at: datetime) -> str:
    nav = []
    if "gx" in links:
        nav.append(f'<a id="link-gx-docs" href="{escape(links["gx"])}">Great Expectations 数据文档</a>')
    if "dbt" in links:
        nav.append(f'<a id="link-dbt-docs" href="{escape(links["dbt"])}">dbt 模型文档</a>')
    return (
        "<header><h1>财政绩效数据质量报告</h1>"
        f"<p>生成时间：{generated_at:%Y-%m-%d %H:%M}　原始文件目录：<code>{escape(str(raw_dir))}</code></p>"
        f"<nav>{''.join(nav)}</nav></header>"
    )


def _card(element_id: str, value: int, label: str, css: str = "") -> str:
    return (
        f'<div class="card {css}"><span class="n" id="{element_id}" data-value="{value}">{value:,}</span>'
        f'<span class="k">{escape(label)}</span></div>'
    )


def _overview(data: QualityData) -> str:
    h = headline(data)
    types = "，".join(
        f"{REPORT_TYPE_LABELS.get(t, t)} {n}" for t, n in sorted(data.reports_by_type.items()) if t
    )
    issues = "，".join(
        f'<span data-parse-severity="{escape(s)}" data-value="{n}">{severity_label(s)} {n}</span>'
        for s, n in sorted(data.parse_issues_by_severity.items(), key=lambda kv: severity_rank(kv[0]))
    )
    return (
        '<section id="overview"><h2>概览</h2><div class="cards">'
        + _card("file-count", h["files"], "已载入文件")
        + _card("report-count", h["reports"], "已载入报表")
        + _card("parse-issue-count", h["parse_issues"], "解析问题")
        + _root_cause_card(h["root_causes"], h["violations"])
        + _card("violation-count", h["violations"], "违规总数")
        + _card("violation-error-count", h["violation_errors"], "错误（数字不可能正确）", "error")
        + _card("violation-warning-count", h["violation_warnings"], "警告（需核实或补充说明）", "warning")
        + "</div>"
        + f'<p class="muted">报表类型：{escape(types) or "无"}。解析问题：{issues or "无"}。'
        "“错误”表示表内算术关系不成立（合计、执行率、得分等），“警告”表示填报不完整或需人工核实。</p></section>"
    )


def _root_cause_card(root_causes: int, places: int) -> str:
    """The headline: problems counted once per root cause, and the places they show at."""
    return (
        f'<div class="card error"><span class="n" id="root-cause-count" data-value="{root_causes}" '
        f'data-places="{places}">{root_causes:,}</span>'
        f'<span class="k">{root_causes:,} 个问题（根因），涉及 {places:,} 处</span></div>'
    )


def _sev(severity: str) -> str:
    return "".join(f'<span class="sev {escape(s)}">{severity_label(s)}</span>' for s in severity.split("/"))


def _checks_table(checks: list[CheckRow]) -> str:
    if not checks:
        return '<section id="checks"><h2>检查规则</h2><p>尚无质量检查结果（quality 模式不存在或为空）。</p></section>'
    rows = []
    for c in checks:
        evaluated = "—" if c.evaluated is None else f"{c.evaluated:,}"
        link = f'<a href="#check-{escape(c.check_name)}">{c.violations:,}</a>' if c.violations else "0"
        rows.append(
            f'<tr data-check="{escape(c.check_name)}" data-severity="{escape(c.severity)}">'
            f"<td>{escape(c.label)}</td><td><code>{escape(c.check_name)}</code></td><td>{_sev(c.severity)}</td>"
            f'<td>{escape(c.rule)}{_run_error(c)}</td><td class="num">{evaluated}</td>'
            f'<td class="num check-count" data-check="{escape(c.check_name)}" data-value="{c.violations}">{link}</td>'
            "</tr>"
        )
    broken = [c for c in checks if c.run_error]
    banner = (
        f'<p class="run-error" id="checks-not-run" data-value="{len(broken)}">注意：{len(broken)} 项检查未能执行，'
        "其违规数不代表数据无误。</p>"
        if broken
        else ""
    )
    return (
        f'<section id="checks"><h2>检查规则与违规数</h2>{banner}<table><thead><tr><th>规则</th><th>代码</th>'
        "<th>严重程度</th><th>规则要求</th><th>检查条数</th><th>违规数</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table></section>"
    )


def _run_error(check: CheckRow) -> str:
    if not check.run_error:
        return ""
    return f'<br><span class="run-error" data-check-error="{escape(check.check_name)}">检查未能执行：{escape(check.run_error)}</span>'


def _groupings(data: QualityData) -> str:
    blocks = []
    for key, title, column in GROUPINGS:
        rows = group_rows(data, column)
        if key == "year":
            rows.sort(key=lambda r: r.name)
        body = (
            "".join(
                f'<tr data-group="{key}" data-name="{escape(r.name)}" data-value="{r.total}"><td>{escape(r.name)}</td>'
                f'<td class="num">{r.errors}</td><td class="num">{r.warnings}</td><td class="num">{r.total}</td></tr>'
                for r in rows
            )
            or '<tr><td colspan="4" class="muted">无违规</td></tr>'
        )
        blocks.append(
            f'<div id="by-{key}"><h3>{title}</h3><table><thead><tr><th>{title[1:]}</th><th>错误</th><th>警告</th>'
            f"<th>合计</th></tr></thead><tbody>{body}</tbody></table></div>"
        )
    return (
        '<section id="breakdown"><h2>违规分布</h2><div class="grid">' + "".join(blocks) + "</div></section>"
    )


def _figure(element_id: str, caption: str, svg: str, note: str = "") -> str:
    note_html = f'<p class="muted">{escape(note)}</p>' if note else ""
    return f'<figure id="{element_id}"><figcaption>{escape(caption)}</figcaption>{svg}{note_html}</figure>'


def _charts(data: QualityData, checks: list[CheckRow]) -> str:
    parts = ['<section id="charts"><h2>图表</h2>']
    fired = [c for c in checks if c.violations]
    if fired:
        bars = [
            charts.Bar(
                c.label,
                tuple(
                    charts.Segment(n, SEVERITY_COLORS[s], severity_label(s))
                    for s, n in (
                        ("error", c.errors),
                        ("warning", c.warnings),
                        ("info", c.violations - c.errors - c.warnings),
                    )
                    if n
                ),
            )
            for c in fired
        ]
        parts.append(
            _figure(
                "chart-violations-by-check",
                "各检查规则违规数（红：错误，黄：警告）",
                charts.bar_chart(bars, "各检查规则违规数", label_chars=14),
            )
        )
    if data.execution_rates:
        bins = charts.rate_bins(data.execution_rates)
        parts.append(
            _figure(
                "chart-execution-rate",
                f"执行率分布（年度资金总额行，{len(data.execution_rates)} 个）",
                charts.histogram(bins, "执行率分布", "执行率（%）"),
                "含自评表与跟踪表；跟踪表的执行率为跟踪期执行数 ÷ 跟踪期预算数。",
            )
        )
    if data.unit_scores:
        bars = [
            charts.Bar(
                f"{u['unit']}（{u['reports']}）", (charts.Segment(u["avg_score"], charts.GREEN, "平均总分"),)
            )
            for u in data.unit_scores
        ]
        parts.append(
            _figure(
                "chart-unit-scores",
                "各实施单位平均总分（括号内为项目数）",
                charts.bar_chart(bars, "各实施单位平均总分", max_value=100),
            )
        )
    parts.append(_unit_year_multiples(data))
    if len(parts) == 1:
        parts.append('<p class="muted">尚无可绘制的数据。</p>')
    return "".join(parts) + "</section>"


def _unit_year_multiples(data: QualityData) -> str:
    """When several years are loaded: a line chart per unit seen in ≥ 2 years, and a unit × year table."""
    years = data.years
    if len(years) < 2:
        return ""
    by_unit: dict[str, dict[int, dict]] = defaultdict(dict)
    for row in data.unit_years:
        by_unit[row["unit"]][row["fiscal_year"]] = row
    figures = []
    for unit, per_year in sorted(by_unit.items()):
        if len(per_year) < 2:
            continue
        series = [
            ("平均执行率%", charts.BLUE, [per_year.get(y, {}).get("avg_rate") for y in years]),
            ("平均总分", charts.GREEN, [per_year.get(y, {}).get("avg_score") for y in years]),
        ]
        svg = charts.line_chart(years, series, f"{unit} 各年度执行率与总分")
        figures.append(
            f'<figure data-unit="{escape(unit)}"><figcaption>{escape(unit)}</figcaption>{svg}</figure>'
        )
    charts_html = f'<div class="multiples">{"".join(figures)}</div>' if figures else ""
    return (
        '<div id="chart-unit-years"><h3>各实施单位分年度平均执行率与平均总分（绩效自评表）</h3>'
        f"{charts_html}{_year_table(years, by_unit)}</div>"
    )


def _year_table(years: list[int], by_unit: dict[str, dict[int, dict]]) -> str:
    def cell(row: dict | None) -> str:
        if not row:
            return '<td class="num muted">—</td>'
        rate = "—" if row.get("avg_rate") is None else f"{row['avg_rate']:.2f}%"
        score = "—" if row.get("avg_score") is None else f"{row['avg_score']:.2f}"
        return f'<td class="num">{rate} / {score}</td>'

    head = "".join(f"<th>{y}</th>" for y in years)
    body = "".join(
        f'<tr data-unit="{escape(unit)}"><td>{escape(unit)}</td>{"".join(cell(per_year.get(y)) for y in years)}</tr>'
        for unit, per_year in sorted(by_unit.items())
    )
    return (
        f'<table class="years"><thead><tr><th>实施单位（执行率 / 总分）</th>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table>"
    )


def _files_table(data: QualityData) -> str:
    if not data.files:
        return '<section id="files"><h2>已载入文件</h2><p class="muted">无。</p></section>'
    per_file = data.violations_by_file
    rows = "".join(
        f'<tr data-file="{escape(f["source_file"])}"><td>{escape(f["source_file"])}</td>'
        f'<td>{escape(families_label(f.get("families")))}</td><td class="num">{f.get("line_count") or 0:,}</td>'
        f'<td class="num">{f["reports"]}</td><td class="num">{per_file.get(f["source_file"], 0)}</td></tr>'
        for f in data.files
    )
    return (
        '<section id="files"><h2>已载入文件</h2><table><thead><tr><th>文件</th><th>文档类别</th><th>行数</th>'
        f"<th>报表数</th><th>违规数</th></tr></thead><tbody>{rows}</tbody></table></section>"
    )


def _value(value: str | None) -> str:
    return "—" if value is None else escape(value)


def _amount(value: str | None) -> str:
    """A printed number with thousands separators ('480000.00' → '480,000.00'); other text as is."""
    number = as_number(value)
    return _value(value) if number is None else f"{number:,f}"


def _difference(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return f"{value:+,.2f}" if value else "0"


def _with_unit(text: str, unit: str | None) -> str:
    return text if text == "—" or not unit else f"{text} {escape(unit)}"


def _subject(v: Violation) -> str:
    detail = " · ".join(escape(x) for x in (v.measure, v.table_title) if x)
    subject = _value(v.subject)
    return f'{subject}<br><span class="muted">{detail}</span>' if detail else subject


def _violation_rows(v: Violation) -> str:
    where = escape(v.source_file) + (f" 第 {v.line_no} 行" if v.line_no else "")
    seq = (
        f"表{v.report_seq}"
        if v.report_seq is not None
        else (f"预算表{v.table_seq}" if v.table_seq is not None else "")
    )
    project = escape(v.project_name or "—")
    unit = escape(v.implementing_unit or v.supervising_dept or "—")
    year = f"{v.fiscal_year}年" if v.fiscal_year else ""
    source = (
        f"<code>{escape(v.source_text)}</code>"
        if v.source_text
        else '<span class="muted">（未能读取原文行）</span>'
    )
    return (
        f'<tbody class="violation" data-check="{escape(v.check_name)}" data-severity="{escape(v.severity)}" '
        f'data-file="{escape(v.source_file)}" data-line="{v.line_no or ""}" '
        f'data-finding="{escape(v.finding_id or "")}" data-decision="{escape(decision_label(v))}">'
        f'<tr><td>{_sev(v.severity)}<br><span class="muted">{escape(decision_label(v))}</span></td>'
        f'<td>{project}<br><span class="muted">{unit} {year}</span></td>'
        f'<td>{where}<br><span class="muted">{seq}</span></td><td>{_subject(v)}</td>'
        f'<td class="num">{_with_unit(_amount(v.expected_value), v.value_unit)}</td>'
        f'<td class="num">{_with_unit(_amount(v.observed_value), v.value_unit)}</td>'
        f'<td class="num">{_with_unit(_difference(v.difference), v.value_unit)}</td><td>{_value(v.message)}</td></tr>'
        f'<tr class="source"><td colspan="8"><span class="muted">原文：</span>{source}</td></tr>'
        f"{_other_places(v)}</tbody>"
    )


def _other_places(root: Violation) -> str:
    """The places the same discrepancy shows at besides its root, collapsed under it."""
    if not root.other_places:
        return ""
    items = "".join(
        f"<li>{escape(check_label(p.check_name))}：{escape(p.source_file)}"
        f"{f' 第 {p.line_no} 行' if p.line_no else ''} {_value(p.subject)}"
        f"{' · ' + escape(p.measure) if p.measure else ''}"
        f"{' · ' + escape(p.table_title) if p.table_title else ''}"
        f"，差额 {_with_unit(_difference(p.difference), p.value_unit)}</li>"
        for p in root.other_places
    )
    return (
        f'<tr class="places" data-root-cause="{escape(root.root_cause_id or "")}" '
        f'data-other-places="{len(root.other_places)}"><td colspan="8"><details><summary class="muted">'
        f"另有 {len(root.other_places)} 处由同一差错引起（同一差额，所在行及其上级科目、合计行或他表同一行）</summary>"
        f"<ul>{items}</ul></details></td></tr>"
    )


def _more_note(check_name: str, total: int, shown: int) -> str:
    """What the page leaves out of a check's list, and where the rest is: the workbook and SQL."""
    sql = (
        f"select * from quality.violations where check_name = '{check_name}' "
        "order by source_file, line_no;"
    )
    return (
        f'<tbody><tr><td colspan="8" class="muted more" data-check="{escape(check_name)}" '
        f'data-hidden="{total - shown}">另有 {total - shown:,} 条未在页面列出（页面按严重程度与差额列出最突出的 '
        f'{shown:,} 条），完整清单见 <a href="{WORKBOOK}">{WORKBOOK}</a>，或在仓库中查询：'
        f"<code>{escape(sql)}</code></td></tr></tbody>"
    )


def _violation_details(listed: list[Violation], checks: list[CheckRow]) -> str:
    """Each check's worst violations (listed), with how many more there are."""
    by_check: dict[str, list[Violation]] = defaultdict(list)
    for v in listed:
        by_check[v.check_name].append(v)
    totals = {c.check_name: c.root_causes for c in checks}
    if not by_check:
        return '<section id="violations"><h2>违规明细</h2><p>未发现违规。</p></section>'
    order = sorted(by_check, key=lambda c: (min(severity_rank(v.severity) for v in by_check[c]), c))
    blocks = []
    for name in order:
        shown = by_check[name][:MAX_ROWS_PER_CHECK]
        total = max(totals.get(name, 0), len(shown))
        rows = "".join(_violation_rows(v) for v in shown)
        if total > len(shown):
            rows += _more_note(name, total, len(shown))
        blocks.append(
            f'<details open id="check-{escape(name)}" data-check="{escape(name)}"><summary>{escape(check_label(name))}'
            f'（{total:,}）</summary><table class="violations"><thead><tr><th>严重程度</th>'
            "<th>项目 / 单位 / 年度</th><th>文件与行号</th><th>检查对象</th><th>规则应为</th><th>文件所载</th>"
            f"<th>差额</th><th>说明</th></tr></thead>{rows}</table></details>"
        )
    blocks += [_listed_under_other_roots(c) for c in checks if c.violations and c.check_name not in by_check]
    return '<section id="violations"><h2>违规明细</h2>' + "".join(blocks) + "</section>"


def _listed_under_other_roots(check: CheckRow) -> str:
    """A check whose every violation is another root cause's place: said where they are listed."""
    return (
        f'<details open id="check-{escape(check.check_name)}" data-check="{escape(check.check_name)}"><summary>'
        f"{escape(check.label)}（0）</summary><p class=\"muted\">本规则的 {check.violations:,} 处违规均由其他问题（根因）"
        "引起，列在各根因之下。</p></details>"
    )


def _hints_section(data: QualityData) -> str:
    """舍入提示: differences only the printed precision explains, apart and never counted as errors."""
    intro = (
        f'<p class="muted">共 <span id="hint-count" data-value="{data.hint_count}">{data.hint_count:,}</span> 条。'
        "差额在印刷精度（四舍五入或截位）可解释的范围内，不计入错误与警告，仅供核对。</p>"
    )
    if not data.hints:
        return f'<section id="hints"><h2>舍入提示</h2>{intro}</section>'
    rows = "".join(
        f'<tr data-check="{escape(v.check_name)}" data-file="{escape(v.source_file)}"><td>{escape(check_label(v.check_name))}</td>'
        f"<td>{escape(v.source_file)}{f' 第 {v.line_no} 行' if v.line_no else ''}</td><td>{_subject(v)}</td>"
        f'<td class="num">{_with_unit(_amount(v.expected_value), v.value_unit)}</td>'
        f'<td class="num">{_with_unit(_amount(v.observed_value), v.value_unit)}</td>'
        f'<td class="num">{_with_unit(_difference(v.difference), v.value_unit)}</td>'
        f'<td class="num">{_with_unit(_value(None if v.tolerance is None else f"{v.tolerance:,.2f}"), v.value_unit)}</td>'
        "</tr>"
        for v in data.hints
    )
    more = (
        f'<p class="muted">页面列出差额最大的 {len(data.hints):,} 条，完整清单见 <a href="{WORKBOOK}">{WORKBOOK}</a>'
        "（“舍入提示”表）。</p>"
        if data.hint_count > len(data.hints)
        else ""
    )
    return (
        f'<section id="hints"><h2>舍入提示</h2>{intro}<details><summary>明细</summary><table><thead><tr>'
        "<th>规则</th><th>文件与行号</th><th>检查对象</th><th>规则应为</th><th>文件所载</th><th>差额</th>"
        f"<th>印刷精度容差</th></tr></thead><tbody>{rows}</tbody></table>{more}</details></section>"
    )


def _parse_issue_list(data: QualityData) -> str:
    if not data.parse_issue_codes:
        return ""
    codes = "".join(
        f'<tr data-parse-code="{escape(c["code"])}" data-value="{c["issues"]}"><td>{_sev(c["severity"])}</td>'
        f'<td><code>{escape(c["code"])}</code></td><td class="num">{c["issues"]:,}</td>'
        f'<td class="num">{c["files"]}</td><td>{escape(c["example"] or "")}</td></tr>'
        for c in data.parse_issue_codes
    )
    summary = (
        '<section id="parse-issues"><h2>解析问题</h2><p class="muted">解析器未能归入报表的行（按类型汇总）。</p>'
        "<table><thead><tr><th>严重程度</th><th>代码</th><th>条数</th><th>文件数</th><th>示例说明</th></tr></thead>"
        f"<tbody>{codes}</tbody></table>"
    )
    if not data.parse_issues:
        return summary + "</section>"
    total = sum(n for sev, n in data.parse_issues_by_severity.items() if sev in ("error", "warning"))
    rows = "".join(
        f'<tr data-severity="{escape(i["severity"])}"><td>{_sev(i["severity"])}</td>'
        f"<td>{escape(i['source_file'])} 第 {i['line_no']} 行</td><td><code>{escape(i['code'])}</code></td>"
        f"<td>{escape(i['message'])}</td><td><code>{escape(i.get('raw_text') or '')}</code></td></tr>"
        for i in data.parse_issues
    )
    return (
        summary
        + f"<details><summary>错误与警告明细（显示 {len(data.parse_issues):,} / {total:,} 条）</summary>"
        "<table><thead><tr><th>严重程度</th><th>位置</th><th>代码</th><th>说明</th><th>原文</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></details></section>"
    )
