-- An indicator that lost points (得分 < 分值) must give 偏差原因分析及改进措施.
-- One row per such indicator; observed_text is the reason, NULL when blank or
-- only a placeholder (无, /).
SELECT
    r.source_file, i.report_id, r.report_seq, r.fiscal_year, r.project_name, r.implementing_unit, r.money_unit,
    i.indicator_name AS subject,
    '偏差原因分析及改进措施' AS measure,
    i.line_no,
    CAST(i.weight AS DOUBLE) AS expected_number,
    CAST(i.score AS DOUBLE) AS observed_number,
    '填写偏差原因' AS expected_text,
    CASE WHEN trim(i.deviation_reason) IN ('无', '/', '／', '') THEN NULL ELSE i.deviation_reason END
        AS observed_text,
    '分值 ' || printf('%.2f', i.weight) || '，得分 ' || printf('%.2f', i.score) AS detail
FROM q_indicator AS i
JOIN q_report AS r USING (report_id)
WHERE i.score IS NOT NULL AND i.weight IS NOT NULL AND i.score < i.weight
ORDER BY r.source_file, r.report_seq, i.line_no
