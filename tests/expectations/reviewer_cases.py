"""Raw rows for the checks reviewers make by hand (issue 21), from lines of the real documents.

Prose lines go through the real parser (``change_claims``) and become raw rows as the loader would
load them; ``passing()`` holds lines the documents print consistently, ``failing()`` lines whose
inconsistency a reader finds (or a minimal edit of a consistent line, said where).
"""

from __future__ import annotations

import dataclasses

from conftest import budget, budget_table, fund, report

from dagster_project.parsers.narrative_changes import change_claims
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
    return {"narrative_changes": [*change_rows("budget_ok.txt", 101, WANLI_2023_101),
                                  *change_rows("budget_ok.txt", 849, JIANGSU_2019_849, 2019)],
            # a document number's 〔2024〕 and a Latin word are not placeholders (…/real/03 p.23, sample 003)
            "source_lines": [source_line("budget_ok.txt", 617, "1、《普陀区服务企业发展工作实施意见》（普投资规范〔2023〕1号）。"),
                             source_line("budget_ok.txt", 618, "2、松江区人保局WIFI无线覆盖信息系统建设项目（运维）")]}


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
    年度资金申请总额 10,903,043.00; and a self-evaluation (sample 000's first fund block, 万元) whose
    当年财政拨款 全年执行数 was edited above its 年度资金总额."""
    reports = [
        report("target35.pdf", 1, "公共服务设施运行经费", "上海市普陀区人民政府万里街道办事处", "元",
               report_type="target", year=2023, line_start=1121, line_end=1160, budget_amount=10903043,
               budget_amount_unit="元", dept="上海市普陀区人民政府万里街道办事处"),
        report("sub_eval.txt", 1, "就业见习补贴", "松江区就业促进中心", "万元"),
    ]
    funds = [
        {**fund("target35.pdf", 1, "total", 1131, budget_initial=10903043), "label": "年度资金申请总额"},
        {**fund("target35.pdf", 1, "current_year_appropriation", 1133, budget_initial=11419043),
         "label": "其中:当年财政拨款"},
        {**fund("target35.pdf", 1, "carryover", 1135, budget_initial=0), "label": "上年结转资金"},
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


def failing() -> dict[str, list[dict]]:
    tables, cells = nesting_edit()
    name_tables, name_cells = subject_names()
    tables, cells = tables + name_tables, cells + name_cells
    reports, funds = sub_items()
    # …/real_templates/16 page 3 line 39 as the template prints it before it is filled in
    lines = [source_line("placeholder.pdf", 39, "XX（部门）主要职能", 3),
             source_line("placeholder_unit.txt", 12, "实施单位\t〔单位〕\t\t主管部门\t上海市松江区人力资源和社会保障局")]
    return {"reports": reports, "fund_rows": funds, "source_lines": lines,"narrative_changes": [*change_rows("change.txt", 131, WANLI_2023_131),
                                  *change_rows("change_implied.txt", 1095, JIANGSU_2018_1095, 2018),
                                  *change_rows("change_direction.txt", 135, WANLI_2023_135_RISE),
                                  *change_rows("item_amounts.pdf", 167, WANLI_2024_167, 2024)],
            "budget_tables": tables, "budget_cells": cells}
