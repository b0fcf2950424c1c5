"""The central 项目支出绩效目标执行监控表 (tracking family) as a workbook, built from its description.

No real file of this template is shared (../shared/DOMAIN.md describes it), so this
script writes one as the central project system lays it out: one project per sheet,
a merged title and year line, the 项目名称 / 主管部门及代码 / 实施单位 block, the 项目资金
block (年初预算数 | 1-7月执行数 | 1-7月执行率 | 全年预计执行数, each merged over three grid
columns), the 年度总体目标 block, and the indicator grid with its two header rows:
偏差原因分析 over the ✔ columns 经费保障 … 其他 and 原因说明, 完成目标可能性 over
确定能 / 有可能 / 完全不可能, 备注; 一级/二级指标 merged over their rows.

The two sheets differ as offices' files do: ✔ or √ as the tick, rates stored as a
percentage (0.5833 formatted 0.00%) or as a number (35.00), the indicator columns
labelled 1-7月实际完成值 / 全年预计完成值 or 1-7月执行数 / 全年预计执行数.

The .xlsx is written by the tests when they need it (``write_monitoring_xlsx``); the
.xls committed as tests/data/xls/monitoring_central.xls is that workbook saved as
Excel 97 by LibreOffice. Rebuild it with:
    .venv/bin/python tests/monitoring_fixtures.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from office_fixtures import soffice

XLS = Path(__file__).resolve().parent / "data" / "xls" / "monitoring_central.xls"

# Grid columns (1-based): A outer labels, B-D 一级/二级/三级, E 年度指标值, F 1-7月, G 全年预计,
# H-L the cause ticks, M 原因说明, N-P the likelihood ticks, Q 备注.
WIDTH = 17
CAUSES = ("经费保障", "制度保障", "人员保障", "硬件条件保障", "其他")
LIKELIHOODS = ("确定能", "有可能", "完全不可能")

PROJECTS = [
    {
        "sheet": "学生资助",
        "tick": "✔",
        "rate_as_percent": True,
        "labels": ("1-7月实际完成值", "全年预计完成值"),
        "project": "学生资助补助经费",
        "dept": "[105]教育部",
        "unit": "全国学生资助管理中心",
        # label, 年初预算数, 1-7月执行数, 1-7月执行率 (%), 全年预计执行数 (万元)
        "funds": [
            ("年度资金总额", 12000.00, 7000.00, 58.33, 11800.00),
            ("其中：财政拨款", 11500.00, 6800.00, 59.13, 11400.00),
            ("其他资金", 500.00, 200.00, 40.00, 400.00),
        ],
        "goal": ("资助家庭经济困难学生5000人，培训资助工作人员1200人次，资金拨付及时率100%。",
                 "已资助学生3200人，培训资助工作人员600人次，资金拨付及时率85%。"),
        # 一级, 二级, 三级, 年度指标值, 1-7月, 全年预计, ticked causes, 原因说明, ticked likelihoods, 备注
        "indicators": [
            ("产出指标", "数量指标", "资助学生人数", "≥5000人", "3200人", "5100人", (), "", ("确定能",), ""),
            ("产出指标", "数量指标", "培训资助工作人员人次", "≥1200人次", "600人次", "1150人次",
             ("经费保障", "人员保障"), "培训经费下达较晚，师资不足，部分培训延至下半年", ("有可能",), "下半年集中培训"),
            ("产出指标", "质量指标", "培训合格率", "≥95%", "96%", "96%", (), "", ("确定能",), ""),
            ("产出指标", "时效指标", "资金拨付及时率", "100%", "85%", "100%", ("制度保障",), "拨付审批流程调整",
             ("确定能",), ""),
            ("效益指标", "社会效益指标", "受助学生辍学率", "≤1%", "0.8%", "0.9%", (), "", ("确定能",), ""),
            ("效益指标", "可持续影响指标", "资助长效机制建立情况", "建立", "初步建立", "建立", ("其他",),
             "制度文件待审议", ("有可能",), ""),
            ("满意度指标", "服务对象满意度指标", "受助学生满意度", "≥90%", "", "92%", (), "", ("确定能",),
             "年底开展问卷调查"),
        ],
    },
    {
        "sheet": "实验室建设",
        "tick": "√",
        "rate_as_percent": False,
        "labels": ("1-7月执行数", "全年预计执行数"),
        "project": "高校实验室建设",
        "dept": "[105]教育部",
        "unit": "教育部教育装备研究与发展中心",
        "funds": [
            ("年度资金总额", 3000.00, 1050.00, 35.00, 2400.00),
            ("其中：财政拨款", 3000.00, 1050.00, 35.00, 2400.00),
            ("其他资金", 0.00, 0.00, None, 0.00),
        ],
        "goal": ("新建实验室10个，受益学生8000人。", "已建成实验室2个，设备验收合格。"),
        "indicators": [
            ("产出指标", "数量指标", "新建实验室数量", "10个", "2个", "6个", ("经费保障", "硬件条件保障"),
             "设备采购招标两次流标", ("完全不可能",), "申请调整年度目标"),
            ("产出指标", "质量指标", "设备验收合格率", "100%", "100%", "100%", (), "", ("确定能",), ""),
            ("效益指标", "社会效益指标", "受益学生人数", "≥8000人", "1500人", "5000人", ("经费保障",),
             "实验室未按期建成", ("有可能",), ""),
            ("满意度指标", "服务对象满意度指标", "师生满意度", "≥85%", "—", "≥85%", (), "", ("确定能",), ""),
        ],
    },
]


def write_monitoring_xlsx(path: Path, year: int = 2019) -> Path:
    """The two-project workbook (one project per sheet)."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for project in PROJECTS:
        _sheet(book.create_sheet(project["sheet"]), project, year)
    book.save(path)
    return path


def _sheet(ws, p: dict, year: int) -> None:
    def put(row: int, col: int, value, end_row: int | None = None, end_col: int | None = None, fmt: str = ""):
        cell = ws.cell(row, col, value)
        if fmt:
            cell.number_format = fmt
        if (end_row or row) != row or (end_col or col) != col:
            ws.merge_cells(start_row=row, start_column=col, end_row=end_row or row, end_column=end_col or col)

    put(1, 1, "项目支出绩效目标执行监控表", end_col=WIDTH)
    put(2, 1, f"（{year}年度）", end_col=WIDTH)
    put(3, 1, "项目名称", end_col=2)
    put(3, 3, p["project"], end_col=WIDTH)
    put(4, 1, "主管部门及代码", end_col=2)
    put(4, 3, p["dept"], end_col=8)
    put(4, 9, "实施单位", end_col=10)
    put(4, 11, p["unit"], end_col=WIDTH)

    # 项目资金: label merged over the block, each column three grid columns wide
    funds = p["funds"]
    put(5, 1, "项目资金（万元）", end_row=5 + len(funds), end_col=2)
    put(5, 3, None, end_col=5)
    for k, label in enumerate(("年初预算数", "1-7月执行数", "1-7月执行率", "全年预计执行数")):
        put(5, 6 + 3 * k, label, end_col=8 + 3 * k)
    for r, (label, initial, executed, rate, forecast) in enumerate(funds, start=6):
        put(r, 3, label, end_col=5)
        put(r, 6, initial, end_col=8, fmt="0.00")
        put(r, 9, executed, end_col=11, fmt="0.00")
        if rate is None:
            put(r, 12, None, end_col=14)
        elif p["rate_as_percent"]:
            put(r, 12, rate / 100, end_col=14, fmt="0.00%")
        else:
            put(r, 12, rate, end_col=14, fmt="0.00")
        put(r, 15, forecast, end_col=17, fmt="0.00")

    g = 6 + len(funds)
    put(g, 1, "年度总体目标", end_row=g + 1)
    put(g, 2, "年初设定目标", end_col=8)
    put(g, 9, "1-7月实际完成情况", end_col=WIDTH)
    put(g + 1, 2, p["goal"][0], end_col=8)
    put(g + 1, 9, p["goal"][1], end_col=WIDTH)

    h = g + 2
    rows = p["indicators"]
    put(h, 1, "绩效指标", end_row=h + 1 + len(rows))
    for col, label in enumerate(("一级指标", "二级指标", "三级指标", "年度指标值", *p["labels"]), start=2):
        put(h, col, label, end_row=h + 1)
    put(h, 8, "偏差原因分析", end_col=13)
    put(h, 14, "完成目标可能性", end_col=16)
    put(h, 17, "备注", end_row=h + 1)
    for col, label in enumerate((*CAUSES, "原因说明", *LIKELIHOODS), start=8):
        put(h + 1, col, label)

    first = h + 2
    for r, (l1, l2, name, target, so_far, forecast, causes, reason, likely, note) in enumerate(rows, start=first):
        for col, text in ((4, name), (5, target), (6, so_far), (7, forecast), (13, reason), (17, note)):
            put(r, col, text or None)
        for col, cause in enumerate(CAUSES, start=8):
            put(r, col, p["tick"] if cause in causes else None)
        for col, likelihood in enumerate(LIKELIHOODS, start=14):
            put(r, col, p["tick"] if likelihood in likely else None)
    # 一级 and 二级 labels merged over the rows they head
    for col, level in ((2, 0), (3, 1)):
        start = 0
        for k in range(1, len(rows) + 1):
            if k == len(rows) or rows[k][: level + 1] != rows[start][: level + 1]:
                put(first + start, col, rows[start][level], end_row=first + k - 1)
                start = k


def write_monitoring_xls(path: Path = XLS) -> Path:
    """The workbook saved as Excel 97 (BIFF8) by LibreOffice headless."""
    with tempfile.TemporaryDirectory() as tmp:
        source = write_monitoring_xlsx(Path(tmp) / f"{path.stem}.xlsx")
        profile = Path(tmp) / "profile"
        subprocess.run(
            [soffice(), f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "xls",
             "--outdir", tmp, str(source)],
            check=True, capture_output=True, timeout=300,
        )
        path.write_bytes((Path(tmp) / f"{path.stem}.xls").read_bytes())
    return path


if __name__ == "__main__":
    print(write_monitoring_xls(Path(sys.argv[1]) if len(sys.argv) > 1 else XLS))
