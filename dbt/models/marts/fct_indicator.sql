{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='source_file',
          on_schema_change='fail', pre_hook="{{ delete_changed_files() }}") }}  -- macros/incremental.sql
with

indicators as (

    select * from {{ ref('stg_fiscal_txt__indicators') }}{{ changed_files_only() }}

),

indicator_values as (

    select * from {{ ref('stg_fiscal_txt__indicator_values') }}{{ changed_files_only() }}

),

final as (

    select
        indicators.report_id,
        indicators.source_file,
        indicators.report_seq,
        indicators.indicator_seq,
        level1,
        level2,
        indicator_name,
        target_text,
        actual_text,
        planned_text,
        weight,
        score,
        deviation_reason,
        indicators.line_no,
        target_operator,
        target_value,
        target_value_max,
        target_unit,
        actual_value,
        actual_unit,
        -- a row the parser gave no reading (none today) is undecided, not met
        coalesce(achievement, 'unknown') as achievement,
        -- extras
        level1_code,
        level2_code,
        actual_operator,
        explanation,
        forecast_text,
        deviation_cause,
        completion_likelihood,
        remarks,
        forecast_achievement

    from indicators
    left join indicator_values
        on indicator_values.report_id = indicators.report_id
        and indicator_values.indicator_seq = indicators.indicator_seq

)

select * from final
