-- 执行率 = 执行数 / 全年预算数 × 100 (tracking: 跟踪期执行数 / 跟踪期预算数 × 100).
-- One row per fund row that states a rate and has an executed amount and a
-- non-zero denominator. Tolerance ±0.05 percentage points.
WITH fund AS (
    SELECT
        f.*,
        r.source_file AS r_source_file, r.report_seq AS r_report_seq, r.fiscal_year, r.project_name,
        r.implementing_unit, r.money_unit, r.report_type,
        CASE WHEN r.report_type = 'tracking' THEN f.budget_tracking_yuan ELSE f.budget_adjusted_yuan END
            AS denominator,
        CASE money_unit WHEN '万元' THEN 10000 ELSE 1 END AS unit_factor
    FROM q_fund AS f
    JOIN q_report AS r USING (report_id)
),
rated AS (
    SELECT *, CAST(round(executed_yuan / denominator * 100, 4) AS DECIMAL(18, 4)) AS computed_rate
    FROM fund
    WHERE execution_rate_pct IS NOT NULL AND executed_yuan IS NOT NULL
      AND denominator IS NOT NULL AND denominator <> 0
)
SELECT
    r_source_file AS source_file, report_id, r_report_seq AS report_seq, fiscal_year, project_name,
    implementing_unit, money_unit,
    CASE fund_source
        WHEN 'total' THEN '年度资金总额'
        WHEN 'current_year_appropriation' THEN '当年财政拨款'
        WHEN 'carryover' THEN '上年结转资金'
        WHEN 'other' THEN '其他资金'
        ELSE fund_source
    END AS subject,
    '执行率' AS measure,
    line_no,
    CAST(computed_rate AS DOUBLE) AS expected_number,
    CAST(execution_rate_pct AS DOUBLE) AS observed_number,
    CAST(abs(execution_rate_pct - computed_rate) AS DOUBLE) AS abs_diff,
    0.05 AS tolerance,
    CASE WHEN report_type = 'tracking' THEN '跟踪期执行数 ' ELSE '全年执行数 ' END
        || printf('%.2f', executed_yuan / unit_factor)
        || CASE WHEN report_type = 'tracking' THEN ' ÷ 跟踪期预算数 ' ELSE ' ÷ 全年预算数 ' END
        || printf('%.2f', denominator / unit_factor) || ' × 100' AS detail
FROM rated
ORDER BY source_file, report_seq, line_no
