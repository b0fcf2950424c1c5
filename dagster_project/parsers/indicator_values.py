"""What an indicator's target and actual texts say: operator, value, unit, and whether it was met.

Pure functions over the printed texts (年度指标值 / 指标目标值 and 实际完成值 /
跟踪期实际完成值). The texts stay in the warehouse as printed; this is their reading.

A text is read as ``[label] [operator] number [unit] [bound suffix] [note]``:
``≥95%``, ``=3000件``, ``≤0.15(万元/课时)``, ``满意度≥95%``, ``大于0``, ``90%以上``,
``二小时内响应``, ``100%(按实际需求进行维护)``, or as a range ``1-2次``. A text
without any digit that is not such a reading (``及时``, ``有效``, ``健全``) is
``qualitative``. A text with digits that does not fit (``较2021年增多``,
``2024年重阳节前``, ``100%大于0``, a lone ``≥``) is unknown: operator, value and unit NULL.

A bare value (``100%``, ``15人``) states the target but not its direction
(at least? exactly? at most?), so its operator is NULL while its value is kept.

Achievement, in this order (anything else is ``unknown``; nothing is guessed):
1. no actual text → unknown;
2. the actual is an explicit verdict: 达成指标 / 已完成 / 达标 … → met;
   未达成 / 部分达成 / 未完成 … → not_met (partly achieved is not met);
3. the actual restates the target (same text, ignoring spaces and a trailing
   note in brackets) → met; for a qualitative target that is the only way to
   be met, and 是 against 否 (or back) is not_met;
4. a numeric target against a numeric actual in the same unit (an actual
   without a unit is read in the target's unit; different units are never
   converted) → compared: met / not_met. A bare target is met only when the
   actual equals it (whatever the direction, reaching the value exactly meets
   it); otherwise unknown. An actual that is itself a bound (``≥10人``) is met
   when its bound implies the target's, else unknown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from .amounts import CHINESE_NUMBER, NUMBER, chinese_number, parse_amount

MET, NOT_MET, UNKNOWN = "met", "not_met", "unknown"
QUALITATIVE, RANGE = "qualitative", "range"

# Longest spellings first, so 大于等于 is not read as 大于.
_OPERATORS = [
    (">=", ("大于或等于", "大于等于", "不低于", "不少于", "不小于", "至少", ">=", "≥", "≧")),
    ("<=", ("小于或等于", "小于等于", "不高于", "不超过", "不多于", "不大于", "至多", "最多", "<=", "≤", "≦")),
    (">", ("大于", "高于", "超过", "多于", ">")),
    ("<", ("小于", "低于", "少于", "<")),
    ("=", ("等于", "=")),
]
_OPERATOR_OF = {spelling: op for op, spellings in _OPERATORS for spelling in spellings}
_OPERATOR_RE = "|".join(re.escape(s) for s in sorted(_OPERATOR_OF, key=len, reverse=True))
# 以上 / 以内 read inclusively, as in Chinese statutes and budget rules.
_SUFFIX_OF = {"及以上": ">=", "以上": ">=", "及以下": "<=", "以下": "<=", "以内": "<=", "之内": "<=", "内": "<="}
_SUFFIX_RE = "|".join(sorted(_SUFFIX_OF, key=len, reverse=True))

# Measure words a unit printed without brackets may be built from (joined by /).
# Bracketed units (the budget system's `=100.00(%)` form) may also be any short word.
_UNIT_WORDS = frozenset({
    "%", "‰", "元", "万元", "亿元", "万", "亿", "件", "人", "人次", "万人", "万人次", "次", "家", "个", "场", "份", "本",
    "册", "课时", "小时", "分钟", "天", "日", "周", "月", "年", "季度", "项目", "项", "车", "辆", "顿", "例", "起", "户",
    "所", "台", "套", "篇", "期", "批", "名", "位", "处", "条", "座", "间", "张", "台次", "门", "节", "部", "种", "类",
    "平方米", "米", "公里", "千米", "吨", "亩", "岁", "床", "张次", "单", "宗", "户次", "批次", "班", "场次", "课", "学时",
})
_NUMBER = rf"[+-]?{NUMBER}|{CHINESE_NUMBER}"
_WIDE = str.maketrans("（）＜＞＝％．，～：", "()<>=%.,~:")

_VALUE_RE = re.compile(
    rf"^(?P<label>[^\d]*?)(?P<op>{_OPERATOR_RE})?"
    rf"(?P<num>{_NUMBER})(?P<unit>\([^()]*\)|[^\d()]*?)"
    rf"(?:(?:-|~|—|至|到)(?P<num2>{_NUMBER})(?P<unit2>\([^()]*\)|[^\d()]*?))?"
    rf"(?:(?P<suffix>{_SUFFIX_RE})(?P<tail>[^\d()]*))?(?P<note>\(.*\))?$"
)
# Compiled once: a module-level re.sub / re.search looks its pattern up in re's cache on every call
# (a Python step each), and a text not read before takes six of them.
_SPACES = re.compile(r"\s+")
_DIGIT = re.compile(r"\d")
_DIGIT_OR_COMPARISON = re.compile(r"[\d<>=≥≤≧≦]")
_NOTE_AT_END = re.compile(r"\([^()]*\)$")
_MET_VERDICTS = ("达成指标", "已达成", "全部达成", "达成", "已完成", "全部完成", "完成", "已达到", "达到", "达标", "已实现")
_NOT_MET_VERDICTS = ("未达成", "部分达成", "未完成", "部分完成", "未达到", "没有达成", "未达标", "不达标", "未实现")
_OPPOSITES = {("是", "否"), ("否", "是"), ("有", "无"), ("无", "有")}


@dataclass(frozen=True)
class Reading:
    """One text read: operator (or qualitative / None), value(s) and unit."""

    operator: str | None = None
    value: Decimal | None = None
    value_max: Decimal | None = None
    unit: str | None = None


# The readings without a value, made once (frozen: one object serves every text so read).
_UNREAD, _QUALITATIVE = Reading(), Reading(operator=QUALITATIVE)


@dataclass(frozen=True)
class Meaning:
    target: Reading
    actual: Reading
    achievement: str


@lru_cache(maxsize=4096)  # each text is read, then compared (_strip_note); targets repeat
def _normal(text: str) -> str:
    return _SPACES.sub("", text.translate(_WIDE))


def _number(token: str) -> Decimal | None:
    if token[0].isdigit() or token[0] in "+-":
        return parse_amount(token)
    return chinese_number(token)


def _unit(raw: str) -> tuple[bool, str | None]:
    """(is a unit, the unit): measure words joined by /; in brackets also any word of one or two characters."""
    if not raw:
        return True, None
    if raw.startswith("("):
        inner = raw[1:-1]
        words = inner.split("/")
        if not inner or _DIGIT.search(inner) or not all(w in _UNIT_WORDS or 0 < len(w) <= 2 for w in words):
            return False, None  # `(2.87)`, `(按实际需求)`: a bracketed note, not a unit
        return True, inner
    return all(word in _UNIT_WORDS for word in raw.split("/")), raw


@lru_cache(maxsize=4096)  # a target (≥95%, 达成) recurs with many actuals: read once
def read_value(text: str | None) -> Reading:
    """Read one printed target or actual value."""
    if text is None or not text.strip():
        return _UNREAD
    norm = _normal(text)
    m = _VALUE_RE.match(norm)
    reading = _numeric(m) if m else None
    if reading is not None:
        return reading
    if _DIGIT_OR_COMPARISON.search(norm):
        return _UNREAD  # digits or a comparison we cannot place (`≥` alone): unknown, not qualitative
    return _QUALITATIVE


def _numeric(m: re.Match) -> Reading | None:
    """The numeric reading of a match; None when the text is not a number after all (一体化)."""
    value = _number(m["num"])
    if value is None:
        return None
    is_unit, unit = _unit(m["unit"])
    if not is_unit:
        if not m["unit"].startswith("(") or m["note"] or m["suffix"]:
            return None
        unit = None  # `≤2.87(2.87)`: a value with a bracketed note
    op = _OPERATOR_OF.get(m["op"]) if m["op"] else None
    suffix = _SUFFIX_OF.get(m["suffix"]) if m["suffix"] else None
    if suffix:
        if op not in (None, "=", suffix):
            return None  # `≤90%以上`: contradicts itself
        op = suffix  # `=2小时内响应` reads "is: within 2 hours"
    # A label (满意度≥95%) needs an explicit operator (the regex lets a tail like 响应 follow only a suffix).
    if m["label"] and not m["op"]:
        return None
    if "每" in m["label"]:
        return _UNREAD  # 每月至少一次: a rate per period the unit would not show — unknown
    if m["num2"] is None:
        return Reading(op, value, None, unit)
    high = _number(m["num2"])
    is_unit2, unit2 = _unit(m["unit2"])
    if op or high is None or not is_unit2 or (unit and unit2 and unit != unit2) or high < value:
        return None
    return Reading(RANGE, value, high, unit2 or unit)


def _strip_note(text: str) -> str:
    return _NOTE_AT_END.sub("", _normal(text)).rstrip("。.;；,，")


def _compare(op: str, actual: Decimal, target: Decimal, target_max: Decimal | None) -> bool:
    return {
        ">=": actual >= target,
        "<=": actual <= target,
        "=": actual == target,
        ">": actual > target,
        "<": actual < target,
        RANGE: target_max is not None and target <= actual <= target_max,
    }[op]


def _bound_implies(actual: Reading, target: Reading) -> bool:
    """Does "x {actual.operator} v" guarantee "x {target.operator} w"?"""
    v, w = actual.value, target.value
    if actual.operator in (">=", ">") and target.operator in (">=", ">"):
        return v > w or (v == w and (target.operator == ">=" or actual.operator == ">"))
    if actual.operator in ("<=", "<") and target.operator in ("<=", "<"):
        return v < w or (v == w and (target.operator == "<=" or actual.operator == "<"))
    return False


def achievement(target_text: str | None, actual_text: str | None, target: Reading, actual: Reading) -> str:
    """met / not_met / unknown, by the rules in the module docstring."""
    if actual_text is None or not actual_text.strip():
        return UNKNOWN
    said = _strip_note(actual_text)
    if said.startswith(_NOT_MET_VERDICTS):
        return NOT_MET
    if said in _MET_VERDICTS:
        return MET
    if target_text is None or not target_text.strip():
        return UNKNOWN
    stated = _strip_note(target_text)
    if said == stated:
        return MET
    if target.operator == QUALITATIVE:
        return NOT_MET if (stated, said) in _OPPOSITES else UNKNOWN
    if target.value is None or actual.value is None or actual.operator in (QUALITATIVE, RANGE):
        return UNKNOWN
    if target.unit and actual.unit and target.unit != actual.unit:
        return UNKNOWN  # 万元 against 元: never converted here
    if actual.operator not in (None, "="):
        # The actual is itself a bound (≥10人): met when it guarantees the target, else undecided.
        return MET if _bound_implies(actual, target) else UNKNOWN
    if target.operator is None:
        return MET if actual.value == target.value else UNKNOWN
    return MET if _compare(target.operator, actual.value, target.value, target.value_max) else NOT_MET


@lru_cache(maxsize=1 << 16)  # few distinct (target, actual) pairs recur across millions of rows
def interpret(target_text: str | None, actual_text: str | None) -> Meaning:
    """Read both texts and decide whether the actual meets the target."""
    target, actual = read_value(target_text), read_value(actual_text)
    return Meaning(target, actual, achievement(target_text, actual_text, target, actual))
