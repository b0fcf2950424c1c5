{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='source_file',
          on_schema_change='fail', pre_hook="{{ delete_changed_files() }}") }}  -- per file: macros/per_file.sql
-- Within one budget table, side and amount column: each 类 = Σ its 款 (codes extending the 类
-- code), each 款 = Σ its 项, and the 合计/总计 row = Σ 类. One row per parent row that has at
-- least one child stating that column. tolerance_yuan: one printed unit per summed child (what
-- rounding explains: 1 元 for whole 元, 0.01 万元 for 万元 to two decimals).
with

lines as (

    select * from {{ changed_rows('int_budget_lines_classified') }} where amount_yuan is not null

),

pairs as (

    select
        p.*,
        c.amount_yuan as child_amount,
        c.subject_code as child_code,
        c.line_no as child_line_no,
        c.decimals as child_decimals
    from lines as p
    join lines as c
      on c.source_file = p.source_file
     and c.table_seq = p.table_seq
     and c.side is not distinct from p.side
     and c.measure = p.measure
     and (
            (p.level = '类' and c.level = '款' and starts_with(c.subject_code, p.subject_code))
         or (p.level = '款' and c.level = '项' and starts_with(c.subject_code, p.subject_code))
         or (p.is_total_row and c.level = '类')
     )

),

checked as (

    select
        source_file,
        cast(null as varchar) as report_id,
        cast(null as integer) as report_seq,
        table_seq,
        'budget' as report_type,
        any_value(fiscal_year) as fiscal_year,
        cast(null as varchar) as project_name,
        cast(null as varchar) as implementing_unit,
        any_value(department) as department,
        any_value(district) as district,
        any_value(table_title) as table_title,
        any_value(money_unit) as money_unit,
        case when is_total_row then subject_name else subject_code || ' ' || coalesce(subject_name, '') end
            as subject,
        measure,
        line_no,
        case when is_total_row then '各类' when level = '类' then '所属各款' else '所属各项' end
            || '（' || string_agg(child_code, '、' order by child_line_no) || '）之和' as detail,
        {{ money('sum(child_amount)') }} as expected_yuan,
        {{ money('any_value(amount_yuan)') }} as observed_yuan,
        {{ money('sum(' ~ printed_unit('child_decimals', 'unit_factor') ~ ')') }} as tolerance_yuan,
        side,
        row_seq
    from pairs
    group by source_file, table_seq, side, row_seq, measure, line_no, subject_code, subject_name, level,
             is_total_row

)

{{ numbered_with_pages('checked', 'table_seq, line_no, measure, side, row_seq', columns='* exclude (side, row_seq)') }}
