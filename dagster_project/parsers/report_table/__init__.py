"""Shared structure of the two project report tables: self-evaluation and tracking.

Both families print one project per table, in the same order of blocks:

- title (…绩效自评表 / …绩效跟踪表), year line ``(2024年度)`` or tracking period
  ``跟踪时段：（2024年1月 至 2024年8月）``;
- header block: 项目名称, 主管部门, 实施单位;
- fund block: a label row ``项目资金 (万元)`` / ``预算执行情况 (万元)`` carrying the
  money unit and the column names, then the rows 年度资金总额, 其中:当年财政拨款,
  上年结转资金, 其他资金;
- goal block: 预期目标 / 实际完成情况 (tracking: 跟踪期实际完成情况) labels, then text;
- indicator block: a column-header row (一级指标 … 偏差原因分析), then one row per
  三级指标, with 一级/二级 labels printed only on the first row of their group;
- closing rows: 总分 and 评分等级 (self-evaluation) or 绩效跟踪总体判断 (年度项目预算
  完成可能性, 年度绩效目标完成可能性) and 纠偏措施 (tracking).

Rows are recognised by their labels (compared after ``text.norm``), never by
position or line count: converters shift cells, duplicate empty cells and drop
header cells. Values are kept as printed; nothing is repaired. Every non-blank
line of the segment is marked in the ledger or reported as an issue.

This package knows no family: what a family adds (its fund columns, how an indicator
row's cells are read, its closing rows, the rows it requires) is declared as data, a
``ReportFamily``, in the family's package (``self_eval/``, ``tracking/``).

- ``reader``: the entry point and the line dispatch, the title, period and header rows;
- ``fund_block``, ``goal_block``, ``indicator_block``, ``closing_rows``: one block each;
- ``cells``: a cell's amount, a row's cells aligned under the header's columns;
- ``family`` (the ``ReportFamily``), ``state`` (what is held while reading), ``assembly``
  (the rows a family requires, the records).
"""

from __future__ import annotations

from .assembly import report_required_blocks
from .cells import align_cells, cell_amount
from .family import IndicatorCells, ReportFamily
from .fund_block import fund_source_of
from .reader import parse_report_table, read_each_line

__all__ = [
    "IndicatorCells",
    "ReportFamily",
    "align_cells",
    "cell_amount",
    "fund_source_of",
    "parse_report_table",
    "read_each_line",
    "report_required_blocks",
]
