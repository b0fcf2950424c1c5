-- The documents that speak about one project: every report (绩效目标 table, tracking report,
-- self-evaluation) keyed by canonical unit (implementing_unit_key: the heading's unit for a target
-- table) + project name (spaces and quotes removed) + year. Only projects seen in at least two
-- documents of different kinds are kept: those are what the cross-document checks compare.
-- The reference document of a project is its 绩效目标 table, else its tracking report.
with

reports as (

    select
        *,
        {{ name_key('project_name') }} as project_key,
        case report_type when 'target' then 1 when 'tracking' then 2 else 3 end as document_rank
    from {{ ref('fct_report') }}
    where implementing_unit_key is not null and project_name is not null and fiscal_year is not null

),

projects as (

    select implementing_unit_key, project_key, fiscal_year
    from reports
    group by all
    having count(distinct report_type) >= 2

),

final as (

    select
        reports.*,
        min(reports.document_rank) over (
            partition by reports.implementing_unit_key, reports.project_key, reports.fiscal_year
        ) = reports.document_rank as is_reference_kind
    from reports
    join projects using (implementing_unit_key, project_key, fiscal_year)

)

select * from final
