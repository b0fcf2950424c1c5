"""上海市财政支出项目绩效目标 family: the target forms (``forms``), in a budget document or on their own.

The budget walker receives this package from the dispatcher (``parsers/__init__``) and
hands it the target tables and project sections it meets: budget never imports targets.
"""

from __future__ import annotations

from .forms import TargetDocument, section_heading

__all__ = ["TargetDocument", "section_heading"]
