{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='source_file',
          on_schema_change='fail',
          pre_hook=["{{ keep_changed_keys('subject_code') }}", "{{ delete_changed_files() }}"]) }}
-- macros/incremental.sql; the changed files' codes kept for dim_budget_subject: macros/dims.sql
with

lines as (

    select * from {{ ref('int_budget_lines_joined') }}{{ changed_files_only() }}

),

pages as (

    select source_file, line_no, page_no
    from {{ ref('stg_fiscal_txt__source_lines') }}
    where page_no is not null{{ changed_files_only(keyword='and') }}

),

final as (

    select
        source_file,
        fiscal_year,
        table_seq,
        table_title,
        side,
        row_seq,
        subject_code,
        code_level,
        subject_name,
        measure,
        amount_yuan,
        line_no,
        -- extras
        nullif(subject_code, '') as subject_code_key,
        money_unit,
        amount as amount_stated,
        decimals,
        department,
        department_key,
        department_scope,
        pages.page_no

    from lines
    left join pages using (source_file, line_no)

)

select * from final
