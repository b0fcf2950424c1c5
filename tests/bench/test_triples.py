"""Cross-document triples in the synthetic corpus: one project in a 绩效目标 table, a tracking
report and a self-evaluation, consistent except for the drift the truth records.

The parser's output is compared with the truth, and the differences between the three parsed
documents of each triple are found independently here: they must be exactly the recorded drift,
so the cross-document checks (target_changed_between_documents,
budget_initial_mismatch_across_documents) can be tested against the truth.
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal

import pytest

from bench import corpus
from bench.compare import compare_file

N, TRIPLES = 12, 14
DOCS = ("target", "tracking", "self_eval")


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("triples") / "c"
    manifest = corpus.generate(N, out, seed=11, workers=1, quiet=True, triples=TRIPLES, drift_rate=0.4)
    return out, manifest, corpus.read_truth(out)


@pytest.fixture(scope="module")
def parsed(generated):
    from dagster_project.parsers import parse_file

    out, _m, truth = generated
    return {
        t["file"]: (t, parse_file(out / t["file"], t["file"]))
        for t in truth
        if t["file"].startswith("triples/")
    }


def _triple_reports(truth) -> dict[str, dict[str, tuple[str, dict]]]:
    """triple id → document kind → (file, truth report)."""
    out: dict[str, dict] = {}
    for t in truth:
        for r in t["reports"]:
            if "triple" in r:
                out.setdefault(r["triple"]["id"], {})[r["report_type"]] = (t["file"], r)
    return out


def test_triples_come_on_top_of_n_and_have_three_documents_each(generated):
    _out, manifest, truth = generated
    assert manifest["reports"] == N + 3 * TRIPLES and manifest["triples"] == TRIPLES
    triples = _triple_reports(truth)
    assert len(triples) == TRIPLES
    for docs in triples.values():
        assert set(docs) == set(DOCS)
        keys = {tuple(sorted(r["triple"].items())) for _f, r in docs.values()}
        assert len(keys) == 1  # same unit key, project name and year in all three
        assert {r["fiscal_year"] for _f, r in docs.values()} == {
            r["triple"]["fiscal_year"] for _f, r in docs.values()
        }


def test_truth_records_each_drift_with_all_three_documents(generated):
    _out, _m, truth = generated
    drifts = Counter()
    for docs in _triple_reports(truth).values():
        for kind, (file, r) in docs.items():
            for inj in r["injected"]:
                drifts[inj["check_name"]] += 1
                assert {d["report_type"] for d in inj["documents"]} == set(DOCS)
                mine = next(d for d in inj["documents"] if d["report_type"] == kind)
                assert (mine["file"], mine["line_no"], mine["value"]) == (
                    file,
                    inj["line_no"],
                    inj["observed"],
                )
                others = {d["value"] for d in inj["documents"] if d["report_type"] != kind}
                assert others == {inj["expected"]} and inj["expected"] != inj["observed"]
    assert drifts["target_changed_between_documents"] > 0
    assert drifts["budget_initial_mismatch_across_documents"] > 0
    clean = [t for t in _triple_reports(truth).values() if not any(r["injected"] for _f, r in t.values())]
    assert clean, "some triples must be fully consistent"


def test_parser_reads_the_triple_files_as_the_truth_says(parsed):
    diffs = [d for t, r in parsed.values() for d in compare_file(t, r)]
    assert diffs == [], diffs[:5]


def _unit_key(name: str) -> str:
    """As dbt's normalize_unit_name: no spaces, half-width brackets, 上海市 before a district dropped."""
    key = re.sub(r"[\s\u3000\u00a0]+", "", name).replace("（", "(").replace("）", ")")
    return re.sub(r"^[^\s市省区()]{2,3}市([^\s市省区()]{2,3}区)", r"\1", key)


def test_parsed_documents_differ_exactly_where_the_truth_says(parsed):
    """Group the parsed reports by (unit, project, year) and diff them: the result is the recorded drift."""
    by_key: dict[tuple, dict[str, dict]] = {}
    for _t, result in parsed.values():
        funds = {(f.report_seq, f.fund_source): f for f in result.fund_rows}
        for rep in result.reports:
            if rep.report_type == "target":
                assert rep.budget_amount_unit == "元"
                budget = rep.budget_amount
            else:
                initial = funds[rep.report_seq, "total"].budget_initial
                budget = initial * (10_000 if rep.money_unit == "万元" else 1)
            targets = {
                i.indicator_name: i.target_text for i in result.indicators if i.report_seq == rep.report_seq
            }
            key = (_unit_key(rep.implementing_unit), rep.project_name, rep.fiscal_year)
            assert rep.report_type not in by_key.get(key, {}), key
            by_key.setdefault(key, {})[rep.report_type] = {"budget": budget, "targets": targets}
    assert len(by_key) == TRIPLES and all(set(d) == set(DOCS) for d in by_key.values())

    found = set()
    for key, docs in by_key.items():
        for kind in DOCS:
            others = [docs[o] for o in DOCS if o != kind]
            if (
                all(o["budget"] != docs[kind]["budget"] for o in others)
                and others[0]["budget"] == others[1]["budget"]
            ):
                found.add((key, "budget_initial_mismatch_across_documents", kind, None))
            for name, text in docs[kind]["targets"].items():
                if all(o["targets"][name] != text for o in others):
                    found.add((key, "target_changed_between_documents", kind, name))

    expected = set()
    for t, _r in parsed.values():
        for rep in t["reports"]:
            key = (rep["triple"]["unit_key"], rep["triple"]["project_name"], rep["triple"]["fiscal_year"])
            for inj in rep["injected"]:
                subject = inj["subject"] if inj["check_name"] == "target_changed_between_documents" else None
                expected.add((key, inj["check_name"], rep["report_type"], subject))
                if subject is None:
                    assert Decimal(inj["observed"]) == by_key[key][rep["report_type"]]["budget"]
    assert found == expected and expected


def test_triples_are_deterministic(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    corpus.generate(5, a, seed=2, workers=1, quiet=True, triples=6)
    corpus.generate(5, b, seed=2, workers=2, quiet=True, triples=6)
    files = sorted(p.relative_to(a) for p in a.rglob("*.txt"))
    assert [f for f in files if f.parts[0] == "triples"] and files == sorted(p.relative_to(b) for p in b.rglob("*.txt"))
    assert all((a / f).read_bytes() == (b / f).read_bytes() for f in files)
    assert (a / ".truth.jsonl").read_bytes() == (b / ".truth.jsonl").read_bytes()
