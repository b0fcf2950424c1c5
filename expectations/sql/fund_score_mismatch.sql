-- Self-evaluation fund score: 得分 = 分值 × min(执行率, 100) / 100, on the total row.
-- Uses the stated 执行率 (a wrong rate is execution_rate_mismatch's finding, so
-- it is not reported twice); when no rate is stated, the rate computed from
-- 全年执行数 / 全年预算数. Tolerance ±0.05 points.
WITH fund AS (
    SELECT
        f.*,
        r.source_file AS r_source_file, r.report_seq AS r_report_seq, r.fiscal_year, r.project_name,
        r.implementing_unit, r.money_unit,
        CASE WHEN f.budget_adjusted_yuan <> 0
            THEN CAST(round(f.executed_yuan / f.budget_adjusted_yuan * 100, 4) AS DECIMAL(18, 4))
        END AS computed_rate
    FROM q_fund AS f
    JOIN q_report AS r USING (report_id)
    WHERE r.report_type = 'self_eval' AND f.fund_source = 'total'
      AND f.weight IS NOT NULL AND f.score IS NOT NULL
),
scored AS (
    SELECT
        *,
        coalesce(execution_rate_pct, computed_rate) AS rate_used,
        CAST(round(weight * least(coalesce(execution_rate_pct, computed_rate), 100) / 100, 4)
            AS DECIMAL(18, 4)) AS expected_score
    FROM fund
    WHERE coalesce(execution_rate_pct, computed_rate) IS NOT NULL
)
SELECT
    r_source_file AS source_file, report_id, r_report_seq AS report_seq, fiscal_year, project_name,
    implementing_unit, money_unit,
    '年度资金总额' AS subject,
    '得分' AS measure,
    line_no,
    CAST(expected_score AS DOUBLE) AS expected_number,
    CAST(score AS DOUBLE) AS observed_number,
    CAST(abs(score - expected_score) AS DOUBLE) AS abs_diff,
    0.05 AS tolerance,
    '分值 ' || printf('%.2f', weight) || ' × min('
        || CASE WHEN execution_rate_pct IS NOT NULL THEN '填报执行率 ' ELSE '计算执行率 ' END
        || printf('%.2f', rate_used) || '%, 100%)' AS detail
FROM scored
ORDER BY source_file, report_seq, line_no
