-- Across the columns of one budget table row: 合计 = Σ the other amount columns
-- (expenditure tables 基本支出 + 项目支出; income tables 财政拨款收入 + 事业收入 +
-- 事业单位经营收入 + 其他收入 …; economic tables 人员经费 + 公用经费; 财政拨款
-- 支出 一般公共预算 + 政府性基金预算). Columns named 小计 are subtotals and not
-- summed. A column the row does not print counts as 0 (trailing zero columns
-- are omitted on 项 rows), so a row is checked when it prints 合计 and at least
-- one other column.
-- The 三公 table is folded in here: 三公经费合计 = 因公出国(境)费 + 公务接待费 +
-- 公务用车购置及运行费, and 公务用车购置及运行费 = 购置费 + 运行费 (机关运行经费 is
-- not a 三公 part). Tolerance: 0.01 per summed column, in the table's unit.
WITH generic AS (
    SELECT
        source_file, table_seq, side, row_seq,
        any_value(fiscal_year) AS fiscal_year,
        any_value(table_title) AS table_title,
        any_value(CASE WHEN coalesce(subject_code, '') = '' THEN subject_name
                       ELSE subject_code || ' ' || coalesce(subject_name, '') END) AS subject,
        any_value(money_unit) AS money_unit,
        any_value(unit_factor) AS unit_factor,
        min(line_no) FILTER (WHERE measure = '合计') AS line_no,
        sum(amount_yuan) FILTER (WHERE measure = '合计') AS total_amount,
        count(amount_yuan) FILTER (WHERE measure = '合计') AS totals_stated,
        sum(coalesce(amount_yuan, 0)) FILTER (WHERE measure <> '合计' AND measure NOT LIKE '%小计%') AS parts_sum,
        count(*) FILTER (WHERE measure <> '合计' AND measure NOT LIKE '%小计%') AS parts_count,
        string_agg(measure, ' + ' ORDER BY line_no, measure)
            FILTER (WHERE measure <> '合计' AND measure NOT LIKE '%小计%') AS terms
    FROM q_budget
    WHERE table_kind <> 'three_public'
    GROUP BY source_file, table_seq, side, row_seq
),
three_public AS (
    SELECT
        source_file, table_seq, row_seq,
        any_value(fiscal_year) AS fiscal_year,
        any_value(table_title) AS table_title,
        any_value(money_unit) AS money_unit,
        any_value(unit_factor) AS unit_factor,
        sum(amount_yuan) FILTER (WHERE three_public_item = 'total') AS total_amount,
        min(line_no) FILTER (WHERE three_public_item = 'total') AS total_line_no,
        sum(amount_yuan) FILTER (WHERE three_public_item = 'vehicle') AS vehicle_amount,
        min(line_no) FILTER (WHERE three_public_item = 'vehicle') AS vehicle_line_no,
        count(amount_yuan) FILTER (WHERE three_public_item = 'vehicle') AS vehicle_stated,
        sum(coalesce(amount_yuan, 0)) FILTER (WHERE three_public_item IN ('overseas_travel', 'reception'))
            AS travel_reception,
        count(*) FILTER (WHERE three_public_item IN ('overseas_travel', 'reception')) AS travel_reception_count,
        sum(coalesce(amount_yuan, 0)) FILTER (WHERE three_public_item IN ('vehicle_purchase', 'vehicle_running'))
            AS vehicle_parts,
        count(*) FILTER (WHERE three_public_item IN ('vehicle_purchase', 'vehicle_running')) AS vehicle_parts_count
    FROM q_budget
    WHERE table_kind = 'three_public'
    GROUP BY source_file, table_seq, row_seq
),
checked AS (
    SELECT
        source_file, fiscal_year, table_seq, table_title, subject, '合计' AS measure, line_no, money_unit,
        parts_sum AS expected_amount, coalesce(total_amount, 0) AS observed_amount,
        parts_count AS terms_count, unit_factor, terms || ' 之和' AS detail
    FROM generic
    WHERE totals_stated > 0 AND parts_count > 0
    UNION ALL
    SELECT
        source_file, fiscal_year, table_seq, table_title, '“三公”经费' AS subject, '合计' AS measure,
        total_line_no AS line_no, money_unit,
        -- a part the table leaves blank (not printed) counts as 0, as in the generic rule
        travel_reception + CASE WHEN vehicle_stated > 0 THEN vehicle_amount ELSE coalesce(vehicle_parts, 0) END,
        total_amount,
        travel_reception_count + CASE WHEN vehicle_stated > 0 THEN 1 ELSE vehicle_parts_count END,
        unit_factor,
        '因公出国(境)费 + 公务接待费 + 公务用车购置及运行费 之和'
    FROM three_public
    WHERE total_amount IS NOT NULL AND travel_reception_count + vehicle_stated + vehicle_parts_count > 0
    UNION ALL
    SELECT
        source_file, fiscal_year, table_seq, table_title, '“三公”经费' AS subject,
        '公务用车购置及运行费' AS measure, vehicle_line_no, money_unit,
        vehicle_parts, vehicle_amount, vehicle_parts_count, unit_factor, '购置费 + 运行费 之和'
    FROM three_public
    WHERE vehicle_stated > 0 AND vehicle_parts_count > 0
)
SELECT
    source_file, fiscal_year, table_seq, table_title, subject, measure, line_no, money_unit,
    CAST(expected_amount AS DOUBLE) AS expected_number,
    CAST(observed_amount AS DOUBLE) AS observed_number,
    CAST(abs(observed_amount - expected_amount) AS DOUBLE) AS abs_diff,
    CAST(0.01 * terms_count * unit_factor AS DOUBLE) AS tolerance,
    detail
FROM checked
ORDER BY source_file, table_seq, line_no, measure
