"""Compare a parser's output for one generated file with the generator's ground truth.

Used by tests/bench/test_corpus.py and by ``bench.run --accuracy``. Every
difference is one dict {file, report_seq, aspect, expected, found}; aspects:

report_count, report_missing (no parsed table overlaps its lines), report_type, project_name, money_unit, fiscal_year, fund_row
(missing fund row), fund_value, indicator_count, indicator_names, total_weight,
total_score, budget_table_count, budget_table_titles, budget_cell_count.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

FUND_FIELDS = (
    "budget_initial",
    "budget_adjusted",
    "budget_tracking",
    "executed",
    "execution_rate_pct",
    "score",
)


def _dec(v) -> Decimal | None:
    return None if v is None else Decimal(str(v))


def compare_file(truth: dict, result) -> list[dict]:
    """Differences between the truth record of one file and its ParseResult."""
    out: list[dict] = []
    f = truth["file"]

    def diff(seq, aspect, expected, found):
        out.append({"file": f, "report_seq": seq, "aspect": aspect, "expected": expected, "found": found})

    t_reports = truth["reports"]
    p_reports = sorted(result.reports, key=lambda r: r.report_seq)
    if len(p_reports) != len(t_reports):
        diff(None, "report_count", len(t_reports), len(p_reports))
    funds = {}
    for fr in result.fund_rows:
        funds.setdefault(fr.report_seq, {})[fr.fund_source] = fr
    inds: dict[int, list] = {}
    for ir in result.indicators:
        inds.setdefault(ir.report_seq, []).append(ir)

    for t in t_reports:
        seq = t["report_seq"]
        # align by position in the file, so one missed table does not shift all that follow
        p = next(
            (p for p in p_reports if p.line_start <= t["line_end"] and p.line_end >= t["line_start"]), None
        )
        if p is None:
            diff(seq, "report_missing", t["project_name"], None)
            continue
        if p.report_type != t["report_type"]:
            diff(seq, "report_type", t["report_type"], p.report_type)
        if p.project_name != t["project_name"]:
            diff(seq, "project_name", t["project_name"], p.project_name)
        if t["report_type"] != "target" and p.money_unit != t["money_unit"]:
            diff(seq, "money_unit", t["money_unit"], p.money_unit)
        if p.fiscal_year != t["fiscal_year"]:
            diff(seq, "fiscal_year", t["fiscal_year"], p.fiscal_year)
        for source, tf in t["funds"].items():
            pf = funds.get(p.report_seq, {}).get(source)
            if pf is None:
                diff(seq, "fund_row", source, None)
                continue
            for field in FUND_FIELDS:
                if field in tf and _dec(tf[field]) != getattr(pf, field):
                    diff(seq, "fund_value", f"{source}.{field}={tf[field]}", str(getattr(pf, field)))
        p_inds = sorted(inds.get(p.report_seq, []), key=lambda i: i.indicator_seq)
        if len(p_inds) != t["indicator_count"]:
            diff(seq, "indicator_count", t["indicator_count"], len(p_inds))
        t_names = [i["name"] for i in t["indicators"]]
        p_names = [i.indicator_name for i in p_inds]
        if t_names != p_names:
            missing = list((Counter(t_names) - Counter(p_names)).elements())
            extra = list((Counter(p_names) - Counter(t_names)).elements())
            diff(seq, "indicator_names", missing or "(order)", extra)
        for key in ("total_weight", "total_score"):
            if t.get(key) is not None and _dec(t[key]) != getattr(p, key):
                diff(seq, key, t[key], str(getattr(p, key)))

    budget = truth.get("budget")
    if budget:
        tables = sorted(result.budget_tables, key=lambda b: b.table_seq)
        if len(tables) != budget["table_count"]:
            diff(None, "budget_table_count", budget["table_count"], len(tables))
        t_titles = [t["title"] for t in budget["tables"]]
        p_titles = [b.table_title for b in tables]
        if t_titles != p_titles:
            diff(None, "budget_table_titles", t_titles, p_titles)
        found = Counter(c.table_seq for c in result.budget_cells if c.amount is not None)
        for t in budget["tables"]:
            n = found.get(t["table_seq"], 0)
            # a row of 0.00 without code or name may be kept or dropped
            if n not in (t["cells_printed"], t["cells_printed"] - t.get("cells_unlabelled", 0)):
                diff(None, "budget_cell_count", f"{t['title']}: {t['cells_printed']}", n)
    return out


def summarise(diffs: list[dict]) -> dict[str, int]:
    return dict(Counter(d["aspect"] for d in diffs))
