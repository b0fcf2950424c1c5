{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='subject_code',
          on_schema_change='fail',
          pre_hook="{{ touch_dim_keys('fct_budget_line', 'subject_code') }}",
          post_hook="{{ forget_dim_keys('fct_budget_line') }}") }}  -- by code: macros/dims.sql
-- Every classification code seen in a budget table, plus the national 类 list (seed), one row per code.
-- The budget lines are fct_budget_line's (every cell of int_budget_lines_joined, kept per file); an
-- incremental run builds the codes the changed files name or named only.
with

lines as (

    select subject_code, subject_name
    from {{ ref('fct_budget_line') }}
    where subject_code <> '' and {{ in_touched_keys('fct_budget_line', 'subject_code') }}

),

classes as (

    select subject_code, subject_name, classification from {{ ref('budget_subject_classes') }}

),

names_seen as (

    select
        subject_code,
        subject_name,
        row_number() over (
            partition by subject_code order by count(*) desc, subject_name nulls last
        ) as rank_
    from lines
    group by subject_code, subject_name

),

codes as (

    select subject_code from lines
    union
    select subject_code from classes where {{ in_touched_keys('fct_budget_line', 'subject_code') }}

),

final as (

    select
        codes.subject_code,
        cast(case length(codes.subject_code)
            when 3 then '类'
            when 5 then '款'
            when 7 then '项'
        end as varchar) as code_level,
        coalesce(names_seen.subject_name, classes.subject_name) as subject_name,
        cast(case
            when length(codes.subject_code) in (5, 7)
                then left(codes.subject_code, length(codes.subject_code) - 2)
        end as varchar) as parent_code,
        cast(case left(codes.subject_code, 1)
            when '2' then 'function'
            when '3' then 'economic'
        end as varchar) as classification,
        left(codes.subject_code, 3) as class_code,
        class_names.subject_name as class_name,
        names_seen.subject_code is not null as is_in_budget_tables

    from codes
    left join names_seen
        on codes.subject_code = names_seen.subject_code and names_seen.rank_ = 1
    left join classes on codes.subject_code = classes.subject_code
    left join classes as class_names on left(codes.subject_code, 3) = class_names.subject_code

)

select * from final
