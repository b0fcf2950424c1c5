"""Change claims stated in a budget's prose: two amounts (or an amount and its change) and a percent.

Two forms are printed:

- ``stated``: both amounts, then the percent —
  '2022年当年预算执行数为1.48万元，2023年预算安排2.63万元，比2022年预算执行数增加77.70%'
  → base 1.48, budget 2.63, 增加, 77.70.
- ``implied``: the budget amount, then the change in 万元 and in percent —
  '公共安全（类）支出16,593.12 万元。…与上年相比增加134.37万元，增长0.82 %'
  → budget 16,593.12, change +134.37 (so base = budget − change), 增长, 0.82.

Each number keeps the count of decimals it is printed with, because the check's tolerance follows
the printed precision. The verb gives the direction: 增加/增长 up, 减少/下降 down, 持平 flat.
A template's '增加（减少）0万元' states no direction and is not a claim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from .. import vocabulary
from ..amounts import NUMBER, parse_amount, printed_decimals
from ..text import nfkc

UP, DOWN, FLAT = "increase", "decrease", "flat"
DIRECTIONS = {"增加": UP, "增长": UP, "上升": UP, "提高": UP, "减少": DOWN, "下降": DOWN, "降低": DOWN,
              "持平": FLAT}

_NUM = NUMBER
_VERB = "|".join(DIRECTIONS)
_STATED = re.compile(
    rf"(?P<base_year>(?:19|20)\d\d)\s*年[^，。；]*?执行数?\s*(?:为|是)?\s*(?P<base>{_NUM})\s*(?P<base_unit>万元|元)\s*[，,]\s*"
    rf"(?P<budget_year>(?:19|20)\d\d)\s*年[^，。；]*?(?:预算安排|预算数|预算)\s*(?:为|是)?\s*(?P<budget>{_NUM})\s*"
    rf"(?P<budget_unit>万元|元)\s*[，,]\s*比[^，。；%]*?(?P<verb>{_VERB})了?\s*(?:(?P<percent>{_NUM})\s*%)?"
)
_IMPLIED = re.compile(
    rf"(?P<budget>{_NUM})\s*(?P<budget_unit>万元|元)(?P<between>.*?)(?:与上年相比|比上年|比(?:19|20)\d\d\s*年)"
    rf"[^。；\d%]*?(?P<change_verb>增加|减少)了?\s*(?P<change>{_NUM})\s*(?P<change_unit>万元|元)\s*[，,]\s*"
    rf"(?P<verb>{_VERB})了?\s*(?P<percent>{_NUM})\s*%"
)
_NOT_SUBJECT = re.compile(r"(?:19|20)\d\d\s*年|执行|上年|比|增|减|%")
_MAX_SUBJECT = 80  # characters of an item's subject before its first amount
_ITEM_START = vocabulary.ORDINAL  # 一、/（一）/1、 before an item's subject


@dataclass(frozen=True)
class ChangeClaim:
    form: str  # stated | implied
    subject: str  # the item's subject as printed (its quoted name, or the words before the amount)
    budget_year: int | None
    budget: Decimal
    budget_places: int
    unit: str  # 元 | 万元 (of budget, base and change)
    direction: str  # increase | decrease | flat
    percent: Decimal | None
    percent_places: int | None
    base_year: int | None = None
    base: Decimal | None = None
    base_places: int | None = None
    change: Decimal | None = None
    change_places: int | None = None
    claim_text: str = ""
    item_amount: Decimal | None = None  # the amount the item states first for its subject (stated form)
    item_places: int | None = None


def places(printed: str) -> int:
    """Decimals a number is printed with: '77.70' → 2, '3,666' → 0."""
    return printed_decimals(parse_amount(printed))


def change_claims(text: str) -> list[ChangeClaim]:
    """Every change claim of a prose line, in the order printed."""
    text = nfkc(text)
    if "元" not in text:  # both forms print their amounts in 元 or 万元: most lines are out at once
        return []
    claims, taken = [], []
    for m in _STATED.finditer(text):
        if m.group("base_unit") != m.group("budget_unit") or (m.group("percent") is None and m.group("verb") != "持平"):
            continue
        taken.append(m.span())
        item = _item_amount(text[: m.start()], m.group("budget_unit"))
        claims.append((m.start(), ChangeClaim(
            form="stated", subject=_subject(text, m.start()), budget_year=int(m.group("budget_year")),
            budget=parse_amount(m.group("budget")), budget_places=places(m.group("budget")),
            unit=m.group("budget_unit"), direction=DIRECTIONS[m.group("verb")],
            percent=_number(m.group("percent")), percent_places=_places_or_none(m.group("percent")),
            base_year=int(m.group("base_year")), base=parse_amount(m.group("base")),
            base_places=places(m.group("base")), claim_text=m.group(0).strip(),
            item_amount=parse_amount(item) if item else None, item_places=places(item) if item else None,
        )))
    for m in _implied(text):
        if any(a <= m.start("budget") < b for a, b in taken) or m.group("budget_unit") != m.group("change_unit"):
            continue
        # the change's own verb says the sign; the percent's verb must agree (else the direction is unclear)
        direction = DIRECTIONS[m.group("change_verb")]
        if DIRECTIONS[m.group("verb")] != direction:
            continue
        claims.append((m.start(), ChangeClaim(
            form="implied", subject=_subject(text, m.start()), budget_year=None,
            budget=parse_amount(m.group("budget")), budget_places=places(m.group("budget")),
            unit=m.group("budget_unit"), direction=direction,
            percent=_number(m.group("percent")), percent_places=places(m.group("percent")),
            change=parse_amount(m.group("change")), change_places=places(m.group("change")),
            claim_text=m.group(0).strip(),
        )))
    return [claim for _start, claim in sorted(claims, key=lambda c: c[0])]


def _implied(text: str):
    """Matches of the implied form whose budget amount is the last amount before 与上年相比."""
    for m in _IMPLIED.finditer(text):
        between = m.group("between")
        # a later amount before the comparison is the one compared: let the search restart there
        inner = list(re.finditer(rf"{_NUM}\s*(?:万元|元)", between))
        if inner:
            again = _IMPLIED.match(text, m.start("between") + inner[-1].start())
            if again:
                yield again
            continue
        yield m


def _item_amount(head: str, unit: str) -> str | None:
    """The amount an item states right after its subject ('“…（项）”350.35万元，主要用于…'), printed,
    when nothing but the subject comes before it (no year, execution or change words)."""
    m = re.search(rf"({_NUM})\s*(万元|元)", head)
    if not m or m.group(2) != unit or _NOT_SUBJECT.search(head[: m.start()]) or m.start() > _MAX_SUBJECT:
        return None
    return m.group(1)


def _subject(text: str, start: int) -> str:
    """The words of the item before the claim: from the last sentence break, numbering stripped."""
    head = text[:start]
    quoted = re.findall(r"[“\"]([^”\"]+)[”\"]", head)
    if quoted:  # a 说明 item names its subject in quotes at its start, before 主要用于…
        return quoted[-1].strip()
    cut = max(head.rfind(p) for p in "。；;")
    words = _ITEM_START.sub("", head[cut + 1:]).strip(" ，,:：")
    if not words:  # the claim opens its sentence: the item's subject is what precedes its first amount
        first = re.search(rf"{_NUM}\s*(?:万元|元)", head)
        words = _ITEM_START.sub("", head[: first.start()] if first else "").strip(" ，,:：")
    words = re.sub(rf"{_NUM}\s*(?:万元|元)?$", "", words).strip(" ，,:：")
    return re.sub(r"^此外[,，]?|(?:为|是)$", "", words).strip(" ，,:：")[:60]  # '此外，基本支出预算数为' → 基本支出预算数


def _number(printed: str | None) -> Decimal | None:
    return None if printed is None else parse_amount(printed)


def _places_or_none(printed: str | None) -> int | None:
    return None if printed is None else places(printed)
