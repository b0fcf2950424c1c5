{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='entity_key',
          on_schema_change='fail', pre_hook="{{ touch_entities('project') }}",
          post_hook="{{ record_members('project') }}") }}  -- per project: macros/per_file.sql
-- The same project (canonical unit + project name + year) states one budget in every document:
-- the 绩效目标 table's 年度预算安排, the tracking report's and the self-evaluation's 年初预算数
-- (total fund row). One row per document compared with the project's reference document (its
-- 绩效目标 table, else its tracking report). tolerance_yuan: 0.01 in the coarser unit of the two.
with

documents as (

    -- int_project_documents_matched of the touched projects: their reports taken before the grouping
    -- and the window (macros/project_documents.sql), not the view's rows of every project filtered after
    -- depends_on: {{ ref('int_project_documents_matched') }}
    select *, {{ project_entity('implementing_unit_key', 'project_key', 'fiscal_year') }} as entity_key
    from ({{ project_documents(in_touched_entity(project_entity('implementing_unit_key', name_key('project_name'), 'fiscal_year'))) }})

),

initial_budget as (

    select report_id, budget_initial_yuan, line_no
    from {{ ref('fct_project_fund') }}
    where fund_source = 'total'

),

stated as (

    select
        documents.*,
        case when documents.report_type = 'target' then documents.budget_amount_yuan
             else initial_budget.budget_initial_yuan end as budget_yuan,
        case when documents.report_type = 'target' then documents.line_start
             else initial_budget.line_no end as budget_line_no,
        case when documents.report_type = 'target' then '年度预算安排' else '年初预算数' end as budget_label,
        case when documents.report_type = 'target' then coalesce(documents.budget_amount_unit, '元')
             else documents.money_unit end as budget_unit
    from documents
    left join initial_budget using (report_id)

),

reference as (

    select * from stated where is_reference_kind and budget_yuan is not null

),

checked as (

    select
        {{ report_context('o') }},
        o.project_name as subject,
        o.budget_label as measure,
        o.budget_line_no as line_no,
        {{ report_type_label('ref.report_type') }} || '（' || ref.source_file || ' 第 ' || ref.budget_line_no
            || ' 行）' || ref.budget_label || ' ' || printf('%.2f', ref.budget_yuan / {{ unit_factor('ref.budget_unit') }})
            || ' ' || ref.budget_unit as detail,
        {{ money('ref.budget_yuan') }} as expected_yuan,
        {{ money('o.budget_yuan') }} as observed_yuan,
        {{ money('0.01 * greatest(' ~ unit_factor('ref.budget_unit') ~ ', ' ~ unit_factor('o.budget_unit') ~ ')') }}
            as tolerance_yuan,
        ref.report_id as reference_report_id,
        o.entity_key
    from stated as o
    join reference as ref
      on ref.implementing_unit_key = o.implementing_unit_key
     and ref.project_key = o.project_key
     and ref.fiscal_year = o.fiscal_year
     and ref.report_id <> o.report_id
    where o.budget_yuan is not null and not o.is_reference_kind

)

select
    {{ entity_check_row('source_file', 'entity_key', 'report_seq, reference_report_id') }} as check_row,
    checked.*,
    pages.page_no  -- pages_of(): the compared files' lines only (macros/per_file.sql)
from checked
left join {{ pages_of('checked') }} as pages using (source_file, line_no)
