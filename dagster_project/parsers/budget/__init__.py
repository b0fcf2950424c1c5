"""部门预算 family: the document walker (``document``), its budget tables (``tables``), and the prose
(``narrative``: stated amounts; ``narrative_changes``: …比…增加/减少 claims)."""

from __future__ import annotations

from .document import parse_budget_document

__all__ = ["parse_budget_document"]
