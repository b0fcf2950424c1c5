{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='fiscal_year',
          on_schema_change='fail',
          pre_hook="{{ touch_dim_keys('int_year_mentions', 'fiscal_year') }}",
          post_hook="{{ forget_dim_keys('int_year_mentions') }}") }}  -- by year: macros/dims.sql
-- One row per year named by a report, a budget table or a narrative amount. Summed from the per-file
-- counts of int_year_mentions (a few rows per file), not from every report, table and narrative;
-- an incremental run sums the years the changed files name or named only.
with

mentions as (

    select * from {{ ref('int_year_mentions') }}
    where {{ in_touched_keys('int_year_mentions', 'fiscal_year') }}

),

final as (

    select
        fiscal_year,
        cast(coalesce(sum(mentions) filter (where kind = 'self_eval'), 0) as integer) as self_eval_report_count,
        cast(coalesce(sum(mentions) filter (where kind = 'tracking'), 0) as integer) as tracking_report_count,
        cast(coalesce(sum(mentions) filter (where kind = 'target'), 0) as integer) as target_report_count,
        cast(coalesce(sum(mentions) filter (where kind = 'budget_table'), 0) as integer) as budget_table_count,
        cast(count(distinct source_file) as integer) as source_file_count

    from mentions
    group by fiscal_year

)

select * from final
