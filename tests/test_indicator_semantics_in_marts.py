"""marts.fct_indicator carries the reading of each indicator's target and actual text (whole pipeline on raw/)."""

from __future__ import annotations

from decimal import Decimal as D

SELF_EVAL_WAN = "000_2cba3ecfd7271be6.txt"
SELF_EVAL_HR = "001_ebc302d94fc8039c.txt"
BUDGET = "003_7cadc0ecdd172fe9.txt"
SELF_EVAL_JUDICIAL = "004_eaeb872d98338714.txt"

COLUMNS = "target_operator, target_value, target_value_max, target_unit, actual_value, actual_unit, achievement"


def test_mart_columns_are_typed_as_the_contract_says(sample_run):
    types = dict(
        sample_run.query(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'marts' and table_name = 'fct_indicator'"
        )
    )
    assert {c: types[c] for c in [c.strip() for c in COLUMNS.split(",")]} == {
        "target_operator": "VARCHAR",
        "target_value": "DECIMAL(24,6)",
        "target_value_max": "DECIMAL(24,6)",
        "target_unit": "VARCHAR",
        "actual_value": "DECIMAL(24,6)",
        "actual_unit": "VARCHAR",
        "achievement": "VARCHAR",
    }


def test_mart_rows_carry_the_reading(sample_run):
    def at(source_file, line_no):
        return sample_run.query(
            f"select target_text, actual_text, {COLUMNS} from marts.fct_indicator "
            "where source_file = ? and line_no = ?",
            [source_file, line_no],
        )

    assert at(SELF_EVAL_WAN, 42) == [
        ("≤0.15(万元/课时)", "0.15(万元/课时)", "<=", D("0.15"), None, "万元/课时", D("0.15"), "万元/课时", "met")
    ]
    assert at(SELF_EVAL_WAN, 577) == [
        ("≥4.00(%)", "-23.00(%)", ">=", D("4.00"), None, "%", D("-23.00"), "%", "not_met")
    ]
    assert at(SELF_EVAL_WAN, 22) == [
        ("及时", "部分达成指标并具有一定效果", "qualitative", None, None, None, None, None, "not_met")
    ]
    assert at(SELF_EVAL_HR, 17) == [("二小时内响应", "二小时内响应", "<=", D(2), None, "小时", D(2), "小时", "met")]
    assert at(SELF_EVAL_HR, 39) == [("15人", "3人", None, D(15), None, "人", D(3), "人", "unknown")]
    assert at(BUDGET, 4272) == [("大于0", None, ">", D(0), None, None, None, None, "unknown")]
    assert at(SELF_EVAL_JUDICIAL, 51) == [
        ("=100.00(%)", "89.98", "=", D("100.00"), None, "%", D("89.98"), None, "not_met")
    ]


def test_every_indicator_has_one_reading_and_targets_without_actuals_stay_unknown(sample_run):
    assert sample_run.scalar(
        "select count(*) from marts.fct_indicator where achievement is null"
    ) == 0
    # Performance-target tables print no actual: nothing there can be met or missed.
    assert sample_run.query(
        "select distinct achievement from marts.fct_indicator i join marts.fct_report r using (report_id) "
        "where r.report_type = 'target'"
    ) == [("unknown",)]
    counts = dict(sample_run.query("select achievement, count(*) from marts.fct_indicator group by all"))
    assert set(counts) == {"met", "not_met", "unknown"}
    assert sum(counts.values()) == sample_run.scalar("select count(*) from raw.indicators")
