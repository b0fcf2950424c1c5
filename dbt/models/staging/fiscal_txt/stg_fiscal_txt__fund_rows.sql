-- Amounts stay in the report's unit here: the unit lives on the report, so the conversion
-- to 元 happens in int_fund_rows_unit_converted (staging does no joins).
with

source as (

    select * from {{ source('fiscal_txt', 'fund_rows') }}

),

renamed as (

    select
        source_file || '#' || cast(report_seq as varchar) as report_id,
        source_file,
        cast(report_seq as integer) as report_seq,
        lower(trim(fund_source)) as fund_source,
        {{ clean_text('label') }} as fund_label,
        cast(line_no as integer) as line_no,

        cast(budget_initial as decimal(24, 6)) as budget_initial,
        cast(budget_adjusted as decimal(24, 6)) as budget_adjusted,
        cast(budget_tracking as decimal(24, 6)) as budget_tracking,
        cast(executed as decimal(24, 6)) as executed,
        cast(forecast_executed as decimal(24, 6)) as forecast_executed,

        -- not money: points and percentages
        cast(weight as decimal(18, 4)) as weight,
        cast(execution_rate_pct as decimal(18, 4)) as execution_rate_pct,
        cast(score as decimal(18, 4)) as score

    from source

)

select * from renamed
