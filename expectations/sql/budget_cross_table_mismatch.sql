-- The same subject agrees across the tables of one file and year, comparing
-- like with like (all money vs all money, appropriation vs appropriation):
--   1 部门收入预算总表 合计            = 部门支出预算总表 合计
--   2 部门收入预算总表 财政拨款收入    = 一般公共预算 + 政府性基金 功能分类预算表 合计
--   3 财政拨款收支预算总表 一般公共预算 = 一般公共预算支出功能分类预算表 合计
--   4 财政拨款收支预算总表 政府性基金预算 = 政府性基金预算支出功能分类预算表 合计
--   5 部门财务收支预算总表 支出 (预算数) = 部门支出预算总表 合计
-- Rows with a subject code match by code; rows without (the 一、二、 rows and
-- 合计/总计 rows of two-sided tables) match by name, 合计/总计 rows to each other.
-- Only subjects present on both sides are compared (a missing row is not an
-- amount mismatch). Tolerance: 0.01 per reference term, in the tables' unit.
WITH pairs(pair_id, left_kind, left_measure, right_kind, right_measure) AS (
    VALUES
        (1, 'income', '合计', 'expenditure', '合计'),
        (2, 'income', '财政拨款收入', 'gpb_function', '合计'),
        (2, 'income', '财政拨款收入', 'gf_function', '合计'),
        (3, 'appropriation', '一般公共预算', 'gpb_function', '合计'),
        (4, 'appropriation', '政府性基金预算', 'gf_function', '合计'),
        (5, 'finance_summary', '*', 'expenditure', '合计')
),
lines AS (
    SELECT
        *,
        CASE WHEN is_total_row THEN '合计' ELSE name_key END AS match_name
    FROM q_budget
    WHERE amount_yuan IS NOT NULL AND coalesce(side, '支出') = '支出'
),
left_rows AS (
    SELECT DISTINCT p.pair_id, l.*
    FROM lines AS l
    JOIN pairs AS p ON l.table_kind = p.left_kind AND (p.left_measure = '*' OR l.measure = p.left_measure)
),
right_rows AS (
    SELECT p.pair_id, r.*
    FROM lines AS r
    JOIN pairs AS p ON r.table_kind = p.right_kind AND r.measure = p.right_measure
),
right_by_code AS (
    SELECT
        pair_id, source_file, fiscal_year, subject_code,
        sum(amount_yuan) AS amount, count(*) AS terms, max(unit_factor) AS unit_factor,
        string_agg(DISTINCT '《' || table_title || '》', '、') AS tables
    FROM right_rows
    WHERE coalesce(subject_code, '') <> ''
    GROUP BY ALL
),
right_by_name AS (
    SELECT
        pair_id, source_file, fiscal_year, match_name,
        sum(amount_yuan) AS amount, count(*) AS terms, max(unit_factor) AS unit_factor,
        string_agg(DISTINCT '《' || table_title || '》', '、') AS tables
    FROM right_rows
    GROUP BY ALL
    HAVING count(DISTINCT coalesce(subject_code, '')) = 1
),
matched AS (
    SELECT l.*, rc.amount AS right_amount, rc.terms, rc.unit_factor AS right_factor, rc.tables
    FROM left_rows AS l
    JOIN right_by_code AS rc
      ON rc.pair_id = l.pair_id AND rc.source_file = l.source_file
     AND rc.fiscal_year IS NOT DISTINCT FROM l.fiscal_year AND rc.subject_code = l.subject_code
    WHERE coalesce(l.subject_code, '') <> ''
    UNION ALL
    SELECT l.*, rn.amount, rn.terms, rn.unit_factor, rn.tables
    FROM left_rows AS l
    JOIN right_by_name AS rn
      ON rn.pair_id = l.pair_id AND rn.source_file = l.source_file
     AND rn.fiscal_year IS NOT DISTINCT FROM l.fiscal_year AND rn.match_name = l.match_name
    WHERE coalesce(l.subject_code, '') = ''
)
SELECT
    source_file, fiscal_year, table_seq, table_title,
    CASE WHEN coalesce(subject_code, '') = '' THEN subject_name
         ELSE subject_code || ' ' || coalesce(subject_name, '') END AS subject,
    measure,
    line_no,
    money_unit,
    CAST(right_amount AS DOUBLE) AS expected_number,
    CAST(amount_yuan AS DOUBLE) AS observed_number,
    CAST(abs(amount_yuan - right_amount) AS DOUBLE) AS abs_diff,
    CAST(0.01 * terms * greatest(unit_factor, right_factor) AS DOUBLE) AS tolerance,
    tables || ' 合计' AS detail
FROM matched
ORDER BY source_file, table_seq, line_no, measure
