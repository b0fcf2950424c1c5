{#- The documents that speak about one project (int_project_documents_matched's body), of the reports
    `where` keeps. A project's rows depend on its own reports only (its entity: project_entity()), so
    a condition on the entity taken before the grouping and the window is exact: an incremental
    cross-file model reads its touched projects' reports only, where a filter on the view's output
    would come after DuckDB had grouped and ranked every report of the warehouse. The reports are
    read through changed_rows(): the touched projects' files first, so the entity key is computed
    for their reports, not for every report (~0.3 CPU s a model at 100k reports). -#}
{% macro project_documents(where='true') -%}
with

reports as (

    select
        *,
        {{ name_key('project_name') }} as project_key,
        case report_type when 'target' then 1 when 'tracking' then 2 else 3 end as document_rank
    from {{ changed_rows('fct_report') }} as fct_report
    where implementing_unit_key is not null and project_name is not null and fiscal_year is not null
      and ({{ where }})

),

projects as (

    select implementing_unit_key, project_key, fiscal_year
    from reports
    group by all
    having count(distinct report_type) >= 2

)

select
    reports.*,
    min(reports.document_rank) over (
        partition by reports.implementing_unit_key, reports.project_key, reports.fiscal_year
    ) = reports.document_rank as is_reference_kind
from reports
join projects using (implementing_unit_key, project_key, fiscal_year)
{%- endmacro %}
