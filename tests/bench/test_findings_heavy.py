"""The findings-heavy corpus and the sample-copies corpus of the benchmark (issue 22)."""

from __future__ import annotations

import hashlib
from argparse import Namespace
from pathlib import Path

from bench import corpus, run

SAMPLE = Path(__file__).resolve().parents[2] / "raw" / "000_2cba3ecfd7271be6.txt"


def test_findings_heavy_corpus_has_findings_in_a_third_of_reports_of_every_family(tmp_path):
    args = Namespace(copies=None, findings_heavy=True, corpus_dir=str(tmp_path), seed=1)
    out, manifest = run.prepare_corpus(600, args)
    assert out == tmp_path / "600-findings"
    truth = corpus.read_truth(out)
    reports = [r for rec in truth for r in rec["reports"]]
    injected = [r for r in reports if r["injected"]]
    budget_injected = [i for rec in truth for i in rec.get("budget", {}).get("injected", [])]
    assert manifest["reports"] == len(reports) == 600 + 3 * manifest["triples"]
    assert len(injected) + len(budget_injected) >= len(reports) / 3
    kinds = {i["check_name"] for r in reports for i in r["injected"]} | {i["check_name"] for i in budget_injected}
    assert set(corpus.SELF_EVAL_INJECTIONS) <= kinds  # every self-evaluation rule
    assert set(corpus.BUDGET_INJECTIONS) <= kinds  # budgets
    assert set(corpus.TRIPLE_INJECTIONS) & kinds  # across documents
    families = {rec["family"] for rec in truth}
    assert {"self_eval", "tracking", "budget"} <= families


def test_copies_of_a_sample_are_distinct_files(tmp_path):
    manifest = run.copies_corpus(SAMPLE, 3, tmp_path / "copies")
    files = sorted((tmp_path / "copies").iterdir())
    assert len(files) == 3 and manifest["reports"] == 3 * 36  # the sample holds 36 report tables
    assert len({hashlib.sha256(f.read_bytes()).hexdigest() for f in files}) == 3  # none loaded as a duplicate
