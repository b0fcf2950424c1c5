{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='source_file',
          on_schema_change='fail', pre_hook="{{ delete_changed_files() }}") }}  -- per file: macros/per_file.sql
-- Self-evaluation fund score: 得分 = 分值 × min(执行率, 100) / 100, on the total row.
-- Uses the stated 执行率 (a wrong rate is execution_rate_mismatch's finding, so it is not
-- reported twice); when no rate is stated, the rate computed from 全年执行数 / 全年预算数.
-- The tolerance (±0.05 points) is the expectation's parameter.
with

fund as (

    select
        f.*,
        case when f.budget_adjusted_yuan <> 0
            then {{ points('round(f.executed_yuan / f.budget_adjusted_yuan * 100, 4)') }}
        end as computed_rate
    from {{ changed_rows('fct_project_fund') }} as f
    where f.fund_source = 'total' and f.weight is not null and f.score is not null

),

checked as (

    select
        {{ report_context('r') }},
        '年度资金总额' as subject,
        '得分' as measure,
        f.line_no,
        '分值 ' || printf('%.2f', f.weight) || ' × min('
            || case when f.execution_rate_pct is not null then '填报执行率 ' else '计算执行率 ' end
            || printf('%.2f', coalesce(f.execution_rate_pct, f.computed_rate)) || '%, 100%)' as detail,
        {{ points('round(f.weight * least(coalesce(f.execution_rate_pct, f.computed_rate), 100) / 100, 4)') }}
            as expected_score,
        {{ points('f.score') }} as observed_score,
        {{ points('f.weight') }} as weight,
        {{ points('coalesce(f.execution_rate_pct, f.computed_rate)') }} as rate_used_pct
    from fund as f
    join {{ changed_rows('fct_report') }} as r using (report_id)
    where r.report_type = 'self_eval' and coalesce(f.execution_rate_pct, f.computed_rate) is not null

)

{{ numbered_with_pages('checked', 'report_seq, line_no') }}
