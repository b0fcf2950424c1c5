"""Amounts stated in the prose of a department budget (预算编制说明, 三公 说明).

Every prose line outside the project sections is marked (TITLE for a short
heading, BOILERPLATE for page furniture such as "……" or "[bookmark: _GoBack]",
NARRATIVE otherwise) and searched for *stated budget amounts*:

- ``subject``: the 编制说明 list, '3.“一般行政管理事务” 科目19,601.92万元' →
  subject_name 一般行政管理事务 (as the tables print the subject).
- ``total``: '预算支出总额为42,925.24万元', '其中：财政拨款支出预算39,241.79万元',
  '本部门收入预算42924.24万元' → the total's own words (预算支出总额,
  财政拨款支出预算, 收入预算 …): a budget word with 收入/支出 and an optional
  fund (财政拨款, 一般公共预算拨款, 政府性基金拨款 …) right before the amount.
- ``three_public``: subject names are the 三公 table's measures, so a check can
  join them: 因公出国(境)费, 公务接待费, 公务用车购置及运行费-小计 /-购置费 /-运行费;
  the 三公 total is subject 三公经费 (the table's measure 合计).
- ``operating_cost``: 机关运行经费 (the table's measure 机关运行经费).
- ``procurement``: 政府采购预算 / 政府采购支出预算总额 (the 政府采购 table's total).
- ``target_projects``: '编报绩效目标的项目5个，涉及项目预算资金3328.13万元' → subject
  '编报绩效目标的项目5个' (the count, so a check compares only when the document prints them all).

Not stated budget amounts, so skipped (the line is still NARRATIVE): clauses
about changes or last year (比上年…, 增加, 减少, 增长, 下降), percentages, counts
(公务用车保有量3辆), and amounts of other things (政府采购货物预算, 基本支出预算, 培训费预算支出).
Text is split into clauses at ，。；、 and each clause gives at most one amount.
"""

from __future__ import annotations

import re
from decimal import Decimal

from .. import vocabulary
from ..amounts import NUMBER, parse_amount, printed_decimals
from ..ledger import Ledger
from ..prose import prose_kind
from ..records import BOILERPLATE, TITLE, NarrativeAmount, NarrativeChange
from ..text import Line, nfkc
from .narrative_changes import ChangeClaim, change_claims

FAMILY = "budget"

_NUM = rf"(?P<amount>{NUMBER})\s*(?P<unit>万元|元)"
_SUBJECT = re.compile(
    r"^\s*\d+\s*[.．、]?\s*[“\"]?\s*(?P<name>[^“”\"，。：:；;]+?)\s*[”\"]?\s*科目\s*(?:为|预算)?\s*" + _NUM
)
_CHANGE = re.compile(r"比上年|比(?:19|20)\d{2}年|上年|增加|减少|增长|下降|持平|同比|增幅|降幅")
_THREE_PUBLIC = (
    (re.compile(r"三公[”\"]?经费(?:预算数?|预算)?\s*(?:为|是)?\s*" + _NUM), "三公经费", "three_public"),
    (re.compile(r"因公出国\(境\)费(?:预算数?)?\s*(?:为|是)?\s*" + _NUM), "因公出国(境)费", "three_public"),
    (re.compile(r"公务接待费(?:预算数?)?\s*(?:为|是)?\s*" + _NUM), "公务接待费", "three_public"),
    (
        re.compile(r"公务用?车购置及运行(?:维护)?费(?:预算数?)?\s*(?:为|是)?\s*" + _NUM),
        "公务用车购置及运行费-小计",
        "three_public",
    ),
    (
        re.compile(r"(?:公务用车)?购置费(?:预算数?)?\s*(?:为|是)?\s*" + _NUM),
        "公务用车购置及运行费-购置费",
        "three_public",
    ),
    (
        re.compile(r"(?:公务用车)?运行(?:维护)?费(?:预算数?)?\s*(?:为|是)?\s*" + _NUM),
        "公务用车购置及运行费-运行费",
        "three_public",
    ),
    (re.compile(r"机关运行经费(?:预算数?)?\s*(?:为|是)?\s*" + _NUM), "机关运行经费", "operating_cost"),
)
_AMOUNT = re.compile(_NUM)
# The 说明's summary of other tables: the procurement total (not its 货物/工程/服务 parts, nor the
# 预留政府采购项目预算 set aside for small firms) and the projects with 绩效目标 with their total.
_PROCUREMENT = re.compile(r"政府采购(?:支出)?预算(?:总额|总金额)?\s*(?:为|是)?\s*" + _NUM)
_TARGET_COUNT = re.compile(r"绩效目标的项目共?\s*(?P<n>\d+)\s*个|共\s*(?P<m>\d+)\s*个项目实行绩效目标管理")
_TARGET_FUNDS = re.compile(r"涉及(?:项目预算资金|财政性资金)(?:合计|总额)?\s*(?:为|是)?\s*" + _NUM)
_TOTAL_LABEL = re.compile(
    r"((?:财政拨款|一般公共预算拨款|一般公共预算|政府性基金预算拨款|政府性基金拨款|政府性基金|"
    r"国有资本经营预算拨款|国有资本经营预算)?(?:预算)?(?:收入|支出)(?:预算)?(?:总额|总计|合计)?)$"
)
# A 收入/支出 word right after one of these is a part's amount, not the total's
# (基本支出预算, 培训费预算支出, 机关运行经费预算支出, 政府采购支出预算总额, 项目支出预算,
# 公务用车购置预算支出, 政府性基金支出预算支出: the fund's word was left before the match).
_PART_BEFORE_TOTAL_WORD = ("费", "基本", "项目", "采购", "购置", "支出", "收入")
_CLAUSE = re.compile(r"[，。；;、]")
_YEAR = vocabulary.YEAR_IN_TEXT
# A document title naming its department before the year: 江苏省人大常委会办公厅2019年度部门预算公开
# (not a numbered part of it: 第三部分 2018年部门预算情况说明)
_DEPARTMENT_TITLE = re.compile(
    r"^(?!第\S{1,3}部分)(?P<department>[^\d，。；：:、（(]{4,40}?)\s*(?:19|20)\d{2}\s*年度?\s*(?:区级)?部门预算"
)
# The same title over two lines (Jiangsu covers: 江苏省人大常委会办公厅 | 2017 年度部门预算).
_YEAR_TITLE = re.compile(r"^(?:19|20)\d{2}\s*年度?\s*(?:区级)?部门预算")
_DEPARTMENT_LINE = re.compile(r"^(?!第\S{1,3}部分)[^\d，。；：:、（(]{4,40}$")
# The cover's own statement (预算主管部门：…) names the department where the title names the district.
_DEPARTMENT_STATED = vocabulary.BUDGET_COVER_DEPARTMENT


class NarrativeReader:
    """Marks prose lines and collects the amounts they state."""

    def __init__(self, source_file: str, ledger: Ledger):
        self.source_file = source_file
        self.ledger = ledger
        self.years: list[int] = []
        self.title_department: str | None = None  # the first title naming a department before its year
        self._previous: str = ""  # the prose line before this one (a title's first line)
        self._stated = False  # the department taken from a 预算主管部门： line
        self._found: list[tuple[int, str, Decimal, str, str, str]] = []
        self._changes: list[tuple[int, ChangeClaim]] = []

    def line(self, line: Line) -> None:
        key = line.key
        kind = prose_kind(key)
        self.ledger.mark(line.no, kind, FAMILY)
        if kind == BOILERPLATE:
            return
        if kind == TITLE and "预算" in key:
            m = _YEAR.search(key)
            if m:
                self.years.append(int(m.group(1)))
        text = " ".join(line.texts)
        stated = _DEPARTMENT_STATED.match(text) if not self._stated else None
        if stated:
            self.title_department, self._stated = stated.group("department"), True
        elif self.title_department is None and len(key) <= 60:  # a title line, not a paragraph
            m = _DEPARTMENT_TITLE.match(key)
            if m:
                self.title_department = m.group("department")
            elif _YEAR_TITLE.match(key) and _DEPARTMENT_LINE.match(self._previous):
                self.title_department = self._previous
        self._previous = key
        self._found.extend((line.no, *hit, text) for hit in stated_amounts(text))
        self._changes.extend((line.no, claim) for claim in change_claims(text))

    def amounts(self, fiscal_year: int | None) -> list[NarrativeAmount]:
        return [
            NarrativeAmount(
                source_file=self.source_file,
                line_no=no,
                subject_name=subject,
                amount=amount,
                unit=unit,
                context=context,
                raw_text=raw,
                fiscal_year=fiscal_year,
                decimals=printed_decimals(amount),
            )
            for no, subject, amount, unit, context, raw in self._found
        ]

    def changes(self, fiscal_year: int | None) -> list[NarrativeChange]:
        return [
            NarrativeChange(
                source_file=self.source_file, line_no=no, form=c.form, subject_name=c.subject,
                budget_amount=c.budget, budget_places=c.budget_places, unit=c.unit, direction=c.direction,
                claim_text=c.claim_text, percent=c.percent, percent_places=c.percent_places,
                base_amount=c.base, base_places=c.base_places, change_amount=c.change,
                change_places=c.change_places, base_year=c.base_year, budget_year=c.budget_year,
                fiscal_year=fiscal_year, item_amount=c.item_amount, item_places=c.item_places,
            )
            for no, c in self._changes
        ]


def stated_amounts(text: str) -> list[tuple[str, Decimal, str, str]]:
    """(subject_name, amount, unit, context) for each budget amount the text states."""
    subject = _SUBJECT.match(text)
    if subject:
        amount = parse_amount(subject.group("amount"))
        name = subject.group("name").strip()
        return [(name, amount, subject.group("unit"), "subject")] if amount is not None and name else []
    out = []
    for clause in _CLAUSE.split(text):
        clause = nfkc(clause).strip()
        # Every amount these read ends in 元 (_NUM): a clause without it (most) is skipped at once.
        if "元" not in clause or _CHANGE.search(clause) or "%" in clause:
            continue
        hit = _three_public(clause) or _procurement(clause) or _total(clause)
        if hit:
            out.append(hit)
    return out + _target_projects(nfkc(text))


def _procurement(clause: str):
    m = _PROCUREMENT.search(clause)
    amount = parse_amount(m.group("amount")) if m else None
    return None if amount is None else ("政府采购预算", amount, m.group("unit"), "procurement")


def _target_projects(text: str) -> list:
    """The projects with 绩效目标 and their funds: the count and the amount follow each other."""
    count = _TARGET_COUNT.search(text)
    funds = _TARGET_FUNDS.search(text, count.end()) if count else None
    amount = parse_amount(funds.group("amount")) if funds else None
    if amount is None:
        return []
    return [(f"编报绩效目标的项目{count.group('n') or count.group('m')}个", amount, funds.group("unit"),
             "target_projects")]


def _three_public(clause: str):
    for pattern, subject, context in _THREE_PUBLIC:
        m = pattern.search(clause)
        if m:
            amount = parse_amount(m.group("amount"))
            if amount is not None:
                return subject, amount, m.group("unit"), context
    return None


def _total(clause: str):
    m = _AMOUNT.search(clause)
    if not m:
        return None
    label = clause[: m.start()].rstrip(" 为是共计:：")
    t = _TOTAL_LABEL.search(label)
    if not t or "预算" not in t.group(1) or label[: t.start()].endswith(_PART_BEFORE_TOTAL_WORD):
        return None
    amount = parse_amount(m.group("amount"))
    if amount is None:
        return None
    return t.group(1), amount, m.group("unit"), "total"
