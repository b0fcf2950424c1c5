"""The report-table reader skips its label tests for a row that prints no label word
(report_table/reader._label_words): that shortcut must never skip a row a test would take.

Every line of the samples' report tables, read in every block of the grid, on a fresh
state: where the words say "no label", no label test accepts the row.
"""

from __future__ import annotations

from pathlib import Path

from dagster_project.parsers import blocks, vocabulary
from dagster_project.parsers.ledger import Ledger
from dagster_project.parsers.readers.text import text_document
from dagster_project.parsers.report_table import ReportFamily, reader
from dagster_project.parsers.report_table.state import ReportState
from dagster_project.parsers.text import decode

RAW = Path(__file__).resolve().parents[2] / "raw"
# What the label tests read of a family, as self_eval/ and tracking/ declare it (outside code may
# not import a family's internals); indicator cells are not read by a label test.
SELF_EVAL_TABLE = ReportFamily(vocabulary.SELF_EVAL, vocabulary.FUND_COLUMNS[vocabulary.SELF_EVAL], lambda *_: None)
TRACKING_TABLE = ReportFamily(
    vocabulary.TRACKING, vocabulary.FUND_COLUMNS[vocabulary.TRACKING], lambda *_: None,
    closing_heading=vocabulary.TRACKING_JUDGEMENT, closing_labels=vocabulary.TRACKING_CLOSING_LABELS,
)
SPECS = {blocks.SELF_EVAL: SELF_EVAL_TABLE, blocks.TRACKING: TRACKING_TABLE}
SECTIONS = ("header", "fund", "goal", "indicators", "closing")


def _report_lines():
    for path in sorted(RAW.glob("*.txt")):
        lines = text_document(decode(path.read_bytes())[0]).lines()
        segments, _outside = blocks.split_segments(lines)
        for segment in segments:
            if segment.family in SPECS:
                yield path.name, SPECS[segment.family], [ln for ln in segment.lines[1:] if not ln.is_blank]


def _takes(test, spec, line, section: str) -> bool:
    st = ReportState(spec=spec, source_file="t", ledger=Ledger("t", [line]), report_seq=1, section=section)
    return test(st, line)


def test_a_row_printing_no_label_word_is_taken_by_no_label_test():
    skipped = labelled = 0
    missed = []
    for name, spec, lines in _report_lines():
        labels, key_words, cell_words = reader._label_words(spec)
        for line in lines:
            if (not labels.isdisjoint(line.keys) or any(w in line.key for w in key_words)
                    or any(w in line.keys_text for w in cell_words)):
                labelled += 1
                continue
            skipped += 1
            missed += [
                f"{name} line {line.no} ({section}): {test.__name__}"
                for section in SECTIONS
                for test in (reader._labelled_row, reader._block_label_row)
                if _takes(test, spec, line, section)
            ]
    assert missed == []
    assert (skipped, labelled) == (684, 495)  # the report rows of raw/ 000, 001 and 004: most skip the tests


def test_the_reader_searches_the_same_words():
    """_dispatch tests a row by _label_search (each word list as one regex): the same rows as the words."""
    differ = []
    for name, spec, lines in _report_lines():
        _labels, key_words, cell_words = reader._label_words(spec)
        _labels, key_word_in, cell_word_in = reader._label_search(spec)
        for line in lines:
            tests = ((key_words, key_word_in, line.key), (cell_words, cell_word_in, line.keys_text))
            for words, found, text in tests:
                if any(w in text for w in words) != bool(found(text)):
                    differ.append(f"{name} line {line.no}: {text}")
        # each word alone is found, wherever it stands in a text
        for words, found in ((key_words, key_word_in), (cell_words, cell_word_in)):
            assert all(found(f"前{w}后") for w in words)
    assert differ == []


def test_each_label_test_is_reached_by_its_word():
    """A labelled row of each kind is taken by its test (the words are not just never matched)."""
    spec = SELF_EVAL_TABLE
    taken = {}
    for _name, family, lines in _report_lines():
        if family is not spec:
            continue
        for line in lines:
            for test in (reader._labelled_row, reader._block_label_row):
                if _takes(test, spec, line, "header"):
                    taken.setdefault(test.__name__, line.keys_text)
    assert set(taken) == {"_labelled_row", "_block_label_row"}
