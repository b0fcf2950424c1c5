{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='source_file',
          on_schema_change='fail', pre_hook="{{ delete_changed_files() }}") }}  -- per file: macros/per_file.sql
-- 执行率 = 执行数 / 全年预算数 × 100 (tracking: 跟踪期执行数 / 跟踪期预算数 × 100).
-- One row per fund row that states a rate and has an executed amount and a non-zero
-- denominator. The tolerance (±0.05 percentage points) is the expectation's parameter.
with

fund as (

    select
        f.*,
        case when r.report_type = 'tracking' then f.budget_tracking_yuan else f.budget_adjusted_yuan end
            as denominator
    from {{ changed_rows('fct_project_fund') }} as f
    join {{ changed_rows('fct_report') }} as r using (report_id)

),

checked as (

    select
        {{ report_context('r') }},
        coalesce(labels.label_zh, f.fund_source) as subject,
        '执行率' as measure,
        f.line_no,
        case when r.report_type = 'tracking' then '跟踪期执行数 ' else '全年执行数 ' end
            || printf('%.2f', f.executed_yuan / {{ unit_factor('r.money_unit') }})
            || case when r.report_type = 'tracking' then ' ÷ 跟踪期预算数 ' else ' ÷ 全年预算数 ' end
            || printf('%.2f', f.denominator / {{ unit_factor('r.money_unit') }}) || ' × 100' as detail,
        {{ points('round(f.executed_yuan / f.denominator * 100, 4)') }} as expected_rate_pct,
        {{ points('f.execution_rate_pct') }} as observed_rate_pct,
        f.executed_yuan,
        {{ money('f.denominator') }} as budget_yuan
    from fund as f
    join {{ changed_rows('fct_report') }} as r using (report_id)
    left join {{ ref('dim_fund_source') }} as labels using (fund_source)
    where f.execution_rate_pct is not null and f.executed_yuan is not null
      and f.denominator is not null and f.denominator <> 0

)

{{ numbered_with_pages('checked', 'report_seq, line_no') }}
