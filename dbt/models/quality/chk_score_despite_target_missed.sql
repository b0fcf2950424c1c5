{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='source_file',
          on_schema_change='fail', pre_hook="{{ delete_changed_files() }}") }}  -- per file: macros/per_file.sql
-- An indicator whose actual value misses its target (achievement = not_met, read from the target
-- and actual texts, never guessed) should not earn full points. One row per indicator stating a
-- weight and a score; GX looks at the not_met ones and expects 得分 < 分值.
with

checked as (

    select
        {{ report_context('r') }},
        i.indicator_name as subject,
        '得分' as measure,
        i.line_no,
        '年度指标值“' || coalesce(i.target_text, '') || '”，实际完成值“' || coalesce(i.actual_text, '') || '”' as detail,
        {{ points('i.weight') }} as expected_max_score,
        {{ points('i.score') }} as observed_score,
        i.achievement,
        i.target_text,
        i.actual_text,
        i.indicator_seq,
        pages.page_no
    from {{ changed_rows('fct_indicator') }} as i
    join {{ changed_rows('fct_report') }} as r using (report_id)
    {{ join_pages('i') }}
    where i.weight is not null and i.score is not null

)

select
    {{ check_row('source_file', 'report_seq, line_no, indicator_seq') }} as check_row,
    *
from checked
