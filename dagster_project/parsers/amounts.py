"""Printed numbers → Decimal, and money-unit labels → 元 / 万元. No conversion here."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from .text import nfkc

_DECIMAL = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
# A cell that is already a plain ASCII number needs none of the normalising below.
_ASCII_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)", re.ASCII)
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")
_ASCII_GROUPED = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?", re.ASCII)
_UNIT_IN_LABEL = re.compile(r"[(（]\s*(万元|元)\s*[)）]|单位\s*[:：]?\s*(万元|元)")

# A number printed inside a text (a sentence, a cell with a unit or an operator): digits, thousands
# grouped by three (1,234.50), decimals; never a piece of a longer figure ('1,2345' or the '5' of '12.5').
# A comma not followed by a digit ends the number: after NFKC the sentence comma '，' is ',' ('100，其中').
# Match it on NFKC text; the matched token parses with parse_amount.
NUMBER = r"(?<![\d,.])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?!\d|,\d|\.\d)"
# A plain number as a weight or score cell prints it: no grouping, no unit (NFKC text).
_PLAIN_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")

# A count written in Chinese numerals (二十 人, 三 次): the digits and the multipliers.
_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_MULTIPLIERS = {"十": 10, "百": 100, "千": 1000}
CHINESE_NUMBER = rf"[{''.join(_CN_DIGITS)}{''.join(_CN_MULTIPLIERS)}]+"


def is_plain_number(key: str) -> bool:
    """A normalised cell that is a plain number ('10', '9.50'). A match ends in a digit; testing that
    first spares the regex call for the many text cells."""
    return key[-1:].isdigit() and _PLAIN_NUMBER.match(key) is not None


def parse_amount(cell: str | None) -> Decimal | None:
    """A printed number as Decimal, or None when the cell is not a plain number.

    Accepts thousands separators (74,696), a trailing % (100.00%), full-width
    digits, the minus sign − and a trailing unit (万元/元). Anything else, e.g. '≥600.00(人)', is
    text and returns None.
    """
    if cell is None:
        return None
    if _ASCII_NUMBER.fullmatch(cell):
        return Decimal(cell)
    if _ASCII_GROUPED.fullmatch(cell):  # 1,234.56: the other usual amount, also needs no normalising
        return Decimal(cell.replace(",", ""))
    s = nfkc(cell).strip().replace(" ", "").replace("\u2212", "-")  # − (minus sign): NFKC keeps it
    for suffix in ("%", "万元", "元"):
        if s.endswith(suffix):
            s = s[: -len(suffix)]
            break
    if not s:
        return None
    if "," in s:
        if not _GROUPED.match(s):
            return None
        s = s.replace(",", "")
    if not _DECIMAL.match(s):
        return None
    try:
        return Decimal(s)
    except InvalidOperation:  # pragma: no cover - guarded by the regex
        return None


def printed_decimals(amount: Decimal | None) -> int | None:
    """How many decimals the document printed (parse_amount keeps them: '1,203.00' → 2, '17,192' → 0).

    The checks' tolerances follow this precision: a figure stands for anything that rounds to it.
    """
    if amount is None:
        return None
    # str() prints a finite amount's exponent as its digits after the point unless it needs an E
    # (a positive exponent, or a tiny number): twice as fast as as_tuple(), which copies the digits.
    text = str(amount)
    if "E" not in text and amount.is_finite():
        point = text.find(".")
        return 0 if point < 0 else len(text) - point - 1
    exponent = amount.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else None


def is_amount(cell: str | None) -> bool:
    return parse_amount(cell) is not None


@lru_cache(maxsize=4096)  # labels repeat (项目资金（万元）, 单位：元 …): each is normalised and searched once
def money_unit(label: str | None) -> str | None:
    """The money unit a label announces: '项目资金 (万元)' → '万元', '单位：元' → '元'."""
    if not label:
        return None
    m = _UNIT_IN_LABEL.search(nfkc(label))
    if not m:
        return None
    return m.group(1) or m.group(2)


def chinese_number(token: str) -> Decimal | None:
    """二 → 2, 十二 → 12, 一百零五 → 105, 三千 → 3000; anything else (二二, 百百) is not a number."""
    total, digit, last_multiplier = 0, None, 10_000
    for ch in token:
        if ch in _CN_DIGITS:
            if digit:  # two digits in a row (二二): not a number
                return None
            digit = _CN_DIGITS[ch]
        else:
            multiplier = _CN_MULTIPLIERS[ch]
            if multiplier >= last_multiplier or digit == 0:
                return None
            total += (1 if digit is None else digit) * multiplier
            digit, last_multiplier = None, multiplier
    return Decimal(total + (digit or 0))
