-- 基本支出经济分类预算表 合计 = the 基本支出 total of the matching function
-- table: 一般公共预算 economic table ↔ 一般公共预算支出功能分类预算表, 政府性基金 ↔
-- 政府性基金…功能分类预算表, otherwise ↔ 部门支出预算总表. A table's total is its
-- 合计 row, or Σ 类 when it prints none. Tolerance 0.01 in the table's unit.
WITH totals AS (
    SELECT
        source_file, fiscal_year, table_seq, table_title, table_kind, fund_scope, measure, money_unit, unit_factor,
        coalesce(sum(amount_yuan) FILTER (WHERE is_total_row), sum(amount_yuan) FILTER (WHERE level = '类'))
            AS amount,
        coalesce(min(line_no) FILTER (WHERE is_total_row), min(line_no) FILTER (WHERE level = '类')) AS line_no
    FROM q_budget
    WHERE table_kind IN ('economic', 'gpb_function', 'gf_function', 'expenditure')
      AND coalesce(side, '支出') = '支出'
    GROUP BY ALL
)
SELECT
    e.source_file, e.fiscal_year, e.table_seq, e.table_title,
    '合计' AS subject,
    '合计' AS measure,
    e.line_no,
    e.money_unit,
    CAST(f.amount AS DOUBLE) AS expected_number,
    CAST(e.amount AS DOUBLE) AS observed_number,
    CAST(abs(e.amount - f.amount) AS DOUBLE) AS abs_diff,
    CAST(0.01 * greatest(e.unit_factor, f.unit_factor) AS DOUBLE) AS tolerance,
    '《' || f.table_title || '》基本支出合计（第 ' || f.line_no || ' 行）' AS detail
FROM totals AS e
JOIN totals AS f
  ON f.source_file = e.source_file
 AND (e.fiscal_year IS NULL OR f.fiscal_year IS NULL OR e.fiscal_year = f.fiscal_year)
 AND f.measure = '基本支出'
 AND (
        (e.fund_scope = 'gpb' AND f.table_kind = 'gpb_function')
     OR (e.fund_scope = 'gf' AND f.table_kind = 'gf_function')
     OR (e.fund_scope = 'all' AND f.table_kind = 'expenditure')
 )
WHERE e.table_kind = 'economic' AND e.measure = '合计' AND e.amount IS NOT NULL AND f.amount IS NOT NULL
ORDER BY e.source_file, e.table_seq
