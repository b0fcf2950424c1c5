-- Amounts stated in the 预算编制说明 / 三公 说明 agree with the tables.
--   subject: the subject's 合计 in the function-classification tables (the
--            narrative lists 财政拨款 spending) or in 部门支出预算总表, by name;
--   total:   the matching table total (一般公共预算 / 政府性基金 / 财政拨款 / 收入 /
--            支出, chosen from the narrative's wording);
--   three_public, operating_cost: the matching column of the 三公 table.
-- Several tables may hold a candidate; the narrative agrees when any does, so
-- each narrative amount is compared with its closest candidate. Amounts with no
-- candidate are not checked. Tolerance 0.01 in the narrative's unit (万元: 100 元).
WITH narrative AS (
    SELECT
        *,
        CASE unit WHEN '万元' THEN 10000 ELSE 1 END AS unit_factor,
        CASE
            WHEN context = 'subject' THEN normalized_name(subject_name)
            WHEN context IN ('three_public', 'operating_cost') THEN
                CASE WHEN context = 'operating_cost' THEN 'operating_cost'
                     ELSE coalesce(three_public_item(subject_name), 'total') END
            WHEN context = 'total' THEN
                CASE
                    WHEN subject_name LIKE '%一般公共预算%' THEN 'gpb'
                    WHEN subject_name LIKE '%政府性基金%' THEN 'gf'
                    -- 国有资本经营预算: no table total to compare with (not 'expenditure')
                    WHEN subject_name LIKE '%国有资本经营%' THEN 'soe'
                    WHEN subject_name LIKE '%财政拨款%' THEN 'appropriation'
                    WHEN subject_name LIKE '%收入%' THEN 'income'
                    ELSE 'expenditure'
                END
        END AS match_key
    FROM q_narrative
    WHERE amount_yuan IS NOT NULL
),
candidates AS (
    SELECT 'subject' AS context, source_file, fiscal_year, name_key AS match_key, amount_yuan, table_seq,
           table_title, line_no
    FROM q_budget
    WHERE table_kind IN ('gpb_function', 'gf_function', 'expenditure') AND measure = '合计'
      AND coalesce(subject_code, '') <> ''
    UNION ALL
    SELECT 'total', source_file, fiscal_year,
           CASE table_kind
               WHEN 'gpb_function' THEN 'gpb'
               WHEN 'gf_function' THEN 'gf'
               WHEN 'appropriation' THEN 'appropriation'
               WHEN 'income' THEN 'income'
               WHEN 'expenditure' THEN 'expenditure'
               WHEN 'finance_summary' THEN
                   CASE WHEN subject_name LIKE '%收入%' THEN 'income' ELSE 'expenditure' END
           END,
           amount_yuan, table_seq, table_title, line_no
    FROM q_budget
    WHERE is_total_row AND (measure IN ('合计', '预算数') OR table_kind IN ('appropriation', 'finance_summary'))
      AND table_kind IN ('gpb_function', 'gf_function', 'appropriation', 'income', 'expenditure', 'finance_summary')
    UNION ALL
    SELECT CASE WHEN three_public_item = 'operating_cost' THEN 'operating_cost' ELSE 'three_public' END,
           source_file, fiscal_year, three_public_item, amount_yuan, table_seq, table_title, line_no
    FROM q_budget
    WHERE table_kind = 'three_public' AND three_public_item IS NOT NULL
),
compared AS (
    SELECT
        n.source_file, n.fiscal_year, n.subject_name, n.context, n.line_no, n.unit, n.unit_factor,
        n.amount_yuan, n.raw_text,
        arg_min(c.amount_yuan, abs(c.amount_yuan - n.amount_yuan)) AS closest_amount,
        arg_min('《' || c.table_title || '》第 ' || c.line_no || ' 行', abs(c.amount_yuan - n.amount_yuan))
            AS closest_place,
        count(*) AS candidates
    FROM narrative AS n
    JOIN candidates AS c
      ON c.source_file = n.source_file AND c.context = n.context AND c.match_key = n.match_key
     AND (n.fiscal_year IS NULL OR c.fiscal_year IS NULL OR n.fiscal_year = c.fiscal_year)
    GROUP BY ALL
)
SELECT
    source_file, fiscal_year,
    CAST(NULL AS INTEGER) AS table_seq,  -- the narrative is prose, not a table
    '预算编制说明' AS table_title,
    subject_name AS subject,
    context AS measure,
    line_no,
    unit AS money_unit,
    CAST(closest_amount AS DOUBLE) AS expected_number,
    CAST(amount_yuan AS DOUBLE) AS observed_number,
    CAST(abs(amount_yuan - closest_amount) AS DOUBLE) AS abs_diff,
    CAST(0.01 * unit_factor AS DOUBLE) AS tolerance,
    closest_place || '（' || candidates || ' 处候选）' AS detail
FROM compared
ORDER BY source_file, line_no, subject_name
