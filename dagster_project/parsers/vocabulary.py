"""Titles every family recognises, in one place (used by the segmenter and the family parsers).

Matched against normalised text (``text.norm``: NFKC, no whitespace).
"""

from __future__ import annotations

import re

# A department-budget table title. The Shanghai template names the department
# (2020年部门收入预算总表, 部门“三公”经费和机关运行经费预算表); other provinces print
# the bare table name (收支预算总表, 财政拨款支出预算表, 政府采购支出预算表).
# The template's number of a table, printed before its title with a colon (Jiangsu 2018:
# 公开01 表：收支预算总表) or on a line of its own (公开01表, 公开表一, 表一).
_NUMERAL = r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})"
TABLE_NUMBER = re.compile(rf"^(?:公开|附)?(?:表{_NUMERAL}|{_NUMERAL}表)(?:-\d+)?$")
TABLE_NUMBER_PREFIX = re.compile(rf"^(?:公开|附)?\s*(?:表\s*{_NUMERAL}|{_NUMERAL}\s*表)\s*[：:]\s*")

BUDGET_TITLE = re.compile(
    r"(部门|单位).*预算(总)?表$|经费预算表$|预算支出.*分类预算表$|政府采购(支出)?预算表$"
    r"|^[^，。；：:]{0,40}(收支|收入|支出)预算(总)?表(?:[(（](?:功能|经济)(?:分类)?科目[)）])?$"
)


def without_table_number(text: str) -> str:
    """A title without the template's table number before it (公开01 表：收支预算总表 → 收支预算总表)."""
    return TABLE_NUMBER_PREFIX.sub("", text, count=1)


# A performance-target table title: 上海市财政支出项目绩效目标 (budget documents),
# 财政项目支出绩效目标填报表 / 申报表 (the form a project files with its budget), or the
# budget system's export 二级项目支出绩效目标申报表 (Shenzhen: one project per sheet).
TARGET_TITLE = re.compile(r"财政支出项目绩效目标|财政项目支出绩效目标|项目支出绩效目标申报表")


def is_target_title_text(key: str) -> bool:
    return bool(key) and len(key) <= 40 and bool(TARGET_TITLE.search(key))


# The budget system's 申报表 (its label/value pairs are read by label, its grid by position).
DECLARATION_TITLE = re.compile(r"项目支出绩效目标申报表")


def is_declaration_title(key: str) -> bool:
    return is_target_title_text(key) and bool(DECLARATION_TITLE.search(key))


# The central template of the tracking family: 项目支出绩效目标执行监控表 (one project per
# sheet, read by parsers/monitoring.py). Its title names 绩效目标 but it is no target table.
MONITORING_TITLE = re.compile(r"绩效(?:目标)?执行监控表|绩效监控表")


def is_monitoring_title(key: str) -> bool:
    return bool(key) and len(key) <= 40 and bool(MONITORING_TITLE.search(key))
