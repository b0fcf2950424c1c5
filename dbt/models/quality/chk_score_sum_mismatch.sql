{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='source_file',
          on_schema_change='fail', pre_hook="{{ delete_changed_files() }}") }}  -- per file: macros/per_file.sql
-- 资金得分 + Σ 指标得分 = 总分 (total_score). One row per report stating a total score and any
-- part score. The tolerance (±0.05) is the expectation's.
with

indicator_score as (

    select report_id, sum(score) as score_sum, count(score) as stated
    from {{ changed_rows('fct_indicator') }}
    group by all

),

fund_score as (

    select report_id, sum(score) as score
    from {{ changed_rows('fct_project_fund') }}
    where fund_source = 'total'
    group by all

),

checked as (

    select
        {{ report_context('r') }},
        '总分（得分）' as subject,
        '得分' as measure,
        coalesce(r.total_line_no, r.line_end) as line_no,
        '资金得分 ' || printf('%.2f', coalesce(fs.score, 0)) || ' + 指标得分合计 '
            || printf('%.2f', coalesce(iss.score_sum, 0)) || '（' || coalesce(iss.stated, 0) || ' 项指标）' as detail,
        {{ points('coalesce(fs.score, 0) + coalesce(iss.score_sum, 0)') }} as expected_score,
        {{ points('r.total_score') }} as observed_score
    from {{ changed_rows('fct_report') }} as r
    left join indicator_score as iss using (report_id)
    left join fund_score as fs using (report_id)
    where r.total_score is not null and (iss.stated > 0 or fs.score is not null)

)

{{ numbered_with_pages('checked', 'report_seq') }}
