"""Bad input: every encoding we accept parses the same; broken files become clear issues."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import duckdb
import pytest

from dagster_project.loading import load_directory
from dagster_project.parsers import parse_bytes

SAMPLES = Path(__file__).resolve().parents[2] / "raw"
SELF_EVAL = SAMPLES / "000_2cba3ecfd7271be6.txt"
TRACKING = SAMPLES / "004_eaeb872d98338714.txt"


def records(result):
    """What a parse produced, without the file name (so two names compare equal)."""
    strip = lambda rs: [dataclasses.replace(r, source_file="f") for r in rs]
    return (
        strip(result.reports), strip(result.fund_rows), strip(result.indicators),
        strip(result.budget_cells), [(i.line_no, i.code) for i in result.issues],
    )


@pytest.fixture(scope="module")
def reference():
    text = SELF_EVAL.read_text(encoding="utf-8")
    return text, records(parse_bytes(text.encode("utf-8"), "f"))


@pytest.mark.parametrize(
    "encode",
    [
        pytest.param(lambda t: t.encode("gb18030"), id="gb18030"),
        pytest.param(lambda t: t.encode("utf-16"), id="utf-16-bom"),
        pytest.param(lambda t: t.encode("utf-16-le"), id="utf-16-le-no-bom"),
        pytest.param(lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"), id="utf-8-bom"),
        pytest.param(lambda t: t.replace("\n", "\r\n").encode("utf-8"), id="crlf"),
    ],
)
def test_every_accepted_encoding_parses_like_utf8(reference, encode):
    text, expected = reference
    assert records(parse_bytes(encode(text), "f")) == expected


def test_gbk_subset_of_gb18030(reference):
    text, expected = reference
    try:
        data = text.encode("gbk")
    except UnicodeEncodeError:
        pytest.skip("sample has characters outside GBK")
    assert records(parse_bytes(data, "f")) == expected


def test_empty_file_is_one_clear_issue():
    result = parse_bytes(b"", "empty.txt")
    assert [(i.line_no, i.severity, i.code) for i in result.issues] == [(0, "warning", "empty_file")]
    assert result.reports == []


def test_binary_file_is_one_clear_error():
    result = parse_bytes(bytes(range(256)) * 64, "image.png")
    assert [(i.line_no, i.severity, i.code) for i in result.issues] == [(0, "error", "undecodable_file")]
    assert "binary" in result.issues[0].message


def test_unknown_text_is_reported_not_guessed():
    result = parse_bytes("会议纪要\n今天讨论了预算编制的进度。\n".encode(), "notes.txt")
    assert result.reports == [] and result.families == []
    assert [(i.line_no, i.code) for i in result.issues] == [(1, "unknown_family")]
    assert {d.disposition for d in result.lines} == {"issue"}


def test_one_bad_file_does_not_stop_the_batch(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(TRACKING, raw / TRACKING.name)
    (raw / "binary.bin").write_bytes(b"\x00\x01\x02\x03" * 1000)
    (raw / "empty.txt").write_bytes(b"")
    (raw / "gb.txt").write_bytes(SELF_EVAL.read_text(encoding="utf-8").encode("gb18030"))
    db = tmp_path / "w.duckdb"
    summary = load_directory(raw, db)
    assert summary.files_parsed == 4
    alone = parse_bytes(TRACKING.read_bytes(), TRACKING.name)
    with duckdb.connect(str(db), read_only=True) as con:
        codes = dict(con.execute("select source_file, code from raw.parse_issues where line_no = 0").fetchall())
        tracking_reports = con.execute(
            "select count(*) from raw.reports where source_file = ?", [TRACKING.name]
        ).fetchone()[0]
    assert codes == {"binary.bin": "undecodable_file", "empty.txt": "empty_file"}
    assert tracking_reports == len(alone.reports)


def test_binary_without_nul_bytes_is_not_taken_for_gb18030():
    data = bytes(b % 255 + 1 for b in range(4096))  # every byte value but 0: invalid UTF-8
    result = parse_bytes(data, "blob.dat")
    assert [(i.line_no, i.code) for i in result.issues] == [(0, "undecodable_file")]


def test_full_width_digits_read_as_numbers():
    from dagster_project.parsers.amounts import parse_amount

    assert str(parse_amount("１，２０３．００")) == "1203.00"
    assert str(parse_amount("９５．６７%")) == "95.67"


def test_budget_title_sharing_its_line_with_the_unit_is_recognised():
    from dagster_project.parsers.blocks import is_budget_anchor
    from dagster_project.parsers.text import split_lines

    (line,) = split_lines("2021年部门收入预算总表\t\t单位：元\n")
    assert is_budget_anchor(line)
    (prose,) = split_lines("本部门收入预算总表中的数据说明如下，详见附表，单位为元，以下各项均按照财政部门要求编制并公开。\n")
    assert not is_budget_anchor(prose)


def test_segments_run_from_a_title_to_the_next_title_or_budget_anchor():
    from dagster_project.parsers.blocks import split_segments
    from dagster_project.parsers.text import split_lines

    lines = ["前言", "2023年某项目绩效自评表", "\t项目名称\t甲", "2023年部门收入预算总表", "\t合计\t1.00",
             "2023年某项目绩效跟踪表", "\t项目名称\t乙", "", "2023年某项目绩效自评表", "\t项目名称\t丙"]
    text = "\n".join(lines)
    segments, outside = split_segments(split_lines(text))
    assert [(s.family, [line.no for line in s.lines]) for s in segments] == [
        ("budget", [1, 4, 5]),  # the lines outside the reports, the anchor and what follows it
        ("self_eval", [2, 3]), ("tracking", [6, 7, 8]), ("self_eval", [9, 10]),
    ]
    assert outside == []
    # without a budget anchor, the lines outside the reports belong to no segment
    segments, outside = split_segments(split_lines("前言\n2023年某项目绩效自评表\n\t项目名称\t甲\n"))
    assert [(s.family, len(s.lines)) for s in segments] == [("self_eval", 2)] and [ln.no for ln in outside] == [1]


def test_table_cut_off_halfway_keeps_what_it_has_and_says_so():
    lines = SELF_EVAL.read_text(encoding="utf-8").split("\n")
    result = parse_bytes("\n".join(lines[:20]).encode(), "cut.txt")  # stops inside the indicator block
    assert len(result.reports) == 1 and len(result.fund_rows) == 4
    assert len(result.indicators) == 7  # the indicator rows before the cut
    assert [(i.line_no, i.severity, i.code) for i in result.issues] == [(3, "warning", "missing_total_row")]
    assert result.reports[0].total_score is None


def test_table_without_its_total_row_is_reported_and_the_next_table_still_parses():
    lines = [line for line in SELF_EVAL.read_text(encoding="utf-8").split("\n")[:51] if not line.startswith("总分")]
    result = parse_bytes("\n".join(lines).encode(), "no_total.txt")
    assert [r.project_name for r in result.reports] == ["职业培训", "业务培训"]
    assert [(i.line_no, i.code) for i in result.issues] == [(3, "missing_total_row"), (27, "missing_total_row")]
    assert [len([i for i in result.indicators if i.report_seq == s]) for s in (1, 2)] == [11, 8]
