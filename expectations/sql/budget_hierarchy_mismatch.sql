-- Within one budget table, side and amount column: each 类 = Σ its 款 (codes
-- extending the 类 code), each 款 = Σ its 项, and the 合计/总计 row = Σ 类.
-- One row per parent row that has at least one child stating that column.
-- Tolerance: 0.01 per summed child, in the table's unit.
WITH lines AS (
    SELECT * FROM q_budget WHERE amount_yuan IS NOT NULL
),
pairs AS (
    SELECT
        p.source_file, p.fiscal_year, p.table_seq, p.table_title, p.side, p.row_seq, p.measure, p.line_no,
        p.subject_code, p.subject_name, p.level, p.is_total_row, p.money_unit, p.unit_factor,
        p.amount_yuan AS parent_amount,
        c.amount_yuan AS child_amount,
        c.subject_code AS child_code,
        c.line_no AS child_line_no
    FROM lines AS p
    JOIN lines AS c
      ON c.source_file = p.source_file
     AND c.table_seq = p.table_seq
     AND c.side IS NOT DISTINCT FROM p.side
     AND c.measure = p.measure
     AND (
            (p.level = '类' AND c.level = '款' AND starts_with(c.subject_code, p.subject_code))
         OR (p.level = '款' AND c.level = '项' AND starts_with(c.subject_code, p.subject_code))
         OR (p.is_total_row AND c.level = '类')
     )
)
SELECT
    source_file, any_value(fiscal_year) AS fiscal_year, table_seq, any_value(table_title) AS table_title,
    CASE WHEN is_total_row THEN subject_name ELSE subject_code || ' ' || coalesce(subject_name, '') END AS subject,
    measure,
    line_no,
    any_value(money_unit) AS money_unit,
    CAST(sum(child_amount) AS DOUBLE) AS expected_number,
    CAST(any_value(parent_amount) AS DOUBLE) AS observed_number,
    CAST(abs(any_value(parent_amount) - sum(child_amount)) AS DOUBLE) AS abs_diff,
    CAST(0.01 * count(*) * any_value(unit_factor) AS DOUBLE) AS tolerance,
    CASE WHEN is_total_row THEN '各类' WHEN level = '类' THEN '所属各款' ELSE '所属各项' END
        || '（' || string_agg(child_code, '、' ORDER BY child_line_no) || '）之和' AS detail
FROM pairs
GROUP BY source_file, table_seq, side, row_seq, measure, line_no, subject_code, subject_name, level, is_total_row
ORDER BY source_file, table_seq, line_no, measure
