{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='source_file',
          on_schema_change='fail', pre_hook="{{ delete_changed_files() }}") }}  -- per file: macros/per_file.sql
-- Two-sided tables (财务收支预算总表, 财政拨款收支预算总表): 收入总计 = 支出总计. Where a 总计 row
-- prints several columns, its 合计/预算数 column is used. tolerance_yuan: one printed unit.
with

totals as (

    select
        *,
        case when subject_name like '%收入总计%' then 'income' else 'expenditure' end as which,
        row_number() over (
            partition by source_file, table_seq,
                case when subject_name like '%收入总计%' then 'income' else 'expenditure' end
            -- of several columns on the line, 合计/预算数 first, then by name: the same pick in every build
            order by case when measure in ('合计', '预算数') then 0 else 1 end, line_no, side, row_seq, measure
        ) as pick
    from {{ changed_rows('int_budget_lines_classified') }}
    where coalesce(subject_code, '') = '' and amount_yuan is not null
      and (subject_name like '%收入总计%' or subject_name like '%支出总计%')

),

checked as (

    select
        {{ budget_context('o') }},
        '收入总计 / 支出总计' as subject,
        o.measure,
        o.line_no,
        '收入总计 ' || printf('%.2f', i.amount_yuan / i.unit_factor) || '（第 ' || i.line_no || ' 行）' as detail,
        {{ money('i.amount_yuan') }} as expected_yuan,
        {{ money('o.amount_yuan') }} as observed_yuan,
        {{ money(printed_unit('least(o.decimals, i.decimals)', 'o.unit_factor')) }} as tolerance_yuan
    from totals as i
    join totals as o
      on o.source_file = i.source_file and o.table_seq = i.table_seq
     and i.which = 'income' and o.which = 'expenditure' and i.pick = 1 and o.pick = 1

)

{{ numbered_with_pages('checked', 'table_seq') }}
