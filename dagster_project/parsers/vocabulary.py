"""Titles every family recognises, in one place (used by the segmenter and the family parsers).

Matched against normalised text (``text.norm``: NFKC, no whitespace).
"""

from __future__ import annotations

import re

# A department-budget table title. The Shanghai template names the department
# (2020年部门收入预算总表, 部门“三公”经费和机关运行经费预算表); other provinces print
# the bare table name (收支预算总表, 财政拨款支出预算表, 政府采购支出预算表).
BUDGET_TITLE = re.compile(
    r"(部门|单位).*预算(总)?表$|经费预算表$|预算支出.*分类预算表$"
    r"|^[^，。；：:]{0,40}(收支|收入|支出)预算(总)?表(?:[(（](?:功能|经济)(?:分类)?科目[)）])?$"
)

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
