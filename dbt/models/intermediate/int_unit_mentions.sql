{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='source_file',
          on_schema_change='fail',
          pre_hook=["{{ keep_changed_keys('unit_name') }}", "{{ delete_changed_files() }}"]) }}
-- per file: macros/incremental.sql; the changed files' keys kept for the dim: macros/dims.sql
-- Every naming of a unit or department by a report (实施单位, 主管部门) or a budget table (编制部门),
-- one row per mention, as dim_unit aggregates them. A mention is its file's own row, so an incremental
-- run reads the changed files' reports and tables only; dim_unit then groups this plain table
-- instead of cleaning every report's and table's text again on each run.
with

reports as (

    select * from {{ ref('stg_fiscal_txt__reports') }}{{ changed_files_only() }}

),

budget_tables as (

    select * from {{ ref('stg_fiscal_txt__budget_tables') }}{{ changed_files_only() }}

)

select
    source_file,
    implementing_unit_key as unit_name,
    implementing_unit as printed_name,
    implementing_unit_scope as scope,
    'implementing_unit' as role,
    supervising_dept_key as supervising_dept,
    fiscal_year,
    report_id
from reports
where implementing_unit_key is not null

union all

select
    source_file,
    supervising_dept_key,
    supervising_dept,
    supervising_dept_scope,
    'supervising_dept',
    null,
    fiscal_year,
    report_id
from reports
where supervising_dept_key is not null

union all

select
    source_file,
    department_key,
    department,
    department_scope,
    'budget_department',
    null,
    fiscal_year,
    null
from budget_tables
where department_key is not null
