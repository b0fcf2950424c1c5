"""Decoding by line: a few bad bytes cost only the lines that hold them, never the file."""

from __future__ import annotations

from pathlib import Path

from dagster_project.parsers import parse_bytes

SAMPLES = Path(__file__).resolve().parents[2] / "raw"
SELF_EVAL = SAMPLES / "001_ebc302d94fc8039c.txt"


def test_windows_1252_bytes_in_one_line_cost_only_that_line():
    data = SELF_EVAL.read_bytes()
    clean = parse_bytes(data, "f")
    lines = data.split(b"\n")
    target = next(i for i, line in enumerate(lines) if "项目名称".encode() in line)
    at = lines[target].index("项目名称".encode())
    lines[target] = lines[target][:at] + "“”–…".encode("cp1252") + lines[target][at:]  # 4 bytes
    offset = sum(len(line) + 1 for line in lines[:target]) + at
    result = parse_bytes(b"\n".join(lines), "f")

    bad = [i for i in result.issues if i.code == "undecodable_bytes"]
    assert [(i.line_no, i.severity) for i in bad] == [(target + 1, "warning")]
    assert f"文件第 {offset} 字节" in bad[0].message and "4 处" in bad[0].message
    assert bad[0].raw_text.count("\ufffd") == 4 and "项目名称" in bad[0].raw_text
    # The rest of the file parses as before, and every line is still accounted for.
    assert len(result.reports) == len(clean.reports)
    assert len(result.indicators) == len(clean.indicators)
    assert {d.line_no for d in result.lines} == {d.line_no for d in clean.lines}


def test_file_cut_inside_a_multibyte_character_loses_only_its_last_line():
    data = SELF_EVAL.read_bytes().rstrip()
    last_start = data.rindex(b"\n") + 1
    lead = max(i for i in range(last_start, len(data)) if data[i] >= 0xE0)  # a 3-byte character
    cut = data[: lead + 1]
    result = parse_bytes(cut, "cut.txt")
    last_line = cut.count(b"\n") + 1
    bad = [(i.line_no, i.code) for i in result.issues if i.code == "undecodable_bytes"]
    assert bad == [(last_line, "undecodable_bytes")]
    clean = parse_bytes(SELF_EVAL.read_bytes(), "f")
    assert len(result.reports) == len(clean.reports)
    assert len(result.fund_rows) == len(clean.fund_rows)


def test_gb18030_file_is_still_read_as_gb18030_not_as_broken_utf8():
    text = SELF_EVAL.read_text(encoding="utf-8")
    result = parse_bytes(text.encode("gb18030"), "gb.txt")
    assert not [i for i in result.issues if i.code in ("undecodable_bytes", "undecodable_file")]
    assert result.reports[0].project_name == parse_bytes(text.encode(), "f").reports[0].project_name


def test_whitespace_only_file_is_one_empty_file_issue():
    result = parse_bytes(b"  \n\t\t\n\r\n   ", "blank.txt")
    assert [(i.line_no, i.code) for i in result.issues] == [(0, "empty_file")]


def test_space_aligned_tables_are_rejected_one_error_each_never_empty_reports():
    text = SELF_EVAL.read_text(encoding="utf-8")
    tabbed = parse_bytes(text.encode(), "f")
    spaced = parse_bytes("\n".join(line.expandtabs(8) for line in text.split("\n")).encode(), "spaced.txt")
    assert spaced.reports == [] and spaced.fund_rows == [] and spaced.indicators == []
    errors = [(i.line_no, i.severity, i.code) for i in spaced.issues]
    assert errors == [(r.line_start, "error", "space_aligned_table") for r in tabbed.reports]
    # Every non-blank line is still accounted for, as an issue line.
    assert {d.line_no for d in spaced.lines} == {d.line_no for d in tabbed.lines}
    assert {d.disposition for d in spaced.lines} == {"issue"}
