"""The PDF reader benchmark runs and prints each file's ratio to PyMuPDF get_text, and the worst."""

from __future__ import annotations

import shutil

import pytest
from pipeline_helpers import shared_folder

from bench import readers

REAL = shared_folder("real_templates")
pytestmark = pytest.mark.skipif(REAL is None, reason="../shared/real_templates (published PDFs) not present")


def test_bench_prints_pages_times_ratio_and_worst(tmp_path, capsys):
    # the smallest real file (13 landscape pages stored with /Rotate 90) keeps the test cheap
    shutil.copy(REAL / "15_jiangsu_renda_2019_dept_budget_tables.pdf", tmp_path)
    (row,) = readers.main([str(tmp_path), "--repeat", "2", "--budget", "0"])  # two rounds, no more
    assert row["file"] == "15_jiangsu_renda_2019_dept_budget_tables.pdf" and row["pages"] == 13
    assert row["get_text_s"] > 0 and row["reader_s"] > row["get_text_s"]
    assert row["ratio"] == pytest.approx(row["reader_s"] / row["get_text_s"])
    assert row["rounds"] == 2
    # (PyMuPDF may print a one-time notice of its own first)
    out = [line for line in capsys.readouterr().out.splitlines() if not line.startswith("Consider")]
    assert out[0].split()[:7] == ["file", "pages", "MB", "get_text", "s", "reader", "s"]
    assert out[1].split()[:2] == ["15_jiangsu_renda_2019_dept_budget_tables.pdf", "13"]
    assert out[1].split()[-2:] == [f"{row['ratio']:.1f}", "2"]  # ratio, rounds
    assert out[2].startswith(f"worst ratio reader / get_text: {row['ratio']:.1f} (15_jiangsu")


def test_bench_without_pdfs_says_skipped(tmp_path, capsys):
    assert readers.main([str(tmp_path)]) == []
    assert "skipped" in capsys.readouterr().out
