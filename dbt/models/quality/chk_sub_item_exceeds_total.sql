{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='source_file',
          on_schema_change='fail', pre_hook="{{ delete_changed_files() }}") }}  -- per file: macros/per_file.sql
-- A 其中 item never exceeds its total: each fund row (当年财政拨款, 上年结转资金, 其他资金) of a report
-- is at most the report's 年度资金总额 (a 绩效目标填报表: 年度资金申请总额) in the same amount column.
-- One row per (report, part, amount column) where both are stated. A column in which some part is
-- negative (money returned) is not checked: there a part may exceed the total.
-- expected_max_yuan: the total; observed_yuan: the part.
with

cells as (

    unpivot (
        select f.report_id, f.fund_source, f.fund_label as label, f.line_no, pages.page_no,
               f.budget_initial_yuan, f.budget_adjusted_yuan, f.budget_tracking_yuan, f.executed_yuan
        from {{ changed_rows('fct_project_fund') }} as f
        {{ join_pages('f') }}
    )
    on budget_initial_yuan, budget_adjusted_yuan, budget_tracking_yuan, executed_yuan
    into name column_name value amount

),

totals as (

    select report_id, column_name, any_value(amount) as total_amount, any_value(label) as total_label,
           min(line_no) as total_line_no
    from cells
    where fund_source = 'total'
    group by all

),

signed as (

    select report_id, column_name, bool_or(amount < 0) as has_negative_part
    from cells
    where fund_source <> 'total'
    group by all

),

numbered as (

    -- numbered while the rows are narrow: the window sorts the cells' own columns, and the
    -- report's context and the detail text are added after it
    select
        {{ check_row('r.source_file', 'r.report_seq, p.line_no, p.column_name') }} as check_row,
        p.report_id, p.label, p.fund_source, p.column_name, p.line_no, p.amount, p.page_no,
        t.total_label, t.total_line_no, t.total_amount
    from cells as p
    join totals as t using (report_id, column_name)
    join signed as s using (report_id, column_name)
    join (select report_id, source_file, report_seq from {{ changed_rows('fct_report') }}) as r using (report_id)
    where p.fund_source <> 'total' and not s.has_negative_part

)

select
    p.check_row,
    {{ report_context('r') }},
    coalesce(p.label, p.fund_source) as subject,
    {{ fund_measure('p.column_name', 'r.report_type') }} as measure,
    p.line_no,
    coalesce(p.total_label, '年度资金总额') || '（第 ' || p.total_line_no || ' 行）' as detail,
    {{ money('p.total_amount') }} as expected_max_yuan,
    {{ money('p.amount') }} as observed_yuan,
    p.fund_source,
    p.page_no
from numbered as p
join {{ changed_rows('fct_report') }} as r using (report_id)
