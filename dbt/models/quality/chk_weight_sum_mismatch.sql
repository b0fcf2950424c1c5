{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='source_file',
          on_schema_change='fail', pre_hook="{{ delete_changed_files() }}") }}  -- per file: macros/per_file.sql
-- Self-evaluation: 资金分值 + Σ 指标分值 = 总分 (total_weight; 100 when not printed).
-- One row per self-evaluation stating any weight. The tolerance (±0.05) is the expectation's.
with

indicator_weight as (

    select report_id, sum(weight) as weight_sum, count(weight) as stated
    from {{ changed_rows('fct_indicator') }}
    group by all

),

fund_weight as (

    select report_id, sum(weight) as weight
    from {{ changed_rows('fct_project_fund') }}
    where fund_source = 'total'
    group by all

),

checked as (

    select
        {{ report_context('r') }},
        '总分（分值）' as subject,
        '分值' as measure,
        coalesce(r.total_line_no, r.line_end) as line_no,
        '资金分值 ' || printf('%.2f', coalesce(fw.weight, 0)) || ' + 指标分值合计 '
            || printf('%.2f', coalesce(iw.weight_sum, 0)) || '（' || coalesce(iw.stated, 0) || ' 项指标）'
            || case when r.total_weight is null then '；总分未填，按 100 计' else '' end as detail,
        {{ points('coalesce(r.total_weight, 100)') }} as expected_weight,
        {{ points('coalesce(fw.weight, 0) + coalesce(iw.weight_sum, 0)') }} as observed_weight
    from {{ changed_rows('fct_report') }} as r
    left join indicator_weight as iw using (report_id)
    left join fund_weight as fw using (report_id)
    where r.report_type = 'self_eval' and (iw.stated > 0 or fw.weight is not null)

)

{{ numbered_with_pages('checked', 'report_seq') }}
