"""A reviewer's decisions survive runs (issue 21 item 6).

The session's sample run (a full build of raw/) is the reviewer's first report. Its workbook's
审核决定 sheet is filled in with openpyxl (忽略 with a note that looks like a formula, 确认 with a
date, 已整改, and one malformed row) and saved beside a copy of the raw folder as decisions.xlsx;
one sample is corrected so that the finding marked 已整改 disappears. One more real run on a copy
of the published warehouse (incremental: only the corrected file is parsed again) must then keep
every other finding's id, apply the decisions, report the malformed row with its file and line,
keep the ignored finding apart and flag the decision whose finding is gone.
"""

from __future__ import annotations

import shutil
from datetime import date, datetime
from html.parser import HTMLParser

import duckdb
import pytest
from openpyxl import Workbook, load_workbook
from pipeline_helpers import PipelineRun, run_pipeline

from dagster_project.review_decisions import (
    SHEET,
    Unreadable,
    apply_decisions,
    load_decisions,
    read_decisions,
)
from expectations.finding_ids import assign_finding_ids

CORRECTED = "001_ebc302d94fc8039c.txt"
# 使用人员满意度: target ≥90% met by ≥95%, yet 8 of 10 points (points_lost_though_target_met);
# corrected to 10 points, with the total score 98 → 100, the finding is gone.
CORRECTIONS = {"≥90%\t≥95%\t10\t8\t8分；": "≥90%\t≥95%\t10\t10\t8分；", "总分\t\t\t\t\t100\t98": "总分\t\t\t\t\t100\t100"}
FORMULA_NOTE = '=HYPERLINK("http://x","y")'

FINDING_SQL = (
    "select finding_id, check_name, source_file, line_no, subject, expected_value, observed_value "
    "from quality.violations order by finding_id"
)


def _finding(run: PipelineRun, check: str, source_file: str, subject: str) -> str:
    (found,) = run.query(
        "select finding_id from quality.violations where check_name = ? and source_file = ? and subject = ?",
        [check, source_file, subject],
    )
    return found[0]


@pytest.fixture(scope="module")
def review(sample_run, tmp_path_factory):
    """(first run, chosen ids, second run): decisions filled into the first report's workbook."""
    tmp = tmp_path_factory.mktemp("review")
    raw = tmp / "raw"
    shutil.copytree(sample_run.raw_dir, raw)
    (tmp / "warehouse").mkdir()
    shutil.copy2(sample_run.db_path, tmp / "warehouse" / "fiscal.duckdb")  # the published warehouse
    ids = {
        "fixed": _finding(sample_run, "points_lost_though_target_met", CORRECTED, "使用人员满意度"),
        "ignored": _finding(sample_run, "narrative_amount_mismatch", "003_7cadc0ecdd172fe9.txt", "行政运行"),
        "confirmed": _finding(sample_run, "points_lost_though_target_met", "000_2cba3ecfd7271be6.txt", "行政争议妥善处理"),
    }
    book = load_workbook(sample_run.report_dir / "quality" / "violations.xlsx")
    ws = book[SHEET]
    header = [c.value for c in ws[1]]
    column = {name: header.index(name) + 1 for name in ("发现编号", "决定", "备注", "审核人", "日期")}
    rows = {ws.cell(r, column["发现编号"]).value: r for r in range(2, ws.max_row + 1)}
    decisions = {
        "fixed": ("已整改", "单位已更正", "张三", "2026-12-01"),
        "ignored": ("忽略", FORMULA_NOTE, "李四", datetime(2026, 12, 2)),
        "confirmed": ("确认", None, "王五", "2026年12月3日"),
    }
    for key, values in decisions.items():
        for name, value in zip(("决定", "备注", "审核人", "日期"), values):
            ws.cell(rows[ids[key]], column[name], value)
    bad_line = ws.max_row + 1
    ws.cell(bad_line, column["发现编号"], ids["confirmed"])
    ws.cell(bad_line, column["决定"], "同意")  # not a decision word
    book.save(tmp / "decisions.xlsx")  # beside the raw folder: the default decisions file
    text = (raw / CORRECTED).read_text(encoding="utf-8")
    for old, new in CORRECTIONS.items():
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    (raw / CORRECTED).write_text(text, encoding="utf-8")
    second = run_pipeline(tmp, raw)
    assert second.result.returncode == 0, second.result.stderr[-5000:]
    return sample_run, ids, second, bad_line


def test_every_finding_has_a_unique_id_kept_by_the_next_run(review):
    first, ids, second, _ = review
    before, after = first.query(FINDING_SQL), second.query(FINDING_SQL)
    assert len(before) == first.scalar("select count(*) from quality.violations") == 58  # 4 of them hints
    assert len({row[0] for row in before}) == len(before)  # unique
    assert all(row[0] and len(row[0]) == 13 and row[0][0] == "F" for row in before)
    # the first run is a full build, the second an incremental run: every finding of the files
    # not touched keeps its id (and is the same finding), those of the corrected file too but one
    untouched = [row for row in before if row[2] != CORRECTED]
    assert [row for row in after if row[2] != CORRECTED] == untouched
    corrected_before = {row[0] for row in before if row[2] == CORRECTED}
    corrected_after = {row[0] for row in after if row[2] == CORRECTED}
    assert corrected_before - corrected_after == {ids["fixed"]}
    assert corrected_after <= corrected_before  # the correction adds no finding
    # the second run's quality step judged the corrected file's rows and kept the others' (expectations/scope.py)
    assert first.query("select changed_only from quality.check_state") == [(False,)]
    assert second.query("select changed_only from quality.check_state") == [(True,)]


def test_decisions_are_loaded_and_a_malformed_row_is_an_issue(review):
    _, ids, second, bad_line = review
    loaded = second.query(
        "select finding_id, decision, note, reviewer, decided_on, decisions_file from raw.review_decisions "
        "order by line_no"
    )
    assert sorted(loaded) == sorted([
        (ids["fixed"], "已整改", "单位已更正", "张三", date(2026, 12, 1), "../decisions.xlsx"),
        (ids["ignored"], "忽略", FORMULA_NOTE, "李四", date(2026, 12, 2), "../decisions.xlsx"),  # text, as written
        (ids["confirmed"], "确认", None, "王五", date(2026, 12, 3), "../decisions.xlsx"),
    ])
    issues = second.query(
        "select source_file, line_no, severity, code, message from raw.parse_issues where code like 'decision%'"
    )
    assert issues == [("../decisions.xlsx", bad_line, "warning", "decision_malformed",
                       "审核决定未采用：决定“同意”不是 确认/忽略/已整改 之一 (decision not applied)")]
    status = dict(second.query("select finding_id, status from quality.review_decisions"))
    assert status == {ids["fixed"]: "stale", ids["ignored"]: "applied", ids["confirmed"]: "applied"}


class _Findings(HTMLParser):
    """data-finding / data-decision of each listed violation, and the page's review figures."""

    def __init__(self) -> None:
        super().__init__()
        self.listed: dict[str, str] = {}
        self.values: dict[str, str] = {}
        self.stale: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tbody" and a.get("class") == "violation":
            self.listed[a["data-finding"]] = a["data-decision"]
        if a.get("id") in ("ignored-count", "stale-decision-count"):
            self.values[a["id"]] = a["data-value"]
        if "data-stale" in a:
            self.stale.append(a["data-stale"])


def test_the_report_lists_new_findings_first_keeps_ignored_apart_and_flags_stale_decisions(review):
    _, ids, second, _ = review
    page = (second.report_dir / "quality" / "index.html").read_text(encoding="utf-8")
    found = _Findings()
    found.feed(page)
    assert found.values == {"ignored-count": "1", "stale-decision-count": "1"}
    assert found.stale == [ids["fixed"]]
    assert ids["ignored"] not in found.listed  # apart, in its own list
    assert f'data-finding="{ids["ignored"]}"' in page.split('id="ignored-findings"')[1]
    assert found.listed[ids["confirmed"]] == "确认"
    # the page counts errors and warnings without the ignored finding
    [(shown, roots)] = second.query(
        "select count(*), count(*) filter (where is_root_cause) from quality.violations"
        " where severity <> 'hint' and finding_id <> ?", [ids["ignored"]]
    )
    assert shown == 52  # 54 on the first run: one fixed, one ignored
    # one entry per root cause: 001's 其中 above its total is sub_item_exceeds_total and fund_total_mismatch at once
    assert page.count('<tbody class="violation"') == roots == 51
    # new findings first within each rule's list: the confirmed one after the 39 others of its rule
    rule = [d for f, d in found.listed.items() if f in {r[0] for r in second.query(
        "select finding_id from quality.violations where check_name = 'points_lost_though_target_met'")}]
    assert rule == ["新发现"] * 39 + ["确认"]


def test_the_report_workbook_round_trips_as_the_decisions_file(review, tmp_path):
    _, ids, second, _ = review
    path = second.report_dir / "quality" / "violations.xlsx"
    book = load_workbook(path)
    ws = book[SHEET]
    header = [c.value for c in ws[1]]
    rows = [dict(zip(header, r)) for r in ws.iter_rows(min_row=2, values_only=True)]
    decided = [r for r in rows if r["决定"]]
    assert rows[: len(rows) - len(decided)] == [r for r in rows if not r["决定"]]  # new findings first
    assert {r["发现编号"]: r["决定"] for r in decided} == {ids["ignored"]: "忽略", ids["confirmed"]: "确认"}
    note = next(c for row in ws.iter_rows() for c in row if c.value == FORMULA_NOTE)
    assert (note.data_type, note.quotePrefix) == ("s", True)  # the reviewer's text stays text
    assert [r[0] for r in book["决定已失效"].iter_rows(min_row=2, values_only=True)] == [ids["fixed"]]
    # dropped back as the decisions file, it gives the same decisions
    decisions, issues = read_decisions(path)
    assert {(d.finding_id, d.decision, d.decided_on) for d in decisions} == {
        (ids["ignored"], "忽略", date(2026, 12, 2)),
        (ids["confirmed"], "确认", date(2026, 12, 3)),
    }
    assert issues == []


# ---- without a pipeline run ----


def _record(**fields) -> dict:
    base = {"check_name": "fund_total_mismatch", "source_file": "a.txt", "report_type": "self_eval",
            "project_name": "项目甲", "table_title": None, "subject": "年度资金总额", "measure": None,
            "expected_value": "100.00", "observed_value": "90.00", "line_no": 10, "check_row": 1}
    return base | fields


def test_finding_ids_follow_what_the_finding_is_not_where_a_run_numbered_it():
    records = [_record(), _record(line_no=300, check_row=7, report_seq=4)]
    assign_finding_ids(records[:1])
    assign_finding_ids(records[1:])
    assert records[0]["finding_id"] == records[1]["finding_id"]  # moved lines, same finding
    changed = [_record(observed_value="95.00")]
    assign_finding_ids(changed)
    assert changed[0]["finding_id"] != records[0]["finding_id"]  # new values: a new finding
    twice = [_record(line_no=20, check_row=2), _record(line_no=10, check_row=1)]
    assign_finding_ids(twice)
    assert twice[1]["finding_id"] == records[0]["finding_id"]  # the first in the document keeps the plain id
    assert twice[0]["finding_id"] != twice[1]["finding_id"]


def test_a_csv_decisions_file_in_gb18030_with_malformed_rows(tmp_path):
    path = tmp_path / "decisions.csv"
    path.write_bytes(
        "说明,发现编号,决定,备注,审核人,日期\n"
        "x,Fa2fe03a77f22,确认,已核实,张三,2026/12/6\n"
        ",F992897fc3e20,,,,\n"  # not decided yet
        ",F992897fc3e20,忽略,,,昨天\n"  # a date nobody can read
        ",12345,忽略,,,\n"  # not an id
        ",,确认,,,\n"  # no id
        ",Fa2fe03a77f22,忽略,改为忽略,李四,2026-12-07\n".encode("gb18030")  # the later row wins
    )
    decisions, issues = read_decisions(path)
    assert [(d.finding_id, d.decision, d.note, d.reviewer, d.decided_on, d.line_no) for d in decisions] == [
        ("Fa2fe03a77f22", "忽略", "改为忽略", "李四", date(2026, 12, 7), 7)
    ]
    assert [(i.line_no, i.code) for i in issues] == [
        (4, "decision_malformed"), (5, "decision_malformed"), (6, "decision_malformed"), (7, "decision_duplicate")
    ]
    assert "昨天" in issues[0].message and "12345" in issues[1].message and "缺少发现编号" in issues[2].message


def test_an_unreadable_decisions_file_keeps_the_previous_decisions(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    book = Workbook()
    book.active.append(["发现编号", "决定"])
    book.active.append(["Fa2fe03a77f22", "确认"])
    path = tmp_path / "decisions.xlsx"
    book.save(path)
    with duckdb.connect() as con:
        con.execute("create schema raw")
        con.execute("create table raw.parse_issues (source_file varchar, line_no integer, severity varchar, "
                    "code varchar, message varchar, raw_text varchar)")
        con.execute("create schema quality")
        con.execute("create table quality.violations (finding_id varchar, check_name varchar, "
                    "source_file varchar, line_no integer)")
        assert load_decisions(con, raw, path) == 1
        path.write_bytes(b"PK\x03\x04 cut off in transfer")
        with pytest.raises(Unreadable):
            read_decisions(path)
        assert load_decisions(con, raw, path) == 1  # a read error is not a deletion
        assert con.execute("select source_file, line_no, code from raw.parse_issues").fetchall() == [
            ("../decisions.xlsx", 0, "decisions_unreadable")
        ]
        assert apply_decisions(con) == {"stale": 1}
        assert load_decisions(con, raw, None) == 0  # the file removed: no decisions
