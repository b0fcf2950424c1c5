"""The budget walker's substring shortcuts: a row without 标 skips the target-title tests, a first
text without 表 the budget-title tests, a text without 表 the table-number regexes. Sound only if
NFKC (text.norm) makes neither character of any other, and every title the regexes take prints it."""

import sys
import unicodedata
from decimal import Decimal

from dagster_project.parsers import vocabulary
from dagster_project.parsers.amounts import printed_decimals


def test_no_other_character_normalises_to_the_shortcut_characters():
    changed = (chr(c) for c in range(sys.maxunicode + 1) if not unicodedata.is_normalized("NFKC", chr(c)))
    found = [hex(ord(ch)) for ch in changed if "标" in (n := unicodedata.normalize("NFKC", ch)) or "表" in n]
    assert found == []


def test_every_title_the_regexes_take_prints_the_shortcut_character():
    for title in ("上海市财政支出项目绩效目标", "财政项目支出绩效目标", "项目支出绩效目标申报表"):
        assert vocabulary.TARGET_TITLE.search(title) and "标" in title
    assert "标" in vocabulary.TARGET_TITLE.pattern and vocabulary.TARGET_TITLE.pattern.count("目标") == 3
    # every alternative of BUDGET_TITLE ends in 表 (…表$ | …); every table number prints 表
    assert all("表" in alternative for alternative in vocabulary.BUDGET_TITLE.pattern.split("$|"))
    assert vocabulary.without_table_number("公开01表：收支预算总表") == "收支预算总表"
    assert vocabulary.without_table_number("收支预算总表（表一）") == "收支预算总表"
    assert vocabulary.without_table_number("  项目名称 ") == "  项目名称 "
    # the suffix's bracket test (only whitespace after it): each form as the regex alone reads it
    titles = ("收支预算总表 (公开 02 表) \u3000", "收支预算总表（表一）\n", "总表(表1)x", "(表1)总表")
    for title in titles:
        expected = vocabulary.TABLE_NUMBER_SUFFIX.sub("", title, count=1)
        assert vocabulary.without_table_number(title) == expected
    assert vocabulary.without_table_number("收支预算总表 (公开 02 表) \u3000") == "收支预算总表"


def test_printed_decimals_reads_the_exponent_as_printed():
    cases = {"17,192".replace(",", ""): 0, "1203.00": 2, "-0.00": 2, "5.": 0, ".5": 1, "0.0000001": 7,
             "1E+3": 0, "1.5E-9": 10, "12345678901234567890.123": 3, "0E-8": 8}
    assert {text: printed_decimals(Decimal(text)) for text in cases} == cases
    assert printed_decimals(Decimal("NaN")) is None and printed_decimals(Decimal("-Infinity")) is None
    assert printed_decimals(None) is None
