"""Golden pairs (tomli style): tests/data/<family>/<case>.txt + <case>.expected.json.

The expected JSON holds everything a parse produced for the record kinds the
family emits, plus issues and the line ledger; Decimals as printed strings.
"""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal
from pathlib import Path

from dagster_project.parsers import parse_text

DATA = Path(__file__).resolve().parents[1] / "data"


def plain(record) -> dict:
    """A record as JSON-able values, without its file name (fixtures move)."""
    return {
        key: str(value) if isinstance(value, Decimal) else value
        for key, value in dataclasses.asdict(record).items()
        if key != "source_file"
    }


def snapshot(result, kinds: tuple[str, ...]) -> dict:
    out = {kind: [plain(r) for r in getattr(result, kind)] for kind in kinds}
    out["issues"] = [[i.line_no, i.severity, i.code, i.message] for i in result.issues]
    out["lines"] = [[d.line_no, d.disposition] for d in result.lines]
    return out


def cases(family: str) -> list[Path]:
    return sorted((DATA / family).glob("*.txt"))


def assert_golden(case: Path, kinds: tuple[str, ...]) -> None:
    expected = json.loads(case.with_suffix(".expected.json").read_text(encoding="utf-8"))
    assert snapshot(parse_text(case.read_text(encoding="utf-8"), case.name), kinds) == expected
