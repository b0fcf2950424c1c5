-- Indicator: 0 ≤ 得分 ≤ 分值. One row per indicator stating both, or stating a
-- negative one. abs_diff is how far the pair lies outside the allowed range;
-- both are printed values, so the tolerance is 0.
SELECT
    r.source_file, i.report_id, r.report_seq, r.fiscal_year, r.project_name, r.implementing_unit, r.money_unit,
    i.indicator_name AS subject,
    '得分' AS measure,
    i.line_no,
    CAST(i.weight AS DOUBLE) AS expected_number,
    CAST(i.score AS DOUBLE) AS observed_number,
    CAST(greatest(
        coalesce(i.score - i.weight, 0), -coalesce(i.score, 0), -coalesce(i.weight, 0), 0
    ) AS DOUBLE) AS abs_diff,
    0.0 AS tolerance,
    concat_ws(' / ', i.level1, i.level2) AS detail
FROM q_indicator AS i
JOIN q_report AS r USING (report_id)
WHERE (i.score IS NOT NULL AND i.weight IS NOT NULL) OR i.score < 0 OR i.weight < 0
ORDER BY r.source_file, r.report_seq, i.line_no
