"""上海市财政支出项目绩效目标 family: the target forms (``forms``), in a budget document or on their own.

The budget walker receives this package from the dispatcher (``parsers/__init__``) and
hands it the target tables and project sections it meets: budget never imports targets.
"""

from __future__ import annotations

from .forms import TargetDocument, budget_amount, implementing_unit, section_heading

# budget_amount (年度预算安排 text → amount, unit) and implementing_unit (a section heading →
# the unit) are public too: each reads one text, and is checked on texts.
__all__ = ["TargetDocument", "budget_amount", "implementing_unit", "section_heading"]
