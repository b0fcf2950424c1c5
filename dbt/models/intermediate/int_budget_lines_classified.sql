{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='source_file',
          on_schema_change='fail', pre_hook="{{ delete_changed_files() }}") }}  -- per file: macros/incremental.sql
-- Budget lines as the budget rules read them: each line with its table's kind and fund scope
-- (seeds budget_table_kinds / budget_fund_scopes), its 三公 item (seed three_public_items), its
-- code level, whether it is a 合计/总计 row, a name key for matching across tables, and the
-- table's rounding unit in 元. A line's row depends on its own line and the seeds only: a table built
-- per file (the budget rules read it, one file or one department-year at a time), not a view that
-- classifies every budget line of the warehouse again for each reader.
with

lines as (

    select * from {{ ref('fct_budget_line') }}{{ changed_files_only() }}

),

kinds as (

    select * from {{ ref('budget_table_kinds') }}

),

scopes as (

    select * from {{ ref('budget_fund_scopes') }}

),

titles as (

    select distinct table_title from lines

),

title_kinds as (

    select
        titles.table_title,
        coalesce(
            (select arg_min(kinds.table_kind, kinds.priority) from kinds where titles.table_title like kinds.title_pattern),
            'other'
        ) as table_kind,
        coalesce(
            (select arg_min(scopes.fund_scope, scopes.priority) from scopes where titles.table_title like scopes.title_pattern),
            'all'
        ) as fund_scope
    from titles

),

-- The 三公 item of each distinct measure and the district of each distinct department, looked up
-- once: per line (825,000 at 100k reports) the item's correlated lookup cost more than the rest
-- of the model, and the lines print a few hundred measures and departments.
measure_items as (

    select measure, {{ three_public_item('measure') }} as three_public_item
    from (select distinct measure from lines)

),

department_districts as (

    select department, {{ district_from('department') }} as district
    from (select distinct department from lines)

),

final as (

    select
        lines.*,
        coalesce(title_kinds.table_kind, 'other') as table_kind,
        coalesce(title_kinds.fund_scope, 'all') as fund_scope,
        {{ unit_factor('lines.money_unit') }} as unit_factor,
        coalesce(
            lines.code_level,
            case length(lines.subject_code) when 3 then '类' when 5 then '款' when 7 then '项' end
        ) as level,
        coalesce(lines.subject_code, '') = ''
            and (lines.subject_name like '%合计%' or lines.subject_name like '%总计%') as is_total_row,
        case
            -- a table of 三公, 会议费 and 培训费 has its 合计 over all of them: not the 三公 total
            when title_kinds.table_kind = 'three_public'
                 and not (lines.measure = '合计'
                          and (lines.table_title like '%会议费%' or lines.table_title like '%培训费%'))
            then measure_items.three_public_item
        end as three_public_item,
        {{ name_key('lines.subject_name') }} as name_key,
        department_districts.district

    from lines
    left join title_kinds on lines.table_title is not distinct from title_kinds.table_title
    left join measure_items on lines.measure = measure_items.measure
    left join department_districts on lines.department = department_districts.department

)

select * from final
