"""TAB text read into the document model (readers/text.py), and the lines the parsers read built from it."""

from __future__ import annotations

from pathlib import Path

from dagster_project.parsers import parse_bytes, readers
from dagster_project.parsers.model import BOILERPLATE, PROSE, ROW, Document
from dagster_project.parsers.readers.text import read_text
from dagster_project.parsers.text import split_lines

SAMPLES = Path(__file__).resolve().parents[2] / "raw"


def test_a_text_file_is_one_block_per_line_with_its_own_numbers_and_text():
    data = "绩效自评表\r\n\t项目名称\t<b>网络运维</b>\r\n\r\n\t金额  合计\t12.50\r\n".encode()
    assert readers.detect(data) == readers.TEXT
    document = readers.read_document(data, readers.TEXT)
    assert document.format == "text"
    assert [(b.line_no, b.kind, b.cells, b.text) for b in document.blocks] == [
        (1, PROSE, ("绩效自评表",), "绩效自评表"),
        (2, ROW, ("", "项目名称", "网络运维"), "\t项目名称\t<b>网络运维</b>"),  # markup is not text: cleaned
        (3, PROSE, ("",), ""),
        (4, ROW, ("", "金额 合计", "12.50"), "\t金额  合计\t12.50"),
    ]
    # The lineage view is the file's lines exactly (line breaks normalised), with the file's numbers.
    assert document.text() == "绩效自评表\n\t项目名称\t<b>网络运维</b>\n\n\t金额  合计\t12.50\n"
    assert [(n, t) for n, t, _ in document.rendered()] == [(1, "绩效自评表"), (2, "\t项目名称\t<b>网络运维</b>"),
                                                           (3, ""), (4, "\t金额  合计\t12.50")]
    # The parsers' lines come from the blocks and equal what splitting the text gave before.
    assert document.lines() == split_lines(data.decode())


def test_undecodable_bytes_are_a_problem_of_their_line_and_reported_on_it():
    # 120 characters of prose (360 bytes: few enough bad ones to be text), then a row with one byte UTF-8 cannot read.
    data = ("说明" * 60 + "\r\n\t金额\t").encode() + b"\xff12.50\r\n"
    document = read_text(data)
    assert document.cell_problems == [
        (1, "undecodable_bytes", {"bad_line": 2, "count": 1, "encoding": "utf-8", "offset": 370, "column": 8})
    ]
    assert document.line_of_block(1) == 2
    result = parse_bytes(data, "t.txt")
    (issue,) = [i for i in result.issues if i.code == "undecodable_bytes"]
    assert (issue.line_no, issue.raw_text) == (2, "\t金额\t\ufffd12.50")  # the line as raw.source_lines has it
    assert result.source_lines[1].text == "\t金额\t\ufffd12.50"


def test_bytes_that_are_no_text_are_one_problem_of_the_file():
    document = read_text(b"\x00\x01\x02\x03" * 64)
    assert document.blocks == [] and [code for code, _ in document.problems] == ["undecodable_file"]
    (issue,) = parse_bytes(b"\x00\x01\x02\x03" * 64, "bin.dat").issues
    assert (issue.code, issue.line_no) == ("undecodable_file", 0)


def test_a_binary_formats_lines_are_built_from_its_cells_as_its_rendered_text_splits():
    document = Document("docx")
    document.add_prose("二〇二四年部门预算")
    document.add_row(["项目", "<b>金额</b>", "a  &amp; b", ""])
    document.add_boilerplate("第 1 页")
    document.add_row([])
    lines = document.lines()
    assert [(ln.no, ln.raw, ln.cells) for ln in lines[:4]] == [
        (1, "二〇二四年部门预算", ("二〇二四年部门预算",)),
        (2, "", ("",)),
        (3, "\t项目\t<b>金额</b>\ta  &amp; b\t", ("", "项目", "金额", "a & b", "")),
        (4, "", ("",)),
    ]
    assert lines == split_lines(document.text())  # no render-then-resplit, the same lines
    source_lines, furniture = document.source_lines("f.docx")
    assert furniture == {5, 6} and [s.line_no for s in source_lines] == list(range(1, 9))
    assert document.blocks[2].kind == BOILERPLATE


def test_one_cell_per_line_text_is_read_into_table_rows_each_cell_on_its_own_line():
    # The budget exports' layout: a TAB-led line per cell, a line without a TAB wraps the cell, rows between empty lines.
    text = "\t部门：某区财政局\n\t单位：元\n\n\t项目\n\t预算数\n\n\t一般公共服务\n支出\n\t1,000.00\n"
    document = read_text(text.encode())
    assert [[(c.text, c.line_no) for c in row.cells] for row in document.text_rows] == [
        [("部门：某区财政局", 1), ("单位：元", 2)],
        [("项目", 4), ("预算数", 5)],
        [("一般公共服务支出", 7), ("1,000.00", 9)],  # the wrap on line 8 joined into the cell of line 7
    ]
    assert [[ln.no for ln in row.lines] for row in document.text_rows] == [[1, 2], [4, 5], [7, 8, 9]]
    # The model's rows are what the budget walker reads; the lineage keeps the file's own lines.
    assert document.rows(document.lines()) == document.text_rows
    assert len(document.blocks) == 9 and document.text() == text
    assert [s.text for s in document.source_lines("b.txt")[0]][6:8] == ["\t一般公共服务", "支出"]


def test_the_layout_is_told_by_content_a_row_per_line_file_has_no_model_rows():
    assert read_text("绩效自评表\n\t项目名称\t网络运维\n\t金额\t12.50\t11.00\n".encode()).text_rows is None
    # three lines led by a TAB against two other TABs: one cell per line (a wide line among them is one row's cells)
    assert read_text("\t项目名称\n\t网络运维\n\t金额\t12.50\t11.00\n".encode()).text_rows is not None
    assert read_text("\t项目名称\n\t网络运维\n\t金额\t12.50\t11.00\t10.00\n".encode()).text_rows is None


def test_the_budget_sample_is_read_as_rows_by_the_reader_a_header_cell_per_line():
    document = read_text((SAMPLES / "003_7cadc0ecdd172fe9.txt").read_bytes())
    assert (len(document.blocks), len(document.text_rows)) == (9040, 1615)
    header = next(row for row in document.text_rows if [c.text for c in row.cells if c.text] == ["项目", "预算数", "项目", "预算数"])
    assert [(c.text, c.line_no) for c in header.cells] == [
        ("", 175), ("项目", 176), ("预算数", 177), ("项目", 178), ("预算数", 179), ("", 180)]


def test_a_binary_formats_model_rows_are_its_blocks_one_row_each_on_the_blocks_line():
    document = Document("docx")
    document.add_prose("二〇二四年部门预算")
    document.add_row(["项目", "<b>金额</b>", ""])
    document.add_prose("")
    document.add_row(["合计", "12.50"])
    rows = document.rows(document.lines())
    assert [[(c.text, c.line_no) for c in row.cells] for row in rows] == [
        [("二〇二四年部门预算", 1)], [("项目", 3), ("金额", 3), ("", 3)], [("合计", 7), ("12.50", 7)]]
