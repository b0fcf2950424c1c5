with

reports as (

    select fiscal_year, report_type, source_file from {{ ref('stg_fiscal_txt__reports') }}

),

budget_tables as (

    select fiscal_year, source_file from {{ ref('stg_fiscal_txt__budget_tables') }}

),

narrative as (

    select fiscal_year, source_file from {{ ref('stg_fiscal_txt__narrative_amounts') }}

),

mentions as (

    select fiscal_year, report_type as kind, source_file from reports
    union all
    select fiscal_year, 'budget_table', source_file from budget_tables
    union all
    select fiscal_year, 'narrative', source_file from narrative

),

final as (

    select
        fiscal_year,
        cast(count(*) filter (where kind = 'self_eval') as integer) as self_eval_report_count,
        cast(count(*) filter (where kind = 'tracking') as integer) as tracking_report_count,
        cast(count(*) filter (where kind = 'target') as integer) as target_report_count,
        cast(count(*) filter (where kind = 'budget_table') as integer) as budget_table_count,
        cast(count(distinct source_file) as integer) as source_file_count

    from mentions
    where fiscal_year is not null
    group by fiscal_year

)

select * from final
