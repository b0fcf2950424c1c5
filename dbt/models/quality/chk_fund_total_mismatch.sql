-- 年度资金总额 = 当年财政拨款 + 上年结转资金 + 其他资金, per amount column.
-- One row per (report, amount column) where the report has a total row and at least one part
-- states that column. Within such a column a blank cell (part or total) counts as 0; a column no
-- part states is not checked (the document did not break the total down).
-- tolerance_yuan: 0.01 per stated part, in the document's unit.
-- Not for performance-target forms yet (their year's parts 当年财政拨款, 上年结转资金, 其他资金 now load,
-- the rule is not yet validated on them); a 其中 above its total is sub_item_exceeds_total.
with

reports as (

    select * from {{ ref('fct_report') }}

),

cells as (

    unpivot (
        select report_id, fund_source, line_no,
               budget_initial_yuan, budget_adjusted_yuan, budget_tracking_yuan, executed_yuan
        from {{ ref('fct_project_fund') }}
    )
    on budget_initial_yuan, budget_adjusted_yuan, budget_tracking_yuan, executed_yuan
    into name column_name value amount

),

labels as (

    select fund_source, label_zh from {{ ref('dim_fund_source') }}

),

per_column as (

    select
        cells.report_id,
        cells.column_name,
        sum(cells.amount) filter (where cells.fund_source <> 'total') as parts_sum,
        count(cells.amount) filter (where cells.fund_source <> 'total') as parts_stated,
        sum(cells.amount) filter (where cells.fund_source = 'total') as total_amount,
        string_agg(
            coalesce(labels.label_zh, cells.fund_source) || ' '
                || printf('%.2f', cells.amount / {{ unit_factor('reports.money_unit') }}),
            ' + ' order by cells.line_no
        ) filter (where cells.fund_source <> 'total') as terms
    from cells
    join reports using (report_id)
    left join labels using (fund_source)
    group by all

),

total_row as (

    select report_id, min(line_no) as line_no
    from {{ ref('fct_project_fund') }}
    where fund_source = 'total'
    group by all

),

checked as (

    select
        {{ report_context('r') }},
        '年度资金总额' as subject,
        case p.column_name
            when 'budget_initial_yuan' then '年初预算数'
            when 'budget_adjusted_yuan' then '全年预算数'
            when 'budget_tracking_yuan' then '跟踪期预算数'
            when 'executed_yuan' then case when r.report_type = 'tracking' then '跟踪期执行数' else '全年执行数' end
        end as measure,
        t.line_no,
        p.terms as detail,
        {{ money('p.parts_sum') }} as expected_yuan,
        {{ money('coalesce(p.total_amount, 0)') }} as observed_yuan,
        {{ money('0.01 * p.parts_stated * ' ~ unit_factor('r.money_unit')) }} as tolerance_yuan,
        p.column_name
    from per_column as p
    join total_row as t using (report_id)
    join reports as r using (report_id)
    where p.parts_stated > 0
      and r.report_type <> 'target'

)

select
    {{ check_row('source_file', 'report_seq, line_no, column_name') }} as check_row,
    * exclude (column_name),
    {{ page_of('checked') }} as page_no
from checked
