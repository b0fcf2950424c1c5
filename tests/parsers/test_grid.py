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
