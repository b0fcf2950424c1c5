{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='source_file',
          on_schema_change='fail', pre_hook="{{ delete_changed_files() }}") }}  -- per file: macros/incremental.sql
-- One row per budget file: its department and year (the most frequent printed on its tables) and
-- whether its tables print an amount. A file's row depends on its own rows only, so an incremental
-- run reads the changed files' tables and cells, not every budget file's (int_budget_documents pairs
-- the files of a department-year from these rows). Both sides are the changed files' before the join
-- (a table's cells are its file's): a filter after it joined every budget table with every cell first.
with

tables as (

    select * from {{ ref('stg_fiscal_txt__budget_tables') }}{{ changed_files_only() }}

),

cells as (

    select budget_table_id from {{ ref('stg_fiscal_txt__budget_cells') }}{{ changed_files_only() }}

)

select
    t.source_file,
    mode(t.department_key) filter (where t.department_key is not null) as department_key,
    mode(t.department) filter (where t.department is not null) as department,
    mode(t.district) filter (where t.district is not null) as district,
    mode(t.fiscal_year) filter (where t.fiscal_year is not null) as fiscal_year,
    bool_or(c.budget_table_id is not null) as has_amounts
from tables as t
left join cells as c using (budget_table_id)
group by t.source_file
