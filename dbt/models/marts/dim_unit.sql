{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='unit_name',
          on_schema_change='fail',
          pre_hook="{{ touch_dim_keys('int_unit_mentions', 'unit_name') }}",
          post_hook="{{ forget_dim_keys('int_unit_mentions') }}") }}  -- by unit: macros/dims.sql
-- Every unit or department named by a report (主管部门, 实施单位) or a budget table (编制部门),
-- keyed by its canonical name (normalize_unit_name) so that every printed variant of one unit
-- ((本级) / （本级）, 上海市 or not, (汇总)) is one row; the printed forms stay beside the key.
-- A group-by over a plain table (int_unit_mentions, kept per file); an incremental run groups the
-- mentions of the units the changed files name or named only.
with

-- every mention, from the per-file table int_unit_mentions (its rows: the reports' and budget tables')
mentions as (

    select * exclude (source_file) from {{ ref('int_unit_mentions') }}
    where {{ in_touched_keys('int_unit_mentions', 'unit_name') }}

),

printed_names as (

    select
        unit_name,
        printed_name,
        row_number() over (partition by unit_name order by count(*) desc, printed_name) as rank_
    from mentions
    group by unit_name, printed_name

),

supervisors as (

    select
        unit_name,
        supervising_dept,
        row_number() over (partition by unit_name order by count(*) desc, supervising_dept) as rank_
    from mentions
    -- a department's own office (本级) names the department as its own supervisor
    where role = 'implementing_unit' and supervising_dept is not null and supervising_dept <> unit_name
    group by unit_name, supervising_dept

),

units as (

    select
        unit_name,
        bool_or(role = 'implementing_unit') as is_implementing_unit,
        bool_or(role = 'supervising_dept') as is_supervising_dept,
        bool_or(role = 'budget_department') as is_budget_department,
        list(distinct printed_name order by printed_name) as printed_names,
        list(distinct scope order by scope) filter (where scope is not null) as scopes,
        count(distinct report_id) as report_count,
        min(fiscal_year) as first_fiscal_year,
        max(fiscal_year) as last_fiscal_year
    from mentions
    group by unit_name

),

final as (

    select
        units.unit_name,
        {{ district_from('units.unit_name') }} as district,
        supervisors.supervising_dept,
        printed_names.printed_name,
        units.printed_names,
        coalesce(units.scopes, []::varchar[]) as scopes,
        units.is_implementing_unit,
        units.is_supervising_dept,
        units.is_budget_department,
        cast(units.report_count as integer) as report_count,
        units.first_fiscal_year,
        units.last_fiscal_year

    from units
    left join printed_names
        on units.unit_name = printed_names.unit_name and printed_names.rank_ = 1
    left join supervisors
        on units.unit_name = supervisors.unit_name and supervisors.rank_ = 1

)

select * from final
