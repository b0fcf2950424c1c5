{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='source_file',
          on_schema_change='fail', pre_hook="{{ delete_changed_files() }}") }}  -- per file: macros/per_file.sql
-- Indicator: 0 ≤ 得分 ≤ 分值. One row per indicator stating a score or a weight; both are
-- printed values, so the expectations compare them exactly.
with

checked as (

    select
        {{ report_context('r') }},
        i.indicator_name as subject,
        '得分' as measure,
        i.line_no,
        concat_ws(' / ', i.level1, i.level2) as detail,
        {{ points('i.weight') }} as expected_max_score,
        {{ points('i.score') }} as observed_score,
        i.indicator_seq,
        pages.page_no
    from {{ changed_rows('fct_indicator') }} as i
    join {{ changed_rows('fct_report') }} as r using (report_id)
    {{ join_pages('i') }}
    where i.score is not null or i.weight is not null

)

select
    {{ check_row('source_file', 'report_seq, line_no, indicator_seq') }} as check_row,
    *
from checked
