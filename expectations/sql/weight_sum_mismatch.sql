-- Self-evaluation: 资金分值 + Σ 指标分值 = 总分 (total_weight; 100 when not printed).
-- One row per self-evaluation stating any weight. Tolerance ±0.05.
WITH indicator_weight AS (
    SELECT report_id, sum(weight) AS weight_sum, count(weight) AS stated FROM q_indicator GROUP BY ALL
),
fund_weight AS (
    SELECT report_id, sum(weight) AS weight FROM q_fund WHERE fund_source = 'total' GROUP BY ALL
)
SELECT
    r.source_file, r.report_id, r.report_seq, r.fiscal_year, r.project_name, r.implementing_unit, r.money_unit,
    '总分（分值）' AS subject,
    '分值' AS measure,
    coalesce(r.total_line_no, r.line_end) AS line_no,
    CAST(coalesce(r.total_weight, 100) AS DOUBLE) AS expected_number,
    CAST(coalesce(fw.weight, 0) + coalesce(iw.weight_sum, 0) AS DOUBLE) AS observed_number,
    CAST(abs(coalesce(r.total_weight, 100) - coalesce(fw.weight, 0) - coalesce(iw.weight_sum, 0)) AS DOUBLE)
        AS abs_diff,
    0.05 AS tolerance,
    '资金分值 ' || printf('%.2f', coalesce(fw.weight, 0)) || ' + 指标分值合计 '
        || printf('%.2f', coalesce(iw.weight_sum, 0)) || '（' || coalesce(iw.stated, 0) || ' 项指标）'
        || CASE WHEN r.total_weight IS NULL THEN '；总分未填，按 100 计' ELSE '' END AS detail
FROM q_report AS r
LEFT JOIN indicator_weight AS iw USING (report_id)
LEFT JOIN fund_weight AS fw USING (report_id)
WHERE r.report_type = 'self_eval' AND (iw.stated > 0 OR fw.weight IS NOT NULL)
ORDER BY r.source_file, r.report_seq
