{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='source_file',
          on_schema_change='fail', pre_hook="{{ delete_changed_files() }}") }}  -- per file: macros/per_file.sql
-- An indicator whose actual value meets its target (achievement = met, read from the target
-- and actual texts, never guessed) normally earns full points. One row per indicator stating a
-- weight and a score; GX looks at the met ones and expects 得分 = 分值 (a warning: a scorer may have reasons).
with

numbered as (

    -- numbered while the rows are narrow: the window sorts the indicators' own columns, and the
    -- report's context and the detail text are added after it
    select
        {{ check_row('r.source_file', 'r.report_seq, i.line_no, i.indicator_seq') }} as check_row,
        i.report_id, i.indicator_name, i.line_no, i.weight, i.score, i.achievement, i.target_text,
        i.actual_text, i.indicator_seq, pages.page_no
    from {{ changed_rows('fct_indicator') }} as i
    join (select report_id, source_file, report_seq from {{ changed_rows('fct_report') }}) as r using (report_id)
    {{ join_pages('i') }}
    where i.weight is not null and i.score is not null

)

select
    i.check_row,
    {{ report_context('r') }},
    i.indicator_name as subject,
    '得分' as measure,
    i.line_no,
    '年度指标值“' || coalesce(i.target_text, '') || '”，实际完成值“' || coalesce(i.actual_text, '') || '”' as detail,
    {{ points('i.weight') }} as expected_score,
    {{ points('i.score') }} as observed_score,
    i.achievement,
    i.target_text,
    i.actual_text,
    i.indicator_seq,
    i.page_no
from numbered as i
join {{ changed_rows('fct_report') }} as r using (report_id)
