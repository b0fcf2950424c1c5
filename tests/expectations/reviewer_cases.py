"""Raw rows for the checks reviewers make by hand (issue 21), from lines of the real documents.

Prose lines go through the real parser (``change_claims``) and become raw rows as the loader would
load them; ``passing()`` holds lines the documents print consistently, ``failing()`` lines whose
inconsistency a reader finds (or a minimal edit of a consistent line, said where).
"""

from __future__ import annotations

import dataclasses

from conftest import budget, budget_table, fund, indicator, merge, narrative, reading, report

from dagster_project.parsers import change_claims
from dagster_project.parsers.records import NarrativeChange

# /work/shared/real/01 (万里街道 2023) page 6 line 101, consistent: (2.63 − 1.48) ÷ 1.48 = 77.70 %
WANLI_2023_101 = ("1. “一般公共服务支出（类）统计信息事务（款）统计管理（项）”2.63万元，主要用于统计管理。"
                  "2022年当年预算执行数为1.48万元，2023年预算安排2.63万元，比2022年预算执行数增加77.70 %。")
# …/real/09 (江苏检察院 2019) page 28 line 849, consistent only within the printed precision of 28.1
JIANGSU_2019_849 = ("1．行政事业单位离退休（款）未归口管理的行政单位离退休（项）支出400.02万元，主要用于离休费。"
                    "与上年相比增加 28.1万元，增加7.57 %。")
# …/real/01 page 7 line 131, inconsistent: 132.59 → 441.25 is +232.79 %, not +60.54 %
WANLI_2023_131 = ("16. “社会保障和就业支出（类）行政事业单位养老支出（款）机关事业单位职业年金缴费支出（项）”220.63万元，"
                  "主要用于机关事业单位职业年金缴费支出。2022年当年预算执行数为132.59万元，2023年预算安排441.25万元，"
                  "比2022年预算执行数增加60.54%。")
# …/real_templates/13 (江苏检察院 2018) page 26 line 1095, inconsistent: 21.8 ÷ (3,666 − 21.8) = 0.60 %, not 0.06 %
JIANGSU_2018_1095 = "2．一般行政管理事务（项）支出 3,666 万元，与上年相比增加  21.8 万元，增长  0.06  %。"
# …/real/01 page 8 line 135 (667.32 → 635.10, 减少4.83%) with 减少 edited to 增加: a fall stated as a rise
WANLI_2023_135_RISE = ("18. “社会保障和就业支出（类）就业补助（款）公益性岗位补贴（项）”635.10万元，主要用于公益性岗位补贴。"
                       "2022年当年预算执行数为667.32万元，2023年预算安排635.10万元，比2022年预算执行数增加4.83%。")
# …/real_templates/16 (万里街道 2024) page 9 line 167: 350.35 at the head of the item, 352.67 as 2024年预算安排
WANLI_2024_167 = ("31. “住房保障支出（类）住房改革支出（款）住房公积金（项）”350.35万元，主要用于住房公积金。"
                  "2023年当年预算执行数为348.52万元，2024年预算安排352.67万元，比2023年预算执行数增加0.53%。")


def change_rows(source_file: str, line_no: int, text: str, year: int = 2023) -> list[dict]:
    """The raw.narrative_changes rows the parser makes of one prose line."""
    return [
        dataclasses.asdict(NarrativeChange(
            source_file=source_file, line_no=line_no, form=c.form, subject_name=c.subject,
            budget_amount=c.budget, budget_places=c.budget_places, unit=c.unit, direction=c.direction,
            claim_text=c.claim_text, percent=c.percent, percent_places=c.percent_places, base_amount=c.base,
            base_places=c.base_places, change_amount=c.change, change_places=c.change_places,
            base_year=c.base_year, budget_year=c.budget_year, fiscal_year=year, item_amount=c.item_amount,
            item_places=c.item_places,
        ))
        for c in change_claims(text)
    ]


def source_line(source_file: str, line_no: int, text: str, page_no: int | None = None) -> dict:
    return {"source_file": source_file, "line_no": line_no, "page_no": page_no, "sheet_name": None, "text": text}


def passing() -> dict[str, list[dict]]:
    return merge({"narrative_changes": [*change_rows("budget_ok.txt", 101, WANLI_2023_101),
                                  *change_rows("budget_ok.txt", 849, JIANGSU_2019_849, 2019)],
            # a document number's 〔2024〕 and a Latin word are not placeholders (…/real/03 p.23, sample 003)
            "source_lines": [source_line("budget_ok.txt", 617, "1、《普陀区服务企业发展工作实施意见》（普投资规范〔2023〕1号）。"),
                             source_line("budget_ok.txt", 618, "2、松江区人保局WIFI无线覆盖信息系统建设项目（运维）")]},
                 *summary_figures_passing())


def nesting_edit() -> tuple[list[dict], list[dict]]:
    """…/real/01 page 12 lines 265–273 (部门支出预算总表, 208 社会保障和就业支出) with a stray digit:
    the 类 cell of the 款 row 208 05 printed 218."""
    f, title = "nest.pdf", "2023年部门支出预算总表"
    cells = [
        *budget(f, 1, 1, "208", "社会保障和就业支出", {"合计": 27073236}, 265),
        *budget(f, 1, 2, "20802", "民政管理事务", {"合计": 215000}, 267),
        *budget(f, 1, 3, "2080206", "社会组织管理", {"合计": 215000}, 269),
        *budget(f, 1, 4, "21805", "行政事业单位养老支出", {"合计": 6851259}, 271),
        *budget(f, 1, 5, "2180501", "行政单位离退休", {"合计": 177240}, 273),
    ]
    return [budget_table(f, 1, title, 260, year=2023, department="上海市普陀区人民政府万里街道办事处")], cells


def sub_items() -> tuple[list[dict], list[dict]]:
    """…/real/01 page 35 (绩效目标填报表 公共服务设施运行经费): 其中：当年财政拨款 11,419,043.00 of a
    年度资金申请总额 10,903,043.00 (its 项目资金总额 10,903,043.00 = 财政资金 10,903,043.00 + 其他资金 0.00
    holds); page 31 (新建万里街道社区公共服务中心, 4,100,000.00 throughout) with the project's 其他资金
    edited from 0.00 to 500,000.00; and a self-evaluation (sample 000's first fund block, 万元) whose
    当年财政拨款 全年执行数 was edited above its 年度资金总额."""
    wanli = {"report_type": "target", "year": 2023, "budget_amount_unit": "元", "project_total_unit": "元",
             "dept": "上海市普陀区人民政府万里街道办事处"}
    reports = [
        report("target35.pdf", 1, "公共服务设施运行经费", "上海市普陀区人民政府万里街道办事处", "元",
               line_start=1121, line_end=1160, budget_amount=10903043, project_total_amount=10903043,
               project_total_fiscal_amount=10903043, project_total_other_amount=0, **wanli),
        report("target31.pdf", 1, "新建万里街道社区公共服务中心", "上海市普陀区人民政府万里街道办事处", "元",
               line_start=913, line_end=950, budget_amount=4100000, project_total_amount=4100000,
               project_total_fiscal_amount=4100000, project_total_other_amount=500000, **wanli),
        report("sub_eval.txt", 1, "就业见习补贴", "松江区就业促进中心", "万元"),
    ]
    funds = [
        {**fund("target35.pdf", 1, "total", 1131, budget_initial=10903043), "label": "年度资金申请总额"},
        {**fund("target35.pdf", 1, "current_year_appropriation", 1133, budget_initial=11419043),
         "label": "其中:当年财政拨款"},
        {**fund("target35.pdf", 1, "carryover", 1135, budget_initial=0), "label": "上年结转资金"},
        {**fund("target35.pdf", 1, "other", 1137, budget_initial=0), "label": "其他资金"},
        *({**fund("target31.pdf", 1, source, line, budget_initial=amount), "label": label}
          for source, line, amount, label in (("total", 923, 4100000, "年度资金申请总额"),
                                              ("current_year_appropriation", 925, 4100000, "其中:当年财政拨款"),
                                              ("carryover", 927, 0, "上年结转资金"), ("other", 929, 0, "其他资金"))),
        fund("sub_eval.txt", 1, "total", 10, budget_initial=120, budget_adjusted=120, executed=110),
        fund("sub_eval.txt", 1, "current_year_appropriation", 11, budget_initial=120, budget_adjusted=120,
             executed=112),
    ]
    return reports, funds


def subject_names() -> tuple[list[dict], list[dict]]:
    """…/real/09 (江苏检察院 2019) page 14 line 235 (收支预算总表 支出 '九、卫生健康支出') edited to the
    pre-2019 name; a 款 printed under another code's name in one of three tables (…/real/01 page 12
    line 271 edited); and …/real_templates/12 (2017) naming 210 by the name it had then (passing)."""
    f, g, h = "names2019.pdf", "kuan_names.pdf", "names2017.pdf"
    tables = [budget_table(f, 1, "2019年收支预算总表", 220, money_unit="万元", year=2019,
                           department="江苏省人民检察院"),
              *(budget_table(g, n, f"2023年部门{kind}", 100 * n, year=2023, department="万里街道办事处")
                for n, kind in ((1, "收入预算总表"), (2, "支出预算总表"), (3, "一般公共预算支出功能分类预算表"))),
              budget_table(h, 1, "2017年一般公共预算支出表", 150, money_unit="万元", year=2017,
                           department="江苏省人大常委会办公厅")]
    cells = [
        *budget(f, 1, 1, "", "九、医疗卫生与计划生育支出", {"预算数": 780.5}, 235, side="支出"),
        *(cell for n in (1, 2, 3) for cell in [
            *budget(g, n, 1, "208", "社会保障和就业支出", {"合计": 6851259}, 100 * n + 1),
            *budget(g, n, 2, "20805", "就业补助" if n == 2 else "行政事业单位养老支出", {"合计": 6851259},
                    100 * n + 3)]),
        *budget(h, 1, 1, "210", "医疗卫生与计划生育支出", {"合计": 320.4}, 155),
    ]
    return tables, cells


# …/real/01 (万里街道 2023) pages 31–35: its five 财政项目支出绩效目标填报表, 年度资金申请总额 in 元
WANLI_2023_TARGETS = (("新建万里街道社区公共服务中心", 4100000, 913), ("就业援助基地补贴", 6351000, 947),
                      ("社区环境整治和建设经费", 4563800, 979), ("各类工作经费", 7595500, 1011),
                      ("公共服务设施运行经费", 10903043, 1121))


def target_projects(source_file: str, stated_wan: str, tables: int = 5) -> dict[str, list[dict]]:
    """…/real/01 page 29 line 875 '编报绩效目标的项目5个，涉及项目预算资金3328.13万元' (the five tables add up
    to 3,351.33 万元) with the first ``tables`` of its target tables and the 说明's total ``stated_wan``."""
    reports = [report(source_file, n, project, "上海市普陀区人民政府万里街道办事处", "元", report_type="target",
                      year=2023, line_start=line, line_end=line + 30, budget_amount=amount, budget_amount_unit="元",
                      dept="上海市普陀区人民政府万里街道办事处")
               for n, (project, amount, line) in enumerate(WANLI_2023_TARGETS[:tables], 1)]
    return {"reports": reports,
            "narrative_amounts": [narrative(source_file, "编报绩效目标的项目5个", "target_projects", stated_wan, 875,
                                            year=2023)]}


def procurement(source_file: str, stated_wan: str) -> dict[str, list[dict]]:
    """…/real/09 (江苏检察院 2019) page 31 line 915 '政府采购支出预算总额2744.84万元' and its 政府采购支出预算表
    (万元) total 2,744.84."""
    return {"budget_tables": [budget_table(source_file, 1, "政府采购支出预算表", 680, money_unit="万元", year=2019,
                                           department="江苏省人民检察院")],
            "budget_cells": budget(source_file, 1, 1, "", "总计", {"总计": 2744.84}, 687),
            "narrative_amounts": [narrative(source_file, "政府采购预算", "procurement", stated_wan, 915, year=2019)]}


# …/real/01 (万里街道 2023) pages 20–28: its nine tables, the 政府性基金 table (page 24) printed empty
SHANGHAI_2023_TABLES = ("部门财务收支预算总表", "部门收入预算总表", "部门支出预算总表", "部门财政拨款收支预算总表",
                        "部门一般公共预算支出功能分类预算表", "部门政府性基金预算支出功能分类预算表",
                        "部门国有资本经营预算支出功能分类预算表", "部门一般公共预算基本支出部门预算经济分类预算表",
                        "部门“三公”经费和机关运行经费预算表")
WANLI_2023_727 = "注：本部门2023年无政府性基金预算财政拨款安排的预算，故本表为空表。"


def empty_table(source_file: str, note: str | None, narrative_line: str | None = None) -> dict[str, list[dict]]:
    """…/real/01's nine tables, each with an amount but the 政府性基金 table (title line 691, its 合计 row 725,
    the next title 729); ``note``: the line under it (727); ``narrative_line``: a line of the 说明 (90)."""
    tables, cells, lines, marks = [], [], [], []
    for seq, title in enumerate(SHANGHAI_2023_TABLES, 1):
        start = 691 + 38 * (seq - 6)
        tables.append(budget_table(source_file, seq, f"2023年{title}", start, year=2023,
                                   department="上海市普陀区人民政府万里街道办事处"))
        lines.append(source_line(source_file, start, f"2023年{title}"))
        marks.append(disposition(source_file, start, "title"))
        if "政府性基金" not in title:
            cells += budget(source_file, seq, 1, "", "合计", {"合计": 164978640}, start + 34)
    lines.append(source_line(source_file, 725, "\t\t\t\t合计\t\t\t"))
    marks.append(disposition(source_file, 725, "header"))
    for line_no, text in ((727, note), (90, narrative_line)):
        if text:
            lines.append(source_line(source_file, line_no, text))
            marks.append(disposition(source_file, line_no, "narrative"))
    return {"budget_tables": tables, "budget_cells": cells, "source_lines": lines, "line_accounting": marks}


def disposition(source_file: str, line_no: int, kind: str) -> dict:
    return {"source_file": source_file, "line_no": line_no, "disposition": kind, "family": "budget"}


def unit_label(source_file: str, table_yuan: int, stated: str) -> dict[str, list[dict]]:
    """Issue 21's cases: a 说明 subject at ``stated`` 万元 against its 功能分类 row of ``table_yuan`` 元
    (887,361万元 for 887,361 元 is a unit label; 887.36万元 for 873,617 元 a digit error)."""
    return {"budget_tables": [budget_table(source_file, 1, "2023年部门一般公共预算支出功能分类预算表", 300, year=2023)],
            "budget_cells": budget(source_file, 1, 1, "2010301", "行政运行", {"合计": table_yuan}, 310),
            "narrative_amounts": [{**narrative(source_file, "行政运行", "subject", stated, 7, year=2023),
                                   "decimals": len(stated.partition(".")[2])}]}


def target_unit(source_file: str, stated_wan: str, project: str = "社区工作站管理经费（溪头社区工作站）") -> dict:
    """…/real_templates/11 (Shenzhen 申报表) sheet 15 (first line 617): 本年度项目金额（万元） 653290 and its 成本
    indicator 不超过65.329万元 (line 647); ``stated_wan`` is the amount as printed."""
    return {"reports": [report(source_file, 1, project, "深圳市宝安区松岗街道办事处", "万元",
                               report_type="target", year=2023, line_start=617, line_end=660,
                               budget_amount=stated_wan, budget_amount_unit="万元", dept="深圳市宝安区松岗街道办事处")],
            "indicators": [{**indicator(source_file, 1, 5, "该经费总成本", None, None, 647, target="不超过65.329万元"),
                            "level1": "产出", "level2": "成本"}],
            "indicator_values": [reading(source_file, 1, 5, 647, "unknown", "<=", 65.329, "万元")]}


def summary_figures_passing() -> list[dict[str, list[dict]]]:
    # the 说明 total edited to what the tables add up to; a document printing 4 of the 5 counted tables is
    # not checked (sample 003 counts 37 projects and prints 36); Jiangsu's procurement total as printed
    return [target_projects("targets_sum_ok.pdf", "3351.33"), target_projects("targets_partial.pdf", "3328.13", 4),
            procurement("procurement_ok.pdf", "2744.84"),
            # an empty table with its 注, or with the 说明 saying so (…/real/09 p.31 line 1577's words)
            empty_table("empty_ok.pdf", WANLI_2023_727),
            empty_table("empty_said.pdf", None, "本部门无政府性基金预算相关收支项目。"),
            # amounts whose unit fits their document (the Shenzhen amount read as the 万元 it says)
            unit_label("unit_ok.pdf", 8873610, "887.361"), target_unit("unit_target_ok.xlsx", "65.329", "社区工作站管理经费（另一项目）")]


def failing() -> dict[str, list[dict]]:
    tables, cells = nesting_edit()
    name_tables, name_cells = subject_names()
    tables, cells = tables + name_tables, cells + name_cells
    reports, funds = sub_items()
    # …/real_templates/16 page 3 line 39 as the template prints it before it is filled in
    lines = [source_line("placeholder.pdf", 39, "XX（部门）主要职能", 3),
             source_line("placeholder_unit.txt", 12, "实施单位\t〔单位〕\t\t主管部门\t上海市松江区人力资源和社会保障局")]
    return merge({"reports": reports, "fund_rows": funds, "source_lines": lines,"narrative_changes": [*change_rows("change.txt", 131, WANLI_2023_131),
                                  *change_rows("change_implied.txt", 1095, JIANGSU_2018_1095, 2018),
                                  *change_rows("change_direction.txt", 135, WANLI_2023_135_RISE),
                                  *change_rows("item_amounts.pdf", 167, WANLI_2024_167, 2024)],
            "budget_tables": tables, "budget_cells": cells},
                 target_projects("targets_sum.pdf", "3328.13"),
                 # the 注 under the empty table removed; the 说明 speaks of another fund only
                 empty_table("empty_bare.pdf", None, "本部门无国有资本经营预算收支。"),
                 unit_label("unit_narr.pdf", 887361, "887361"), unit_label("digit_narr.pdf", 873617, "887.36"),
                 target_unit("unit_target.xlsx", "653290"))
