"""Indicator semantics: how target / actual texts are read, and when an actual meets its target."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from dagster_project.parsers import parse_file
from dagster_project.parsers.indicator_values import Reading, interpret, read_value

SAMPLES = Path(__file__).resolve().parents[2] / "raw"

# ── reading one text ─────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("≥95%", Reading(">=", D(95), None, "%")),
        ("=3000件", Reading("=", D(3000), None, "件")),
        ("≤0.15(万元/课时)", Reading("<=", D("0.15"), None, "万元/课时")),
        ("=100.00(%)", Reading("=", D("100.00"), None, "%")),
        ("≥ 1021.00(人)", Reading(">=", D("1021.00"), None, "人")),
        ("≧8000人次", Reading(">=", D(8000), None, "人次")),
        (">95.00(%)", Reading(">", D("95.00"), None, "%")),
        ("<10.00(%)", Reading("<", D("10.00"), None, "%")),
        ("大于0", Reading(">", D(0), None, None)),
        ("不多于3个", Reading("<=", D(3), None, "个")),
        ("90%以上", Reading(">=", D(90), None, "%")),
        ("满意度≥95%", Reading(">=", D(95), None, "%")),
        ("二小时内响应", Reading("<=", D(2), None, "小时")),
        ("=2小时内响应", Reading("<=", D(2), None, "小时")),
        ("1-2次", Reading("range", D(1), D(2), "次")),
        ("90%～95%", Reading("range", D(90), D(95), "%")),
        ("-23.00(%)", Reading(None, D("-23.00"), None, "%")),
        ("1,200元", Reading(None, D(1200), None, "元")),
        # bare values: the value is stated, the direction is not
        ("100%(按实际需求进行维护)", Reading(None, D(100), None, "%")),
        ("100% (19人)", Reading(None, D(100), None, "%")),
        ("15人", Reading(None, D(15), None, "人")),
        ("≤2.87(2.87)", Reading("<=", D("2.87"), None, None)),  # a bracketed number is a note, not a unit
        # words
        ("及时", Reading("qualitative")),
        ("有效", Reading("qualitative")),
        ("健全", Reading("qualitative")),
        ("一百零五人", Reading(None, D(105), None, "人")),
        ("至少一次", Reading(">=", D(1), None, "次")),
        ("一体化", Reading("qualitative")),  # 一 here is no number
        ("十分满意", Reading("qualitative")),
        ("高于市平均值", Reading("qualitative")),
        # digits or a comparison we cannot place: unknown, never qualitative
        ("较2021年增多", Reading()),
        ("2024年重阳节前", Reading()),
        ("100%大于0", Reading()),
        ("≥", Reading()),
        ("线下：市内2次，市外1-2次；线上：每月至少一次。", Reading()),
        ("2020年计划组织培训6次", Reading()),
        ("每月至少一次", Reading()),  # a rate: 次 per month
        ("≤90%以上", Reading()),  # contradicts itself
        (None, Reading()),
        ("  ", Reading()),
    ],
)
def test_read_value(text, expected):
    assert read_value(text) == expected


# ── achievement ──────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("target", "actual", "achievement"),
    [
        ("≥95%", "96%", "met"),
        ("≥95%", "95%", "met"),
        ("≥95%", "94.99%", "not_met"),
        (">95.00(%)", "95.00", "not_met"),  # an actual without unit is read in the target's unit
        ("≤0.15(万元/课时)", "0.15(万元/课时)", "met"),
        ("≤0.15(万元/课时)", "0.16(万元/课时)", "not_met"),
        ("=3000件", "3000件", "met"),
        ("=3000件", "2999件", "not_met"),
        ("1-2次", "2次", "met"),
        ("1-2次", "3次", "not_met"),
        ("≤10.00(万元)", "90000(元)", "unknown"),  # units are never converted here
        # bare targets: met only when reached exactly
        ("100%(按实际需求进行维护)", "100%", "met"),
        ("15人", "3人", "unknown"),
        ("15人", "15人", "met"),
        # explicit verdicts
        ("≥85.00(%)", "达成指标", "met"),
        ("及时", "达成指标", "met"),
        ("满意", "部分达成指标并具有一定效果", "not_met"),
        ("是", "未达成指标且效果较差", "not_met"),
        # qualitative: met only when the actual says the same
        ("及时", "及时", "met"),
        ("及时 (符合用人单位及时性要求)", "及时", "met"),
        ("健全", "建立健全", "unknown"),
        ("有效", "基本有效", "unknown"),
        ("是", "否", "not_met"),
        ("满意度", "满意度 ≥90%", "unknown"),
        # an actual that is itself a bound
        ("≥90%", "≥95%", "met"),
        ("≥90%", "≥85%", "unknown"),
        ("二小时内响应", "2小时内响应", "met"),
        ("二小时内响应", "1小时内", "met"),
        ("≥90%", "≤95%", "unknown"),
        # nothing to decide on
        ("≥", "5000.00(人)", "unknown"),
        ("及时", None, "unknown"),
        (None, "100%", "unknown"),
    ],
)
def test_achievement(target, actual, achievement):
    assert interpret(target, actual).achievement == achievement


# ── pinned on the committed samples ──────────────────────────────────────────────
# file, line: indicator, target text, actual text →
#   (target_operator, target_value, target_value_max, target_unit, actual_value, actual_unit, achievement)
SELF_EVAL_WAN = "000_2cba3ecfd7271be6.txt"
SELF_EVAL_HR = "001_ebc302d94fc8039c.txt"
BUDGET = "003_7cadc0ecdd172fe9.txt"
SELF_EVAL_JUDICIAL = "004_eaeb872d98338714.txt"
PINNED = [
    (SELF_EVAL_WAN, 22, "项目及时性", "及时", "部分达成指标并具有一定效果",
     ("qualitative", None, None, None, None, None, "not_met")),
    (SELF_EVAL_WAN, 42, "培训课时成本", "≤0.15(万元/课时)", "0.15(万元/课时)",
     ("<=", D("0.15"), None, "万元/课时", D("0.15"), "万元/课时", "met")),
    (SELF_EVAL_WAN, 137, "政务信息系统接入一网通办改造人均年运维成本", "≤2.87(2.87)", "1.77(2.87)",
     ("<=", D("2.87"), None, None, D("1.77"), None, "met")),
    (SELF_EVAL_WAN, 299, "每人每月生活补贴", "=8400", "=8400",
     ("=", D(8400), None, None, D(8400), None, "met")),
    (SELF_EVAL_WAN, 300, "每季度补贴人数", "≥10(人)", "≥10(人)",
     (">=", D(10), None, "人", D(10), "人", "met")),
    (SELF_EVAL_WAN, 326, "补贴发放人次", "≥1500(人次)", "5296人次",
     (">=", D(1500), None, "人次", D(5296), "人次", "met")),
    (SELF_EVAL_WAN, 347, "各项人工成本", "=233.91(万)", "213.83(万)",
     ("=", D("233.91"), None, "万", D("213.83"), "万", "not_met")),
    (SELF_EVAL_WAN, 376, "长效管理制度健全性", "健全", "达成指标",
     ("qualitative", None, None, None, None, None, "met")),
    (SELF_EVAL_WAN, 396, "计划印刷总量", "=47000.00(册)", "56000.00(册)",
     ("=", D("47000.00"), None, "册", D("56000.00"), "册", "not_met")),
    (SELF_EVAL_WAN, 424, "采购的办公家具是否符合国家相关环保标准", "是", "未达成指标且效果较差",
     ("qualitative", None, None, None, None, None, "not_met")),
    (SELF_EVAL_WAN, 577, "农富跨区县就业岗位补贴增长率", "≥4.00(%)", "-23.00(%)",
     (">=", D("4.00"), None, "%", D("-23.00"), "%", "not_met")),
    (SELF_EVAL_WAN, 641, "推送简历数量", "≥", "5000.00(人)",
     (None, None, None, None, D("5000.00"), "人", "unknown")),
    (SELF_EVAL_HR, 15, "系统维护完成率", "100%(按实际需求进行维护)", "100%",
     (None, D(100), None, "%", D(100), "%", "met")),
    (SELF_EVAL_HR, 17, "维护工作及时性", "二小时内响应", "二小时内响应",
     ("<=", D(2), None, "小时", D(2), "小时", "met")),
    (SELF_EVAL_HR, 24, "使用人员满意度", "≥90%", "≥95%",
     (">=", D(90), None, "%", D(95), "%", "met")),
    (SELF_EVAL_HR, 39, "招聘人数", "15人", "3人",
     (None, D(15), None, "人", D(3), "人", "unknown")),
    (SELF_EVAL_HR, 74, "用工单位参与数量增多情况", "较2021年增多", "较2021年增多",
     (None, None, None, None, None, None, "met")),
    (SELF_EVAL_HR, 124, "委托方（用人单位）满意度", "满意度≥95%", "满意度≥95%",
     (">=", D(95), None, "%", D(95), "%", "met")),
    (SELF_EVAL_HR, 141, "维护响应及时性", "=2小时内响应", "2小时内响应",
     ("<=", D(2), None, "小时", D(2), "小时", "met")),
    (BUDGET, 2554, "长效管理制度健全性", "健全", None,
     ("qualitative", None, None, None, None, None, "unknown")),
    (BUDGET, 2686, "违规投诉", "不多于3个", None,
     ("<=", D(3), None, "个", None, None, "unknown")),
    (BUDGET, 4272, "预备役干部有责投诉率下降率", "大于0", None,
     (">", D(0), None, None, None, None, "unknown")),
    (BUDGET, 6701, "资金使用率", "90%以上", None,
     (">=", D(90), None, "%", None, None, "unknown")),
    (SELF_EVAL_JUDICIAL, 23, "成本控制有效性", "有效", "有效",
     ("qualitative", None, None, None, None, None, "met")),
    (SELF_EVAL_JUDICIAL, 29, "全年重大故障数", "=0.00(起)", "0.00",
     ("=", D("0.00"), None, "起", D("0.00"), None, "met")),
    (SELF_EVAL_JUDICIAL, 51, "鉴定工作完成率", "=100.00(%)", "89.98",
     ("=", D("100.00"), None, "%", D("89.98"), None, "not_met")),
    (SELF_EVAL_JUDICIAL, 79, "外调获取有效证据率", ">95.00(%)", "95.00",
     (">", D("95.00"), None, "%", D("95.00"), None, "not_met")),
    (SELF_EVAL_JUDICIAL, 134, "邮寄对象满意度", "≥90.00(%)", "89.98",
     (">=", D("90.00"), None, "%", D("89.98"), None, "not_met")),
]


@pytest.fixture(scope="module")
def sample_values():
    """(file, line) → (IndicatorRow, IndicatorValue) over the committed samples."""
    out = {}
    for name in sorted({p[0] for p in PINNED}):
        result = parse_file(SAMPLES / name, name)
        assert len(result.indicator_values) == len(result.indicators)
        for row, value in zip(result.indicators, result.indicator_values, strict=True):
            assert (value.report_seq, value.indicator_seq, value.line_no) == (
                row.report_seq, row.indicator_seq, row.line_no)
            out[name, row.line_no] = (row, value)
    return out


@pytest.mark.parametrize(("name", "line_no", "indicator", "target", "actual", "expected"), PINNED)
def test_pinned_sample_readings(sample_values, name, line_no, indicator, target, actual, expected):
    row, value = sample_values[name, line_no]
    assert (row.indicator_name, row.target_text, row.actual_text) == (indicator, target, actual)
    assert (
        value.target_operator, value.target_value, value.target_value_max, value.target_unit,
        value.actual_value, value.actual_unit, value.achievement,
    ) == expected


def test_every_sample_target_is_read_or_marked_unknown(sample_values):
    """Over all four samples: no target is left without a decision, and none is silently numeric."""
    for row, value in sample_values.values():
        if value.target_operator not in (None, "qualitative"):
            assert value.target_value is not None, row
        if value.achievement != "unknown":
            assert row.actual_text is not None, row
