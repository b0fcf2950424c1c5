-- 年度资金总额 = 当年财政拨款 + 上年结转资金 + 其他资金, per amount column.
-- One row per (report, amount column) where the report has a total row and at
-- least one part states that column. Within such a column a blank cell (part or
-- total) counts as 0; a column no part states is not checked (the document did
-- not break the total down). Tolerance: 0.01 per stated part, in the document's unit.
WITH report AS (
    SELECT *, CASE money_unit WHEN '万元' THEN 10000 ELSE 1 END AS unit_factor FROM q_report
),
cells AS (
    UNPIVOT (
        SELECT report_id, fund_source, line_no,
               budget_initial_yuan, budget_adjusted_yuan, budget_tracking_yuan, executed_yuan
        FROM q_fund
    )
    ON budget_initial_yuan, budget_adjusted_yuan, budget_tracking_yuan, executed_yuan
    INTO NAME column_name VALUE amount
),
per_column AS (
    SELECT
        c.report_id,
        c.column_name,
        sum(c.amount) FILTER (WHERE c.fund_source <> 'total') AS parts_sum,
        count(c.amount) FILTER (WHERE c.fund_source <> 'total') AS parts_stated,
        sum(c.amount) FILTER (WHERE c.fund_source = 'total') AS total_amount,
        string_agg(
            CASE c.fund_source
                WHEN 'current_year_appropriation' THEN '当年财政拨款'
                WHEN 'carryover' THEN '上年结转资金'
                WHEN 'other' THEN '其他资金'
                ELSE c.fund_source
            END || ' ' || printf('%.2f', c.amount / r.unit_factor),
            ' + ' ORDER BY c.line_no
        ) FILTER (WHERE c.fund_source <> 'total') AS terms
    FROM cells AS c
    JOIN report AS r USING (report_id)
    GROUP BY ALL
),
total_row AS (
    SELECT report_id, min(line_no) AS line_no FROM q_fund WHERE fund_source = 'total' GROUP BY ALL
)
SELECT
    r.source_file, r.report_id, r.report_seq, r.fiscal_year, r.project_name, r.implementing_unit, r.money_unit,
    '年度资金总额' AS subject,
    CASE p.column_name
        WHEN 'budget_initial_yuan' THEN '年初预算数'
        WHEN 'budget_adjusted_yuan' THEN '全年预算数'
        WHEN 'budget_tracking_yuan' THEN '跟踪期预算数'
        WHEN 'executed_yuan' THEN CASE WHEN r.report_type = 'tracking' THEN '跟踪期执行数' ELSE '全年执行数' END
    END AS measure,
    t.line_no,
    CAST(p.parts_sum AS DOUBLE) AS expected_number,
    CAST(coalesce(p.total_amount, 0) AS DOUBLE) AS observed_number,
    CAST(abs(coalesce(p.total_amount, 0) - p.parts_sum) AS DOUBLE) AS abs_diff,
    CAST(0.01 * p.parts_stated * r.unit_factor AS DOUBLE) AS tolerance,
    p.terms AS detail
FROM per_column AS p
JOIN total_row AS t USING (report_id)
JOIN report AS r USING (report_id)
WHERE p.parts_stated > 0
ORDER BY r.source_file, r.report_seq, t.line_no, p.column_name
