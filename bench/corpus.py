"""Synthetic corpus of district fiscal reports, with ground truth.

    python -m bench.corpus --n 1000 --out bench/corpus/1000 --seed 1

Writes report files (TAB-separated text like the samples) in batches of
sub-folders under ``--out`` and, beside them, two hidden files the loader
skips (``discover`` ignores dot-files):

- ``.truth.jsonl``: one JSON object per generated file: its family, the
  reports it holds (report_type, project, unit, fund rows, indicators, totals)
  and, for budget files, the budget tables (titles, printed cells). Every
  deliberately injected inconsistency is listed under ``injected`` with the
  check name from the contract, the line and the expected / printed values.
- ``.manifest.json``: seed, sizes, counts, generation time.

``--n`` counts report tables (self-evaluation, tracking and performance-target
tables), not files. Files hold 5-30 self-evaluation or tracking tables, or a
department-budget document (8 budget tables, one cell per line, with 3-12
绩效目标 tables). The output depends only on (n, seed, inject rate): files
are generated from per-file seeds, in parallel, and written as they are made.

Cross-document triples (``--triples T``, on top of ``--n``): T projects, each in
a budget document's 绩效目标 table, a tracking report and a self-evaluation of
the same unit, name and year (files ``triples/batch_*/g<group>_{budget,tracking,
self_eval}.txt``, up to 4 projects per group). They agree on every indicator's
target text and on the budget (年度预算安排 = 年初预算数), except for the drift
injected with ``--drift-rate``: each report of a triple carries ``triple`` (id,
unit_key, project_name, fiscal_year); the report that differs lists the drift
under ``injected`` as ``target_changed_between_documents`` or
``budget_initial_mismatch_across_documents``, with the expected (the other two
documents) and observed values (amounts in 元) and all three documents' file,
report_seq, line and value.

    python -m bench.corpus --n 20 --triples 12 --out /tmp/corpus --seed 1
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import sys
import time
from multiprocessing import Pool
from pathlib import Path

from . import vocab as V

FILES_PER_BATCH = 500
GENERATOR = "bench.corpus v4"  # bump when the output changes: invalidates cached corpora
FAMILY_WEIGHTS = (("self_eval", 0.40), ("tracking", 0.35), ("budget", 0.25))
GRADES = ((9000, "优"), (8000, "良"), (6000, "中"), (0, "差"))  # score in hundredths

SELF_EVAL_INJECTIONS = (
    "fund_score_mismatch",
    "execution_rate_mismatch",
    "fund_total_mismatch",
    "score_sum_mismatch",
    "weight_sum_mismatch",
    "score_exceeds_weight",
    "grade_mismatch",
    "missing_deviation_reason",
)
TRACKING_INJECTIONS = ("execution_rate_mismatch", "fund_total_mismatch")
BUDGET_INJECTIONS = ("budget_hierarchy_mismatch", "narrative_amount_mismatch")


# ---------------------------------------------------------------- formatting
# Amounts are integers in hundredths of the document's unit: no float drift.


def d2(c: int) -> str:
    """1234567 → '12345.67'."""
    sign = "-" if c < 0 else ""
    c = abs(c)
    return f"{sign}{c // 100}.{c % 100:02d}"


def grouped(c: int) -> str:
    return f"{c // 100:,}.{c % 100:02d}"


def short(c: int) -> str:
    """As some documents print: 74696, 556116.8, 507277.51."""
    if c % 100 == 0:
        return str(c // 100)
    if c % 10 == 0:
        return f"{c // 100}.{(c % 100) // 10}"
    return d2(c)


def rate_h(executed: int, budget: int) -> int:
    """Execution rate in hundredths of a percent, rounded half up."""
    if budget <= 0:
        return 0
    return (executed * 20000 + budget) // (2 * budget)


def grade_of(score_h: int) -> str:
    for floor, grade in GRADES:
        if score_h >= floor:
            return grade
    return "差"


def dec(c: int | None) -> str | None:
    """Truth value: a decimal string in the document's unit."""
    return None if c is None else d2(c)


class Doc:
    """Lines of one file, with the 1-based number of the line last added."""

    __slots__ = ("lines",)

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, line: str) -> int:
        self.lines.append(line)
        return len(self.lines)

    def row(self, cells: list[str], pad: int = 0) -> int:
        return self.add("\t".join(cells) + "\t" * pad)

    @property
    def no(self) -> int:
        return len(self.lines)


# ---------------------------------------------------------------- shared pieces


def org(rng: random.Random) -> dict:
    district = rng.choice(V.DISTRICTS)
    bureau = rng.choice(list(V.BUREAUS))
    unit = rng.choice(V.BUREAUS[bureau])
    return {"district": district, "bureau": bureau, "unit": unit}


def project_name(rng: random.Random, year: int) -> str:
    return rng.choice(V.PROJECT_SUBJECTS) + rng.choice(V.PROJECT_SUFFIXES).format(year=year)


def goal_text(rng: random.Random, k: int = 3) -> str:
    parts = rng.sample(V.GOAL_FRAGMENTS, k)
    return "，".join(parts) + "。"


def indicator_name(rng: random.Random, subject: str, metric: str) -> str:
    if "满意度" in metric and rng.random() < 0.7:
        return metric
    stem = subject.replace("(二期)", "").replace("、", "")
    stem = (
        stem[:6]
        if rng.random() < 0.5
        else rng.choice(["补贴", "培训", "系统维护", "服务", "项目", "宣传", "鉴定"])
    )
    return stem + metric


_KIND_BY_LEVEL2 = {
    "数量": (0.0, 0.6),
    "质量": (0.3, 0.75),
    "时效": (0.5, 0.65),
    "成本": (0.65, 0.75),
    "满意": (0.3, 0.65),
}


def quantity_target(rng: random.Random, level2: str = "") -> tuple[str, str]:
    """(target, actual) texts in one of the printed styles, plausible for the level-2 category."""
    lo, hi = next((v for k, v in _KIND_BY_LEVEL2.items() if k in level2), (0.75, 1.0))
    r = lo + (hi - lo) * rng.random() if rng.random() < 0.85 else rng.random()
    if r < 0.30:
        n = rng.choice([1, 2, 3, 5, 12, 20, 100, 300, 600, 1000])
        unit = rng.choice(V.QUANT_UNITS)
        actual = n + rng.choice([0, 0, 1, 3, n])
        return f"{rng.choice('≥=')}{n}.00({unit})", f"{actual}.00({unit})"
    if r < 0.50:
        p = rng.choice([85, 90, 95, 98, 100])
        return f"{rng.choice(['≥', '=', ''])}{p}%", f"{min(100, p + rng.choice([0, 0, 2]))}%"
    if r < 0.65:
        p = rng.choice([90, 95, 98, 100])
        return f"{rng.choice(['≥', '='])}{p}.00(%)", f"{p}.00(%)"
    if r < 0.75:
        c = rng.choice([15, 300, 1000, 10000])
        return f"≤{c}.00(元/人)", f"{c}.00(元/人)"
    t = rng.choice(list(V.TEXT_TARGETS))
    return t, rng.choice([V.TEXT_TARGETS[t], "达成指标"])


def pick_indicators(rng: random.Random, levels: dict, k: int, subject: str) -> list[tuple[str, str, str]]:
    """k (level1, level2, name) in table order: grouped by level1 then level2."""
    out = []
    level1s = list(levels)
    # every table has output indicators; others come and go
    chosen = [l1 for l1 in level1s if l1.startswith("产出") or rng.random() < 0.75]
    per = max(1, k // len(chosen))
    for i, l1 in enumerate(chosen):
        n = per if i < len(chosen) - 1 else max(1, k - per * (len(chosen) - 1))
        l2s = list(levels[l1])
        for j in range(n):
            l2 = l2s[min(len(l2s) - 1, j * len(l2s) // n)]
            metric = rng.choice(levels[l1][l2])
            out.append((l1, l2, indicator_name(rng, subject, metric)))
    return out[: max(k, 1)]


def split_weights(rng: random.Random, total_h: int, k: int, integer: bool) -> list[int]:
    if integer and k * 500 <= total_h:
        w = [500] * k
        for _ in range((total_h - 500 * k) // 500):
            w[rng.randrange(k)] += 500
        return w
    base, rem = divmod(total_h, k)
    return [base + (1 if i < rem else 0) for i in range(k)]


def funds_for(rng: random.Random, unit: str) -> dict[str, int]:
    """Fund amounts in hundredths of `unit`: the four rows of one report."""
    if unit == "万元":
        adjusted = rng.choice(
            [rng.randint(50, 2000), rng.randint(2000, 200000), rng.randint(200000, 5000000)]
        )
    else:
        adjusted = rng.choice([rng.randint(500000, 9000000), rng.randint(9000000, 500000000)])
        if rng.random() < 0.5:
            adjusted -= adjusted % 100  # whole 元
    carry = adjusted * rng.randint(5, 30) // 100 if rng.random() < 0.2 else 0
    other = adjusted * rng.randint(2, 15) // 100 if rng.random() < 0.1 else 0
    current = adjusted - carry - other
    initial = adjusted if rng.random() < 0.5 else adjusted * rng.randint(80, 130) // 100
    return {"initial": initial, "adjusted": adjusted, "current": current, "carry": carry, "other": other}


def funds_around(rng: random.Random, initial: int) -> dict[str, int]:
    """Like funds_for, around a given 年初预算数 (hundredths of the unit): cross-document projects."""
    adjusted = initial if rng.random() < 0.5 else initial * rng.randint(90, 115) // 100
    carry = adjusted * rng.randint(5, 30) // 100 if rng.random() < 0.2 else 0
    other = adjusted * rng.randint(2, 15) // 100 if rng.random() < 0.1 else 0
    current = adjusted - carry - other
    return {"initial": initial, "adjusted": adjusted, "current": current, "carry": carry, "other": other}


def split_exec(rng: random.Random, parts: list[int], ratio: float) -> list[int]:
    return [int(p * ratio) for p in parts]


# ---------------------------------------------------------------- self-evaluation


def self_eval_report(
    doc: Doc, rng: random.Random, ctx: dict, inject: str | None, project: dict | None = None
) -> dict:
    """One self-evaluation table; `project` (cross-document triples) fixes name, unit, 年初预算数 and indicators."""
    year, unit = ctx["year"], ctx["unit"]
    style = ctx["style"]  # "a" (Songjiang-like) or "b" (Minhang-like)
    o = ctx["org"]
    name = project["name"] if project else project_name(rng, year)
    dept = f"上海市{o['district']}{o['bureau']}" if style == "a" else f"{o['district']}{o['bureau']}(汇总)"
    impl = project["printed_unit"]["self_eval"] if project else (
        f"上海市{o['district']}{o['bureau']}(本级)"
        if rng.random() < 0.5
        else f"上海市{o['district']}{rng.choice(V.BUREAUS[o['bureau']])}"
    )
    blank = "-" if style == "a" else rng.choice(["—", "-", ""])
    noise: list[str] = []
    injected: list[dict] = []

    # title
    line_start = doc.no + 1
    t = rng.random()
    if t < 0.35:
        doc.add(f'<div style="text-align: center;"> 财政项目支出绩效自评表 ({year}年度) </div>' + "\t" * 9)
        noise.append("html_title")
    elif t < 0.7:
        doc.add("财政项目支出绩效自评表" + "\t" * 8)
        doc.add(f"({year} 年度)" + "\t" * 8)
    else:
        doc.add("财政项目支出绩效自评表")
        doc.add("")
        doc.add(f"({year}年度)")
        doc.add("")
    doc.row(["项目名称", "", name] if style == "a" else ["项目名称", name], pad=rng.randint(4, 7))
    doc.row(
        ["主管部门", "", dept, "", "实施单位", "", impl]
        if style == "a"
        else ["主管部门", dept, "", "", "实施单位", impl],
        pad=rng.randint(1, 3),
    )

    # funds
    f = funds_around(rng, in_unit(project["initial_m"]["self_eval"], unit)) if project else funds_for(rng, unit)
    ratio = rng.choice([1.0, 1.0, 1.0, rng.uniform(0.6, 1.0), rng.uniform(0.9, 1.0)])
    ex_cur, ex_carry, ex_other = split_exec(rng, [f["current"], f["carry"], f["other"]], ratio)
    rows = {
        "current_year_appropriation": [
            f["initial"] - f["carry"] - f["other"]
            if f["initial"] >= f["carry"] + f["other"]
            else f["initial"],
            f["current"],
            ex_cur,
        ],
        "carryover": [f["carry"], f["carry"], ex_carry],
        "other": [f["other"], f["other"], ex_other],
    }
    if f["initial"] < f["carry"] + f["other"]:
        rows["carryover"][0] = rows["other"][0] = 0
    total = [sum(r[i] for r in rows.values()) for i in range(3)]
    weight_h = 1000
    rate_total = rate_h(total[2], total[1])
    printed_rate = rate_total
    if inject == "execution_rate_mismatch":
        delta = rng.randint(100, 800)
        printed_rate = rate_total - delta if rate_total >= delta else rate_total + delta
    fund_score = (weight_h * min(printed_rate, 10000) * 2 + 10000) // 20000
    printed_fund_score = fund_score
    if inject == "fund_score_mismatch":
        printed_fund_score = (
            max(0, fund_score - rng.randint(50, 300)) if fund_score >= 50 else fund_score + 200
        )
    printed_rows = {k: list(v) for k, v in rows.items()}
    if inject == "fund_total_mismatch":
        printed_rows["current_year_appropriation"][2] += rng.randint(100, 50000)

    label_a = rng.choice(["其中:当年财政拨款", "其中：当年财政拨款"])
    rate_word = "执行率(%)" if style == "a" else "执行率"
    weight_word = rng.choice(["分数", "分值"])
    if style == "a":
        doc.row(
            [
                f"项目资金 ({unit})",
                "",
                "",
                "",
                "年初预算数",
                "全年预算数",
                "全年执行数",
                weight_word,
                rate_word,
                "得分",
            ]
        )
    else:
        doc.row(
            [
                f"项目资金 ({unit})",
                "",
                "年初预算数",
                "全年预算数",
                "全年执行数",
                weight_word,
                rate_word,
                "得分",
            ],
            pad=1,
        )
    lead = ["", ""] if style == "a" else [""]
    gap = [""] if style == "a" else []
    pct = "%" if style == "b" else ""
    use_group = unit == "元" and rng.random() < 0.6

    def money(c: int, col: int) -> str:
        if unit == "万元":
            return d2(c)
        if col == 2 and use_group:
            return grouped(c) if c % 100 else f"{c // 100:,}"
        return short(c) if style == "b" else d2(c)

    fund_truth = {}
    line = doc.row(
        lead
        + ["年度资金总额"]
        + gap
        + [
            money(total[0], 0),
            money(total[1], 1),
            money(total[2], 2),
            d2(weight_h) if style == "a" else short(weight_h),
            d2(printed_rate) + pct,
            d2(printed_fund_score) if style == "a" else short(printed_fund_score),
        ],
        pad=0 if style == "a" else 1,
    )
    fund_truth["total"] = {
        "budget_initial": dec(total[0]),
        "budget_adjusted": dec(total[1]),
        "executed": dec(total[2]),
        "weight": dec(weight_h),
        "execution_rate_pct": dec(printed_rate),
        "score": dec(printed_fund_score),
        "line_no": line,
    }
    fund_line = line
    for key, label in (
        ("current_year_appropriation", label_a),
        ("carryover", "上年结转资金"),
        ("other", "其他资金"),
    ):
        ini, adj, exe = printed_rows[key]
        sub_rate = rate_h(exe, adj)
        show_rate = style == "a" or rng.random() < 0.3
        exe_txt = money(exe, 2) if (exe or style == "a" or key == "current_year_appropriation") else ""
        line = doc.row(
            lead
            + [label]
            + gap
            + [
                money(ini, 0),
                money(adj, 1),
                exe_txt,
                blank,
                (d2(sub_rate) + pct) if show_rate else "",
                blank if style == "a" else "",
            ],
            pad=0 if style == "a" else 1,
        )
        fund_truth[key] = {
            "budget_initial": dec(ini),
            "budget_adjusted": dec(adj),
            "executed": dec(exe) if exe_txt else None,
            "weight": None,
            "execution_rate_pct": dec(sub_rate) if show_rate else None,
            "score": None,
            "line_no": line,
        }
    if inject == "fund_total_mismatch":
        injected.append(
            {
                "check_name": inject,
                "subject": "fund_rows.executed",
                "line_no": fund_line,
                "expected": dec(sum(r[2] for r in printed_rows.values())),
                "observed": dec(total[2]),
            }
        )
    if inject == "execution_rate_mismatch":
        injected.append(
            {
                "check_name": inject,
                "subject": "total",
                "line_no": fund_line,
                "expected": dec(rate_total),
                "observed": dec(printed_rate),
            }
        )
    if inject == "fund_score_mismatch":
        injected.append(
            {
                "check_name": inject,
                "subject": "total",
                "line_no": fund_line,
                "expected": dec(fund_score),
                "observed": dec(printed_fund_score),
            }
        )

    # goals
    expected, actual = goal_text(rng), goal_text(rng, 2)
    if rng.random() < 0.7:
        doc.row(["年度 总体 目标", "预期目标", "", "", "实际完成情况"], pad=4)
        doc.row(["", expected, "", "", actual], pad=4)
    else:
        doc.row(["", "预期目标", "", "", "实际完成情况"], pad=3)
        doc.row(["年度总体目标", expected, "", "", actual], pad=3)

    # indicators
    if project:
        inds = [(i["report_level1"], i["report_level2"], i["name"]) for i in project["indicators"]]
    else:
        k = rng.randint(4, 16)
        inds = pick_indicators(rng, V.SELF_EVAL_LEVELS, k, name)
    k = len(inds)
    weights = split_weights(rng, 9000, k, integer=style == "b")
    scores, reasons = [], []
    for w in weights:
        if rng.random() < 0.2:
            scores.append(w * rng.randint(30, 95) // 100)
            reasons.append(rng.choice(V.DEVIATION_REASONS))
        else:
            scores.append(w)
            reasons.append("")
    victim = rng.randrange(k)
    if inject == "weight_sum_mismatch":  # weight and score both up: only the weight sum breaks
        extra = rng.choice([100, 500, 1000])
        weights[victim] += extra
        scores[victim] += extra
    if inject == "score_exceeds_weight":
        scores[victim] = weights[victim] + rng.randint(50, 500)
        reasons[victim] = ""
    if inject == "missing_deviation_reason":
        scores[victim] = weights[victim] * rng.randint(30, 90) // 100
        reasons[victim] = ""
    wfmt = d2 if style == "a" else short
    prefix = style == "b" and rng.random() < 0.6
    if prefix:
        doc.row(
            [
                "绩效 指标",
                "一级指标",
                "二级指标",
                "三级指标",
                "年度 指标值",
                "实际 完成值",
                "分值",
                "得分",
                "偏差原因分析及 改进措施",
            ]
        )
    elif style == "a":
        doc.row(
            [
                "一级指标",
                "二级指标",
                "三级指标",
                "",
                "年度指标值",
                "实际完成值",
                "分值",
                "得分",
                "偏差原因分析及改进措施",
            ],
            pad=1,
        )
    else:
        doc.row(
            [
                "一级指标",
                "二级指标",
                "三级指标",
                "年度指标值",
                "实际完成值",
                "分值",
                "得分",
                "偏差原因分析及改进措施",
            ]
        )
    ind_truth = []
    prev1 = prev2 = None
    for i, ((l1, l2, nm), w, s, why) in enumerate(zip(inds, weights, scores, reasons)):
        target, act = project_target(project, "self_eval", i) if project else quantity_target(rng, l2)
        c1 = l1 if l1 != prev1 else ""
        c2 = l2 if (l2 != prev2 or l1 != prev1) else ""
        if i and rng.random() < 0.04:  # page break inside the table
            doc.add("")
            noise.append("page_break")
            if prefix and rng.random() < 0.5:
                c1 = c1 or ""
        wrapped = None
        if why and rng.random() < 0.25:
            cut = max(2, len(why) // 2)
            why, wrapped = why[:cut], why[cut:]
        if prefix:
            cells = ["", c1, c2, nm, target, act, wfmt(w), wfmt(s), why]
        elif style == "a":
            cells = [c1, c2, nm, "", target, act, wfmt(w), wfmt(s), why]
        else:
            cells = [c1, c2, nm, target, act, wfmt(w), wfmt(s), why]
        r = rng.random()
        if r < 0.05 and not c1 and c2 and not prefix:  # a 二级 label in the 一级 position
            cells = [c2, ""] + cells[2:]
            noise.append("level2_in_level1")
        elif r < 0.10:  # an extra empty cell after the name
            j = cells.index(nm) + 1
            cells = cells[:j] + [""] + cells[j:]
            noise.append("extra_empty_cell")
        line = doc.row(cells, pad=1 if style == "a" else 0)
        if wrapped:
            doc.add("\t" * (len(cells) - 1) + wrapped)
            noise.append("wrapped_cell")
        ind_truth.append(
            {
                "seq": i + 1,
                "level1": l1,
                "level2": l2,
                "name": nm,
                "target": target,
                "actual": act,
                "weight": dec(w),
                "score": dec(s),
                "deviation_reason": (why + (wrapped or "")) or None,
                "line_no": line,
            }
        )
        prev1, prev2 = l1, l2
    if inject in ("score_exceeds_weight", "missing_deviation_reason"):
        it = ind_truth[victim]
        injected.append(
            {
                "check_name": inject,
                "subject": it["name"],
                "line_no": it["line_no"],
                "expected": f"<= {it['weight']}" if inject == "score_exceeds_weight" else "non-empty reason",
                "observed": it["score"] if inject == "score_exceeds_weight" else None,
            }
        )

    total_weight = weight_h + 9000
    score_sum = printed_fund_score + sum(scores)
    total_score = score_sum
    if inject == "score_sum_mismatch":
        total_score = score_sum + rng.choice([-1, 1]) * rng.randint(100, 300)
    grade = grade_of(total_score)
    if inject == "grade_mismatch":
        grade = rng.choice([g for _, g in GRADES if g != grade])
    total_line = doc.row(
        [
            "总分",
            "",
            "",
            "",
            "",
            "",
            d2(total_weight) if style == "a" else short(total_weight),
            d2(total_score) if style == "a" else short(total_score),
        ],
        pad=1,
    )
    if inject == "weight_sum_mismatch":  # the sum is wrong where the total is printed
        injected.append(
            {
                "check_name": inject,
                "subject": "总分",
                "line_no": total_line,
                "expected": dec(total_weight),
                "observed": dec(weight_h + sum(weights)),
                "indicator_line_no": ind_truth[victim]["line_no"],
            }
        )
    if inject == "score_sum_mismatch":
        injected.append(
            {
                "check_name": inject,
                "subject": "总分",
                "line_no": total_line,
                "expected": dec(score_sum),
                "observed": dec(total_score),
            }
        )
    has_grade = style == "a" or inject == "grade_mismatch" or rng.random() < 0.3
    if has_grade:
        gl = doc.row(["评分等级", "", grade], pad=6)
        if inject == "grade_mismatch":
            injected.append(
                {
                    "check_name": inject,
                    "subject": "评分等级",
                    "line_no": gl,
                    "expected": grade_of(total_score),
                    "observed": grade,
                }
            )
    line_end = doc.no
    doc.add("")
    return {
        "report_type": "self_eval",
        "line_start": line_start,
        "line_end": line_end,
        "fiscal_year": year,
        "project_name": name,
        "supervising_dept": dept,
        "implementing_unit": impl,
        "money_unit": unit,
        "funds": fund_truth,
        "indicator_count": k,
        "indicators": ind_truth,
        "total_weight": dec(total_weight),
        "total_score": dec(total_score),
        "grade": grade if has_grade else None,
        "goal_expected": expected,
        "goal_actual": actual,
        "noise": sorted(set(noise)),
        "injected": injected,
    }


# ---------------------------------------------------------------- tracking


def tracking_report(
    doc: Doc, rng: random.Random, ctx: dict, inject: str | None, project: dict | None = None
) -> dict:
    """One tracking table; `project` (cross-document triples) fixes name, unit, 年初预算数 and indicators."""
    year, unit = ctx["year"], ctx["unit"]
    o = ctx["org"]
    end_month = ctx["end_month"]
    name = project["name"] if project else project_name(rng, year)
    dept = f"上海市{o['district']}{o['bureau']}(汇总)"
    impl = (
        project["printed_unit"]["tracking"]
        if project
        else f"上海市{o['district']}{rng.choice(V.BUREAUS[o['bureau']])}"
    )
    noise: list[str] = []
    injected: list[dict] = []
    line_start = doc.add("财政项目支出绩效跟踪表")
    doc.add("")
    doc.add(f"跟踪时段：（ {year}年1月 至 {year}年{end_month}月 ）")
    doc.add("")
    doc.row(["项目名称", "", name], pad=6)
    doc.row(["主管部门", "", dept, "", "", "实施单位", impl], pad=2)
    doc.row(
        [f"预算执行情况 ({unit})", "", "", "", "", "年初预算数", "跟踪期预算数", "跟踪期执行数", "执行率(%)"]
    )
    f = funds_around(rng, in_unit(project["initial_m"]["tracking"], unit)) if project else funds_for(rng, unit)
    period = rng.choice([f["adjusted"], f["adjusted"] * end_month // 12])
    ratio = rng.uniform(0.05, 1.0)
    parts = {"current_year_appropriation": f["current"], "carryover": f["carry"], "other": f["other"]}
    scale = period / f["adjusted"] if f["adjusted"] else 0
    pb = {k: int(v * scale) for k, v in parts.items()}
    ex = {k: int(v * ratio) for k, v in pb.items()}
    ini = {k: (f["initial"] if k == "current_year_appropriation" else 0) for k in parts}
    tot = [sum(ini.values()), sum(pb.values()), sum(ex.values())]
    printed_ex = dict(ex)
    if inject == "fund_total_mismatch":
        printed_ex["current_year_appropriation"] += rng.randint(100, 5000)
    rate_total = rate_h(tot[2], tot[1])
    printed_rate = rate_total
    if inject == "execution_rate_mismatch":
        printed_rate = rate_total + rng.choice([-1, 1]) * rng.randint(200, 900)
        printed_rate = abs(printed_rate)
    shifted = rng.random() < 0.15  # the period-budget column pushed one cell right
    if shifted:
        noise.append("extra_empty_cell")
    fund_truth = {}

    def fund_line(label: str, vals: list[int], rate: int) -> int:
        if shifted:
            cells = ["", "", label, "", d2(vals[0]), "", d2(vals[1]), d2(vals[2]), d2(rate)]
        else:
            cells = ["", "", label, "", "", d2(vals[0]), d2(vals[1]), d2(vals[2]), d2(rate)]
        return doc.row(cells)

    ln = fund_line("年度资金总额", tot, printed_rate)
    fund_truth["total"] = {
        "budget_initial": dec(tot[0]),
        "budget_tracking": dec(tot[1]),
        "executed": dec(tot[2]),
        "execution_rate_pct": dec(printed_rate),
        "line_no": ln,
    }
    total_line = ln
    for key, label in (
        ("current_year_appropriation", "其中：当年财政拨款"),
        ("carryover", "上年结转资金"),
        ("other", "其他资金"),
    ):
        vals = [ini[key], pb[key], printed_ex[key]]
        r = rate_h(vals[2], vals[1])
        ln = fund_line(label, vals, r)
        fund_truth[key] = {
            "budget_initial": dec(vals[0]),
            "budget_tracking": dec(vals[1]),
            "executed": dec(vals[2]),
            "execution_rate_pct": dec(r),
            "line_no": ln,
        }
    if inject == "fund_total_mismatch":
        injected.append(
            {
                "check_name": inject,
                "subject": "fund_rows.executed",
                "line_no": total_line,
                "expected": dec(sum(printed_ex.values())),
                "observed": dec(tot[2]),
            }
        )
    if inject == "execution_rate_mismatch":
        injected.append(
            {
                "check_name": inject,
                "subject": "total",
                "line_no": total_line,
                "expected": dec(rate_total),
                "observed": dec(printed_rate),
            }
        )
    expected, actual = goal_text(rng), goal_text(rng, 2)
    doc.row(["年度 总体 目标", "预期目标", "", "", "", "跟踪期实际完成情况"], pad=3)
    doc.row(["", expected, "", "", "", actual], pad=3)
    doc.row(
        [
            "",
            "一级指标",
            "二级指标",
            "三级指标",
            "年度指标值",
            "跟踪期 计划完成值",
            "跟踪期 实际完成值",
            "偏差原因分析",
        ],
        pad=1,
    )
    if project:
        inds = [(i["report_level1"], i["report_level2"], i["name"]) for i in project["indicators"]]
    else:
        k = rng.randint(4, 14)
        inds = pick_indicators(rng, V.SELF_EVAL_LEVELS, k, name)
    k = len(inds)
    ind_truth = []
    prev1 = None
    for i, (l1, l2, nm) in enumerate(inds):
        target, act = project_target(project, "tracking", i) if project else quantity_target(rng, l2)
        planned = act.split("(")[0] if "(" in act else act
        actual_v = planned
        why = "无偏差" if rng.random() < 0.9 else rng.choice(V.DEVIATION_REASONS)
        c0 = "绩效 指标" if i == 0 else ""
        c1 = l1 if l1 != prev1 else ""
        cells = [c0, c1, l2, nm, target, planned, actual_v, why]
        if c1 == "" and rng.random() < 0.05:
            cells = ["", l2, "", nm, target, planned, actual_v, why]  # a 二级 label in the 一级 position
            noise.append("level2_in_level1")
        if i and rng.random() < 0.03:
            doc.add("")
            noise.append("page_break")
        ln = doc.row(cells, pad=1)
        ind_truth.append(
            {
                "seq": i + 1,
                "level1": l1,
                "level2": l2,
                "name": nm,
                "target": target,
                "planned": planned,
                "actual": actual_v,
                "deviation_reason": why,
                "line_no": ln,
            }
        )
        prev1 = l1
    b_like, g_like = rng.choice(V.LIKELIHOOD), rng.choice(V.LIKELIHOOD[:2])
    measures = rng.choice(["无偏差", "无", "加快项目实施进度，确保年底前完成预算执行。"])
    doc.row(["绩效跟踪 总体判断", "", "年度项目预算 完成可能性", b_like], pad=5)
    doc.row(["", "", "年度绩效目标 完成可能性", g_like], pad=5)
    line_end = doc.row(["纠偏措施", "", measures], pad=6)
    doc.add("")
    return {
        "report_type": "tracking",
        "line_start": line_start,
        "line_end": line_end,
        "fiscal_year": year,
        "tracking_period_start": f"{year}-01",
        "tracking_period_end": f"{year}-{end_month:02d}",
        "project_name": name,
        "supervising_dept": dept,
        "implementing_unit": impl,
        "money_unit": unit,
        "funds": fund_truth,
        "indicator_count": k,
        "indicators": ind_truth,
        "total_weight": None,
        "total_score": None,
        "grade": None,
        "goal_expected": expected,
        "goal_actual": actual,
        "budget_completion_likelihood": b_like.replace(" ", ""),
        "goal_completion_likelihood": g_like,
        "corrective_measures": measures,
        "noise": sorted(set(noise)),
        "injected": injected,
    }


# ---------------------------------------------------------------- department budget (one cell per line)


class CellDoc(Doc):
    """Budget documents: every cell on its own line, a blank line between rows."""

    def cells(self, cells: list[str]) -> int:
        """Write one table row; return the line of its first non-empty cell."""
        self.add("\t")
        first = 0
        for c in cells:
            n = self.add("\t" + c)
            if c and not first:
                first = n
        self.add("\t")
        self.add("")
        return first or self.no

    def title(self, text: str) -> int:
        self.add("\t")
        n = self.add("\t" + text)
        self.add("\t")
        self.add("")
        return n

    def spacer(self, k: int) -> None:
        for _ in range(k):
            self.add("\t")
        self.add("")


def budget_document(
    doc: CellDoc, rng: random.Random, ctx: dict, n_targets: int, inject: str | None, projects: list | None = None
) -> dict:
    """A department budget with n_targets 绩效目标 sections; `projects` (cross-document triples) fixes them."""
    year, o = ctx["year"], ctx["org"]
    dept = f"{o['district']}{o['bureau']}"
    injected: list[dict] = []
    tables: list[dict] = []
    reports: list[dict] = []

    # subjects: 项 rows with amounts in 分 (hundredths of 元)
    items = []  # (lei, kuan, xiang, name, total, fiscal, basic)
    for lei, (lname, kuans) in V.FUNCTION_CODES.items():
        if lei != "208" and rng.random() < 0.35:
            continue
        for kuan, (kname, xiangs) in kuans.items():
            if rng.random() < 0.3 and lei != "208":
                continue
            for xiang, xname in xiangs.items():
                if rng.random() < 0.35:
                    continue
                total = rng.randint(10_000, 50_000_000) * 100 + rng.choice([0, 0, rng.randint(0, 99)])
                other = total * rng.randint(10, 60) // 100 if rng.random() < 0.15 else 0
                fiscal = total - other
                basic = fiscal * rng.randint(0, 100) // 100 if rng.random() < 0.6 else 0
                items.append((lei, kuan, xiang, xname, total, fiscal, basic))
    if not items:
        items.append(("208", "01", "01", "行政运行", 1_000_000_00, 1_000_000_00, 800_000_00))

    def hierarchy(cols) -> list[tuple[str, str, str, str, list[int]]]:
        """Rows 类, 款, 项 in order with summed columns; cols(item) → list of amounts."""
        rows = []
        for lei, (lname, kuans) in V.FUNCTION_CODES.items():
            lei_items = [it for it in items if it[0] == lei]
            if not lei_items:
                continue
            rows.append((lei, "", "", lname, [sum(c) for c in zip(*(cols(it) for it in lei_items))]))
            for kuan, (kname, _x) in kuans.items():
                k_items = [it for it in lei_items if it[1] == kuan]
                if not k_items:
                    continue
                rows.append((lei, kuan, "", kname, [sum(c) for c in zip(*(cols(it) for it in k_items))]))
                for it in k_items:
                    rows.append((lei, kuan, it[2], it[3], cols(it)))
        return rows

    fiscal_total = sum(it[5] for it in items)
    other_total = sum(it[4] - it[5] for it in items)
    grand = fiscal_total + other_total
    by_lei = hierarchy(lambda it: [it[4]])
    lei_rows = [r for r in by_lei if not r[1]]

    def amount(c: int) -> str:
        return grouped(c) if rng.random() < 0.9 else short(c)

    def table_head(title: str, unit: str = "元") -> int:
        doc.spacer(rng.randint(3, 10))
        n = doc.title(title)
        doc.spacer(rng.randint(4, 10))
        doc.cells(
            [f"编制部门：{dept}", f"单位：{unit}"]
            if unit == "元"
            else [f"编制部门：{dept}", "", f"单位:{unit}"]
        )
        return n

    def add_table(
        title: str, start: int, measures: list[str], printed: int, rows: int, unit: str = "元"
    ) -> None:
        tables.append(
            {
                "table_seq": len(tables) + 1,
                "title": title,
                "line_start": start,
                "line_end": doc.no,
                "money_unit": unit,
                "measures": measures,
                "rows": rows,
                "cells_printed": printed,
            }
        )

    # narrative first (预算编制说明), amounts in 万元
    doc.add(f"{year}年{dept}预算编制说明")
    doc.add(" ")
    narrative = []
    wan = lambda c: (c + 5000) // 10000  # 分 → hundredths of 万元 (元 / 10000, 2 decimals)
    ln = doc.add(
        f"{year}年，{dept}预算支出总额为{grouped(wan(grand))}万元，其中：财政拨款支出预算{grouped(wan(fiscal_total))}万元。"
    )
    narrative.append(
        {"subject_name": "预算支出总额", "amount": d2(wan(grand)), "unit": "万元", "line_no": ln}
    )
    victim = rng.randrange(len(items))
    for i, it in enumerate(items):
        w = wan(it[4])
        printed = w
        if inject == "narrative_amount_mismatch" and i == victim:
            printed = w + rng.randint(100, 5000)
        ln = doc.add(
            f"{i + 1}.“{it[3]}” 科目{grouped(printed)}万元，主要用于{rng.choice(V.GOAL_FRAGMENTS)}。"
        )
        narrative.append({"subject_name": it[3], "amount": d2(printed), "unit": "万元", "line_no": ln})
        if inject == "narrative_amount_mismatch" and i == victim:
            injected.append(
                {
                    "check_name": inject,
                    "subject": it[3],
                    "line_no": ln,
                    "expected": d2(w),
                    "observed": d2(printed),
                }
            )
    doc.spacer(rng.randint(2, 8))

    # 1. two-sided 财务收支预算总表
    title = f"{year}年部门财务收支预算总表"
    start = table_head(title)
    doc.cells(["本年收入", "本年支出"])
    doc.cells(["项目", "预算数", "项目", "预算数"])
    income = [
        ("一、财政拨款收入", fiscal_total),
        ("1. 一般公共预算资金", None),
        ("2. 政府性基金", None),
        ("二、事业收入", None),
        ("三、事业单位经营收入", None),
        ("四、其他收入", other_total or None),
    ]
    printed = 0
    n_rows = max(len(income), len(lei_rows))
    for i in range(n_rows):
        inc = income[i] if i < len(income) else ("", None)
        exp = lei_rows[i] if i < len(lei_rows) else None
        cells = [inc[0], amount(inc[1]) if inc[1] else ""]
        printed += 1 if inc[1] else 0
        if exp:
            cells += [V.CATEGORY_ORDINALS[i], exp[3], amount(exp[4][0])]
            printed += 1
        doc.cells(cells)
    doc.cells(["收入总计", grouped(grand), "支出总计", grouped(grand)])
    printed += 2
    add_table(title, start, ["预算数"], printed, n_rows + 1)

    # 2. 收入预算总表 (with the hierarchy)
    title = f"{year}年部门收入预算总表"
    start = table_head(title)
    doc.cells(["项目", "收入预算"])
    doc.cells(
        ["功能分类科目编码", "功能分类科目名称", "合计", "财政拨款收入", "事业收入", "事业单位", "其他收入"]
    )
    doc.cells(["类", "款", "项", "", "", "", "", "经营收入", ""])
    rows = hierarchy(lambda it: [it[4], it[5], 0, 0, it[4] - it[5]])
    printed = 0
    hier_victim = None
    kuan_rows = [i for i, r in enumerate(rows) if r[1] and not r[2]]
    if inject == "budget_hierarchy_mismatch" and kuan_rows:
        hier_victim = rng.choice(kuan_rows)
    for i, (lei, kuan, xiang, nm, vals) in enumerate(rows):
        vals = list(vals)
        if i == hier_victim:
            delta = rng.randint(1, 9999) * 100
            vals[0] += delta
            vals[1] += delta
        if xiang:  # 项 rows omit zero middle columns
            cells = [lei, kuan, xiang, nm, amount(vals[0]), amount(vals[1]), "", "", amount(vals[4])]
            printed += 3
        else:
            cells = [lei, kuan, xiang, nm] + [amount(v) for v in vals]
            printed += 5
        ln = doc.cells(cells)
        if i == hier_victim:
            injected.append(
                {
                    "check_name": "budget_hierarchy_mismatch",
                    "subject": lei + kuan,
                    "line_no": ln,
                    "expected": d2(rows[i][4][0]),
                    "observed": d2(vals[0]),
                    "table_title": title,
                    # the 款 row no longer sums its 项 nor into its 类, and the income table
                    # no longer agrees with the expenditure tables on that subject
                    "also_fires": ["budget_cross_table_mismatch"],
                }
            )
    doc.cells(["合      计", grouped(grand), grouped(fiscal_total), "0.00", "0.00", grouped(other_total)])
    printed += 5
    add_table(
        title,
        start,
        ["合计", "财政拨款收入", "事业收入", "事业单位经营收入", "其他收入"],
        printed,
        len(rows) + 1,
    )

    # 3. 支出预算总表
    title = f"{year}年部门支出预算总表"
    start = table_head(title)
    doc.cells(["项目", "支出预算"])
    doc.cells(["功能分类科目编码", "功能分类科目名称", "合计", "基本支出", "项目支出"])
    doc.cells(["类", "款", "项", "", "", "", ""])
    rows = hierarchy(lambda it: [it[4], it[6], it[4] - it[6]])
    for lei, kuan, xiang, nm, vals in rows:
        doc.cells([lei, kuan, xiang, nm] + [amount(v) for v in vals])
    basic_total = sum(it[6] for it in items)
    doc.cells(["合      计", grouped(grand), grouped(basic_total), grouped(grand - basic_total)])
    add_table(title, start, ["合计", "基本支出", "项目支出"], 3 * (len(rows) + 1), len(rows) + 1)

    # 4. 财政拨款收支预算总表 (two-sided)
    title = f"{year}年部门财政拨款收支预算总表"
    start = table_head(title)
    doc.cells(["财政拨款收入", "财政拨款支出"])
    doc.cells(["项目", "预算数", "项目", "合计", "一般公共预算", "政府性基金预算"])
    fiscal_lei = hierarchy(lambda it: [it[5]])
    fiscal_lei = [r for r in fiscal_lei if not r[1]]
    printed = 0
    for i in range(max(2, len(fiscal_lei))):
        inc = [("一、一般公共预算资金", fiscal_total), ("二、政府性基金", None)][i] if i < 2 else ("", None)
        cells = [inc[0], amount(inc[1]) if inc[1] else ""]
        printed += 1 if inc[1] else 0
        if i < len(fiscal_lei):
            v = fiscal_lei[i][4][0]
            cells += [V.CATEGORY_ORDINALS[i], fiscal_lei[i][3], amount(v), amount(v), "0.00"]
            printed += 3
        doc.cells(cells)
    doc.cells(
        ["收入总计", grouped(fiscal_total), "支出总计", grouped(fiscal_total), grouped(fiscal_total), "0.00"]
    )
    printed += 4
    add_table(
        title,
        start,
        ["预算数", "合计", "一般公共预算", "政府性基金预算"],
        printed,
        max(2, len(fiscal_lei)) + 1,
    )

    # 5. 一般公共预算支出功能分类预算表 (fiscal money only)
    title = f"{year}年部门一般公共预算支出功能分类预算表"
    start = table_head(title)
    doc.cells(["项目", "一般公共预算支出"])
    doc.cells(["功能分类科目编码", "功能分类科目名称", "合计", "基本支出", "项目支出"])
    doc.cells(["类", "款", "项", "", "", "", ""])
    rows = hierarchy(lambda it: [it[5], it[6], it[5] - it[6]])
    for lei, kuan, xiang, nm, vals in rows:
        doc.cells([lei, kuan, xiang, nm] + [amount(v) for v in vals])
    doc.cells(
        ["合      计", grouped(fiscal_total), grouped(basic_total), grouped(fiscal_total - basic_total)]
    )
    add_table(title, start, ["合计", "基本支出", "项目支出"], 3 * (len(rows) + 1), len(rows) + 1)

    # 6. 政府性基金预算支出功能分类预算表 (usually empty)
    title = f"{year}年部门政府性基金预算支出功能分类预算表"
    start = table_head(title)
    doc.cells(["项目", "政府性基金预算支出"])
    doc.cells(["功能分类科目编码", "功能分类科目名称", "合计", "基本支出", "项目支出"])
    doc.cells(["类", "款", "项", "", "", "", ""])
    doc.cells(["", "", "", "", "0.00", "0.00", "0.00"])
    doc.cells(["合      计", "0.00", "0.00", "0.00"])
    add_table(title, start, ["合计", "基本支出", "项目支出"], 6, 2)
    tables[-1]["cells_unlabelled"] = 3  # the 0.00 row without code or name: a parser may drop it

    # 7. 一般公共预算拨款基本支出经济分类预算表: economic 类/款 sum to the basic total
    title = f"{year}年部门一般公共预算拨款基本支出经济分类预算表"
    start = table_head(title)
    doc.cells(["项目", "一般公共预算基本支出"])
    doc.cells(["经济分类科目编码", "经济分类科目名称", "合计", "人员经费", "公用经费"])
    doc.cells(["类", "款", "", "", "", "", ""])
    econ = []
    for lei, (lname, personnel, kuans) in V.ECONOMIC_CODES.items():
        for kuan, kname in kuans.items():
            econ.append((lei, kuan, kname, personnel))
    shares = [rng.randint(1, 100) for _ in econ]
    alloc = [basic_total * s // sum(shares) for s in shares]
    alloc[0] += basic_total - sum(alloc)
    n_rows = 0
    pers_total = pub_total = 0
    for lei, (lname, personnel, kuans) in V.ECONOMIC_CODES.items():
        idx = [i for i, e in enumerate(econ) if e[0] == lei]
        s = sum(alloc[i] for i in idx)
        p, q = (s, 0) if personnel else (0, s)
        pers_total += p
        pub_total += q
        doc.cells([lei, "", lname, amount(s), amount(p), amount(q)])
        n_rows += 1
        for i in idx:
            a = alloc[i]
            doc.cells(
                [
                    lei,
                    econ[i][1],
                    econ[i][2],
                    amount(a),
                    amount(a if personnel else 0),
                    amount(0 if personnel else a),
                ]
            )
            n_rows += 1
    doc.cells(["合      计", grouped(basic_total), grouped(pers_total), grouped(pub_total)])
    add_table(title, start, ["合计", "人员经费", "公用经费"], 3 * (n_rows + 1), n_rows + 1)

    # 8. 三公 (万元)
    title = "部门“三公”经费和机关运行经费预算表"
    start = table_head(title, "万元")
    doc.cells([f"{year}年“三公”经费预算数", f"{year}年机关运行经费预算数"])
    doc.cells(["合计", "因公出国(境)费", "公务接待费", "公务用车购置及运行费", "", ""])
    doc.cells(["", "", "", "小计", "购置费", "运行费", "", ""])
    abroad, recep, buy, run = (
        rng.choice([0, rng.randint(0, 2000)]),
        rng.randint(0, 1000),
        rng.choice([0, rng.randint(0, 3000)]),
        rng.randint(0, 2000),
    )
    ops = rng.randint(1000, 100000)
    vals = [abroad + recep + buy + run, abroad, recep, buy + run, buy, run, ops]
    doc.cells([d2(v) for v in vals])
    add_table(
        title,
        start,
        ["合计", "因公出国(境)费", "公务接待费", "小计", "购置费", "运行费", "机关运行经费"],
        7,
        1,
        unit="万元",
    )
    doc.spacer(4)
    doc.add("\t相关情况说明")
    ln = doc.add(f"\t {year}年“三公”经费预算数为{short(vals[0])}万元。")
    narrative.append({"subject_name": "三公经费", "amount": d2(vals[0]), "unit": "万元", "line_no": ln})
    doc.add("")
    ln = doc.add(f"\t {year}年{dept}财政拨款的机关运行经费预算为{d2(ops)}万元。")
    narrative.append({"subject_name": "机关运行经费", "amount": d2(ops), "unit": "万元", "line_no": ln})
    doc.add("")

    # per-project sections with a 绩效目标 table each
    for t in range(len(projects) if projects else n_targets):
        project = projects[t] if projects else None
        if project:
            unit_name, name = project["printed_unit"]["target"], project["name"]
        else:
            unit_name = (
                dept if rng.random() < 0.7 else f"上海市{o['district']}{rng.choice(V.BUREAUS[o['bureau']])}"
            )
            name = project_name(rng, year)
        doc.spacer(2)
        doc.add(f"\t{unit_name}{name}项目经费情况说明")
        doc.add("")
        doc.add("一、项目概述")
        doc.add(goal_text(rng, 4))
        doc.add(" 五、实施周期")
        doc.add(f" {year}年全年")
        doc.add("六、年度预算安排")
        budget_yuan = (
            project["initial_m"]["target"] * 10_000 if project else rng.randint(10_000, 5_000_000) * 100
        )
        budget_line = doc.add(
            f"{year}年{unit_name}总预算为{grouped(budget_yuan).removesuffix('.00')}元，其中：{name}"
            f"{grouped(budget_yuan).removesuffix('.00')}元 。"
        )
        doc.add(" 七、绩效目标")
        doc.add("（包括总目标、年度目标、分解目标等，具体见表格）")
        for _ in range(rng.randint(0, 30)):
            doc.add("")
        start = doc.add("\t上海市财政支出项目绩效目标")
        doc.add("")
        doc.spacer(3)
        doc.add(f"\t({year}年 )")
        doc.add("")
        doc.add("\t项目名称")
        doc.add("\t" + name)
        doc.add("")
        g_total, g_annual = goal_text(rng, 2), goal_text(rng, 2)
        doc.add("\t项目总目标")
        doc.add("\t" + g_total)
        doc.add("")
        doc.add("\t年度绩效目标")
        doc.add("\t" + g_annual)
        doc.add("")
        doc.add("\t分解目标")
        doc.add("")
        for h in ("一级指标", "二级指标", "三级指标", "指标目标值"):
            doc.add("\t" + h)
        doc.add("")
        if project:
            inds = [(i["level1"], i["level2"], i["name"]) for i in project["indicators"]]
        else:
            inds = pick_indicators(rng, V.TARGET_LEVELS, rng.randint(3, 10), name)
        prev1 = prev2 = None
        ind_truth = []
        for i, (l1, l2, nm) in enumerate(inds):
            target, _act = project_target(project, "target", i) if project else quantity_target(rng, l2)
            doc.add("\t" + (l1 if l1 != prev1 else ""))
            doc.add("\t" + (l2 if (l2, l1) != (prev2, prev1) else ""))
            ln = doc.add("\t" + nm)
            doc.add("\t" + ("\u3000" if rng.random() < 0.3 else "") + target)
            doc.add("")
            ind_truth.append(
                {"seq": i + 1, "level1": l1, "level2": l2, "name": nm, "target": target, "line_no": ln}
            )
            prev1, prev2 = l1, l2
        reports.append(
            {
                "report_type": "target",
                "line_start": start,
                "line_end": doc.no,
                "fiscal_year": year,
                "project_name": name,
                "implementing_unit": unit_name,
                "money_unit": None,
                "budget_amount_yuan": d2(budget_yuan),
                "goal_total": g_total,
                "goal_annual": g_annual,
                "funds": {},
                "indicator_count": len(ind_truth),
                "indicators": ind_truth,
                "total_weight": None,
                "total_score": None,
                "grade": None,
                "noise": [],
                "injected": [],
            }
        )
        if project:
            reports[-1]["budget_line_no"] = budget_line
    return {
        "tables": tables,
        "table_count": len(tables),
        "cells_printed": sum(t["cells_printed"] for t in tables),
        "cells_unlabelled": sum(t.get("cells_unlabelled", 0) for t in tables),
        "narrative_amounts": narrative,
        "reports": reports,
        "injected": injected,
        "department": dept,
    }


# ---------------------------------------------------------------- cross-document triples
# The same project (unit + name + year) in a budget document's 绩效目标 table, a tracking
# report and a self-evaluation, agreeing on every indicator's target text and on the
# budget (年度预算安排 = 年初预算数), except for the drift injected and recorded in the truth.

TRIPLE_DOCS = ("target", "tracking", "self_eval")
TRIPLE_INJECTIONS = ("target_changed_between_documents", "budget_initial_mismatch_across_documents")
TRIPLES_PER_GROUP = 4  # projects of one department per budget / tracking / self-evaluation file
# Target vocabulary → the reports' (一级, 二级) labels. 成本目标 and 满意度目标 are left out:
# printed as 成本指标 / 满意度指标 under another 一级 label they read as 一级 labels themselves.
_TRIPLE_LEVELS = {
    l1: {l2: names for l2, names in l2s.items() if l2 not in ("成本目标", "满意度目标")}
    for l1, l2s in V.TARGET_LEVELS.items()
}
_REPORT_LEVEL1 = {"产出目标": "产出指标", "效果目标": "效益指标", "影响力目标": "效益指标"}
_REPORT_LEVEL2 = {"长效管理目标": "可持续影响指标", "能力建设目标": "可持续影响指标"}


def in_unit(hundreds_of_yuan: int, unit: str) -> int:
    """An amount of m × 100 元 in hundredths of the document's unit (exact in both 元 and 万元)."""
    return hundreds_of_yuan if unit == "万元" else hundreds_of_yuan * 10_000


def project_target(project: dict, doc: str, i: int) -> tuple[str, str]:
    """(target, actual) of indicator i as printed in document `doc` of a triple."""
    ind = project["indicators"][i]
    return ind["printed_target"][doc], ind["actual"]


def drifted_target(rng: random.Random, text: str) -> str:
    """The same target printed differently: another number, or another word."""
    m = re.search(r"\d+", text)
    if m:
        n = int(m.group())
        other = n - 5 if n > 50 else n + rng.choice([1, 2, 5, 10])
        return text[: m.start()] + str(other) + text[m.end():]
    return rng.choice([t for t in V.TEXT_TARGETS if t != text])


def triple_projects(
    rng: random.Random, year: int, o: dict, k: int, drift_rate: float, first_serial: int
) -> list[dict]:
    """k projects of one department, each with its printed forms per document and its drift.

    Names carry a serial (第N批) that no other generated report has, so each triple's key
    (unit, name, year) matches its three documents and nothing else in the corpus.
    """
    projects = []
    for j in range(k):
        unit = rng.choice(V.BUREAUS[o["bureau"]])
        name = f"{project_name(rng, year)}(第{first_serial + j}批)"
        m = rng.randint(500, 500_000)  # 年初预算数 in hundreds of 元: 5万 … 5000万元
        indicators = []
        picked = pick_indicators(rng, _TRIPLE_LEVELS, rng.randint(3, 8), name)
        # one row per indicator name, so documents can be compared name by name
        for l1, l2, nm in [p for i, p in enumerate(picked) if p[2] not in {q[2] for q in picked[:i]}]:
            target, actual = quantity_target(rng, l2)
            indicators.append(
                {
                    "level1": l1,
                    "level2": l2,
                    "name": nm,
                    "target": target,
                    "actual": actual,
                    "report_level1": _REPORT_LEVEL1[l1],
                    "report_level2": _REPORT_LEVEL2.get(l2, l2.replace("目标", "指标")),
                    "printed_target": dict.fromkeys(TRIPLE_DOCS, target),
                }
            )
        project = {
            "name": name,
            "unit_key": f"{o['district']}{unit}",  # the unit as dbt's normalize_unit_name keys it
            # printed variants of one unit: with or without 上海市
            "printed_unit": {d: rng.choice(["上海市", ""]) + f"{o['district']}{unit}" for d in TRIPLE_DOCS},
            "initial_m": dict.fromkeys(TRIPLE_DOCS, m),
            "indicators": indicators,
            "drift": [],
        }
        if rng.random() < drift_rate:
            ind, doc = rng.choice(indicators), rng.choice(TRIPLE_DOCS)
            ind["printed_target"][doc] = drifted_target(rng, ind["target"])
            project["drift"].append(
                {"check_name": TRIPLE_INJECTIONS[0], "document": doc, "indicator": ind["name"]}
            )
        if rng.random() < drift_rate:
            doc = rng.choice(TRIPLE_DOCS)
            project["initial_m"][doc] = m * rng.choice([80, 90, 95, 105, 110, 120]) // 100
            project["drift"].append({"check_name": TRIPLE_INJECTIONS[1], "document": doc})
        projects.append(project)
    return projects


def triple_rel_path(group: int, family: str) -> str:
    return f"triples/batch_{group // FILES_PER_BATCH:04d}/g{group:06d}_{family}.txt"


def generate_triple_group(job: tuple) -> list[tuple[str, dict]]:
    """Write the three files of one group of cross-document projects; their truth lines and counts."""
    group, k, seed, out, drift_rate = job
    rng = random.Random(f"triples:{seed}:{group}")
    year, o = rng.randint(2019, 2025), org(rng)
    projects = triple_projects(rng, year, o, k, drift_rate, group * TRIPLES_PER_GROUP + 1)
    ctx = {"year": year, "org": o, "style": rng.choice("ab"), "end_month": rng.choice([6, 8, 9])}
    files = []  # (family, doc, record)
    doc = CellDoc()
    b = budget_document(doc, rng, {**ctx, "unit": "元"}, k, None, projects)
    record = {"file": triple_rel_path(group, "budget"), "family": "budget", "fiscal_year": year,
              "reports": b.pop("reports"), "budget": b}
    files.append(("budget", doc, record))
    for family, make in (("tracking", tracking_report), ("self_eval", self_eval_report)):
        doc = Doc()
        doc.add("")
        unit = rng.choice(["万元", "元"])
        reports = [make(doc, rng, {**ctx, "unit": unit}, None, p) for p in projects]
        files.append((family, doc, {"file": triple_rel_path(group, family), "family": family,
                                    "fiscal_year": year, "reports": reports}))
    by_doc = {}  # document kind → (file, its reports)
    for family, _doc, record in files:
        for seq, rep in enumerate(record["reports"], 1):
            rep["report_seq"] = seq
        by_doc["target" if family == "budget" else family] = record
    for i, p in enumerate(projects):
        where = {d: (by_doc[d]["file"], by_doc[d]["reports"][i]) for d in TRIPLE_DOCS}
        key = {"unit_key": p["unit_key"], "project_name": p["name"], "fiscal_year": year}
        for _f, rep in where.values():
            rep["triple"] = {"id": f"g{group:06d}.{i + 1}", **key}
        for drift in p["drift"]:
            _f, rep = where[drift["document"]]
            rep["injected"].append(_drift_truth(drift, p, where))
    return [write_file(out, doc, record) for _family, doc, record in files]


def _drift_truth(drift: dict, project: dict, where: dict) -> dict:
    """The injected record of one drift, on the report that differs, naming all three documents."""
    name = drift["check_name"]
    if name == "target_changed_between_documents":
        ind = next(i for i in project["indicators"] if i["name"] == drift["indicator"])
        seq = project["indicators"].index(ind)
        docs = [
            {"file": f, "report_type": d, "report_seq": r["report_seq"],
             "line_no": r["indicators"][seq]["line_no"], "value": ind["printed_target"][d]}
            for d, (f, r) in where.items()
        ]
        subject, expected, observed = ind["name"], ind["target"], ind["printed_target"][drift["document"]]
    else:
        def line_of(d: str, r: dict) -> int:
            return r["budget_line_no"] if d == "target" else r["funds"]["total"]["line_no"]

        docs = [
            {"file": f, "report_type": d, "report_seq": r["report_seq"], "line_no": line_of(d, r),
             "value": d2(project["initial_m"][d] * 10_000)}
            for d, (f, r) in where.items()
        ]
        subject = "年度预算安排" if drift["document"] == "target" else "年初预算数"
        others = {doc["value"] for doc in docs if doc["report_type"] != drift["document"]}
        expected, observed = others.pop(), d2(project["initial_m"][drift["document"]] * 10_000)
    mine = next(doc for doc in docs if doc["report_type"] == drift["document"])
    return {
        "check_name": name,
        "subject": subject,
        "line_no": mine["line_no"],
        "expected": expected,  # what the other two documents print (amounts in 元)
        "observed": observed,  # what this document prints (amounts in 元)
        "documents": docs,
    }


# ---------------------------------------------------------------- files


def plan(n: int, seed: int, cycle: tuple[str, ...] | None = None) -> list[tuple[int, str, int]]:
    """(file index, family, report count) for exactly n report tables.

    Families are drawn at random by FAMILY_WEIGHTS, or taken in turn from `cycle`.
    """
    rng = random.Random(f"plan:{seed}")
    families = [f for f, _ in FAMILY_WEIGHTS]
    weights = [w for _, w in FAMILY_WEIGHTS]
    out, left, idx = [], n, 0
    while left > 0:
        fam = cycle[idx % len(cycle)] if cycle else rng.choices(families, weights)[0]
        k = rng.randint(3, 12) if fam == "budget" else rng.randint(5, 30)
        k = min(k, left)
        out.append((idx, fam, k))
        left -= k
        idx += 1
    return out


def rel_path(idx: int) -> str:
    return f"batch_{idx // FILES_PER_BATCH:04d}/r{idx:07d}.txt"


def generate_file(job: tuple) -> tuple[str, dict]:
    """Write one file; return its truth record as a JSON line, and counts."""
    idx, family, k, seed, out, inject_rate = job
    rng = random.Random(f"file:{seed}:{idx}")
    year = rng.randint(2019, 2025)
    ctx = {
        "year": year,
        "org": org(rng),
        "unit": rng.choice(["万元", "元"]),
        "style": rng.choice("ab"),
        "end_month": rng.choice([6, 8, 9]),
    }
    if family == "tracking":
        ctx["unit"] = "万元" if rng.random() < 0.8 else "元"
    if ctx["unit"] == "万元" and family == "self_eval":
        ctx["style"] = "a" if rng.random() < 0.8 else "b"
    record: dict = {"file": rel_path(idx), "family": family, "fiscal_year": year, "reports": []}
    if family == "budget":
        doc = CellDoc()
        inject = rng.choice(BUDGET_INJECTIONS) if rng.random() < inject_rate * 4 else None
        b = budget_document(doc, rng, ctx, k, inject)
        record["reports"] = b.pop("reports")
        record["budget"] = b
    else:
        doc = Doc()
        doc.add("")
        doc.add("")
        if family == "tracking" and rng.random() < 0.3:  # furniture before the first table
            doc.add(f"跟踪时段：（ {year}年1月 至 {year}年{ctx['end_month']}月 ）")
            doc.add("")
        make = self_eval_report if family == "self_eval" else tracking_report
        kinds = SELF_EVAL_INJECTIONS if family == "self_eval" else TRACKING_INJECTIONS
        for _ in range(k):
            inject = rng.choice(kinds) if rng.random() < inject_rate else None
            if rng.random() < 0.15:
                ctx["org"] = org(rng)  # files sometimes mix units
            record["reports"].append(make(doc, rng, ctx, inject))
    for seq, rep in enumerate(record["reports"], 1):
        rep["report_seq"] = seq
    return write_file(out, doc, record)


def write_file(out: str, doc: Doc, record: dict) -> tuple[str, dict]:
    """Write one generated file; return its truth record as a JSON line, and counts."""
    record["line_count"] = doc.no
    text = "\n".join(doc.lines) + "\n"
    data = text.encode("utf-8")
    path = Path(out) / record["file"]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    record["size_bytes"] = len(data)
    stats = {
        "bytes": len(data),
        "lines": doc.no,
        "reports": len(record["reports"]),
        "injected": sum(len(r["injected"]) for r in record["reports"])
        + len(record.get("budget", {}).get("injected", [])),
        "budget_tables": record.get("budget", {}).get("table_count", 0),
        "types": [r["report_type"] for r in record["reports"]],
    }
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")), stats


def _collect(results, truth, counts: dict) -> None:
    for line, st in results:
        truth.write(line + "\n")
        counts["files"] += 1
        for key in ("bytes", "lines", "reports", "injected", "budget_tables"):
            counts[key] += st[key]
        for t in st["types"]:
            counts["by_type"][t] = counts["by_type"].get(t, 0) + 1


def generate(
    n: int,
    out: Path,
    seed: int = 1,
    inject_rate: float = 0.05,
    workers: int | None = None,
    quiet: bool = False,
    cycle: tuple[str, ...] | None = None,
    triples: int = 0,
    drift_rate: float = 0.3,
) -> dict:
    """Generate a corpus of n report tables into out (replacing it). Returns the manifest.

    `triples` cross-document projects come on top of the n tables (three tables each), under
    triples/; each drifts in an indicator's target and, independently, in its budget with
    probability drift_rate.
    """
    t0 = time.perf_counter()
    out = Path(out)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    jobs = [(idx, fam, k, seed, str(out), inject_rate) for idx, fam, k in plan(n, seed, cycle)]
    workers = workers or min(len(jobs), os.cpu_count() or 1)
    counts = {
        "files": 0,
        "reports": 0,
        "bytes": 0,
        "lines": 0,
        "injected": 0,
        "budget_tables": 0,
        "by_type": {},
    }
    pool = Pool(workers) if workers > 1 else None
    try:
        with (out / ".truth.jsonl").open("w", encoding="utf-8") as truth:
            results = pool.imap(generate_file, jobs, chunksize=8) if pool else map(generate_file, jobs)
            _collect(results, truth, counts)
            groups = [
                (g, min(TRIPLES_PER_GROUP, triples - g * TRIPLES_PER_GROUP), seed, str(out), drift_rate)
                for g in range(-(-triples // TRIPLES_PER_GROUP))
            ]
            per_group = pool.imap(generate_triple_group, groups) if pool else map(generate_triple_group, groups)
            _collect((line for lines in per_group for line in lines), truth, counts)
    finally:
        if pool:
            pool.close()
            pool.join()
    manifest = {
        "n": n,
        "seed": seed,
        "inject_rate": inject_rate,
        "triples": triples,
        "drift_rate": drift_rate if triples else None,
        **counts,
        "seconds": round(time.perf_counter() - t0, 3),
        "generator": GENERATOR,
    }
    (out / ".manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    if not quiet:
        print(
            f"{manifest['reports']} reports in {manifest['files']} files, {manifest['bytes'] / 1e6:.1f} MB, "
            f"{manifest['injected']} injected inconsistencies → {out} ({manifest['seconds']} s)"
        )
    return manifest


def cached(n: int, out: Path, seed: int = 1, inject_rate: float = 0.05, triples: int = 0) -> dict:
    """The corpus at out if it was generated with these parameters, else generate it."""
    mf = Path(out) / ".manifest.json"
    if mf.exists():
        m = json.loads(mf.read_text(encoding="utf-8"))
        if (m.get("n"), m.get("seed"), m.get("inject_rate"), m.get("triples", 0), m.get("generator")) == (
            n,
            seed,
            inject_rate,
            triples,
            GENERATOR,
        ):
            return m
    return generate(n, out, seed, inject_rate, triples=triples)


def read_truth(out: Path) -> list[dict]:
    with (Path(out) / ".truth.jsonl").open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.corpus", description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, required=True, help="number of report tables")
    ap.add_argument("--out", type=Path, default=None, help="output folder (default bench/corpus/<n>)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--inject-rate",
        type=float,
        default=0.05,
        help="share of reports with one deliberate inconsistency (budget files: 4x this)",
    )
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument(
        "--triples",
        type=int,
        default=0,
        help="cross-document projects (target table + tracking + self-evaluation) on top of --n, under triples/",
    )
    ap.add_argument(
        "--drift-rate",
        type=float,
        default=0.3,
        help="chance that a triple's indicator target, and (independently) its budget, differ in one document",
    )
    a = ap.parse_args(argv)
    generate(
        a.n, a.out or Path("bench/corpus") / str(a.n), a.seed, a.inject_rate, a.workers,
        triples=a.triples, drift_rate=a.drift_rate,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
