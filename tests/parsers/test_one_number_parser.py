"""One number parser (parsers/amounts.py) and one wrap-joining rule (parsers/text.py).

Every family turns printed text into numbers with amounts.parse_amount, finds a number inside
a sentence with amounts.NUMBER, and glues a cell's wrapped pieces with text.glue; no other
parser module keeps a copy of its own (the ast scan at the end).
"""

from __future__ import annotations

import ast
import re
import unicodedata
from decimal import Decimal
from pathlib import Path

from dagster_project.parsers import budget_amount, change_claims, parse_text
from dagster_project.parsers.amounts import (
    NUMBER,
    chinese_number,
    is_plain_number,
    parse_amount,
    printed_decimals,
)
from dagster_project.parsers.indicator_values import read_value
from dagster_project.parsers.model import Document
from dagster_project.parsers.text import glue, join_wrapped

ROOT = Path(__file__).resolve().parents[2]
PARSERS = ROOT / "dagster_project" / "parsers"


def test_a_printed_number():
    printed = ["1,234.50", "１，２３４．５０", "74,696", "100.00%", "12.5万元", "−5", "-5", "1,23", "≥600.00(人)", "-"]
    assert [parse_amount(p) for p in printed] == [
        Decimal("1234.50"), Decimal("1234.50"), Decimal(74696), Decimal("100.00"), Decimal("12.5"),
        Decimal(-5), Decimal(-5), None, None, None,
    ]
    assert [printed_decimals(parse_amount(p)) for p in ("1,203.00", "17,192", "12.5%")] == [2, 0, 1]
    assert [chinese_number(k) for k in ("二十", "一百零五", "二二")] == [20, 105, None]
    assert [is_plain_number(k) for k in ("10", "9.50", "1,000", "10%", "合计")] == [True, True, False, False, False]


def test_a_number_inside_a_sentence():
    # After NFKC the sentence comma '，' is ',': it ends a number, it does not group one;
    # a badly grouped figure (1,2345) is not read as a smaller number inside it.
    text = unicodedata.normalize("NFKC", "预算100，其中1,234.50万元，增长12.5%，另1,2345元")
    assert re.findall(NUMBER, text) == ["100", "1,234.50", "12.5"]


def test_every_family_reads_a_number_alike():
    # The same printed amount, full-width, read by the target form, the indicator values and the
    # budget narrative's change claims: one value, one precision.
    assert budget_amount("年度预算安排１，２３４．５０万元") == (Decimal("1234.50"), "万元", False)
    reading = read_value("１，２３４．５０万元")
    assert (reading.value, reading.unit) == (Decimal("1234.50"), "万元")
    (claim,) = change_claims("2023年执行数为1,000.00万元，2024年预算数为1,100.5万元，比上年增加10.05%。")
    assert (claim.base, claim.base_places, claim.budget, claim.budget_places, claim.percent, claim.percent_places) == (
        Decimal("1000.00"), 2, Decimal("1100.5"), 1, Decimal("10.05"), 2
    )


def test_a_budget_text_whose_amount_ends_at_a_sentence_comma():
    # The form's own pattern took '100,' (the NFKC'd '，') for a grouped number and found no amount.
    assert budget_amount("年度预算安排100，用于场地租赁") == (Decimal(100), "元", False)


def test_one_wrap_rule():
    assert glue(["服务对象满意", "度指标"]) == "服务对象满意度指标"
    assert glue(["ISO", "9001认证"]) == "ISO 9001认证"
    assert glue(["12345", "6.78万元"]) == "123456.78万元"  # a figure wrapped in a narrow column (the PDF reader's rule)
    assert join_wrapped(["  项目", "-", "资金 "]) == "项目资金"
    builder = Document("pdf")
    builder.add_row(["服务对象\n满意度", "ISO\n9001"])
    assert builder.blocks[0].cells == ("服务对象满意度", "ISO 9001")


def test_a_self_evaluation_reason_over_extra_cells_joins_as_a_wrapped_cell():
    # An indicator row without weight and score whose reason spreads over two cells: the
    # self-evaluation joined them with a space, the tracking table as a wrapped cell; now both wrap.
    text = (
        "财政项目支出绩效自评表\n(2024年度)\n项目名称\t就业见习补贴\n"
        "一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t偏差原因分析及改进措施\n"
        "产出指标\t数量指标\t见习人数\t≥200(人)\t150(人)\t岗位开发\t不足\n"
    )
    (row,) = parse_text(text, "se.txt").indicators
    assert (row.indicator_name, row.target_text, row.actual_text, row.deviation_reason) == (
        "见习人数", "≥200(人)", "150(人)", "岗位开发不足"
    )


# ---------------------------------------------------------------- no copies in the parsers

# A number regex: a decimal part, a thousands group, or digits run together with separators.
_NUMBER_SIGNS = (r"\.\d", r",\d{3}", r"[\d,", r"[\d.", r"\d[\d")
# Patterns that hold a number sign for another reason, with that reason.
_NOT_A_NUMBER_PARSER = {
    ("readers/pdf.py", "_FIGURE_CHAR"): "one glyph of a figure, to place its characters together, not a value read",
}


def _patterns(tree: ast.Module):
    """(name, string constant) of every string in a module-level assignment or a re.* call."""
    assigned = set()
    for stmt in tree.body:
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is not None:
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            name = ", ".join(ast.unparse(t) for t in targets)
            assigned.update(id(n) for n in ast.walk(stmt.value))
            yield from ((name, c) for c in ast.walk(stmt.value) if isinstance(c, ast.Constant))
    for node in ast.walk(tree):
        if id(node) in assigned:
            continue
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and ast.unparse(node.func.value) == "re":
            yield from ((f"re.{node.func.attr}", c) for c in ast.walk(node) if isinstance(c, ast.Constant))


def _own_rules(path: Path, tree: ast.Module) -> list[str]:
    rel = path.relative_to(PARSERS).as_posix()
    found = [
        f"{rel}:{const.lineno} {name}: number regex {const.value!r}"
        for name, const in _patterns(tree)
        if isinstance(const.value, str) and any(s in const.value for s in _NUMBER_SIGNS)
        and (rel, name) not in _NOT_A_NUMBER_PARSER
    ]
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        call = ast.unparse(node.func)
        if call == "Decimal" and node.args and isinstance(node.args[0], ast.Call):
            found.append(f"{rel}:{node.lineno} Decimal of a cleaned string: {ast.unparse(node)}")
        if call.endswith(".isascii"):  # the wrap rule's test (a space only between Latin words)
            found.append(f"{rel}:{node.lineno} a wrap-joining rule: {ast.unparse(node)}")
    return found


def test_no_parser_keeps_its_own_number_parser_or_wrap_rule():
    found = []
    for path in sorted(PARSERS.rglob("*.py")):
        if path.name in ("amounts.py", "text.py"):
            continue
        found += _own_rules(path, ast.parse(path.read_text(encoding="utf-8")))
    assert found == []


def test_the_scan_finds_a_copy():
    copy = ast.parse(
        '_NUM = r"\\d[\\d,]*(?:\\.\\d+)?"\n'
        "def _number(t):\n    return Decimal(t.replace(',', ''))\n"
        "def _join(a, b):\n    return a + (' ' if a[-1].isascii() and b[0].isascii() else '') + b\n"
    )
    assert [f.split(" ", 2)[1] for f in _own_rules(PARSERS / "x.py", copy)] == ["_NUM:", "Decimal", "a", "a"]
