"""Every parse issue code once: its severity and its message (Chinese first, English in parentheses).

A raise site names the code and the facts its message needs (``make``, ``Ledger.issue``); the
severity and the wording live here only. README's table of issue codes is checked against this
registry (tests/parsers/test_issue_codes.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from .records import ParseIssue

ERROR, WARNING, INFO = "error", "warning", "info"


@dataclass(frozen=True)
class Kind:
    severity: str
    message: str  # a str.format template of the facts the raise site gives


CODES: dict[str, Kind] = {
    # -- the file as a whole (line 0): reading it --------------------------------------------
    "empty_file": Kind(WARNING, "文件为空，没有可解析的内容 (empty file)"),
    "unknown_family": Kind(
        ERROR, "未识别的文档类型：既不是绩效自评表、绩效跟踪表，也不是部门预算 (unknown document family)"
    ),
    "undecodable_file": Kind(ERROR, "文件无法按文本读取 (not readable as text): {error}"),
    "undecodable_bytes": Kind(
        WARNING,
        "第 {bad_line} 行有 {count} 处字节无法按 {encoding} 解码，已替换为 �（首个坏字节位于文件第 {offset} 字节，"
        "行内第 {column} 字节） (undecodable bytes at file byte offset {offset}, line byte {column}; "
        "replaced with U+FFFD)",
    ),
    "damaged_document": Kind(ERROR, "{what}文件已损坏{why}，无法读取 (damaged document{detail})"),
    "pdf_without_text_layer": Kind(
        ERROR,
        "PDF 共 {pages} 页，没有文字层（扫描件），需要先做文字识别 (OCR) 才能解析 "
        "(PDF has no text layer: a scan; OCR is needed)",
    ),
    "number_precision_lost": Kind(
        WARNING,
        "工作表“{sheet}”单元格 {cell} 的数字 {text} 以浮点数存储，只保留 {digits} 位有效数字，其后的数字已丢失"
        "（如为编码，请核对原始编码） (a whole number of more than 15 digits stored as a float: "
        "its later digits are not in the file)",
    ),
    "space_aligned_table": Kind(
        ERROR,
        "第 {start}–{end} 行的{kind}以空格对齐而非制表符分隔，无法可靠分列，本表未载入 "
        "(table on lines {start}-{end} is aligned with spaces instead of TABs; not loaded)",
    ),
    "file_too_large": Kind(ERROR, "文件超出处理上限，未解析 (file beyond a bound, not parsed): {detail}"),
    "parser_failed": Kind(ERROR, "{where}解析出错，{skipped} ({where_en} could not be parsed): {error}"),
    "parse_timeout": Kind(
        ERROR, "解析超时，本文件未载入，内容改变前不再重试 ({detail} (FISCAL_MAX_SECONDS); not retried until the file changes)"
    ),
    "parser_crashed": Kind(
        ERROR, "解析进程崩溃，本文件未载入，内容改变前不再重试 ({detail}; not retried until the file changes)"
    ),
    # -- the file in the raw folder (discovery and loading) -----------------------------------
    "unreadable_file": Kind(
        ERROR, "文件无法读取，已入库的内容保持不变 (file unreadable: {reason}; previously loaded rows kept)"
    ),
    "file_vanished": Kind(
        ERROR, "文件在本次运行中被删除，已入库的内容保持不变 (could not read: {reason}; previously loaded rows kept)"
    ),
    "file_still_changing": Kind(
        INFO,
        "文件在读取时仍在变化（{why}），留待下次运行，已入库的内容保持不变 "
        "(file still changing while read: {why}; left for the next run, previous version kept)",
    ),
    "unreadable_folder": Kind(
        ERROR, "文件夹无法读取，其中已入库的文件保持不变 (folder unreadable: {reason}; previously loaded files kept)"
    ),
    "not_a_regular_file": Kind(
        ERROR, "不是普通文件（管道、套接字或设备），未读取 (not a regular file: FIFO, socket or device; not read)"
    ),
    "symlink_outside_raw": Kind(
        ERROR, "符号链接指向原始文件夹之外，未读取 (symlink points outside the raw folder; not read)"
    ),
    "broken_symlink": Kind(WARNING, "符号链接指向不存在的文件，已跳过 (broken symlink)"),
    "symlink_loop": Kind(ERROR, "符号链接循环，未重复读取 (symlink loop: {reason})"),
    "non_utf8_file_name": Kind(
        WARNING, "文件名不是 UTF-8 编码，按原字节记为 \\xNN (file name is not UTF-8; recorded with its bytes escaped)"
    ),
    "duplicate_file": Kind(
        WARNING, "与 {original} 内容完全相同，未重复计入 (same content as {original}; not loaded twice)"
    ),
    # -- lines of a document --------------------------------------------------------------------
    "unplaced_line": Kind(WARNING, "此行内容未能归入任何字段 (line not placed in any field)"),
    "outside_table": Kind(WARNING, "此行位于任何报表之外，未解析 (line outside any recognised table)"),
    "report_year_from_file": Kind(
        INFO,
        "第 {report_seq} 张报表未写明年度，文件中其他各表均为 {year} 年，取 {year} 年"
        " (the table states no year; every other table of the file states {year})",
    ),
    # -- self-evaluation, tracking and monitoring reports ---------------------------------------
    "unrecognised_line": Kind(WARNING, "此行不属于{table}的任何部分 (line not recognised in the {table_en} table)"),
    "fund_row_out_of_place": Kind(WARNING, "资金行出现在资金表之外 (fund row outside the fund block)"),
    "unreadable_tracking_period": Kind(WARNING, "跟踪时段无法识别{how} (tracking period not readable{how_en})"),
    "conflicting_tracking_period": Kind(
        WARNING, "列名 {label} 的期间与前文 {earlier}月 不同 (column labels name two periods)"
    ),
    "duplicate_field": Kind(WARNING, "{label} 重复出现 (field {name} given twice)"),
    "missing_money_unit": Kind(WARNING, "资金表未注明金额单位 (money unit not stated in the fund header)"),
    "conflicting_money_unit": Kind(WARNING, "资金单位前后不一致 (money unit differs from earlier)"),
    "missing_fund_header": Kind(
        WARNING, "资金行前没有表头，按标准列序读取 (no fund header; canonical column order assumed)"
    ),
    "duplicate_fund_row": Kind(WARNING, "资金行重复: {label} (fund row given twice)"),
    "fund_row_ambiguous_columns": Kind(
        WARNING,
        "资金行数值个数与表头不符且无法按位置对齐，已按从左到右读取 (fund values do not match the header; read left to right)",
    ),
    "fund_row_extra_cells": Kind(
        WARNING, "资金行数值{text}不在任何列名之下，未读取 (a fund value under no header column; not read)"
    ),
    "unreadable_amount": Kind(WARNING, "金额无法识别: {text} (not a number)"),
    "goal_cells_by_position": Kind(
        INFO,
        "年度总体目标行有多于两个单元格，按列位置归入预期目标/实际完成情况 (goal cells assigned by column position)",
    ),
    "unplaced_goal_text": Kind(WARNING, "目标文字不在任何列名之下: {text} (goal text under no label)"),
    "indicator_value_missing": Kind(INFO, "指标行缺少部分指标值，{how} (a value cell missing; {how_en})"),
    "indicator_extra_cells": Kind(
        WARNING, "指标行单元格多于表头，多余内容并入{into} (extra cells joined into the {into_en})"
    ),
    "unplaced_indicator_fragment": Kind(
        WARNING, "指标区内无法归属的单元格内容{text} (cell text in the indicator block that belongs to no indicator row)"
    ),
    "unreadable_tick_mark": Kind(WARNING, "{label} 列应为勾选标记（✔），实为: {text} (a tick column holds text)"),
    "indicator_without_weight": Kind(WARNING, "指标行没有分值/得分 (indicator row without weight and score)"),
    "indicator_without_name": Kind(WARNING, "指标行没有三级指标名称 (indicator row without a name)"),
    "duplicate_total_row": Kind(WARNING, "总分行重复 (total row given twice)"),
    "unexpected_total_row": Kind(
        WARNING, "总分行应为分值和得分两个数字，实际为 {numbers} (total row should hold weight and score)"
    ),
    "missing_value": Kind(WARNING, "{label} 没有填写 (no value for {label})"),
    "missing_total_row": Kind(WARNING, "自评表缺少总分行 (self-evaluation without a 总分 row)"),
    "missing_fund_block": Kind(WARNING, "报表缺少项目资金 (no fund rows found)"),
    "missing_indicators": Kind(WARNING, "报表没有绩效指标 (no indicator rows found)"),
    "missing_project_name": Kind(WARNING, "报表缺少项目名称 (no 项目名称)"),
    "missing_tracking_period": Kind(WARNING, "跟踪表缺少跟踪时段{how} (no 跟踪时段{how_en})"),
    "missing_tracking_judgement": Kind(
        WARNING, "跟踪表缺少绩效跟踪总体判断和纠偏措施 (no 绩效跟踪总体判断 / 纠偏措施 rows)"
    ),
    "missing_fiscal_year": Kind(INFO, "自评表未注明年度 (no year line)"),
    # -- budgets and performance-target forms ---------------------------------------------------
    "budget_value_not_number": Kind(
        WARNING, "{table}数值列出现非数字内容“{text}”，未载入 (non-numeric text in an amount column)"
    ),
    "budget_value_without_label": Kind(
        WARNING, "收支总表单元格“{text}”没有所属行名，无法作为金额载入 (an amount of no named row: not loaded)"
    ),
    "budget_extra_value": Kind(
        WARNING, "{table}行内容“{text}”超出表头列数，未载入 (more cells than the header has columns)"
    ),
    "budget_measure_ambiguous": Kind(
        WARNING, "预算表单元格“{text}”所在列与另一列同名，无法区分，未载入 (two columns of the same name: not loaded)"
    ),
    "subject_code_unpadded": Kind(
        INFO,
        "科目编码中的“{text}”缺少前导零，按“0{text}”读作 {subject_code}（{name}） "
        "(code part printed without its leading zero, read as 0{text})",
    ),
    "budget_title_without_table": Kind(
        ERROR, "预算表标题“{title}”之后没有表格 (a budget-table title with no table after it)"
    ),
    "budget_without_table": Kind(
        ERROR,
        "识别为部门预算，但未找到任何预算表或绩效目标表 (a budget document with no table: nothing loaded from it)",
    ),
    "target_extra_cell": Kind(
        WARNING, "绩效目标表行内容“{text}”超出表头列数，未载入 (more cells than the header has columns)"
    ),
    "target_unloaded_column": Kind(
        WARNING, "绩效目标表“{column}”列的内容“{text}”无对应字段，未载入 (a column the target table has no field for)"
    ),
    "target_budget_not_totalled": Kind(
        INFO,
        "年度预算安排列出多笔金额但未写明合计，预算金额留空 (several amounts, no stated total; budget_amount left empty)",
    ),
    # -- the reviewers' decisions file ----------------------------------------------------------
    "decision_malformed": Kind(WARNING, "审核决定未采用：{reason} (decision not applied)"),
    "decision_duplicate": Kind(
        WARNING, "发现编号 {finding} 已在第 {earlier} 行有决定，以本行（较后）为准 (a later row decides the same finding)"
    ),
    "decisions_unreadable": Kind(
        ERROR, "审核决定文件无法读取，沿用上次载入的决定：{reason} (decisions file unreadable; previous decisions kept)"
    ),
}


def severity(code: str) -> str:
    return CODES[code].severity


def message(code: str, /, **facts: object) -> str:
    """The code's message with the facts of one place filled in (a code not registered is a KeyError)."""
    return CODES[code].message.format(**facts)


def make(
    code: str, source_file: str, line_no: int = 0, raw_text: str | None = None, /, **facts: object
) -> ParseIssue:
    """The issue of a code at a line of a file (line 0: the file as a whole)."""
    kind = CODES[code]
    return ParseIssue(source_file, line_no, kind.severity, code, kind.message.format(**facts), raw_text)
