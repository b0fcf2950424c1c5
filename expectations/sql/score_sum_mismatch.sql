-- 资金得分 + Σ 指标得分 = 总分 (total_score). One row per report stating a total
-- score and any part score. Tolerance ±0.05.
WITH indicator_score AS (
    SELECT report_id, sum(score) AS score_sum, count(score) AS stated FROM q_indicator GROUP BY ALL
),
fund_score AS (
    SELECT report_id, sum(score) AS score FROM q_fund WHERE fund_source = 'total' GROUP BY ALL
)
SELECT
    r.source_file, r.report_id, r.report_seq, r.fiscal_year, r.project_name, r.implementing_unit, r.money_unit,
    '总分（得分）' AS subject,
    '得分' AS measure,
    coalesce(r.total_line_no, r.line_end) AS line_no,
    CAST(coalesce(fs.score, 0) + coalesce(iss.score_sum, 0) AS DOUBLE) AS expected_number,
    CAST(r.total_score AS DOUBLE) AS observed_number,
    CAST(abs(r.total_score - coalesce(fs.score, 0) - coalesce(iss.score_sum, 0)) AS DOUBLE) AS abs_diff,
    0.05 AS tolerance,
    '资金得分 ' || printf('%.2f', coalesce(fs.score, 0)) || ' + 指标得分合计 '
        || printf('%.2f', coalesce(iss.score_sum, 0)) || '（' || coalesce(iss.stated, 0) || ' 项指标）' AS detail
FROM q_report AS r
LEFT JOIN indicator_score AS iss USING (report_id)
LEFT JOIN fund_score AS fs USING (report_id)
WHERE r.total_score IS NOT NULL AND (iss.stated > 0 OR fs.score IS NOT NULL)
ORDER BY r.source_file, r.report_seq
