{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='source_file',
          on_schema_change='fail', pre_hook="{{ delete_changed_files() }}") }}  -- per file: macros/per_file.sql
-- An indicator that lost points (得分 < 分值) or whose actual value misses its target
-- (achievement = not_met) must give 偏差原因分析及改进措施. One row per indicator stating both a
-- weight and a score, or read as not_met, with the reason as printed; which reasons count as blank
-- (无, /) and the conditions are the expectation's parameters. A tracking indicator that prints its
-- full-year forecast (全年预计完成值) is judged by the forecast: a mid-year actual short of the
-- year's target is no deviation while the forecast meets it.
with

indicators as (

    select
        *,
        coalesce(forecast_achievement, achievement) as judged_achievement
    from {{ changed_rows('fct_indicator') }}

),

numbered as (

    -- numbered while the rows are narrow: the window sorts the indicators' own columns, and the
    -- report's context and the detail text are added after it
    select
        {{ check_row('r.source_file', 'r.report_seq, i.line_no, i.indicator_seq') }} as check_row,
        i.report_id, i.indicator_name, i.line_no, i.weight, i.score, i.judged_achievement,
        i.forecast_achievement, i.forecast_text, i.actual_text, i.target_text, i.deviation_reason,
        i.indicator_seq, pages.page_no
    from indicators as i
    join (select report_id, source_file, report_seq from {{ changed_rows('fct_report') }}) as r using (report_id)
    {{ join_pages('i') }}
    where (i.score is not null and i.weight is not null) or i.judged_achievement = 'not_met'

)

select
    i.check_row,
    {{ report_context('r') }},
    i.indicator_name as subject,
    '偏差原因分析及改进措施' as measure,
    i.line_no,
    case when i.weight is not null and i.score is not null
         then '分值 ' || printf('%.2f', i.weight) || '，得分 ' || printf('%.2f', i.score)
         else '' end
        || case when i.judged_achievement = 'not_met'
                then case when i.weight is not null and i.score is not null then '；' else '' end
                     || case when i.forecast_achievement is not null
                             then '全年预计完成值“' || i.forecast_text
                             else '实际完成值“' || coalesce(i.actual_text, '') end
                     || '”未达年度指标值“' || coalesce(i.target_text, '') || '”'
                else '' end as detail,
    {{ points('i.weight') }} as weight,
    {{ points('i.score') }} as score,
    i.deviation_reason as observed_reason,
    i.judged_achievement as achievement,
    i.indicator_seq,
    i.page_no
from numbered as i
join {{ changed_rows('fct_report') }} as r using (report_id)
