"""A stable id for every finding, so that a reviewer's decision about it survives runs.

The id is a hash of what the finding *is*, never of where a run happened to number it:
the rule, the document (its path under the raw folder, which a corrected file re-published
under the same name keeps), the place in the document by its printed words (report type and
project, table title, row label with its code, measure), and the two values compared. Line
numbers, report_seq / table_seq, file hashes and check_row are left out: they move when a line
is added elsewhere in the file. So an unchanged finding keeps its id across runs and a full
rebuild, and a finding whose values change (the document was corrected, or wrongly so) gets a
new one, which makes a decision about the old one visibly stale.

Two findings with the same fields (a placeholder printed twice in one file) are told apart by
their order in the document: the second is hashed with ``#2``.
"""

from __future__ import annotations

import hashlib
from collections import Counter

# The fields hashed, in this order (README "Stable finding ids" states the same recipe).
ID_FIELDS: tuple[str, ...] = (
    "check_name",
    "source_file",
    "report_type",
    "project_name",
    "table_title",
    "subject",
    "measure",
    "expected_value",
    "observed_value",
)
PREFIX = "F"  # a letter first, so no spreadsheet reads an id as a number (1e23…)
HEX_DIGITS = 12  # 48 bits: no collision among millions of findings in practice
SEPARATOR = "\x1f"  # the unit separator: never in document text


def _key(record: dict) -> str:
    return SEPARATOR.join("" if record.get(f) is None else str(record[f]).strip() for f in ID_FIELDS)


def finding_id(key: str, occurrence: int = 1) -> str:
    """The id of the `occurrence`-th finding (in document order) with this key."""
    text = key if occurrence == 1 else f"{key}{SEPARATOR}#{occurrence}"
    return PREFIX + hashlib.sha256(text.encode("utf-8")).hexdigest()[:HEX_DIGITS]


def _document_order(record: dict) -> tuple:
    line = record.get("line_no")
    row = record.get("check_row")
    return (line is None, line or 0, row is None, row or 0)


def assign_finding_ids(records: list[dict]) -> None:
    """Set record['finding_id'] on every violation record (in place)."""
    seen: Counter[str] = Counter()
    keyed = [(_key(record), _document_order(record), i) for i, record in enumerate(records)]
    for key, _, i in sorted(keyed):  # each key made once, not again after the sort (201,207 findings at 100k)
        record = records[i]
        seen[key] += 1
        record["finding_id"] = finding_id(key, seen[key])
