-- 评分等级 vs 总分: 优 ≥ 90, 良 80–<90, 中 60–<80, 差 < 60. One row per report
-- stating both a grade and a total score. The printed grade is reduced to its
-- level (优秀 → 优, 良好 → 良, 合格/中等 → 中, 不合格/差 → 差) before comparing.
SELECT
    r.source_file, r.report_id, r.report_seq, r.fiscal_year, r.project_name, r.implementing_unit, r.money_unit,
    '评分等级' AS subject,
    '评分等级' AS measure,
    coalesce(r.grade_line_no, r.total_line_no, r.line_end) AS line_no,
    CAST(r.total_score AS DOUBLE) AS observed_number,
    CASE
        WHEN r.total_score >= 90 THEN '优'
        WHEN r.total_score >= 80 THEN '良'
        WHEN r.total_score >= 60 THEN '中'
        ELSE '差'
    END AS expected_text,
    CASE
        WHEN r.grade LIKE '%不合格%' OR r.grade LIKE '差%' THEN '差'
        WHEN r.grade LIKE '优%' THEN '优'
        WHEN r.grade LIKE '良%' THEN '良'
        WHEN r.grade LIKE '中%' OR r.grade LIKE '%合格%' OR r.grade LIKE '%及格%' THEN '中'
        ELSE r.grade
    END AS observed_text,
    '总分 ' || printf('%.2f', r.total_score) || '，填报等级“' || r.grade || '”' AS detail
FROM q_report AS r
WHERE r.grade IS NOT NULL AND r.total_score IS NOT NULL
ORDER BY r.source_file, r.report_seq
