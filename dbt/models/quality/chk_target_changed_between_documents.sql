{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='entity_key',
          on_schema_change='fail', pre_hook="{{ touch_entities('project') }}",
          post_hook="{{ record_members('project') }}") }}  -- per project: macros/per_file.sql
-- An indicator's target is the same in every document about one project (canonical unit +
-- project name + year): the 绩效目标 table's 指标目标值, the tracking report's and the
-- self-evaluation's 年度指标值. Indicators match by name (spaces and quotes removed). One row per
-- indicator of a document compared with the same indicator in the project's reference document
-- (its 绩效目标 table, else its tracking report).
-- Compared is each target's reading, as a key: operator (only when both texts state one: a bare
-- `100%` and `=100%` say the same), value, upper value and unit; a target with no number (及时,
-- 健全) is compared by its text, spaces removed. Equal keys are GX's verdict, not this model's.
with

documents as (

    -- int_project_documents_matched of the touched projects: their reports taken before the grouping
    -- and the window (macros/project_documents.sql), not the view's rows of every project filtered after
    -- depends_on: {{ ref('int_project_documents_matched') }}
    select *, {{ project_entity('implementing_unit_key', 'project_key', 'fiscal_year') }} as entity_key
    from ({{ project_documents(in_touched_entity(project_entity('implementing_unit_key', name_key('project_name'), 'fiscal_year'))) }})

),

targets as (

    select
        documents.report_id,
        documents.report_type,
        documents.implementing_unit_key,
        documents.project_key,
        documents.fiscal_year,
        documents.is_reference_kind,
        documents.source_file,
        documents.entity_key,
        i.indicator_seq,
        i.indicator_name,
        {{ name_key('i.indicator_name') }} as indicator_key,
        i.target_text,
        i.target_operator,
        i.target_unit,
        i.line_no,
        case when i.target_value is not null then
            rtrim(rtrim(cast(i.target_value as varchar), '0'), '.')
            || coalesce('-' || rtrim(rtrim(cast(i.target_value_max as varchar), '0'), '.'), '')
            || coalesce(' ' || i.target_unit, '')
        end as value_key,
        regexp_replace(coalesce(i.target_text, ''), '[\s()（）]', '', 'g') as text_key
    from documents
    join {{ ref('fct_indicator') }} as i using (report_id)
    where i.target_text is not null

),

pairs as (

    select
        o.*,
        ref.report_id as reference_report_id,
        ref.report_type as reference_report_type,
        ref.source_file as reference_source_file,
        ref.line_no as reference_line_no,
        ref.target_text as reference_target_text,
        ref.target_operator as reference_operator,
        ref.value_key as reference_value_key,
        ref.text_key as reference_text_key
    from targets as o
    join targets as ref
      on ref.implementing_unit_key = o.implementing_unit_key
     and ref.project_key = o.project_key
     and ref.fiscal_year = o.fiscal_year
     and ref.indicator_key = o.indicator_key
     and ref.is_reference_kind
     and ref.report_id <> o.report_id
    where not o.is_reference_kind

),

checked as (

    select
        {{ report_context('r') }},
        p.indicator_name as subject,
        '年度指标值' as measure,
        p.line_no,
        {{ report_type_label('p.reference_report_type') }} || '（' || p.reference_source_file || ' 第 '
            || p.reference_line_no || ' 行）指标目标值“' || p.reference_target_text || '”' as detail,
        p.reference_target_text as expected_target_text,
        p.target_text as observed_target_text,
        case when p.reference_value_key is not null or p.value_key is not null then
            case when p.reference_operator is not null and p.target_operator is not null
                 then p.reference_operator || ' ' else '' end || coalesce(p.reference_value_key, p.reference_text_key)
            else p.reference_text_key end as expected_target,
        case when p.reference_value_key is not null or p.value_key is not null then
            case when p.reference_operator is not null and p.target_operator is not null
                 then p.target_operator || ' ' else '' end || coalesce(p.value_key, p.text_key)
            else p.text_key end as observed_target,
        p.reference_report_id,
        p.indicator_seq,
        p.entity_key
    from pairs as p
    join {{ changed_rows('fct_report') }} as r using (report_id)

)

select
    -- detail last: a reference naming one indicator twice (two lines) gives two rows equal in the rest
    {{ entity_check_row('source_file', 'entity_key', 'report_seq, line_no, indicator_seq, reference_report_id, detail') }}
        as check_row,
    checked.*,
    pages.page_no  -- pages_of(): the compared files' lines only (macros/per_file.sql)
from checked
left join {{ pages_of('checked') }} as pages using (source_file, line_no)
