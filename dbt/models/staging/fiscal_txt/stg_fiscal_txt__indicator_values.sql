with

source as (

    select * from {{ source('fiscal_txt', 'indicator_values') }}

),

renamed as (

    select
        source_file || '#' || cast(report_seq as varchar) as report_id,
        source_file,
        cast(report_seq as integer) as report_seq,
        cast(indicator_seq as integer) as indicator_seq,
        cast(line_no as integer) as line_no,
        target_operator,
        cast(target_value as decimal(24, 6)) as target_value,
        cast(target_value_max as decimal(24, 6)) as target_value_max,
        target_unit,
        actual_operator,
        cast(actual_value as decimal(24, 6)) as actual_value,
        actual_unit,
        achievement,
        forecast_achievement

    from source

)

select * from renamed
