{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='source_file',
          on_schema_change='fail', pre_hook="{{ delete_changed_files() }}") }}  -- macros/incremental.sql
with

reports as (

    select * from {{ ref('stg_fiscal_txt__reports') }}{{ changed_files_only() }}

),

fund_counts as (

    select report_id, count(*) as fund_row_count
    from {{ ref('stg_fiscal_txt__fund_rows') }}{{ changed_files_only() }}
    group by report_id

),

pages as (

    select source_file, line_no, page_no
    from {{ ref('stg_fiscal_txt__source_lines') }}
    where page_no is not null{{ changed_files_only(keyword='and') }}

),

indicator_counts as (

    select report_id, count(*) as indicator_count
    from {{ ref('stg_fiscal_txt__indicators') }}{{ changed_files_only() }}
    group by report_id

),

final as (

    select
        reports.report_id,
        reports.source_file,
        reports.report_seq,
        reports.report_type,
        reports.fiscal_year,
        reports.project_name,
        reports.supervising_dept,
        reports.implementing_unit,
        reports.money_unit,
        reports.total_weight,
        reports.total_score,
        reports.grade,
        reports.tracking_period_start,
        reports.tracking_period_end,
        reports.line_start,
        reports.line_end,
        reports.goal_expected,
        reports.goal_actual,
        reports.goal_total,
        reports.goal_annual,
        reports.budget_amount_yuan,
        reports.budget_completion_likelihood,
        reports.goal_completion_likelihood,
        reports.corrective_measures,
        -- extras
        reports.district,
        reports.supervising_dept_key,
        reports.implementing_unit_key,
        reports.supervising_dept_scope,
        reports.implementing_unit_scope,
        reports.budget_amount as budget_amount_stated,
        reports.budget_amount_unit,
        reports.total_line_no,
        reports.grade_line_no,
        reports.project_code,
        reports.project_total_yuan,
        reports.project_total_amount as project_total_stated,
        reports.project_total_unit,
        reports.project_total_fiscal_yuan,
        reports.project_total_other_yuan,
        reports.extra_fields,
        coalesce(fund_counts.fund_row_count, 0) as fund_row_count,
        coalesce(indicator_counts.indicator_count, 0) as indicator_count,
        pages.page_no

    from reports
    left join fund_counts on reports.report_id = fund_counts.report_id
    left join indicator_counts on reports.report_id = indicator_counts.report_id
    left join pages on reports.source_file = pages.source_file and reports.line_start = pages.line_no

)

select * from final
