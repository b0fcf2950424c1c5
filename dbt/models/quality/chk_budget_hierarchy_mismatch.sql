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

    -- keys only: the parent's text is joined after the sums and the numbering
    select
        p.source_file, p.table_seq, p.side, p.row_seq, p.measure, p.line_no, p.unit_factor,
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

-- one row per parent line (a line of int_budget_lines_classified: source_file, table_seq, side,
-- row_seq, measure), numbered while narrow
sums as (

    select
        source_file, table_seq, side, row_seq, measure, line_no,
        string_agg(child_code, '、' order by child_line_no) as child_codes,
        {{ money('sum(child_amount)') }} as expected_yuan,
        {{ money('sum(' ~ printed_unit('child_decimals', 'unit_factor') ~ ')') }} as tolerance_yuan,
        {{ check_row('source_file', 'table_seq, line_no, measure, side, row_seq') }} as check_row
    from pairs
    group by source_file, table_seq, side, row_seq, measure, line_no

),

checked as (

    select
        s.check_row,
        s.source_file,
        cast(null as varchar) as report_id,
        cast(null as integer) as report_seq,
        s.table_seq,
        'budget' as report_type,
        p.fiscal_year,
        cast(null as varchar) as project_name,
        cast(null as varchar) as implementing_unit,
        p.department,
        p.district,
        p.table_title,
        p.money_unit,
        case when p.is_total_row then p.subject_name else p.subject_code || ' ' || coalesce(p.subject_name, '') end
            as subject,
        s.measure,
        s.line_no,
        case when p.is_total_row then '各类' when p.level = '类' then '所属各款' else '所属各项' end
            || '（' || s.child_codes || '）之和' as detail,
        s.expected_yuan,
        {{ money('p.amount_yuan') }} as observed_yuan,
        s.tolerance_yuan
    from sums as s
    join lines as p
      on p.source_file = s.source_file
     and p.table_seq = s.table_seq
     and p.side is not distinct from s.side
     and p.row_seq = s.row_seq
     and p.measure = s.measure

)

select checked.*, pages.page_no
from checked
left join {{ pages_of('checked') }} as pages using (source_file, line_no)
