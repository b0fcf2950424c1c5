{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='source_file',
          on_schema_change='fail', pre_hook="{{ delete_changed_files() }}") }}  -- per file: macros/per_file.sql
-- 年度资金总额 = 当年财政拨款 + 上年结转资金 + 其他资金, per amount column.
-- One row per (report, amount column) where the report has a total row and at least one part
-- states that column. Within such a column a blank cell (part or total) counts as 0; a column no
-- part states is not checked (the document did not break the total down).
-- A performance-target form (绩效目标填报表) is checked twice: the year's 年度资金申请总额 against its
-- 当年财政拨款, 上年结转资金, 其他资金 (its fund rows, column budget_initial), and the project's
-- 项目资金总额 against its 财政资金 + 其他资金 (fct_report.project_total_*), where the form prints
-- its total and at least one part; a form printing no parts (the Shenzhen 申报表) is not checked. The project's
-- row sits at the line of the form's 项目资金 block (its first fund row, which prints 项目资金总额
-- beside 年度资金申请总额), else at the form's first line.
-- tolerance_yuan: 0.01 per stated part, in the document's unit.
-- A 其中 above its total is also sub_item_exceeds_total (one root cause: expectations/root_causes.py).
with

reports as (

    select * from {{ changed_rows('fct_report') }}

),

cells as (

    unpivot (
        select report_id, fund_source, line_no,
               budget_initial_yuan, budget_adjusted_yuan, budget_tracking_yuan, executed_yuan
        from {{ changed_rows('fct_project_fund') }}
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

    select report_id, min(line_no) as line_no, arg_min(fund_label, line_no) as label
    from {{ changed_rows('fct_project_fund') }}
    where fund_source = 'total'
    group by all

),

year_checked as (

    select
        {{ report_context('r') }},
        case when r.report_type = 'target' then coalesce(t.label, '年度资金总额') else '年度资金总额' end as subject,
        {{ fund_measure('p.column_name', 'r.report_type') }} as measure,
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

),

-- the project's funds over its whole term (a 填报表's 项目资金总额 = 其中：财政资金 + 其他资金)
project_checked as (

    select
        {{ report_context('r') }},
        '项目资金总额' as subject,
        '项目全周期' as measure,
        coalesce(t.line_no, r.line_start) as line_no,
        concat_ws(' + ',
            '财政资金 ' || printf('%.2f', r.project_total_fiscal_yuan / {{ unit_factor('r.project_total_unit') }}),
            '其他资金 ' || printf('%.2f', r.project_total_other_yuan / {{ unit_factor('r.project_total_unit') }})
        ) as detail,
        {{ money('coalesce(r.project_total_fiscal_yuan, 0) + coalesce(r.project_total_other_yuan, 0)') }} as expected_yuan,
        {{ money('r.project_total_yuan') }} as observed_yuan,
        {{ money('0.01 * ((r.project_total_fiscal_yuan is not null)::int + (r.project_total_other_yuan is not null)::int) * '
                 ~ unit_factor('r.project_total_unit')) }} as tolerance_yuan,
        'project_total_yuan' as column_name
    from reports as r
    left join total_row as t using (report_id)
    where r.report_type = 'target' and r.project_total_yuan is not null
      and (r.project_total_fiscal_yuan is not null or r.project_total_other_yuan is not null)

),

checked as (

    select * from year_checked
    union all by name
    select * from project_checked

)

{{ numbered_with_pages('checked', 'report_seq, line_no, column_name', columns='* exclude (column_name)') }}
