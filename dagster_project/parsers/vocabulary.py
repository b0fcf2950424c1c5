"""The words of every family, in one place: titles, field labels, level words, years and
periods, fund rows, column headers, ordinals. The segmenter and the family parsers import
them from here; where the families differ, the difference is stated here, once.

Matched against normalised text (``text.norm``: NFKC, no whitespace).
"""

from __future__ import annotations

import re

from .text import norm

# The families, as the records name them.
SELF_EVAL = "self_eval"
TRACKING = "tracking"
TARGET = "target"
BUDGET = "budget"

# A department-budget table title. The Shanghai template names the department
# (2020年部门收入预算总表, 部门“三公”经费和机关运行经费预算表); other provinces print
# the bare table name (收支预算总表, 财政拨款支出预算表, 政府采购支出预算表).
# The template's number of a table, printed before its title with a colon (Jiangsu 2018:
# 公开01 表：收支预算总表), after it in brackets (收支预算总表（公开01表）, …（表一）) or on a
# line of its own (公开01表, 公开表一, 表一).
_CN_DIGITS = "一二三四五六七八九十"  # the Chinese numerals of ordinals and table numbers
_NUMERAL = rf"(?:\d{{1,2}}|[{_CN_DIGITS}]{{1,3}})"
TABLE_NUMBER = re.compile(rf"^(?:公开|附)?(?:表{_NUMERAL}|{_NUMERAL}表)(?:-\d+)?$")
TABLE_NUMBER_PREFIX = re.compile(rf"^(?:公开|附)?\s*(?:表\s*{_NUMERAL}|{_NUMERAL}\s*表)\s*[：:]\s*")
TABLE_NUMBER_SUFFIX = re.compile(
    rf"\s*[(（]\s*(?:公开|附)?\s*(?:表\s*{_NUMERAL}|{_NUMERAL}\s*表)(?:\s*-\s*\d+)?\s*[)）]\s*$")

BUDGET_TITLE = re.compile(
    r"(部门|单位).*预算(总)?表$|经费预算表$|预算支出.*分类预算表$|政府采购(支出)?预算表$"
    r"|^[^，。；：:]{0,40}(收支|收入|支出)预算(总)?表(?:[(（](?:功能|经济)(?:分类)?科目[)）])?$"
)


def without_table_number(text: str) -> str:
    """A title without the template's table number before or after it (公开01 表：收支预算总表,
    收支预算总表（表一） → 收支预算总表)."""
    if "表" not in text:  # every table number prints 表: most texts need neither regex
        return text
    text = TABLE_NUMBER_PREFIX.sub("", text, count=1)
    # A suffix ends in its bracket (then only whitespace, as \s and str.rstrip agree): most titles
    # print none. The pattern starts with \s*, so its search would try a match at every position.
    if text.rstrip()[-1:] not in (")", "）"):
        return text
    return TABLE_NUMBER_SUFFIX.sub("", text, count=1)


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
# sheet, read by parsers/tracking/monitoring.py). Its title names 绩效目标 but it is no target table.
MONITORING_TITLE = re.compile(r"绩效(?:目标)?执行监控表|绩效监控表")


def is_monitoring_title(key: str) -> bool:
    return bool(key) and len(key) <= 40 and bool(MONITORING_TITLE.search(key))


# The self-evaluation and tracking tables' titles: 财政项目支出绩效自评表 / …绩效跟踪表.
REPORT_TITLE_WORDS = {SELF_EVAL: "绩效自评表", TRACKING: "绩效跟踪表"}
REPORT_TITLE_ENDINGS = tuple(REPORT_TITLE_WORDS.values())


def report_title_family(key: str) -> str | None:
    """The family a report title (normalised) names, the central 执行监控表 included."""
    for family, word in REPORT_TITLE_WORDS.items():
        if word in key:
            return family
    return TRACKING if is_monitoring_title(key) else None


# ================================================================ fields, levels, years
# Every word that names a field, a level, a year or a period, per family, in one place.
# Matched against normalised text (``text.norm``). The parsers import from here; a label
# says what the field is, wherever a template prints it (tests/parsers/test_vocabulary.py
# checks that no label names two fields of one family and that no parser keeps its own copy).

# -- years and periods

# A year anywhere in a text: a budget title (2020年部门收入预算总表), a narrative sentence.
YEAR_IN_TEXT = re.compile(r"((?:19|20)\d{2})\s*年")
# The year line of a self-evaluation or tracking table, and of the central 执行监控表: (2024年度).
REPORT_YEAR = re.compile(r"[(（]?\s*(\d{4})\s*年度\s*[)）]?")
# The year row under a target-table title: the Shanghai template prints (2020年 ), without 度.
TARGET_YEAR_ROW = re.compile(r"^[(（]?\s*((?:19|20)\d{2})\s*年度?\s*[)）]?$")
# 跟踪时段：（2024年1月 至 2024年8月）
TRACKING_PERIOD_LABEL = "跟踪时段"
TRACKING_PERIOD = re.compile(r"(\d{4})年(\d{1,2})月(?:\d{1,2}日)?(?:至|到|-|~|—|–|－)+(\d{4})年(\d{1,2})月")
# The months a column label of the central template names: 1-7月执行数.
MONTH_SPAN = re.compile(r"(\d{1,2})月?[-—–~～至到]+(\d{1,2})月")

# -- the report's own fields: field → every label that names it

# Header fields every family prints (label | value): the central template's 主管部门及代码
# ([105]教育部) and the Shenzhen 申报表's 一级预算单位 / 申请单位 name the same fields.
HEADER_FIELDS = {
    "project_name": ("项目名称",),
    "supervising_dept": ("主管部门", "主管部门及代码", "一级预算单位"),
    "implementing_unit": ("实施单位", "申请单位"),
}
# The target family also names its project by code, its funds and its two goals by label.
TARGET_FIELDS = {
    **HEADER_FIELDS,
    "implementing_unit": (*HEADER_FIELDS["implementing_unit"], "项目单位"),
    "project_code": ("项目编码",),
    "project_total": ("项目资金总额", "项目总金额"),  # the project's funds over its whole term
    "project_total_fiscal": ("其中:财政资金",),  # …of which fiscal funds (the 填报表's project column)
    "annual_funds": ("年度资金申请总额", "本年度项目金额", "本年度预算金额"),
    "goal_total": ("项目总目标", "总目标", "长期目标"),
    "goal_annual": ("年度绩效目标", "年度总体目标", "年度目标"),
}
# The department a budget table is for: 编制部门：X / 编制单位：X (Shanghai, also printed
# without the colon), 部门：X / 部门名称：X / 单位名称：X (Jiangsu).
BUDGET_PREPARER_LABELS = ("编制部门", "编制单位")
BUDGET_DEPARTMENT_LABELS = (*BUDGET_PREPARER_LABELS, "部门名称", "单位名称", "部门")
BUDGET_DEPARTMENT_LABEL = re.compile(rf"^(?:{'|'.join(BUDGET_DEPARTMENT_LABELS)})\s*[:：]")
# A budget's cover naming its department: 预算主管部门：上海市普陀区财政局 (Shanghai; the cover's
# title 上海市普陀区2025年区级部门预算 names only the district).
BUDGET_COVER_DEPARTMENT = re.compile(r"^\s*(?:预算)?主管部门\s*[:：]\s*(?P<department>[^\d，。；：:]{4,40}?)\s*$")

FIELDS = {
    SELF_EVAL: HEADER_FIELDS,
    TRACKING: HEADER_FIELDS,
    TARGET: TARGET_FIELDS,
    BUDGET: {"department": BUDGET_DEPARTMENT_LABELS},
}


def labels(family: str, *fields: str) -> dict[str, str]:
    """label → field for ``fields`` of a family (all its fields when none are named)."""
    declared = FIELDS[family]
    return {label: name for name in (fields or declared) for label in declared[name]}


# Goal block of a self-evaluation / tracking table: the block's own labels, and the two
# columns under it (预期目标 | 实际完成情况; tracking: 跟踪期实际完成情况).
GOAL_ANNUAL_BLOCK = "年度总体目标"
GOAL_BLOCK = "总体目标"  # the word every goal block label holds (年度总体目标)
GOAL_BLOCK_LABELS = frozenset({GOAL_ANNUAL_BLOCK, GOAL_BLOCK, "年度目标"})
GOAL_EXPECTED = "预期目标"
GOAL_ACTUAL_SUFFIX = "实际完成情况"
GOAL_LABELS = GOAL_BLOCK_LABELS | {GOAL_EXPECTED, GOAL_ACTUAL_SUFFIX, "跟踪期" + GOAL_ACTUAL_SUFFIX}

# -- closing rows: a self-evaluation's 总分 and 评分等级, a tracking table's 总体判断

TOTAL_LABELS = ("总分", "合计得分")
GRADE_LABELS = ("评分等级", "等级")
TRACKING_JUDGEMENT = "总体判断"  # 绩效跟踪总体判断, the label over the two likelihoods
TRACKING_CLOSING_LABELS = (
    ("年度项目预算完成可能性", "budget_completion_likelihood"),
    ("年度绩效目标完成可能性", "goal_completion_likelihood"),
    ("纠偏措施", "corrective_measures"),
)

# -- fund block: its label row (项目资金（万元） / 预算执行情况 / 资金情况), then fund rows
FUND_BLOCK_WORDS = ("项目资金", "资金情况", "预算执行情况")

# -- fund rows: fund_source → the row labels that name it

FUND_SOURCES = (
    ("total", re.compile(r"^年度资金总额$|^资金总额$|^合计$")),
    # 当年财政拨款; the central template prints 其中：财政拨款
    ("current_year_appropriation", re.compile(r"^(其中[:：]?)?(当年)?财政拨款(资金)?$")),
    ("carryover", re.compile(r"^(其中[:：]?)?上年结转(资金)?$")),
    ("other", re.compile(r"^(其中[:：]?)?其他资金$")),
)


def fund_source_of(key: str) -> str | None:
    """The fund source a row label names (年度资金总额 → total), or None."""
    for source, pattern in FUND_SOURCES:
        if pattern.match(key):
            return source
    return None


# -- indicator levels
# 一级指标 words: a closed family of stems with 指标 (self-evaluation, tracking) or 目标
# (target tables), and the 投入和管理 of older target templates.
LEVEL1_STEMS = ("成本", "产出", "效益", "效果", "满意度", "影响力", "影响", "投入", "过程", "管理")
LEVEL1_WORDS = frozenset(stem + end for stem in LEVEL1_STEMS for end in ("指标", "目标")) | {"投入和管理"}
# The families differ: the Shanghai target table prints 满意度目标 and 管理目标 as 二级 words
# (影响力目标 | 满意度目标, 效果目标 | 管理目标: raw/003), where the report tables read them as 一级.
TARGET_LEVEL2_WORDS = frozenset({"满意度目标", "管理目标"})
# Target tables: a label starting with a 一级 word (产出目标（30分）), longest first so that a
# merged 一级+二级 cell splits at the whole 一级 word; a label ending in 类 (投入和管理类).
TARGET_LEVEL1_WORDS = tuple(sorted(LEVEL1_WORDS - TARGET_LEVEL2_WORDS, key=lambda w: (-len(w), w)))
# 二级指标 of the report tables: what the label measures, ending in 指标 (数量指标, 经济成本指标,
# 社会效益指标, 可持续影响指标, 服务对象满意度指标, 生态环境成本指标 …); loosely, any short 指标.
LEVEL2_STRICT = re.compile(r"^[\u4e00-\u9fff]{0,8}(数量|质量|时效|时间|进度|成本|效益|影响|满意度|效率)指标$")
LEVEL2_LOOSE = re.compile(r"^[\u4e00-\u9fff]{2,8}指标$")
# Column headers of the indicator grid, and the outer label some templates print beside it.
LEVEL1_COLUMN, LEVEL2_COLUMN, NAME_COLUMN = "一级指标", "二级指标", "三级指标"
# A 三级 column headed just 指标名称: the name column only right of the 一级 and 二级 columns.
BARE_NAME_COLUMN = "指标名称"
GRID_COLUMN_WORDS = frozenset({LEVEL1_COLUMN, LEVEL2_COLUMN, NAME_COLUMN, "绩效指标", "指标"})
GRID_OUTER_LABELS = frozenset({"绩效指标", "绩效目标", "绩效", "指标"})


def is_level1(key: str, family: str) -> bool:
    """A 一级指标 label (normalised)."""
    if family == TARGET:
        return key.startswith(TARGET_LEVEL1_WORDS) or key.endswith("类")
    return key in LEVEL1_WORDS


def is_level2(key: str, family: str, strict: bool = True) -> bool:
    """A 二级指标 label (normalised). Target tables print short category words (数量目标,
    满意度目标, 长效管理, 投入管理 …); the report tables words ending in 指标."""
    if is_level1(key, family):
        return False
    if family == TARGET:
        return (key.endswith(("目标", "指标")) and len(key) <= 10) or (key.endswith("管理") and len(key) <= 6)
    if key in GRID_COLUMN_WORDS:
        return False
    return bool(LEVEL2_STRICT.match(key)) or (not strict and bool(LEVEL2_LOOSE.match(key)))


# -- table columns: field ← the words of its header cell

# Fund columns, canonical order per family (the header's own order wins when complete).
FUND_COLUMNS = {
    SELF_EVAL: ("budget_initial", "budget_adjusted", "executed", "weight", "execution_rate_pct", "score"),
    TRACKING: ("budget_initial", "budget_tracking", "executed", "execution_rate_pct"),
}
# Indicator value columns after the 三级指标 name, per family.
INDICATOR_COLUMNS = {
    SELF_EVAL: ("target_text", "actual_text", "weight", "score", "deviation_reason"),
    TRACKING: ("target_text", "planned_text", "actual_text", "deviation_reason"),
}
WEIGHT_LABELS = ("分值", "分数", "权重", "权重分")
SCORE_LABEL = "得分"
# The target value of an indicator: 年度指标值 / 指标目标值 / 指标值 / 目标值.
TARGET_VALUE_LABELS = ("指标值", "目标值")
# The explanation column of the Shenzhen 申报表's grid (also 指标值说明, 目标值解释: a label ending so).
EXPLANATION_LABELS = ("指标解释", "指标说明")
EXPLANATION_ENDINGS = ("解释", "说明")


def fund_column(label: str, family: str) -> str | None:
    """Which fund column a header cell names (None if it names none)."""
    key = norm(label)
    if not key:
        return None
    if "预计" in key:  # 全年预计执行数 (central 执行监控表): a forecast, not an execution so far
        return "forecast_executed"
    if "执行率" in key:
        return "execution_rate_pct"
    if "执行数" in key or "实际支出" in key:
        return "executed"
    if "年初" in key:
        return "budget_initial"
    if "跟踪期预算" in key or ("跟踪" in key and "预算" in key):
        return "budget_tracking" if family == TRACKING else "budget_adjusted"
    if "全年预算" in key or "调整后预算" in key or "调整预算" in key:
        return "budget_adjusted"
    if key in WEIGHT_LABELS or key.startswith("分值"):  # 分值（分）
        return "weight"
    if key.startswith(SCORE_LABEL):
        return "score"
    return None


def indicator_column(label: str) -> str | None:
    """Which indicator column a header cell names."""
    key = norm(label)
    if not key:
        return None
    if LEVEL1_COLUMN in key:
        return "level1"
    if LEVEL2_COLUMN in key:
        return "level2"
    if NAME_COLUMN in key:
        return "indicator_name"
    if "预计" in key:  # 全年预计完成值 / 全年预计执行数 (central 执行监控表)
        return "forecast_text"
    if any(word in key for word in TARGET_VALUE_LABELS):
        return "target_text"
    if "计划完成" in key:
        return "planned_text"
    if "实际完成" in key or "执行数" in key or "执行情况" in key:  # 1-7月执行数: done so far
        return "actual_text"
    if "偏差" in key or "改进措施" in key:
        return "deviation_reason"
    if "可能性" in key:  # 完成目标可能性
        return "completion_likelihood"
    if key == "备注":
        return "remarks"
    if key in WEIGHT_LABELS:
        return "weight"
    if key == SCORE_LABEL:
        return "score"
    return None


# -- ordinals before a label, an item or a title

# 一、 / （一） / 1、 before a row label or an item (1.5 is a number, not an ordinal).
ORDINAL = re.compile(rf"^\s*(?:[{_CN_DIGITS}]+\s*[、.．]|[（(][{_CN_DIGITS}\d]+[)）]|\d+\s*[、.．](?!\d))\s*")
# A section heading's number in a budget's prose: 一、项目概述.
HEADING_ORDINAL = re.compile(rf"^[{_CN_DIGITS}]+、")
# A cell holding only an ordinal (一, 1、): the numbering column of a table.
ORDINAL_ONLY = re.compile(rf"^\s*(?:[{_CN_DIGITS}]+|\d+)\s*[、.．]?\s*$")
# A title's number in a contents list, which may run into the year (4．2023年部门收入预算总表).
TITLE_ORDINAL = re.compile(rf"^\s*(?:\d{{1,2}}|[{_CN_DIGITS}]+)\s*[、.．]\s*")


def without_ordinal(text: str) -> str:
    """A label without the ordinal before it (一、基本支出 → 基本支出); the text itself when that is all."""
    return ORDINAL.sub("", text, count=1) or text


# -- budget tables

# The code columns of a budget table (类 | 款 | 项), and a code's level by its digits
# (208 / 20801 / 2080101).
SUBJECT_CODE_LEVELS = {3: "类", 5: "款", 7: "项"}
# The label column of each side of a two-sided table (收入: 项目 | 金额; 支出: 项目名称 | 金额).
BUDGET_SIDE_LABELS = ("项目", "项目名称")
# How an amount column's label ends (…费, 合计, 小计, 金额, 预算数, …支出, …收入); a header piece ending
# otherwise (会议, 运行维护) is the beginning of a label wrapped onto the row below.
AMOUNT_LABEL_END = re.compile(r"(?:费|计|额|数|出|入|金)$")
# A total column named only by its word (小计 / 合计): its header names it after its group.
TOTAL_COLUMN_WORDS = ("小计", "合计")
SUBTOTAL_WORD = "小计"
# Header words of label columns (text, not amounts): 科目编码, 项目名称, 经济科目, and the
# procurement table's 采购品目 / 采购组织形式 (方式).
BUDGET_NAME_COLUMN_WORDS = ("编码", "名称", "科目", "品目", "形式", "方式")
