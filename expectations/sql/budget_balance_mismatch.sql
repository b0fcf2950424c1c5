-- Two-sided tables (财务收支预算总表, 财政拨款收支预算总表): 收入总计 = 支出总计.
-- Where a 总计 row prints several columns, its 合计/预算数 column is used.
-- Tolerance 0.01 in the table's unit.
WITH totals AS (
    SELECT
        source_file, fiscal_year, table_seq, table_title, money_unit, unit_factor, measure, amount_yuan, line_no,
        CASE WHEN subject_name LIKE '%收入总计%' THEN 'income' ELSE 'expenditure' END AS which,
        row_number() OVER (
            PARTITION BY source_file, table_seq,
                CASE WHEN subject_name LIKE '%收入总计%' THEN 'income' ELSE 'expenditure' END
            ORDER BY CASE WHEN measure IN ('合计', '预算数') THEN 0 ELSE 1 END, line_no
        ) AS pick
    FROM q_budget
    WHERE coalesce(subject_code, '') = '' AND amount_yuan IS NOT NULL
      AND (subject_name LIKE '%收入总计%' OR subject_name LIKE '%支出总计%')
)
SELECT
    o.source_file, o.fiscal_year, o.table_seq, o.table_title,
    '收入总计 / 支出总计' AS subject,
    o.measure,
    o.line_no,
    o.money_unit,
    CAST(i.amount_yuan AS DOUBLE) AS expected_number,
    CAST(o.amount_yuan AS DOUBLE) AS observed_number,
    CAST(abs(o.amount_yuan - i.amount_yuan) AS DOUBLE) AS abs_diff,
    CAST(0.01 * o.unit_factor AS DOUBLE) AS tolerance,
    '收入总计 ' || printf('%.2f', i.amount_yuan / i.unit_factor) || '（第 ' || i.line_no || ' 行）' AS detail
FROM totals AS i
JOIN totals AS o
  ON o.source_file = i.source_file AND o.table_seq = i.table_seq
 AND i.which = 'income' AND o.which = 'expenditure' AND i.pick = 1 AND o.pick = 1
ORDER BY o.source_file, o.table_seq
