{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='source_file',
          on_schema_change='fail', pre_hook="{{ delete_changed_files() }}") }}  -- macros/incremental.sql
with

amounts as (

    select * from {{ ref('stg_fiscal_txt__narrative_amounts') }}{{ changed_files_only() }}

),

final as (

    select
        source_file,
        fiscal_year,
        subject_name,
        context,
        amount_stated,
        unit,
        amount_yuan,
        line_no,
        raw_text,
        decimals

    from amounts

)

select * from final
