"""部门预算 family: the document walker (``document``), its budget tables (``tables``), and the prose
(``narrative``: stated amounts; ``narrative_changes``: …比…增加/减少 claims)."""

from __future__ import annotations

from .document import parse_budget_document
from .narrative import stated_amounts
from .narrative_changes import change_claims

# The prose rules are public too: each reads one sentence, and is checked on sentences.
__all__ = ["change_claims", "parse_budget_document", "stated_amounts"]
