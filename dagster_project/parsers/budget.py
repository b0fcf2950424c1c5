"""Placeholder: being written."""

from __future__ import annotations

from .ledger import Ledger
from .records import ParseResult
from .text import Line


def parse_budget_document(lines: list[Line], ledger: Ledger, source_file: str) -> ParseResult:
    return ParseResult(source_file=source_file)
