"""parsers/grid.py: a table's columns by the meaning of their headers, label–value blocks by
label, labels merged over rows — on small grids, and through the target parser."""

from __future__ import annotations

from dagster_project.parsers import grid, parse_text, vocabulary
from dagster_project.parsers.rows import split_rows
from dagster_project.parsers.text import split_lines


def _rows(*lines: list[str]):
    """Grid rows as the normalised text prints them (a merged cell: its text, then empty cells)."""
    return split_rows(split_lines("".join("\t" + "\t".join(cells) + "\n\n" for cells in lines)))


FUNDS = {"合计": "total", "小计": "subtotal", "基本支出": "basic", "项目支出": "project"}


def _fund_field(label: str) -> str | None:
    return FUNDS.get(label)


def test_two_row_header_parent_spans_its_children():
    head = _rows(
        ["科目名称", "合计", "一般公共预算资金", "", ""],
        ["", "", "小计", "基本支出", "项目支出"],
    )
    columns = grid.header_columns(head)
    assert [c.labels for c in columns] == [
        ("科目名称",),
        ("合计",),  # merged down over both header rows: no parent of the next columns
        ("一般公共预算资金", "小计"),
        ("一般公共预算资金", "基本支出"),
        ("一般公共预算资金", "项目支出"),
    ]
    fields = grid.map_columns(columns, _fund_field)
    assert {f: c.at for f, c in fields.items()} == {"total": 1, "subtotal": 2, "basic": 3, "project": 4}
    assert [c.name("".join) for c in columns] == [
        "科目名称", "合计", "一般公共预算资金-小计", "一般公共预算资金-基本支出", "一般公共预算资金-项目支出",
    ]
    # a label wrapped onto the row below (spanning nothing) is one label: 事业单位 / 经营收入
    (wrapped,) = [c for c in grid.header_columns(_rows(["合计", "事业单位"], ["", "经营收入"])) if c.at == 1]
    assert (wrapped.groups, wrapped.own, wrapped.name("".join)) == ((), ("事业单位", "经营收入"), "事业单位经营收入")
    assert fields["project"].from_right == 1


def test_a_swapped_column_order_reads_the_same_values():
    header = ["科目名称", "合计", "基本支出", "项目支出"]
    row = ["工资福利支出", "1,200.00", "1,000.00", "200.00"]
    order = [0, 3, 1, 2]
    read = []
    for cols in (list(range(4)), order):
        head, body = _rows([header[k] for k in cols], [row[k] for k in cols])
        fields = grid.map_columns(grid.header_columns([head]), _fund_field)
        values, rest = grid.read_row(body.cells, fields)
        read.append(({f: c.text for f, c in values.items()}, [c.text for c in rest]))
    assert read[0] == read[1] == ({"total": "1,200.00", "basic": "1,000.00", "project": "200.00"}, ["工资福利支出"])


def test_a_label_merged_over_rows_applies_to_every_row_it_spans():
    levels = grid.MergedLabels(2)
    printed = [("产出指标", "数量指标"), (None, None), (None, "时效指标"), ("效益指标", None), (None, "社会效益指标")]
    assert [levels.apply(*p) for p in printed] == [
        ("产出指标", "数量指标"),
        ("产出指标", "数量指标"),
        ("产出指标", "时效指标"),
        ("效益指标", None),  # a new 一级 ends the 二级 of the old one
        ("效益指标", "社会效益指标"),
    ]


def test_label_value_blocks_are_found_by_label_anywhere_in_the_row():
    (row,) = _rows(["", "项目名称", "社区工作站经费", "项目性质", "经常性", "年度资金申请总额", "4,100,000.00"])
    pairs = [(label, c.text) for label, c in grid.label_values(row.cells, {"项目名称", "年度资金申请总额"}.__contains__)]
    # 项目性质 is no label here, so it and its value are read as the project name's continuation
    assert pairs == [("项目名称", "社区工作站经费"), ("项目名称", "项目性质"), ("项目名称", "经常性"),
                     ("年度资金申请总额", "4,100,000.00")]


def _declaration(header: list[str], rows: list[list[str]]) -> str:
    lines = [["二级项目支出绩效目标申报表"], ["项目名称：", "社区工作站经费", "", "申请单位：", "沙浦围社区工作站"], header, *rows]
    return "".join("\t" + "\t".join(cells) + "\n\n" for cells in lines)


def test_target_grid_columns_are_read_by_header_in_any_order():
    header = [vocabulary.LEVEL1_COLUMN, vocabulary.LEVEL2_COLUMN, vocabulary.NAME_COLUMN, "目标值", "指标解释"]
    rows = [["产出指标", "数量指标", "服务社区居民", "≥5000人", "全年服务人次"],
            ["", "", "开展活动", "≥12次", ""],  # 一级 and 二级 merged over this row
            ["", "时效指标", "按时完成率", "100%", ""],
            ["效益指标", "社会效益指标", "居民满意度", "≥90%", "问卷"]]
    expected = [
        ("产出指标", "数量指标", "服务社区居民", "≥5000人", "全年服务人次"),
        ("产出指标", "数量指标", "开展活动", "≥12次", None),
        ("产出指标", "时效指标", "按时完成率", "100%", None),
        ("效益指标", "社会效益指标", "居民满意度", "≥90%", "问卷"),
    ]
    for order in ([0, 1, 2, 3, 4], [2, 3, 0, 4, 1]):
        result = parse_text(_declaration([header[k] for k in order], [[r[k] for k in order] for r in rows]), "t.txt")
        got = [(i.level1, i.level2, i.indicator_name, i.target_text, i.explanation) for i in result.indicators]
        assert got == expected, order
        assert [i.line_no for i in result.indicators] == [7, 9, 11, 13]
        assert result.issues == []


def test_a_nested_header_names_each_total_after_its_centred_group():
    head = _rows(
        ["合计", "", "", "", "“三公”经费", "", "", "会议", "培训费"],
        ["", "小计", "因公出国（境）费", "", "公务用车购置及运行维护费", "", "公务接待费", "", ""],
        ["", "", "", "小计", "公务用车购置费", "公务用车运行维护费", "", "费", ""],
    )
    assert grid.nested_labels(head, str.strip) == [
        "合计", "“三公”经费-小计", "因公出国（境）费", "公务用车购置及运行维护费-小计", "公务用车购置费",
        "公务用车运行维护费", "公务接待费", "会议费", "培训费",
    ]
    assert grid.nested_labels(head[:2] + _rows(["小计"]), str.strip) is None  # rows of different widths


def _budget(order: list[int]) -> str:
    """A budget table whose header is two rows: 一般公共预算资金 over 小计 | 基本支出 | 项目支出."""
    def cols(*cells):
        return [cells[k] for k in order]
    lines = [["2024年部门财政拨款支出预算表"], ["编制部门：某区教育局", "单位：元"],
             ["科目编码", "科目名称", *cols("合计", "一般公共预算资金", "", "", "政府性基金")],
             ["", "", *cols("", "小计", "基本支出", "项目支出", "")],
             ["205", "教育支出", *cols("1,500.00", "1,200.00", "1,000.00", "200.00", "300.00")],
             ["2050201", "小学教育", *cols("900.00", "900.00", "800.00", "100.00", "")]]
    return "".join("\t" + "\t".join(cells) + "\n\n" for cells in lines)


def test_budget_two_row_header_names_each_child_after_its_parent_in_any_order():
    # before grid.py: 1,000.00 was loaded as 政府性基金 and the 项目支出 amounts were lost
    expected = [
        ("205", "一般公共预算资金-基本支出", "1000.00"), ("205", "一般公共预算资金-小计", "1200.00"),
        ("205", "一般公共预算资金-项目支出", "200.00"), ("205", "合计", "1500.00"), ("205", "政府性基金", "300.00"),
        ("2050201", "一般公共预算资金-基本支出", "800.00"), ("2050201", "一般公共预算资金-小计", "900.00"),
        ("2050201", "一般公共预算资金-项目支出", "100.00"), ("2050201", "合计", "900.00"),
    ]
    for order in ([0, 1, 2, 3, 4], [0, 4, 1, 2, 3]):  # 政府性基金 moved before its neighbour group
        result = parse_text(_budget(order), "b.txt")
        assert sorted((c.subject_code, c.measure, str(c.amount)) for c in result.budget_cells) == expected, order
        assert result.issues == []


def test_a_label_and_its_value_in_one_cell():
    (row,) = _rows(["项目名称：社区工作站经费", "实施单位", "沙浦围社区工作站", "备注：无"])
    pairs = [(label, c.text) for label, c in grid.label_values(row.cells, {"项目名称", "实施单位"}.__contains__)]
    # 备注 is no label here: its cell is a value of the label before it
    assert pairs == [("项目名称", "社区工作站经费"), ("实施单位", "沙浦围社区工作站"), ("实施单位", "备注：无")]


def test_text_lines_as_grid_rows_keep_each_cell_at_its_position():
    # the 执行监控表's indicator header: 偏差原因分析 over its ✔ columns and 原因说明, 备注 beside
    lines = [line for line in split_lines("\t三级指标\t偏差原因分析\t\t\t备注\n\n\t\t经费保障\t其他\t原因说明\n")
             if not line.is_blank]
    rows = grid.line_rows(*lines)
    assert [[c.text for c in r.cells] for r in rows] == [
        ["", "三级指标", "偏差原因分析", "", "", "备注"], ["", "", "经费保障", "其他", "原因说明"]]
    assert [[c.line_no for c in r.cells][:2] for r in rows] == [[1, 1], [3, 3]]
    columns = grid.header_columns(rows)
    assert [(c.at, c.groups, c.own) for c in columns[1:]] == [
        (1, (), ("三级指标",)),
        (2, ("偏差原因分析",), ("经费保障",)),
        (3, ("偏差原因分析",), ("其他",)),
        (4, ("偏差原因分析",), ("原因说明",)),
        (5, (), ("备注",)),
    ]
    fields = grid.map_columns(columns, vocabulary.indicator_column)  # the parent names none of its columns
    assert {f: c.at for f, c in fields.items()} == {"indicator_name": 1, "remarks": 5}
    # a value typed in a later cell of a merged header belongs to it; none left of the first label
    one_row = grid.header_columns(rows[:1])
    assert [grid.header_at(one_row, at) for at in range(7)] == [None, 1, 2, 2, 2, 5, 5]


def _target(header: list[list[str]], rows: list[list[str]]) -> str:
    lines = [["上海市财政支出项目绩效目标"], ["（2020年）"], ["项目名称", "社区服务经费"], ["项目总目标", "提升社区服务"],
             ["年度绩效目标", "完成年度服务"], *header, *rows]
    return "".join("\t" + "\t".join(cells) + "\n\n" for cells in lines)


def test_a_target_grid_header_of_two_rows():
    # 绩效指标 spanning 一级 | 二级 | 三级 on the row above them; 指标值 merged down over both rows
    above = _target([["绩效指标", "", "", "指标值"], ["一级指标", "二级指标", "三级指标", ""]],
                    [["产出指标", "数量指标", "服务人次", "≥5000人"], ["", "", "开展活动", "≥12次"]])
    # 指标值 over 实际完成值 | 年度指标值: the child names the column, the parent none of them
    below = _target([["一级指标", "二级指标", "三级指标", "指标值", ""], ["", "", "", "实际完成值", "年度指标值"]],
                    [["产出指标", "数量指标", "服务人次", "4800人", "≥5000人"], ["", "", "开展活动", "12次", "≥12次"]])
    expected = [("产出指标", "数量指标", "服务人次", "≥5000人", 15), ("产出指标", "数量指标", "开展活动", "≥12次", 17)]
    for doc, unloaded in ((above, []), (below, [(15, "4800人"), (17, "12次")])):
        result = parse_text(doc, "t.txt")
        assert [(i.level1, i.level2, i.indicator_name, i.target_text, i.line_no) for i in result.indicators] == expected
        # the 实际完成值 a target table has no field for is reported where it stands, not lost
        assert [(i.code, i.line_no) for i in result.issues] == [("target_unloaded_column", n) for n, _ in unloaded]
        assert all("指标值-实际完成值" in i.message and value in i.message
                   for i, (_, value) in zip(result.issues, unloaded))
        assert [(r.project_name, r.fiscal_year) for r in result.reports] == [("社区服务经费", 2020)]


def test_a_narrow_row_is_aligned_from_the_left_or_from_the_right():
    (row,) = _rows(["1,000.00", "", "300.00", "", ""])
    placed, extra = grid.align_left(row.cells, 4)
    # blanks in the middle keep positions; the blank edge cells hold nothing
    assert ([(k, c.text) for k, c in placed], extra) == ([(0, "1,000.00"), (1, ""), (2, "300.00")], [])
    (short,) = _rows(["800.00", "100.00"])
    # trailing columns omitted: the values go on the columns where the parent has amounts
    parent = {"合计": 1, "基本支出": 0, "项目支出": 1, "其他": 1}
    names = list(parent)
    placed, _ = grid.align_left(short.cells, 4, lambda k: bool(parent[names[k]]))
    assert [(names[k], c.text) for k, c in placed] == [("合计", "800.00"), ("项目支出", "100.00")]
    assert [(k, c.text) for k, c in grid.align_left(short.cells, 4)[0]] == [(0, "800.00"), (1, "100.00")]
    (wide,) = _rows(["", "备注", "产出指标", "数量指标", "服务人次", "≥5000人"])
    kept, extra = grid.align_right(wide.cells, 4)
    assert ([c.text for c in kept], [c.text for c in extra]) == (["产出指标", "数量指标", "服务人次", "≥5000人"], ["备注"])
    kept, extra = grid.align_right(short.cells, 4)
    assert ([c.text for c in kept], extra) == (["800.00", "100.00"], [])


def test_a_label_waiting_for_its_value_takes_the_cell_as_printed():
    (row,) = _rows(["政策依据：", "一、项目背景：社区工作站", "备注：", "某某：", "说明：见附件"])
    pairs = grid.label_values(
        row.cells,
        lambda k: k.endswith(":") or k == "说明",  # any colon-ended text is a label …
        waiting=lambda k: k in ("政策依据:", "备注:"),  # … but only a known one right after a bare label
    )
    # 一、项目背景：… is 政策依据's value (not a pair), 某某： is 备注's; 说明：见附件 holds a label and its value
    assert [(label, c.text) for label, c in pairs] == [
        ("政策依据:", "一、项目背景：社区工作站"), ("备注:", "某某："), ("说明", "见附件"),
    ]


def test_a_label_centred_between_two_groups_spans_both():
    # 收入 | 支出 over 功能分类 (at 3) and 支出用途 (at 5), as the Jiangsu 2017 summary centres them
    assert grid.centred_over({1: "收入", 4: "支出"}, [3, 5]) == {3: "支出", 5: "支出"}
    assert grid.centred_over({0: "收入", 3: "支出"}, [2, 4]) == {2: "支出", 4: "支出"}
    assert grid.centred_over({0: "收入"}, [2, 4]) == {}  # over no pair of groups: read by position


def test_side_by_side_blocks_start_at_each_label_column_whatever_their_order():
    # the lowest header labels of the Jiangsu 收支预算总表: a label column (…名称) and its amounts per block
    lowest = ["项目名称", "金额", "功能科目名称", "金额", "项目名称", "金额"]
    blocks = grid.blocks(lowest, lambda t: "名称" in t)
    assert blocks == [range(2), range(2, 4), range(4, 6)]
    # a block with two amount columns, a leading column before any label column (in none)
    assert grid.blocks(["序号", "项目名称", "上年", "本年", "项目名称", "金额"], lambda t: "名称" in t) == [
        range(1, 4), range(4, 6),
    ]
    # a higher row's labels each over the block they are printed in (功能分类 at 3, 支出用途 at 5: 2017)
    assert grid.printed_over({3: "功能分类", 5: "支出用途"}, blocks) == [None, (3, "功能分类"), (5, "支出用途")]
    assert grid.printed_over({1: "收入", 4: "支出"}, blocks) == [(1, "收入"), None, (4, "支出")]


def test_a_row_without_its_value_is_placed_by_the_words_of_its_labels():
    (row,) = _rows(["", "效益指标", "社会效益指标", "居民满意度"])
    placed = grid.place_by_words(row.cells, {"level1": "效益指标".__eq__, "level2": "社会效益指标".__eq__}, "name")
    assert {f: c.text for f, c in placed.items()} == {"level1": "效益指标", "level2": "社会效益指标", "name": "居民满意度"}
    # through the target parser: the table's last row, its value not printed, is an indicator without one
    header = ["一级指标", "二级指标", "三级指标", "指标值"]
    last = ["效益指标", "社会效益指标", "居民满意度"]
    result = parse_text(_target([header], [["产出指标", "数量指标", "服务人次", "≥5000人"], last]), "t.txt")
    assert [(i.level1, i.level2, i.indicator_name, i.target_text, i.line_no) for i in result.indicators] == [
        ("产出指标", "数量指标", "服务人次", "≥5000人", 13), ("效益指标", "社会效益指标", "居民满意度", None, 15)]
    assert result.issues == []


def test_header_rows_of_one_width_read_as_one_row_stacked_or_joined():
    # 采购品目大 / 类 wrapped over two rows; 项目名称 printed on the upper row only
    rows = _rows(["项目名称", "采购品目大", "采购组织"], ["", "类", "形式"])
    assert [c.text for c in grid.stacked_header(rows).cells] == ["项目名称", "类", "形式"]
    assert [c.text for c in grid.joined_header(rows).cells] == ["项目名称", "采购品目大类", "采购组织形式"]
    assert grid.joined_header(rows).cells[0].line_no == 3  # on the last header row's line
    # rows of different widths, or a single row, are not read as one
    assert grid.stacked_header(_rows(["项目名称", "金额"], ["", "类", "形式"])) is None
    assert grid.joined_header(rows[:1]) is None


def test_stored_spans_say_how_far_a_parent_reaches_where_the_blank_cells_would_guess():
    # 一般公共预算资金 merged over two columns; the third column's top cell is a plain blank (its label
    # is on the lower row only). Guessed from the blanks, the parent reaches the third column too; with
    # the file's merge (XLSX, XLS, DOCX: Cell.span) it covers the two it spans.
    head = _rows(["一般公共预算资金", "", ""], ["小计", "基本支出", "政府性基金"])
    assert [c.labels for c in grid.header_columns(head)] == [
        ("一般公共预算资金", "小计"), ("一般公共预算资金", "基本支出"), ("一般公共预算资金", "政府性基金")]
    for cell, span in zip(head[0].cells, [(1, 2), (0, 0), (1, 1)]):
        cell.span = span
    for cell in head[1].cells:
        cell.span = (1, 1)
    columns = grid.header_columns(head)
    assert [c.labels for c in columns] == [
        ("一般公共预算资金", "小计"), ("一般公共预算资金", "基本支出"), ("政府性基金",)]
    assert [c.name("".join) for c in columns] == ["一般公共预算资金-小计", "一般公共预算资金-基本支出", "政府性基金"]


def test_header_at_reads_a_stored_merge_not_the_nearest_label():
    # 年初预算数 merged over two cells, then a plain blank header cell: a value typed in the merge's
    # second cell is under 年初预算数, one under the blank is under no header (guessed: 年初预算数 too).
    head = _rows(["项目", "年初预算数", "", ""])
    assert [grid.header_at(grid.header_columns(head), at) for at in range(4)] == [0, 1, 1, 1]
    for cell, span in zip(head[0].cells, [(1, 1), (1, 2), (0, 0), (1, 1)]):
        cell.span = span
    assert [grid.header_at(grid.header_columns(head), at) for at in range(5)] == [0, 1, 1, None, None]


def test_a_label_merged_over_rows_ends_where_a_stored_plain_blank_cell_says_so():
    # 产出指标 merged over two rows (the cell below it covered, (0, 0)), then a row whose 一级 cell is a
    # plain blank (1, 1): the merge ended there, that row has no 一级 (TAB text, no spans: carried down).
    rows = _rows(["产出指标", "数量指标"], ["", "质量指标"], ["", "时效指标"])
    for row, span in zip(rows, [(2, 1), (0, 0), (1, 1)]):
        row.cells[0].span = span
    levels, guessed = grid.MergedLabels(2), grid.MergedLabels(2)
    read = [levels.apply(*(c.text for c in row.cells), plain=grid.plain_blanks(row.cells[:1])) for row in rows]
    assert read == [("产出指标", "数量指标"), ("产出指标", "质量指标"), (None, "时效指标")]
    assert [guessed.apply(*(c.text for c in row.cells)) for row in rows][-1] == ("产出指标", "时效指标")
