{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='source_file',
          on_schema_change='fail', pre_hook="{{ delete_changed_files() }}") }}  -- per file: macros/per_file.sql
-- 基本支出经济分类预算表 合计 = the 基本支出 total of the matching function table: 一般公共预算
-- economic table ↔ 一般公共预算支出功能分类预算表, 政府性基金 ↔ 政府性基金…功能分类预算表, otherwise
-- ↔ 部门支出预算总表 (kinds and scopes from seeds). A table's total is its 合计 row, or Σ 类 when it
-- prints none. tolerance_yuan: one printed unit (the coarser table's).
with

totals as (

    select
        source_file, fiscal_year, table_seq, table_title, table_kind, fund_scope, measure, money_unit,
        unit_factor,
        any_value(department) as department,
        any_value(district) as district,
        min(decimals) as decimals,
        coalesce(sum(amount_yuan) filter (where is_total_row), sum(amount_yuan) filter (where level = '类'))
            as amount,
        coalesce(min(line_no) filter (where is_total_row), min(line_no) filter (where level = '类')) as line_no
    from {{ changed_rows('int_budget_lines_classified') }}
    where table_kind in ('economic', 'gpb_function', 'gf_function', 'expenditure')
      and coalesce(side, '支出') = '支出'
    group by source_file, fiscal_year, table_seq, table_title, table_kind, fund_scope, measure, money_unit,
             unit_factor

),

checked as (

    select
        {{ budget_context('e') }},
        '合计' as subject,
        '合计' as measure,
        e.line_no,
        '《' || f.table_title || '》基本支出合计（第 ' || f.line_no || ' 行）' as detail,
        {{ money('f.amount') }} as expected_yuan,
        {{ money('e.amount') }} as observed_yuan,
        {{ money(printed_unit('least(e.decimals, f.decimals)', 'greatest(e.unit_factor, f.unit_factor)')) }}
            as tolerance_yuan,
        f.table_seq as reference_table_seq
    from totals as e
    join totals as f
      on f.source_file = e.source_file
     and (e.fiscal_year is null or f.fiscal_year is null or e.fiscal_year = f.fiscal_year)
     and f.measure = '基本支出'
     and (
            (e.fund_scope = 'gpb' and f.table_kind = 'gpb_function')
         or (e.fund_scope = 'gf' and f.table_kind = 'gf_function')
         or (e.fund_scope = 'all' and f.table_kind = 'expenditure')
     )
    where e.table_kind = 'economic' and e.measure = '合计' and e.amount is not null and f.amount is not null

)

{{ numbered_with_pages('checked', 'table_seq, reference_table_seq') }}
