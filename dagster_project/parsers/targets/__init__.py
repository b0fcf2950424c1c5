"""上海市财政支出项目绩效目标 family: the target forms (``forms``), in a budget document or on their own."""

from __future__ import annotations
