"""Raw rows for the checks reviewers make by hand (issue 21), from lines of the real documents.

Prose lines go through the real parser (``change_claims``) and become raw rows as the loader would
load them; ``passing()`` holds lines the documents print consistently, ``failing()`` lines whose
inconsistency a reader finds (or a minimal edit of a consistent line, said where).
"""

from __future__ import annotations

import dataclasses

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


def change_rows(source_file: str, line_no: int, text: str, year: int = 2023) -> list[dict]:
    """The raw.narrative_changes rows the parser makes of one prose line."""
    return [
        dataclasses.asdict(NarrativeChange(
            source_file=source_file, line_no=line_no, form=c.form, subject_name=c.subject,
            budget_amount=c.budget, budget_places=c.budget_places, unit=c.unit, direction=c.direction,
            claim_text=c.claim_text, percent=c.percent, percent_places=c.percent_places, base_amount=c.base,
            base_places=c.base_places, change_amount=c.change, change_places=c.change_places,
            base_year=c.base_year, budget_year=c.budget_year, fiscal_year=year,
        ))
        for c in change_claims(text)
    ]


def passing() -> dict[str, list[dict]]:
    return {"narrative_changes": [*change_rows("budget_ok.txt", 101, WANLI_2023_101),
                                  *change_rows("budget_ok.txt", 849, JIANGSU_2019_849, 2019)]}


def failing() -> dict[str, list[dict]]:
    return {"narrative_changes": [*change_rows("change.txt", 131, WANLI_2023_131),
                                  *change_rows("change_implied.txt", 1095, JIANGSU_2018_1095, 2018),
                                  *change_rows("change_direction.txt", 135, WANLI_2023_135_RISE)]}
