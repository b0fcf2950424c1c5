{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='source_file',
          on_schema_change='fail', pre_hook="{{ delete_changed_files() }}") }}  -- macros/incremental.sql
with

fund_rows as (

    select * from {{ ref('int_fund_rows_unit_converted') }}{{ changed_files_only() }}

),

final as (

    select
        report_id,
        source_file,
        report_seq,
        fund_source,
        budget_initial_yuan,
        budget_adjusted_yuan,
        budget_tracking_yuan,
        executed_yuan,
        weight,
        execution_rate_pct,
        score,
        line_no,
        -- extras: as printed
        fund_label,
        money_unit,
        budget_initial as budget_initial_stated,
        budget_adjusted as budget_adjusted_stated,
        budget_tracking as budget_tracking_stated,
        executed as executed_stated,
        forecast_executed_yuan,
        forecast_executed as forecast_executed_stated

    from fund_rows

)

select * from final
