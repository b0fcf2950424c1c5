"""text.split_lines and Line: each line's cells cleaned and normalised once, as the slow way would."""

from __future__ import annotations

import re
import sys
import unicodedata

from dagster_project.parsers import text
from dagster_project.parsers.text import JOIN_SAFE_RANGES, clean_cell, norm, split_lines


def test_cells_cleaned_only_where_needed_and_like_clean_cell():
    text = "标题\t单位：元\r\n\t<b>项目</b>\t1,234.50 \n\n投诉率<1%\t&lt;2%&gt;\t a\u3000 b \n"
    lines = split_lines(text)
    assert [ln.no for ln in lines] == [1, 2, 3, 4]
    for line in lines:
        assert line.cells == tuple(clean_cell(c) for c in line.raw.split("\t"))
        assert line.is_blank == (not any(line.cells))
    assert lines[1].cells == ("", "项目", "1,234.50")
    assert lines[3].cells == ("投诉率<1%", "<2%>", "a b")
    assert lines[2].is_blank and not lines[0].is_blank


def test_cleaning_test_finds_exactly_the_triggers():
    """clean_cell's one search: a trigger character, a TAB or two spaces anywhere; nothing else."""
    triggers = (*text._CLEANING_TRIGGERS, "\t")
    samples = ["", "a", " a ", "a b", "a  b", "  ", " ", "项目 名称", "x\t", "<", "&"]
    samples += ["预算\u3000", "\ufeff1"]
    samples += ["a \u00a0", "1\u2009000", "\u2002", "\u2003x", " x ", "中 文 字", "a \u3000 b"]
    for s in samples:
        assert (text._NEEDS_CLEANING.search(s) is None) == (not any(t in s for t in triggers)), s
    assert clean_cell(" a  b\u3000c ") == "a b c"
    assert clean_cell(" a b ") == "a b"


def test_keys_and_key_are_norm_of_each_cell_and_of_the_joined_cells():
    text = "（一）\t预算 执行率\t１００％\n\t满意度\t≥90%\ne\t\u0301x\n\u1100\t\u1161\n"
    for line in split_lines(text):
        assert line.keys == tuple(map(norm, line.cells))
        assert line.keys_text == "\t".join(line.keys)
        assert line.key == norm("".join(line.cells))
    first, _, accent, hangul = split_lines(text)
    assert first.key == "(一)预算执行率100%"
    # A cell starting with a combining mark or a Hangul vowel joins the cell before it under
    # NFKC: the key is then not the keys joined, and is computed from the whole line.
    assert accent.key == "éx" != "".join(accent.keys)
    assert hangul.key == "\uac00" != "".join(hangul.keys)


def test_join_safe_ranges_never_combine_with_the_character_before():
    """Line.key joins the cells' keys when every key starts in these ranges: none of their
    characters has a combining class or is the second of a canonical composition."""
    safe = re.compile(f"[{JOIN_SAFE_RANGES}]")
    seconds = {0x1161 + i for i in range(21)} | {0x11A8 + i for i in range(27)}  # Hangul V and T
    for cp in range(sys.maxunicode + 1):
        parts = unicodedata.decomposition(chr(cp)).split()
        if len(parts) == 2 and not parts[0].startswith("<"):
            seconds.add(int(parts[1], 16))
    unsafe = [hex(cp) for cp in range(0x10000) if safe.match(chr(cp)) and (unicodedata.combining(chr(cp)) or cp in seconds)]
    assert unsafe == []
    assert len(seconds) > 100 and safe.match("表") and safe.match("1") and not safe.match("\u0301")


def test_a_line_without_spaces_or_nfkc_changes_keys_as_each_cell_normalised():
    """_trimmed_tail's shortcut (a line nothing is trimmed from and NFKC leaves alone is its own
    keys) gives what the way per cell gives: for every character NFKC changes or str.split takes,
    inside a cell, at its start and at its end, and at the joins NFKC makes."""
    changed = [chr(cp) for cp in range(sys.maxunicode + 1)
               if chr(cp) not in "\n\r" and (chr(cp).isspace() or unicodedata.normalize("NFKC", chr(cp)) != chr(cp))]
    lines = ["项目名称\t预算执行率\t100%", "\t\t", "", "e\t\u0301x", "\u1100\t\u1161", "（一）\t满意度≥90%，良好",
             "ｘ\tＡ", "\u00a8\t1", "a\u0301\tb", "\t表", *(f"预算{c}执行\t{c}1\t2{c}" for c in changed)]
    tail = text._trimmed_tail.__wrapped__  # not through the cache: thousands of one-off lines
    for raw in lines:
        assert tail(raw) == text._tail(tuple(map(str.strip, raw.split("\t")))), ascii(raw)
    assert len(changed) > 4500


def test_nfkc_is_unicodedata_nfkc_next_to_every_character():
    """text.nfkc replaces the full-width ASCII forms before NFKC: the same result as NFKC alone, for
    each of them before and after every character (a combining mark, a Hangul jamo, another
    full-width form, a character NFKC changes), and on a report's prose."""
    wide = [chr(cp) for cp in [*range(0xFF01, 0xFF5F), 0x3000]]
    assert all(text.nfkc(w) == unicodedata.normalize("NFKC", w) for w in wide)
    every = "".join(chr(cp) for cp in range(0x10000) if not 0xD800 <= cp <= 0xDFFF)
    for w in ("，", "（", "Ａ", "\u3000"):  # every character after and before a full-width form
        together = "".join(w + c + w for c in every)
        assert text.nfkc(together) == unicodedata.normalize("NFKC", together)
    for c in every:  # one at a time too: a composition or reordering stays within its neighbours
        assert text.nfkc(f"，{c}\u0301（") == unicodedata.normalize("NFKC", f"，{c}\u0301（"), ascii(c)
    prose = "2022年，嘉定区人力资源和社会保障局预算支出总额为14,711.68万元（其中：财政拨款１２３．４万元）。"
    assert text.nfkc(prose) == unicodedata.normalize("NFKC", prose) == (
        "2022年,嘉定区人力资源和社会保障局预算支出总额为14,711.68万元(其中:财政拨款123.4万元)。"
    )
