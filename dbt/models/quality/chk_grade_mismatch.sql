{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='source_file',
          on_schema_change='fail', pre_hook="{{ delete_changed_files() }}") }}  -- per file: macros/per_file.sql
-- 评分等级 vs 总分. One row per report stating both a grade and a total score. The printed grade
-- is reduced to its level (优秀 → 优, 良好 → 良, 合格/中等 → 中, 不合格/差 → 差); which level a
-- score earns (the score bands) is the expectation's parameter, judged by GX.
with

checked as (

    select
        {{ report_context('r') }},
        '评分等级' as subject,
        '评分等级' as measure,
        coalesce(r.grade_line_no, r.total_line_no, r.line_end) as line_no,
        '总分 ' || printf('%.2f', r.total_score) || '，填报等级“' || r.grade || '”' as detail,
        {{ points('r.total_score') }} as observed_score,
        r.grade as observed_grade_printed,
        case
            when r.grade like '%不合格%' or r.grade like '差%' then '差'
            when r.grade like '优%' then '优'
            when r.grade like '良%' then '良'
            when r.grade like '中%' or r.grade like '%合格%' or r.grade like '%及格%' then '中'
            else r.grade
        end as observed_grade
    from {{ changed_rows('fct_report') }} as r
    where r.grade is not null and r.total_score is not null

)

{{ numbered_with_pages('checked', 'report_seq') }}
